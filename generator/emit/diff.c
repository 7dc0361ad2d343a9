/* diff.c: `dossier diff OLD NEW` (emit/, over two frozen and checked
 * models): a summary first (records added, removed and changed per type,
 * the verdicts that changed: a control no longer verified, a threat no
 * longer mitigated), then records added, removed and changed by field,
 * list fields as the items added and removed, components upgraded, support
 * changes, new accepted risks, new and closed vulnerabilities since the
 * last submission; as text or JSON (the HTML page is a template:
 * lua-templates/diff/). Fields
 * marked bookkeeping in records.xml (which SBOM file, which line, when a
 * tool wrote it, what is derived) are compared only with --all. Either
 * side may be hostile: what came from it reaches no terminal raw. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

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

/* "2 (1 threat, 1 component)": the records of r per type, types in
 * schema order. */
static void type_counts(StrBuf *sb, const Schema *schema, const Record *const *r, size_t n) {
    sb_printf(sb, "%zu", n);
    bool first = true;
    for (size_t t = 0; t < schema->ntypes && n; t++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += strcmp(r[i]->type->name, schema->types[t].name) == 0;
        if (!k) continue;
        sb_printf(sb, "%s%zu %s", first ? " (" : ", ", k,
                  k == 1 ? schema->types[t].name : schema->types[t].plural);
        first = false;
    }
    if (!first) sb_putc(sb, ')');
}

static void write_text(StrBuf *sb, const Changes *d, const Model *old, const Model *new,
                       const char *old_dir, const char *new_dir) {
    sb_puts(sb, "dossier diff ");
    text(sb, old_dir);
    sb_putc(sb, ' ');
    text(sb, new_dir);
    sb_puts(sb, "\n\nSummary\n  added: ");
    type_counts(sb, new->schema, d->added, d->nadded);
    sb_puts(sb, "\n  removed: ");
    type_counts(sb, old->schema, d->removed, d->nremoved);
    sb_puts(sb, "\n  changed: ");
    type_counts(sb, new->schema, d->changed, d->nchanged);
    sb_printf(sb, "\n  verdicts changed: %zu\n", d->nverdicts);
    for (size_t i = 0; i < d->nverdicts; i++) {
        const VerdictChange *v = &d->verdicts[i];
        sb_puts(sb, "    ");
        text(sb, v->record->id);
        sb_puts(sb, "  ");
        text(sb, v->record->title);
        sb_printf(sb, "  [%s] %s -> %s", v->record->type->name, v->old ? v->old : "(none)",
                  v->new ? v->new : "(none)");
        if (v->rule) sb_printf(sb, " (%s)", v->rule);
        sb_putc(sb, '\n');
    }
    if (!d->all) sb_puts(sb, "  (bookkeeping fields left out; --all shows them)\n");
    sb_putc(sb, '\n');
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
            const FieldChange *c = &lists[l][i];
            if (c->nplus || c->nminus) {
                for (size_t k = 0; k < c->nplus; k++) {
                    sb_puts(sb, k ? "; + " : "+ ");
                    text_value(sb, c->plus[k]);
                }
                for (size_t k = 0; k < c->nminus; k++) {
                    sb_puts(sb, k || c->nplus ? "; - " : "- ");
                    text_value(sb, c->minus[k]);
                }
                sb_putc(sb, '\n');
                continue;
            }
            text_value(sb, c->old);
            sb_puts(sb, " -> ");
            text_value(sb, c->new);
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
        if (c[i].plus || c[i].minus) {
            json_t *plus = json_array(), *minus = json_array();
            for (size_t k = 0; k < c[i].nplus; k++)
                json_array_append_new(plus, json_str(c[i].plus[k]));
            for (size_t k = 0; k < c[i].nminus; k++)
                json_array_append_new(minus, json_str(c[i].minus[k]));
            json_object_set_new(o, "items_added", plus);
            json_object_set_new(o, "items_removed", minus);
        }
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *json_type_counts(const Schema *schema, const Record *const *r, size_t n) {
    json_t *o = json_object();
    for (size_t t = 0; t < schema->ntypes; t++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += strcmp(r[i]->type->name, schema->types[t].name) == 0;
        if (k) json_object_set_new(o, schema->types[t].name, json_integer((json_int_t)k));
    }
    return o;
}

static void write_json(StrBuf *sb, const Changes *d, const Model *old, const Model *new,
                       const char *old_dir, const char *new_dir) {
    json_t *root = json_object();
    json_t *sum = json_object();
    json_object_set_new(sum, "added", json_type_counts(new->schema, d->added, d->nadded));
    json_object_set_new(sum, "removed", json_type_counts(old->schema, d->removed, d->nremoved));
    json_object_set_new(sum, "changed", json_type_counts(new->schema, d->changed, d->nchanged));
    json_object_set_new(sum, "bookkeeping_shown", json_boolean(d->all));
    json_object_set_new(root, "summary", sum);
    json_t *vs = json_array();
    for (size_t i = 0; i < d->nverdicts; i++) {
        json_t *v = json_object();
        json_object_set_new(v, "id", json_str(d->verdicts[i].record->id));
        json_object_set_new(v, "type", json_str(d->verdicts[i].record->type->name));
        json_object_set_new(v, "old", json_str(d->verdicts[i].old));
        json_object_set_new(v, "new", json_str(d->verdicts[i].new));
        json_object_set_new(v, "rule", json_str(d->verdicts[i].rule));
        json_array_append_new(vs, v);
    }
    json_object_set_new(root, "verdicts_changed", vs);
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

bool diff_write(StrBuf *sb, const Model *old, const Model *new, const char *format,
                const char *old_dir, const char *new_dir, bool all, bool *changed) {
    Arena a;
    arena_init(&a);
    const Changes *d = changes_compute(&a, old, new, all, old_dir);
    *changed = d->nadded || d->nremoved || d->nchanges || d->nproduct;
    bool ok = true;
    if (!format || strcmp(format, "text") == 0)
        write_text(sb, d, old, new, old_dir, new_dir);
    else if (strcmp(format, "json") == 0)
        write_json(sb, d, old, new, old_dir, new_dir);
    else
        ok = false;
    arena_free(&a);
    return ok;
}
