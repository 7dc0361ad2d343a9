/* vex.c: VEX statements. Reads OpenVEX (0.2.0 and the older 0.0.1 shape)
 * and CSAF 2.0 documents into statements (CycloneDX vulnerabilities are
 * read by cyclonedx.c), then attaches every statement to the components it
 * names (by purl, CPE, bom-ref or product) and to its vulnerability record,
 * generating that record when a vulnerability reaches the device and none
 * is written. Part of load/. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "standard.h"

static const char *const vex_states[] = {"not_affected", "affected", "fixed",
                                         "under_investigation"};
static const char *const vex_justifications[] = {
    "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"};

static bool one_of(const char *s, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s && strcmp(s, list[i]) == 0) return true;
    return false;
}

/* ---- OpenVEX ------------------------------------------------------------------ */

static StdProduct openvex_product(Standard *s, const Value *p) {
    Arena *a = std_arena(s);
    StdProduct out = {0};
    const char *id = p->kind == VAL_SCALAR ? std_str(p) : std_get(p, "@id");
    const Value *ids = value_get(p, "identifiers");
    out.purl = std_get(ids, "purl");
    out.cpe = std_get(ids, "cpe23") ? std_get(ids, "cpe23") : std_get(ids, "cpe22");
    if (id && !out.purl && strncmp(id, "pkg:", 4) == 0)
        out.purl = id;
    else if (id && !out.cpe && strncmp(id, "cpe:", 4) == 0)
        out.cpe = id;
    else if (id)
        out.name = id;
    out.purl = out.purl ? arena_strdup(a, out.purl) : NULL;
    out.cpe = out.cpe ? arena_strdup(a, out.cpe) : NULL;
    out.name = out.name ? arena_strdup(a, out.name) : NULL;
    size_t n;
    const Value *const *subs = std_items(value_get(p, "subcomponents"), &n);
    out.subcomponents = arena_alloc(a, (2 * n + 1) * sizeof *out.subcomponents);
    for (size_t i = 0; i < n; i++) {
        const char *sid = subs[i]->kind == VAL_SCALAR ? std_str(subs[i]) : std_get(subs[i], "@id");
        const Value *sids = value_get(subs[i], "identifiers");
        if (std_get(sids, "purl"))
            out.subcomponents[out.nsubcomponents++] = arena_strdup(a, std_get(sids, "purl"));
        if (sid) out.subcomponents[out.nsubcomponents++] = arena_strdup(a, sid);
    }
    return out;
}

void vex_openvex(Standard *s, const char *rel, const Value *root) {
    Arena *a = std_arena(s);
    const char *doc_time =
        std_get(root, "last_updated") ? std_get(root, "last_updated") : std_get(root, "timestamp");
    size_t n;
    const Value *const *statements = std_items(value_get(root, "statements"), &n);
    if (!n) {
        rule_report(std_diag(s), RULE_VEX_FORMAT, root->loc, NULL,
                    "an OpenVEX document needs a non-empty 'statements' list");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const Value *v = statements[i];
        if (v->kind != VAL_MAP) continue;
        StdStatement st = {0};
        st.loc = v->loc;
        const Value *vuln = value_get(v, "vulnerability");
        const char *name = vuln && vuln->kind == VAL_SCALAR ? std_str(vuln) : std_get(vuln, "name");
        if (!name) name = std_get(vuln, "@id");
        if (!name) {
            rule_report(std_diag(s), RULE_VEX_FORMAT, v->loc, NULL,
                        "a statement without a vulnerability (0.2.0: \"vulnerability\": {\"name\": "
                        "...}; 0.0.1: \"vulnerability\": \"CVE-...\")");
            continue;
        }
        st.vulnerability = arena_strdup(a, name);
        size_t nal;
        const Value *const *aliases = std_items(value_get(vuln, "aliases"), &nal);
        st.aliases = arena_alloc(a, (nal + 1) * sizeof *st.aliases);
        for (size_t k = 0; k < nal; k++)
            if (std_str(aliases[k])) st.aliases[st.naliases++] = arena_strdup(a, aliases[k]->text);
        const Value *status = value_get(v, "status");
        if (!one_of(std_str(status), vex_states, 4)) {
            rule_report(std_diag(s), RULE_VEX_FORMAT, status ? status->loc : v->loc, NULL,
                        "%s: status %s%s%s is not an OpenVEX status (expected not_affected, "
                        "affected, fixed or under_investigation)",
                        name, status ? "'" : "",
                        status && std_str(status) ? status->text : "missing", status ? "'" : "");
            continue;
        }
        st.state = std_str(status);
        for (size_t k = 0; k < 4; k++)
            if (strcmp(st.state, vex_states[k]) == 0) st.state = vex_states[k];
        const Value *just = value_get(v, "justification");
        if (std_str(just)) {
            if (one_of(just->text, vex_justifications, 5)) {
                for (size_t k = 0; k < 5; k++)
                    if (strcmp(just->text, vex_justifications[k]) == 0)
                        st.justification = vex_justifications[k];
            } else {
                rule_report(std_diag(s), RULE_VEX_FORMAT, just->loc, NULL,
                            "%s: justification '%s' is not an OpenVEX justification (expected "
                            "component_not_present, vulnerable_code_not_present, "
                            "vulnerable_code_not_in_execute_path, "
                            "vulnerable_code_cannot_be_controlled_by_adversary or "
                            "inline_mitigations_already_exist)",
                            name, just->text);
            }
        }
        const char *detail = std_get(v, "impact_statement") ? std_get(v, "impact_statement")
                                                            : std_get(v, "status_notes");
        if (detail) st.detail = arena_strdup(a, detail);
        const char *action = std_get(v, "action_statement");
        st.responses = arena_alloc(a, sizeof *st.responses);
        if (action) st.responses[st.nresponses++] = arena_strdup(a, action);
        const char *when = std_get(v, "timestamp") ? std_get(v, "timestamp") : doc_time;
        if (when) st.timestamp = arena_strdup(a, when);
        size_t np;
        const Value *const *products = std_items(value_get(v, "products"), &np);
        st.products = arena_alloc(a, (np + 1) * sizeof *st.products);
        for (size_t k = 0; k < np; k++)
            st.products[st.nproducts++] = openvex_product(s, products[k]);
        /* 0.0.1: subcomponents beside the products */
        size_t nsub;
        const Value *const *subs = std_items(value_get(v, "subcomponents"), &nsub);
        if (nsub) {
            const char **names = arena_alloc(a, (nsub + 1) * sizeof *names);
            size_t m = 0;
            for (size_t k = 0; k < nsub; k++)
                if (std_str(subs[k])) names[m++] = arena_strdup(a, subs[k]->text);
            for (size_t k = 0; k < st.nproducts; k++) {
                st.products[k].subcomponents = names;
                st.products[k].nsubcomponents = m;
            }
        }
        std_statement_add(s, &st);
    }
}

/* ---- CSAF 2.0 ------------------------------------------------------------------- */

typedef struct CsafProduct {
    const char *id, *name, *purl, *cpe;
    const char *component; /* a relationship product: the product_reference */
} CsafProduct;

typedef struct Csaf {
    Standard *s;
    CsafProduct *products;
    size_t n, cap;
} Csaf;

static void csaf_add(Csaf *c, const Value *product, const char *path_name) {
    const char *id = std_get(product, "product_id");
    if (!id) return;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->products = xrealloc(c->products, c->cap * sizeof *c->products);
    }
    const Value *helper = value_get(product, "product_identification_helper");
    const char *name = std_get(product, "name");
    c->products[c->n++] = (CsafProduct){id, name ? name : path_name, std_get(helper, "purl"),
                                        std_get(helper, "cpe"), NULL};
}

static void csaf_branches(Csaf *c, const Value *branches, const char *product_name) {
    size_t n;
    const Value *const *items = std_items(branches, &n);
    for (size_t i = 0; i < n; i++) {
        const char *category = std_get(items[i], "category");
        const char *name = product_name;
        if (category && strcmp(category, "product_name") == 0 && std_get(items[i], "name"))
            name = std_get(items[i], "name");
        const Value *product = value_get(items[i], "product");
        if (product) csaf_add(c, product, name);
        csaf_branches(c, value_get(items[i], "branches"), name);
    }
}

static const CsafProduct *csaf_find(const Csaf *c, const char *id) {
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->products[i].id, id) == 0) return &c->products[i];
    return NULL;
}

/* The product as a statement names it; a relationship product (component X
 * of product Y) is product Y with subcomponent X. */
static StdProduct csaf_product(Standard *s, const Csaf *c, const char *id) {
    Arena *a = std_arena(s);
    StdProduct out = {0};
    const CsafProduct *p = csaf_find(c, id);
    if (!p) {
        out.name = arena_strdup(a, id);
        return out;
    }
    if (p->component) {
        const CsafProduct *x = csaf_find(c, p->component),
                          *y = p->name ? csaf_find(c, p->name) : NULL;
        out.name = y && y->name ? arena_strdup(a, y->name) : NULL;
        out.subcomponents = arena_alloc(a, 3 * sizeof *out.subcomponents);
        if (x && x->purl) out.subcomponents[out.nsubcomponents++] = arena_strdup(a, x->purl);
        if (x && x->cpe) out.subcomponents[out.nsubcomponents++] = arena_strdup(a, x->cpe);
        if (x && x->name) out.subcomponents[out.nsubcomponents++] = arena_strdup(a, x->name);
        return out;
    }
    out.purl = p->purl ? arena_strdup(a, p->purl) : NULL;
    out.cpe = p->cpe ? arena_strdup(a, p->cpe) : NULL;
    out.name = p->name ? arena_strdup(a, p->name) : NULL;
    return out;
}

/* True when the entry (a flag, threat or remediation) names the product,
 * directly or through one of its groups. */
static bool names_product(const Value *entry, const Value *groups, const char *id) {
    size_t n;
    const Value *const *ids = std_items(value_get(entry, "product_ids"), &n);
    for (size_t i = 0; i < n; i++)
        if (std_str(ids[i]) && strcmp(ids[i]->text, id) == 0) return true;
    const Value *const *gids = std_items(value_get(entry, "group_ids"), &n);
    for (size_t i = 0; i < n; i++) {
        size_t ng;
        const Value *const *gs = std_items(groups, &ng);
        for (size_t g = 0; g < ng; g++) {
            if (!std_str(gids[i]) || !std_get(gs[g], "group_id") ||
                strcmp(std_get(gs[g], "group_id"), gids[i]->text))
                continue;
            size_t np;
            const Value *const *members = std_items(value_get(gs[g], "product_ids"), &np);
            for (size_t k = 0; k < np; k++)
                if (std_str(members[k]) && strcmp(members[k]->text, id) == 0) return true;
        }
    }
    return false;
}

void vex_csaf(Standard *s, const char *rel, const Value *root) {
    Arena *a = std_arena(s);
    const Value *document = value_get(root, "document");
    const Value *version = value_get(document, "csaf_version");
    if (!std_str(version) || strcmp(version->text, "2.0") != 0) {
        rule_report(std_diag(s), RULE_VEX_FORMAT, version->loc, NULL,
                    "csaf_version '%s' is not one the tool reads (2.0)",
                    std_str(version) ? version->text : "");
        return;
    }
    const char *doc_time = std_get(value_get(document, "tracking"), "current_release_date");
    const Value *tree = value_get(root, "product_tree");
    const Value *groups = value_get(tree, "product_groups");
    Csaf c = {s, NULL, 0, 0};
    csaf_branches(&c, value_get(tree, "branches"), NULL);
    size_t n;
    const Value *const *items = std_items(value_get(tree, "full_product_names"), &n);
    for (size_t i = 0; i < n; i++)
        csaf_add(&c, items[i], NULL);
    items = std_items(value_get(tree, "relationships"), &n);
    for (size_t i = 0; i < n; i++) {
        const Value *full = value_get(items[i], "full_product_name");
        const char *x = std_get(items[i], "product_reference"),
                   *y = std_get(items[i], "relates_to_product_reference");
        size_t before = c.n;
        csaf_add(&c, full, NULL);
        if (c.n > before && x) {
            c.products[c.n - 1].component = x;
            c.products[c.n - 1].name = y; /* the product it is part of, by ID */
        }
    }
    static const struct {
        const char *key, *state;
    } statuses[] = {
        {"known_not_affected", "not_affected"},
        {"known_affected", "affected"},
        {"first_affected", "affected"},
        {"last_affected", "affected"},
        {"fixed", "fixed"},
        {"first_fixed", "fixed"},
        {"under_investigation", "under_investigation"},
    };
    size_t nv;
    const Value *const *vulns = std_items(value_get(root, "vulnerabilities"), &nv);
    for (size_t i = 0; i < nv; i++) {
        const Value *v = vulns[i];
        size_t nids;
        const Value *const *ids = std_items(value_get(v, "ids"), &nids);
        const char *name = std_get(v, "cve");
        const char **aliases = arena_alloc(a, (nids + 1) * sizeof *aliases);
        size_t naliases = 0;
        for (size_t k = 0; k < nids; k++) {
            const char *text = std_get(ids[k], "text");
            if (!text) continue;
            if (!name)
                name = text;
            else
                aliases[naliases++] = arena_strdup(a, text);
        }
        if (!name) {
            rule_report(
                std_diag(s), RULE_VEX_FORMAT, v->loc, NULL,
                "a CSAF vulnerability without cve or ids: its statements cannot be attached");
            continue;
        }
        const Value *status = value_get(v, "product_status");
        for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
            size_t np;
            const Value *const *pids = std_items(value_get(status, statuses[k].key), &np);
            for (size_t p = 0; p < np; p++) {
                const char *pid = std_str(pids[p]);
                if (!pid) continue;
                StdStatement st = {0};
                st.loc = pids[p]->loc;
                st.vulnerability = arena_strdup(a, name);
                st.aliases = aliases;
                st.naliases = naliases;
                st.state = statuses[k].state;
                if (strcmp(statuses[k].key, "known_not_affected") != 0 &&
                    strcmp(statuses[k].key, "known_affected") != 0 &&
                    strcmp(statuses[k].key, "fixed") != 0 &&
                    strcmp(statuses[k].key, "under_investigation") != 0)
                    st.as_written = arena_printf(a, "CSAF %s", statuses[k].key);
                size_t nf;
                const Value *const *flags = std_items(value_get(v, "flags"), &nf);
                for (size_t f = 0; f < nf; f++) {
                    const char *label = std_get(flags[f], "label");
                    if (!names_product(flags[f], groups, pid)) continue;
                    if (one_of(label, vex_justifications, 5)) {
                        for (size_t j = 0; j < 5; j++)
                            if (strcmp(label, vex_justifications[j]) == 0)
                                st.justification = vex_justifications[j];
                    } else {
                        rule_report(std_diag(s), RULE_VEX_FORMAT, flags[f]->loc, NULL,
                                    "%s: flag label '%s' is not a CSAF VEX justification", name,
                                    label ? label : "");
                    }
                }
                size_t nt;
                const Value *const *threats = std_items(value_get(v, "threats"), &nt);
                for (size_t t = 0; t < nt && !st.detail; t++) {
                    const char *category = std_get(threats[t], "category");
                    if (category && strcmp(category, "impact") == 0 &&
                        names_product(threats[t], groups, pid) && std_get(threats[t], "details"))
                        st.detail = arena_strdup(a, std_get(threats[t], "details"));
                }
                size_t nr;
                const Value *const *rems = std_items(value_get(v, "remediations"), &nr);
                st.responses = arena_alloc(a, (nr + 1) * sizeof *st.responses);
                for (size_t r = 0; r < nr; r++) {
                    if (!names_product(rems[r], groups, pid)) continue;
                    const char *category = std_get(rems[r], "category"),
                               *details = std_get(rems[r], "details");
                    st.responses[st.nresponses++] =
                        arena_printf(a, "%s%s%s", category ? category : "remediation",
                                     details ? ": " : "", details ? details : "");
                }
                if (doc_time) st.timestamp = arena_strdup(a, doc_time);
                st.products = arena_alloc(a, sizeof *st.products);
                st.products[0] = csaf_product(s, &c, pid);
                st.nproducts = 1;
                std_statement_add(s, &st);
            }
        }
    }
    free(c.products);
    (void)rel;
}

/* ---- attaching the statements ------------------------------------------------------ */

/* What one statement is about: component records, the device itself. */
typedef struct Targets {
    Record **components;
    size_t n, cap;
    bool device;
    const char *device_name;
    size_t excluded; /* components left out by affects[].versions */
} Targets;

static void target_add(Targets *t, Record *r) {
    for (size_t i = 0; i < t->n; i++)
        if (t->components[i] == r) return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4;
        t->components = xrealloc(t->components, t->cap * sizeof *t->components);
    }
    t->components[t->n++] = r;
}

static bool match_add(Standard *s, Targets *t, const char *ref) {
    if (!ref) return false;
    size_t n;
    Record *const *found = std_match(s, ref, &n);
    Record **copy = xmalloc((n ? n : 1) * sizeof *copy);
    if (n) memcpy(copy, found, n * sizeof *copy);
    for (size_t i = 0; i < n; i++)
        target_add(t, copy[i]);
    free(copy);
    return n > 0;
}

/* Whether the versions a CycloneDX statement lists for a product take in
 * the version the SBOM ships as r: an entry matching it decides (affected
 * before unaffected before unknown); a range the tool cannot evaluate
 * counts as possibly affected; when none matches, a list naming affected
 * versions leaves the shipped one out, a list of unaffected ones does not. */
static bool version_reached(Standard *s, const StdStatement *st, const StdProduct *p,
                            const Record *r) {
    const char *shipped = record_str(r, "version");
    if (!p->nversions || !shipped) return true;
    bool affected = false, unaffected = false, unknown = false, lists_affected = false;
    for (size_t i = 0; i < p->nversions; i++) {
        const StdVersion *v = &p->versions[i];
        if (strcmp(v->status, "affected") == 0) lists_affected = true;
        VersMatch m;
        if (v->version) {
            m = strcmp(v->version, shipped) == 0 ||
                        (vers_comparable(v->version) && vers_comparable(shipped) &&
                         vers_compare(v->version, shipped) == 0)
                    ? VERS_IN
                    : VERS_OUT;
        } else {
            const char *why;
            m = vers_contains(v->range, shipped, &why);
            if (m == VERS_UNSUPPORTED) {
                rule_report(
                    std_diag(s), RULE_VEX_VERSION_RANGE, v->loc, NULL,
                    "%s: the range '%s' is not evaluated (%s); %s %s is taken as possibly affected",
                    st->vulnerability, v->range, why,
                    record_str(r, "name") ? record_str(r, "name") : r->id, shipped);
                unknown = true;
                continue;
            }
        }
        if (m != VERS_IN) continue;
        if (strcmp(v->status, "affected") == 0)
            affected = true;
        else if (strcmp(v->status, "unaffected") == 0)
            unaffected = true;
        else
            unknown = true;
    }
    if (affected) return true;
    if (unaffected || (!unknown && lists_affected)) {
        const char *name = record_str(r, "name") ? record_str(r, "name") : r->id;
        rule_report(std_diag(s), RULE_VEX_VERSION, st->loc, r->id,
                    "%s: %s %s, the version the SBOM ships, %s; not attached to %s",
                    st->vulnerability, name, shipped,
                    unaffected ? "is listed as unaffected" : "is not among the versions it affects",
                    r->id);
        return false;
    }
    return true;
}

static void resolve(Standard *s, const StdStatement *st, Targets *t) {
    if (st->nproducts == 0) {
        t->device = true;
        return;
    }
    for (size_t i = 0; i < st->nproducts; i++) {
        const StdProduct *p = &st->products[i];
        bool sub = false;
        for (size_t k = 0; k < p->nsubcomponents; k++)
            sub |= match_add(s, t, p->subcomponents[k]);
        if (sub) continue;
        if (p->ref) {
            bool subject;
            Record *r = std_sbom_ref(s, st->sbom, p->ref, &subject);
            if (r && !version_reached(s, st, p, r)) {
                t->excluded++;
                continue;
            }
            if (r) target_add(t, r);
            if (subject) t->device = true;
            if (r || subject) continue;
        }
        if (match_add(s, t, p->purl) || match_add(s, t, p->cpe)) continue;
        const char *forms[3] = {p->purl, p->cpe, p->name};
        for (size_t k = 0; k < 3; k++)
            if (std_device(s, forms[k])) {
                t->device = true;
                if (!t->device_name) t->device_name = forms[k];
            }
        if (!t->device) match_add(s, t, p->name);
    }
}

static int rank(const char *state) {
    if (!state) return 4; /* named, not assessed */
    if (strcmp(state, "affected") == 0) return 5;
    if (strcmp(state, "under_investigation") == 0) return 3;
    if (strcmp(state, "not_affected") == 0) return 2;
    return 1; /* fixed */
}

static int64_t when(const StdStatement *st) {
    int64_t secs;
    return st->timestamp && std_time(st->timestamp, &secs) ? secs : INT64_MIN;
}

/* A CVE ID in canonical form when s is one (any case), else NULL. */
static const char *cve_id(Standard *s, const char *id) {
    if (strncasecmp(id, "CVE-", 4) != 0) return NULL;
    const char *p = id + 4;
    size_t y = 0, n = 0;
    while (isdigit((unsigned char)p[y]))
        y++;
    if (y != 4 || p[4] != '-') return NULL;
    while (isdigit((unsigned char)p[5 + n]))
        n++;
    if (n < 4 || p[5 + n]) return NULL;
    return arena_printf(std_arena(s), "CVE-%s", p);
}

static char *upper(Arena *a, const char *s) {
    char *out = arena_strdup(a, s);
    for (char *p = out; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return out;
}

/* One vulnerability: the statements about it and the record it gets. */
typedef struct Group {
    Record *record;     /* written by hand, or NULL */
    const char *new_id; /* the ID a generated record takes */
    size_t *statements;
    Targets *targets; /* per statement */
    size_t n, cap;
} Group;

static Value *entry_of(Standard *s, const StdStatement *st, const char *about_key,
                       const char *about) {
    Arena *a = std_arena(s);
    SrcLoc loc = st->loc;
    Value *e = value_new(a, VAL_MAP, loc);
    value_push(a, e, about_key, loc, std_scalar(s, loc, about));
    if (st->state) value_push(a, e, "state", loc, std_scalar(s, loc, st->state));
    if (st->justification)
        value_push(a, e, "justification", loc, std_scalar(s, loc, st->justification));
    if (st->detail) value_push(a, e, "detail", loc, std_scalar(s, loc, st->detail));
    if (st->nresponses) {
        Value *list = value_new(a, VAL_LIST, loc);
        for (size_t i = 0; i < st->nresponses; i++)
            value_push(a, list, NULL, loc, std_scalar(s, loc, st->responses[i]));
        value_push(a, e, "response", loc, list);
    }
    if (st->as_written) value_push(a, e, "as_written", loc, std_scalar(s, loc, st->as_written));
    char date[11];
    if (st->timestamp && std_date(st->timestamp, date))
        value_push(a, e, "date", loc, std_scalar(s, loc, date));
    value_push(a, e, "source", loc, std_scalar(s, loc, std_where(s, loc)));
    return e;
}

static void set_field(Record *r, const char *name, Value *v) {
    const FieldDef *f = schema_field(r->type, name);
    if (f) r->fields[f->index].value = v;
}

/* A vulnerability record for a group whose vulnerability reaches the device
 * and has no record: what the statements say, for someone to assess. */
static Record *generate(Standard *s, Group *g, size_t top) {
    Arena *a = std_arena(s);
    const StdStatement *first = &s->statements[g->statements[0]];
    SrcLoc loc = first->loc;
    Value *v = value_new(a, VAL_MAP, loc);
    value_push(a, v, "id", loc, std_scalar(s, loc, g->new_id));
    /* title: the ID and what it reaches */
    StrBuf title;
    sb_init(&title);
    sb_printf(&title, "%s in ", g->new_id);
    size_t shown = 0, total = 0;
    Value *components = value_new(a, VAL_LIST, loc);
    for (size_t i = 0; i < g->n; i++)
        for (size_t k = 0; k < g->targets[i].n; k++) {
            Record *c = g->targets[i].components[k];
            bool seen = false;
            for (size_t j = 0; j < components->n; j++)
                if (strcmp(components->items[j]->text, c->id) == 0) seen = true;
            if (seen) continue;
            value_push(a, components, NULL, s->statements[g->statements[i]].loc,
                       std_scalar(s, s->statements[g->statements[i]].loc, c->id));
            total++;
            if (shown++ < 3) sb_printf(&title, "%s%s", shown > 1 ? ", " : "", c->title);
        }
    if (total > 3) sb_printf(&title, " and %zu more", total - 3);
    if (total == 0) sb_puts(&title, s->m->product.name ? s->m->product.name : "the device");
    value_push(a, v, "title", loc, std_scalar(s, loc, title.data));
    sb_free(&title);
    /* discovered: the earliest statement, else the SBOM, else the dossier */
    char best[11] = "", date[11];
    for (size_t i = 0; i < g->n; i++) {
        const StdStatement *st = &s->statements[g->statements[i]];
        const char *t = st->timestamp                     ? st->timestamp
                        : st->sbom && st->sbom->timestamp ? st->sbom->timestamp->text
                                                          : NULL;
        if (t && std_date(t, date) && (!best[0] || strcmp(date, best) < 0)) memcpy(best, date, 11);
    }
    if (!best[0] && s->m->product.date) snprintf(best, sizeof best, "%s", s->m->product.date);
    if (best[0]) value_push(a, v, "discovered", loc, std_scalar(s, loc, best));
    const StdStatement *t = &s->statements[top];
    if (t->state) value_push(a, v, "vex_state", t->loc, std_scalar(s, t->loc, t->state));
    if (t->state && strcmp(t->state, "not_affected") == 0 && t->justification)
        value_push(a, v, "vex_justification", t->loc, std_scalar(s, t->loc, t->justification));
    for (size_t i = 0; i < g->n; i++) {
        const StdStatement *st = &s->statements[g->statements[i]];
        const char *digits = st->cwe ? st->cwe + 4 : NULL;
        bool cwe_ok = digits && *digits && strspn(digits, "0123456789") == strlen(digits);
        if (cwe_ok && !value_get(v, "cwe"))
            value_push(a, v, "cwe", st->loc, std_scalar(s, st->loc, st->cwe));
        if (st->cvss_vector && !value_get(v, "cvss_vector"))
            value_push(a, v, "cvss_vector", st->loc, std_scalar(s, st->loc, st->cvss_vector));
        if (st->cvss_score && !value_get(v, "cvss_score"))
            value_push(a, v, "cvss_score", st->loc, std_scalar(s, st->loc, st->cvss_score));
        if (st->cvss4_vector && !value_get(v, "cvss4_vector")) {
            value_push(a, v, "cvss4_vector", st->loc, std_scalar(s, st->loc, st->cvss4_vector));
            if (st->cvss4_score)
                value_push(a, v, "cvss4_score", st->loc, std_scalar(s, st->loc, st->cvss4_score));
        }
    }
    Value *aliases = value_new(a, VAL_LIST, loc);
    for (size_t i = 0; i < g->n; i++) {
        const StdStatement *st = &s->statements[g->statements[i]];
        for (size_t k = 0; k <= st->naliases; k++) {
            const char *name = k == 0 ? st->vulnerability : st->aliases[k - 1];
            if (strcasecmp(name, g->new_id) == 0) continue;
            bool seen = false;
            for (size_t j = 0; j < aliases->n; j++)
                if (strcmp(aliases->items[j]->text, name) == 0) seen = true;
            if (!seen) value_push(a, aliases, NULL, st->loc, std_scalar(s, st->loc, name));
        }
    }
    if (aliases->n) value_push(a, v, "aliases", loc, aliases);
    const RecordType *type = schema_type(s->m->schema, "vulnerability");
    Record *r = typing_record(a, std_diag(s), type, loc.path, v, loc);
    if (r) model_add(s->m, std_diag(s), r);
    return r && model_find(s->m, r->id) == r ? r : NULL;
}

static void attach_group(Standard *s, Group *g) {
    /* the latest statement per target decides; the worst target decides the device */
    size_t top = (size_t)-1;
    bool any = false;
    for (size_t i = 0; i < g->n; i++) {
        const StdStatement *st = &s->statements[g->statements[i]];
        const Targets *t = &g->targets[i];
        if (!t->n && !t->device) continue;
        any = true;
        bool latest = true;
        for (size_t j = 0; j < g->n && latest; j++) {
            if (j == i) continue;
            const StdStatement *other = &s->statements[g->statements[j]];
            bool overlap = t->device && g->targets[j].device;
            for (size_t a = 0; a < t->n && !overlap; a++)
                for (size_t b = 0; b < g->targets[j].n; b++)
                    if (t->components[a] == g->targets[j].components[b]) overlap = true;
            if (overlap && (when(other) > when(st) || (when(other) == when(st) && j > i)))
                latest = false;
        }
        if (latest && (top == (size_t)-1 || rank(st->state) > rank(s->statements[top].state)))
            top = g->statements[i];
    }
    if (!any) return;
    const StdStatement *decisive = &s->statements[top];
    Record *r = g->record;
    if (!r && decisive->state && strcmp(decisive->state, "fixed") == 0) {
        r = NULL; /* fixed in what ships: it does not reach the device */
    } else if (!r) {
        r = generate(s, g, top);
    } else {
        const Value *written = record_field(r, "vex_state");
        if (!written && decisive->state) {
            set_field(r, "vex_state", std_scalar(s, decisive->loc, decisive->state));
            if (strcmp(decisive->state, "not_affected") == 0 && decisive->justification &&
                !record_field(r, "vex_justification"))
                set_field(r, "vex_justification",
                          std_scalar(s, decisive->loc, decisive->justification));
        } else if (written && decisive->state && std_str(written) &&
                   strcmp(written->text, decisive->state) != 0) {
            rule_report(std_diag(s), RULE_VEX_CONFLICT, decisive->loc, r->id,
                        "%s: this statement says %s, the record says %s (%s); the record wins",
                        r->id, decisive->state, written->text, std_where(s, written->loc));
        }
    }
    for (size_t i = 0; i < g->n; i++) {
        const StdStatement *st = &s->statements[g->statements[i]];
        const Targets *t = &g->targets[i];
        for (size_t k = 0; k < t->n; k++) {
            std_append(s, t->components[k], "vex",
                       entry_of(s, st, "vulnerability", st->vulnerability));
            if (r) {
                std_append(s, r, "vex", entry_of(s, st, "component", t->components[k]->id));
                std_append(s, t->components[k], "vulnerabilities", std_scalar(s, st->loc, r->id));
            }
        }
        if (t->device && r) {
            const char *device = t->device_name       ? t->device_name
                                 : s->m->product.name ? s->m->product.name
                                                      : "the device";
            std_append(s, r, "vex", entry_of(s, st, "component", device));
        }
    }
}

void vex_finish(Standard *s) {
    Arena *a = std_arena(s);
    /* vulnerability records by ID and alias, any case */
    StdIndex known = {0};
    for (size_t i = 0; i < s->m->nrecords; i++) {
        Record *r = s->m->records[i];
        if (strcmp(r->type->name, "vulnerability") != 0) continue;
        std_index_put(&known, upper(a, r->id), r);
        size_t n;
        const Value *const *aliases = std_items(record_field(r, "aliases"), &n);
        for (size_t k = 0; k < n; k++)
            if (std_str(aliases[k])) std_index_put(&known, upper(a, aliases[k]->text), r);
    }
    StdIndex by_key = {0};
    Group *groups = NULL;
    size_t ngroups = 0, groups_cap = 0;
    for (size_t i = 0; i < s->nstatements; i++) {
        const StdStatement *st = &s->statements[i];
        Targets t = {0};
        resolve(s, st, &t);
        Record *r = NULL;
        const char *cve = NULL;
        for (size_t k = 0; k <= st->naliases && !r; k++) {
            const char *name = k == 0 ? st->vulnerability : st->aliases[k - 1];
            size_t n;
            void *const *found = std_index_get(&known, upper(a, name), &n);
            if (n) r = found[0];
            if (!cve) cve = cve_id(s, name);
        }
        if (!t.n && !t.device && t.excluded) {
            free(t.components); /* vex-version said why */
            continue;
        }
        if (!t.n && !t.device) {
            rule_report(std_diag(s), RULE_VEX_UNMATCHED, st->loc, r ? r->id : NULL,
                        "%s: the statement names no component of the SBOMs in sbom/ and not the "
                        "device; it is not attached",
                        st->vulnerability);
            free(t.components);
            continue;
        }
        /* the group: by record, else by the ID a generated record takes */
        const char *key = r     ? arena_printf(a, "r:%s", r->id)
                          : cve ? arena_printf(a, "c:%s", cve)
                                : arena_printf(a, "v:%s", upper(a, st->vulnerability));
        size_t n;
        void *const *found = std_index_get(&by_key, key, &n);
        Group *g;
        if (n) {
            g = &groups[(size_t)(uintptr_t)found[0] - 1];
        } else {
            if (ngroups == groups_cap) {
                groups_cap = groups_cap ? groups_cap * 2 : 16;
                groups = xrealloc(groups, groups_cap * sizeof *groups);
            }
            g = &groups[ngroups++];
            memset(g, 0, sizeof *g);
            g->record = r;
            if (!r) {
                const char *parts[1] = {st->vulnerability};
                g->new_id = cve ? cve : std_new_id(s, "VUL-", parts, 1);
            }
            std_index_put(&by_key, key, (void *)(uintptr_t)ngroups);
        }
        if (g->n == g->cap) {
            g->cap = g->cap ? g->cap * 2 : 4;
            g->statements = xrealloc(g->statements, g->cap * sizeof *g->statements);
            g->targets = xrealloc(g->targets, g->cap * sizeof *g->targets);
        }
        g->statements[g->n] = i;
        g->targets[g->n++] = t;
    }
    for (size_t i = 0; i < ngroups; i++) {
        attach_group(s, &groups[i]);
        for (size_t k = 0; k < groups[i].n; k++)
            free(groups[i].targets[k].components);
        free(groups[i].statements);
        free(groups[i].targets);
    }
    free(groups);
    std_index_free(&known);
    std_index_free(&by_key);
}
