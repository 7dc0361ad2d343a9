/* schema.c: reads schemas/records.xml, the one definition of the record
 * types and their fields, into RecordType tables. Part of model/.
 * libxml2 parses with no network access and no entity expansion. */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "model.h"
#include "rules.h"

static const char *const kind_names[] = {
    [FK_STRING] = "string", [FK_TEXT] = "text", [FK_DATE] = "date",   [FK_INT] = "int",
    [FK_NUMBER] = "number", [FK_BOOL] = "bool", [FK_ENUM] = "enum",   [FK_LINK] = "link",
    [FK_LINKS] = "links",   [FK_LIST] = "list", [FK_ENTRY] = "entry", [FK_ENTRIES] = "entries",
};

const char *field_kind_name(FieldKind k) {
    return kind_names[k];
}

static char *attr(Arena *a, xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return NULL;
    char *s = arena_strdup(a, (const char *)v);
    xmlFree(v);
    return s;
}

/* Splits s at sep (runs of it, and spaces around each item when sep is
 * not a space) into an arena array; returns the count. */
static size_t split_at(Arena *a, const char *s, char sep, const char ***out) {
    size_t n = 0, cap = 0;
    const char **items = NULL;
    while (s && *s) {
        while (*s == ' ' || *s == sep)
            s++;
        const char *e = s;
        while (*e && *e != sep)
            e++;
        const char *next = e;
        while (e > s && e[-1] == ' ')
            e--;
        if (e > s) {
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 8;
                items = arena_grow(a, items, cap, nc, sizeof *items);
                cap = nc;
            }
            items[n++] = arena_strndup(a, s, (size_t)(e - s));
        }
        s = next;
    }
    *out = items;
    return n;
}

static size_t split_words(Arena *a, const char *s, const char ***out) {
    return split_at(a, s, ' ', out);
}

static bool is_elem(xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static size_t count_fields(xmlNode *parent) {
    size_t n = 0;
    for (xmlNode *c = parent->children; c; c = c->next)
        if (is_elem(c, "field")) n++;
    return n;
}

static bool read_field(Arena *a, Diag *d, const char *path, xmlNode *n, FieldDef *f) {
    SrcLoc loc = {path, (int)xmlGetLineNo(n), 0};
    f->name = attr(a, n, "name");
    char *kind = attr(a, n, "kind");
    if (!f->name || !kind) {
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "a field needs name and kind");
        return false;
    }
    bool found = false;
    for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++)
        if (strcmp(kind, kind_names[k]) == 0) {
            f->kind = (FieldKind)k;
            found = true;
        }
    if (!found) {
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "field %s: unknown kind '%s'", f->name, kind);
        return false;
    }
    char *req = attr(a, n, "required");
    f->required = req && strcmp(req, "true") == 0;
    char *internal = attr(a, n, "internal");
    f->internal = internal && strcmp(internal, "true") == 0;
    char *bookkeeping = attr(a, n, "bookkeeping");
    f->bookkeeping = bookkeeping && strcmp(bookkeeping, "true") == 0;
    f->doc = attr(a, n, "doc");
    f->pattern = attr(a, n, "pattern");
    f->inverse = attr(a, n, "inverse");
    f->nvalues = split_words(a, attr(a, n, "values"), &f->values);
    f->ntargets = split_words(a, attr(a, n, "target"), &f->targets);
    if (f->kind == FK_ENUM && f->nvalues == 0) {
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "enum field %s has no values", f->name);
        return false;
    }
    const char **titles = NULL;
    size_t ntitles = split_at(a, attr(a, n, "titles"), '|', &titles);
    if (ntitles && (f->kind != FK_ENUM || ntitles != f->nvalues)) {
        rule_report(d, RULE_XML_SCHEMA, loc, NULL,
                    "field %s: titles must give one title (separated by |) for each of its %zu "
                    "values, not %zu",
                    f->name, f->nvalues, ntitles);
        return false;
    }
    f->titles = ntitles ? titles : NULL;
    if ((f->kind == FK_LINK || f->kind == FK_LINKS) && f->ntargets == 0) {
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "link field %s has no target", f->name);
        return false;
    }
    f->nsub = count_fields(n);
    if (f->nsub) {
        f->sub = arena_alloc(a, f->nsub * sizeof *f->sub);
        size_t i = 0;
        for (xmlNode *c = n->children; c; c = c->next)
            if (is_elem(c, "field")) {
                if (!read_field(a, d, path, c, &f->sub[i])) return false;
                f->sub[i].index = (int)i;
                i++;
            }
    }
    if ((f->kind == FK_ENTRY || f->kind == FK_ENTRIES) && f->nsub == 0) {
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "field %s has no sub-fields", f->name);
        return false;
    }
    return true;
}

bool schema_load(Arena *a, Diag *d, const char *path, Schema *out) {
    memset(out, 0, sizeof *out);
    xmlDoc *doc =
        xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    SrcLoc loc = {path, 0, 0};
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        if (e) loc.line = e->line;
        rule_report(d, RULE_XML_SYNTAX, loc, NULL, "cannot read the record-type schema: %s",
                    e && e->message ? e->message : "not well-formed XML");
        return false;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *common = NULL;
    size_t ntypes = 0;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        if (is_elem(c, "common")) common = c;
        if (is_elem(c, "type")) ntypes++;
    }
    bool ok = root && common && ntypes;
    if (!ok)
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "the schema needs <common> and <type> elements");
    size_t ncommon = ok ? count_fields(common) : 0;
    out->types = arena_alloc(a, (ntypes ? ntypes : 1) * sizeof *out->types);
    for (xmlNode *c = ok ? root->children : NULL; c && ok; c = c->next) {
        if (!is_elem(c, "type")) continue;
        RecordType *t = &out->types[out->ntypes];
        t->index = (int)out->ntypes++;
        t->name = attr(a, c, "name");
        t->title = attr(a, c, "title");
        t->plural = attr(a, c, "plural");
        t->doc = attr(a, c, "doc");
        const char *level = attr(a, c, "trace");
        t->trace_level = level ? atoi(level) : 0;
        t->nprefixes = split_words(a, attr(a, c, "prefix"), &t->prefixes);
        if (!t->name || !t->title || !t->plural || !t->nprefixes) {
            loc.line = (int)xmlGetLineNo(c);
            rule_report(d, RULE_XML_SCHEMA, loc, NULL,
                        "a type needs name, title, plural and prefix");
            ok = false;
            break;
        }
        t->nfields = ncommon + count_fields(c);
        t->fields = arena_alloc(a, t->nfields * sizeof *t->fields);
        size_t i = 0;
        for (xmlNode *parent = common; parent && ok; parent = parent == common ? c : NULL)
            for (xmlNode *f = parent->children; f && ok; f = f->next)
                if (is_elem(f, "field")) {
                    ok = read_field(a, d, path, f, &t->fields[i]);
                    t->fields[i].index = (int)i;
                    i++;
                }
    }
    xmlFreeDoc(doc);
    return ok;
}

const RecordType *schema_type(const Schema *s, const char *name) {
    for (size_t i = 0; i < s->ntypes; i++)
        if (strcmp(s->types[i].name, name) == 0) return &s->types[i];
    return NULL;
}

const RecordType *schema_type_by_folder(const Schema *s, const char *folder) {
    for (size_t i = 0; i < s->ntypes; i++)
        if (strcmp(s->types[i].plural, folder) == 0) return &s->types[i];
    return NULL;
}

const RecordType *schema_type_for_id(const Schema *s, const char *id) {
    for (size_t i = 0; i < s->ntypes; i++)
        for (size_t p = 0; p < s->types[i].nprefixes; p++) {
            const char *pre = s->types[i].prefixes[p];
            if (strncmp(id, pre, strlen(pre)) == 0) return &s->types[i];
        }
    return NULL;
}

const FieldDef *schema_field(const RecordType *t, const char *name) {
    /* the first byte first: most fields differ there, and a lookup runs per field read */
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i].name[0] == name[0] && strcmp(t->fields[i].name, name) == 0)
            return &t->fields[i];
    return NULL;
}

const FieldDef *schema_subfield(const FieldDef *f, const char *name) {
    for (size_t i = 0; i < f->nsub; i++)
        if (strcmp(f->sub[i].name, name) == 0) return &f->sub[i];
    return NULL;
}
