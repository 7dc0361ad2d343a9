/* standard.c: what the readers of standard evidence formats (sbom/, vex/,
 * scans/, tests/results/, threats/) share: the string index, the helpers,
 * what a reader hands over (SBOMs, components, VEX statements, test-case
 * runs), new record IDs, appends to records' list fields, and
 * standard_finish, which has components.c, vex.c, scan.c and junit.c make
 * records of it all. formats.c reads each file and picks its reader. Part
 * of load/. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "standard.h"

/* ---- a string index: key -> items, with duplicates (on base's HashMap) ---- */

void std_index_put(StdIndex *x, const char *key, void *item) {
    if (!x->first.cap) hashmap_init(&x->first, NULL);
    void **head = hashmap_slot(&x->first, key, strlen(key)); /* 1 + its first entry */
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 256;
        x->entries = xrealloc(x->entries, x->cap * sizeof *x->entries);
    }
    if (!*head) {
        *head = (void *)(uintptr_t)(x->n + 1);
    } else {
        size_t k = (uintptr_t)*head;
        while (x->entries[k - 1].next) {
            if (x->entries[k - 1].item == item) return;
            k = x->entries[k - 1].next;
        }
        if (x->entries[k - 1].item == item) return;
        x->entries[k - 1].next = x->n + 1;
    }
    x->entries[x->n++] = (StdIndexEntry){key, item, 0};
}

void *const *std_index_get(StdIndex *x, const char *key, size_t *n) {
    *n = 0;
    for (size_t k = (uintptr_t)hashmap_get(&x->first, key, strlen(key)); k;
         k = x->entries[k - 1].next) {
        if (x->nfound == x->found_cap) {
            x->found_cap = x->found_cap ? x->found_cap * 2 : 16;
            x->found = xrealloc(x->found, x->found_cap * sizeof *x->found);
        }
        x->found[x->nfound++] = x->entries[k - 1].item;
    }
    *n = x->nfound;
    x->nfound = 0;
    return x->found;
}

void std_index_free(StdIndex *x) {
    free(x->entries);
    hashmap_free(&x->first);
    free(x->found);
    memset(x, 0, sizeof *x);
}

/* ---- helpers the readers share ------------------------------------------ */

Model *std_model(Standard *s) {
    return s->m;
}

Diag *std_diag(Standard *s) {
    return s->d;
}

const LoadOptions *std_options(Standard *s) {
    return s->o;
}

Arena *std_arena(Standard *s) {
    return s->m->arena;
}

const char *std_str(const Value *v) {
    if (!v || v->kind != VAL_SCALAR || !v->text) return NULL;
    for (const char *p = v->text; *p; p++)
        if (!isspace((unsigned char)*p)) return v->text;
    return NULL;
}

const char *std_get(const Value *map, const char *key) {
    return std_str(value_get(map, key));
}

const Value *const *std_items(const Value *v, size_t *n) {
    /* a one-item array for a single value; a ring, so that the arrays of
     * nested loops stay valid */
    static const Value *one[16];
    static size_t next;
    if (!v || v->kind == VAL_NULL) {
        *n = 0;
        return NULL;
    }
    if (v->kind == VAL_LIST) {
        *n = v->n;
        return (const Value *const *)v->items;
    }
    const Value **slot = &one[next++ % 16];
    *slot = v;
    *n = 1;
    return slot;
}

const char *std_trim(Standard *s, const char *text) {
    if (!text) return NULL;
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    return n ? arena_strndup(s->m->arena, text, n) : NULL;
}

Value *std_scalar(Standard *s, SrcLoc loc, const char *text) {
    return value_scalar(s->m->arena, loc, text, strlen(text));
}

void std_field(Standard *s, Value *map, const char *key, const char *text, SrcLoc loc) {
    if (!text) return;
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    if (!n || value_get(map, key)) return;
    value_push(s->m->arena, map, key, loc, value_scalar(s->m->arena, loc, text, n));
}

void std_field_push(Standard *s, Value *map, const char *key, const char *text, SrcLoc loc) {
    text = std_trim(s, text);
    if (!text) return;
    Value *list = (Value *)value_get(map, key);
    if (!list) {
        list = value_new(s->m->arena, VAL_LIST, loc);
        value_push(s->m->arena, map, key, loc, list);
    }
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i]->text, text) == 0) return;
    value_push(s->m->arena, list, NULL, loc, std_scalar(s, loc, text));
}

const char **std_strings(Standard *s, const char *const *items, size_t n) {
    const char **out = arena_alloc(s->m->arena, (n + 1) * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = arena_strdup(s->m->arena, items[i]);
    return out;
}

const char *std_where(Standard *s, SrcLoc loc) {
    if (loc.line > 0) return arena_printf(s->m->arena, "%s:%d", loc.path, loc.line);
    return loc.path;
}

bool std_date(const char *s, char *out) {
    int64_t days;
    if (!s || strlen(s) < 10) return false;
    memcpy(out, s, 10);
    out[10] = 0;
    if (s[10] && s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
    return date_parse(out, &days);
}

static bool digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool std_time(const char *s, int64_t *secs) {
    char date[11];
    int64_t days;
    if (!std_date(s, date) || !date_parse(date, &days)) return false;
    int h = 0, mi = 0, se = 0;
    const char *p = s + 10;
    if (*p) {
        p++;
        if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi)) return false;
        p += 5;
        if (*p == ':') {
            if (!digits(p + 1, 2, &se)) return false;
            p += 3;
        }
        if (*p == '.' || *p == ',')
            for (p++; isdigit((unsigned char)*p); p++)
                continue;
        if (h > 24 || mi > 59 || se > 60) return false;
    }
    int64_t offset = 0;
    if (*p == '+' || *p == '-') {
        int oh, om = 0;
        if (!digits(p + 1, 2, &oh)) return false;
        const char *q = p + 3;
        if (*q == ':') q++;
        if (*q && !digits(q, 2, &om)) return false;
        if (*q) q += 2;
        offset = (int64_t)(oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p = q;
    } else if (*p == 'Z' || *p == 'z') {
        p++;
    }
    if (*p) return false;
    *secs = days * 86400 + h * 3600 + mi * 60 + se - offset;
    return true;
}

bool std_cdx_analysis(Standard *s, const char *state, const char *justification, SrcLoc loc,
                      StdStatement *st) {
    static const struct {
        const char *cdx, *vex;
    } states[] =
        {
            {"resolved", "fixed"},
            {"resolved_with_pedigree", "fixed"},
            {"exploitable", "affected"},
            {"in_triage", "under_investigation"},
            {"false_positive", "not_affected"},
            {"not_affected", "not_affected"},
        },
      justifications[] = {
          {"code_not_present", "vulnerable_code_not_present"},
          {"code_not_reachable", "vulnerable_code_not_in_execute_path"},
          {"requires_configuration", "vulnerable_code_cannot_be_controlled_by_adversary"},
          {"requires_dependency", "component_not_present"},
          {"requires_environment", "vulnerable_code_cannot_be_controlled_by_adversary"},
          {"protected_by_compiler", "inline_mitigations_already_exist"},
          {"protected_at_runtime", "inline_mitigations_already_exist"},
          {"protected_at_perimeter", "inline_mitigations_already_exist"},
          {"protected_by_mitigating_control", "inline_mitigations_already_exist"},
      };
    st->state = NULL;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (state && strcmp(state, states[i].cdx) == 0) st->state = states[i].vex;
    if (!st->state) {
        rule_report(
            s->d, RULE_VEX_FORMAT, loc, NULL,
            "analysis state '%s' is not a CycloneDX state (expected resolved, "
            "resolved_with_pedigree, exploitable, in_triage, false_positive or not_affected)",
            state ? state : "");
        return false;
    }
    st->justification = NULL;
    if (justification) {
        for (size_t i = 0; i < sizeof justifications / sizeof justifications[0]; i++)
            if (strcmp(justification, justifications[i].cdx) == 0)
                st->justification = justifications[i].vex;
        if (!st->justification)
            rule_report(
                s->d, RULE_VEX_FORMAT, loc, NULL,
                "analysis justification '%s' is not a CycloneDX justification (expected "
                "code_not_present, code_not_reachable, requires_configuration, "
                "requires_dependency, requires_environment, protected_by_compiler, "
                "protected_at_runtime, protected_at_perimeter or protected_by_mitigating_control)",
                justification);
    }
    if (strcmp(state, st->state) != 0 || justification)
        st->as_written =
            arena_printf(s->m->arena, "CycloneDX %s%s%s", state, justification ? " / " : "",
                         justification ? justification : "");
    return true;
}

/* ---- what readers hand over ---------------------------------------------- */

StdSbom *std_sbom_add(Standard *s, const char *rel, const char *format, bool shipped) {
    StdSbom *b = arena_alloc(s->m->arena, sizeof *b);
    b->path = rel;
    b->format = arena_strdup(s->m->arena, format);
    /* an earlier release's SBOM: read as one, kept apart from the device's */
    b->release = shipped && s->reading_release;
    b->shipped = shipped && !b->release;
    shipped = b->shipped;
    if (s->nsboms == s->sboms_cap) {
        s->sboms_cap = s->sboms_cap ? s->sboms_cap * 2 : 8;
        s->sboms = xrealloc(s->sboms, s->sboms_cap * sizeof *s->sboms);
    }
    s->sboms[s->nsboms++] = b;
    if (shipped) s->any_shipped = true;
    return b;
}

StdComponent *std_component_add(Standard *s, StdSbom *b, SrcLoc loc) {
    if (b->ncomponents == b->components_cap) {
        size_t cap = b->components_cap ? b->components_cap * 2 : 16;
        b->components =
            arena_grow(s->m->arena, b->components, b->components_cap, cap, sizeof *b->components);
        b->components_cap = cap;
    }
    StdComponent *c = &b->components[b->ncomponents++];
    memset(c, 0, sizeof *c);
    c->fields = value_new(s->m->arena, VAL_MAP, loc);
    c->loc = loc;
    return c;
}

void std_dependency_add(StdSbom *b, const char *from, const char *to, SrcLoc loc) {
    if (b->ndeps == b->deps_cap) {
        b->deps_cap = b->deps_cap ? b->deps_cap * 2 : 16;
        b->deps = xrealloc(b->deps, b->deps_cap * sizeof *b->deps);
    }
    b->deps[b->ndeps++] = (StdDependency){from, to, loc};
}

void std_statement_add(Standard *s, const StdStatement *st) {
    if (s->nstatements == s->statements_cap) {
        s->statements_cap = s->statements_cap ? s->statements_cap * 2 : 16;
        s->statements = xrealloc(s->statements, s->statements_cap * sizeof *s->statements);
    }
    s->statements[s->nstatements++] = *st;
}

void std_case_add(Standard *s, const StdCase *c) {
    if (s->ncases == s->cases_cap) {
        s->cases_cap = s->cases_cap ? s->cases_cap * 2 : 64;
        s->cases = xrealloc(s->cases, s->cases_cap * sizeof *s->cases);
    }
    s->cases[s->ncases++] = *c;
}

/* ---- the entry points ------------------------------------------------------ */

Standard *standard_new(Model *m, Diag *d, const LoadOptions *o) {
    Standard *s = xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->m = m;
    s->d = d;
    s->o = o;
    s->components = xmalloc(sizeof *s->components);
    memset(s->components, 0, sizeof *s->components);
    s->ids = xmalloc(sizeof *s->ids);
    memset(s->ids, 0, sizeof *s->ids);
    s->cdx_schemas = o->cyclonedx_schemas && *o->cyclonedx_schemas ? o->cyclonedx_schemas : NULL;
    return s;
}

/* The CycloneDX version (the N of 1.N) whose namespace the document
 * declares near its start, or -1. */
static int cdx_namespace_version(const char *data, size_t len) {
    static const char ns[] = "http://cyclonedx.org/schema/bom/1.";
    size_t k = sizeof ns - 1, window = len < 65536 ? len : 65536;
    for (size_t i = 0; i + k < window; i++)
        if (data[i] == 'h' && memcmp(data + i, ns, k) == 0 && isdigit((unsigned char)data[i + k]) &&
            !isdigit((unsigned char)data[i + k + 1]))
            return data[i + k] - '0';
    return -1;
}

/* The official XSD of the CycloneDX version a document declares, when the
 * folder of schemas was given; NULL (reported once per version) when it
 * has none for that version. */
xmlSchema *std_cdx_xsd(Standard *s, const char *rel, const char *data, size_t len,
                       const char **name) {
    if (!s->cdx_schemas) return NULL;
    int v = cdx_namespace_version(data, len);
    if (v < 0 || v > 9) return NULL;
    *name = arena_printf(s->m->arena, "bom-1.%d.xsd", v);
    if (!s->cdx_tried[v]) {
        s->cdx_tried[v] = true;
        s->cdx_xsd[v] = xtree_schema_load(s->cdx_schemas, *name);
        if (!s->cdx_xsd[v])
            rule_report(s->d, RULE_SBOM_SCHEMA_SKIPPED, (SrcLoc){rel, 1, 0}, NULL,
                        "not checked against the official CycloneDX 1.%d schema: %s/%s is missing "
                        "or does not compile (with spdx.xsd beside it)",
                        v, s->cdx_schemas, *name);
    }
    return s->cdx_xsd[v];
}

const char *std_new_id(Standard *s, const char *prefix, const char *const *parts, size_t nparts) {
    /* written into a fixed buffer: an ID is made per generated record */
    char buf[256];
    size_t start = strlen(prefix), len = start;
    if (start > 64) start = len = 64;
    memcpy(buf, prefix, start);
    for (size_t i = 0; i < nparts; i++) {
        if (!parts[i] || !*parts[i]) continue;
        if (len > start) buf[len++] = '-';
        for (const char *p = parts[i]; *p && len - start < 100; p++) {
            char c = *p;
            bool ok = isalnum((unsigned char)c) || c == '.' || c == '_';
            if (!(c & 0x80) && ok)
                buf[len++] = c;
            else if (len > start && buf[len - 1] != '-')
                buf[len++] = '-';
        }
    }
    /* an ID starts and ends with a letter or digit */
    size_t lead = start;
    while (lead < len && !isalnum((unsigned char)buf[lead]))
        lead++;
    memmove(buf + start, buf + lead, len - lead);
    len -= lead - start;
    while (len > start && !isalnum((unsigned char)buf[len - 1]))
        len--;
    if (len == start) {
        memcpy(buf + start, "unnamed", 7);
        len += 7;
    }
    buf[len] = 0;
    const char *id = arena_strndup(s->m->arena, buf, len);
    size_t n;
    for (int k = 2; model_find(s->m, id) || (std_index_get(s->ids, id, &n), n); k++)
        id = arena_printf(s->m->arena, "%s-%d", buf, k);
    std_index_put(s->ids, id, (void *)id);
    return id;
}

/* ---- appends to records' list fields ------------------------------------------ */

typedef struct StdAppend {
    Record *r;
    int field;
    Value *list;
} StdAppend;

void std_append(Standard *s, Record *r, const char *field, Value *item) {
    const FieldDef *f = schema_field(r->type, field);
    if (!f) die("internal error: %s has no field %s", r->type->name, field);
    /* the key's bytes, with no padding (which would be uninitialised and
     * make the same key hash differently) */
    int fi = f->index;
    char key[sizeof r + sizeof fi];
    memcpy(key, &r, sizeof r);
    memcpy(key + sizeof r, &fi, sizeof fi);
    if (!s->append_index.cap) hashmap_init(&s->append_index, NULL);
    void **slot = hashmap_slot(&s->append_index, key, sizeof key); /* 1 + index in appends */
    if (!*slot) {
        if (s->nappends == s->appends_cap) {
            s->appends_cap = s->appends_cap ? s->appends_cap * 2 : 64;
            s->appends = xrealloc(s->appends, s->appends_cap * sizeof *s->appends);
        }
        Value *list = value_new(s->m->arena, VAL_LIST, item->loc);
        const Value *old = r->fields[fi].value;
        size_t n;
        const Value *const *items = std_items(old, &n);
        for (size_t i = 0; i < n; i++)
            value_push(s->m->arena, list, NULL, items[i]->loc, (Value *)items[i]);
        if (old && old->kind == VAL_LIST) list->loc = old->loc;
        s->appends[s->nappends] = (StdAppend){r, fi, list};
        *slot = (void *)(uintptr_t)++s->nappends;
    }
    Value *list = s->appends[(uintptr_t)*slot - 1].list;
    if (f->kind == FK_LINKS || f->kind == FK_LIST)
        for (size_t i = 0; i < list->n; i++)
            if (list->items[i]->kind == VAL_SCALAR && strcmp(list->items[i]->text, item->text) == 0)
                return;
    value_push(s->m->arena, list, NULL, item->loc, item);
}

static void appends_apply(Standard *s) {
    for (size_t i = 0; i < s->nappends; i++)
        s->appends[i].r->fields[s->appends[i].field].value = s->appends[i].list;
}

void standard_finish(Standard *s) {
    threats_finish(s); /* imported records count as written ones */
    components_finish(s);
    vex_finish(s);
    scan_finish(s);
    junit_finish(s);
    appends_apply(s);

    for (size_t i = 0; i < s->nsboms; i++) {
        free(s->sboms[i]->deps);
        if (s->sboms[i]->refs) std_index_free(s->sboms[i]->refs);
        free(s->sboms[i]->refs);
    }
    free(s->sboms);
    free(s->statements);
    free(s->cases);
    free(s->supplements);
    for (size_t i = 0; i < sizeof s->cdx_xsd / sizeof s->cdx_xsd[0]; i++)
        if (s->cdx_xsd[i]) xmlSchemaFree(s->cdx_xsd[i]);
    std_index_free(s->components);
    std_index_free(s->ids);
    if (s->kev) std_index_free(s->kev);
    free(s->kev);
    free(s->components);
    free(s->ids);
    free(s->appends);
    hashmap_free(&s->append_index);
    free(s);
}
