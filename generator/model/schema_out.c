/* schema_out.c: writes what is derived from schemas/records.xml, so the
 * record types stay defined once: the XSD of XML record files and the
 * Markdown record reference of docs/records.md. Part of model/. */
#include <stdio.h>
#include <string.h>

#include "model.h"

static void xsd_simple(StrBuf *sb, const FieldDef *f, const char *indent) {
    switch (f->kind) {
    case FK_DATE:
        sb_printf(sb, "%s<xs:simpleType><xs:restriction base=\"xs:date\"/></xs:simpleType>\n",
                  indent);
        return;
    case FK_INT:
        sb_printf(sb, "%s<xs:simpleType><xs:restriction base=\"xs:integer\"/></xs:simpleType>\n",
                  indent);
        return;
    case FK_NUMBER:
        sb_printf(sb, "%s<xs:simpleType><xs:restriction base=\"xs:decimal\"/></xs:simpleType>\n",
                  indent);
        return;
    case FK_BOOL: /* xs:boolean would admit 1 and 0, which records do not */
        sb_printf(
            sb,
            "%s<xs:simpleType><xs:restriction base=\"xs:token\"><xs:enumeration value=\"true\"/>"
            "<xs:enumeration value=\"false\"/></xs:restriction></xs:simpleType>\n",
            indent);
        return;
    case FK_LINK:
        sb_printf(sb, "%s<xs:simpleType><xs:restriction base=\"d:recordId\"/></xs:simpleType>\n",
                  indent);
        return;
    case FK_LINKS:
        sb_printf(sb, "%s<xs:simpleType><xs:list itemType=\"d:recordId\"/></xs:simpleType>\n",
                  indent);
        return;
    case FK_ENUM:
        sb_printf(sb, "%s<xs:simpleType><xs:restriction base=\"xs:token\">\n", indent);
        for (size_t i = 0; i < f->nvalues; i++)
            sb_printf(sb, "%s  <xs:enumeration value=\"%s\"/>\n", indent, f->values[i]);
        sb_printf(sb, "%s</xs:restriction></xs:simpleType>\n", indent);
        return;
    case FK_STRING:
        if (f->pattern) {
            sb_printf(sb,
                      "%s<xs:simpleType><xs:restriction base=\"xs:string\"><xs:pattern value=\"",
                      indent);
            sb_escape_xml(sb, f->pattern, strlen(f->pattern));
            sb_puts(sb, "\"/></xs:restriction></xs:simpleType>\n");
            return;
        }
        sb_printf(sb, "%s<xs:simpleType><xs:restriction base=\"xs:string\"/></xs:simpleType>\n",
                  indent);
        return;
    default:
        sb_printf(sb, "%s<xs:simpleType><xs:restriction base=\"xs:string\"/></xs:simpleType>\n",
                  indent);
        return;
    }
}

static void xsd_fields(StrBuf *sb, const FieldDef *defs, size_t n, bool skip_id, int depth);

static void xsd_field(StrBuf *sb, const FieldDef *f, int depth) {
    char indent[64];
    int w = depth * 2 < 60 ? depth * 2 : 60;
    memset(indent, ' ', (size_t)w);
    indent[w] = 0;
    sb_printf(sb, "%s<xs:element name=\"%s\" minOccurs=\"%d\">\n", indent, f->name,
              f->required ? 1 : 0);
    switch (f->kind) {
    case FK_LIST:
        sb_printf(
            sb,
            "%s  <xs:complexType><xs:sequence>\n%s    <xs:element name=\"item\" type=\"xs:string\" "
            "minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n%s  </xs:sequence></xs:complexType>\n",
            indent, indent, indent);
        break;
    case FK_ENTRY:
        sb_printf(sb, "%s  <xs:complexType><xs:all>\n", indent);
        xsd_fields(sb, f->sub, f->nsub, false, depth + 2);
        sb_printf(sb, "%s  </xs:all></xs:complexType>\n", indent);
        break;
    case FK_ENTRIES:
        sb_printf(
            sb,
            "%s  <xs:complexType><xs:sequence>\n%s    <xs:element name=\"entry\" minOccurs=\"0\" "
            "maxOccurs=\"unbounded\">\n%s      <xs:complexType><xs:all>\n",
            indent, indent, indent);
        xsd_fields(sb, f->sub, f->nsub, false, depth + 4);
        sb_printf(sb,
                  "%s      </xs:all></xs:complexType>\n%s    </xs:element>\n%s  "
                  "</xs:sequence></xs:complexType>\n",
                  indent, indent, indent);
        break;
    default: {
        char inner[72];
        snprintf(inner, sizeof inner, "%s  ", indent);
        xsd_simple(sb, f, inner);
        break;
    }
    }
    sb_printf(sb, "%s</xs:element>\n", indent);
}

static void xsd_fields(StrBuf *sb, const FieldDef *defs, size_t n, bool skip_id, int depth) {
    for (size_t i = 0; i < n; i++) {
        if (skip_id && strcmp(defs[i].name, "id") == 0) continue;
        xsd_field(sb, &defs[i], depth);
    }
}

void schema_write_xsd(StrBuf *sb, const Schema *s) {
    sb_puts(
        sb,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!-- Written from schemas/records.xml by `dossier schema` (xsd form): do not edit. -->\n"
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"\n"
        "           xmlns:d=\"urn:dossier:records:1\" targetNamespace=\"urn:dossier:records:1\"\n"
        "           elementFormDefault=\"qualified\">\n"
        "  <xs:simpleType name=\"recordId\">\n"
        "    <xs:restriction base=\"xs:token\"><xs:pattern "
        "value=\"[A-Z]{2,}-[A-Za-z0-9._\\-]*[A-Za-z0-9]\"/></xs:restriction>\n"
        "  </xs:simpleType>\n"
        "  <xs:element name=\"records\">\n"
        "    <xs:complexType><xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n");
    for (size_t t = 0; t < s->ntypes; t++)
        sb_printf(sb, "      <xs:element ref=\"d:%s\"/>\n", s->types[t].name);
    sb_puts(sb, "    </xs:choice></xs:complexType>\n  </xs:element>\n");
    for (size_t t = 0; t < s->ntypes; t++) {
        const RecordType *rt = &s->types[t];
        sb_printf(sb, "  <xs:element name=\"%s\">\n    <xs:complexType>\n      <xs:all>\n",
                  rt->name);
        xsd_fields(sb, rt->fields, rt->nfields, true, 4);
        sb_puts(sb, "        <xs:element name=\"body\" type=\"xs:string\" minOccurs=\"0\"/>\n"
                    "      </xs:all>\n"
                    "      <xs:attribute name=\"id\" type=\"d:recordId\" use=\"required\"/>\n"
                    "    </xs:complexType>\n  </xs:element>\n");
    }
    sb_puts(sb, "</xs:schema>\n");
}

static void md_field(StrBuf *sb, const FieldDef *f, const char *prefix) {
    sb_printf(sb, "| `%s%s` | %s", prefix, f->name, field_kind_name(f->kind));
    for (size_t i = 0; i < f->ntargets; i++)
        sb_printf(sb, "%s%s", i ? ", " : " to ", f->targets[i]);
    sb_printf(sb, " | %s", f->required ? "yes" : "");
    sb_puts(sb, " | ");
    if (f->doc) sb_puts(sb, f->doc);
    if (f->nvalues) {
        sb_puts(sb, " Values: ");
        for (size_t i = 0; i < f->nvalues; i++)
            sb_printf(sb, "%s`%s`", i ? ", " : "", f->values[i]);
        sb_putc(sb, '.');
    }
    if (f->inverse) sb_printf(sb, " Seen from the target as `%s`.", f->inverse);
    if (f->pattern) sb_printf(sb, " Form: `%s`.", f->pattern);
    sb_puts(sb, " |\n");
    for (size_t i = 0; i < f->nsub; i++) {
        char sub[128];
        snprintf(sub, sizeof sub, "%s%s.", prefix, f->name);
        md_field(sb, &f->sub[i], sub);
    }
}

void schema_write_markdown(StrBuf *sb, const Schema *s) {
    sb_puts(
        sb,
        "# Record reference\n\n"
        "<!-- Written by `dossier schema --markdown` from schemas/records.xml: do not edit. -->\n\n"
        "Every record is one Markdown file with YAML front matter in the folder named\n"
        "for its type (`threats/THR-004.md`), or one element of an XML record file\n"
        "(`<records xmlns=\"urn:dossier:records:1\">`, see `schemas/records-file.xsd`).\n"
        "Every type has the common fields `id`, `title`, `owner`, `internal`,\n"
        "`internal_fields` and `tags`. Field kinds: `string` one line; `text`\n"
        "Markdown; `date` YYYY-MM-DD; `int`; `number`; `bool` true or false; `enum`\n"
        "one of the listed values; `link` one record ID; `links` a list of IDs;\n"
        "`list` a list of strings; `entry` a mapping of the sub-fields below it;\n"
        "`entries` a list of such mappings. Every link is shown on both records:\n"
        "\"seen from the target as\" names it on the other side (a control's page lists\n"
        "the threats it `mitigates`). Where the other type also has a field of that\n"
        "name (`control.verified_by` and `test.verifies`), the link may be written on\n"
        "either side and is stored once.\n\n");
    for (size_t t = 0; t < s->ntypes; t++) {
        const RecordType *rt = &s->types[t];
        sb_printf(sb, "## %s (`%s`)\n\n%s\n\nFolder `%s/`; ID prefix ", rt->title, rt->name,
                  rt->doc ? rt->doc : "", rt->plural);
        for (size_t i = 0; i < rt->nprefixes; i++)
            sb_printf(sb, "%s`%s`", i ? " or " : "", rt->prefixes[i]);
        sb_puts(sb, ".\n\n| field | kind | required | meaning |\n|---|---|---|---|\n");
        for (size_t i = 0; i < rt->nfields; i++)
            md_field(sb, &rt->fields[i], "");
        sb_puts(sb, "\n");
    }
}
