/* scan.c: the files under scans/: vulnerability scanners' JSON reports
 * (Grype, Trivy, OSV-Scanner) and a local copy of CISA's Known Exploited
 * Vulnerabilities catalogue (its JSON file; never fetched). Each finding
 * becomes a VEX-style statement with no state (named, not assessed), about
 * the package by purl and by name@version, so vex.c attaches it to the
 * SBOM component and to the vulnerability record of that ID, or generates
 * one for someone to assess (vulnerability-assessment). The statement's
 * detail says which tool, which version and when. The catalogue marks the
 * vulnerability records it lists (field kev, the date CISA added it) once
 * every record exists (scan_finish). Part of load/. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "standard.h"

/* One finding: what it is about and what the tool says. */
typedef struct Finding1 {
    const char *id;
    const char **aliases;
    size_t naliases;
    const char *purl, *name, *version;
    const char *vector, *score, *cwe, *summary;
    const char *vector4, *score4; /* CVSS v4.0, when the report gives it */
    SrcLoc loc;
} Finding1;

static void add_finding(Standard *s, const Finding1 *f, const char *tool, const char *when) {
    Arena *a = std_arena(s);
    StdStatement st;
    memset(&st, 0, sizeof st);
    st.vulnerability = arena_strdup(a, f->id);
    st.aliases = f->aliases;
    st.naliases = f->naliases;
    st.loc = f->loc;
    if (when) st.timestamp = arena_strdup(a, when);
    char day[11] = "";
    if (when) std_date(when, day);
    StrBuf d;
    sb_init(&d);
    sb_printf(&d, "Found by %s%s%s", tool, day[0] ? " on " : "", day);
    if (f->summary) {
        size_t n = strcspn(f->summary, "\n");
        sb_printf(&d, ": %.*s", (int)(n > 300 ? 300 : n), f->summary);
    }
    st.detail = arena_strdup(a, d.data);
    sb_free(&d);
    st.products = arena_alloc(a, sizeof *st.products);
    StdProduct *p = &st.products[st.nproducts++];
    memset(p, 0, sizeof *p);
    if (f->purl) p->purl = arena_strdup(a, f->purl);
    if (f->name && f->version) p->name = arena_printf(a, "%s@%s", f->name, f->version);
    if (f->vector && strncmp(f->vector, "CVSS:3", 6) == 0) {
        st.cvss_vector = arena_strdup(a, f->vector);
        if (f->score) st.cvss_score = arena_strdup(a, f->score);
    }
    if (f->vector4 && strncmp(f->vector4, "CVSS:4.0/", 9) == 0) {
        st.cvss4_vector = arena_strdup(a, f->vector4);
        if (f->score4) st.cvss4_score = arena_strdup(a, f->score4);
    }
    if (f->cwe) st.cwe = arena_strdup(a, f->cwe);
    std_statement_add(s, &st);
}

/* The text of a number or string value, for a score. */
static const char *num_text(const Value *v) {
    return v && v->kind == VAL_SCALAR ? v->text : NULL;
}

static const char **id_list(Standard *s, const Value *list, const char *key, const char *self,
                            size_t *n) {
    size_t k;
    const Value *const *items = std_items(list, &k);
    const char **out = arena_alloc(std_arena(s), (k + 1) * sizeof *out);
    *n = 0;
    for (size_t i = 0; i < k; i++) {
        const char *id = key ? std_get(items[i], key) : std_str(items[i]);
        if (id && strcasecmp(id, self) != 0) out[(*n)++] = arena_strdup(std_arena(s), id);
    }
    return out;
}

/* ---- Grype ---------------------------------------------------------------------- */

static void grype(Standard *s, const Value *root) {
    const Value *desc = value_get(root, "descriptor");
    const char *version = std_get(desc, "version");
    const char *tool = version ? arena_printf(std_arena(s), "Grype %s", version) : "Grype";
    const char *when = std_get(desc, "timestamp");
    size_t n;
    const Value *const *matches = std_items(value_get(root, "matches"), &n);
    for (size_t i = 0; i < n; i++) {
        const Value *v = value_get(matches[i], "vulnerability"),
                    *art = value_get(matches[i], "artifact");
        const char *id = std_get(v, "id");
        if (!id || !art) {
            rule_report(std_diag(s), RULE_SCAN_FORMAT, matches[i]->loc, NULL,
                        "a Grype match without vulnerability.id or artifact: left out");
            continue;
        }
        Finding1 f = {.id = id, .loc = matches[i]->loc};
        f.aliases =
            id_list(s, value_get(matches[i], "relatedVulnerabilities"), "id", id, &f.naliases);
        f.purl = std_get(art, "purl");
        f.name = std_get(art, "name");
        f.version = std_get(art, "version");
        f.summary = std_get(v, "description");
        size_t nc;
        const Value *const *cvss = std_items(value_get(v, "cvss"), &nc);
        for (size_t k = 0; k < nc; k++) {
            const char *vec = std_get(cvss[k], "vector");
            const char *score = num_text(value_get(value_get(cvss[k], "metrics"), "baseScore"));
            if (!f.vector && vec && strncmp(vec, "CVSS:3", 6) == 0) f.vector = vec, f.score = score;
            if (!f.vector4 && vec && strncmp(vec, "CVSS:4.0/", 9) == 0)
                f.vector4 = vec, f.score4 = score;
        }
        add_finding(s, &f, tool, when);
    }
}

/* ---- Trivy ------------------------------------------------------------------------ */

static void trivy(Standard *s, const Value *root) {
    const char *when = std_get(root, "CreatedAt");
    size_t nr;
    const Value *const *results = std_items(value_get(root, "Results"), &nr);
    for (size_t r = 0; r < nr; r++) {
        size_t n;
        const Value *const *vs = std_items(value_get(results[r], "Vulnerabilities"), &n);
        for (size_t i = 0; i < n; i++) {
            const char *id = std_get(vs[i], "VulnerabilityID");
            if (!id) {
                rule_report(std_diag(s), RULE_SCAN_FORMAT, vs[i]->loc, NULL,
                            "a Trivy vulnerability without VulnerabilityID: left out");
                continue;
            }
            Finding1 f = {.id = id, .loc = vs[i]->loc};
            f.aliases = arena_alloc(std_arena(s), sizeof *f.aliases);
            f.purl = std_get(value_get(vs[i], "PkgIdentifier"), "PURL");
            f.name = std_get(vs[i], "PkgName");
            f.version = std_get(vs[i], "InstalledVersion");
            f.summary = std_get(vs[i], "Title");
            size_t nc;
            const Value *const *cwes = std_items(value_get(vs[i], "CweIDs"), &nc);
            if (nc) f.cwe = std_str(cwes[0]);
            const Value *cvss = value_get(vs[i], "CVSS");
            const char *sources[] = {std_get(vs[i], "SeveritySource"), "nvd", "ghsa", "redhat"};
            for (size_t k = 0; k < 4 && !f.vector && cvss; k++) {
                const Value *c = sources[k] ? value_get(cvss, sources[k]) : NULL;
                f.vector = std_get(c, "V3Vector");
                f.score = num_text(value_get(c, "V3Score"));
            }
            for (size_t k = 0; k < 4 && !f.vector4 && cvss; k++) {
                const Value *c = sources[k] ? value_get(cvss, sources[k]) : NULL;
                f.vector4 = std_get(c, "V40Vector");
                f.score4 = num_text(value_get(c, "V40Score"));
            }
            add_finding(s, &f, "Trivy", when);
        }
    }
}

/* ---- OSV-Scanner ------------------------------------------------------------------ */

/* A purl for the OSV ecosystems whose purl type is plain; else NULL. */
static const char *osv_purl(Standard *s, const char *eco, const char *name, const char *version) {
    static const char *const map[][2] = {
        {"npm", "npm"},      {"PyPI", "pypi"},   {"Go", "golang"}, {"crates.io", "cargo"},
        {"RubyGems", "gem"}, {"NuGet", "nuget"}, {"Hex", "hex"},   {"Pub", "pub"},
    };
    if (!eco || !name || !version) return NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(eco, map[i][0]) == 0)
            return arena_printf(std_arena(s), "pkg:%s/%s@%s", map[i][1], name, version);
    if (strcmp(eco, "Maven") == 0 && strchr(name, ':')) {
        const char *colon = strchr(name, ':');
        return arena_printf(std_arena(s), "pkg:maven/%.*s/%s@%s", (int)(colon - name), name,
                            colon + 1, version);
    }
    return NULL;
}

static void osv(Standard *s, const Value *root, const char *when) {
    size_t nr;
    const Value *const *results = std_items(value_get(root, "results"), &nr);
    for (size_t r = 0; r < nr; r++) {
        size_t np;
        const Value *const *pkgs = std_items(value_get(results[r], "packages"), &np);
        for (size_t p = 0; p < np; p++) {
            const Value *pkg = value_get(pkgs[p], "package");
            size_t n;
            const Value *const *vs = std_items(value_get(pkgs[p], "vulnerabilities"), &n);
            for (size_t i = 0; i < n; i++) {
                const char *id = std_get(vs[i], "id");
                if (!id) continue;
                Finding1 f = {.id = id, .loc = vs[i]->loc};
                f.aliases = id_list(s, value_get(vs[i], "aliases"), NULL, id, &f.naliases);
                f.name = std_get(pkg, "name");
                f.version = std_get(pkg, "version");
                f.purl = osv_purl(s, std_get(pkg, "ecosystem"), f.name, f.version);
                f.summary = std_get(vs[i], "summary");
                size_t nc;
                const Value *const *sev = std_items(value_get(vs[i], "severity"), &nc);
                for (size_t k = 0; k < nc; k++) {
                    const char *type = std_get(sev[k], "type");
                    if (!f.vector && type && strcmp(type, "CVSS_V3") == 0)
                        f.vector = std_get(sev[k], "score");
                    if (!f.vector4 && type && strcmp(type, "CVSS_V4") == 0)
                        f.vector4 = std_get(sev[k], "score");
                }
                const Value *const *cwes =
                    std_items(value_get(value_get(vs[i], "database_specific"), "cwe_ids"), &nc);
                if (nc) f.cwe = std_str(cwes[0]);
                add_finding(s, &f, "OSV-Scanner", when);
            }
        }
    }
}

/* ---- the KEV catalogue ------------------------------------------------------------ */

static void kev(Standard *s, const Value *root) {
    size_t n;
    const Value *const *vs = std_items(value_get(root, "vulnerabilities"), &n);
    for (size_t i = 0; i < n; i++) {
        const char *cve = std_get(vs[i], "cveID"), *added = std_get(vs[i], "dateAdded");
        char day[11];
        if (!cve || !added || !std_date(added, day)) {
            rule_report(std_diag(s), RULE_SCAN_FORMAT, vs[i]->loc, NULL,
                        "a KEV entry without cveID or a dateAdded date: left out");
            continue;
        }
        std_kev_add(s, cve, day, vs[i]->loc);
    }
}

/* OSV-Scanner: {"results": [{"packages": [...]}, ...]}. */
static bool osv_shaped(const Value *root) {
    const Value *results = value_get(root, "results");
    if (!results || results->kind != VAL_LIST) return false;
    for (size_t i = 0; i < results->n; i++)
        if (value_get(results->items[i], "packages")) return true;
    return results->n == 0 && value_get(root, "experimental_config") != NULL;
}

bool scan_json(Standard *s, const char *rel, const Value *root, const char *file_time) {
    const Value *desc = value_get(root, "descriptor");
    const char *tool = std_get(desc, "name");
    if (root->kind == VAL_MAP && value_get(root, "matches") && tool && strcmp(tool, "grype") == 0)
        grype(s, root);
    else if (root->kind == VAL_MAP && value_get(root, "SchemaVersion") &&
             value_get(root, "Results"))
        trivy(s, root);
    else if (root->kind == VAL_MAP && value_get(root, "catalogVersion") &&
             value_get(root, "vulnerabilities"))
        kev(s, root);
    else if (root->kind == VAL_MAP && osv_shaped(root))
        osv(s, root, file_time);
    else
        return false;
    (void)rel;
    return true;
}

void std_kev_add(Standard *s, const char *cve, const char *day, SrcLoc loc) {
    if (!s->kev) {
        s->kev = xmalloc(sizeof *s->kev);
        memset(s->kev, 0, sizeof *s->kev);
    }
    Arena *a = std_arena(s);
    char *key = arena_strdup(a, cve);
    for (char *p = key; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    size_t n;
    std_index_get(s->kev, key, &n);
    if (!n) std_index_put(s->kev, key, (void *)std_scalar(s, loc, day));
}

/* The catalogue's day for a vulnerability ID (any case), or NULL. */
static Value *kev_day(Standard *s, const char *id) {
    char key[64];
    size_t n = strlen(id);
    if (n >= sizeof key) return NULL;
    for (size_t i = 0; i <= n; i++)
        key[i] = (char)toupper((unsigned char)id[i]);
    void *const *found = std_index_get(s->kev, key, &n);
    return n ? found[0] : NULL;
}

void scan_finish(Standard *s) {
    if (!s->kev) return;
    const RecordType *type = schema_type(s->m->schema, "vulnerability");
    const FieldDef *f = type ? schema_field(type, "kev") : NULL;
    if (!f) return;
    for (size_t i = 0; i < s->m->nrecords; i++) {
        Record *r = s->m->records[i];
        if (r->type != type || r->fields[f->index].value) continue;
        Value *day = kev_day(s, r->id);
        const Value *aliases = record_field(r, "aliases");
        for (size_t k = 0; !day && aliases && aliases->kind == VAL_LIST && k < aliases->n; k++)
            if (aliases->items[k]->kind == VAL_SCALAR) day = kev_day(s, aliases->items[k]->text);
        if (day) r->fields[f->index].value = day;
    }
}
