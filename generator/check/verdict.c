/* verdict.c: the judgments the outputs state, made once (model/verdict.h).
 * Before the rules: the latest result of every test and the release the
 * dossier submits, which the rules read. After them: the states the rules
 * did not set, the traceability matrix with its gaps, the residual-risk
 * counts and the 524B / eSTAR checklist, each item decided by the findings
 * of named rules, so that `check --fail-on` gates on whatever the checklist
 * says: a fail rests on error findings, an unknown on warnings. Part of
 * check/. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static bool is(const char *s, const char *want) {
    return s && strcmp(s, want) == 0;
}

RecordVerdict *check_verdict(Check *c, const Record *r) {
    return &c->v->records[r->order];
}

const RecordVerdict *check_latest(const Check *c, const Record *test) {
    const RecordVerdict *v = &c->v->records[test->order];
    return v->latest ? v : NULL;
}

/* ---- before the rules ------------------------------------------------------------- */

/* The latest result of a test, the one definition: the entry with the
 * greatest date, the last written among equal dates; entries without a
 * valid date or result are left to the typing findings. A test without
 * one has the state "no-result". */
static void judge_tests(Check *c) {
    size_t n;
    Record **tests = check_records(c, "test", &n);
    for (size_t i = 0; i < n; i++) {
        RecordVerdict *v = check_verdict(c, tests[i]);
        const Value *results = record_field(tests[i], "results");
        for (size_t k = 0; results && results->kind == VAL_LIST && k < results->n; k++) {
            const Value *e = results->items[k];
            int64_t days;
            const char *result = check_text(value_get(e, "result"));
            if (!result || !check_date(value_get(e, "date"), &days)) continue;
            if (v->latest && days < v->latest_date) continue;
            v->latest = e;
            v->latest_date = days;
            v->state = result;
        }
        if (!v->latest) v->state = "no-result";
    }
}

/* The release submitted: the one whose version is the product's, else the
 * latest by date (the later ID among equal dates). */
static void judge_release(Check *c) {
    size_t n;
    Record **releases = check_records(c, "release", &n);
    const char *version = c->m->product.version;
    const Record *best = NULL;
    int64_t best_date = 0;
    for (size_t i = 0; i < n; i++) {
        if (version && is(record_str(releases[i], "version"), version)) {
            c->v->release = releases[i];
            return;
        }
        int64_t d;
        if (check_date(record_field(releases[i], "date"), &d) && (!best || d >= best_date)) {
            best = releases[i];
            best_date = d;
        }
    }
    c->v->release = best;
}

/* ---- after the rules: states the rules did not set ----------------------------- */

/* A vulnerability's handling: not-affected, fixed (a fixed date or a
 * release that fixes it), under-investigation, or open. */
static void judge_vulnerabilities(Check *c) {
    size_t n;
    Record **recs = check_records(c, "vulnerability", &n);
    for (size_t i = 0; i < n; i++) {
        RecordVerdict *v = check_verdict(c, recs[i]);
        const char *vex = record_str(recs[i], "vex_state");
        size_t pos = 0;
        const Record *rel = check_linked(recs[i], "fixed_in", &pos);
        if (is(vex, "not_affected"))
            v->state = "not-affected";
        else if (check_text(record_field(recs[i], "fixed")) || rel || is(vex, "fixed"))
            v->state = "fixed";
        else if (is(vex, "under_investigation"))
            v->state = "under-investigation";
        else
            v->state = "open";
        if (rel) v->detail = rel->id;
    }
}

/* An advisory's audience: draft, public (TLP:CLEAR, the default) or
 * restricted (any other label, or recipients without a label), and its
 * label as TLP 2.0 and CSAF 2.0 name it. The one place that decides what a public page may show. */
static void judge_advisories(Check *c) {
    size_t n;
    Record **recs = check_records(c, "advisory", &n);
    for (size_t i = 0; i < n; i++) {
        RecordVerdict *v = check_verdict(c, recs[i]);
        const char *tlp = record_str(recs[i], "tlp");
        const Value *to = record_field(recs[i], "recipients");
        if (!tlp && to && to->kind == VAL_LIST && to->n > 0)
            tlp = "RED"; /* recipients without a (valid) label, an error of
                            advisory-recipients or enum-value: failing safe,
                            a build made anyway (--fail-on none) keeps it from
                            everyone but them */
        else if (!tlp || is(tlp, "WHITE"))
            tlp = "CLEAR";
        v->tlp = tlp;
        v->csaf_tlp = is(tlp, "CLEAR") ? "WHITE" : is(tlp, "AMBER+STRICT") ? "AMBER" : tlp;
        if (is(record_str(recs[i], "status"), "draft"))
            v->state = "draft";
        else
            v->state = is(tlp, "CLEAR") ? "public" : "restricted";
    }
}

/* A vulnerability is embargoed while only restricted advisories tell of
 * it and it is open or under investigation: the public documents leave it
 * out until it is fixed or a public advisory tells of it
 * (vulnerability-restricted says so). After judge_advisories. */
static void judge_embargo(Check *c) {
    size_t n;
    Record **recs = check_records(c, "vulnerability", &n);
    for (size_t i = 0; i < n; i++) {
        RecordVerdict *v = check_verdict(c, recs[i]);
        if (recs[i]->internal) continue; /* in no public document anyway */
        if (!is(v->state, "open") && !is(v->state, "under-investigation")) continue;
        size_t restricted = 0, told = 0, pos = 0;
        for (const Record *adv; (adv = check_linked(recs[i], "advisories", &pos));) {
            const RecordVerdict *a = check_verdict(c, adv);
            if (adv->internal || is(a->state, "draft")) continue;
            if (is(a->state, "restricted"))
                restricted++;
            else
                told++;
        }
        if (restricted == 0 || told > 0) continue;
        v->embargoed = true;
        check_report(c, RULE_VULNERABILITY_RESTRICTED, check_loc(recs[i], NULL), recs[i],
                     "%s: only restricted advisories tell of it and it is not fixed: the public "
                     "CSAF VEX and customer SBOM leave it out until it is fixed or a public "
                     "advisory tells of it",
                     recs[i]->id);
    }
}

/* The product's parts a vulnerability affects (its affects links to
 * assets with part: true) and those it does not; none of either when it
 * affects no part, as it then concerns the product as a whole, or when
 * the product is not affected at all. */
static void judge_parts(Check *c) {
    Arena *a = c->m->arena;
    size_t nassets, nvulns;
    Record **assets = check_records(c, "asset", &nassets);
    Record **vulns = check_records(c, "vulnerability", &nvulns);
    size_t nparts = 0;
    for (size_t i = 0; i < nassets; i++)
        if (is(record_str(assets[i], "part"), "true")) nparts++;
    if (nparts == 0) return;
    for (size_t i = 0; i < nvulns; i++) {
        RecordVerdict *v = check_verdict(c, vulns[i]);
        if (is(v->state, "not-affected")) continue; /* no part is, then */
        const Record **hit = arena_alloc(a, nparts * sizeof *hit),
                     **miss = arena_alloc(a, nparts * sizeof *miss);
        size_t nhit = 0, nmiss = 0;
        for (size_t k = 0; k < nassets; k++) {
            if (!is(record_str(assets[k], "part"), "true")) continue;
            bool affected = false;
            size_t pos = 0;
            for (const Record *r; !affected && (r = check_linked(vulns[i], "affects", &pos));)
                affected = r == assets[k];
            if (affected)
                hit[nhit++] = assets[k];
            else
                miss[nmiss++] = assets[k];
        }
        if (nhit == 0) continue;
        v->parts_affected = hit;
        v->nparts_affected = nhit;
        v->parts_unaffected = miss;
        v->nparts_unaffected = nmiss;
    }
}

/* ---- the traceability matrix --------------------------------------------------- */

typedef struct Rows {
    MatrixRow *items;
    size_t n, cap;
} Rows;

static MatrixRow *add_row(Rows *rows, const Record *threat, const Record *control,
                          const Record *test) {
    if (rows->n == rows->cap) {
        rows->cap = rows->cap ? rows->cap * 2 : 64;
        rows->items = xrealloc(rows->items, rows->cap * sizeof *rows->items);
    }
    MatrixRow *r = &rows->items[rows->n++];
    *r = (MatrixRow){.threat = threat, .control = control, .test = test};
    return r;
}

static bool in_place(const Record *control) {
    const char *s = record_str(control, "status");
    return is(s, "implemented") || is(s, "partial");
}

/* The rule behind a gap on a row of control: the control's own when it is
 * in place, else the threat's when the threat is left open. */
static const char *gap_rule(Check *c, const Record *threat, const Record *control) {
    if (control && in_place(control)) return check_verdict(c, control)->rule;
    return check_verdict(c, threat)->rule;
}

static void judge_matrix(Check *c) {
    Arena *a = c->m->arena;
    size_t n;
    Record **threats = check_records(c, "threat", &n);
    Rows rows = {0};
    for (size_t i = 0; i < n; i++) {
        const Record *threat = threats[i];
        size_t first_of_threat = rows.n, pos = 0;
        const Record *control;
        while ((control = check_linked(threat, "mitigated_by", &pos))) {
            size_t first = rows.n, tpos = 0;
            const Record *test;
            const char *status = record_str(control, "status");
            while ((test = check_linked(control, "verified_by", &tpos))) {
                MatrixRow *row = add_row(&rows, threat, control, test);
                const RecordVerdict *tv = check_verdict(c, test);
                if (!tv->latest)
                    row->gap = "Test has no result";
                else if (!is(tv->state, "pass"))
                    row->gap = arena_printf(a, "Latest result is %s", tv->state);
                if (row->gap && status && !is(status, "implemented"))
                    row->gap = arena_printf(a, "%s (the control is %s)", row->gap, status);
                if (row->gap) row->rule = gap_rule(c, threat, control);
            }
            if (rows.n == first) {
                MatrixRow *row = add_row(&rows, threat, control, NULL);
                row->gap = "Control has no test";
                row->rule = gap_rule(c, threat, control);
            }
            rows.items[first].control_rows = rows.n - first;
        }
        if (rows.n == first_of_threat) {
            MatrixRow *row = add_row(&rows, threat, NULL, NULL);
            row->control_rows = 1;
            if (!record_field(threat, "accepted")) {
                row->gap = "No control and no risk acceptance";
                row->rule = check_verdict(c, threat)->rule;
            }
        }
    }
    size_t gaps = 0;
    for (size_t i = 0; i < rows.n; i++)
        if (rows.items[i].gap) rows.items[i].gap_number = ++gaps;
    c->v->matrix = arena_alloc(a, (rows.n ? rows.n : 1) * sizeof *c->v->matrix);
    if (rows.n) memcpy(c->v->matrix, rows.items, rows.n * sizeof *rows.items);
    c->v->nmatrix = rows.n;
    c->v->gaps = gaps;
    free(rows.items);
}

static void judge_risk(Check *c) {
    size_t n;
    Record **threats = check_records(c, "threat", &n);
    RiskCounts *k = &c->v->risk;
    k->threats = n;
    for (size_t i = 0; i < n; i++) {
        const RecordVerdict *v = check_verdict(c, threats[i]);
        bool accepted = record_field(threats[i], "accepted") != NULL;
        bool mitigated = false;
        size_t pos = 0;
        const Record *ctl;
        while (!mitigated && (ctl = check_linked(threats[i], "mitigated_by", &pos)))
            mitigated = in_place(ctl);
        if (mitigated) k->mitigated++;
        if (accepted) k->accepted++;
        if (!mitigated && !accepted) k->open++;
        if (is(v->risk, "not-acceptable") && !accepted) k->not_acceptable++;
    }
    Record **anomalies = check_records(c, "anomaly", &n);
    for (size_t i = 0; i < n; i++)
        if (is(check_verdict(c, anomalies[i])->state, "unresolved")) c->v->unresolved_anomalies++;
}

/* ---- the 524B / eSTAR checklist -------------------------------------------------- */

/* A finding by its rule, to sort and search. */
typedef struct ByRule {
    const char *rule;
    size_t index; /* in the Diag */
} ByRule;

typedef struct Judge {
    Check *c;
    ByRule *by_rule; /* every finding, sorted by rule, then by position */
    size_t nfindings;
    unsigned char *mark; /* by Record.order: in the current scope */
    ChecklistItem *items;
    size_t n, cap;
} Judge;

/* What the findings of some rules say over a scope of records. */
typedef struct Gathered {
    size_t errors, warnings, n;
    const Record **records; /* the records of the findings, sorted by ID, each once (malloc) */
    size_t nrecords;
} Gathered;

static int cmp_by_rule(const void *pa, const void *pb) {
    const ByRule *a = pa, *b = pb;
    int r = strcmp(a->rule, b->rule);
    return r ? r : (a->index > b->index) - (a->index < b->index);
}

static int cmp_record_id(const void *pa, const void *pb) {
    const Record *a = *(const Record *const *)pa, *b = *(const Record *const *)pb;
    return strcmp(a->id, b->id);
}

/* The findings of the rules (space-separated) whose record is in scope
 * (NULL: any record) or which name no record. */
static Gathered gather(Judge *j, const char *rules, const Record *const *scope, size_t nscope) {
    Gathered g = {0};
    const Diag *d = j->c->d;
    for (size_t i = 0; i < nscope; i++)
        j->mark[scope[i]->order] = 1;
    size_t cap = 0;
    for (const char *p = rules; *p;) {
        p += strspn(p, " ");
        size_t len = strcspn(p, " ");
        if (!len) break;
        char rule[64];
        if (len >= sizeof rule) len = sizeof rule - 1;
        memcpy(rule, p, len);
        rule[len] = '\0';
        size_t lo = 0, hi = j->nfindings; /* the first finding of the rule */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(j->by_rule[mid].rule, rule) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < j->nfindings; k++) {
            const Finding *f = &d->items[j->by_rule[k].index];
            if (strcmp(f->rule, rule) != 0) break;
            const Record *rec = f->record ? model_find(j->c->m, f->record) : NULL;
            if (scope && rec && !j->mark[rec->order]) continue;
            g.n++;
            if (f->severity == SEV_ERROR)
                g.errors++;
            else if (f->severity == SEV_WARNING)
                g.warnings++;
            if (!rec) continue;
            if (g.nrecords == cap) {
                cap = cap ? cap * 2 : 16;
                g.records = xrealloc(g.records, cap * sizeof *g.records);
            }
            g.records[g.nrecords++] = rec;
        }
        p += len;
    }
    for (size_t i = 0; i < nscope; i++)
        j->mark[scope[i]->order] = 0;
    if (g.nrecords) {
        qsort(g.records, g.nrecords, sizeof *g.records, cmp_record_id);
        size_t w = 1;
        for (size_t i = 1; i < g.nrecords; i++)
            if (g.records[i] != g.records[w - 1]) g.records[w++] = g.records[i];
        g.nrecords = w;
    }
    return g;
}

static void gathered_free(Gathered *g) {
    free(g->records);
    g->records = NULL;
}

static const Record **copy_records(Arena *a, const Record *const *recs, size_t n) {
    const Record **out = arena_alloc(a, (n ? n : 1) * sizeof *out);
    if (n) memcpy(out, recs, n * sizeof *out);
    return out;
}

static ChecklistItem *add_item(Judge *j, const char *ref, const char *question, VerdictState state,
                               const char *rules, const Record *const *recs, size_t nrecs,
                               const char *fmt, ...) PRINTF_LIKE(8, 9);
static ChecklistItem *add_item(Judge *j, const char *ref, const char *question, VerdictState state,
                               const char *rules, const Record *const *recs, size_t nrecs,
                               const char *fmt, ...) {
    if (j->n == j->cap) {
        j->cap = j->cap ? j->cap * 2 : 32;
        j->items = xrealloc(j->items, j->cap * sizeof *j->items);
    }
    StrBuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    Arena *a = j->c->m->arena;
    ChecklistItem *it = &j->items[j->n++];
    *it = (ChecklistItem){.ref = ref,
                          .question = question,
                          .state = state,
                          .detail = arena_strndup(a, sb.data ? sb.data : "", sb.len),
                          .rules = rules ? rules : "",
                          .records = copy_records(a, recs, nrecs),
                          .nrecords = nrecs};
    sb_free(&sb);
    return it;
}

/* "3 threats", "1 threat". */
static const char *count_text(Arena *a, size_t n, const char *one, const char *many) {
    return arena_printf(a, "%zu %s", n, n == 1 ? one : many);
}

/* "CTL-1, CTL-2 and 3 more": the first eight IDs. */
static const char *ids_text(Arena *a, const Record *const *recs, size_t n) {
    StrBuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (i == 8) {
            sb_printf(&sb, ", and %zu more", n - 8);
            break;
        }
        sb_printf(&sb, "%s%s", i ? ", " : "", recs[i]->id);
    }
    const char *out = arena_strndup(a, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return out;
}

/* An item decided by the findings of rules over a scope: fail on an error,
 * unknown on a warning (naming the records), else pass resting on scope. */
static void by_findings(Judge *j, const char *ref, const char *question, const char *rules,
                        const Record *const *scope, size_t nscope, const char *pass_detail,
                        const char *fail_detail) {
    Arena *a = j->c->m->arena;
    Gathered g = gather(j, rules, scope, nscope);
    if (g.errors || g.warnings)
        add_item(j, ref, question, g.errors ? VERDICT_FAIL : VERDICT_UNKNOWN, rules, g.records,
                 g.nrecords, "%s: %s (%s).", fail_detail,
                 count_text(a, g.errors + g.warnings, "finding", "findings"),
                 g.nrecords ? ids_text(a, g.records, g.nrecords) : "see the findings");
    else
        add_item(j, ref, question, VERDICT_PASS, rules, scope, nscope, "%s", pass_detail);
    gathered_free(&g);
}

typedef struct Set {
    const Record **items;
    size_t n;
} Set;

/* What an item says when the records it rests on are none. */
typedef struct Absent {
    VerdictState state;
    const char *rule;
    const char *detail;
} Absent;

/* No SBOM: nothing says what the device is made of. */
static Absent no_sbom(const char *detail) {
    return (Absent){VERDICT_UNKNOWN, "sbom-missing", detail};
}

/* No threat: there is no threat model. */
static Absent no_threats(const char *detail) {
    return (Absent){VERDICT_FAIL, "threat-model-empty", detail};
}

/* When scope is empty, the item absent says, and true; else false. */
static bool absent_item(Judge *j, const char *ref, const char *question, Set scope, Absent absent) {
    if (scope.n) return false;
    add_item(j, ref, question, absent.state, absent.rule, NULL, 0, "%s", absent.detail);
    return true;
}

/* by_findings over scope, or the item absent says when scope is empty. */
static void by_findings_in(Judge *j, const char *ref, const char *question, Set scope,
                           Absent absent, const char *rules, const char *pass_detail,
                           const char *fail_detail) {
    if (!absent_item(j, ref, question, scope, absent))
        by_findings(j, ref, question, rules, scope.items, scope.n, pass_detail, fail_detail);
}

/* The records of a type whose field has one of the values (space-separated). */
static Set where(Judge *j, const char *type, const char *field, const char *values) {
    size_t n;
    Record **recs = check_records(j->c, type, &n);
    Set s = {arena_alloc(j->c->m->arena, (n ? n : 1) * sizeof *s.items), 0};
    for (size_t i = 0; i < n; i++) {
        const char *v = record_str(recs[i], field);
        if (!v) continue;
        size_t len = strlen(v);
        for (const char *p = values; (p = strstr(p, v)); p += len)
            if ((p == values || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0')) {
                s.items[s.n++] = recs[i];
                break;
            }
    }
    return s;
}

static Set all_of(Judge *j, const char *type) {
    size_t n;
    Record **recs = check_records(j->c, type, &n);
    return (Set){(const Record **)recs, n};
}

static void checklist(Judge *j) {
    Check *c = j->c;
    Arena *a = c->m->arena;
    const Product *p = &c->m->product;
    Set threats = all_of(j, "threat"), controls = all_of(j, "control"), tests = all_of(j, "test");
    Set views = all_of(j, "view"), vulns = all_of(j, "vulnerability"),
        components = all_of(j, "component");
    Set assets = all_of(j, "asset"), signals = all_of(j, "signal");
    Gathered g;

    /* 524B(c) */
    const char *q = "Is the device a cyber device?";
    g = gather(j, "cyber-device", NULL, 0);
    if (g.n)
        add_item(j, "524B(c)", q, VERDICT_FAIL, "cyber-device", NULL, 0,
                 "dossier.xml says no, but the assets' interfaces connect the device (the "
                 "cyber-device finding).");
    else if (is(p->cyber_device, "yes") || is(p->cyber_device, "no"))
        add_item(j, "524B(c)", q, VERDICT_PASS, "cyber-device", NULL, 0,
                 "dossier.xml determines: %s%s%s", p->cyber_device,
                 p->cyber_device_reason ? ". " : "",
                 p->cyber_device_reason ? p->cyber_device_reason : "");
    else
        add_item(j, "524B(c)", q, VERDICT_UNKNOWN, "cyber-device-missing", NULL, 0,
                 "dossier.xml gives no cyber-device determination (cyberDevice).");
    gathered_free(&g);

    /* 524B(b)(1) */
    q = "Plan to monitor, identify and address postmarket vulnerabilities, with coordinated "
        "vulnerability disclosure";
    if (p->cvd_policy_url)
        add_item(j, "524B(b)(1)", q, VERDICT_MANUAL, "", signals.items, signals.n,
                 "Attach the cybersecurity management plan (08). The dossier names the CVD policy "
                 "at %s and records %s.",
                 p->cvd_policy_url,
                 count_text(a, signals.n, "surveillance signal", "surveillance signals"));
    else
        add_item(
            j, "524B(b)(1)", q, VERDICT_FAIL, "cvd-policy", NULL, 0,
            "dossier.xml names no coordinated vulnerability disclosure policy (cvd policy=\"…\").");

    /* 524B(b)(2)(B) */
    q = "Uncontrolled-risk vulnerabilities communicated within 30 days and fixed within 60 days";
    const char *ref = "524B(b)(2)(B); postmarket 30/60 days";
    Set uncontrolled = where(j, "vulnerability", "risk", "uncontrolled");
    if (!uncontrolled.n)
        add_item(j, ref, q, VERDICT_NA, "uncontrolled-communicated uncontrolled-fixed", vulns.items,
                 vulns.n, "No vulnerability is assessed as uncontrolled risk (%s recorded).",
                 count_text(a, vulns.n, "vulnerability", "vulnerabilities"));
    else
        by_findings(
            j, ref, q, "uncontrolled-communicated uncontrolled-fixed", uncontrolled.items,
            uncontrolled.n,
            arena_printf(a, "%s communicated and fixed on time.",
                         count_text(a, uncontrolled.n, "uncontrolled-risk vulnerability was",
                                    "uncontrolled-risk vulnerabilities were")),
            "Late communication or fix");

    /* 524B(b)(2)(A) */
    Set cycle = where(j, "release", "kind", "routine out-of-cycle");
    Set routine = where(j, "release", "kind", "routine");
    add_item(j, "524B(b)(2)(A)", "Updates and patches on a reasonably justified regular cycle",
             VERDICT_MANUAL, "", cycle.items, cycle.n,
             "Cite the plan's regular-cycle timeline and its justification. The dossier records %s "
             "and %s.",
             count_text(a, routine.n, "routine release", "routine releases"),
             count_text(a, cycle.n - routine.n, "out-of-cycle release", "out-of-cycle releases"));

    /* eSTAR 69 */
    q = "Software bill of materials (commercial, open-source and off-the-shelf components)";
    by_findings_in(
        j, "524B(b)(3); eSTAR 69", q, components,
        no_sbom("No SBOM loaded: the dossier has no sbom/ folder with a CycloneDX or SPDX file."),
        "component-ntia",
        arena_printf(a, "%s the NTIA minimum elements.",
                     count_text(a, components.n, "component carries", "components carry")),
        "Components lack NTIA minimum elements");

    /* eSTAR 70 */
    q = "Level of support and end-of-support date of each component";
    by_findings_in(
        j, "eSTAR 70", q, components,
        no_sbom("No SBOM loaded, so no component's support can be stated."),
        "component-support component-eos-plan component-eos-overdue component-eos-shipped "
        "component-support-unknown",
        "Every component gives its level of support and end-of-support date, and every plan "
        "for "
        "one past its end of support is on time.",
        "Support data, end-of-support plans or their dates");

    add_item(j, "eSTAR 71",
             "Supported operating systems and versions (none past or near end of support)",
             VERDICT_MANUAL, "", NULL, 0,
             "The dossier has no field for supported operating systems: list them and attach the "
             "evidence.");

    /* eSTAR 63 */
    q = "Security risk management report";
    by_findings_in(j, "eSTAR 63", q, threats, no_threats("The dossier has no threats."),
                   "threat-mitigated threat-acceptance threat-residual-risk",
                   arena_printf(a,
                                "Written from %s, each mitigated or accepted with rationale (01).",
                                count_text(a, threats.n, "threat", "threats")),
                   "Threats neither mitigated nor accepted, or residual risk not acceptable");

    /* eSTAR 64 */
    q = "Threat model covering all end-to-end elements";
    if (!absent_item(j, "eSTAR 64", q, threats, no_threats("The dossier has no threats."))) {
        size_t nscope = threats.n + assets.n;
        const Record **scope = xmalloc((nscope ? nscope : 1) * sizeof *scope);
        if (threats.n) memcpy(scope, threats.items, threats.n * sizeof *scope);
        if (assets.n) memcpy(scope + threats.n, assets.items, assets.n * sizeof *scope);
        by_findings(
            j, "eSTAR 64", q, "asset-threatened", scope, nscope,
            arena_printf(
                a, "Every one of the %s is named by a threat, or dossier.xml justifies it (01a).",
                count_text(a, assets.n, "asset", "assets")),
            "Assets named by no threat");
        free(scope);
    }

    /* eSTAR 65: STRIDE is a required field, so a threat without one has a
     * required-field finding */
    q = "Threat modeling methodology";
    if (!absent_item(j, "eSTAR 65", q, threats, no_threats("The dossier has no threats."))) {
        Set nostride = {arena_alloc(a, threats.n * sizeof *nostride.items), 0};
        for (size_t i = 0; i < threats.n; i++)
            if (!record_str(threats.items[i], "stride"))
                nostride.items[nostride.n++] = threats.items[i];
        if (nostride.n)
            add_item(j, "eSTAR 65", q, VERDICT_FAIL, "required-field", nostride.items, nostride.n,
                     "%s no STRIDE category: %s.",
                     count_text(a, nostride.n, "threat gives", "threats give"),
                     ids_text(a, nostride.items, nostride.n));
        else
            add_item(j, "eSTAR 65", q, VERDICT_PASS, "required-field", threats.items, threats.n,
                     "STRIDE: every threat names its category.");
    }

    by_findings(
        j, "eSTAR 66, 76",
        "The four architecture views (global system, multi-patient harm, "
        "updatability/patchability, security use cases)",
        "architecture-view view-content diagram-file", views.items, views.n,
        arena_printf(a, "%s cover the four kinds, or dossier.xml justifies the missing ones (03).",
                     count_text(a, views.n, "view", "views")),
        "Missing or incomplete architecture views");

    /* eSTAR 67, 68 */
    q = "Cybersecurity risk assessment by exploitability (not probability), with scoring method "
        "and acceptance criteria";
    by_findings_in(j, "eSTAR 67, 68", q, threats,
                   no_threats("The dossier has no threats, so nothing is assessed."),
                   "threat-post-mitigation threat-residual-risk threat-risk-matrix risk-matrix",
                   "Each threat is scored by exploitability before and after controls and by "
                   "severity of patient "
                   "harm, and its residual risk is read from the risk acceptance matrix of "
                   "dossier.xml (01b).",
                   "Threats without post-mitigation exploitability, residual risk not acceptable "
                   "or not by the "
                   "acceptance matrix");

    /* eSTAR 72 */
    q = "Assessment of vulnerabilities in the SBOM components, with controls";
    if (vulns.n)
        by_findings(j, "eSTAR 72", q,
                    "vulnerability-assessment vex-justification vulnerability-unknown", vulns.items,
                    vulns.n,
                    arena_printf(a, "%s assessed (01d).",
                                 count_text(a, vulns.n, "vulnerability is", "vulnerabilities are")),
                    "Vulnerabilities without a complete assessment");
    else if (!absent_item(j, "eSTAR 72", q, components,
                          no_sbom("No SBOM loaded and no vulnerability recorded: nothing shows "
                                  "the components were checked for known vulnerabilities.")))
        add_item(j, "eSTAR 72", q, VERDICT_MANUAL, "", components.items, components.n,
                 "No vulnerability is recorded against the %s: attach the scan (KEV included) that "
                 "found none.",
                 count_text(a, components.n, "component", "components"));

    /* eSTAR 73: the anomalies unresolved in the release submitted */
    q = "Assessment of unresolved anomalies";
    Set unresolved = {arena_alloc(a, (c->v->unresolved_anomalies + 1) * sizeof *unresolved.items),
                      0};
    Set anomalies = all_of(j, "anomaly");
    for (size_t i = 0; i < anomalies.n; i++)
        if (is(check_verdict(c, anomalies.items[i])->state, "unresolved"))
            unresolved.items[unresolved.n++] = anomalies.items[i];
    if (!unresolved.n)
        add_item(j, "eSTAR 73", q, VERDICT_NA, "anomaly-cwe", anomalies.items, anomalies.n,
                 "No anomaly is unresolved in the release submitted; 01e states that none exist.");
    else
        by_findings(j, "eSTAR 73", q, "anomaly-cwe", unresolved.items, unresolved.n,
                    arena_printf(a, "%s assessed with CWE and security impact (01e).",
                                 count_text(a, unresolved.n, "unresolved anomaly is",
                                            "unresolved anomalies are")),
                    "Unresolved anomalies without a CWE");

    /* eSTAR 74 */
    size_t affected = 0;
    for (size_t i = 0; i < vulns.n; i++)
        if (!is(check_verdict(c, vulns.items[i])->state, "not-affected")) affected++;
    q = "Cybersecurity metrics data";
    if (!affected)
        add_item(j, "eSTAR 74", q, VERDICT_NA, "", vulns.items, vulns.n,
                 "No vulnerability affects the device, so there is nothing to measure yet; the "
                 "plan (08) says how "
                 "metrics will be kept.");
    else
        add_item(j, "eSTAR 74", q, VERDICT_PASS, "", vulns.items, vulns.n,
                 "Share patched, time to patch and time to field, by severity, over %s (02).",
                 count_text(a, affected, "vulnerability", "vulnerabilities"));

    by_findings(j, "eSTAR 75", "Security controls in the eight categories", "control-category",
                controls.items, controls.n,
                arena_printf(a,
                             "%s the eight categories, or dossier.xml justifies a category (04).",
                             count_text(a, controls.n, "control covers", "controls cover")),
                "Categories without an implemented control or justification");

    /* eSTAR 77 */
    q = "Cybersecurity testing and test reports";
    const char *test_rules =
        "control-verified control-test-failed control-test-incomplete evidence-file test-category";
    g = gather(j, test_rules, NULL, 0);
    Gathered manual = gather(j, "control-manual", NULL, 0);
    if (g.errors || g.warnings)
        add_item(j, "eSTAR 77", q, g.errors ? VERDICT_FAIL : VERDICT_UNKNOWN, test_rules, g.records,
                 g.nrecords,
                 "Controls without a passing latest result on every test, evidence files that are "
                 "not in the "
                 "dossier, or test categories without a test: %s (%s).",
                 count_text(a, g.errors + g.warnings, "finding", "findings"),
                 g.nrecords ? ids_text(a, g.records, g.nrecords) : "see the findings");
    else if (manual.n)
        add_item(j, "eSTAR 77", q, VERDICT_MANUAL, "control-manual", manual.records,
                 manual.nrecords,
                 "Attach the evidence of the manual results of %s; the rest passed (06).",
                 ids_text(a, manual.records, manual.nrecords));
    else
        add_item(j, "eSTAR 77", q, VERDICT_PASS, test_rules, tests.items, tests.n,
                 "%s in all four categories; every test of every implemented control passed in its "
                 "latest "
                 "result (06).",
                 count_text(a, tests.n, "test", "tests"));
    gathered_free(&g);
    gathered_free(&manual);

    add_item(j, "eSTAR 78",
             "Cybersecurity management plan with regular-cycle and out-of-cycle patch timelines",
             VERDICT_MANUAL, "", NULL, 0,
             "Attach the plan and cite the pages with both timelines and their justification; 08 "
             "lists what the "
             "dossier records.");
    /* VI.A: the fourteen labeling items, each answered by a labeling record */
    q = "Labeling: cybersecurity information for users";
    Set labeling = all_of(j, "labeling");
    size_t answered = 0;
    for (size_t i = 0; i < c->v->nlabeling; i++)
        answered += strcmp(c->v->labeling[i].state, "missing") != 0;
    g = gather(j, "labeling-item labeling-reason", NULL, 0);
    if (g.errors)
        add_item(j, "VI.A", q, VERDICT_FAIL, "labeling-item labeling-reason", labeling.items,
                 labeling.n, "A not-applicable labeling item gives no reason (07).");
    else if (g.n)
        add_item(j, "VI.A", q, VERDICT_UNKNOWN, "labeling-item labeling-reason", labeling.items,
                 labeling.n,
                 "%zu of the %zu labeling items the FDA recommends are answered by a labeling "
                 "record (07); the warnings say which are not, or where a record does not say "
                 "where the labeling gives it.",
                 answered, c->v->nlabeling);
    else
        add_item(j, "VI.A", q, VERDICT_PASS, "labeling-item labeling-reason", labeling.items,
                 labeling.n,
                 "Each of the %zu labeling items is answered: where the labeling gives it, or why "
                 "it does not apply (07).",
                 c->v->nlabeling);
    gathered_free(&g);
}

static void judge_checklist(Check *c) {
    const Diag *d = c->d;
    Judge j = {.c = c, .nfindings = d->n};
    j.by_rule = xmalloc((d->n ? d->n : 1) * sizeof *j.by_rule);
    for (size_t i = 0; i < d->n; i++)
        j.by_rule[i] = (ByRule){d->items[i].rule, i};
    if (d->n) qsort(j.by_rule, d->n, sizeof *j.by_rule, cmp_by_rule);
    j.mark = xmalloc(c->m->nrecords ? c->m->nrecords : 1);
    memset(j.mark, 0, c->m->nrecords ? c->m->nrecords : 1);
    checklist(&j);
    c->v->checklist = arena_alloc(c->m->arena, (j.n ? j.n : 1) * sizeof *c->v->checklist);
    if (j.n) memcpy(c->v->checklist, j.items, j.n * sizeof *j.items);
    c->v->nchecklist = j.n;
    free(j.items);
    free(j.mark);
    free(j.by_rule);
}

Verdicts *verdicts_begin(Check *c) {
    Verdicts *v = arena_alloc(c->m->arena, sizeof *v);
    memset(v, 0, sizeof *v);
    v->nrecords = c->m->nrecords;
    v->records = arena_alloc(c->m->arena, (v->nrecords ? v->nrecords : 1) * sizeof *v->records);
    memset(v->records, 0, (v->nrecords ? v->nrecords : 1) * sizeof *v->records);
    c->v = v;
    judge_tests(c);
    judge_release(c);
    return v;
}

void verdicts_finish(Check *c) {
    judge_vulnerabilities(c);
    judge_advisories(c);
    judge_embargo(c);
    judge_parts(c);
    judge_matrix(c);
    judge_risk(c);
    judge_checklist(c);
}
