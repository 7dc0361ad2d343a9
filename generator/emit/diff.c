/* diff.c: `dossier diff OLD NEW` (emit/, over two frozen models): records
 * added, removed and changed by field, components upgraded, support changes,
 * new accepted risks, new and closed vulnerabilities since the last
 * submission; as text, JSON or an HTML page for the next one. Either side
 * may be hostile: what came from it reaches no terminal raw. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

/* One changed field of a record present in both. */
typedef struct FieldChange {
    const char *id, *field, *old, *new;
} FieldChange;

typedef struct Diff {
    Arena *a;
    const Record **added, **removed;
    size_t nadded, nremoved;
    FieldChange *changes;
    size_t nchanges;
    const char **upgraded; /* "name: old -> new" */
    size_t nupgraded;
    const Record **accepted, **new_vulns, **closed_vulns;
    size_t naccepted, nnew_vulns, nclosed_vulns;
    FieldChange *product;
    size_t nproduct;
    FieldChange *support; /* support and end_of_support of components in both */
    size_t nsupport;
} Diff;

/* A field's value as one canonical line: lists in brackets, maps in braces. */
static void value_text(StrBuf *sb, const Value *v) {
    if (!v) return;
    switch (v->kind) {
    case VAL_NULL:
        break;
    case VAL_SCALAR:
        sb_append(sb, v->text, v->len);
        break;
    case VAL_LIST:
    case VAL_MAP:
        sb_putc(sb, v->kind == VAL_LIST ? '[' : '{');
        for (size_t i = 0; i < v->n; i++) {
            if (i) sb_puts(sb, ", ");
            if (v->kind == VAL_MAP) sb_printf(sb, "%s: ", v->keys[i]);
            value_text(sb, v->items[i]);
        }
        sb_putc(sb, v->kind == VAL_LIST ? ']' : '}');
        break;
    }
}

static const char *field_text(Arena *a, const Record *r, size_t i) {
    if (!r->fields[i].value) return NULL;
    StrBuf sb;
    sb_init(&sb);
    value_text(&sb, r->fields[i].value);
    char *s = arena_strndup(a, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return s;
}

static bool same(const char *x, const char *y) {
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* Appends item to the arena array arr of n items, doubling from 8. */
#define PUSH(d, arr, n, item)                                                                      \
    do {                                                                                           \
        if ((d)->n == 0 || ((d)->n >= 8 && ((d)->n & ((d)->n - 1)) == 0))                          \
            (d)->arr = arena_grow((d)->a, (void *)(d)->arr, (d)->n, (d)->n ? (d)->n * 2 : 8,       \
                                  sizeof *(d)->arr);                                               \
        (d)->arr[(d)->n++] = (item);                                                               \
    } while (0)

static bool is_type(const Record *r, const char *type) {
    return strcmp(r->type->name, type) == 0;
}

/* Fixed or not affected, by the record's own fields: a vulnerability that
 * no longer needs work. */
static bool vuln_closed(const Record *r) {
    const char *vex = record_str(r, "vex_state");
    if (record_field(r, "fixed")) return true;
    return vex && (strcmp(vex, "fixed") == 0 || strcmp(vex, "not_affected") == 0);
}

static void compare_records(Diff *d, const Record *o, const Record *n) {
    for (size_t i = 0; i < n->type->nfields; i++) {
        const FieldDef *f = &n->type->fields[i];
        const FieldDef *of = schema_field(o->type, f->name);
        const char *nv = field_text(d->a, n, i);
        const char *ov = of ? field_text(d->a, o, (size_t)of->index) : NULL;
        if (same(ov, nv)) continue;
        PUSH(d, changes, nchanges, ((FieldChange){n->id, f->name, ov, nv}));
        if (is_type(n, "component") &&
            (strcmp(f->name, "support") == 0 || strcmp(f->name, "end_of_support") == 0))
            PUSH(d, support, nsupport, ((FieldChange){n->id, f->name, ov, nv}));
    }
    if (o->body_len != n->body_len || memcmp(o->body, n->body, n->body_len) != 0)
        PUSH(d, changes, nchanges, ((FieldChange){n->id, "prose", "(old prose)", "(new prose)"}));
    if (is_type(n, "threat") && record_field(n, "accepted") && !record_field(o, "accepted"))
        PUSH(d, accepted, naccepted, n);
    if (is_type(n, "vulnerability") && vuln_closed(n) && !vuln_closed(o))
        PUSH(d, closed_vulns, nclosed_vulns, n);
}

static void compare_product(Diff *d, const Product *o, const Product *n) {
    const struct {
        const char *name, *old, *new;
    } facts[] = {
        {"name", o->name, n->name},
        {"version", o->version, n->version},
        {"date", o->date, n->date},
        {"cyber_device", o->cyber_device, n->cyber_device},
        {"intended_use", o->intended_use, n->intended_use},
        {"cvd_policy_url", o->cvd_policy_url, n->cvd_policy_url},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        if (!same(facts[i].old, facts[i].new))
            PUSH(d, product, nproduct,
                 ((FieldChange){"product", facts[i].name, facts[i].old, facts[i].new}));
}

/* Components removed and added under the same name are an upgrade. */
static void find_upgrades(Diff *d) {
    for (size_t i = 0; i < d->nremoved; i++) {
        const Record *o = d->removed[i];
        const char *name = is_type(o, "component") ? record_str(o, "name") : NULL;
        if (!name) continue;
        for (size_t k = 0; k < d->nadded; k++) {
            const Record *n = d->added[k];
            if (!is_type(n, "component") || !same(record_str(n, "name"), name)) continue;
            const char *ov = record_str(o, "version"), *nv = record_str(n, "version");
            PUSH(d, upgraded, nupgraded,
                 arena_printf(d->a, "%s %s -> %s (%s -> %s)", name, ov ? ov : "?", nv ? nv : "?",
                              o->id, n->id));
        }
    }
}

static void diff_models(Diff *d, const Model *old, const Model *new) {
    size_t i = 0, k = 0;
    while (i < old->nrecords || k < new->nrecords) {
        int c = i == old->nrecords   ? 1
                : k == new->nrecords ? -1
                                     : id_compare(old->records[i]->id, new->records[k]->id);
        if (c < 0) {
            PUSH(d, removed, nremoved, old->records[i]);
            i++;
        } else if (c > 0) {
            const Record *n = new->records[k++];
            PUSH(d, added, nadded, n);
            if (is_type(n, "threat") && record_field(n, "accepted"))
                PUSH(d, accepted, naccepted, n);
            if (is_type(n, "vulnerability")) PUSH(d, new_vulns, nnew_vulns, n);
        } else {
            compare_records(d, old->records[i++], new->records[k++]);
        }
    }
    compare_product(d, &old->product, &new->product);
    find_upgrades(d);
}

/* ---- writers ------------------------------------------------------------- */

/* s for a terminal: the records may be hostile (control characters, ESC). */
static void text(StrBuf *sb, const char *s) {
    if (s) sb_escape_text(sb, s, strlen(s), false);
}

static void text_records(StrBuf *sb, const char *title, const Record *const *r, size_t n) {
    sb_printf(sb, "%s (%zu)\n", title, n);
    for (size_t i = 0; i < n; i++) {
        sb_puts(sb, "  ");
        text(sb, r[i]->id);
        sb_puts(sb, "  ");
        text(sb, r[i]->title);
        sb_puts(sb, "  [");
        text(sb, r[i]->type->name);
        sb_puts(sb, "]\n");
    }
}

/* A value shortened to its first line and at most 70 bytes (never inside a
 * UTF-8 sequence), for text. */
static void text_value(StrBuf *sb, const char *v) {
    if (!v) {
        sb_puts(sb, "(absent)");
        return;
    }
    size_t n = 0;
    for (; v[n] && v[n] != '\n' && n < 70; n++)
        continue;
    if (v[n] && v[n] != '\n')
        while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
            n--;
    sb_escape_text(sb, v, n, false);
    if (v[n]) sb_puts(sb, "...");
}

static void write_text(StrBuf *sb, const Diff *d, const char *old_dir, const char *new_dir) {
    sb_puts(sb, "dossier diff ");
    text(sb, old_dir);
    sb_putc(sb, ' ');
    text(sb, new_dir);
    sb_puts(sb, "\n\n");
    const FieldChange *lists[] = {d->product, d->changes, d->support};
    size_t counts[] = {d->nproduct, d->nchanges, d->nsupport};
    const char *titles[] = {"Product changed", "Records changed", "Component support changed"};
    text_records(sb, "Records added", d->added, d->nadded);
    text_records(sb, "Records removed", d->removed, d->nremoved);
    for (size_t l = 0; l < 3; l++) {
        sb_printf(sb, "%s (%zu fields)\n", titles[l], counts[l]);
        for (size_t i = 0; i < counts[l]; i++) {
            sb_puts(sb, "  ");
            text(sb, lists[l][i].id);
            sb_putc(sb, ' ');
            text(sb, lists[l][i].field);
            sb_puts(sb, ": ");
            text_value(sb, lists[l][i].old);
            sb_puts(sb, " -> ");
            text_value(sb, lists[l][i].new);
            sb_putc(sb, '\n');
        }
    }
    sb_printf(sb, "SBOM components upgraded (%zu)\n", d->nupgraded);
    for (size_t i = 0; i < d->nupgraded; i++) {
        sb_puts(sb, "  ");
        text(sb, d->upgraded[i]);
        sb_putc(sb, '\n');
    }
    text_records(sb, "New accepted risks", d->accepted, d->naccepted);
    text_records(sb, "New vulnerabilities", d->new_vulns, d->nnew_vulns);
    text_records(sb, "Closed vulnerabilities", d->closed_vulns, d->nclosed_vulns);
}

/* A JSON string, or null; text that is not UTF-8 is given as it would be
 * shown on a terminal, so no value is lost from the document. */
static json_t *json_str(const char *s) {
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    StrBuf sb;
    sb_init(&sb);
    sb_escape_text(&sb, s, strlen(s), true);
    j = json_string(sb.data ? sb.data : "");
    sb_free(&sb);
    return j;
}

static json_t *json_records(const Record *const *r, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_str(r[i]->id));
        json_object_set_new(o, "title", json_str(r[i]->title));
        json_object_set_new(o, "type", json_str(r[i]->type->name));
        json_object_set_new(o, "path", json_str(r[i]->path));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *json_changes(const FieldChange *c, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_str(c[i].id));
        json_object_set_new(o, "field", json_str(c[i].field));
        json_object_set_new(o, "old", json_str(c[i].old));
        json_object_set_new(o, "new", json_str(c[i].new));
        json_array_append_new(a, o);
    }
    return a;
}

static void write_json(StrBuf *sb, const Diff *d, const char *old_dir, const char *new_dir) {
    json_t *root = json_object();
    json_object_set_new(root, "old", json_str(old_dir));
    json_object_set_new(root, "new", json_str(new_dir));
    json_object_set_new(root, "added", json_records(d->added, d->nadded));
    json_object_set_new(root, "removed", json_records(d->removed, d->nremoved));
    json_object_set_new(root, "changed", json_changes(d->changes, d->nchanges));
    json_object_set_new(root, "product", json_changes(d->product, d->nproduct));
    json_object_set_new(root, "support_changed", json_changes(d->support, d->nsupport));
    json_t *up = json_array();
    for (size_t i = 0; i < d->nupgraded; i++)
        json_array_append_new(up, json_str(d->upgraded[i]));
    json_object_set_new(root, "components_upgraded", up);
    json_object_set_new(root, "new_accepted_risks", json_records(d->accepted, d->naccepted));
    json_object_set_new(root, "new_vulnerabilities", json_records(d->new_vulns, d->nnew_vulns));
    json_object_set_new(root, "closed_vulnerabilities",
                        json_records(d->closed_vulns, d->nclosed_vulns));
    /* ASCII only: C1 controls and the rest as \u escapes, none raw on a terminal */
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    json_decref(root);
    if (!text) die("out of memory writing the diff");
    sb_puts(sb, text);
    sb_putc(sb, '\n');
    free(text);
}

/* s in HTML, its control characters shown as on a terminal (\x1b): the
 * page may be printed to one, and HTML wants none of them raw. */
static void html(StrBuf *sb, const char *s) {
    if (!s) return;
    StrBuf shown;
    sb_init(&shown);
    sb_escape_text(&shown, s, strlen(s), false);
    sb_escape_html(sb, shown.data ? shown.data : "", shown.len);
    sb_free(&shown);
}

static void html_records(StrBuf *sb, const char *title, const Record *const *r, size_t n) {
    sb_puts(sb, "<h2>");
    html(sb, title);
    sb_printf(sb, " (%zu)</h2>\n", n);
    if (n == 0) {
        sb_puts(sb, "<p>None.</p>\n");
        return;
    }
    sb_puts(sb, "<ul>\n");
    for (size_t i = 0; i < n; i++) {
        sb_puts(sb, "  <li><span class=\"id\">");
        html(sb, r[i]->id);
        sb_puts(sb, "</span> ");
        html(sb, r[i]->title);
        sb_puts(sb, " (");
        html(sb, r[i]->type->name);
        sb_puts(sb, ")</li>\n");
    }
    sb_puts(sb, "</ul>\n");
}

static void html_changes(StrBuf *sb, const char *title, const FieldChange *c, size_t n) {
    sb_puts(sb, "<h2>");
    html(sb, title);
    sb_printf(sb, " (%zu)</h2>\n", n);
    if (n == 0) {
        sb_puts(sb, "<p>None.</p>\n");
        return;
    }
    sb_puts(sb,
            "<table>\n<thead><tr><th scope=\"col\">Record</th><th scope=\"col\">Field</th>"
            "<th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        sb_puts(sb, "<tr><td class=\"id\">");
        html(sb, c[i].id);
        sb_puts(sb, "</td><td>");
        html(sb, c[i].field);
        sb_puts(sb, "</td><td>");
        html(sb, c[i].old ? c[i].old : "(absent)");
        sb_puts(sb, "</td><td>");
        html(sb, c[i].new ? c[i].new : "(absent)");
        sb_puts(sb, "</td></tr>\n");
    }
    sb_puts(sb, "</tbody>\n</table>\n");
}

static void write_html(StrBuf *sb, const Diff *d, const Model *new, const char *old_dir,
                       const char *new_dir) {
    sb_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
                "charset=\"utf-8\">\n<title>Changes since the "
                "last submission · ");
    html(sb, new->product.name);
    sb_puts(sb,
            "</title>\n<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem "
            "auto;padding:0 "
            "1rem;line-height:1.5}table{border-collapse:collapse;width:100%}td,th{border:1px solid "
            "#c9d1da;"
            "padding:.3rem "
            ".5rem;text-align:left;vertical-align:top}.id{font-family:monospace;font-weight:600;"
            "white-space:nowrap}</style>\n</head>\n<body>\n<h1>Changes since the last "
            "submission</h1>\n<p>");
    html(sb, new->product.name);
    if (new->product.version) {
        sb_putc(sb, ' ');
        html(sb, new->product.version);
    }
    sb_puts(sb, ": <code>");
    html(sb, old_dir);
    sb_puts(sb, "</code> compared with <code>");
    html(sb, new_dir);
    sb_puts(sb, "</code>.</p>\n");
    html_changes(sb, "Product", d->product, d->nproduct);
    html_records(sb, "Records added", d->added, d->nadded);
    html_records(sb, "Records removed", d->removed, d->nremoved);
    html_changes(sb, "Records changed, by field", d->changes, d->nchanges);
    sb_printf(sb, "<h2>SBOM components upgraded (%zu)</h2>\n", d->nupgraded);
    if (d->nupgraded == 0) sb_puts(sb, "<p>None.</p>\n");
    for (size_t i = 0; i < d->nupgraded; i++) {
        sb_puts(sb, i ? "<li>" : "<ul>\n<li>");
        html(sb, d->upgraded[i]);
        sb_puts(sb, i + 1 == d->nupgraded ? "</li>\n</ul>\n" : "</li>\n");
    }
    html_changes(sb, "Component support changed", d->support, d->nsupport);
    html_records(sb, "New accepted risks", d->accepted, d->naccepted);
    html_records(sb, "New vulnerabilities", d->new_vulns, d->nnew_vulns);
    html_records(sb, "Closed vulnerabilities", d->closed_vulns, d->nclosed_vulns);
    sb_puts(sb, "</body>\n</html>\n");
}

bool diff_write(StrBuf *sb, const Model *old, const Model *new, const char *format,
                const char *old_dir, const char *new_dir, bool *changed) {
    Arena a;
    arena_init(&a);
    Diff d = {.a = &a};
    diff_models(&d, old, new);
    *changed = d.nadded || d.nremoved || d.nchanges || d.nproduct;
    bool ok = true;
    if (!format || strcmp(format, "text") == 0)
        write_text(sb, &d, old_dir, new_dir);
    else if (strcmp(format, "json") == 0)
        write_json(sb, &d, old_dir, new_dir);
    else if (strcmp(format, "html") == 0)
        write_html(sb, &d, new, old_dir, new_dir);
    else
        ok = false;
    arena_free(&a);
    return ok;
}
