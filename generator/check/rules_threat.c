/* rules_threat.c: the threat model's rules. Every threat is mitigated by a
 * control that is implemented (or partly so) or has its risk accepted with
 * rationale, owner and date; mitigated threats state their exploitability
 * after controls. Part of check/. */
#include <string.h>

#include "check.h"

/* Checks an acceptance entry; returns true when it is complete and valid. */
static bool acceptance_ok(Check *c, const Record *r, const Value *acc) {
    if (acc->kind != VAL_MAP) return false; /* typing reported the shape */
    CheckList missing = {0};
    if (!check_text(value_get(acc, "rationale"))) check_list_add(&missing, "rationale");
    if (!check_text(value_get(acc, "owner"))) check_list_add(&missing, "owner");
    const Value *date = value_get(acc, "date");
    int64_t days = 0;
    bool dated = check_date(date, &days);
    if (!dated) check_list_add(&missing, "date");
    bool ok = missing.n == 0;
    if (!ok)
        check_finding(c, "threat-acceptance", check_loc(r, acc), r,
                      "%s: the risk acceptance gives no %s", r->id, check_list_text(&missing));
    check_list_free(&missing);
    if (dated && c->has_build_date && days > c->m->build_date) {
        char when[16];
        date_format(c->m->build_date, when);
        check_finding(c, "threat-acceptance", check_loc(r, date), r,
                      "%s: the risk acceptance is dated %s, after the build date %s", r->id,
                      date->text, when);
        ok = false;
    }
    return ok;
}

static void check_threat(Check *c, const Record *r) {
    const Value *acc = record_field(r, "accepted");
    if (acc) acceptance_ok(c, r, acc);

    size_t pos = 0, ncontrols = 0, neffective = 0;
    CheckList weak = {0};
    const Record *ctl;
    while ((ctl = check_linked(r, "mitigated_by", &pos))) {
        const char *status = record_str(ctl, "status");
        ncontrols++;
        if (status && (strcmp(status, "implemented") == 0 || strcmp(status, "partial") == 0))
            neffective++;
        else
            check_list_add(&weak, "%s %s", ctl->id, status ? status : "without status");
    }

    const Value *links = record_field(r, "mitigated_by");
    if (neffective == 0 && !acc) {
        if (ncontrols == 0)
            check_finding(c, "threat-mitigated", check_loc(r, links), r,
                          "%s is mitigated by no control and its risk is not accepted", r->id);
        else
            check_finding(c, "threat-mitigated", check_loc(r, links), r,
                          "%s is not mitigated: its controls are not in place (%s) and its risk is "
                          "not accepted",
                          r->id, check_list_text(&weak));
    }
    check_list_free(&weak);

    if (neffective > 0 && !record_field(r, "exploitability_post"))
        check_finding(c, "threat-post-mitigation", check_loc(r, links), r,
                      "%s is mitigated but gives no exploitability_post (exploitability with the "
                      "controls in place)",
                      r->id);

    const char *risk = record_str(r, "risk");
    if (risk && strcmp(risk, "not-acceptable") == 0 && !acc)
        check_finding(c, "threat-residual-risk", check_loc(r, record_field(r, "risk")), r,
                      "%s: the residual risk is not acceptable; add controls or accept the risk "
                      "with a rationale",
                      r->id);
}

void rules_threat_check(Check *c) {
    size_t n;
    Record **threats = check_records(c, "threat", &n);
    for (size_t i = 0; i < n; i++)
        check_threat(c, threats[i]);
}
