/* xtree.c: the standard formats' XML (CycloneDX, JUnit) read through
 * libxml2's SAX2 interface into a light element tree in an arena: names,
 * attributes, the text of leaf elements, each element's line. No libxml2
 * node is built or freed, which is most of what a DOM parse of a large SBOM
 * or test report costs. Same safety as xml_parse: no network, no DTD (a
 * DOCTYPE stops the parse), no entity expansion. Part of load/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

#include "xml.h"

/* Names and namespace URIs are few: each distinct libxml2 dictionary string
 * gets one arena copy, so the tree's names compare by pointer too. */
enum { INTERN_SLOTS = 1024 };

typedef struct Parse {
    Arena *a;
    Diag *d;
    const char *path;
    xmlParserCtxtPtr ctxt;
    XNode *root;
    XNode *stack[300]; /* libxml2 refuses more than 256 levels without XML_PARSE_HUGE */
    int depth;
    StrBuf text;             /* character data since the last tag */
    int errors;              /* findings reported for this file */
    const char *schema_name; /* the XSD validating as the parse goes, for messages */
    const xmlChar *last_uri; /* the namespace of the last element, and its copy */
    const char *last_ns;
    bool doctype; /* a DOCTYPE was met: the tree is refused */
    struct {
        const xmlChar *from;
        const char *to;
    } intern[INTERN_SLOTS];
} Parse;

static const char *intern(Parse *p, const xmlChar *s) {
    if (!s) return NULL;
    size_t i = (size_t)(((uintptr_t)s * 0x9E3779B97F4A7C15ull) >> 40) & (INTERN_SLOTS - 1);
    for (size_t k = 0; k < INTERN_SLOTS; k++, i = (i + 1) & (INTERN_SLOTS - 1)) {
        if (p->intern[i].from == s) return p->intern[i].to;
        if (!p->intern[i].from) {
            p->intern[i].from = s;
            p->intern[i].to = arena_strdup(p->a, (const char *)s);
            return p->intern[i].to;
        }
    }
    return arena_strdup(p->a, (const char *)s); /* a table full of names: no sharing */
}

static void on_error(void *data, xmlErrorPtr e) {
    Parse *p = data;
    if (!e || p->errors >= 50) return; /* one broken file need not flood the report */
    p->errors++;
    size_t n = e->message ? strlen(e->message) : 0;
    while (n && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
        n--;
    SrcLoc loc = {p->path, e->line, e->int2};
    if (loc.line <= 0 && p->ctxt && p->ctxt->input) loc.line = p->ctxt->input->line;
    if (e->domain == XML_FROM_SCHEMASV) {
        /* the official schema's verdict: a warning a release can gate on */
        loc.col = 0;
        rule_report(p->d, RULE_SBOM_SCHEMA, loc, NULL, "%s: %.*s", p->schema_name, (int)n,
                    e->message ? e->message : "invalid");
        return;
    }
    const char *msg = e->message ? e->message : "XML error";
    if (e->level == XML_ERR_WARNING)
        rule_report_warning(p->d, RULE_XML_SYNTAX, loc, NULL, "%.*s", (int)n, msg);
    else
        rule_report(p->d, RULE_XML_SYNTAX, loc, NULL, "%.*s", (int)n, msg);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys) {
    Parse *p = ((xmlParserCtxtPtr)ctx)->_private;
    p->doctype = true;
    rule_report(p->d, RULE_XML_SYNTAX, (SrcLoc){p->path, p->ctxt->input->line, 0}, NULL,
                "a DOCTYPE is not allowed in dossier XML (no DTDs, no entities)");
    xmlStopParser(p->ctxt);
}

/* An attribute value as the SAX2 interface hands it: not terminated, and
 * with "&#38;" left for the tree builder to decode. */
static const char *attr_value(Parse *p, const xmlChar *from, const xmlChar *to) {
    size_t n = (size_t)(to - from);
    if (!memchr(from, '&', n)) return arena_strndup(p->a, (const char *)from, n);
    char *out = arena_alloc(p->a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (from[i] == '&' && i + 5 <= n && memcmp(from + i, "&#38;", 5) == 0) {
            out[k++] = '&';
            i += 4;
        } else {
            out[k++] = (char)from[i];
        }
    }
    out[k] = 0;
    return out;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes) {
    xmlParserCtxtPtr ctxt = ctx;
    Parse *p = ctxt->_private;
    XNode *n = arena_alloc(p->a, sizeof *n);
    memset(n, 0, sizeof *n);
    n->name = intern(p, localname);
    /* the namespace is nearly always the parent's */
    if (uri != p->last_uri) {
        p->last_uri = uri;
        p->last_ns = intern(p, uri);
    }
    n->ns = p->last_ns;
    n->line = ctxt->input ? ctxt->input->line : 0;
    if (nb_attributes > 0) {
        n->attrs = arena_alloc(p->a, (size_t)nb_attributes * sizeof *n->attrs);
        for (int i = 0; i < nb_attributes; i++) {
            const xmlChar **at = attributes + 5 * i; /* localname, prefix, URI, value, end */
            XAttr *x = &n->attrs[n->nattrs++];
            x->name = intern(p, at[0]);
            x->ns = at[2] != NULL;
            x->value = attr_value(p, at[3], at[4]);
        }
    }
    if (p->depth > 0) {
        XNode *parent = p->stack[p->depth - 1];
        if (parent->last)
            parent->last->next = n;
        else
            parent->children = n;
        parent->last = n;
    } else if (!p->root) {
        p->root = n;
    }
    if (p->depth < (int)(sizeof p->stack / sizeof p->stack[0])) p->stack[p->depth++] = n;
    p->text.len = 0;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri) {
    Parse *p = ((xmlParserCtxtPtr)ctx)->_private;
    if (p->depth == 0) return;
    XNode *n = p->stack[--p->depth];
    if (!n->children) {
        /* trimmed: every reader trims, and a value can then point here */
        const char *t = p->text.data ? p->text.data : "";
        size_t len = p->text.len;
        while (len && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'))
            t++, len--;
        while (len && (t[len - 1] == ' ' || t[len - 1] == '\t' || t[len - 1] == '\n' ||
                       t[len - 1] == '\r'))
            len--;
        n->text = arena_strndup(p->a, t, len);
        n->text_len = len;
    }
    p->text.len = 0;
}

static void on_text(void *ctx, const xmlChar *ch, int len) {
    Parse *p = ((xmlParserCtxtPtr)ctx)->_private;
    if (p->depth > 0 && !p->stack[p->depth - 1]->children)
        sb_append(&p->text, (const char *)ch, (size_t)len);
}

XNode *xtree_parse(Arena *a, Diag *d, const char *relpath, const char *data, size_t len,
                   xmlSchema *schema, const char *schema_name) {
    if (len > (size_t)INT32_MAX) len = 0;
    Parse *p = xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->a = a;
    p->d = d;
    p->path = relpath;
    p->schema_name = schema_name ? schema_name : "schema";
    sb_init(&p->text);
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
    if (!ctxt) die("out of memory creating an XML parser");
    p->ctxt = ctxt;
    xmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->initialized = XML_SAX2_MAGIC;
    sax->startElementNs = on_start;
    sax->endElementNs = on_end;
    sax->characters = on_text;
    sax->cdataBlock = on_text;
    sax->internalSubset = on_doctype;
    ctxt->_private = p;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
    ctxt->_private = p;
    xmlSchemaSAXPlugPtr plug = NULL;
    xmlSchemaValidCtxtPtr vc = NULL;
    if (schema) {
        /* the validator sits between the parser and the handlers above */
        vc = xmlSchemaNewValidCtxt(schema);
        if (!vc) die("out of memory creating an XML validator");
        xmlSchemaSetValidStructuredErrors(vc, on_error, p);
        void *user = ctxt;
        plug = xmlSchemaSAXPlug(vc, &ctxt->sax, &user);
        ctxt->userData = user;
    }
    /* the handlers get the parser context (userData), which leads to p;
     * parse errors go to the structured handler, which gets p */
    xmlSetStructuredErrorFunc(p, on_error);
    xmlParseDocument(ctxt);
    xmlSetStructuredErrorFunc(NULL, NULL);
    bool ok = ctxt->wellFormed && !p->doctype && p->root;
    if (plug) xmlSchemaSAXUnplug(plug);
    if (vc) xmlSchemaFreeValidCtxt(vc);
    if (ctxt->myDoc) xmlFreeDoc(ctxt->myDoc);
    xmlFreeParserCtxt(ctxt);
    if (!ok && p->errors == 0 && !p->doctype)
        rule_report(d, RULE_XML_SYNTAX, (SrcLoc){relpath, 1, 0}, NULL, "not well-formed XML");
    XNode *root = ok ? p->root : NULL;
    sb_free(&p->text);
    free(p);
    return root;
}

const char *xtree_attr(const XNode *n, const char *name) {
    for (size_t i = 0; i < n->nattrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0) return n->attrs[i].value;
    return NULL;
}

/* ---- official schemas ---------------------------------------------------- */

/* While an official XSD compiles: the folder it is in. Its imports by URL
 * (http://cyclonedx.org/schema/spdx) are read from that folder, as the
 * specification's xmlcatalog.xml maps them; nothing is fetched. */
static const char *schema_folder;

static xmlParserInputPtr local_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    static const char prefix[] = "http://cyclonedx.org/schema/";
    if (url && strncmp(url, prefix, sizeof prefix - 1) == 0 && schema_folder) {
        const char *name = url + sizeof prefix - 1;
        char path[4096];
        if (strcmp(name, "spdx") == 0) name = "spdx.xsd";
        if (strchr(name, '/') == NULL &&
            (size_t)snprintf(path, sizeof path, "%s/%s", schema_folder, name) < sizeof path)
            return xmlNewInputFromFile(ctxt, path);
        return NULL;
    }
    if (url && (strncmp(url, "http:", 5) == 0 || strncmp(url, "https:", 6) == 0 ||
                strncmp(url, "ftp:", 4) == 0))
        return NULL; /* no network */
    return url ? xmlNewInputFromFile(ctxt, url) : NULL;
}

static void quiet(void *data, xmlErrorPtr e) {
    int *count = data;
    (*count)++;
}

xmlSchema *xtree_schema_load(const char *folder, const char *file) {
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", folder, file) >= sizeof path) return NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fclose(f);
    xmlExternalEntityLoader before = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(local_loader);
    schema_folder = folder;
    int errors = 0;
    xmlSetStructuredErrorFunc(&errors, quiet);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    xmlSchema *schema = NULL;
    if (pc) {
        xmlSchemaSetParserStructuredErrors(pc, quiet, &errors);
        schema = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    xmlSetStructuredErrorFunc(NULL, NULL);
    schema_folder = NULL;
    xmlSetExternalEntityLoader(before);
    if (schema && errors) {
        xmlSchemaFree(schema);
        schema = NULL;
    }
    return schema;
}
