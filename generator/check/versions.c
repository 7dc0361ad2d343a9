/* versions.c: how each vulnerability stands in every release, and the
 * customer documents of every release still supported (a verdict of
 * postmarket.c, made against the build date): which components each ships. The
 * release the dossier describes ships the device's components (sbom/); an
 * earlier one those of the files its sbom field names, files of sbom/
 * (parts it shares with the current release) or of sbom/releases/ (load
 * reads those apart, model.release_sboms). A supported earlier release
 * without one is release-sbom-missing, a name that is not an SBOM read is
 * release-sbom, a file of sbom/releases/ no release names
 * release-sbom-unused. Part of check/. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static bool is(const char *s, const char *want) {
    return s && strcmp(s, want) == 0;
}

static bool under(const char *path, const char *folder) {
    return strncmp(path, folder, strlen(folder)) == 0;
}

/* Components kept in a growing array, each ID once. */
typedef struct CompList {
    ReleaseComponent *items;
    size_t n, cap;
} CompList;

static void comp_add(CompList *l, ReleaseComponent c) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].id, c.id) == 0) return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = c;
}

static int cmp_comp(const void *pa, const void *pb) {
    return strcmp(((const ReleaseComponent *)pa)->id, ((const ReleaseComponent *)pb)->id);
}

static bool lists(const Record *r, const char *field, const char *text) {
    const Value *v = record_field(r, field);
    if (v && v->kind == VAL_SCALAR) return is(v->text, text);
    for (size_t i = 0; v && v->kind == VAL_LIST && i < v->n; i++)
        if (v->items[i]->kind == VAL_SCALAR && is(v->items[i]->text, text)) return true;
    return false;
}

static const ReleaseSbom *release_sbom(const Model *m, const char *path) {
    for (size_t i = 0; i < m->nrelease_sboms; i++)
        if (strcmp(m->release_sboms[i].path, path) == 0) return &m->release_sboms[i];
    return NULL;
}

/* The device's components a file of sbom/ lists (their sboms field). */
static size_t current_from(Check *c, const char *path, CompList *l) {
    size_t n, found = 0;
    Record **recs = check_records(c, "component", &n);
    for (size_t i = 0; i < n; i++)
        if (lists(recs[i], "sboms", path)) {
            comp_add(l, (ReleaseComponent){recs[i], NULL, recs[i]->id});
            found++;
        }
    return found;
}

/* The components of an earlier release from the files its sbom field names;
 * false when it names none. */
static bool components_of(Check *c, SupportedVersion *sv, CompList *l) {
    const Record *r = sv->record;
    const Value *field = record_field(r, "sbom");
    const Value *single = field;
    const Value *const *items = &single;
    size_t n = field && field->kind == VAL_SCALAR ? 1 : 0;
    if (field && field->kind == VAL_LIST) {
        items = (const Value *const *)field->items;
        n = field->n;
    }
    const char **files = arena_alloc(c->m->arena, (n ? n : 1) * sizeof *files);
    sv->nsbom_files = 0;
    for (size_t i = 0; i < n; i++) {
        const char *path = check_text(items[i]);
        if (!path) continue;
        const ReleaseSbom *rs = under(path, "sbom/releases/") ? release_sbom(c->m, path) : NULL;
        size_t found = 0;
        if (rs) {
            for (size_t k = 0; k < rs->ncomponents; k++)
                comp_add(l, rs->components[k]);
            found = 1;
        } else if (under(path, "sbom/") && !under(path, "sbom/releases/")) {
            found = current_from(c, path, l);
        }
        if (!found) {
            check_report(c, RULE_RELEASE_SBOM, check_loc(r, items[i]), r,
                         "%s (%s): sbom names '%s', which is not an SBOM the dossier read: name "
                         "a file of sbom/ that lists components of the device, or an SBOM of "
                         "this release under sbom/releases/",
                         r->id, sv->version, path);
            continue;
        }
        files[sv->nsbom_files++] = path;
    }
    sv->sbom_files = files;
    return n > 0;
}

/* How v stands in release r. */
static VersionVulnerability judge(const Record *v, const Record *r) {
    VersionVulnerability out = {.record = v};
    int64_t rd = 0, from = 0, fix = 0;
    bool has_from = false, has_fix = false;
    check_date(record_field(r, "date"), &rd);
    size_t pos = 0;
    const Record *x;
    while ((x = check_linked(v, "introduced_in", &pos))) {
        int64_t d;
        if (check_date(record_field(x, "date"), &d) && (!has_from || d < from)) {
            from = d;
            has_from = true;
        }
    }
    pos = 0;
    while ((x = check_linked(v, "fixed_in", &pos))) {
        int64_t d;
        if (check_date(record_field(x, "date"), &d) && (!has_fix || d < fix)) {
            fix = d;
            has_fix = true;
            out.fixed_by = x;
        }
    }
    const char *state = record_str(v, "vex_state");
    if (has_from && rd < from) {
        out.state = "not_affected";
        out.justification = "component_not_present";
    } else if (is(state, "not_affected")) {
        out.state = "not_affected";
        out.justification = record_str(v, "vex_justification");
    } else if (has_fix && rd >= fix) {
        out.state = "fixed";
    } else if (is(state, "fixed") && !has_fix) {
        out.state = "fixed";
    } else if (is(state, "under_investigation")) {
        out.state = "under_investigation";
    } else {
        out.state = "affected";
    }
    return out;
}

static void judge_vulnerabilities(Check *c, SupportedVersion *sv) {
    size_t n;
    Record **vulns = check_records(c, "vulnerability", &n);
    sv->vulnerabilities = arena_alloc(c->m->arena, (n ? n : 1) * sizeof *sv->vulnerabilities);
    sv->nvulnerabilities = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pos = 0;
        bool fix = check_linked(vulns[i], "fixed_in", &pos) != NULL;
        if (!record_str(vulns[i], "vex_state") && !fix) continue;
        sv->vulnerabilities[sv->nvulnerabilities++] = judge(vulns[i], sv->record);
    }
}

static int cmp_version(const void *pa, const void *pb) {
    const SupportedVersion *a = pa, *b = pb;
    int k = strcmp(b->date ? b->date : "", a->date ? a->date : ""); /* newest first */
    return k ? k : strcmp(b->record->id, a->record->id);
}

void versions_judge(Check *c) {
    const Postmarket *p = &c->v->postmarket;
    Arena *a = c->m->arena;
    SupportedVersion *out = arena_alloc(a, (p->nreleases ? p->nreleases : 1) * sizeof *out);
    size_t n = 0;
    for (size_t i = 0; i < p->nreleases; i++) {
        const PmRelease *pr = &p->releases[i];
        SupportedVersion *sv = &out[n++];
        memset(sv, 0, sizeof *sv);
        sv->record = pr->record;
        sv->supported = pr->supported;
        sv->version = record_str(pr->record, "version");
        if (!sv->version) sv->version = pr->record->id;
        sv->date = record_str(pr->record, "date");
        sv->end_of_support = pr->eos.known ? record_str(pr->record, "end_of_support") : NULL;
        sv->current = pr->record == c->v->release;
        judge_vulnerabilities(c, sv);
        CompList l = {0};
        if (!sv->supported || sv->current) {
            /* no documents from its sbom field, but its names must still be SBOMs read */
            components_of(c, sv, &l);
            free(l.items);
            l = (CompList){0};
            sv->sbom_files = NULL;
            sv->nsbom_files = 0;
            if (!sv->supported) continue;
        }
        if (sv->current) {
            size_t nc;
            Record **recs = check_records(c, "component", &nc);
            for (size_t k = 0; k < nc; k++)
                comp_add(&l, (ReleaseComponent){recs[k], NULL, recs[k]->id});
            sv->sbom = "current";
        } else if (components_of(c, sv, &l)) {
            sv->sbom = l.n ? "own" : "missing";
        } else {
            sv->sbom = "missing";
            check_report(c, RULE_RELEASE_SBOM_MISSING, pr->record->loc, pr->record,
                         "%s (%s) is still supported (end of support %s) but names no SBOM: "
                         "its customer documents say none is available; give its SBOM files "
                         "in sbom (the files of sbom/releases/ and of sbom/ it ships)",
                         pr->record->id, sv->version,
                         sv->end_of_support ? sv->end_of_support : "not stated");
        }
        if (l.n) qsort(l.items, l.n, sizeof *l.items, cmp_comp);
        ReleaseComponent *items = arena_alloc(a, (l.n ? l.n : 1) * sizeof *items);
        if (l.n) memcpy(items, l.items, l.n * sizeof *items);
        sv->components = items;
        sv->ncomponents = l.n;
        free(l.items);
        if (!sv->current)
            sv->mds2 = mds2_for_version(c->m, sv->version, sv->components, sv->ncomponents,
                                        !is(sv->sbom, "missing"), &sv->nmds2);
    }
    if (n) qsort(out, n, sizeof *out, cmp_version);
    c->v->versions = out;
    c->v->nversions = n;

    /* a file of sbom/releases/ no release names is published nowhere */
    size_t nr;
    Record **rels = check_records(c, "release", &nr);
    for (size_t i = 0; i < c->m->nrelease_sboms; i++) {
        const char *path = c->m->release_sboms[i].path;
        bool named = false;
        for (size_t k = 0; k < nr && !named; k++)
            named = lists(rels[k], "sbom", path);
        if (!named)
            check_report(c, RULE_RELEASE_SBOM_UNUSED, (SrcLoc){path, 1, 0}, NULL,
                         "%s: no release names this SBOM in its sbom field, so no customer "
                         "document carries it",
                         path);
    }
}
