/* changes.c: what changed from one checked model to another (dossier diff,
 * build --previous): records added, removed and changed by field, list
 * fields as the items added and removed, the verdicts that changed,
 * components upgraded, support changes, new accepted risks, new and closed
 * vulnerabilities, and the controls, tests and components affected.
 * Computed once here; dossier diff writes it (emit/diff.c) and the
 * templates read it as model.changes (render/luamodel.c). Fields marked
 * bookkeeping in records.xml are compared only with all. Part of model/. */
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* A field's value as one canonical line: lists in brackets, maps in
 * braces; without all, the bookkeeping sub-fields of an entry left out. f
 * is the field the value is of (NULL: print everything). */
static void value_text(StrBuf *sb, const FieldDef *f, const Value *v, bool all) {
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
        bool first = true;
        for (size_t i = 0; i < v->n; i++) {
            const FieldDef *sub = f && v->kind == VAL_MAP ? schema_subfield(f, v->keys[i]) : f;
            if (v->kind == VAL_MAP && sub && sub->bookkeeping && !all) continue;
            if (!first) sb_puts(sb, ", ");
            first = false;
            if (v->kind == VAL_MAP) sb_printf(sb, "%s: ", v->keys[i]);
            value_text(sb, v->kind == VAL_MAP ? sub : f, v->items[i], all);
        }
        sb_putc(sb, v->kind == VAL_LIST ? ']' : '}');
        break;
    }
}

static const char *text_of(Arena *a, const FieldDef *f, const Value *v, bool all) {
    if (!v) return NULL;
    StrBuf sb;
    sb_init(&sb);
    value_text(&sb, f, v, all);
    char *s = arena_strndup(a, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return s;
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The items of a list value as sorted texts (*n of them). */
static const char **item_texts(Arena *a, const FieldDef *f, const Value *v, bool all, size_t *n) {
    *n = v && v->kind == VAL_LIST ? v->n : 0;
    const char **t = arena_alloc(a, (*n + 1) * sizeof *t);
    for (size_t i = 0; i < *n; i++)
        t[i] = text_of(a, f, v->items[i], all);
    qsort(t, *n, sizeof *t, cmp_str);
    return t;
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

static const RecordVerdict *verdict_of(const Model *m, const Record *r) {
    const Verdicts *v = m->verdicts;
    return v && r->order < v->nrecords && v->records[r->order].state ? &v->records[r->order] : NULL;
}

/* The items of two sorted lists that only one has, as a merge: minus from
 * ov, plus from nv (a multiset: an item twice in one and once in the
 * other counts once). */
static void list_change(Changes *d, FieldChange *c, const FieldDef *f, const Value *ov,
                        const Value *nv) {
    size_t no, nn;
    const char **a = item_texts(d->a, f, ov, d->all, &no),
               **b = item_texts(d->a, f, nv, d->all, &nn);
    c->minus = arena_alloc(d->a, (no + 1) * sizeof *c->minus);
    c->plus = arena_alloc(d->a, (nn + 1) * sizeof *c->plus);
    size_t i = 0, k = 0;
    while (i < no || k < nn) {
        int cmp = i == no ? 1 : k == nn ? -1 : strcmp(a[i], b[k]);
        if (cmp < 0)
            c->minus[c->nminus++] = a[i++];
        else if (cmp > 0)
            c->plus[c->nplus++] = b[k++];
        else
            i++, k++;
    }
}

static void compare_records(Changes *d, const Model *om, const Model *nm, const Record *o,
                            const Record *n) {
    size_t before = d->nchanges;
    for (size_t i = 0; i < n->type->nfields; i++) {
        const FieldDef *f = &n->type->fields[i];
        if (f->bookkeeping && !d->all) continue;
        const FieldDef *of = schema_field(o->type, f->name);
        const Value *nval = n->fields[i].value, *oval = of ? o->fields[of->index].value : NULL;
        const char *nv = text_of(d->a, f, nval, d->all);
        const char *ov = text_of(d->a, f, oval, d->all);
        if (same(ov, nv)) continue;
        FieldChange c = {n->id, f->name, ov, nv, NULL, NULL, 0, 0};
        bool list = (nval && nval->kind == VAL_LIST) || (oval && oval->kind == VAL_LIST);
        if (list) {
            list_change(d, &c, f, oval, nval);
            if (!c.nplus && !c.nminus && !d->all) continue; /* the same items in another order */
        }
        PUSH(d, changes, nchanges, c);
        if (is_type(n, "component") &&
            (strcmp(f->name, "support") == 0 || strcmp(f->name, "end_of_support") == 0))
            PUSH(d, support, nsupport, c);
    }
    if (o->body_len != n->body_len || memcmp(o->body, n->body, n->body_len) != 0)
        PUSH(d, changes, nchanges,
             ((FieldChange){n->id, "prose", "(old prose)", "(new prose)", NULL, NULL, 0, 0}));
    if (d->nchanges > before) PUSH(d, changed, nchanged, n);
    if (is_type(n, "threat") && record_field(n, "accepted") && !record_field(o, "accepted"))
        PUSH(d, accepted, naccepted, n);
    if (is_type(n, "vulnerability") && vuln_closed(n) && !vuln_closed(o))
        PUSH(d, closed_vulns, nclosed_vulns, n);
    const RecordVerdict *ovd = verdict_of(om, o), *nvd = verdict_of(nm, n);
    if ((ovd || nvd) && !same(ovd ? ovd->state : NULL, nvd ? nvd->state : NULL))
        PUSH(d, verdicts, nverdicts,
             ((VerdictChange){n, ovd ? ovd->state : NULL, nvd ? nvd->state : NULL,
                              nvd ? nvd->rule : NULL}));
}

static void compare_product(Changes *d, const Product *o, const Product *n) {
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
                 ((FieldChange){"product", facts[i].name, facts[i].old, facts[i].new, NULL, NULL, 0,
                                0}));
}

/* Components removed and added under the same name are an upgrade. */
static void find_upgrades(Changes *d) {
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

static void diff_models(Changes *d, const Model *old, const Model *new) {
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
            compare_records(d, old, new, old->records[i], new->records[k]);
            i++, k++;
        }
    }
    compare_product(d, &old->product, &new->product);
    find_upgrades(d);
}

static const char *const AFFECTED_TYPES[] = {"control", "test", "component"};

static int affected_rank(const Record *r) {
    for (int i = 0; i < 3; i++)
        if (is_type(r, AFFECTED_TYPES[i])) return i;
    return -1;
}

/* how, as a rank: the first a record has is the one kept */
static int how_rank(const char *how) {
    static const char *const order[] = {"added", "removed", "changed", "verdict changed"};
    for (int i = 0; i < 4; i++)
        if (strcmp(how, order[i]) == 0) return i;
    return 4;
}

static int cmp_affected(const void *x, const void *y) {
    const Affected *a = x, *b = y;
    int c = affected_rank(a->record) - affected_rank(b->record);
    if (!c) c = id_compare(a->record->id, b->record->id);
    return c ? c : how_rank(a->how) - how_rank(b->how);
}

static void add_affected(Changes *d, const Record *const *r, size_t n, const char *how) {
    for (size_t i = 0; i < n; i++)
        if (affected_rank(r[i]) >= 0) PUSH(d, affected, naffected, ((Affected){r[i], how}));
}

static void find_affected(Changes *d) {
    add_affected(d, d->added, d->nadded, "added");
    add_affected(d, d->removed, d->nremoved, "removed");
    add_affected(d, d->changed, d->nchanged, "changed");
    for (size_t i = 0; i < d->nverdicts; i++)
        if (affected_rank(d->verdicts[i].record) >= 0)
            PUSH(d, affected, naffected, ((Affected){d->verdicts[i].record, "verdict changed"}));
    if (!d->naffected) return;
    qsort(d->affected, d->naffected, sizeof *d->affected, cmp_affected);
    size_t k = 0; /* one row per record: the first how */
    for (size_t i = 0; i < d->naffected; i++)
        if (!k || strcmp(d->affected[k - 1].record->id, d->affected[i].record->id) != 0)
            d->affected[k++] = d->affected[i];
    d->naffected = k;
}

static size_t *count_by_type(Arena *a, const Schema *s, const Record *const *r, size_t n) {
    size_t *c = arena_alloc(a, (s->ntypes + 1) * sizeof *c);
    memset(c, 0, (s->ntypes + 1) * sizeof *c);
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < s->ntypes; t++)
            if (strcmp(r[i]->type->name, s->types[t].name) == 0) c[t]++;
    return c;
}

Changes *changes_compute(Arena *a, const Model *old, const Model *new, bool all,
                         const char *old_file) {
    Changes *d = arena_alloc(a, sizeof *d);
    memset(d, 0, sizeof *d);
    d->a = a;
    d->all = all;
    diff_models(d, old, new);
    find_affected(d);
    const Schema *s = new->schema;
    d->nadded_by_type = count_by_type(a, s, d->added, d->nadded);
    d->nremoved_by_type = count_by_type(a, s, d->removed, d->nremoved);
    d->nchanged_by_type = count_by_type(a, s, d->changed, d->nchanged);
    if (old_file) { /* its last name: "old/" and "a/b/old.zip" give "old" and "old.zip" */
        size_t end = strlen(old_file);
        while (end > 1 && old_file[end - 1] == '/')
            end--;
        size_t begin = end;
        while (begin > 0 && old_file[begin - 1] != '/')
            begin--;
        d->old_file = arena_strndup(a, old_file + begin, end - begin);
    }
    d->old_name = old->product.name;
    d->old_version = old->product.version;
    d->old_date = old->product.date;
    return d;
}
