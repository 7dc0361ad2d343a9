/* workbook.c: reading an OOXML workbook (.xlsx): the ZIP through libzip,
 * each part through libxml2 (no network, no error output), its shared
 * strings once, and the text of a cell whatever its kind (shared, inline or
 * a plain value). The MDS2 wording (mds2.c) and the registers dossier
 * import reads (register.c) use it. Part of load/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <zip.h>

#include "load.h"
#include "xml.h"

static char *zip_entry(Arena *a, zip_t *za, const char *name, size_t max, size_t *len) {
    zip_stat_t st;
    if (zip_stat(za, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > max)
        return NULL;
    zip_file_t *zf = zip_fopen(za, name, 0);
    if (!zf) return NULL;
    char *buf = arena_alloc(a, (size_t)st.size + 1);
    zip_int64_t n = zip_fread(zf, buf, st.size);
    zip_fclose(zf);
    if (n < 0 || (zip_uint64_t)n != st.size) return NULL;
    *len = (size_t)n;
    return buf;
}

bool wb_named(const xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const char *node_text(Arena *a, xmlNode *n) {
    xmlChar *t = xmlNodeGetContent(n);
    const char *s = arena_strdup(a, t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

xmlDoc *wb_part(Workbook *w, const char *name) {
    size_t len = 0;
    const char *data = zip_entry(w->a, w->za, name, w->max, &len);
    if (!data || len > (size_t)INT32_MAX) return NULL;
    return xmlReadMemory(data, (int)len, NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

bool wb_open(Workbook *w, Arena *a, const char *path, size_t max, int *err) {
    memset(w, 0, sizeof *w);
    w->a = a;
    w->max = max;
    w->za = zip_open(path, ZIP_RDONLY, err);
    if (!w->za) return false;
    xmlDoc *sst = wb_part(w, "xl/sharedStrings.xml");
    xmlNode *root = sst ? xmlDocGetRootElement(sst) : NULL;
    for (xmlNode *si = root ? root->children : NULL; si; si = si->next)
        w->nshared += wb_named(si, "si");
    w->shared = arena_alloc(a, (w->nshared + 1) * sizeof *w->shared);
    w->nshared = 0;
    for (xmlNode *si = root ? root->children : NULL; si; si = si->next)
        if (wb_named(si, "si")) w->shared[w->nshared++] = node_text(a, si);
    if (sst) xmlFreeDoc(sst);
    return true;
}

void wb_close(Workbook *w) {
    if (w->za) zip_close(w->za);
    w->za = NULL;
}

size_t wb_sheets(Workbook *w, const char ***names) {
    zip_int64_t entries = zip_get_num_entries(w->za, 0);
    const char **out = arena_alloc(w->a, ((size_t)(entries > 0 ? entries : 0) + 1) * sizeof *out);
    size_t n = 0;
    for (zip_int64_t i = 0; i < entries; i++) {
        const char *name = zip_get_name(w->za, (zip_uint64_t)i, 0);
        if (name && strncmp(name, "xl/worksheets/", 14) == 0 && !strchr(name + 14, '/'))
            out[n++] = arena_strdup(w->a, name);
    }
    *names = out;
    return n;
}

const char *wb_cell(Workbook *w, xmlNode *c) {
    xmlChar *t = xmlGetProp(c, (const xmlChar *)"t");
    const char *type = t ? (const char *)t : "";
    const char *text = "";
    for (xmlNode *k = c->children; k; k = k->next) {
        if (wb_named(k, "is") && strcmp(type, "inlineStr") == 0) text = node_text(w->a, k);
        if (!wb_named(k, "v")) continue;
        text = node_text(w->a, k);
        if (strcmp(type, "s") == 0) {
            char *end;
            unsigned long i = strtoul(text, &end, 10);
            text = *end == 0 && i < w->nshared ? w->shared[i] : "";
        }
    }
    xmlFree(t);
    return text;
}

int wb_column(xmlNode *c) {
    xmlChar *r = xmlGetProp(c, (const xmlChar *)"r");
    int col = 0;
    for (const xmlChar *p = r; p && *p >= 'A' && *p <= 'Z' && col < 100000; p++)
        col = col * 26 + (*p - 'A' + 1);
    xmlFree(r);
    return col; /* 1 for A; 0 when the cell gives no reference */
}
