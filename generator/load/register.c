/* register.c: a threat or risk register kept in a spreadsheet, for dossier
 * import. The register is CSV (through libcsv) or the first worksheet of an
 * XLSX workbook (workbook.c); a mapping file (YAML) names the record type,
 * which column gives which field, the column of the prose, and how the
 * register's words map onto the field's values. Each data row becomes a
 * front-matter map whose values are located at their cells (file:row:column,
 * the row as a spreadsheet numbers it), typed against the record type so a
 * wrong value is reported where the register has it. Part of load/. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <libxml/parser.h>

#include "load.h"
#include "xml.h"

/* The register as a grid: rows of cells, row 0 the first row of the file. */
typedef struct Grid {
    const char ***cells;
    size_t *ncells;
    int *rownum; /* the spreadsheet's number of each row */
    size_t n, cap;
} Grid;

static void grid_row(Grid *g, Arena *a, int rownum) {
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->cells = arena_grow(a, g->cells, g->n, g->cap, sizeof *g->cells);
        g->ncells = arena_grow(a, g->ncells, g->n, g->cap, sizeof *g->ncells);
        g->rownum = arena_grow(a, g->rownum, g->n, g->cap, sizeof *g->rownum);
    }
    g->cells[g->n] = NULL;
    g->ncells[g->n] = 0;
    g->rownum[g->n++] = rownum;
}

/* Sets cell col (0-based) of the last row. */
static void grid_cell(Grid *g, Arena *a, size_t col, const char *text, size_t len) {
    size_t r = g->n - 1;
    if (col >= 4096) return;
    if (col >= g->ncells[r]) {
        size_t want = col + 1;
        const char **cells = arena_alloc(a, want * sizeof *cells);
        for (size_t i = 0; i < want; i++)
            cells[i] = i < g->ncells[r] ? g->cells[r][i] : "";
        g->cells[r] = cells;
        g->ncells[r] = want;
    }
    g->cells[r][col] = arena_strndup(a, text, len);
}

/* ---- CSV --------------------------------------------------------------------------- */

typedef struct CsvState {
    Grid *g;
    Arena *a;
    size_t col;
    bool row_open;
} CsvState;

static void on_field(void *data, size_t len, void *p) {
    CsvState *st = p;
    if (!st->row_open) {
        grid_row(st->g, st->a, (int)st->g->n + 1);
        st->row_open = true;
        st->col = 0;
    }
    grid_cell(st->g, st->a, st->col++, data ? data : "", data ? len : 0);
}

static void on_row(int c, void *p) {
    (void)c;
    CsvState *st = p;
    if (!st->row_open) grid_row(st->g, st->a, (int)st->g->n + 1);
    st->row_open = false;
}

static bool read_csv(Arena *a, Diag *d, const char *rel, const char *data, size_t len, Grid *g) {
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) die("out of memory");
    /* a semicolon-separated register (as spreadsheets write it in many locales) */
    size_t line_end = strcspn(data, "\n");
    size_t commas = 0, semis = 0;
    for (size_t i = 0; i < line_end && i < len; i++)
        commas += data[i] == ',', semis += data[i] == ';';
    if (semis > commas) csv_set_delim(&p, ';');
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, len -= 3;
    CsvState st = {g, a, 0, false};
    bool ok = csv_parse(&p, data, len, on_field, on_row, &st) == len &&
              csv_fini(&p, on_field, on_row, &st) == 0;
    if (!ok)
        rule_report(d, RULE_REGISTER_FORMAT, (SrcLoc){rel, (int)g->n + 1, 0}, NULL,
                    "not valid CSV here: %s", csv_strerror(csv_error(&p)));
    csv_free(&p);
    return ok;
}

/* ---- XLSX ---------------------------------------------------------------------------- */

static bool read_xlsx(Arena *a, Diag *d, const char *path, const char *rel, size_t max, Grid *g) {
    Workbook w;
    int err = 0;
    if (!wb_open(&w, a, path, max, &err)) {
        rule_report(d, RULE_REGISTER_FORMAT, (SrcLoc){rel, 0, 0}, NULL,
                    "not an XLSX workbook (libzip error %d)", err);
        return false;
    }
    const char **sheets;
    size_t nsheets = wb_sheets(&w, &sheets);
    /* the first worksheet: sheet1.xml, else the first in the ZIP */
    const char *name = nsheets ? sheets[0] : NULL;
    for (size_t i = 0; i < nsheets; i++)
        if (strcmp(sheets[i], "xl/worksheets/sheet1.xml") == 0) name = sheets[i];
    xmlDoc *doc = name ? wb_part(&w, name) : NULL;
    if (!doc) {
        rule_report(d, RULE_REGISTER_FORMAT, (SrcLoc){rel, 0, 0}, NULL,
                    "the workbook has no readable worksheet");
        wb_close(&w);
        return false;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *data = root ? root->children : NULL; data; data = data->next) {
        if (!wb_named(data, "sheetData")) continue;
        for (xmlNode *row = data->children; row; row = row->next) {
            if (!wb_named(row, "row")) continue;
            xmlChar *r = xmlGetProp(row, (const xmlChar *)"r");
            int rownum = r ? atoi((const char *)r) : (int)g->n + 1;
            xmlFree(r);
            grid_row(g, a, rownum);
            size_t next = 0;
            for (xmlNode *c = row->children; c; c = c->next) {
                if (!wb_named(c, "c")) continue;
                int col = wb_column(c);
                size_t at = col > 0 ? (size_t)col - 1 : next;
                const char *t = wb_cell(&w, c);
                grid_cell(g, a, at, t, strlen(t));
                next = at + 1;
            }
        }
    }
    xmlFreeDoc(doc);
    wb_close(&w);
    return true;
}

/* ---- the mapping --------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static const char *std_text(const Value *v) {
    return v && v->kind == VAL_SCALAR && *v->text ? v->text : NULL;
}

static const char *trimmed(Arena *a, const char *s) {
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}

/* The column whose header is name (exactly, else without regard to case and blanks). */
static int column_of(Arena *a, const Grid *g, size_t header, const char *name) {
    for (int pass = 0; pass < 2; pass++)
        for (size_t c = 0; c < g->ncells[header]; c++) {
            const char *h = g->cells[header][c];
            if (pass == 0 ? strcmp(h, name) == 0 : strcasecmp(trimmed(a, h), trimmed(a, name)) == 0)
                return (int)c;
        }
    return -1;
}

static const char *headers(Arena *a, const Grid *g, size_t header) {
    StrBuf sb;
    sb_init(&sb);
    for (size_t c = 0; c < g->ncells[header]; c++)
        if (*g->cells[header][c])
            sb_printf(&sb, "%s\"%s\"", sb.len ? ", " : "", g->cells[header][c]);
    const char *s = arena_strdup(a, sb.data ? sb.data : "");
    sb_free(&sb);
    return s;
}

/* The register's word for a field mapped by the values table, else itself. */
static const char *mapped(const Value *values, const char *field, const char *word) {
    const Value *table = value_get(values, field);
    for (size_t i = 0; table && table->kind == VAL_MAP && i < table->n; i++)
        if (strcasecmp(table->keys[i], word) == 0 && table->items[i]->kind == VAL_SCALAR)
            return table->items[i]->text;
    return word;
}

bool register_import(Arena *a, Diag *d, const Schema *schema, const char *path, const char *rel,
                     const char *map_path, size_t max, ImportSet *out) {
    memset(out, 0, sizeof *out);
    char *text;
    size_t len;
    if (!fs_read(map_path, max, &text, &len)) {
        fprintf(stderr, "dossier: cannot read the mapping %s: %s\n", map_path, strerror(errno));
        return false;
    }
    Value *map = frontmatter_yaml(a, d, map_path, text, len);
    free(text);
    if (!map) return true; /* its findings say why */
    SrcLoc top = {map_path, 1, 0};
    const char *type_name = value_get(map, "type") ? std_text(value_get(map, "type")) : NULL;
    const RecordType *type = type_name ? schema_type(schema, type_name) : NULL;
    const Value *columns = value_get(map, "columns");
    if (!type || !columns || columns->kind != VAL_MAP) {
        rule_report(d, RULE_REGISTER_FORMAT, top, NULL,
                    "expected a mapping with type (a record type: threat, control, asset, ...) and "
                    "columns (each field of the record: the header of its column)");
        return true;
    }
    out->type = type;
    if (!fs_read(path, max, &text, &len)) {
        fprintf(stderr, "dossier: cannot read the register %s: %s\n", path,
                errno == EFBIG ? "file too large" : strerror(errno));
        return false;
    }
    Grid g = {0};
    bool ok = ends_with(path, ".xlsx") ? read_xlsx(a, d, path, rel, max, &g)
                                       : read_csv(a, d, rel, text, len, &g);
    free(text);
    if (!ok) return true;
    const Value *hv = value_get(map, "header_row");
    size_t header =
        hv && hv->kind == VAL_SCALAR && atoi(hv->text) > 0 ? (size_t)atoi(hv->text) - 1 : 0;
    if (header >= g.n) {
        rule_report(d, RULE_REGISTER_FORMAT, (SrcLoc){rel, 1, 0}, NULL,
                    "no header row: the register has %zu rows", g.n);
        return true;
    }
    /* each mapped field's column, checked against the header and the type */
    size_t nf = columns->n;
    int *cols = arena_alloc(a, (nf + 1) * sizeof *cols);
    const FieldDef **defs = arena_alloc(a, (nf + 1) * sizeof *defs);
    bool usable = true;
    for (size_t i = 0; i < nf; i++) {
        const char *field = columns->keys[i];
        const char *col = std_text(columns->items[i]);
        defs[i] = schema_field(type, field);
        cols[i] = col ? column_of(a, &g, header, col) : -1;
        if (!defs[i] || defs[i]->kind == FK_ENTRY || defs[i]->kind == FK_ENTRIES) {
            rule_report(d, RULE_REGISTER_FORMAT, columns->key_locs[i], NULL,
                        "%s is not a field a column can give to a %s record", field, type->name);
            usable = false;
        } else if (cols[i] < 0) {
            rule_report(d, RULE_REGISTER_FORMAT, columns->items[i]->loc, NULL,
                        "no column \"%s\" in the header of %s (row %d): %s", col ? col : "", rel,
                        g.rownum[header], headers(a, &g, header));
            usable = false;
        }
    }
    const char *body_col = value_get(map, "body") ? std_text(value_get(map, "body")) : NULL;
    int body = body_col ? column_of(a, &g, header, body_col) : -1;
    if (body_col && body < 0) {
        rule_report(d, RULE_REGISTER_FORMAT, value_get(map, "body")->loc, NULL,
                    "no column \"%s\" in the header of %s: %s", body_col, rel,
                    headers(a, &g, header));
        usable = false;
    }
    if (!usable) return true;
    const Value *values = value_get(map, "values");
    out->rows = arena_alloc(a, (g.n + 1) * sizeof *out->rows);
    for (size_t r = header + 1; r < g.n; r++) {
        bool empty = true;
        for (size_t c = 0; c < g.ncells[r]; c++)
            empty = empty && !*trimmed(a, g.cells[r][c]);
        if (empty) continue;
        SrcLoc row_loc = {rel, g.rownum[r], 1};
        Value *fields = value_new(a, VAL_MAP, row_loc);
        for (size_t i = 0; i < nf; i++) {
            const char *cell = (size_t)cols[i] < g.ncells[r] ? trimmed(a, g.cells[r][cols[i]]) : "";
            if (!*cell) continue;
            SrcLoc at = {rel, g.rownum[r], cols[i] + 1};
            Value *v;
            if (defs[i]->kind == FK_LIST || defs[i]->kind == FK_LINKS) {
                v = value_new(a, VAL_LIST, at);
                for (const char *p = cell; *p;) {
                    size_t n = strcspn(p, ",;\n");
                    const char *item = trimmed(a, arena_strndup(a, p, n));
                    if (*item) {
                        item = mapped(values, columns->keys[i], item);
                        value_push(a, v, NULL, at, value_scalar(a, at, item, strlen(item)));
                    }
                    p += n + (p[n] != 0);
                }
            } else {
                const char *word = mapped(values, columns->keys[i], cell);
                v = value_scalar(a, at, word, strlen(word));
            }
            value_push(a, fields, columns->keys[i], at, v);
        }
        if (!value_get(fields, "id")) {
            rule_report(d, RULE_REGISTER_FORMAT, row_loc, NULL,
                        "row %d has no ID (the column mapped to id is empty)", g.rownum[r]);
            continue;
        }
        Record *rec = typing_record(a, d, type, rel, fields, row_loc);
        if (!rec) continue;
        ImportRow *row = &out->rows[out->n++];
        row->id = rec->id;
        row->fields = fields;
        row->body = body >= 0 && (size_t)body < g.ncells[r] ? g.cells[r][body] : "";
        row->row = g.rownum[r];
    }
    return true;
}
