/* test_check.c: the check rules on small models built by hand: each rule
 * fires on the record that breaks it, at the line to edit, and stays silent
 * on the records that keep it. Needs schemas/records.xml ($ROOT or the
 * working directory). */
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include "base/base.h"
#include "check/check.h"
#include "model/model.h"
#include "test.h"

static Arena A;
static Diag D;
static Schema S;
static Model M;
static int line_no;   /* the next line of the record being built */
static int64_t BUILD; /* 2025-12-01 */
static size_t njust;

static const char *schema_path(void) {
    const char *root = getenv("ROOT");
    static char path[4096];
    snprintf(path, sizeof path, "%s/schemas/records.xml", root ? root : ".");
    return path;
}

static bool begin(void) {
    arena_init(&A);
    diag_init(&D);
    if (!schema_load(&A, &D, schema_path(), &S)) return false;
    model_init(&M, &A, &S, "dossier");
    M.product.loc = (SrcLoc){"dossier.xml", 2, 1};
    M.product.justifications = arena_alloc(&A, 32 * sizeof *M.product.justifications);
    njust = 0;
    date_parse("2025-12-01", &BUILD);
    M.build_date = BUILD;
    return true;
}

static void run(void) {
    model_finish(&M, &D);
    size_t before = D.n;
    check_run(&M, &D);
    for (size_t i = before; i < D.n; i++)
        printf("# %s:%d:%d: %s: [%s] %s\n", D.items[i].loc.path ? D.items[i].loc.path : "-",
               D.items[i].loc.line, D.items[i].loc.col, severity_name(D.items[i].severity),
               D.items[i].rule, D.items[i].message);
}

static void end(void) {
    diag_free(&D);
    arena_free(&A);
}

/* A record of type with id, in <plural>/<id>.md, its id on line 2. */
static Record *rec(const char *type, const char *id) {
    const RecordType *t = schema_type(&S, type);
    if (!t) {
        printf("# no type %s\n", type);
        exit(1);
    }
    Record *r = arena_alloc(&A, sizeof *r);
    r->type = t;
    r->id = arena_strdup(&A, id);
    r->title = r->id;
    r->path = arena_printf(&A, "%s/%s.md", t->plural, id);
    r->loc = (SrcLoc){r->path, 2, 5};
    r->fields = arena_alloc(&A, t->nfields * sizeof *r->fields);
    for (size_t i = 0; i < t->nfields; i++)
        r->fields[i].def = &t->fields[i];
    r->body = "";
    r->body_line = 20;
    line_no = 3;
    model_add(&M, &D, r);
    return r;
}

static const FieldDef *field_of(const Record *r, const char *name) {
    const FieldDef *f = schema_field(r->type, name);
    if (!f) {
        printf("# %s has no field %s\n", r->type->name, name);
        exit(1);
    }
    return f;
}

/* Sets a field on the next line: lists and links split at spaces. */
static const Value *set(Record *r, const char *name, const char *text) {
    const FieldDef *f = field_of(r, name);
    SrcLoc loc = {r->path, line_no++, (int)strlen(name) + 3};
    Value *v;
    if (f->kind == FK_LINKS || f->kind == FK_LIST) {
        v = value_new(&A, VAL_LIST, loc);
        const char *s = text;
        while (*s) {
            while (*s == ' ')
                s++;
            const char *e = s;
            while (*e && *e != ' ')
                e++;
            if (e > s) value_push(&A, v, NULL, loc, value_scalar(&A, loc, s, (size_t)(e - s)));
            s = e;
        }
    } else {
        v = value_scalar(&A, loc, text, strlen(text));
    }
    r->fields[f->index].value = v;
    return v;
}

/* Sets an entry field, or appends one entry to an entries field: key, value
 * pairs up to NULL, one line each. Returns the entry. */
static const Value *entry(Record *r, const char *name, ...) {
    const FieldDef *f = field_of(r, name);
    SrcLoc loc = {r->path, line_no++, 3};
    Value *map = value_new(&A, VAL_MAP, loc);
    va_list ap;
    va_start(ap, name);
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        const char *val = va_arg(ap, const char *);
        SrcLoc vl = {r->path, line_no++, (int)strlen(k) + 5};
        value_push(&A, map, k, vl, value_scalar(&A, vl, val, strlen(val)));
    }
    va_end(ap);
    if (f->kind == FK_ENTRY) {
        r->fields[f->index].value = map;
    } else {
        Value *list = (Value *)r->fields[f->index].value;
        if (!list) list = value_new(&A, VAL_LIST, loc);
        value_push(&A, list, NULL, loc, map);
        r->fields[f->index].value = list;
    }
    return map;
}

static void justify(const char *kind, const char *name, const char *state, const char *reason,
                    int line) {
    Justification *j = &M.product.justifications[njust++];
    j->kind = kind;
    j->name = name;
    j->state = state;
    j->reason = reason;
    j->loc = (SrcLoc){"dossier.xml", line, 0};
    M.product.njustifications = njust;
}

/* A date n days from the build date, arena-owned. */
static const char *day(int n) {
    char buf[16];
    date_format(BUILD + n, buf);
    return arena_strdup(&A, buf);
}

static const Finding *find(const char *rule, const char *record, const char *needle) {
    for (size_t i = 0; i < D.n; i++) {
        const Finding *f = &D.items[i];
        if (strcmp(f->rule, rule) != 0) continue;
        if (record && (!f->record || strcmp(f->record, record) != 0)) continue;
        if (needle && !strstr(f->message, needle)) continue;
        return f;
    }
    return NULL;
}

static size_t count(const char *rule) {
    size_t n = 0;
    for (size_t i = 0; i < D.n; i++)
        if (strcmp(D.items[i].rule, rule) == 0) n++;
    return n;
}

/* An implemented control with a passing test, for threats to link to. */
static void verified_control(const char *ctl, const char *tst, const char *category) {
    Record *c = rec("control", ctl);
    set(c, "category", category);
    set(c, "statement", "The device shall.");
    set(c, "status", "implemented");
    Record *t = rec("test", tst);
    set(t, "category", "security-requirements");
    set(t, "verifies", ctl);
    entry(t, "results", "date", day(-10), "result", "pass", NULL);
}

static void threat(const char *id, const char *controls) {
    Record *r = rec("threat", id);
    set(r, "stride", "tampering");
    set(r, "attack_vector", "network");
    set(r, "exploitability_pre", "high");
    set(r, "severity", "serious");
    if (controls) set(r, "mitigated_by", controls);
}

static void test_threats(void) {
    if (!begin()) {
        CHECK("threat: schema loads", false);
        return;
    }
    verified_control("CTL-1", "TST-1", "authentication");
    Record *planned = rec("control", "CTL-2");
    set(planned, "category", "logging");
    set(planned, "statement", "Later.");
    set(planned, "status", "planned");
    set(planned, "reason", "Next release.");
    Record *partial = rec("control", "CTL-3");
    set(partial, "category", "integrity");
    set(partial, "statement", "Some.");
    set(partial, "status", "partial");
    set(partial, "reason", "Half done.");

    threat("THR-1", NULL);
    threat("THR-2", "CTL-1");
    set(model_find(&M, "THR-2"), "exploitability_post", "low");
    threat("THR-3", "CTL-2");
    const Value *thr3_links = record_field(model_find(&M, "THR-3"), "mitigated_by");
    threat("THR-4", NULL);
    entry(model_find(&M, "THR-4"), "accepted", "rationale", "Needs physical access.", "owner",
          "RA lead", "date", day(-30), NULL);
    threat("THR-5", NULL);
    const Value *acc5 =
        entry(model_find(&M, "THR-5"), "accepted", "rationale", "Fine.", "date", day(-30), NULL);
    threat("THR-6", NULL);
    const Value *acc6 = entry(model_find(&M, "THR-6"), "accepted", "rationale", "Fine.", "owner",
                              "RA", "date", day(5), NULL);
    threat("THR-7", "CTL-1");
    threat("THR-8", "CTL-1");
    set(model_find(&M, "THR-8"), "exploitability_post", "medium");
    const Value *risk8 = set(model_find(&M, "THR-8"), "risk", "not-acceptable");
    threat("THR-9", "CTL-3");
    set(model_find(&M, "THR-9"), "exploitability_post", "low");
    threat("THR-10", NULL);
    entry(model_find(&M, "THR-10"), "accepted", "rationale", "  ", "owner", "RA", "date", day(-1),
          NULL);
    run();

    CHECK("threat-mitigated: no control, no acceptance",
          find("threat-mitigated", "THR-1", "no control") != NULL);
    CHECK("threat-mitigated: silent for an implemented control",
          !find("threat-mitigated", "THR-2", NULL));
    const Finding *f = find("threat-mitigated", "THR-3", "CTL-2 planned");
    CHECK("threat-mitigated: planned controls do not mitigate", f != NULL);
    CHECK("threat-mitigated: points at mitigated_by",
          f && f->loc.line == thr3_links->loc.line && strcmp(f->loc.path, "threats/THR-3.md") == 0);
    CHECK("threat-mitigated: is an error", f && f->severity == SEV_ERROR);
    CHECK("threat-mitigated: silent for an accepted risk",
          !find("threat-mitigated", "THR-4", NULL));
    CHECK("threat-acceptance: silent when complete", !find("threat-acceptance", "THR-4", NULL));
    f = find("threat-acceptance", "THR-5", "owner");
    CHECK("threat-acceptance: missing owner", f != NULL);
    CHECK("threat-acceptance: points at the acceptance", f && f->loc.line == acc5->loc.line);
    CHECK("threat-acceptance: incomplete acceptance is not also unmitigated",
          !find("threat-mitigated", "THR-5", NULL));
    CHECK("threat-acceptance: dated after the build date",
          find("threat-acceptance", "THR-6", "after the build date"));
    f = find("threat-acceptance", "THR-6", NULL);
    CHECK("threat-acceptance: points at the date", f && f->loc.line == acc6->loc.line + 3);
    CHECK("threat-acceptance: blank rationale",
          find("threat-acceptance", "THR-10", "rationale") != NULL);
    CHECK("threat-post-mitigation: missing exploitability_post",
          find("threat-post-mitigation", "THR-7", NULL));
    f = find("threat-post-mitigation", "THR-7", NULL);
    CHECK("threat-post-mitigation: is a warning", f && f->severity == SEV_WARNING);
    CHECK("threat-post-mitigation: silent when given",
          !find("threat-post-mitigation", "THR-2", NULL));
    CHECK("threat-post-mitigation: not asked of an unmitigated threat",
          !find("threat-post-mitigation", "THR-1", NULL));
    f = find("threat-residual-risk", "THR-8", NULL);
    CHECK("threat-residual-risk: not acceptable and not accepted",
          f && f->loc.line == risk8->loc.line);
    CHECK("threat-residual-risk: silent otherwise", count("threat-residual-risk") == 1);
    CHECK("threat-mitigated: a partial control mitigates",
          !find("threat-mitigated", "THR-9", NULL));
    end();
}

static void test_controls(void) {
    if (!begin()) return;
    /* CTL-1: latest pass (after an earlier fail), linked from the test */
    verified_control("CTL-1", "TST-1", "authentication");
    entry(model_find(&M, "TST-1"), "results", "date", day(-40), "result", "fail", NULL);
    threat("THR-1", "CTL-1 CTL-4 CTL-5 CTL-6 CTL-7 CTL-8 CTL-9 CTL-11");

    /* CTL-4: passes written first and last, but the latest by date is a fail */
    Record *c4 = rec("control", "CTL-4");
    set(c4, "category", "authorization");
    set(c4, "statement", "S.");
    set(c4, "status", "implemented");
    const Value *c4_links = set(c4, "verified_by", "TST-2");
    Record *t2 = rec("test", "TST-2");
    set(t2, "category", "penetration");
    entry(t2, "results", "date", day(-20), "result", "pass", NULL);
    entry(t2, "results", "date", day(-1), "result", "fail", NULL);
    entry(t2, "results", "date", day(-30), "result", "pass", NULL);

    Record *c5 = rec("control", "CTL-5");
    set(c5, "category", "cryptography");
    set(c5, "statement", "S.");
    set(c5, "status", "implemented");

    Record *c6 = rec("control", "CTL-6");
    set(c6, "category", "integrity");
    set(c6, "statement", "S.");
    set(c6, "status", "partial");
    set(c6, "reason", "Half.");
    set(c6, "verified_by", "TST-3");
    Record *t3 = rec("test", "TST-3");
    set(t3, "category", "vulnerability");

    Record *c7 = rec("control", "CTL-7");
    set(c7, "category", "logging");
    set(c7, "statement", "S.");
    set(c7, "status", "implemented");
    set(c7, "verified_by", "TST-4");
    Record *t4 = rec("test", "TST-4");
    set(t4, "category", "security-requirements");
    entry(t4, "results", "date", day(-3), "result", "manual", "note",
          "Attach the signed inspection record.", NULL);

    Record *c8 = rec("control", "CTL-8");
    set(c8, "category", "resiliency");
    set(c8, "statement", "S.");
    set(c8, "status", "implemented");
    set(c8, "verified_by", "TST-5");
    Record *t5 = rec("test", "TST-5");
    set(t5, "category", "security-requirements");
    const Value *t5_result = entry(t5, "results", "date", day(-3), "result", "manual", NULL);

    Record *c9 = rec("control", "CTL-9");
    set(c9, "category", "updates");
    set(c9, "statement", "S.");
    set(c9, "status", "implemented");
    set(c9, "verified_by", "TST-4 TST-1");

    Record *c10 = rec("control", "CTL-10");
    set(c10, "category", "confidentiality");
    set(c10, "statement", "S.");
    const Value *c10_status = set(c10, "status", "planned");

    Record *c11 = rec("control", "CTL-11");
    set(c11, "category", "confidentiality");
    set(c11, "statement", "S.");
    set(c11, "status", "not-applicable");
    set(c11, "reason", "No patient data is stored.");

    Record *c12 = rec("control", "CTL-12");
    set(c12, "category", "confidentiality");
    set(c12, "statement", "S.");
    set(c12, "status", "implemented");
    set(c12, "verified_by", "TST-1");

    Record *t6 = rec("test", "TST-6");
    set(t6, "category", "vulnerability");
    set(t6, "verifies", "CTL-12");
    entry(t6, "results", "date", day(-9), "result", "skipped", NULL);
    entry(t6, "results", "date", day(-8), "result", "not-run", "note",
          "Rig broken; rerun in January.", NULL);
    const Value *tool = set(t6, "tool", "AFL++");

    Record *t7 = rec("test", "TST-7");
    set(t7, "category", "vulnerability");
    set(t7, "tool", "nmap");
    set(t7, "tool_version", "7.94");
    run();

    CHECK("control-verified: latest pass after a fail", !find("control-verified", "CTL-1", NULL));
    const Finding *f = find("control-verified", "CTL-4", "TST-2 fail");
    CHECK("control-verified: the latest result by date counts, not the last written", f != NULL);
    CHECK("control-verified: points at verified_by", f && f->loc.line == c4_links->loc.line);
    CHECK("control-verified: verified by no test", find("control-verified", "CTL-5", "no test"));
    CHECK("control-verified: test without results",
          find("control-verified", "CTL-6", "TST-3 has no results"));
    CHECK("control-manual: a manual result with a note is a warning",
          find("control-manual", "CTL-7", "TST-4") && !find("control-verified", "CTL-7", NULL));
    f = find("control-manual", "CTL-7", NULL);
    CHECK("control-manual: is a warning", f && f->severity == SEV_WARNING);
    CHECK("control-verified: a manual result without a note is an error",
          find("control-verified", "CTL-8", "without a note") &&
              !find("control-manual", "CTL-8", NULL));
    f = find("test-result-reason", "TST-5", "what evidence");
    CHECK("test-result-reason: manual without a note",
          f && f->loc.line == t5_result->items[1]->loc.line);
    CHECK("control-verified: one passing test is enough",
          !find("control-verified", "CTL-9", NULL) && !find("control-manual", "CTL-9", NULL));
    CHECK("control-verified: not asked of planned or not-applicable controls",
          !find("control-verified", "CTL-10", NULL) && !find("control-verified", "CTL-11", NULL));
    f = find("control-reason", "CTL-10", "planned");
    CHECK("control-reason: planned without reason", f && f->loc.line == c10_status->loc.line);
    CHECK("control-reason: silent with a reason",
          !find("control-reason", "CTL-11", NULL) && !find("control-reason", "CTL-6", NULL));
    CHECK("control-verified: verified_by written on either side",
          !find("control-verified", "CTL-12", NULL) && !find("control-verified", "CTL-1", NULL));
    CHECK("control-traced: a control that mitigates nothing",
          find("control-traced", "CTL-12", NULL));
    CHECK("control-traced: silent for a linked or not-applicable control",
          !find("control-traced", "CTL-1", NULL) && !find("control-traced", "CTL-11", NULL));
    f = find("control-traced", "CTL-12", NULL);
    CHECK("control-traced: is a note", f && f->severity == SEV_NOTE);
    CHECK("test-result-reason: skipped without a note",
          find("test-result-reason", "TST-6", "skipped"));
    CHECK("test-result-reason: not-run with a note is fine",
          !find("test-result-reason", "TST-6", "not-run"));
    f = find("test-tool-version", "TST-6", "AFL++");
    CHECK("test-tool-version: tool without version", f && f->loc.line == tool->loc.line);
    CHECK("test-tool-version: silent with a version", !find("test-tool-version", "TST-7", NULL));
    CHECK("test-traced: a test that verifies nothing", find("test-traced", "TST-7", NULL));
    CHECK("test-traced: silent for a linked test",
          !find("test-traced", "TST-1", NULL) && !find("test-traced", "TST-2", NULL));
    end();
}

static const char *const categories[] = {"authentication", "authorization",   "cryptography",
                                         "integrity",      "confidentiality", "logging",
                                         "resiliency",     "updates"};
static const char *const views[] = {"global-system", "multi-patient-harm", "updatability",
                                    "security-use-case"};

static void test_coverage(void) {
    if (!begin()) return;
    Record *pump = rec("asset", "AST-1"); /* assets, but no control and no view */
    set(pump, "kind", "device");
    set(pump, "connected_to", "AST-2");
    set(rec("asset", "AST-2"), "kind", "application");
    run();
    CHECK("control-category: every category missing without controls",
          count("control-category") == 8);
    CHECK("architecture-view: every view missing without views", count("architecture-view") == 4);
    const Finding *f = find("control-category", NULL, "logging");
    CHECK("control-category: points at dossier.xml",
          f && strcmp(f->loc.path, "dossier.xml") == 0 && f->loc.line == 2);
    CHECK("control-category: has no record", f && f->record == NULL);
    end();

    if (!begin()) return;
    /* categories 0..4 implemented; logging planned only; resiliency and updates justified */
    for (int i = 0; i < 5; i++) {
        char id[32], tid[32];
        snprintf(id, sizeof id, "CTL-%d", i + 1);
        snprintf(tid, sizeof tid, "TST-%d", i + 1);
        verified_control(id, tid, categories[i]);
    }
    Record *c = rec("control", "CTL-9");
    set(c, "category", "logging");
    set(c, "statement", "S.");
    set(c, "status", "planned");
    set(c, "reason", "R.");
    justify("control-category", "resiliency", "not-applicable", "", 10);
    justify("control-category", "updates", "unknown", "Supplier has not answered yet.", 11);
    justify("control-category", "authentication", "not-applicable", "Covered anyway.", 12);
    justify("control-category", "cryptografy", "not-applicable", "Typo.", 13);
    justify("control-category", "updates", "not-applicable", "Twice.", 14);
    justify("architecture-view", "multi-patient-harm", "manual", "Drawn on paper, see binder 4.",
            15);
    justify("architecture-view", "updatability", "not-applicable",
            "No software updates in the field.", 16);
    justify("threat-model", "x", "not-applicable", "Wrong kind.", 17);
    justify("architecture-view", "security-use-case", "maybe", "Bad state.", 18);
    Record *v = rec("view", "VIEW-1");
    set(v, "kind", "global-system");
    set(v, "diagram", "views/global.svg");
    v->body = "The pump, the app and the hospital network.";
    v->body_len = strlen(v->body);
    Record *v2 = rec("view", "VIEW-2");
    set(v2, "kind", "global-system");
    run();

    CHECK("control-category: covered categories are silent",
          !find("control-category", NULL, "authentication") &&
              !find("control-category", NULL, "integrity"));
    CHECK("control-category: a planned control does not cover",
          find("control-category", NULL, "logging") &&
              find("control-category", NULL, "CTL-9 is planned"));
    CHECK("control-category: justified categories are silent",
          !find("control-category", NULL, "resiliency") &&
              !find("control-category", NULL, "updates"));
    f = find("justification-reason", NULL, "resiliency");
    CHECK("justification-reason: an empty reason is an error",
          f && f->severity == SEV_ERROR && f->loc.line == 10);
    f = find("justification-state", NULL, "updates is justified as unknown");
    CHECK("justification-state: unknown is a warning",
          f && f->severity == SEV_WARNING && f->loc.line == 11);
    f = find("justification-state", NULL, "manual");
    CHECK("justification-state: manual is a warning", f && f->severity == SEV_WARNING);
    CHECK("justification-state: not-applicable is not",
          !find("justification-state", NULL, "updatability"));
    CHECK("justification-unused: justified but covered",
          find("justification-unused", NULL, "authentication"));
    CHECK("justification-invalid: unknown category",
          find("justification-invalid", NULL, "cryptografy"));
    f = find("justification-invalid", NULL, "second justification");
    CHECK("justification-invalid: a repeated justification", f && f->loc.line == 14);
    CHECK("justification-invalid: unknown kind",
          find("justification-invalid", NULL, "threat-model"));
    CHECK("justification-invalid: unknown state", find("justification-invalid", NULL, "'maybe'"));
    CHECK("architecture-view: covered and justified views are silent",
          !find("architecture-view", NULL, "global-system") &&
              !find("architecture-view", NULL, "updatability") &&
              !find("architecture-view", NULL, "multi-patient-harm"));
    CHECK("architecture-view: a justification with a bad state still counts as given",
          !find("architecture-view", NULL, "security-use-case"));
    CHECK("view-content: no diagram, no prose",
          find("view-content", "VIEW-2", "no diagram and no explanatory prose"));
    CHECK("view-content: silent for a complete view", !find("view-content", "VIEW-1", NULL));
    end();

    if (!begin()) return;
    for (int i = 0; i < 8; i++) {
        char id[32], tid[32];
        snprintf(id, sizeof id, "CTL-%d", i + 1);
        snprintf(tid, sizeof tid, "TST-%d", i + 1);
        verified_control(id, tid, categories[i]);
    }
    for (int i = 0; i < 4; i++) {
        char id[32];
        snprintf(id, sizeof id, "VIEW-%d", i + 1);
        Record *w = rec("view", id);
        set(w, "kind", views[i]);
    }
    run();
    CHECK("control-category: all eight covered", count("control-category") == 0);
    CHECK("architecture-view: all four covered", count("architecture-view") == 0);
    end();
}

static void test_postmarket(void) {
    if (!begin()) return;
    Record *v1 = rec("vulnerability", "CVE-2025-0001");
    set(v1, "discovered", day(-10));
    const Value *vex1 = set(v1, "vex_state", "not_affected");

    Record *v2 = rec("vulnerability", "CVE-2025-0002");
    set(v2, "discovered", day(-10));
    set(v2, "exploitability", "low");
    set(v2, "vex_state", "affected");

    Record *v3 = rec("vulnerability", "VUL-3");
    set(v3, "discovered", day(-10));
    const Value *ex3 = set(v3, "exploitability", "unknown");
    set(v3, "severity", "minor");
    set(v3, "risk", "controlled");
    set(v3, "vex_state", "under_investigation");

    /* uncontrolled, 40 days old: communication overdue, fix due in 20 days */
    Record *v4 = rec("vulnerability", "VUL-4");
    set(v4, "discovered", day(-40));
    set(v4, "exploitability", "high");
    set(v4, "severity", "critical");
    const Value *risk4 = set(v4, "risk", "uncontrolled");

    /* uncontrolled, 100 days old, communicated in time, fixed by a release in time */
    Record *v5 = rec("vulnerability", "VUL-5");
    set(v5, "discovered", day(-100));
    set(v5, "exploitability", "high");
    set(v5, "severity", "critical");
    set(v5, "risk", "uncontrolled");
    set(v5, "communicated", day(-90));
    Record *rel = rec("release", "REL-1");
    set(rel, "version", "1.1");
    set(rel, "date", day(-50));
    set(rel, "kind", "out-of-cycle");
    set(rel, "fixes", "VUL-5");

    /* uncontrolled, 100 days old, communicated late, never fixed */
    Record *v6 = rec("vulnerability", "VUL-6");
    set(v6, "discovered", day(-100));
    set(v6, "exploitability", "high");
    set(v6, "severity", "critical");
    set(v6, "risk", "uncontrolled");
    const Value *comm6 = set(v6, "communicated", day(-55));

    /* uncontrolled, communicated by an advisory in time, fixed date late */
    Record *v7 = rec("vulnerability", "VUL-7");
    set(v7, "discovered", day(-100));
    set(v7, "exploitability", "high");
    set(v7, "severity", "critical");
    set(v7, "risk", "uncontrolled");
    const Value *fixed7 = set(v7, "fixed", day(-20));
    Record *adv = rec("advisory", "ADV-1");
    set(adv, "vulnerabilities", "VUL-7");
    set(adv, "published", day(-80));
    set(adv, "status", "final");
    set(adv, "affected_versions", "1.0");
    entry(adv, "revisions", "date", day(-80), "number", "1", "summary", "First.", NULL);

    /* communicated before discovered */
    Record *v8 = rec("vulnerability", "VUL-8");
    set(v8, "discovered", day(-10));
    set(v8, "exploitability", "low");
    set(v8, "severity", "minor");
    set(v8, "risk", "controlled");
    const Value *comm8 = set(v8, "communicated", day(-12));
    const Value *fixed8 = set(v8, "fixed", day(3));

    Record *s1 = rec("signal", "SIG-1");
    set(s1, "source", "nvd");
    set(s1, "received", day(-2));
    set(s1, "triage", "new");
    Record *s2 = rec("signal", "SIG-2");
    set(s2, "source", "kev");
    set(s2, "received", day(-2));
    set(s2, "triage", "duplicate");
    Record *s3 = rec("signal", "SIG-3");
    set(s3, "source", "supplier");
    set(s3, "received", day(-2));
    set(s3, "triage", "raised");
    Record *s4 = rec("signal", "SIG-4");
    set(s4, "source", "supplier");
    set(s4, "received", day(-2));
    set(s4, "triaged", day(-3));
    set(s4, "triage", "raised");
    set(s4, "raises", "CVE-2025-0002");
    Record *s5 = rec("signal", "SIG-5");
    set(s5, "source", "isao");
    set(s5, "received", day(-2));
    set(s5, "triage", "monitoring");
    set(s5, "reason", "No fix upstream yet; reviewed weekly.");

    Record *a1 = rec("anomaly", "ANO-1");
    set(a1, "security_impact", "low");
    set(a1, "rationale", "R.");
    Record *a2 = rec("anomaly", "ANO-2");
    set(a2, "security_impact", "low");
    set(a2, "rationale", "R.");
    set(a2, "cwe", "CWE-20");

    Record *t = rec("test", "TST-1");
    set(t, "category", "penetration");
    const Value *future = entry(t, "results", "date", day(2), "result", "pass", NULL);
    set(t, "internal_fields", "method colour");
    run();

    const Finding *f = find("vex-justification", "CVE-2025-0001", NULL);
    CHECK("vex-justification: not_affected without justification",
          f && f->loc.line == vex1->loc.line);
    CHECK("vulnerability-assessment: not asked of not_affected",
          !find("vulnerability-assessment", "CVE-2025-0001", NULL));
    CHECK("vulnerability-assessment: missing severity and risk",
          find("vulnerability-assessment", "CVE-2025-0002", "severity, risk"));
    f = find("vulnerability-unknown", "VUL-3", "exploitability is unknown");
    CHECK("vulnerability-unknown: unknown exploitability", f && f->loc.line == ex3->loc.line);
    CHECK("vulnerability-unknown: under_investigation",
          find("vulnerability-unknown", "VUL-3", "under_investigation"));
    CHECK("vulnerability-assessment: silent when assessed",
          !find("vulnerability-assessment", "VUL-3", NULL));
    f = find("uncontrolled-communicated", "VUL-4", "not communicated");
    CHECK("uncontrolled-communicated: overdue against the build date",
          f && f->loc.line == risk4->loc.line);
    CHECK("uncontrolled-due: the fix is still due", find("uncontrolled-due", "VUL-4", "fixed by"));
    CHECK("uncontrolled-fixed: not yet overdue", !find("uncontrolled-fixed", "VUL-4", NULL));
    CHECK("uncontrolled: in time, fixed by a release",
          !find("uncontrolled-communicated", "VUL-5", NULL) &&
              !find("uncontrolled-fixed", "VUL-5", NULL) &&
              !find("uncontrolled-due", "VUL-5", NULL));
    f = find("uncontrolled-communicated", "VUL-6", "45 days after discovery");
    CHECK("uncontrolled-communicated: communicated late", f && f->loc.line == comm6->loc.line);
    CHECK("uncontrolled-fixed: never fixed, overdue",
          find("uncontrolled-fixed", "VUL-6", "not fixed"));
    CHECK("uncontrolled-communicated: an advisory in time counts",
          !find("uncontrolled-communicated", "VUL-7", NULL));
    f = find("uncontrolled-fixed", "VUL-7", "80 days");
    CHECK("uncontrolled-fixed: fixed late", f && f->loc.line == fixed7->loc.line);
    CHECK("uncontrolled: controlled risk has no deadline",
          !find("uncontrolled-communicated", "VUL-8", NULL) &&
              !find("uncontrolled-fixed", "VUL-8", NULL));
    f = find("date-order", "VUL-8", "communicated");
    CHECK("date-order: communicated before discovered", f && f->loc.line == comm8->loc.line);
    f = find("date-after-build", "VUL-8", "fixed");
    CHECK("date-after-build: a fix dated after the build", f && f->loc.line == fixed8->loc.line);
    f = find("date-after-build", "TST-1", NULL);
    CHECK("date-after-build: a test result after the build",
          f && f->loc.line == future->items[0]->loc.line);
    CHECK("date-after-build: is a warning", f && f->severity == SEV_WARNING);
    CHECK("date-after-build: silent for past dates",
          !find("date-after-build", "VUL-5", NULL) && !find("date-after-build", "SIG-4", NULL));
    CHECK("date-order: silent for dates in order", !find("date-order", "VUL-5", NULL));
    CHECK("signal-triage: new", find("signal-triage", "SIG-1", "not triaged"));
    CHECK("signal-triage: duplicate without reason", find("signal-triage", "SIG-2", "duplicate"));
    CHECK("signal-triage: monitoring with a reason is fine", !find("signal-triage", "SIG-5", NULL));
    CHECK("signal-raised: raised without a vulnerability", find("signal-raised", "SIG-3", NULL));
    CHECK("signal-raised: silent with raises", !find("signal-raised", "SIG-4", NULL));
    CHECK("date-order: triaged before received", find("date-order", "SIG-4", "triaged"));
    CHECK("anomaly-cwe: no CWE",
          find("anomaly-cwe", "ANO-1", NULL) && !find("anomaly-cwe", "ANO-2", NULL));
    CHECK("internal-fields: names a field the type lacks",
          find("internal-fields", "TST-1", "'colour'") &&
              !find("internal-fields", "TST-1", "'method'"));
    end();

    /* without a build date nothing is measured against it */
    if (!begin()) return;
    M.build_date = 0;
    Record *v = rec("vulnerability", "VUL-1");
    set(v, "discovered", "2020-01-01");
    set(v, "exploitability", "high");
    set(v, "severity", "critical");
    set(v, "risk", "uncontrolled");
    set(v, "communicated", "2020-01-05");
    set(v, "affects", "AST-1");
    set(rec("asset", "AST-1"), "kind", "device");
    run();
    CHECK("build date: none means no overdue findings",
          !find("uncontrolled-fixed", "VUL-1", NULL) && !find("uncontrolled-due", "VUL-1", NULL));
    end();
}

/* 5,000 records and their links must check in milliseconds. */
static void test_scale(void) {
    if (!begin()) return;
    enum { N = 1250 };
    char id[32], ctl[32], tst[32];
    for (int i = 0; i < N; i++) {
        snprintf(ctl, sizeof ctl, "CTL-%d", i);
        snprintf(tst, sizeof tst, "TST-%d", i);
        verified_control(ctl, tst, categories[i % 8]);
        snprintf(id, sizeof id, "THR-%d", i);
        threat(id, ctl);
        snprintf(id, sizeof id, "AST-%d", i);
        Record *a = rec("asset", id);
        set(a, "kind", "device");
    }
    Record *hub = rec("test", "TST-HUB");
    set(hub, "category", "penetration");
    StrBuf all;
    sb_init(&all);
    for (int i = 0; i < N; i++)
        sb_printf(&all, "CTL-%d ", i);
    set(hub, "verifies", all.data);
    for (int i = 0; i < 200; i++)
        entry(hub, "results", "date", day(-i - 1), "result", "fail", NULL);
    sb_free(&all);
    model_finish(&M, &D);
    clock_t t0 = clock();
    check_run(&M, &D);
    double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
    printf("# %zu records checked in %.1f ms, %zu findings\n", M.nrecords, ms, D.n);
    CHECK("scale: 5,000 records check in well under a second", ms < 250);
    CHECK("scale: nothing unverified", count("control-verified") == 0);
    end();
}

int main(void) {
    test_threats();
    test_controls();
    test_coverage();
    test_postmarket();
    test_scale();
    TEST_DONE();
}
