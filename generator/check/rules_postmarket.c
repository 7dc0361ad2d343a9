/* rules_postmarket.c: vulnerabilities (assessment, VEX, the FDA 30/60-day
 * timelines for uncontrolled risk, measured against the build date),
 * surveillance signals and unresolved anomalies. Part of check/. */
#include <inttypes.h>
#include <string.h>

#include <math.h>
#include <stdio.h>

#include "check.h"

static bool is(const char *s, const char *want) {
    return s && strcmp(s, want) == 0;
}

/* A date and where it was written, when a record gives one. */
typedef struct When {
    bool known;
    int64_t days;
    SrcLoc loc;
    const char *via; /* the linked record that gave the date, or NULL */
} When;

/* The record's own date field, else the earliest date field of the records
 * linked under link (an advisory's publication, a release's date). */
static When when_done(const Record *r, const char *field, const char *link,
                      const char *link_field) {
    When w = {0};
    const Value *v = record_field(r, field);
    if (check_date(v, &w.days)) {
        w.known = true;
        w.loc = check_loc(r, v);
        return w;
    }
    size_t pos = 0;
    const Record *other;
    while ((other = check_linked(r, link, &pos))) {
        const Value *ov = record_field(other, link_field);
        int64_t days;
        if (!check_date(ov, &days) || (w.known && days >= w.days)) continue;
        w.known = true;
        w.days = days;
        w.loc = check_loc(other, ov);
        w.via = other->id;
    }
    return w;
}

/* One FDA deadline: done within limit days of discovery, or still open. */
static void deadline(Check *c, const Record *r, int64_t discovered, int limit, When w, RuleId rule,
                     const char *what) {
    int64_t due = discovered + limit;
    char due_s[16], done_s[16], build_s[16];
    date_format(due, due_s);
    if (w.known) {
        if (w.days <= due) return;
        date_format(w.days, done_s);
        check_report(c, rule, w.loc, r,
                     "%s has uncontrolled risk and was %s on %s%s%s, %" PRId64
                     " days after discovery; the limit is %d days (%s)",
                     r->id, what, done_s, w.via ? " by " : "", w.via ? w.via : "",
                     w.days - discovered, limit, due_s);
        return;
    }
    if (!c->has_build_date) return;
    SrcLoc loc = check_loc(r, record_field(r, "risk"));
    date_format(c->m->build_date, build_s);
    if (c->m->build_date > due)
        check_report(c, rule, loc, r,
                     "%s has uncontrolled risk and is not %s %d days after discovery (due %s, "
                     "build date %s)",
                     r->id, what, limit, due_s, build_s);
    else
        check_report(c, RULE_UNCONTROLLED_DUE, loc, r,
                     "%s has uncontrolled risk: to be %s by %s (%d days after discovery)", r->id,
                     what, due_s, limit);
}

static void check_vulnerability(Check *c, const Record *r) {
    const Value *vex_v = record_field(r, "vex_state");
    const char *vex = check_text(vex_v);
    if (is(vex, "not_affected") && !record_field(r, "vex_justification"))
        check_report(c, RULE_VEX_JUSTIFICATION, check_loc(r, vex_v), r,
                     "%s is not_affected but gives no vex_justification", r->id);
    if (is(vex, "under_investigation"))
        check_report(c, RULE_VULNERABILITY_UNKNOWN, check_loc(r, vex_v), r,
                     "%s is under_investigation: an open assessment", r->id);

    const Value *kev = record_field(r, "kev");
    if (kev && !is(vex, "not_affected") && !is(vex, "fixed") && !record_field(r, "fixed") &&
        !is(record_str(r, "risk"), "controlled"))
        check_report(c, RULE_VULNERABILITY_KEV, check_loc(r, kev), r,
                     "%s is known to be exploited (CISA KEV since %s) and is neither fixed, not "
                     "affected nor a controlled risk: fix it, show it does not affect the device, "
                     "or assess its risk as controlled",
                     r->id, check_text(kev) ? check_text(kev) : "?");

    static const char *const assessed[] = {"exploitability", "severity", "risk"};
    CheckList missing = {0};
    for (size_t i = 0; i < sizeof assessed / sizeof assessed[0]; i++) {
        const Value *v = record_field(r, assessed[i]);
        if (!v)
            check_list_add(&missing, "%s", assessed[i]);
        else if (is(check_text(v), "unknown"))
            check_report(c, RULE_VULNERABILITY_UNKNOWN, check_loc(r, v), r,
                         "%s: %s is unknown; assess it, or say in the record's prose why it cannot "
                         "be assessed yet",
                         r->id, assessed[i]);
    }
    if (missing.n && !is(vex, "not_affected")) {
        /* a VEX statement that would have assessed it but matched nothing
         * (a component upgraded since, say) is the likely cause: name it */
        const Finding *cause = NULL;
        for (size_t i = 0; i < c->d->n && !cause; i++)
            if (strcmp(c->d->items[i].rule, "vex-unmatched") == 0 && c->d->items[i].record &&
                strcmp(c->d->items[i].record, r->id) == 0)
                cause = &c->d->items[i];
        if (cause)
            check_report(c, RULE_VULNERABILITY_ASSESSMENT, check_loc(r, NULL), r,
                         "%s has no %s: assess it, or mark it not_affected with a justification; "
                         "caused by: the VEX statement at %s:%d names no component the SBOMs list "
                         "now (vex-unmatched), after an upgrade?",
                         r->id, check_list_text(&missing), cause->loc.path, cause->loc.line);
        else
            check_report(c, RULE_VULNERABILITY_ASSESSMENT, check_loc(r, NULL), r,
                         "%s has no %s: assess it, or mark it not_affected with a justification",
                         r->id, check_list_text(&missing));
    }
    check_list_free(&missing);

    int64_t discovered;
    if (!is(record_str(r, "risk"), "uncontrolled") ||
        !check_date(record_field(r, "discovered"), &discovered))
        return;
    deadline(c, r, discovered, 30, when_done(r, "communicated", "advisories", "published"),
             RULE_UNCONTROLLED_COMMUNICATED, "communicated to customers");
    deadline(c, r, discovered, 60, when_done(r, "fixed", "fixed_in", "date"),
             RULE_UNCONTROLLED_FIXED, "fixed");
}

static void check_signal(Check *c, const Record *r) {
    const Value *triage_v = record_field(r, "triage");
    const char *triage = check_text(triage_v);
    const char *received = record_str(r, "received");
    if (is(triage, "new"))
        check_report(c, RULE_SIGNAL_TRIAGE, check_loc(r, triage_v), r,
                     "%s (received %s) is not triaged yet", r->id,
                     received ? received : "on an unknown date");
    if ((is(triage, "not-applicable") || is(triage, "duplicate") || is(triage, "monitoring")) &&
        !check_text(record_field(r, "reason")))
        check_report(c, RULE_SIGNAL_TRIAGE, check_loc(r, triage_v), r,
                     "%s is triaged as %s but gives no reason", r->id, triage);
    size_t pos = 0;
    if (is(triage, "raised") && !check_linked(r, "raises", &pos))
        check_report(c, RULE_SIGNAL_RAISED, check_loc(r, triage_v), r,
                     "%s is triaged as raised but names no vulnerability (raises)", r->id);
}

/* An anomaly is unresolved in the release submitted unless a release that
 * fixes it is that one or an earlier one (without a release submitted: one
 * out by the build date). Only unresolved ones are submitted (01e). */
static void check_anomaly(Check *c, const Record *r) {
    RecordVerdict *v = check_verdict(c, r);
    size_t pos = 0;
    const Record *fix = check_linked(r, "fixed_in", &pos), *sub = c->v->release;
    int64_t fix_date = 0, sub_date = 0;
    bool fix_dated = fix && check_date(record_field(fix, "date"), &fix_date);
    bool resolved =
        fix && (fix == sub ||
                (fix_dated &&
                 (sub ? check_date(record_field(sub, "date"), &sub_date) && fix_date <= sub_date
                      : c->has_build_date && fix_date <= c->m->build_date)));
    v->state = resolved ? "resolved" : "unresolved";
    if (resolved) {
        v->detail = fix->id;
        check_report(c, RULE_ANOMALY_RESOLVED, check_loc(r, record_field(r, "fixed_in")), r,
                     "%s is fixed in %s%s%s: it is not an unresolved anomaly of this submission "
                     "and is left out of 01e",
                     r->id, fix->id,
                     fix == sub ? ", the release submitted" : ", before the release submitted ",
                     fix == sub ? "" : (sub ? sub->id : "(none)"));
        return;
    }
    if (!record_field(r, "cwe"))
        check_report(c, RULE_ANOMALY_CWE, check_loc(r, NULL), r,
                     "%s gives no CWE for the anomaly (the FDA asks for its CWE category)", r->id);
}

/* The CVSS v3 vector and score: the vector parses and gives the score the
 * record states; the verdict carries the computed score and its rating. */
static void check_cvss(Check *c, const Record *r) {
    const Value *vv = record_field(r, "cvss_vector"), *sv = record_field(r, "cvss_score");
    const char *vector = check_text(vv), *stated = check_text(sv);
    RecordVerdict *v = check_verdict(c, r);
    double score = 0, given = 0;
    bool has_given = stated && sscanf(stated, "%lf", &given) == 1;
    char why[160];
    if (vector && strncmp(vector, "CVSS:3", 6) == 0) {
        if (!cvss3_score(vector, &score, why, sizeof why)) {
            check_report(c, RULE_CVSS_VECTOR, check_loc(r, vv), r, "%s: not a CVSS v3 vector: %s",
                         r->id, why);
        } else {
            v->cvss_score = score;
            v->cvss_rating = cvss_rating(score);
            v->cvss_version = vector[7] == '1' ? "3.1" : "3.0";
            if (has_given && fabs(given - score) > 0.05)
                check_report(c, RULE_CVSS_SCORE, check_loc(r, sv), r,
                             "%s: cvss_score %s, but its vector gives %.1f", r->id, stated, score);
        }
    } else if (vector) {
        check_report(c, RULE_CVSS_VECTOR, check_loc(r, vv), r,
                     "%s: not a CVSS v3 vector: it starts with CVSS:3.0/ or CVSS:3.1/", r->id);
    } else if (has_given && given >= 0 && given <= 10) {
        v->cvss_score = given;
        v->cvss_rating = cvss_rating(given);
    }
}

/* The CVSS v4.0 vector and score: the vector parses and gives the score the
 * record states; the verdict carries the computed score, its rating and the
 * nomenclature. */
static void check_cvss4(Check *c, const Record *r) {
    const Value *vv = record_field(r, "cvss4_vector"), *sv = record_field(r, "cvss4_score");
    const char *vector = check_text(vv), *stated = check_text(sv);
    if (!vector) {
        if (stated)
            check_report(c, RULE_CVSS4_VECTOR, check_loc(r, sv), r,
                         "%s: cvss4_score %s without a cvss4_vector to compute it from", r->id,
                         stated);
        return;
    }
    RecordVerdict *v = check_verdict(c, r);
    double score = 0, given = 0;
    const char *nomenclature = NULL;
    char why[160];
    if (!cvss4_score(vector, &score, &nomenclature, why, sizeof why)) {
        check_report(c, RULE_CVSS4_VECTOR, check_loc(r, vv), r, "%s: not a CVSS v4.0 vector: %s",
                     r->id, why);
        return;
    }
    v->cvss4_score = score;
    v->cvss4_rating = cvss_rating(score);
    v->cvss4_nomenclature = nomenclature;
    if (stated && (sscanf(stated, "%lf", &given) != 1 || fabs(given - score) > 0.05))
        check_report(c, RULE_CVSS4_SCORE, check_loc(r, sv), r,
                     "%s: cvss4_score %s, but its vector gives %.1f (%s)", r->id, stated, score,
                     nomenclature);
}

void rules_postmarket_check(Check *c) {
    size_t n;
    Record **recs = check_records(c, "vulnerability", &n);
    for (size_t i = 0; i < n; i++) {
        check_vulnerability(c, recs[i]);
        check_cvss(c, recs[i]);
        check_cvss4(c, recs[i]);
    }
    recs = check_records(c, "signal", &n);
    for (size_t i = 0; i < n; i++)
        check_signal(c, recs[i]);
    recs = check_records(c, "anomaly", &n);
    for (size_t i = 0; i < n; i++)
        check_anomaly(c, recs[i]);
}
