/* rules_control.c: controls and the tests that verify them. A control in
 * place is verified by a test whose latest result (by date) is pass; manual
 * results are warnings that name the evidence to attach, never a pass; a
 * control not in place says why. Part of check/. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static bool is(const char *s, const char *want) {
    return s && strcmp(s, want) == 0;
}

/* A control in place is verified when every test of it passed in its
 * latest result (verdict.c has the one definition of the latest result).
 * A latest fail or error, or a skipped, not-run or missing result, or a
 * manual result without a note, leaves it unverified, whatever the other
 * tests say; manual results with a note are a warning naming the evidence. */
static void check_control(Check *c, const Record *r) {
    RecordVerdict *v = check_verdict(c, r);
    const char *status = record_str(r, "status");
    const Value *status_v = record_field(r, "status");
    v->state = status;
    if ((is(status, "partial") || is(status, "planned") || is(status, "not-applicable")) &&
        !check_text(record_field(r, "reason")))
        check_report(c, RULE_CONTROL_REASON, check_loc(r, status_v), r,
                     "%s is %s but gives no reason", r->id, status);

    size_t pos = 0;
    if (status && !is(status, "not-applicable") && !check_linked(r, "mitigates", &pos))
        check_report(c, RULE_CONTROL_TRACED, check_loc(r, NULL), r, "%s mitigates no threat",
                     r->id);

    if (!is(status, "implemented") && !is(status, "partial")) return;

    const Record *manual = NULL, *passed = NULL;
    int64_t manual_date = 0;
    size_t ntested = 0;
    CheckList why = {0}, failed = {0}, incomplete = {0};
    const Record *test;
    pos = 0;
    while ((test = check_linked(r, "verified_by", &pos))) {
        const RecordVerdict *l = check_latest(c, test);
        ntested++;
        if (!l) {
            check_list_add(&why, "%s has no results", test->id);
            check_list_add(&incomplete, "%s has no results", test->id);
            continue;
        }
        char when[16];
        date_format(l->latest_date, when);
        const char *note = check_text(value_get(l->latest, "note"));
        if (is(l->state, "pass")) {
            if (!passed) passed = test;
        } else if (is(l->state, "manual") && note) {
            if (!manual) {
                manual = test;
                manual_date = l->latest_date;
            }
        } else if (is(l->state, "manual")) {
            check_list_add(&why, "%s manual on %s without a note naming the evidence", test->id,
                           when);
            check_list_add(&incomplete, "%s manual on %s without a note naming the evidence",
                           test->id, when);
        } else if (is(l->state, "fail") || is(l->state, "error")) {
            check_list_add(&why, "%s %s on %s", test->id, l->state, when);
            check_list_add(&failed, "%s %s on %s%s%s%s", test->id, l->state, when, note ? " (" : "",
                           note ? note : "", note ? ")" : "");
        } else {
            check_list_add(&why, "%s %s on %s", test->id, l->state, when);
            check_list_add(&incomplete, "%s %s on %s%s%s%s", test->id, l->state, when,
                           note ? " (" : "", note ? note : "", note ? ")" : "");
        }
    }
    const Value *links = record_field(r, "verified_by");
    SrcLoc loc = check_loc(r, links);
    if (ntested == 0) {
        v->state = "untested";
        v->rule = rule_table[RULE_CONTROL_VERIFIED].id;
        check_report(c, RULE_CONTROL_VERIFIED, loc, r, "%s is %s but verified by no test", r->id,
                     status);
    } else if (!passed && !manual) {
        v->state = failed.n ? "failed" : "incomplete";
        v->rule = rule_table[RULE_CONTROL_VERIFIED].id;
        check_report(c, RULE_CONTROL_VERIFIED, loc, r,
                     "%s is %s but no test passed in its latest results: %s", r->id, status,
                     check_list_text(&why));
    } else if (failed.n) {
        v->state = "failed";
        v->rule = rule_table[RULE_CONTROL_TEST_FAILED].id;
        check_report(c, RULE_CONTROL_TEST_FAILED, loc, r, "%s is unverified: %s, though %s passed",
                     r->id, check_list_text(&failed), passed ? passed->id : manual->id);
    } else if (incomplete.n) {
        v->state = "incomplete";
        v->rule = rule_table[RULE_CONTROL_TEST_INCOMPLETE].id;
        check_report(c, RULE_CONTROL_TEST_INCOMPLETE, loc, r,
                     "%s is %s but not every test of it passed in its latest result: %s", r->id,
                     status, check_list_text(&incomplete));
    } else if (!passed) {
        char when[16];
        date_format(manual_date, when);
        v->state = "manual";
        v->rule = rule_table[RULE_CONTROL_MANUAL].id;
        check_report(
            c, RULE_CONTROL_MANUAL, loc, r,
            "%s is verified only by a manual result (%s on %s): attach the evidence its note names",
            r->id, manual->id, when);
    } else {
        v->state = "verified";
    }
    check_list_free(&why);
    check_list_free(&failed);
    check_list_free(&incomplete);
}

/* A penetration test: who ran its latest run and how independent, how
 * long, on which build against the build submitted, its scope; and the
 * disposition of every finding. */
static void check_pentest(Check *c, const Record *r) {
    RecordVerdict *v = check_verdict(c, r);
    const Value *latest = v->latest;
    if (!is(record_str(r, "category"), "penetration") || !latest) return;
    const Record *rel = c->v->release;
    /* the release submitted, else the product's version in dossier.xml */
    const char *submitted = rel ? record_str(rel, "version") : c->m->product.version;
    const char *tested = check_text(value_get(latest, "release"));
    v->tested_release = tested;
    SrcLoc at = check_loc(r, value_get(latest, "release") ? value_get(latest, "release") : latest);
    if (!tested) {
        v->build = "unstated";
        check_report(c, RULE_TEST_BUILD, at, r,
                     "%s: the latest run does not say which release it tested (release)", r->id);
    } else if (submitted && strcmp(tested, submitted) != 0) {
        bool justified = check_text(record_field(r, "release_justification")) != NULL;
        v->build = justified ? "justified" : "other";
        if (!justified)
            check_report(c, RULE_TEST_BUILD, at, r,
                         "%s: the latest run tested %s, not %s, the release submitted: test that, "
                         "or say why the result stands for it (release_justification)",
                         r->id, tested, submitted);
    } else {
        v->build = "submitted";
    }
    CheckList missing = {0};
    if (!check_text(value_get(latest, "by"))) check_list_add(&missing, "by");
    if (!check_text(value_get(latest, "independence"))) check_list_add(&missing, "independence");
    if (!check_text(value_get(latest, "duration"))) check_list_add(&missing, "duration");
    if (!check_text(record_field(r, "scope"))) check_list_add(&missing, "scope");
    if (missing.n)
        check_report(c, RULE_TEST_PENTEST, check_loc(r, latest), r,
                     "%s: a penetration test says who ran it, how independent of the design team, "
                     "for how long and in what scope; missing: %s",
                     r->id, check_list_text(&missing));
    check_list_free(&missing);
}

static void check_findings(Check *c, const Record *r) {
    const Value *list = record_field(r, "findings");
    for (size_t i = 0; list && list->kind == VAL_LIST && i < list->n; i++) {
        const Value *e = list->items[i];
        const char *title = check_text(value_get(e, "title"));
        const char *disp = check_text(value_get(e, "disposition"));
        const Value *rv = value_get(e, "record");
        const char *rid = check_text(rv);
        const Record *target = rid ? model_find(c->m, rid) : NULL;
        if (rid && !target)
            check_report(c, RULE_TEST_FINDING, check_loc(r, rv), r,
                         "%s: the finding '%s' names %s, which is no record", r->id,
                         title ? title : "", rid);
        else if (is(disp, "deferred") && (!target || strcmp(target->type->name, "anomaly") != 0))
            check_report(c, RULE_TEST_FINDING, check_loc(r, value_get(e, "disposition")), r,
                         "%s: the finding '%s' is deferred: name the unresolved anomaly it ships "
                         "as (record: ANO-...)",
                         r->id, title ? title : "");
        else if (is(disp, "accepted") && !check_text(value_get(e, "note")))
            check_report(c, RULE_TEST_FINDING, check_loc(r, value_get(e, "disposition")), r,
                         "%s: the finding '%s' is accepted: say why (note)", r->id,
                         title ? title : "");
    }
}

static void check_test(Check *c, const Record *r) {
    check_pentest(c, r);
    check_findings(c, r);
    const Value *results = record_field(r, "results");
    for (size_t i = 0; results && results->kind == VAL_LIST && i < results->n; i++) {
        const Value *e = results->items[i];
        const Value *result = value_get(e, "result");
        const char *what = check_text(result);
        if (!(is(what, "manual") || is(what, "skipped") || is(what, "not-run"))) continue;
        if (check_text(value_get(e, "note"))) continue;
        const Value *date = value_get(e, "date");
        check_report(c, RULE_TEST_RESULT_REASON, check_loc(r, result), r,
                     "%s: the %s result of %s has no note saying %s", r->id, what,
                     check_text(date) ? date->text : "(no date)",
                     is(what, "manual") ? "what evidence to attach" : "why");
    }

    const Value *tool = record_field(r, "tool");
    if (check_text(tool) && !check_text(record_field(r, "tool_version")))
        check_report(c, RULE_TEST_TOOL_VERSION, check_loc(r, tool), r,
                     "%s names the tool %s but not its version", r->id, tool->text);

    size_t pos = 0, pos2 = 0;
    if (!check_linked(r, "verifies", &pos) && !check_linked(r, "threats", &pos2))
        check_report(c, RULE_TEST_TRACED, check_loc(r, NULL), r,
                     "%s verifies no control and exercises no threat", r->id);
}

/* The four testing categories of the premarket guidance (V.C), each with a test. */
static void check_categories(Check *c, Record **tests, size_t ntests) {
    static const char *const want[] = {"security-requirements", "threat-mitigation",
                                       "vulnerability", "penetration"};
    CheckList missing = {0};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        bool found = false;
        for (size_t i = 0; i < ntests && !found; i++)
            found = is(record_str(tests[i], "category"), want[k]);
        if (!found) check_list_add(&missing, "%s", want[k]);
    }
    if (missing.n) {
        SrcLoc loc = ntests ? check_loc(tests[0], NULL) : c->m->product.loc;
        check_report(c, RULE_TEST_CATEGORY, loc, NULL,
                     "no test in the categories %s: the premarket guidance asks for security "
                     "requirements, threat mitigation, vulnerability and penetration testing",
                     check_list_text(&missing));
    }
    check_list_free(&missing);
}

void rules_control_check(Check *c) {
    size_t ntests, ncontrols;
    Record **tests = check_records(c, "test", &ntests);
    Record **controls = check_records(c, "control", &ncontrols);
    for (size_t i = 0; i < ntests; i++)
        check_test(c, tests[i]);
    for (size_t i = 0; i < ncontrols; i++)
        check_control(c, controls[i]);
    check_categories(c, tests, ntests);
}
