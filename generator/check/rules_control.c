/* rules_control.c: controls and the tests that verify them. A control in
 * place is verified by a test whose latest result (by date) is pass; manual
 * results are warnings that name the evidence to attach, never a pass; a
 * control not in place says why. Part of check/. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The latest result of a test: the entry with the greatest date, the last
 * written among equal dates. Entries without a valid date or result are
 * left to the typing findings. */
typedef struct Latest {
    const Record *test;
    const Value *entry; /* NULL when the test has no usable result */
    const char *result;
    const char *note;
    int64_t date;
} Latest;

static Latest latest_of(const Record *test) {
    Latest l = {.test = test};
    const Value *results = record_field(test, "results");
    if (!results || results->kind != VAL_LIST) return l;
    for (size_t i = 0; i < results->n; i++) {
        const Value *e = results->items[i];
        int64_t days;
        const char *result = check_text(value_get(e, "result"));
        if (!result || !check_date(value_get(e, "date"), &days)) continue;
        if (l.entry && days < l.date) continue;
        l.entry = e;
        l.result = result;
        l.note = check_text(value_get(e, "note"));
        l.date = days;
    }
    return l;
}

static bool is(const char *s, const char *want) {
    return s && strcmp(s, want) == 0;
}

/* latest follows the sorted tests, so positions in the model order it */
static int latest_cmp(const void *key, const void *item) {
    size_t a = ((const Record *)key)->order, b = ((const Latest *)item)->test->order;
    return a < b ? -1 : a > b;
}

static void check_control(Check *c, const Record *r, const Latest *latest, size_t ntests) {
    const char *status = record_str(r, "status");
    const Value *status_v = record_field(r, "status");
    if ((is(status, "partial") || is(status, "planned") || is(status, "not-applicable")) &&
        !check_text(record_field(r, "reason")))
        check_finding(c, "control-reason", check_loc(r, status_v), r,
                      "%s is %s but gives no reason", r->id, status);

    size_t pos = 0;
    if (status && !is(status, "not-applicable") && !check_linked(r, "mitigates", &pos))
        check_finding(c, "control-traced", check_loc(r, NULL), r, "%s mitigates no threat", r->id);

    if (!is(status, "implemented") && !is(status, "partial")) return;

    const Latest *manual = NULL;
    bool passed = false;
    size_t ntested = 0;
    CheckList why = {0};
    const Record *test;
    pos = 0;
    while ((test = check_linked(r, "verified_by", &pos))) {
        const Latest *l = bsearch(test, latest, ntests, sizeof *latest, latest_cmp);
        ntested++;
        if (!l || !l->entry) {
            check_list_add(&why, "%s has no results", test->id);
            continue;
        }
        char when[16];
        date_format(l->date, when);
        if (is(l->result, "pass")) {
            passed = true;
        } else if (is(l->result, "manual") && l->note) {
            if (!manual) manual = l;
        } else if (is(l->result, "manual")) {
            check_list_add(&why, "%s manual on %s without a note naming the evidence", test->id,
                           when);
        } else {
            check_list_add(&why, "%s %s on %s", test->id, l->result, when);
        }
    }
    const Value *links = record_field(r, "verified_by");
    if (passed) {
        /* verified */
    } else if (manual) {
        char when[16];
        date_format(manual->date, when);
        check_finding(
            c, "control-manual", check_loc(r, links), r,
            "%s is verified only by a manual result (%s on %s): attach the evidence its note names",
            r->id, manual->test->id, when);
    } else if (ntested == 0) {
        check_finding(c, "control-verified", check_loc(r, links), r,
                      "%s is %s but verified by no test", r->id, status);
    } else {
        check_finding(c, "control-verified", check_loc(r, links), r,
                      "%s is %s but no test passed in its latest results: %s", r->id, status,
                      check_list_text(&why));
    }
    check_list_free(&why);
}

static void check_test(Check *c, const Record *r) {
    const Value *results = record_field(r, "results");
    for (size_t i = 0; results && results->kind == VAL_LIST && i < results->n; i++) {
        const Value *e = results->items[i];
        const Value *result = value_get(e, "result");
        const char *what = check_text(result);
        if (!(is(what, "manual") || is(what, "skipped") || is(what, "not-run"))) continue;
        if (check_text(value_get(e, "note"))) continue;
        const Value *date = value_get(e, "date");
        check_finding(c, "test-result-reason", check_loc(r, result), r,
                      "%s: the %s result of %s has no note saying %s", r->id, what,
                      check_text(date) ? date->text : "(no date)",
                      is(what, "manual") ? "what evidence to attach" : "why");
    }

    const Value *tool = record_field(r, "tool");
    if (check_text(tool) && !check_text(record_field(r, "tool_version")))
        check_finding(c, "test-tool-version", check_loc(r, tool), r,
                      "%s names the tool %s but not its version", r->id, tool->text);

    size_t pos = 0, pos2 = 0;
    if (!check_linked(r, "verifies", &pos) && !check_linked(r, "threats", &pos2))
        check_finding(c, "test-traced", check_loc(r, NULL), r,
                      "%s verifies no control and exercises no threat", r->id);
}

void rules_control_check(Check *c) {
    size_t ntests, ncontrols;
    Record **tests = check_records(c, "test", &ntests);
    Record **controls = check_records(c, "control", &ncontrols);
    Latest *latest = xmalloc((ntests ? ntests : 1) * sizeof *latest);
    for (size_t i = 0; i < ntests; i++) {
        latest[i] = latest_of(tests[i]);
        check_test(c, tests[i]);
    }
    for (size_t i = 0; i < ncontrols; i++)
        check_control(c, controls[i], latest, ntests);
    free(latest);
}
