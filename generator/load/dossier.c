/* dossier.c: the load stage's entry point. Walks the dossier folder in
 * sorted order, reads dossier.xml (validated against schemas/dossier.xsd),
 * every Markdown record and every XML record file, and reports each file
 * it cannot place. Part of load/. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>

#include "../model/whitepaper.h"
#include "load.h"
#include "standard.h"
#include "xml.h"

/* Where a file is invalid UTF-8 (a bad or missing continuation byte, an
 * overlong form, a UTF-16 surrogate, past U+10FFFF) or holds a NUL byte;
 * false if it is clean. */
static bool blank_text(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t') return false;
    return true;
}

static bool bad_text(const char *s, size_t n, SrcLoc *loc) {
    int line = 1, col = 1;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t need = 0;
        bool ok = c != 0;
        /* the range the second byte must fall in (Unicode 15, table 3-7) */
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0x80) {
            if (c >= 0xC2 && c <= 0xDF)
                need = 1;
            else if ((c & 0xF0) == 0xE0)
                need = 2;
            else if (c >= 0xF0 && c <= 0xF4)
                need = 3;
            else
                ok = false;
            if (c == 0xE0)
                lo = 0xA0; /* else overlong */
            else if (c == 0xED)
                hi = 0x9F; /* else a surrogate */
            else if (c == 0xF0)
                lo = 0x90; /* else overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* else past U+10FFFF */
            if (i + need >= n) ok = false;
            for (size_t k = 1; ok && k <= need; k++) {
                unsigned char b = (unsigned char)s[i + k];
                if ((b & 0xC0) != 0x80 || (k == 1 && (b < lo || b > hi))) ok = false;
            }
        }
        if (!ok) {
            loc->line = line;
            loc->col = col;
            return true;
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += need + 1;
    }
    return false;
}

static void load_markdown(Model *m, Diag *d, const LoadOptions *o, Standard *std,
                          const RecordType *t, const char *path, const char *relpath) {
    char *data;
    size_t len;
    SrcLoc loc = {relpath, 0, 0};
    if (!load_read(m, path, relpath, o->max_file_size, &data, &len)) {
        rule_report(d, RULE_FILE_READ, loc, NULL, "cannot read: %s",
                    errno == EFBIG ? "file too large" : strerror(errno));
        return;
    }
    if (bad_text(data, len, &loc)) {
        rule_report(d, RULE_FILE_READ, loc, NULL, "not UTF-8 text (invalid byte or NUL here)");
        free(data);
        return;
    }
    const char *body;
    size_t body_len;
    int body_line;
    size_t first = d->n;
    Value *v = frontmatter_parse(m->arena, d, relpath, data, len, &body, &body_len, &body_line);
    if (!v) model_unloaded(m, d, first, relpath);
    const char *imported_body = NULL;
    if (v) v = threats_merge(std, t->name, v, &imported_body);
    if (v) {
        SrcLoc where = {relpath, 1, 1};
        Record *r = typing_record(m->arena, d, t, relpath, v, where);
        if (!r) model_unloaded(m, d, first, relpath);
        if (r) {
            r->body = arena_strndup(m->arena, body, body_len);
            r->body_len = body_len;
            r->body_line = body_line;
            if (imported_body && blank_text(body, body_len)) {
                r->body = imported_body;
                r->body_len = strlen(imported_body);
            }
            const char *base = strrchr(relpath, '/');
            base = base ? base + 1 : relpath;
            size_t idlen = strlen(r->id);
            if (strncmp(base, r->id, idlen) != 0 || strcmp(base + idlen, ".md") != 0)
                rule_report(d, RULE_RECORD_LOCATION, r->loc, r->id,
                            "record %s is in %s; name the file %s.md so reviewers find it", r->id,
                            base, r->id);
            model_add(m, d, r);
        }
    }
    free(data);
}

static const char *elem_text(Arena *a, xmlNode *parent, const char *name) {
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return xml_text(a, c, NULL);
    return NULL;
}

static xmlNode *child(xmlNode *parent, const char *name) {
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0) return c;
    return NULL;
}

static const char *prop(Arena *a, xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return NULL;
    const char *s = arena_strdup(a, (const char *)v);
    xmlFree(v);
    return s;
}

static size_t count_children(xmlNode *n, const char *name) {
    size_t k = 0;
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0) k++;
    return k;
}

/* ---- SVG diagrams: untrusted, checked before any output carries them ---- */

/* An attribute value that reaches outside the SVG: any reference but a
 * fragment (#id) or an embedded image (data:image/...). */
static bool external_ref(const char *v) {
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    return *v && *v != '#' && strncasecmp(v, "data:image/", 11) != 0;
}

/* The first place of word in s, in any case, or NULL. */
static const char *find_ci(const char *s, const char *word) {
    size_t n = strlen(word);
    for (; *s; s++)
        if (strncasecmp(s, word, n) == 0) return s;
    return NULL;
}

/* url(...) in a style that is not a fragment: a load from elsewhere. */
static bool external_url(const char *style) {
    for (const char *p = style; (p = find_ci(p, "url(")); p += 4) {
        const char *q = p + 4;
        while (*q == ' ' || *q == '"' || *q == '\'')
            q++;
        if (*q != '#' && strncasecmp(q, "data:image/", 11) != 0) return true;
    }
    return find_ci(style, "@import") != NULL;
}

static void svg_walk(Diag *d, const char *rel, xmlNode *n, int depth, int *found) {
    for (; n && *found < 20; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        SrcLoc loc = {rel, (int)xmlGetLineNo(n), 0};
        const char *name = (const char *)n->name;
        static const char *const banned[] = {"script", "foreignObject", "iframe",  "object",
                                             "embed",  "handler",       "listener"};
        for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
            if (strcasecmp(name, banned[i]) == 0) {
                rule_report(d, RULE_DIAGRAM_UNSAFE, loc, NULL,
                            "<%s> in a diagram: SVG that runs script or embeds other documents is "
                            "refused; export the diagram without it",
                            name);
                (*found)++;
            }
        for (xmlAttr *a = n->properties; a; a = a->next) {
            const char *an = (const char *)a->name;
            xmlChar *val = xmlNodeListGetString(n->doc, a->children, 1);
            const char *v = val ? (const char *)val : "";
            if (strncasecmp(an, "on", 2) == 0) {
                rule_report(d, RULE_DIAGRAM_UNSAFE, loc, NULL,
                            "the event attribute %s on <%s> runs script: remove it", an, name);
                (*found)++;
            } else if ((strcasecmp(an, "href") == 0 || strcasecmp(an, "src") == 0) &&
                       external_ref(v)) {
                rule_report(d, RULE_DIAGRAM_UNSAFE, loc, NULL,
                            "<%s %s=\"%.80s\"> refers outside the diagram: embed the image "
                            "(data:image/...) or refer within the SVG (#id)",
                            name, an, v);
                (*found)++;
            } else if (strcasecmp(an, "style") == 0 && external_url(v)) {
                rule_report(d, RULE_DIAGRAM_UNSAFE, loc, NULL,
                            "a style on <%s> loads from outside the diagram (url() or @import)",
                            name);
                (*found)++;
            }
            xmlFree(val);
        }
        if (strcasecmp(name, "style") == 0) {
            xmlChar *css = xmlNodeGetContent(n);
            if (css && external_url((const char *)css)) {
                rule_report(d, RULE_DIAGRAM_UNSAFE, loc, NULL,
                            "a <style> loads from outside the diagram (url() or @import)");
                (*found)++;
            }
            xmlFree(css);
        }
        if (depth < 256) svg_walk(d, rel, n->children, depth + 1, found);
    }
}

/* An SVG file of the dossier: well-formed, no DOCTYPE, and nothing that
 * runs or loads (script, foreign objects, event attributes, references or
 * styles that reach outside it). The bytes are kept for the outputs. */
static void load_svg(Model *m, Diag *d, const LoadOptions *o, const char *rel) {
    char *data;
    size_t len;
    if (!load_read(m, fs_join(m->arena, m->root, rel), rel, o->max_file_size, &data, &len)) {
        rule_report(d, RULE_FILE_READ, (SrcLoc){rel, 0, 0}, NULL, "cannot read: %s",
                    errno == EFBIG ? "file too large" : strerror(errno));
        return;
    }
    xmlDoc *doc = xml_parse(d, rel, data, len);
    free(data);
    if (!doc) return;
    xmlNode *root = xmlDocGetRootElement(doc);
    int found = 0;
    if (!root || strcmp((const char *)root->name, "svg") != 0)
        rule_report(d, RULE_DIAGRAM_UNSAFE, (SrcLoc){rel, root ? (int)xmlGetLineNo(root) : 1, 0},
                    NULL, "not an SVG image (the root element is not <svg>)");
    else
        svg_walk(d, rel, root, 0, &found);
    xmlFreeDoc(doc);
}

/* Reads the product facts of a valid dossier.xml. */
static void read_product(Model *m, Diag *d, xmlNode *root, const char *relpath) {
    Arena *a = m->arena;
    Product *p = &m->product;
    p->loc = (SrcLoc){relpath, (int)xmlGetLineNo(root), 0};
    p->date = prop(a, root, "date");
    xmlNode *prod = child(root, "product");
    p->name = elem_text(a, prod, "name");
    p->version = elem_text(a, prod, "version");
    p->description = elem_text(a, prod, "description");
    p->intended_use = elem_text(a, prod, "intendedUse");
    p->use_environment = elem_text(a, prod, "useEnvironment");
    xmlNode *cyber = child(prod, "cyberDevice");
    if (cyber) {
        p->cyber_device = prop(a, cyber, "value");
        p->cyber_device_reason = xml_text(a, cyber, NULL);
        p->cyber_device_loc = (SrcLoc){relpath, (int)xmlGetLineNo(cyber), 0};
    }
    xmlNode *models = child(prod, "models");
    p->nmodels = count_children(models, "model");
    p->models = arena_alloc(a, (p->nmodels + 1) * sizeof *p->models);
    size_t i = 0;
    for (xmlNode *c = models ? models->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) p->models[i++] = xml_text(a, c, NULL);
    xmlNode *man = child(root, "manufacturer");
    p->manufacturer = elem_text(a, man, "name");
    p->manufacturer_address = elem_text(a, man, "address");
    p->manufacturer_url = elem_text(a, man, "url");
    xmlNode *guidance = child(root, "guidance");
    if (guidance) {
        p->guidance_edition = prop(a, guidance, "edition");
        p->guidance_loc = (SrcLoc){"dossier.xml", (int)xmlGetLineNo(guidance), 0};
    }
    xmlNode *cvd = child(root, "cvd");
    if (cvd) p->cvd_policy_url = prop(a, cvd, "policy");
    xmlNode *contacts = child(root, "contacts");
    p->ncontacts = count_children(contacts, "contact");
    p->contacts = arena_alloc(a, (p->ncontacts + 1) * sizeof *p->contacts);
    i = 0;
    for (xmlNode *c = contacts ? contacts->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        Contact *ct = &p->contacts[i++];
        ct->role = prop(a, c, "role");
        ct->name = prop(a, c, "name");
        ct->email = prop(a, c, "email");
        ct->url = prop(a, c, "url");
        ct->phone = prop(a, c, "phone");
    }
    xmlNode *risk = child(root, "riskAcceptance");
    if (risk) {
        p->risk_matrix = true;
        p->risk_loc = (SrcLoc){relpath, (int)xmlGetLineNo(risk), 0};
        p->nrisk_rows = count_children(risk, "acceptable");
        p->risk_rows = arena_alloc(a, (p->nrisk_rows + 1) * sizeof *p->risk_rows);
        i = 0;
        for (xmlNode *c = risk->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE) continue;
            RiskRow *row = &p->risk_rows[i++];
            row->severity = prop(a, c, "severity");
            row->loc = (SrcLoc){relpath, (int)xmlGetLineNo(c), 0};
            const char *list = prop(a, c, "exploitability");
            size_t n = 0, k = 0;
            for (const char *q = list ? list : ""; *q;) { /* an xs:list: tokens between blanks */
                q += strspn(q, " \t\r\n");
                if (*q) n++;
                q += strcspn(q, " \t\r\n");
            }
            row->exploitability = arena_alloc(a, (n + 1) * sizeof *row->exploitability);
            for (const char *q = list ? list : ""; *q;) {
                q += strspn(q, " \t\r\n");
                size_t len = strcspn(q, " \t\r\n");
                if (len) row->exploitability[k++] = arena_strndup(a, q, len);
                q += len;
            }
            row->exploitability[k] = NULL;
        }
    }
    xmlNode *just = child(root, "justifications");
    p->njustifications = count_children(just, "justify");
    p->justifications = arena_alloc(a, (p->njustifications + 1) * sizeof *p->justifications);
    i = 0;
    for (xmlNode *c = just ? just->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        Justification *j = &p->justifications[i++];
        j->kind = prop(a, c, "kind");
        j->name = prop(a, c, "name");
        j->state = prop(a, c, "state");
        j->reason = xml_text(a, c, NULL);
        j->loc = (SrcLoc){relpath, (int)xmlGetLineNo(c), 0};
    }
    xmlNode *releases = child(root, "releases");
    for (xmlNode *c = releases ? releases->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        Record *r = xml_record(m, d, relpath, c);
        if (r) model_add(m, d, r);
    }
}

/* A path every output can carry: no backslash, no control character. */
static bool carriable(const char *rel) {
    for (const char *c = rel; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\') return false;
    return true;
}

bool load_read(Model *m, const char *path, const char *rel, size_t max, char **data, size_t *len) {
    SourceFile *f = (SourceFile *)model_source(m, rel);
    if (!f) return fs_read(path, max, data, len);
    if (!fs_read_below(m->root, rel, max, data, len)) return false;
    if (!f->data) {
        f->data = arena_strndup(m->arena, *data, *len);
        f->len = *len;
    }
    return true;
}

/* whitepaper.md: read here, with the size and UTF-8 rules of records, and
 * parsed once into m->whitepaper, which check and render use (none when it
 * is not usable; the bytes stay in the sources for the bundle). */
static void load_whitepaper(Model *m, Diag *d, const LoadOptions *o, const char *rel) {
    char *data;
    size_t len;
    SrcLoc loc = {rel, 0, 0};
    if (!load_read(m, fs_join(m->arena, m->root, rel), rel, o->max_file_size, &data, &len)) {
        rule_report(d, RULE_FILE_READ, loc, NULL, "cannot read: %s",
                    errno == EFBIG ? "file too large" : strerror(errno));
        return;
    }
    free(data);
    const SourceFile *f = model_source(m, rel);
    if (bad_text(f->data, f->len, &loc)) {
        rule_report(d, RULE_FILE_READ, loc, NULL, "not UTF-8 text (invalid byte or NUL here)");
        return; /* never rendered */
    }
    Whitepaper *w = arena_alloc(m->arena, sizeof *w);
    w->path = rel;
    whitepaper_parse(m->arena, f->data, f->len, w);
    m->whitepaper = w;
}

/* With o->carry, the files no loader read (evidence, attachments, ...):
 * read here as they are, without following a link, up to SOURCE_MAX_FILE
 * each, so no later stage opens a file of the dossier. A file that cannot
 * be read keeps the reason in its error, for the output that carries it. */
static void carry_sources(Model *m) {
    for (size_t i = 0; i < m->nsources; i++) {
        SourceFile *f = &m->sources[i];
        if (f->data) continue;
        char *data;
        size_t len;
        if (!fs_read_below(m->root, f->path, SOURCE_MAX_FILE, &data, &len)) {
            f->error = errno ? errno : EIO;
            continue;
        }
        f->data = arena_strndup(m->arena, data, len);
        f->len = len;
        free(data);
    }
}

static int by_path(const void *a, const void *b) {
    return strcmp(((const SourceFile *)a)->path, ((const SourceFile *)b)->path);
}

void load_templates(Model *m, const char *dir) {
    Arena *a = m->arena;
    size_t keep = 0;
    for (size_t i = 0; i < m->nsources; i++)
        if (strncmp(m->sources[i].path, "templates/", 10) != 0) keep++;
    const char **files = NULL, **links = NULL;
    struct stat st;
    bool linked = lstat(dir, &st) == 0 && S_ISLNK(st.st_mode);
    size_t nfiles = linked ? 0 : fs_list(a, dir, &files);
    size_t nlinks = linked ? 0 : fs_list_links(a, dir, &links);
    SourceFile *all = arena_alloc(a, (keep + nfiles + 1) * sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < m->nsources; i++)
        if (strncmp(m->sources[i].path, "templates/", 10) != 0) all[n++] = m->sources[i];
    for (size_t i = 0; i < nfiles; i++) {
        if (!carriable(files[i])) continue;
        SourceFile f = {.path = arena_printf(a, "templates/%s", files[i])};
        char *data;
        size_t len;
        if (fs_read_below(dir, files[i], TEMPLATE_MAX_FILE, &data, &len)) {
            f.data = arena_strndup(a, data, len);
            f.len = len;
            free(data);
        } else {
            f.error = errno ? errno : EIO;
        }
        all[n++] = f;
    }
    qsort(all, n, sizeof *all, by_path);
    m->sources = all;
    m->nsources = n;
    m->ntemplate_links = linked ? 1 : nlinks;
    m->template_links = arena_alloc(a, (m->ntemplate_links + 1) * sizeof *m->template_links);
    if (linked) m->template_links[0] = "templates";
    for (size_t i = 0; !linked && i < nlinks; i++)
        m->template_links[i] = arena_printf(a, "templates/%s", links[i]);
}

static bool load_product(Model *m, Diag *d, const LoadOptions *o, xmlSchema *xsd) {
    SrcLoc loc = {"dossier.xml", 0, 0};
    char *data;
    size_t len;
    if (!load_read(m, fs_join(m->arena, m->root, "dossier.xml"), "dossier.xml", o->max_file_size,
                   &data, &len)) {
        rule_report(d, RULE_FILE_READ, loc, NULL,
                    "cannot read dossier.xml: %s (every dossier needs one; `dossier new DIR` "
                    "writes a start)",
                    strerror(errno));
        return false;
    }
    xmlDoc *doc = xml_parse(d, "dossier.xml", data, len);
    free(data);
    if (!doc) return false;
    xmlNode *root = xmlDocGetRootElement(doc);
    bool ok = root && strcmp((const char *)root->name, "dossier") == 0 && root->ns &&
              strcmp((const char *)root->ns->href, DOSSIER_NS) == 0;
    if (!ok) {
        loc.line = root ? (int)xmlGetLineNo(root) : 1;
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "expected a <dossier xmlns=\"%s\"> root element",
                    DOSSIER_NS);
    } else if ((ok = xml_validate(d, "dossier.xml", xsd, doc))) {
        read_product(m, d, root, "dossier.xml");
    }
    xmlFreeDoc(doc);
    return ok;
}

/* Files the later stages or other loaders own; not an unknown file. */
static bool reserved(const char *rel) {
    static const char *const exact[] = {"dossier.xml", "mds2.xml", "whitepaper.md", "README.md"};
    static const char *const dirs[] = {"templates/", "evidence/", "diagrams/"};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(rel, exact[i]) == 0) return true;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (strncmp(rel, dirs[i], strlen(dirs[i])) == 0) return true;
    return false;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The SPDX licence IDs of the installation (sorted in the file); without
 * the file every licence is written as a name. */
static void load_license_ids(Model *m, const char *path) {
    char *data;
    size_t len;
    if (!fs_read(path, 1 << 20, &data, &len)) return;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += data[i] == '\n';
    m->spdx_ids = arena_alloc(m->arena, (n + 1) * sizeof *m->spdx_ids);
    for (char *line = data, *end = data + len; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
        if (ll && line[0] != '#' && m->nspdx_ids < n + 1)
            m->spdx_ids[m->nspdx_ids++] = arena_strndup(m->arena, line, ll);
        line += ll + 1;
    }
    free(data);
}

bool load_dossier(Model *m, Diag *d, const LoadOptions *o) {
    if (!fs_is_dir(m->root)) {
        rule_report(d, RULE_FILE_READ, (SrcLoc){m->root, 0, 0}, NULL, "not a dossier folder");
        return false;
    }
    xmlInitParser();
    Arena *a = m->arena;
    load_license_ids(m, fs_join(a, o->schema_dir, "spdx-license-ids.txt"));
    /* Both schemas compiled before the dossier is read, even with no XML
     * record to validate (about 14 million instructions): libxml2 2.9's
     * schema compiler can crash when malloc fails, so it runs while memory
     * is plentiful, not at the first XML record. */
    xmlSchema *dossier_xsd = xml_schema_load(fs_join(a, o->schema_dir, "dossier.xsd"));
    xmlSchema *records_xsd = xml_schema_load(fs_join(a, o->schema_dir, "records-file.xsd"));
    if (!dossier_xsd || !records_xsd) {
        if (dossier_xsd) xmlSchemaFree(dossier_xsd);
        xmlSchemaFree(records_xsd);
        fprintf(stderr, "dossier: cannot read the XSDs in %s\n", o->schema_dir);
        return false;
    }
    const char **all;
    size_t nall = fs_list(a, m->root, &all), n = 0;
    const char **files = arena_alloc(a, (nall + 1) * sizeof *files);
    for (size_t i = 0; i < nall; i++) {
        if (carriable(all[i]))
            files[n++] = all[i];
        else
            rule_report(d, RULE_FILE_NAME, (SrcLoc){arena_strdup(a, all[i]), 0, 0}, NULL,
                        "a file name with a backslash or a control character: not read, since no "
                        "output (the bundle's ZIP, the site) can carry it; rename the file");
    }
    m->sources = arena_alloc(a, (n + 1) * sizeof *m->sources);
    for (size_t i = 0; i < n; i++)
        m->sources[i] = (SourceFile){.path = files[i]};
    m->nsources = n;
    load_templates(m, fs_join(a, m->root, "templates"));
    m->product_broken = !load_product(m, d, o, dossier_xsd);

    const char **links;
    size_t nlinks = fs_list_links(a, m->root, &links);
    for (size_t i = 0; i < nlinks; i++)
        rule_report(d, RULE_FILE_SYMLINK, (SrcLoc){links[i], 0, 0}, NULL,
                    "a symbolic link: not read (dossier follows no link, so none can reach outside "
                    "the dossier); copy the file in instead");
    Standard *standard = standard_new(m, d, o);
    /* first the inputs the records merge with (threat models) */
    for (size_t i = 0; i < n; i++) {
        bool early = false;
        if (input_owns(files[i], &early) && early)
            input_load(standard, fs_join(a, m->root, files[i]), files[i]);
    }
    threats_prepare(standard);
    for (size_t i = 0; i < n; i++) {
        const char *rel = files[i];
        const char *path = fs_join(a, m->root, rel);
        bool early = false;
        if (input_owns(rel, &early)) {
            if (!early) input_load(standard, path, rel);
            continue;
        }
        const char *slash = strchr(rel, '/');
        const RecordType *t = NULL;
        if (slash) {
            char *folder = arena_strndup(a, rel, (size_t)(slash - rel));
            t = schema_type_by_folder(m->schema, folder);
        }
        if (strcmp(rel, "whitepaper.md") == 0) {
            load_whitepaper(m, d, o, rel);
            continue;
        }
        if (ends_with(rel, ".svg") && strncmp(rel, "templates/", 10) != 0) {
            load_svg(m, d, o, rel);
            continue;
        }
        if (reserved(rel)) continue;
        if (t && ends_with(rel, ".md")) {
            load_markdown(m, d, o, standard, t, path, rel);
        } else if (ends_with(rel, ".xml") && (t || strncmp(rel, "records/", 8) == 0)) {
            xmlrecords_load(m, d, records_xsd, o->max_file_size, path, rel);
        } else if (input_holds(rel)) {
            rule_report(d, RULE_UNKNOWN_FILE, (SrcLoc){rel, 0, 0}, NULL, "not read: %.*s holds %s",
                        (int)(slash - rel + 1), rel, input_holds(rel));
        } else if (t) {
            rule_report(d, RULE_UNKNOWN_FILE, (SrcLoc){rel, 0, 0}, NULL,
                        "not read: %.*s holds %s records (.md) and XML record files (.xml)",
                        (int)(slash - rel + 1), rel, t->name);
        } else if (ends_with(rel, ".md") || ends_with(rel, ".xml") || ends_with(rel, ".yaml") ||
                   ends_with(rel, ".yml")) {
            rule_report(
                d, RULE_UNKNOWN_FILE, (SrcLoc){rel, 0, 0}, NULL,
                "not read: records go in a type's folder (threats/, controls/, ...) or records/");
        }
    }
    standard_finish(standard);
    xmlSchemaFree(dossier_xsd);
    xmlSchemaFree(records_xsd);
    model_finish(m, d);
    if (o->previous_csaf) load_previous_csaf(m, d, o->previous_csaf, o->max_file_size);
    bool ok = mds2_load(m, d, o);
    if (o->carry) carry_sources(m); /* last: what the loaders read is kept as they read it */
    return ok;
}
