/* rules_threat.c: the threat model's rules. Every threat is mitigated by a
 * control that is implemented (or partly so) or has its risk accepted with
 * rationale, owner and date; mitigated threats state their exploitability
 * after controls. Part of check/. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

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
        check_report(c, RULE_THREAT_ACCEPTANCE, check_loc(r, acc), r,
                     "%s: the risk acceptance gives no %s", r->id, check_list_text(&missing));
    check_list_free(&missing);
    if (dated && c->has_build_date && days > c->m->build_date) {
        char when[16];
        date_format(c->m->build_date, when);
        check_report(c, RULE_THREAT_ACCEPTANCE, check_loc(r, date), r,
                     "%s: the risk acceptance is dated %s, after the build date %s", r->id,
                     date->text, when);
        ok = false;
    }
    return ok;
}

static bool is(const char *s, const char *want) {
    return s && strcmp(s, want) == 0;
}

/* The exploitability the residual risk is read at: after controls when a
 * control is in place and the threat says, else before. */
static const char *residual_exploitability(const Record *r, bool mitigated) {
    const char *post = record_str(r, "exploitability_post");
    return mitigated && post ? post : record_str(r, "exploitability_pre");
}

/* The cell of the risk acceptance matrix: true when dossier.xml lists the
 * exploitability for the severity. */
static bool matrix_accepts(const Product *p, const char *severity, const char *exploitability,
                           SrcLoc *row_loc) {
    for (size_t i = 0; i < p->nrisk_rows; i++) {
        const RiskRow *row = &p->risk_rows[i];
        if (!is(row->severity, severity)) continue;
        if (row_loc && !row_loc->path) *row_loc = row->loc;
        for (const char **e = row->exploitability; *e; e++)
            if (is(*e, exploitability)) {
                if (row_loc) *row_loc = row->loc;
                return true;
            }
    }
    return false;
}

/* The residual risk of a threat: from the risk acceptance matrix of
 * dossier.xml when it has one (a risk the record states must agree), else
 * as the record states it. */
static void judge_residual(Check *c, const Record *r, RecordVerdict *v, bool mitigated) {
    const Product *p = &c->m->product;
    const char *written = record_str(r, "risk");
    const char *severity = record_str(r, "severity");
    const char *expl = residual_exploitability(r, mitigated);
    if (!p->risk_matrix || !severity || !expl) {
        v->risk = written;
        v->risk_source = written ? "record" : NULL;
        return;
    }
    SrcLoc row_loc = {0};
    v->risk = matrix_accepts(p, severity, expl, &row_loc) ? "acceptable" : "not-acceptable";
    v->risk_source = "matrix";
    if (written && !is(written, v->risk)) {
        const SrcLoc *at = row_loc.path ? &row_loc : &p->risk_loc;
        check_report(c, RULE_THREAT_RISK_MATRIX, check_loc(r, record_field(r, "risk")), r,
                     "%s says risk: %s, but the risk acceptance matrix of dossier.xml (%s:%d) "
                     "makes %s severity at %s exploitability %s",
                     r->id, written, at->path, at->line, severity, expl, v->risk);
    }
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
            check_report(c, RULE_THREAT_MITIGATED, check_loc(r, links), r,
                         "%s is mitigated by no control and its risk is not accepted", r->id);
        else
            check_report(c, RULE_THREAT_MITIGATED, check_loc(r, links), r,
                         "%s is not mitigated: its controls are not in place (%s) and its risk is "
                         "not accepted",
                         r->id, check_list_text(&weak));
    }
    check_list_free(&weak);

    if (neffective > 0 && !record_field(r, "exploitability_post"))
        check_report(c, RULE_THREAT_POST_MITIGATION, check_loc(r, links), r,
                     "%s is mitigated but gives no exploitability_post (exploitability with the "
                     "controls in place)",
                     r->id);

    RecordVerdict *v = check_verdict(c, r);
    v->state = neffective ? "mitigated" : acc ? "accepted" : "open";
    if (!neffective && !acc) v->rule = rule_table[RULE_THREAT_MITIGATED].id;
    if (acc) v->detail = "risk formally accepted";
    judge_residual(c, r, v, neffective > 0);
    if (is(v->risk, "not-acceptable") && !acc && neffective) {
        if (!v->rule) v->rule = rule_table[RULE_THREAT_RESIDUAL_RISK].id;
        if (is(v->risk_source, "matrix"))
            check_report(c, RULE_THREAT_RESIDUAL_RISK, check_loc(r, record_field(r, "severity")), r,
                         "%s: the residual risk (%s severity at %s exploitability) is not "
                         "acceptable by the risk acceptance matrix of dossier.xml; add controls or "
                         "accept the risk with a rationale",
                         r->id, record_str(r, "severity"),
                         residual_exploitability(r, neffective > 0));
        else
            check_report(c, RULE_THREAT_RESIDUAL_RISK, check_loc(r, record_field(r, "risk")), r,
                         "%s: the residual risk is not acceptable; add controls or accept the risk "
                         "with a rationale",
                         r->id);
    }
}

/* Threat-model coverage: every asset is named by at least one threat, or
 * dossier.xml justifies it (threat-coverage; rules_coverage.c checks the
 * justification itself). */
static void check_asset_threatened(Check *c, const Record *asset) {
    if (check_threatened(asset)) return;
    if (check_justified(c, "threat-coverage", asset->id)) return;
    check_report(c, RULE_ASSET_THREATENED, check_loc(asset, NULL), asset,
                 "%s is named by no threat (no threat lists it in assets): the threat model does "
                 "not cover it",
                 asset->id);
}

/* Words of an asset interface (name, protocol, ports) that make a device a
 * cyber device under 524B(c): it can connect to the internet or to other
 * devices, by wire, radio or removable media. */
#define CONNECTED_WORDS                                                                            \
    "wi-fi|wifi|wlan|802.11|bluetooth|ble|nfc|lte|cellular|zigbee|5g|wireless|ethernet|rj45|tcp|"  \
    "udp|ip|"                                                                                      \
    "https|http|tls|internet|network|usb|sd|removable|serial|rs-232|hl7|fhir|dicom|mqtt"

/* True when text has one of words (| separated) as a whole word, in any case. */
static bool has_connected_word(const char *text, const char *words) {
    if (!text) return false;
    for (const char *w = words; *w;) {
        size_t wl = strcspn(w, "|");
        for (const char *p = text; *p; p++) {
            if (p != text && (isalnum((unsigned char)p[-1]) || p[-1] == '-')) continue;
            if (strncasecmp(p, w, wl) == 0 && !isalnum((unsigned char)p[wl]) && p[wl] != '-')
                return true;
        }
        w += wl + (w[wl] == '|');
    }
    return false;
}

/* 524B(c): a "no" that the assets' own interfaces contradict is an error
 * naming both, so the checklist never says pass over a networked device. */
static void check_cyber_device(Check *c) {
    const Product *p = &c->m->product;
    if (!p->cyber_device || strcmp(p->cyber_device, "no") != 0) return;
    size_t n;
    Record **assets = check_records(c, "asset", &n);
    for (size_t i = 0; i < n; i++) {
        const Value *list = record_field(assets[i], "interfaces");
        for (size_t k = 0; list && list->kind == VAL_LIST && k < list->n; k++) {
            const char *parts[] = {"name", "protocol", "ports"};
            for (size_t q = 0; q < 3; q++) {
                const Value *v = value_get(list->items[k], parts[q]);
                if (!v || v->kind != VAL_SCALAR || !has_connected_word(v->text, CONNECTED_WORDS))
                    continue;
                SrcLoc loc = p->cyber_device_loc.path ? p->cyber_device_loc : p->loc;
                check_report(c, RULE_CYBER_DEVICE, loc, NULL,
                             "dossier.xml says the device is not a cyber device (cyberDevice "
                             "value=\"no\"), but %s has an interface whose %s is '%s' (%s:%d), "
                             "which connects it: say yes, or correct the interface",
                             assets[i]->id, parts[q], v->text, assets[i]->path, v->loc.line);
                return;
            }
        }
    }
}

void rules_threat_check(Check *c) {
    size_t n;
    Record **threats = check_records(c, "threat", &n);
    const Product *p = &c->m->product;
    for (size_t i = 0; i < n; i++)
        check_threat(c, threats[i]);
    if (n && !p->risk_matrix)
        check_report(c, RULE_RISK_MATRIX, p->loc, NULL,
                     "dossier.xml has no risk acceptance matrix (riskAcceptance): the residual "
                     "risk of the %zu threat%s is taken on trust from their risk fields",
                     n, n == 1 ? "" : "s");
    const Unloaded *lost = NULL; /* a threat file that did not load: the cause to name */
    for (size_t i = 0; !n && i < c->m->nunloaded && !lost; i++) {
        const RecordType *t = schema_type_for_id(c->m->schema, c->m->unloaded[i].id);
        if (t && strcmp(t->name, "threat") == 0) lost = &c->m->unloaded[i];
    }
    if (!n && lost)
        check_report(
            c, RULE_THREAT_MODEL_EMPTY, p->loc, NULL,
            "the dossier has no threats that loaded: the threat model, the risk assessment and the "
            "traceability matrix are empty; %s did not load (see %s:%d [%s])",
            lost->id, lost->loc.path, lost->loc.line, lost->rule);
    else if (!n)
        check_report(c, RULE_THREAT_MODEL_EMPTY, p->loc, NULL,
                     "the dossier has no threats: the threat model, the risk assessment and the "
                     "traceability matrix are empty");
    if (!p->cyber_device)
        check_report(
            c, RULE_CYBER_DEVICE_MISSING, p->loc, NULL,
            "dossier.xml gives no cyber-device determination (cyberDevice value=\"yes\" or \"no\", "
            "with the reason): section 524B(c) decides which requirements apply");
    if (!p->cvd_policy_url)
        check_report(c, RULE_CVD_POLICY, p->loc, NULL,
                     "dossier.xml names no coordinated vulnerability disclosure policy (cvd "
                     "policy=\"URL\"): section 524B(b)(1) requires one");
    if (n) { /* without threats, threat-mitigated and the checklist say so once */
        Record **assets = check_records(c, "asset", &n);
        for (size_t i = 0; i < n; i++)
            check_asset_threatened(c, assets[i]);
    }
    check_cyber_device(c);
}
