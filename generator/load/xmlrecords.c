/* xmlrecords.c: the project's own XML through libxml2: parsing with no
 * network, no DTD and no entity expansion; errors translated into findings
 * with file:line; validation against the XSDs of schemas/; elements turned
 * into the same loaded values the YAML front matter gives. Part of load/. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "load.h"
#include "xml.h"

typedef struct ErrSink {
    Diag *d;
    const char *path;
    RuleId rule;
    int count;
} ErrSink;

/* libxml2's message in the reader's terms: namespaces ({urn:dossier:1})
 * left out, and for an element not expected where a similar name is, the
 * name it most likely should be. */
static void schema_words(StrBuf *out, const char *m, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (m[i] == '{') {
            const char *close = memchr(m + i, '}', n - i);
            if (close) {
                i = (size_t)(close - m);
                continue;
            }
        }
        sb_putc(out, m[i]);
    }
    sb_putc(out, 0);
    out->len--;
    /* "Element 'nam': This element is not expected. Expected is one of ( name, version )." */
    const char *t = out->data;
    if (strncmp(t, "Element '", 9) != 0 || !strstr(t, "not expected")) return;
    const char *q = strchr(t + 9, '\'');
    const char *list = strstr(t, "Expected is");
    if (!q || !list || q - t - 9 > 40) return;
    char got[48], best[48] = "";
    snprintf(got, sizeof got, "%.*s", (int)(q - t - 9), t + 9);
    size_t bestd = 3;
    const char *open = strchr(list, '(');
    for (const char *p = open ? open + 1 : list + 11; *p && *p != ')';) {
        p += strspn(p, " ,");
        size_t len = strcspn(p, " ,).");
        if (len == 0) break;
        char cand[48];
        if (len < sizeof cand) {
            snprintf(cand, sizeof cand, "%.*s", (int)len, p);
            size_t dist = name_distance(got, cand);
            if (dist < bestd && strcmp(cand, got) != 0) {
                bestd = dist;
                snprintf(best, sizeof best, "%s", cand);
            }
        }
        p += len;
    }
    if (best[0]) sb_printf(out, " Did you mean <%s>?", best);
}

static void on_error(void *data, xmlErrorPtr e) {
    ErrSink *s = data;
    if (!e || s->count >= 50) return; /* one broken file need not flood the report */
    s->count++;
    size_t n = e->message ? strlen(e->message) : 0;
    while (n && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
        n--;
    SrcLoc loc = {s->path, e->line, e->int2};
    if (e->domain == XML_FROM_SCHEMASV && e->node) loc.line = (int)xmlGetLineNo((xmlNode *)e->node);
    StrBuf msg;
    sb_init(&msg);
    schema_words(&msg, e->message ? e->message : "XML error", n);
    if (e->level == XML_ERR_WARNING)
        rule_report_warning(s->d, s->rule, loc, NULL, "%s", msg.data);
    else
        rule_report(s->d, s->rule, loc, NULL, "%s", msg.data);
    sb_free(&msg);
}

xmlDoc *xml_parse(Diag *d, const char *relpath, const char *data, size_t len) {
    ErrSink sink = {d, relpath, RULE_XML_SYNTAX, 0};
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) die("out of memory creating an XML parser");
    xmlSetStructuredErrorFunc(&sink, on_error);
    if (len > (size_t)2147483647) len = 0;
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int)len, relpath, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlFreeParserCtxt(ctxt);
    if (doc && (doc->intSubset || doc->extSubset)) {
        SrcLoc loc = {relpath, 1, 0};
        rule_report(d, RULE_XML_SYNTAX, loc, NULL,
                    "a DOCTYPE is not allowed in dossier XML (no DTDs, no entities)");
        xmlFreeDoc(doc);
        return NULL;
    }
    if (!doc && sink.count == 0) {
        SrcLoc loc = {relpath, 1, 0};
        rule_report(d, RULE_XML_SYNTAX, loc, NULL, "not well-formed XML");
    }
    return doc;
}

xmlSchema *xml_schema_load(const char *xsd_path) {
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd_path);
    if (!pc) return NULL;
    xmlSchema *schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    return schema;
}

bool xml_validate(Diag *d, const char *relpath, xmlSchema *schema, xmlDoc *doc) {
    ErrSink sink = {d, relpath, RULE_XML_SCHEMA, 0};
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (!vc) die("out of memory creating an XML validator");
    xmlSchemaSetValidStructuredErrors(vc, on_error, &sink);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    return rc == 0 && sink.count == 0;
}

static bool has_element_children(xmlNode *n, const char **only) {
    bool any = false;
    *only = NULL;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!any)
            *only = (const char *)c->name;
        else if (*only && strcmp(*only, (const char *)c->name) != 0)
            *only = NULL;
        any = true;
    }
    return any;
}

/* The text of n without the indentation its lines share and without
 * leading and trailing blank lines: XML prose is indented with its element,
 * Markdown must not see that indentation. */
char *xml_text(Arena *a, xmlNode *n, int *first_line) {
    xmlChar *raw = xmlNodeGetContent(n);
    const char *s = raw ? (const char *)raw : "";
    int skipped = 0;
    /* drop leading blank lines */
    for (const char *p = s;;) {
        const char *q = p;
        while (*q == ' ' || *q == '\t' || *q == '\r')
            q++;
        if (*q != '\n') break;
        s = p = q + 1;
        skipped++;
    }
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    size_t indent = (size_t)-1;
    for (const char *p = s; p < s + len;) {
        const char *e = memchr(p, '\n', (size_t)(s + len - p));
        if (!e) e = s + len;
        size_t w = 0;
        while (p + w < e && (p[w] == ' ' || p[w] == '\t'))
            w++;
        if (p + w < e && w < indent) indent = w;
        p = e + 1;
    }
    if (indent == (size_t)-1) indent = 0;
    StrBuf sb;
    sb_init(&sb);
    for (const char *p = s; p < s + len;) {
        const char *e = memchr(p, '\n', (size_t)(s + len - p));
        if (!e) e = s + len;
        size_t w = 0;
        while (p + w < e && w < indent && (p[w] == ' ' || p[w] == '\t'))
            w++;
        sb_append(&sb, p + w, (size_t)(e - p - w));
        if (e < s + len) sb_putc(&sb, '\n');
        p = e + 1;
    }
    char *out = arena_strndup(a, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    if (raw) xmlFree(raw);
    if (first_line) *first_line = (int)xmlGetLineNo(n) + skipped;
    return out;
}

static Value *xml_value(Arena *a, const char *path, xmlNode *n) {
    SrcLoc loc = {path, (int)xmlGetLineNo(n), 0};
    const char *only = NULL;
    if (!has_element_children(n, &only)) {
        char *text = xml_text(a, n, NULL);
        if (!*text) return value_new(a, VAL_NULL, loc);
        return value_scalar(a, loc, text, strlen(text));
    }
    bool list = only && (strcmp(only, "item") == 0 || strcmp(only, "entry") == 0);
    Value *v = value_new(a, list ? VAL_LIST : VAL_MAP, loc);
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        SrcLoc cl = {path, (int)xmlGetLineNo(c), 0};
        value_push(a, v, list ? NULL : arena_strdup(a, (const char *)c->name), cl,
                   xml_value(a, path, c));
    }
    return v;
}

Record *xml_record(Model *m, Diag *d, const char *path, xmlNode *n) {
    const RecordType *t = schema_type(m->schema, (const char *)n->name);
    SrcLoc loc = {path, (int)xmlGetLineNo(n), 0};
    if (!t) {
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "<%s> is not a record type",
                    (const char *)n->name);
        return NULL;
    }
    Arena *a = m->arena;
    Value *map = value_new(a, VAL_MAP, loc);
    xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
    if (id) {
        value_push(a, map, "id", loc,
                   value_scalar(a, loc, (const char *)id, strlen((const char *)id)));
        xmlFree(id);
    }
    xmlNode *body = NULL;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (strcmp((const char *)c->name, "body") == 0) {
            body = c;
            continue;
        }
        SrcLoc cl = {path, (int)xmlGetLineNo(c), 0};
        value_push(a, map, arena_strdup(a, (const char *)c->name), cl, xml_value(a, path, c));
    }
    Record *r = typing_record(a, d, t, path, map, loc);
    if (r && body) {
        int line = 0;
        r->body = xml_text(a, body, &line);
        r->body_len = strlen(r->body);
        r->body_line = line;
    }
    return r;
}

void xmlrecords_load(Model *m, Diag *d, xmlSchema *records_xsd, size_t max_size, const char *path,
                     const char *relpath) {
    char *data;
    size_t len;
    SrcLoc top = {relpath, 0, 0};
    if (!load_read(m, path, relpath, max_size, &data, &len)) {
        rule_report(d, RULE_FILE_READ, top, NULL, "cannot read: %s", strerror(errno));
        return;
    }
    xmlDoc *doc = xml_parse(d, relpath, data, len);
    free(data);
    if (!doc) return;
    xmlNode *root = xmlDocGetRootElement(doc);
    bool ok = root && strcmp((const char *)root->name, "records") == 0 && root->ns &&
              strcmp((const char *)root->ns->href, RECORDS_NS) == 0;
    if (!ok) {
        top.line = root ? (int)xmlGetLineNo(root) : 1;
        rule_report(d, RULE_XML_SCHEMA, top, NULL, "expected a <records xmlns=\"%s\"> root element",
                    RECORDS_NS);
    } else if (xml_validate(d, relpath, records_xsd, doc)) {
        for (xmlNode *c = root->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE) continue;
            Record *r = xml_record(m, d, relpath, c);
            if (r) model_add(m, d, r);
        }
    }
    xmlFreeDoc(doc);
}
