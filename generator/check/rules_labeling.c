/* rules_labeling.c: the labeling (premarket guidance VI.A). The guidance
 * recommends fourteen items of cybersecurity information for users; each
 * labeling record says where the labeling gives one, or why it does not
 * apply. Every item is answered once (labeling-item), a not-applicable one
 * with its reason (labeling-reason); the verdict lists the fourteen in the
 * guidance's order for 07-labeling and the checklist. Part of check/. */
#include <string.h>

#include "check.h"

/* The fourteen, in the order the guidance lists them: the item value and
 * the recommendation in words. */
static const char *const ITEMS[][2] = {
    {"use-environment-controls",
     "Instructions and specifications for the cybersecurity controls recommended for the use "
     "environment (anti-malware, firewall, password rules)"},
    {"control-diagrams", "Diagrams detailed enough for users to put those controls in place"},
    {"ports-and-interfaces",
     "The network ports and other interfaces: function, direction, approved destinations"},
    {"infrastructure-requirements",
     "Supporting infrastructure requirements, secure deployment and servicing, and what to do on "
     "a vulnerability or incident"},
    {"sbom", "The SBOM, machine-readable and available on a continuous basis"},
    {"software-updates",
     "How to obtain version-identifiable, authorised software and firmware, and how users learn "
     "that an update is available"},
    {"security-events",
     "How the device responds to anomalous conditions (security events): notification and "
     "logging"},
    {"critical-functionality",
     "The features that protect critical functionality (backup mode, disabling ports)"},
    {"backup-restore", "Backup and restore, including authenticated configurations"},
    {"configuration-retention",
     "Retention and recovery of the configuration by an authenticated, authorised user"},
    {"secure-configuration",
     "The secure configuration as shipped, what users may change, and which changes raise the "
     "risk"},
    {"logs-and-forensics",
     "Forensic evidence and logs: how, where and in what format they are kept, and how a SIEM "
     "consumes them"},
    {"end-of-support",
     "End of support and end of life, and the risk that passes to users after it"},
    {"decommissioning", "Secure decommissioning: sanitising data and software"},
};
enum { NITEMS = sizeof ITEMS / sizeof ITEMS[0] };

void rules_labeling_check(Check *c) {
    size_t n;
    Record **recs = check_records(c, "labeling", &n);
    LabelingItem *items = arena_alloc(c->m->arena, NITEMS * sizeof *items);
    for (size_t i = 0; i < NITEMS; i++)
        items[i] = (LabelingItem){ITEMS[i][0], ITEMS[i][1], NULL, "missing"};
    for (size_t k = 0; k < n; k++) {
        const Record *r = recs[k];
        const Value *iv = record_field(r, "item");
        const char *item = check_text(iv);
        const char *status = record_str(r, "status");
        for (size_t i = 0; item && i < NITEMS; i++) {
            if (strcmp(item, ITEMS[i][0]) != 0) continue;
            if (items[i].record)
                check_report(c, RULE_LABELING_ITEM, check_loc(r, iv), r,
                             "%s answers the labeling item %s, which %s answers already", r->id,
                             item, items[i].record->id);
            else
                items[i].record = r, items[i].state = status ? status : "missing";
        }
        if (status && strcmp(status, "not-applicable") == 0 &&
            !check_text(record_field(r, "reason")))
            check_report(c, RULE_LABELING_REASON, check_loc(r, record_field(r, "status")), r,
                         "%s: the labeling item %s does not apply: say why (reason)", r->id,
                         item ? item : "");
        if (status && strcmp(status, "provided") == 0 && !check_text(record_field(r, "document")))
            check_report(c, RULE_LABELING_ITEM, check_loc(r, record_field(r, "status")), r,
                         "%s: say where the labeling gives %s (document: the document, its "
                         "revision and section)",
                         r->id, item ? item : "the item");
    }
    CheckList missing = {0};
    for (size_t i = 0; i < NITEMS; i++)
        if (!items[i].record) check_list_add(&missing, "%s", ITEMS[i][0]);
    if (missing.n) {
        size_t nmissing = missing.n; /* check_list_text shortens the count it keeps */
        SrcLoc loc = n ? check_loc(recs[0], NULL) : c->m->product.loc;
        if (!loc.path) loc.path = "dossier.xml";
        check_report(
            c, RULE_LABELING_ITEM, loc, NULL,
            "%zu of the %d labeling items the FDA recommends (guidance VI.A) have no labeling "
            "record saying where the labeling gives them or why they do not apply: %s",
            nmissing, (int)NITEMS, check_list_text(&missing));
    }
    check_list_free(&missing);
    c->v->labeling = items;
    c->v->nlabeling = NITEMS;
}
