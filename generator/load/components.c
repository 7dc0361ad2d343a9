/* components.c: the device's component records, made from the SBOMs at
 * the end of the load: entries with one identity merged, their IDs, the
 * support supplements (read here, applied then), the dependency graph, and
 * the links from assets and vulnerabilities written by hand. Also finds the
 * component records a reference (purl, CPE, name@version, bom-ref, BOM-Link)
 * names, for vex.c and scan.c. Part of load/. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "standard.h"

/* A component of the device: one or more SBOM entries with one identity. */
typedef struct Merged {
    Value *fields;
    const char *identity;
    SrcLoc loc;
    Value *sboms;
    Value *depends_on;
    bool in_graph;
    Record *record;
} Merged;

/* An index key: tag, then the pieces (separators included), lower-cased
 * where low says so. Built by hand: these keys are made per component, and
 * printf-style formatting was a tenth of the load benchmark. */
static const char *key_cat(Arena *a, const char *tag, const char *const *pieces, const bool *low,
                           size_t n) {
    size_t len = strlen(tag), lens[8];
    for (size_t i = 0; i < n; i++)
        len += lens[i] = strlen(pieces[i]);
    char *out = arena_alloc(a, len + 1), *p = out;
    size_t t = strlen(tag);
    memcpy(p, tag, t);
    p += t;
    for (size_t i = 0; i < n; i++) {
        if (low[i])
            for (size_t k = 0; k < lens[i]; k++)
                *p++ = (char)tolower((unsigned char)pieces[i][k]);
        else
            memcpy(p, pieces[i], lens[i]), p += lens[i];
    }
    *p = 0;
    return out;
}

/* The identity of an SBOM entry: its purl, else group/name@version. */
static const char *identity_of(Standard *s, const Value *fields) {
    Arena *a = s->m->arena;
    const char *purl = std_get(fields, "purl");
    static const bool keep[5] = {false, false, false, false, false};
    if (purl) return key_cat(a, "p:", &purl, keep, 1);
    const char *name = std_get(fields, "name"), *version = std_get(fields, "version");
    const char *group = std_get(fields, "group");
    const char *pieces[5] = {group ? group : "", group ? "/" : "", name ? name : "", "@",
                             version ? version : ""};
    return key_cat(a, "n:", pieces, keep, 5);
}

/* The index keys a reference string can be looked up under, best first. */
static size_t ref_keys(Arena *a, const char *ref, const char **keys) {
    size_t n = 0;
    static const bool keep[1] = {false}, low[1] = {true};
    if (strncmp(ref, "pkg:", 4) == 0) {
        keys[n++] = key_cat(a, "p:", &ref, keep, 1);
        size_t plain = strcspn(ref, "?#");
        keys[n] = ref[plain]
                      ? key_cat(a, "q:", (const char *[]){arena_strndup(a, ref, plain)}, keep, 1)
                      : key_cat(a, "q:", &ref, keep, 1);
        n++;
    } else if (strncmp(ref, "cpe:", 4) == 0) {
        keys[n++] = key_cat(a, "c:", &ref, keep, 1);
    } else {
        keys[n++] = key_cat(a, "n:", &ref, low, 1);
    }
    return n;
}

/* The keys a component is indexed under (at most six). */
static size_t component_keys(Arena *a, const Value *fields, const char **keys) {
    size_t n = 0;
    const char *purl = std_get(fields, "purl"), *cpe = std_get(fields, "cpe");
    const char *name = std_get(fields, "name"), *version = std_get(fields, "version");
    const char *group = std_get(fields, "group");
    static const bool keep[1] = {false}, low[5] = {true, false, true, false, true};
    if (purl) n += ref_keys(a, purl, keys + n);
    if (cpe) keys[n++] = key_cat(a, "c:", &cpe, keep, 1);
    if (name && version) {
        keys[n++] = key_cat(a, "n:", (const char *[]){name, "@", version}, low + 2, 3);
        if (group) {
            keys[n++] = key_cat(a, "n:", (const char *[]){group, "/", name, "@", version}, low, 5);
            keys[n++] = key_cat(a, "n:", (const char *[]){group, ":", name, "@", version}, low, 5);
        }
    }
    return n;
}

/* The merged components a reference names, through index x. */
static void *const *match_in(Standard *s, StdIndex *x, const char *ref, size_t *n) {
    const char *keys[4];
    size_t nk = ref_keys(s->m->arena, ref, keys);
    for (size_t i = 0; i < nk; i++) {
        void *const *found = std_index_get(x, keys[i], n);
        if (*n) return found;
    }
    *n = 0;
    return NULL;
}

Record *const *std_match(Standard *s, const char *ref, size_t *n) {
    return (Record *const *)match_in(s, s->components, ref, n);
}

bool std_device(Standard *s, const char *name) {
    const Product *p = &s->m->product;
    if (!name || !*name) return false;
    if (p->name) {
        if (strcasecmp(name, p->name) == 0) return true;
        const char *forms[3] = {
            p->version ? arena_printf(s->m->arena, "%s %s", p->name, p->version) : NULL,
            p->manufacturer ? arena_printf(s->m->arena, "%s %s", p->manufacturer, p->name) : NULL,
            p->version && p->manufacturer
                ? arena_printf(s->m->arena, "%s %s %s", p->manufacturer, p->name, p->version)
                : NULL,
        };
        for (size_t i = 0; i < 3; i++)
            if (forms[i] && strcasecmp(name, forms[i]) == 0) return true;
    }
    for (size_t i = 0; i < p->nmodels; i++)
        if (p->models[i] && strcasecmp(name, p->models[i]) == 0) return true;
    for (size_t i = 0; i < s->nsboms; i++) {
        const StdSbom *b = s->sboms[i];
        if (!b->shipped) continue;
        for (size_t k = 0; k < b->nsubject_names; k++)
            if (strcasecmp(name, b->subject_names[k]) == 0) return true;
        for (size_t k = 0; k < b->nsubject_refs; k++)
            if (strcmp(name, b->subject_refs[k]) == 0) return true;
    }
    return false;
}

static bool is_subject(const StdSbom *b, const char *ref) {
    for (size_t i = 0; i < b->nsubject_refs; i++)
        if (strcmp(b->subject_refs[i], ref) == 0) return true;
    return false;
}

/* The component of b with bom-ref (or SPDX ID) ref; the first when the
 * document repeats one. */
static StdComponent *by_ref(StdSbom *b, const char *ref) {
    if (!b->refs) {
        b->refs = xmalloc(sizeof *b->refs);
        memset(b->refs, 0, sizeof *b->refs);
        for (size_t i = 0; i < b->ncomponents; i++)
            if (b->components[i].bom_ref)
                std_index_put(b->refs, b->components[i].bom_ref, &b->components[i]);
    }
    size_t n;
    void *const *found = std_index_get(b->refs, ref, &n);
    return n ? found[0] : NULL;
}

Record *std_sbom_ref(Standard *s, StdSbom *b, const char *ref, bool *subject) {
    *subject = false;
    if (strncmp(ref, "urn:cdx:", 8) == 0) {
        /* a BOM-Link: urn:cdx:serial/version#bom-ref */
        const char *slash = strchr(ref + 8, '/'), *hash = strchr(ref + 8, '#');
        size_t n = slash  ? (size_t)(slash - ref - 8)
                   : hash ? (size_t)(hash - ref - 8)
                          : strlen(ref + 8);
        b = NULL;
        for (size_t i = 0; i < s->nsboms && !b; i++)
            if (s->sboms[i]->serial && strlen(s->sboms[i]->serial) == n &&
                strncmp(s->sboms[i]->serial, ref + 8, n) == 0)
                b = s->sboms[i];
        if (!b) return NULL;
        if (!hash) {
            *subject = true;
            return NULL;
        }
        ref = hash + 1;
    }
    if (!b) return NULL;
    if (is_subject(b, ref)) {
        /* the subject of a shipped SBOM is the device; that of a VEX document
         * is when it names the device as dossier.xml or a shipped SBOM does */
        *subject = b->shipped;
        for (size_t i = 0; !*subject && i < b->nsubject_names; i++)
            *subject = std_device(s, b->subject_names[i]);
        return NULL;
    }
    StdComponent *c = by_ref(b, ref);
    if (!c) return NULL;
    if (c->record) return c->record;
    /* a component of a VEX document or an excluded one: find it shipped */
    const char *keys[6];
    size_t nk = component_keys(s->m->arena, c->fields, keys);
    for (size_t i = 0; i < nk; i++) {
        size_t n;
        void *const *found = std_index_get(s->components, keys[i], &n);
        if (n) return found[0];
    }
    return NULL;
}

void std_supplement(Standard *s, const char *rel, const char *data, size_t len) {
    Value *root = frontmatter_yaml(s->m->arena, s->d, rel, data, len);
    if (!root) return;
    const Value *list = value_get(root, "components");
    if (root->kind != VAL_MAP || !list || list->kind != VAL_LIST) {
        rule_report(s->d, RULE_SUPPLEMENT_FORMAT, root->loc, NULL,
                    "expected a mapping with a 'components' list of entries, each naming a "
                    "component (component: purl or name@version) and its support data");
        return;
    }
    if (s->nsupplements == s->supplements_cap) {
        s->supplements_cap = s->supplements_cap ? s->supplements_cap * 2 : 4;
        s->supplements = xrealloc(s->supplements, s->supplements_cap * sizeof *s->supplements);
    }
    s->supplements[s->nsupplements++] = root;
}

/* A short list for a message: the first five, then "and N more". */
typedef struct NameList {
    StrBuf sb;
    size_t n;
} NameList;

static void names_add(NameList *l, const char *name) {
    if (l->n++ < 5) sb_printf(&l->sb, "%s%s", l->n > 1 ? ", " : "", name);
}

static const char *names_text(NameList *l) {
    if (l->n > 5) sb_printf(&l->sb, " and %zu more", l->n - 5);
    return l->sb.data ? l->sb.data : "";
}

static const char *display_name(const Value *fields) {
    const char *name = std_get(fields, "name");
    return name ? name : "(unnamed)";
}

/* Pools the entries of the shipped SBOMs into components of the device: one
 * per identity (purl, else group/name@version), the first entry's values
 * first, later entries filling what it lacks. */
static Merged *merge_components(Standard *s, size_t *nmerged) {
    Arena *a = s->m->arena;
    StdIndex by_identity = {0};
    Merged *merged = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < s->nsboms; i++) {
        StdSbom *b = s->sboms[i];
        if (!b->shipped) continue;
        for (size_t k = 0; k < b->ncomponents; k++) {
            StdComponent *c = &b->components[k];
            if (c->excluded) continue;
            const char *identity = identity_of(s, c->fields);
            size_t nfound;
            void *const *found = std_index_get(&by_identity, identity, &nfound);
            Merged *m;
            if (nfound) {
                m = &merged[(size_t)(uintptr_t)found[0] - 1];
                for (size_t f = 0; f < c->fields->n; f++)
                    if (!value_get(m->fields, c->fields->keys[f]))
                        value_push(a, m->fields, c->fields->keys[f], c->fields->key_locs[f],
                                   c->fields->items[f]);
            } else {
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    merged = xrealloc(merged, cap * sizeof *merged);
                }
                m = &merged[n++];
                memset(m, 0, sizeof *m);
                m->fields = c->fields;
                m->identity = identity;
                m->loc = c->loc;
                m->sboms = value_new(a, VAL_LIST, c->loc);
                m->depends_on = value_new(a, VAL_LIST, c->loc);
                std_index_put(&by_identity, identity, (void *)(uintptr_t)n);
            }
            c->merged = (size_t)(m - merged) + 1;
            if (b->author && !value_get(m->fields, "author"))
                value_push(a, m->fields, "author", b->author->loc, (Value *)b->author);
            if (b->timestamp && !value_get(m->fields, "timestamp"))
                value_push(a, m->fields, "timestamp", b->timestamp->loc, (Value *)b->timestamp);
            bool listed = false;
            for (size_t f = 0; f < m->sboms->n; f++)
                if (strcmp(m->sboms->items[f]->text, b->path) == 0) listed = true;
            if (!listed) value_push(a, m->sboms, NULL, c->loc, std_scalar(s, c->loc, b->path));
        }
    }
    std_index_free(&by_identity);
    *nmerged = n;
    return merged;
}

static bool derived_field(const char *key) {
    static const char *const derived[] = {"id",     "title",           "sboms", "depends_on",
                                          "assets", "vulnerabilities", "vex"};
    for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++)
        if (strcmp(key, derived[i]) == 0) return true;
    return false;
}

/* Adds one supplement entry's values to a component: what the SBOM lacks is
 * filled in; where the SBOM says otherwise, the SBOM wins and it is said. */
static void supplement_apply(Standard *s, Merged *m, const Value *entry) {
    Arena *a = s->m->arena;
    bool filled = false;
    for (size_t i = 0; i < entry->n; i++) {
        const char *key = entry->keys[i];
        const Value *v = entry->items[i];
        if (strcmp(key, "component") == 0 || strcmp(key, "support_source") == 0 ||
            derived_field(key))
            continue;
        const Value *have = value_get(m->fields, key);
        if (!have) {
            value_push(a, m->fields, key, entry->key_locs[i], (Value *)v);
            if (strcmp(key, "support") == 0 || strcmp(key, "end_of_support") == 0) filled = true;
        } else if (have->kind == VAL_SCALAR && v->kind == VAL_SCALAR &&
                   strcmp(have->text, v->text) != 0 && strcmp(key, "support_reason") != 0) {
            rule_report(s->d, RULE_SUPPLEMENT_CONFLICT, v->loc, NULL,
                        "%s: the SBOM says '%s' for %s (%s); the SBOM's value is kept", key,
                        have->text, display_name(m->fields), std_where(s, have->loc));
        }
    }
    if (!filled) return;
    const Value *source = value_get(entry, "support_source");
    const char *text = std_str(source) ? source->text : std_where(s, entry->loc);
    SrcLoc loc = source ? source->loc : entry->loc;
    for (size_t i = 0; i < m->fields->n; i++)
        if (strcmp(m->fields->keys[i], "support_source") == 0) {
            m->fields->items[i] =
                std_scalar(s, loc, arena_printf(a, "%s; %s", m->fields->items[i]->text, text));
            return;
        }
    value_push(a, m->fields, "support_source", loc, std_scalar(s, loc, text));
}

static void supplements_apply(Standard *s, Merged *merged, size_t nmerged) {
    StdIndex by_key = {0};
    const char *keys[6];
    for (size_t i = 0; i < nmerged; i++) {
        size_t nk = component_keys(s->m->arena, merged[i].fields, keys);
        for (size_t k = 0; k < nk; k++)
            std_index_put(&by_key, keys[k], &merged[i]);
    }
    for (size_t f = 0; f < s->nsupplements; f++) {
        const Value *list = value_get(s->supplements[f], "components");
        for (size_t i = 0; i < list->n; i++) {
            const Value *entry = list->items[i];
            const char *ref = entry->kind == VAL_MAP ? std_get(entry, "component") : NULL;
            if (!ref) {
                rule_report(s->d, RULE_SUPPLEMENT_FORMAT, entry->loc, NULL,
                            "a supplement entry needs 'component': the purl or name@version of the "
                            "component it describes");
                continue;
            }
            for (size_t k = 0; k < entry->n; k++)
                if (derived_field(entry->keys[k]))
                    rule_report(s->d, RULE_SUPPLEMENT_FORMAT, entry->key_locs[k], NULL,
                                "'%s' cannot be set in a supplement: it comes from the SBOMs and "
                                "the records",
                                entry->keys[k]);
            size_t n;
            void *const *found = match_in(s, &by_key, ref, &n);
            if (!n) {
                rule_report(s->d, RULE_SUPPLEMENT_UNMATCHED, value_get(entry, "component")->loc,
                            NULL,
                            "'%s' names no component of the SBOMs in sbom/ (write the purl or "
                            "name@version the SBOM gives)",
                            ref);
                continue;
            }
            /* the index hands out a copy of its result array: copy before applying */
            Merged **targets = xmalloc(n * sizeof *targets);
            memcpy(targets, found, n * sizeof *targets);
            for (size_t k = 0; k < n; k++)
                supplement_apply(s, targets[k], entry);
            free(targets);
        }
    }
    std_index_free(&by_key);
}

/* The dependency graph of each shipped SBOM: depends_on between components,
 * and which components it leaves out (an NTIA minimum element). */
static void dependencies_apply(Standard *s, Merged *merged, const char **ids) {
    for (size_t i = 0; i < s->nsboms; i++) {
        StdSbom *b = s->sboms[i];
        if (!b->shipped) continue;
        size_t unknown = 0;
        for (size_t k = 0; k < b->ndeps; k++) {
            const StdDependency *dep = &b->deps[k];
            const char *refs[2] = {dep->from, dep->to};
            Merged *ends[2] = {NULL, NULL};
            bool ok = true;
            for (int e = 0; e < 2; e++) {
                if (is_subject(b, refs[e])) continue;
                StdComponent *c = by_ref(b, refs[e]);
                if (c && c->excluded) {
                    ok = false;
                } else if (!c) {
                    ok = false;
                    if (unknown++ < 10)
                        rule_report(
                            s->d, RULE_SBOM_REFERENCE, dep->loc, NULL,
                            "the dependency graph names '%s', which the SBOM does not define",
                            refs[e]);
                } else if (c->merged) {
                    ends[e] = &merged[c->merged - 1];
                }
            }
            if (!ok) continue;
            if (ends[0]) ends[0]->in_graph = true;
            if (ends[1]) ends[1]->in_graph = true;
            if (!ends[0] || !ends[1] || ends[0] == ends[1]) continue;
            const char *to = ids[ends[1] - merged];
            bool seen = false;
            for (size_t d = 0; d < ends[0]->depends_on->n; d++)
                if (strcmp(ends[0]->depends_on->items[d]->text, to) == 0) seen = true;
            if (!seen)
                value_push(s->m->arena, ends[0]->depends_on, NULL, dep->loc,
                           std_scalar(s, dep->loc, to));
        }
        if (unknown > 10)
            rule_report(s->d, RULE_SBOM_REFERENCE, (SrcLoc){b->path, 0, 0}, NULL,
                        "the dependency graph names %zu references the SBOM does not define (the "
                        "first 10 are reported)",
                        unknown);
    }
    for (size_t i = 0; i < s->nsboms; i++) {
        StdSbom *b = s->sboms[i];
        if (!b->shipped || b->ncomponents == 0) continue;
        SrcLoc top = {b->path, 0, 0};
        if (!b->has_graph) {
            rule_report(s->d, RULE_SBOM_DEPENDENCIES, top, NULL,
                        "%s gives no dependency relationships for its %zu components (an NTIA "
                        "minimum element)",
                        b->format, b->ncomponents);
            continue;
        }
        NameList out = {0};
        for (size_t k = 0; k < b->ncomponents; k++) {
            StdComponent *c = &b->components[k];
            if (!c->excluded && c->merged && !merged[c->merged - 1].in_graph)
                names_add(&out, display_name(c->fields));
        }
        if (out.n)
            rule_report(s->d, RULE_SBOM_DEPENDENCIES, top, NULL,
                        "%zu component%s in no relationship of the dependency graph (an NTIA "
                        "minimum element): %s",
                        out.n, out.n == 1 ? " is" : "s are", names_text(&out));
        sb_free(&out.sb);
    }
}

/* Types each device component as a component record and indexes it. */
static void components_add(Standard *s, Merged *merged, size_t n, const char **ids) {
    Arena *a = s->m->arena;
    const RecordType *t = schema_type(s->m->schema, "component");
    const char *keys[6];
    for (size_t i = 0; i < n; i++) {
        Merged *m = &merged[i];
        Value *v = value_new(a, VAL_MAP, m->loc);
        value_push(a, v, "id", m->loc, std_scalar(s, m->loc, ids[i]));
        const char *name = std_get(m->fields, "name"), *version = std_get(m->fields, "version");
        const char *first = name ? name : ids[i];
        size_t nf = strlen(first), nv = version ? strlen(version) : 0;
        char *title = arena_alloc(a, nf + nv + 2);
        memcpy(title, first, nf);
        if (version) {
            title[nf] = ' ';
            memcpy(title + nf + 1, version, nv + 1);
        }
        for (char *p = title; *p; p++)
            if (*p == '\n' || *p == '\r') *p = ' ';
        value_push(a, v, "title", m->loc, std_scalar(s, m->loc, title));
        for (size_t f = 0; f < m->fields->n; f++)
            value_push(a, v, m->fields->keys[f], m->fields->key_locs[f], m->fields->items[f]);
        value_push(a, v, "sboms", m->loc, m->sboms);
        if (m->depends_on->n) value_push(a, v, "depends_on", m->loc, m->depends_on);
        m->record = typing_record(a, s->d, t, m->loc.path, v, m->loc);
        if (!m->record) continue;
        model_add(s->m, s->d, m->record);
        size_t nk = component_keys(a, m->fields, keys);
        for (size_t k = 0; k < nk; k++)
            std_index_put(s->components, keys[k], m->record);
    }
    for (size_t i = 0; i < s->nsboms; i++)
        for (size_t k = 0; k < s->sboms[i]->ncomponents; k++) {
            StdComponent *c = &s->sboms[i]->components[k];
            if (c->merged) c->record = merged[c->merged - 1].record;
        }
}

/* Component records written by hand join the index too. */
static void components_index_written(Standard *s, size_t first_generated) {
    const char *keys[6];
    for (size_t i = 0; i < first_generated; i++) {
        Record *r = s->m->records[i];
        if (strcmp(r->type->name, "component") != 0) continue;
        Value *fields = value_new(s->m->arena, VAL_MAP, r->loc);
        static const char *const names[] = {"purl", "cpe", "name", "version", "group"};
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
            const Value *v = record_field(r, names[k]);
            if (v) value_push(s->m->arena, fields, names[k], v->loc, (Value *)v);
        }
        size_t nk = component_keys(s->m->arena, fields, keys);
        for (size_t k = 0; k < nk; k++)
            std_index_put(s->components, keys[k], r);
    }
}

/* The components lists of assets and vulnerability records, written by
 * hand as purls or name@version, become links from the components. */
static void component_mentions(Standard *s, size_t nwritten) {
    for (size_t i = 0; i < nwritten; i++) {
        Record *r = s->m->records[i];
        const char *field = strcmp(r->type->name, "asset") == 0           ? "assets"
                            : strcmp(r->type->name, "vulnerability") == 0 ? "vulnerabilities"
                                                                          : NULL;
        if (!field) continue;
        size_t n;
        const Value *const *items = std_items(record_field(r, "components"), &n);
        for (size_t k = 0; k < n; k++) {
            const char *ref = std_str(items[k]);
            if (!ref) continue;
            size_t nfound;
            Record *const *found = std_match(s, ref, &nfound);
            /* a vulnerability may name the version of an earlier release */
            if (!nfound && s->any_shipped && strcmp(field, "assets") == 0)
                rule_report(s->d, RULE_COMPONENT_UNLISTED, items[k]->loc, r->id,
                            "%s names the component '%s', which no SBOM in sbom/ lists", r->id,
                            ref);
            Record **targets = xmalloc((nfound ? nfound : 1) * sizeof *targets);
            if (nfound) memcpy(targets, found, nfound * sizeof *targets);
            for (size_t f = 0; f < nfound; f++)
                std_append(s, targets[f], field, std_scalar(s, items[k]->loc, r->id));
            free(targets);
        }
    }
}

/* The SBOMs of earlier releases (sbom/releases/) into m->release_sboms: each
 * component the device's records name by the same identity is that record,
 * any other one keeps its fields under an ID of its own, shared by every
 * release SBOM that lists it. */
static void release_sboms(Standard *s, Merged *merged, size_t nmerged) {
    Arena *a = s->m->arena;
    StdIndex current = {0}, own = {0};
    for (size_t i = 0; i < nmerged; i++)
        if (merged[i].record) std_index_put(&current, merged[i].identity, merged[i].record);
    size_t n = 0;
    for (size_t i = 0; i < s->nsboms; i++)
        n += s->sboms[i]->release;
    s->m->release_sboms = arena_alloc(a, (n ? n : 1) * sizeof *s->m->release_sboms);
    s->m->nrelease_sboms = 0;
    for (size_t i = 0; i < s->nsboms; i++) {
        const StdSbom *b = s->sboms[i];
        if (!b->release) continue;
        ReleaseSbom *rs = &s->m->release_sboms[s->m->nrelease_sboms++];
        rs->path = b->path;
        rs->components =
            arena_alloc(a, (b->ncomponents ? b->ncomponents : 1) * sizeof *rs->components);
        rs->ncomponents = 0;
        for (size_t k = 0; k < b->ncomponents; k++) {
            const StdComponent *c = &b->components[k];
            if (c->excluded) continue;
            const char *identity = identity_of(s, c->fields);
            size_t nfound;
            void *const *found = std_index_get(&current, identity, &nfound);
            ReleaseComponent *rc = &rs->components[rs->ncomponents++];
            if (nfound) {
                rc->record = found[0];
                rc->fields = NULL;
                rc->id = rc->record->id;
                continue;
            }
            found = std_index_get(&own, identity, &nfound);
            if (nfound) {
                *rc = *(const ReleaseComponent *)found[0];
                continue;
            }
            const char *parts[3] = {std_get(c->fields, "group"), std_get(c->fields, "name"),
                                    std_get(c->fields, "version")};
            if (!parts[1]) parts[1] = std_get(c->fields, "purl");
            *rc = (ReleaseComponent){NULL, c->fields, std_new_id(s, "CMP-", parts, 3)};
            std_index_put(&own, identity, rc);
        }
    }
    std_index_free(&current);
    std_index_free(&own);
}

void components_finish(Standard *s) {
    size_t nwritten = s->m->nrecords;
    size_t nmerged = 0;
    Merged *merged = merge_components(s, &nmerged);
    const char **ids = xmalloc((nmerged ? nmerged : 1) * sizeof *ids);
    for (size_t i = 0; i < nmerged; i++) {
        const char *parts[3] = {std_get(merged[i].fields, "group"),
                                std_get(merged[i].fields, "name"),
                                std_get(merged[i].fields, "version")};
        if (!parts[1]) parts[1] = std_get(merged[i].fields, "purl");
        ids[i] = std_new_id(s, "CMP-", parts, 3);
    }
    supplements_apply(s, merged, nmerged);
    dependencies_apply(s, merged, ids);
    components_add(s, merged, nmerged, ids);
    release_sboms(s, merged, nmerged);
    components_index_written(s, nwritten);
    component_mentions(s, nwritten);
    free(ids);
    free(merged);
}
