/* rules_results.c: test results against the controls they verify. A control
 * is unverified while any of its tests (a JUnit case, say) has a latest
 * result of fail or error, even when another of its tests passed; when none
 * passed, control-verified in rules_control.c says so. Part of check/. */
#include <string.h>

#include "check.h"

/* The latest result of a test by date, the last written among equal dates
 * (JUnit results are written in report-timestamp order). */
static const Value *latest(const Record *test, int64_t *when) {
    const Value *results = record_field(test, "results"), *best = NULL;
    for (size_t i = 0; results && results->kind == VAL_LIST && i < results->n; i++) {
        const Value *e = results->items[i];
        int64_t days;
        if (!check_text(value_get(e, "result")) || !check_date(value_get(e, "date"), &days))
            continue;
        if (best && days < *when) continue;
        best = e;
        *when = days;
    }
    return best;
}

void rules_results_check(Check *c) {
    size_t n;
    Record **controls = check_records(c, "control", &n);
    for (size_t i = 0; i < n; i++) {
        const Record *r = controls[i];
        const char *status = record_str(r, "status");
        if (!status || (strcmp(status, "implemented") != 0 && strcmp(status, "partial") != 0))
            continue;
        const Record *test, *passed = NULL;
        CheckList failed = {0};
        size_t pos = 0;
        while ((test = check_linked(r, "verified_by", &pos))) {
            int64_t when = 0;
            const Value *e = latest(test, &when);
            const char *result = e ? check_text(value_get(e, "result")) : NULL;
            if (!result) continue;
            if (strcmp(result, "pass") == 0) {
                if (!passed) passed = test;
            } else if (strcmp(result, "fail") == 0 || strcmp(result, "error") == 0) {
                char date[16];
                date_format(when, date);
                const char *note = check_text(value_get(e, "note"));
                check_list_add(&failed, "%s %s on %s%s%s%s", test->id, result, date,
                               note ? " (" : "", note ? note : "", note ? ")" : "");
            }
        }
        if (passed && failed.n)
            check_finding(c, "control-test-failed", check_loc(r, record_field(r, "verified_by")), r,
                          "%s is unverified: %s, though %s passed", r->id, check_list_text(&failed),
                          passed->id);
        check_list_free(&failed);
    }
}
