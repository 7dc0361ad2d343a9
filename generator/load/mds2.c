/* mds2.c (load): reads the MDS2 question catalogue (schemas/mds2-questions.tsv,
 * or the maker's copy of the official wording given by --mds2-catalogue) and
 * the answers a person gives in mds2.xml (validated against schemas/mds2.xsd,
 * then question IDs, answer kinds and record IDs checked); mds2_resolve
 * (model/mds2.c) answers them once the build date is known. Part of load/;
 * runs after model_finish. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "load.h"
#include "xml.h"

#define MDS2_NS "urn:dossier:mds2:1"

/* One data row of a catalogue file, split into its tab-separated cells. */
typedef struct TsvRow {
    char **cells;
    size_t ncells;
    int line;
} TsvRow;

/* Splits a TSV file into rows (blank lines and lines starting with '#'
 * skipped); the first row is the header. Cells point into text, which is
 * changed in place. Arena-owned arrays. */
static size_t tsv_rows(Arena *a, char *text, TsvRow **out) {
    size_t n = 0, cap = 0;
    TsvRow *rows = NULL;
    int line = 0;
    for (char *p = text; *p;) {
        char *e = strchr(p, '\n');
        if (e) *e = 0;
        line++;
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r') p[--len] = 0;
        if (len && p[0] != '#') {
            if (n == cap) {
                rows = arena_grow(a, rows, cap, cap ? cap * 2 : 256, sizeof *rows);
                cap = cap ? cap * 2 : 256;
            }
            TsvRow *r = &rows[n++];
            r->line = line;
            r->ncells = 1;
            for (char *q = p; *q; q++)
                r->ncells += *q == '\t';
            r->cells = arena_alloc(a, r->ncells * sizeof *r->cells);
            size_t k = 0;
            for (char *q = p;; q++) {
                if (*q == '\t' || *q == 0) {
                    bool end = *q == 0;
                    *q = 0;
                    r->cells[k++] = p;
                    p = q + 1;
                    if (end) break;
                }
            }
        }
        if (!e) break;
        p = e + 1;
    }
    *out = rows;
    return n;
}

/* The column named name in the header row, or -1. */
static int tsv_column(const TsvRow *header, const char *name) {
    for (size_t i = 0; i < header->ncells; i++)
        if (strcmp(header->cells[i], name) == 0) return (int)i;
    return -1;
}

static const char *cell(Arena *a, const TsvRow *r, int col) {
    return col >= 0 && (size_t)col < r->ncells ? arena_strdup(a, r->cells[col]) : "";
}

/* Reads a catalogue file: rows, header and the columns every layout has. On
 * failure prints path:line: why on stderr and returns false. */
static bool catalogue_read(Arena *a, const char *path, size_t max, TsvRow **rows, size_t *nrows,
                           int cols[4]) {
    char *data;
    size_t len;
    if (!fs_read(path, max, &data, &len)) {
        fprintf(stderr, "dossier: cannot read the MDS2 catalogue %s: %s\n", path,
                errno == EFBIG ? "file too large" : strerror(errno));
        return false;
    }
    char *text = arena_strndup(a, data, len);
    free(data);
    *nrows = tsv_rows(a, text, rows);
    static const char *const names[] = {"id", "section_code", "section_name", "question"};
    for (size_t i = 0; i < 4; i++) {
        cols[i] = *nrows ? tsv_column(&(*rows)[0], names[i]) : -1;
        if (cols[i] < 0) {
            fprintf(stderr,
                    "%s:%d: error: the MDS2 catalogue needs a header row with the columns id, "
                    "section_code, section_name and question (tab-separated); '%s' is missing\n",
                    path, *nrows ? (*rows)[0].line : 1, names[i]);
            return false;
        }
    }
    return true;
}

/* Loads the project's catalogue into a new Mds2. False (reported) if unusable. */
static Mds2 *catalogue_load(Model *m, const char *path, size_t max) {
    Arena *a = m->arena;
    TsvRow *rows;
    size_t nrows;
    int cols[4];
    if (!catalogue_read(a, path, max, &rows, &nrows, cols)) return NULL;
    int answer = tsv_column(&rows[0], "answer"), gate = tsv_column(&rows[0], "applies_when");
    Mds2 *f = arena_alloc(a, sizeof *f);
    f->questions = arena_alloc(a, nrows * sizeof *f->questions);
    f->wording = path;
    for (size_t i = 1; i < nrows; i++) {
        Mds2Question *q = &f->questions[f->n];
        q->id = cell(a, &rows[i], cols[0]);
        q->section = cell(a, &rows[i], cols[1]);
        q->section_name = cell(a, &rows[i], cols[2]);
        q->text = cell(a, &rows[i], cols[3]);
        q->text_answer = strcmp(cell(a, &rows[i], answer), "text") == 0;
        const char *g = cell(a, &rows[i], gate);
        const char *eq = strchr(g, '=');
        if (*q->id == 0 || mds2_question(f, q->id, NULL)) {
            fprintf(stderr, "%s:%d: error: MDS2 question ID missing or given twice\n", path,
                    rows[i].line);
            return NULL;
        }
        if (*g) {
            if (!eq || !mds2_value_parse(eq + 1, &q->gate_value) ||
                !mds2_question(f, arena_strndup(a, g, (size_t)(eq - g)), NULL)) {
                fprintf(stderr,
                        "%s:%d: error: applies_when must be an earlier ID=yes|no, not '%s'\n", path,
                        rows[i].line, g);
                return NULL;
            }
            q->gate = arena_strndup(a, g, (size_t)(eq - g));
        }
        f->n++;
    }
    f->answers = arena_alloc(a, (f->n + 1) * sizeof *f->answers);
    for (size_t i = 0; i < f->n; i++) /* until mds2_resolve runs */
        f->answers[i] = (Mds2Answer){.question = &f->questions[i], .source = MDS2_UNANSWERED};
    return f;
}

/* ---- the maker's workbook (.xlsx) ----------------------------------------------- */

static bool id_like(const char *s) {
    size_t n = 0;
    while (s[n] >= 'A' && s[n] <= 'Z')
        n++;
    if (n < 3 || n > 4 || s[n] != '-' || !isdigit((unsigned char)s[n + 1])) return false;
    for (s += n + 1; *s; s++)
        if (!isdigit((unsigned char)*s) && *s != '.') return false;
    return true;
}

/* The question rows of one worksheet: in each row, the first cell that holds
 * a question ID of the form, then the next cell with text. */
static size_t sheet_rows(Arena *a, const Mds2 *f, xmlDoc *doc, Workbook *w, TsvRow *out) {
    size_t n = 0;
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *data = root ? root->children : NULL; data; data = data->next) {
        if (!wb_named(data, "sheetData")) continue;
        for (xmlNode *row = data->children; row; row = row->next) {
            if (!wb_named(row, "row")) continue;
            const char *id = NULL, *text = NULL;
            for (xmlNode *c = row->children; c && !text; c = c->next) {
                if (!wb_named(c, "c")) continue;
                const char *v = wb_cell(w, c);
                while (*v == ' ')
                    v++;
                if (!id) {
                    if (id_like(v) && mds2_question(f, v, NULL)) id = v;
                } else if (*v) {
                    text = v;
                }
            }
            if (!id || !text || n >= f->n) continue;
            TsvRow *r = &out[n++];
            r->line = (int)xmlGetLineNo(row);
            r->ncells = 4;
            r->cells = arena_alloc(a, 4 * sizeof *r->cells);
            r->cells[0] = (char *)id;
            r->cells[1] = r->cells[2] = (char *)"";
            r->cells[3] = (char *)text;
        }
    }
    return n;
}

/* Reads the question texts of a workbook: the worksheet with the most rows
 * that start with a question ID. Rows as catalogue_read gives them (row 0 a
 * header). False, reported, when the file is no workbook or has none. */
static bool workbook_read(Arena *a, const Mds2 *f, const char *path, size_t max, TsvRow **rows,
                          size_t *nrows, int cols[4]) {
    int err = 0;
    Workbook w;
    if (!wb_open(&w, a, path, max, &err)) {
        fprintf(stderr,
                "dossier: cannot read the MDS2 workbook %s: not a ZIP file (libzip error %d)\n",
                path, err);
        return false;
    }
    TsvRow *best = NULL, *cur = arena_alloc(a, (f->n + 2) * sizeof *cur);
    size_t nbest = 0;
    const char **sheets;
    size_t nsheets = wb_sheets(&w, &sheets);
    for (size_t i = 0; i < nsheets; i++) {
        xmlDoc *doc = wb_part(&w, sheets[i]);
        if (!doc) continue;
        size_t n = sheet_rows(a, f, doc, &w, cur + 1);
        xmlFreeDoc(doc);
        if (n > nbest) {
            nbest = n;
            best = cur;
            cur = arena_alloc(a, (f->n + 2) * sizeof *cur);
        }
    }
    wb_close(&w);
    if (!best) {
        fprintf(stderr, "%s: error: no worksheet has rows that start with an MDS2 question ID\n",
                path);
        return false;
    }
    *rows = best; /* row 0 stands for the header */
    *nrows = nbest + 1;
    cols[0] = 0, cols[1] = 1, cols[2] = 2, cols[3] = 3;
    return true;
}

static bool is_workbook(const char *path) {
    FILE *fp = fopen(path, "rb");
    char magic[4] = {0};
    bool zip = fp && fread(magic, 1, 4, fp) == 4 && memcmp(magic, "PK\3\4", 4) == 0;
    if (fp) fclose(fp);
    return zip;
}

bool mds2_load_wording(Model *m, const char *path, size_t max_file_size) {
    Mds2 *f = m->mds2;
    if (!f) return false;
    Arena *a = m->arena;
    TsvRow *rows;
    size_t nrows;
    int cols[4];
    if (is_workbook(path) ? !workbook_read(a, f, path, max_file_size, &rows, &nrows, cols)
                          : !catalogue_read(a, path, max_file_size, &rows, &nrows, cols))
        return false;
    size_t used = 0;
    for (size_t i = 1; i < nrows; i++) {
        const char *id = cell(a, &rows[i], cols[0]);
        size_t k;
        if (!mds2_question(f, id, &k)) {
            fprintf(
                stderr,
                "%s:%d: warning: '%s' is not a question of the MDS2 HN 1-2019 form; row ignored\n",
                path, rows[i].line, id);
            continue;
        }
        const char *text = cell(a, &rows[i], cols[3]);
        if (!*text) continue;
        f->questions[k].text = text;
        const char *name = cell(a, &rows[i], cols[2]);
        if (*name) f->questions[k].section_name = name;
        used++;
    }
    if (used < f->n)
        fprintf(stderr,
                "dossier: %s words %zu of the %zu MDS2 questions; the others keep the project's "
                "wording\n",
                path, used, f->n);
    f->wording = path;
    f->official_wording = true;
    return true;
}

static const char *attr(Arena *a, xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return NULL;
    const char *s = arena_strdup(a, (const char *)v);
    xmlFree(v);
    return s;
}

/* Reads the answers of a valid mds2.xml into f->given. */
static void read_given(Model *m, Diag *d, Mds2 *f, xmlNode *root, const char *relpath) {
    Arena *a = m->arena;
    size_t cap = 0;
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        SrcLoc loc = {relpath, (int)xmlGetLineNo(c), 0};
        Mds2Given g = {.loc = loc, .id = attr(a, c, "id")};
        size_t qi;
        const Mds2Question *q = mds2_question(f, g.id, &qi);
        if (!q) {
            rule_report(d, RULE_MDS2_QUESTION, loc, NULL,
                        "%s is not a question of the MDS2 HN 1-2019 form "
                        "(schemas/mds2-questions.tsv lists them)",
                        g.id);
            continue;
        }
        bool dup = false;
        for (size_t i = 0; i < f->ngiven; i++)
            if (strcmp(f->given[i].id, g.id) == 0) {
                rule_report(d, RULE_MDS2_ANSWER, loc, NULL,
                            "%s is answered twice (first at line %d)", g.id, f->given[i].loc.line);
                dup = true;
            }
        if (dup) continue;
        const char *value = attr(a, c, "value");
        const char *content = text_one_line(a, xml_text(a, c, NULL));
        if (q->text_answer) {
            if (value) {
                rule_report(d, RULE_MDS2_ANSWER, loc, NULL,
                            "%s is answered with a text, not value=\"%s\": write the answer as the "
                            "element's content",
                            g.id, value);
                continue;
            }
            if (!*content) {
                rule_report(d, RULE_MDS2_ANSWER, loc, NULL,
                            "%s needs a text answer as the element's content", g.id);
                continue;
            }
            g.value = MDS2_TEXT;
            g.text = content;
        } else {
            if (!value || !mds2_value_parse(value, &g.value)) {
                rule_report(d, RULE_MDS2_ANSWER, loc, NULL,
                            "%s needs value=\"yes\", \"no\", \"n/a\" or \"see-note\"%s", g.id,
                            value ? "" : " (the element's content is the note)");
                continue;
            }
            if (g.value == MDS2_SEE_NOTE && !*content) {
                rule_report(d, RULE_MDS2_ANSWER, loc, NULL, "%s says see-note but gives no note",
                            g.id);
                continue;
            }
            g.note = *content ? content : NULL;
        }
        const char *ids = attr(a, c, "records");
        if (ids) {
            size_t k = 0;
            char *copy = arena_strdup(a, ids);
            for (char *t = strtok(copy, " \t\r\n"); t; t = strtok(NULL, " \t\r\n"))
                k++;
            g.record_ids = arena_alloc(a, (k + 1) * sizeof *g.record_ids);
            g.record_locs = arena_alloc(a, (k + 1) * sizeof *g.record_locs);
            copy = arena_strdup(a, ids);
            for (char *t = strtok(copy, " \t\r\n"); t; t = strtok(NULL, " \t\r\n")) {
                if (!model_find(m, t))
                    rule_report(d, RULE_MDS2_ANSWER, loc, NULL, "%s names %s, which no record has",
                                g.id, t);
                g.record_locs[g.nrecords] = loc;
                g.record_ids[g.nrecords++] = t;
            }
        }
        if (f->ngiven == cap) {
            f->given = arena_grow(a, f->given, cap, cap ? cap * 2 : 64, sizeof *f->given);
            cap = cap ? cap * 2 : 64;
        }
        f->given[f->ngiven++] = g;
    }
}

/* An answer whose value is not one mds2.xml allows (Yes for yes, maybe) is
 * an error on that answer alone: it is reported and left out before the
 * schema is checked, so the other answers of the file still count. */
static void drop_bad_values(Diag *d, xmlNode *root, const char *relpath) {
    static const char *const allowed[] = {"yes", "no", "n/a", "see-note"};
    for (xmlNode *c = root->children, *next; c; c = next) {
        next = c->next;
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "answer") != 0) continue;
        xmlChar *v = xmlGetProp(c, (const xmlChar *)"value");
        if (!v) continue;
        bool ok = false;
        const char *near = NULL;
        for (size_t i = 0; i < 4; i++) {
            if (strcmp((const char *)v, allowed[i]) == 0) ok = true;
            if (strcasecmp((const char *)v, allowed[i]) == 0) near = allowed[i];
        }
        if (!ok) {
            xmlChar *id = xmlGetProp(c, (const xmlChar *)"id");
            SrcLoc loc = {relpath, (int)xmlGetLineNo(c), 0};
            if (near)
                rule_report(d, RULE_XML_SCHEMA, loc, NULL,
                            "answer %s: value '%s' is written '%s' (yes, no, n/a or see-note, in "
                            "lower case); this answer is left out, the others count",
                            id ? (const char *)id : "?", (const char *)v, near);
            else
                rule_report(d, RULE_XML_SCHEMA, loc, NULL,
                            "answer %s: value '%s' is not yes, no, n/a or see-note; this answer is "
                            "left out, the others count",
                            id ? (const char *)id : "?", (const char *)v);
            xmlFree(id);
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        xmlFree(v);
    }
}

/* Reads mds2.xml when the dossier has one. */
static void given_load(Model *m, Diag *d, Mds2 *f, const LoadOptions *o) {
    const char *relpath = "mds2.xml";
    if (!model_source(m, relpath)) return; /* none, or not a regular file: a link is warned about */
    f->has_file = true;
    SrcLoc loc = {relpath, 0, 0};
    char *data;
    size_t len;
    if (!load_read(m, fs_join(m->arena, m->root, relpath), relpath, o->max_file_size, &data,
                   &len)) {
        rule_report(d, RULE_FILE_READ, loc, NULL, "cannot read: %s",
                    errno == EFBIG ? "file too large" : strerror(errno));
        return;
    }
    xmlDoc *doc = xml_parse(d, relpath, data, len);
    free(data);
    if (!doc) return;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "mds2") != 0 || !root->ns ||
        strcmp((const char *)root->ns->href, MDS2_NS) != 0) {
        loc.line = root ? (int)xmlGetLineNo(root) : 1;
        rule_report(d, RULE_XML_SCHEMA, loc, NULL, "expected a <mds2 xmlns=\"%s\"> root element",
                    MDS2_NS);
    } else {
        f->file_line = (int)xmlGetLineNo(root);
        xmlSchema *xsd = xml_schema_load(fs_join(m->arena, o->schema_dir, "mds2.xsd"));
        if (!xsd) {
            rule_report(d, RULE_XML_SCHEMA, loc, NULL,
                        "cannot read schemas/mds2.xsd to validate mds2.xml");
        } else {
            drop_bad_values(d, root, relpath);
            if (xml_validate(d, relpath, xsd, doc)) read_given(m, d, f, root, relpath);
            xmlSchemaFree(xsd);
        }
    }
    xmlFreeDoc(doc);
}

bool mds2_load(Model *m, Diag *d, const LoadOptions *o) {
    Mds2 *f =
        catalogue_load(m, fs_join(m->arena, o->schema_dir, "mds2-questions.tsv"), o->max_file_size);
    if (!f) return false;
    m->mds2 = f;
    given_load(m, d, f, o);
    return true;
}
