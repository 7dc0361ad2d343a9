/* model.c: records, the ID index, links and backlinks. model_finish turns
 * the loaded records into the frozen traceability graph: every link field
 * resolved and typed, links written on either side unified, backlinks
 * built, everything sorted. Part of model/. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "rules.h"

void model_init(Model *m, Arena *a, const Schema *s, const char *root) {
    memset(m, 0, sizeof *m);
    m->arena = a;
    m->schema = s;
    m->root = root;
    m->min_support_coverage = -1;
    hashmap_init(&m->index, a);
}

void model_unloaded(Model *m, const Diag *d, size_t first, const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    if (n == 0 || !id_shaped(base, n) || first >= d->n) return;
    if (m->nunloaded == m->unloaded_cap) {
        size_t cap = m->unloaded_cap ? m->unloaded_cap * 2 : 8;
        Unloaded *grown = arena_alloc(m->arena, cap * sizeof *grown);
        if (m->nunloaded) memcpy(grown, m->unloaded, m->nunloaded * sizeof *grown);
        m->unloaded = grown;
        m->unloaded_cap = cap;
    }
    const Finding *f = &d->items[first];
    m->unloaded[m->nunloaded++] =
        (Unloaded){arena_strndup(m->arena, base, n),
                   {arena_strdup(m->arena, path), f->loc.line, f->loc.col},
                   arena_strdup(m->arena, f->rule)};
}

static int cmp_license(const void *key, const void *item) {
    return strcasecmp((const char *)key, *(const char *const *)item);
}

const char *model_license_kind(const Model *m, const char *s, const char **canon) {
    *canon = s;
    if (!s || !*s) return "name";
    if (s[0] == '(' || strstr(s, " AND ") || strstr(s, " OR ") || strstr(s, " WITH ") ||
        strstr(s, " and ") || strstr(s, " or ") || strstr(s, " with "))
        return "expression";
    const char *const *hit =
        m->nspdx_ids ? bsearch(s, m->spdx_ids, m->nspdx_ids, sizeof *m->spdx_ids, cmp_license)
                     : NULL;
    if (!hit) return "name";
    *canon = *hit;
    return "id";
}

const Unloaded *model_find_unloaded(const Model *m, const char *id) {
    for (size_t i = 0; id && i < m->nunloaded; i++)
        if (strcmp(m->unloaded[i].id, id) == 0) return &m->unloaded[i];
    return NULL;
}

Record *model_find(const Model *m, const char *id) {
    if (!id) return NULL;
    return hashmap_sget(&m->index, id);
}

void model_add(Model *m, Diag *d, Record *r) {
    if (m->frozen) die("internal error: model_add after model_finish");
    Record *prev = hashmap_sput(&m->index, r->id, r);
    if (prev != r) {
        rule_report(d, RULE_UNIQUE_ID, r->loc, r->id, "duplicate ID %s: already defined at %s:%d",
                    r->id, prev->loc.path, prev->loc.line);
        return;
    }
    if (m->nrecords == 0 || (m->nrecords & (m->nrecords - 1)) == 0) {
        size_t cap = m->nrecords ? m->nrecords * 2 : 64;
        m->records = arena_grow(m->arena, m->records, m->nrecords, cap, sizeof *m->records);
    }
    m->records[m->nrecords++] = r;
}

const Value *record_field(const Record *r, const char *name) {
    const FieldDef *f = schema_field(r->type, name);
    return f ? r->fields[f->index].value : NULL;
}

const char *record_str(const Record *r, const char *name) {
    const Value *v = record_field(r, name);
    return v && v->kind == VAL_SCALAR ? v->text : NULL;
}

Record **model_of_type(const Model *m, const char *type, size_t *n) {
    const RecordType *t = schema_type(m->schema, type);
    if (!t || !m->by_type) {
        *n = 0;
        return NULL;
    }
    *n = m->nby_type[t->index];
    return m->by_type[t->index];
}

const char *link_name(const Link *l, bool from_side) {
    if (l->prose) return from_side ? "mentions" : "mentioned_by";
    if (from_side) return l->field->name;
    return l->field->inverse ? l->field->inverse : "linked_from";
}

/* ---- building the graph --------------------------------------------------- */

typedef struct LinkList {
    Link **items;
    size_t n, cap;
} LinkList;

static void links_push(Arena *a, LinkList *l, Link *link) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        l->items = arena_grow(a, l->items, l->cap, cap, sizeof *l->items);
        l->cap = cap;
    }
    l->items[l->n++] = link;
}

static bool type_allowed(const FieldDef *f, const RecordType *t) {
    for (size_t i = 0; i < f->ntargets; i++)
        if (strcmp(f->targets[i], t->name) == 0) return true;
    return false;
}

/* The field on t that is the inverse of f, when both sides declare the link. */
static const FieldDef *inverse_field(const FieldDef *f, const RecordType *t) {
    if (!f->inverse) return NULL;
    const FieldDef *g = schema_field(t, f->inverse);
    if (g && g->inverse && strcmp(g->inverse, f->name) == 0) return g;
    return NULL;
}

/* A link declared on both sides (test.verifies and control.verified_by) is
 * stored once, in the direction whose "type.field" sorts first. */
static void canonicalise(Link *l) {
    const FieldDef *g = inverse_field(l->field, l->to->type);
    if (!g) return;
    int c = strcmp(l->from->type->name, l->to->type->name);
    if (c == 0) c = strcmp(l->field->name, g->name);
    if (c > 0) {
        Record *t = l->from;
        l->from = l->to;
        l->to = t;
        l->field = g;
    }
}

static void resolve_one(Model *m, Diag *d, LinkList *all, Record *r, const FieldDef *f,
                        const Value *v) {
    if (v->kind != VAL_SCALAR) return; /* typing reported it */
    Record *to = model_find(m, v->text);
    const Unloaded *u = to ? NULL : model_find_unloaded(m, v->text);
    if (u) {
        rule_report(d, RULE_DANGLING_UNLOADED, v->loc, r->id,
                    "%s: %s did not load: see %s:%d [%s], which this follows from", f->name,
                    v->text, u->loc.path, u->loc.line, u->rule);
        return;
    }
    if (!to) {
        rule_report(d, RULE_DANGLING_LINK, v->loc, r->id, "%s: %s names no record", f->name,
                    v->text);
        return;
    }
    if (!type_allowed(f, to->type)) {
        StrBuf want;
        sb_init(&want);
        for (size_t i = 0; i < f->ntargets; i++)
            sb_printf(&want, "%s%s", i ? " or " : "", f->targets[i]);
        rule_report(d, RULE_LINK_TYPE, v->loc, r->id, "%s: %s is a %s, expected a %s", f->name,
                    to->id, to->type->name, want.data);
        sb_free(&want);
        return;
    }
    Link *l = arena_alloc(m->arena, sizeof *l);
    l->from = r;
    l->field = f;
    l->to = to;
    l->loc = v->loc;
    canonicalise(l);
    links_push(m->arena, all, l);
}

static int cmp_record(const void *a, const void *b) {
    return id_compare((*(Record *const *)a)->id, (*(Record *const *)b)->id);
}

/* Sorting many records compares each ID about log2(n) times; comparing
 * keys with strcmp is several times cheaper than id_compare. The key of an
 * ID orders as id_compare does: each number becomes '0', its length and
 * its digits without leading zeros ('0' sorts against letters and
 * punctuation as any digit does); IDs with equal keys (THR-01, THR-1) are
 * ordered by strcmp, as id_compare orders them. */
typedef struct SortKey {
    const char *key;
    Record *r;
} SortKey;

static bool natural_key(const char *id, char *out, size_t size) {
    size_t k = 0;
    for (const char *p = id; *p;) {
        if (*p >= '0' && *p <= '9') {
            while (*p == '0' && p[1] >= '0' && p[1] <= '9')
                p++;
            size_t n = 0;
            while (p[n] >= '0' && p[n] <= '9')
                n++;
            if (n > 200 || k + n + 3 > size) return false;
            out[k++] = '0';
            out[k++] = (char)(unsigned char)n;
            memcpy(out + k, p, n);
            k += n;
            p += n;
        } else {
            if (k + 2 > size) return false;
            out[k++] = *p++;
        }
    }
    out[k] = 0;
    return true;
}

static int cmp_key(const void *pa, const void *pb) {
    const SortKey *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->r->id, b->r->id);
}

static void sort_records(Record **records, size_t n) {
    SortKey *keys = xmalloc(n * sizeof *keys);
    size_t size = 0;
    for (size_t i = 0; i < n; i++)
        size += 2 * strlen(records[i]->id) + 2;
    char *buf = xmalloc(size ? size : 1), *at = buf;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        size_t room = 2 * strlen(records[i]->id) + 2;
        ok = natural_key(records[i]->id, at, room);
        keys[i] = (SortKey){at, records[i]};
        at += room;
    }
    if (ok) {
        qsort(keys, n, sizeof *keys, cmp_key);
        for (size_t i = 0; i < n; i++)
            records[i] = keys[i].r;
    } else {
        qsort(records, n, sizeof *records, cmp_record); /* a number of over 200 digits */
    }
    free(buf);
    free(keys);
}

static int cmp_link(const void *pa, const void *pb) {
    const Link *a = *(Link *const *)pa, *b = *(Link *const *)pb;
    /* records are sorted by then: their positions order them as their IDs do */
    if (a->from != b->from) return a->from->order < b->from->order ? -1 : 1;
    if (a->prose != b->prose) return a->prose ? 1 : -1;
    int c;
    if (!a->prose && a->field != b->field && (c = strcmp(a->field->name, b->field->name))) return c;
    if (a->to != b->to) return a->to->order < b->to->order ? -1 : 1;
    /* the first place written wins among duplicates */
    if ((c = strcmp(a->loc.path, b->loc.path))) return c;
    return a->loc.line - b->loc.line;
}

static bool same_link(const Link *a, const Link *b) {
    return a->from == b->from && a->to == b->to && a->prose == b->prose && a->field == b->field;
}

static int cmp_out(const void *pa, const void *pb) {
    const Link *a = *(Link *const *)pa, *b = *(Link *const *)pb;
    int c = strcmp(link_name(a, true), link_name(b, true));
    return c ? c : a->to == b->to ? 0 : a->to->order < b->to->order ? -1 : 1;
}

static int cmp_in(const void *pa, const void *pb) {
    const Link *a = *(Link *const *)pa, *b = *(Link *const *)pb;
    int c = strcmp(link_name(a, false), link_name(b, false));
    return c ? c : a->from == b->from ? 0 : a->from->order < b->from->order ? -1 : 1;
}

void model_link_prose(Model *m, Record *from, Record *to, SrcLoc loc) {
    Link *l = arena_alloc(m->arena, sizeof *l);
    l->from = from;
    l->to = to;
    l->loc = loc;
    l->prose = true;
    LinkList pending = {m->prose_links, m->nprose_links, m->prose_cap};
    links_push(m->arena, &pending, l);
    m->prose_links = pending.items;
    m->nprose_links = pending.n;
    m->prose_cap = pending.cap;
}

void model_finish(Model *m, Diag *d) {
    Arena *a = m->arena;
    if (m->nrecords > 1) sort_records(m->records, m->nrecords);
    for (size_t i = 0; i < m->nrecords; i++)
        m->records[i]->order = i;

    size_t ntypes = m->schema->ntypes;
    m->nby_type = arena_alloc(a, ntypes * sizeof *m->nby_type);
    m->by_type = arena_alloc(a, ntypes * sizeof *m->by_type);
    for (size_t i = 0; i < m->nrecords; i++)
        m->nby_type[m->records[i]->type->index]++;
    for (size_t t = 0; t < ntypes; t++) {
        m->by_type[t] = arena_alloc(a, (m->nby_type[t] + 1) * sizeof **m->by_type);
        m->nby_type[t] = 0;
    }
    for (size_t i = 0; i < m->nrecords; i++) {
        Record *r = m->records[i];
        m->by_type[r->type->index][m->nby_type[r->type->index]++] = r;
    }

    LinkList all = {0};
    for (size_t i = 0; i < m->nrecords; i++) {
        Record *r = m->records[i];
        for (size_t f = 0; f < r->type->nfields; f++) {
            const FieldDef *fd = &r->type->fields[f];
            const Value *v = r->fields[f].value;
            if (!v || (fd->kind != FK_LINK && fd->kind != FK_LINKS)) continue;
            if (v->kind == VAL_LIST)
                for (size_t k = 0; k < v->n; k++)
                    resolve_one(m, d, &all, r, fd, v->items[k]);
            else
                resolve_one(m, d, &all, r, fd, v);
        }
    }

    prose_parse_all(m, d, m->jobs);
    for (size_t i = 0; i < m->nprose_links; i++)
        links_push(a, &all, m->prose_links[i]);

    if (all.n > 1) qsort(all.items, all.n, sizeof *all.items, cmp_link);
    size_t n = 0;
    for (size_t i = 0; i < all.n; i++)
        if (n == 0 || !same_link(all.items[n - 1], all.items[i])) all.items[n++] = all.items[i];
    m->links = all.items;
    m->nlinks = n;

    for (size_t i = 0; i < n; i++) {
        m->links[i]->from->nout++;
        m->links[i]->to->nin++;
    }
    for (size_t i = 0; i < m->nrecords; i++) {
        Record *r = m->records[i];
        r->out = arena_alloc(a, (r->nout + 1) * sizeof *r->out);
        r->in = arena_alloc(a, (r->nin + 1) * sizeof *r->in);
        r->nout = r->nin = 0;
    }
    for (size_t i = 0; i < n; i++) {
        Link *l = m->links[i];
        l->from->out[l->from->nout++] = l;
        l->to->in[l->to->nin++] = l;
    }
    for (size_t i = 0; i < m->nrecords; i++) {
        Record *r = m->records[i];
        if (r->nout > 1) qsort(r->out, r->nout, sizeof *r->out, cmp_out);
        if (r->nin > 1) qsort(r->in, r->nin, sizeof *r->in, cmp_in);
    }
    m->frozen = true;
}

static int by_source_path(const void *a, const void *b) {
    return strcmp(((const SourceFile *)a)->path, ((const SourceFile *)b)->path);
}

const SourceFile *model_source(const Model *m, const char *path) {
    if (!m->nsources) return NULL;
    SourceFile key = {.path = path};
    return bsearch(&key, m->sources, m->nsources, sizeof key, by_source_path);
}

bool model_has_templates(const Model *m) {
    for (size_t i = 0; i < m->nsources; i++)
        if (strncmp(m->sources[i].path, "templates/", 10) == 0) return true;
    return false;
}

const char *model_template_link(const Model *m, const char *path) {
    for (size_t i = 0; i < m->ntemplate_links; i++) {
        const char *l = m->template_links[i];
        size_t n = strlen(l);
        if (strncmp(path, l, n) == 0 && (path[n] == 0 || path[n] == '/')) return l;
    }
    return NULL;
}

bool record_field_internal(const Record *r, const FieldDef *f) {
    if (f->internal) return true;
    const Value *names = record_field(r, "internal_fields");
    if (names && names->kind == VAL_SCALAR) return strcmp(names->text, f->name) == 0;
    for (size_t i = 0; names && names->kind == VAL_LIST && i < names->n; i++)
        if (names->items[i]->kind == VAL_SCALAR && strcmp(names->items[i]->text, f->name) == 0)
            return true;
    return false;
}

const Value *record_field_public(const Record *r, const char *name) {
    if (r->internal) return NULL;
    for (size_t i = 0; i < r->type->nfields; i++)
        if (strcmp(r->fields[i].def->name, name) == 0)
            return record_field_internal(r, r->fields[i].def) ? NULL : r->fields[i].value;
    return NULL;
}

const char *record_str_public(const Record *r, const char *name) {
    const Value *v = record_field_public(r, name);
    return v && v->kind == VAL_SCALAR ? v->text : NULL;
}

const char *verdict_state_name(VerdictState s) {
    switch (s) {
    case VERDICT_PASS:
        return "pass";
    case VERDICT_FAIL:
        return "fail";
    case VERDICT_NA:
        return "not-applicable";
    case VERDICT_UNKNOWN:
        return "unknown";
    case VERDICT_MANUAL:
        return "manual";
    }
    return "unknown";
}
