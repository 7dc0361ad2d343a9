/* rules_sbom.c: the components of the device. Each carries the NTIA
 * minimum elements, a level of support and an end-of-support date (or says
 * why they are unknown), and has a plan once past its end of support; the
 * share of components with known support data is the coverage figure.
 * Part of check/. */
#include <inttypes.h>
#include <string.h>

#include "check.h"

static bool is(const char *s, const char *want) {
    return s && strcmp(s, want) == 0;
}

static bool support_known(const Record *r, int64_t *eos) {
    const char *support = check_text(record_field(r, "support"));
    int64_t days;
    bool dated = check_date(record_field(r, "end_of_support"), &days);
    if (eos) *eos = dated ? days : 0;
    return support && !is(support, "unknown") && dated;
}

void rules_sbom_coverage(const Model *m, size_t *known, size_t *total) {
    size_t n;
    Record **recs = model_of_type(m, "component", &n);
    *known = 0;
    *total = n;
    for (size_t i = 0; i < n; i++)
        if (support_known(recs[i], NULL)) ++*known;
}

static void check_ntia(Check *c, const Record *r) {
    CheckList missing = {0};
    if (!check_text(record_field(r, "supplier"))) check_list_add(&missing, "supplier");
    if (!check_text(record_field(r, "version"))) check_list_add(&missing, "version");
    const Value *ids = record_field(r, "identifiers");
    if (!check_text(record_field(r, "purl")) && !check_text(record_field(r, "cpe")) &&
        !(ids && ids->n))
        check_list_add(&missing, "a unique identifier (purl, CPE or another)");
    if (!check_text(record_field(r, "author"))) check_list_add(&missing, "the SBOM's author");
    if (!check_text(record_field(r, "timestamp"))) check_list_add(&missing, "the SBOM's timestamp");
    if (missing.n)
        check_report(c, RULE_COMPONENT_NTIA, check_loc(r, NULL), r,
                     "%s (%s) lacks NTIA minimum elements: %s", r->id, r->title,
                     check_list_text(&missing));
    check_list_free(&missing);
}

/* Level of support and end of support: given, or unknown with a reason. */
static void check_support(Check *c, const Record *r) {
    const Value *support_v = record_field(r, "support"), *eos_v = record_field(r, "end_of_support");
    const char *support = check_text(support_v), *eos = check_text(eos_v);
    bool reason = check_text(record_field(r, "support_reason")) != NULL;
    CheckList missing = {0};
    if (!support) check_list_add(&missing, "level of support");
    if (!eos) check_list_add(&missing, "end-of-support date");
    if (missing.n)
        check_report(c, RULE_COMPONENT_SUPPORT, check_loc(r, NULL), r,
                     "%s (%s) gives no %s: add it to the SBOM (cdx:fda properties) or to a "
                     "supplement in sbom/, or write unknown with a support_reason",
                     r->id, r->title, check_list_text(&missing));
    check_list_free(&missing);
    int64_t days;
    if (eos && !is(eos, "unknown") && !check_date(eos_v, &days))
        check_report(c, RULE_COMPONENT_SUPPORT, check_loc(r, eos_v), r,
                     "%s: end_of_support '%s' is not a real date", r->id, eos);
    bool both = is(support, "unknown") && is(eos, "unknown");
    const char *what = both                     ? "level of support and end-of-support date are"
                       : is(support, "unknown") ? "level of support is"
                                                : "end-of-support date is";
    const Value *where = is(support, "unknown") ? support_v : eos_v;
    if (!is(support, "unknown") && !is(eos, "unknown")) return;
    if (!reason)
        check_report(c, RULE_COMPONENT_SUPPORT, check_loc(r, where), r,
                     "%s (%s): the %s unknown without a reason: give support_reason", r->id,
                     r->title, what);
    else
        check_report(c, RULE_COMPONENT_SUPPORT_UNKNOWN, check_loc(r, where), r,
                     "%s (%s): the %s unknown (%s)", r->id, r->title, what,
                     check_text(record_field(r, "support_reason")));
}

/* True when a record that carries an end-of-support plan out has done so
 * by the build date, as its action asks: replace by a release out,
 * mitigate by a control in place, notify-customers by an advisory
 * published (not a draft). */
static bool carried_out(Check *c, const Record *r, const char *action) {
    size_t pos = 0;
    const Record *by;
    while ((by = check_linked(r, "eos_plan_records", &pos))) {
        const char *type = by->type->name, *status = record_str(by, "status");
        int64_t d;
        if (is(type, "release") && (!action || is(action, "replace")) &&
            check_date(record_field(by, "date"), &d) && d <= c->m->build_date)
            return true;
        if (is(type, "control") && (!action || is(action, "mitigate")) &&
            (is(status, "implemented") || is(status, "partial")))
            return true;
        if (is(type, "advisory") && (!action || is(action, "notify-customers")) && status &&
            !is(status, "draft"))
            return true;
    }
    return false;
}

/* A component past its end of support, or no longer maintained, needs a
 * plan: replace it, mitigate the risk, or notify customers; a plan whose
 * due date has passed without a record that carried it out is overdue; and
 * the release submitted ships a component past its end of support only
 * under a plan that mitigates the risk. */
static void check_eos(Check *c, const Record *r) {
    RecordVerdict *v = check_verdict(c, r);
    const Value *eos_v = record_field(r, "end_of_support"), *support_v = record_field(r, "support");
    const char *support = check_text(support_v);
    size_t pos = 0;
    const Value *plan_v = record_field(r, "eos_plan");
    bool plan = plan_v || check_linked(r, "eos_plan_records", &pos);
    int64_t eos;
    bool dated = check_date(eos_v, &eos);
    char when[16], build[16];
    if (dated) date_format(eos, when);
    if (c->has_build_date) date_format(c->m->build_date, build);
    bool past = dated && c->has_build_date && eos < c->m->build_date;
    bool unmaintained = is(support, "no-longer-maintained") || is(support, "abandoned");
    v->state = past                                                          ? "past-end-of-support"
               : unmaintained                                                ? support
               : dated && c->has_build_date && eos - c->m->build_date <= 365 ? "ending-soon"
               : support_known(r, NULL)                                      ? "supported"
                                                                             : "unknown";
    if (!support_known(r, NULL) && !past && !unmaintained)
        v->rule = rule_table[RULE_COMPONENT_SUPPORT_UNKNOWN].id;

    int64_t due;
    const Value *due_v = plan_v ? value_get(plan_v, "due") : NULL;
    if (plan && (past || unmaintained) && check_date(due_v, &due) && c->has_build_date &&
        due < c->m->build_date && !carried_out(c, r, check_text(value_get(plan_v, "action")))) {
        char d[16];
        date_format(due, d);
        v->rule = rule_table[RULE_COMPONENT_EOS_OVERDUE].id;
        check_report(c, RULE_COMPONENT_EOS_OVERDUE, check_loc(r, due_v), r,
                     "%s (%s): its end-of-support plan was due on %s and no record carries it out "
                     "by the build date %s (eos_plan_records: a release out for replace, a control "
                     "in place for mitigate, an advisory published for notify-customers); carry it "
                     "out or give a new due date",
                     r->id, r->title, d, build);
    }
    const Record *rel = c->v->release;
    int64_t rel_date;
    if (rel && dated && check_date(record_field(rel, "date"), &rel_date) && eos < rel_date &&
        !is(plan_v ? check_text(value_get(plan_v, "action")) : NULL, "mitigate")) {
        char d[16];
        date_format(rel_date, d);
        if (!v->rule) v->rule = rule_table[RULE_COMPONENT_EOS_SHIPPED].id;
        check_report(c, RULE_COMPONENT_EOS_SHIPPED, check_loc(r, eos_v), r,
                     "%s (%s) reached its end of support on %s, before %s, the release submitted "
                     "(%s): ship it past its end of support only under an eos_plan that mitigates "
                     "the risk (action: mitigate)",
                     r->id, r->title, when, rel->id, d);
    }
    if (plan) return;
    if (past) {
        v->rule = rule_table[RULE_COMPONENT_EOS_PLAN].id;
        check_report(c, RULE_COMPONENT_EOS_PLAN, check_loc(r, eos_v), r,
                     "%s (%s) is past its end of support (%s, build date %s) and has no eos_plan: "
                     "replace it, mitigate the risk or notify customers",
                     r->id, r->title, when, build);
    } else if (unmaintained) {
        v->rule = rule_table[RULE_COMPONENT_EOS_PLAN].id;
        check_report(
            c, RULE_COMPONENT_EOS_PLAN, check_loc(r, support_v), r,
            "%s (%s) is %s and has no eos_plan: replace it, mitigate the risk or notify customers",
            r->id, r->title, support);
    } else if (dated && c->has_build_date && eos - c->m->build_date <= 365)
        check_report(c, RULE_COMPONENT_EOS_SOON, check_loc(r, eos_v), r,
                     "%s (%s) reaches its end of support on %s, %" PRId64
                     " days after the build date",
                     r->id, r->title, when, eos - c->m->build_date);
}

void rules_sbom_check(Check *c) {
    size_t n, known = 0;
    Record **recs = check_records(c, "component", &n);
    const Record *first_unknown = NULL;
    for (size_t i = 0; i < n; i++) {
        check_ntia(c, recs[i]);
        check_support(c, recs[i]);
        check_eos(c, recs[i]);
        if (support_known(recs[i], NULL))
            known++;
        else if (!first_unknown)
            first_unknown = recs[i];
    }
    if (!n)
        check_report(
            c, RULE_SBOM_MISSING, c->m->product.loc, NULL,
            "the dossier has no components: put the device's SBOM (CycloneDX or SPDX) in sbom/");
    if (n && known < n) {
        SrcLoc loc = {first_unknown->path, 0, 0};
        check_report(c, RULE_SUPPORT_COVERAGE, loc, NULL,
                     "%zu of %zu components (%zu%%) have known support data (a level of support "
                     "and an end-of-support date); %s is the first without",
                     known, n, known * 100 / n, first_unknown->id);
    }
    int want = c->m->min_support_coverage;
    if (n && want >= 0 && known * 100 < (size_t)want * n) {
        SrcLoc loc = {first_unknown->path, 0, 0};
        check_report(
            c, RULE_SUPPORT_COVERAGE_THRESHOLD, loc, NULL,
            "%zu of %zu components (%zu%%) have known support data; at least %d%% are required",
            known, n, known * 100 / n, want);
    }
}
