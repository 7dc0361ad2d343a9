/* rules_coverage.c: the FDA's eight security control categories and four
 * architecture views, each covered by records or justified in dossier.xml
 * with a state and a reason; unknown and manual justifications stay
 * findings. The lists are the enums of control.category and view.kind in
 * schemas/records.xml. Part of check/. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* One kind of coverage: which records cover which value of which field. */
typedef struct Coverage {
    const char *kind;  /* justification kind in dossier.xml */
    const char *type;  /* record type that covers */
    const char *field; /* enum field of that type naming what is covered */
    RuleId rule;
    const char *noun; /* "control category" */
    bool need_implemented;
} Coverage;

static const Coverage coverages[] = {
    {"control-category", "control", "category", RULE_CONTROL_CATEGORY, "control category", true},
    {"architecture-view", "view", "kind", RULE_ARCHITECTURE_VIEW, "architecture view", false},
};

static const char *const states[] = {"not-applicable", "unknown", "manual"};

static bool blank(const char *s) {
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s)) return false;
    return true;
}

static SrcLoc product_loc(const Check *c) {
    SrcLoc loc = c->m->product.loc;
    if (!loc.path) loc.path = "dossier.xml";
    return loc;
}

static SrcLoc justification_loc(const Check *c, const Justification *j) {
    return j->loc.path ? j->loc : product_loc(c);
}

/* The reason and state of one justification, whatever it justifies. */
static void check_justification(Check *c, const Justification *j) {
    SrcLoc loc = justification_loc(c, j);
    bool known_state = false;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (j->state && strcmp(j->state, states[i]) == 0) known_state = true;
    if (!known_state)
        check_report(
            c, RULE_JUSTIFICATION_INVALID, loc, NULL,
            "justification for %s: state '%s' is not one of not-applicable, unknown, manual",
            j->name ? j->name : "(no name)", j->state ? j->state : "");
    if (blank(j->reason))
        check_report(c, RULE_JUSTIFICATION_REASON, loc, NULL,
                     "justification for %s (%s) gives no reason", j->name ? j->name : "(no name)",
                     j->state ? j->state : "no state");
    if (j->state && (strcmp(j->state, "unknown") == 0 || strcmp(j->state, "manual") == 0))
        check_report(c, RULE_JUSTIFICATION_STATE, loc, NULL,
                     "%s %s is justified as %s: an open question until someone resolves it",
                     j->kind, j->name ? j->name : "(no name)", j->state);
}

static void check_coverage(Check *c, const Coverage *cov) {
    const RecordType *t = schema_type(c->m->schema, cov->type);
    const FieldDef *f = t ? schema_field(t, cov->field) : NULL;
    if (!f || f->nvalues == 0) return;
    bool *covered = xmalloc(f->nvalues * sizeof *covered);
    const Record **other = xmalloc(f->nvalues * sizeof *other);
    const Justification **justified = xmalloc(f->nvalues * sizeof *justified);
    for (size_t i = 0; i < f->nvalues; i++) {
        covered[i] = false;
        other[i] = NULL;
        justified[i] = NULL;
    }

    size_t n;
    Record **records = check_records(c, cov->type, &n);
    for (size_t i = 0; i < n; i++) {
        const char *status = record_str(records[i], "status");
        int k = check_enum_index(f, record_str(records[i], cov->field));
        if (k < 0) continue;
        if (!cov->need_implemented || (status && strcmp(status, "implemented") == 0))
            covered[k] = true;
        else if (!other[k])
            other[k] = records[i];
    }

    const Product *p = &c->m->product;
    for (size_t i = 0; i < p->njustifications; i++) {
        const Justification *j = &p->justifications[i];
        if (!j->kind || strcmp(j->kind, cov->kind) != 0) continue;
        int k = check_enum_index(f, j->name);
        if (k < 0) {
            StrBuf names;
            sb_init(&names);
            for (size_t v = 0; v < f->nvalues; v++)
                sb_printf(&names, "%s%s", v ? ", " : "", f->values[v]);
            check_report(c, RULE_JUSTIFICATION_INVALID, justification_loc(c, j), NULL,
                         "justification names the %s '%s', which is not one of: %s", cov->noun,
                         j->name ? j->name : "", names.data);
            sb_free(&names);
            continue;
        }
        if (justified[k]) {
            check_report(c, RULE_JUSTIFICATION_INVALID, justification_loc(c, j), NULL,
                         "a second justification for the %s %s (the first is at line %d)",
                         cov->noun, j->name, justified[k]->loc.line);
            continue;
        }
        justified[k] = j;
        check_justification(c, j);
    }

    for (size_t k = 0; k < f->nvalues; k++) {
        if (covered[k] && justified[k])
            check_report(c, RULE_JUSTIFICATION_UNUSED, justification_loc(c, justified[k]), NULL,
                         "the %s %s is justified as %s but records cover it", cov->noun,
                         f->values[k], justified[k]->state ? justified[k]->state : "(no state)");
        if (covered[k] || justified[k]) continue;
        if (other[k])
            check_report(c, cov->rule, product_loc(c), NULL,
                         "no implemented control in the %s %s (%s is %s) and no justification in "
                         "dossier.xml",
                         cov->noun, f->values[k], other[k]->id, record_str(other[k], "status"));
        else if (cov->need_implemented)
            check_report(c, cov->rule, product_loc(c), NULL,
                         "no implemented control in the %s %s and no justification in dossier.xml",
                         cov->noun, f->values[k]);
        else
            check_report(c, cov->rule, product_loc(c), NULL,
                         "no %s record of kind %s and no justification in dossier.xml", cov->type,
                         f->values[k]);
    }
    free(covered);
    free(other);
    free(justified);
}

static void check_views(Check *c) {
    size_t n;
    Record **views = check_records(c, "view", &n);
    for (size_t i = 0; i < n; i++) {
        const Record *r = views[i];
        bool diagram = check_text(record_field(r, "diagram")) != NULL;
        bool prose = r->body && !blank(r->body);
        if (diagram && prose) continue;
        check_report(c, RULE_VIEW_CONTENT, check_loc(r, NULL), r, "%s has %s", r->id,
                     !diagram && !prose ? "no diagram and no explanatory prose"
                     : !diagram         ? "no diagram"
                                        : "no explanatory prose");
    }
}

/* Justifications of an asset no threat names (kind threat-coverage): each
 * names an asset once, with a state and a reason; one for an asset a
 * threat names is stale. */
static void check_threat_coverage(Check *c) {
    const Product *p = &c->m->product;
    for (size_t i = 0; i < p->njustifications; i++) {
        const Justification *j = &p->justifications[i];
        if (!j->kind || strcmp(j->kind, "threat-coverage") != 0) continue;
        const Record *asset = j->name ? model_find(c->m, j->name) : NULL;
        if (!asset || strcmp(asset->type->name, "asset") != 0) {
            check_report(
                c, RULE_JUSTIFICATION_INVALID, justification_loc(c, j), NULL,
                "threat-coverage justification names '%s', which is not an asset of the dossier",
                j->name ? j->name : "");
            continue;
        }
        const Justification *first = check_justified(c, "threat-coverage", j->name);
        if (first != j) {
            check_report(c, RULE_JUSTIFICATION_INVALID, justification_loc(c, j), NULL,
                         "a second threat-coverage justification for %s (the first is at line %d)",
                         j->name, first->loc.line);
            continue;
        }
        check_justification(c, j);
        if (check_threatened(asset))
            check_report(c, RULE_JUSTIFICATION_UNUSED, justification_loc(c, j), NULL,
                         "%s is justified as %s but a threat names it", j->name,
                         j->state ? j->state : "(no state)");
    }
}

/* The editions of the FDA guidance "Cybersecurity in Medical Devices" the
 * documents can follow, oldest first: date of issue, title, the date as the
 * title page gives it. */
static const struct {
    const char *edition, *title, *issued;
} GUIDANCE[] = {
    {"2023-09-27",
     "Cybersecurity in Medical Devices: Quality System Considerations and Content of Premarket "
     "Submissions",
     "September 27, 2023"},
    {"2025-06-27",
     "Cybersecurity in Medical Devices: Quality System Considerations and Content of Premarket "
     "Submissions",
     "June 27, 2025"},
    {"2026-02-03",
     "Cybersecurity in Medical Devices: Quality Management System Considerations and Content of "
     "Premarket Submissions",
     "February 3, 2026"},
};
enum { NGUIDANCE = sizeof GUIDANCE / sizeof GUIDANCE[0] };

/* The edition the documents follow, stated once for all of them. */
static void check_guidance(Check *c) {
    const Product *p = &c->m->product;
    int64_t day;
    size_t in_force = 0; /* the newest issued by the build date */
    for (size_t i = 0; i < NGUIDANCE; i++)
        if (date_parse(GUIDANCE[i].edition, &day) && day <= c->m->build_date) in_force = i;
    size_t pick = in_force;
    bool named = false;
    for (size_t i = 0; p->guidance_edition && i < NGUIDANCE; i++)
        if (strcmp(p->guidance_edition, GUIDANCE[i].edition) == 0) pick = i, named = true;
    char build[16];
    date_format(c->m->build_date, build);
    if (!named)
        check_report(c, RULE_GUIDANCE_EDITION, product_loc(c), NULL,
                     "dossier.xml names no edition of the FDA premarket cybersecurity guidance: "
                     "the documents follow the one in force on the build date, %s (%s); name it "
                     "with <guidance edition=\"%s\"/>",
                     GUIDANCE[pick].issued, build, GUIDANCE[pick].edition);
    else if (pick > in_force ||
             (date_parse(GUIDANCE[pick].edition, &day) && day > c->m->build_date))
        check_report(c, RULE_GUIDANCE_EDITION, p->guidance_loc, NULL,
                     "the guidance edition of %s is later than the build date, %s",
                     GUIDANCE[pick].issued, build);
    else if (pick < in_force)
        check_report(c, RULE_GUIDANCE_EDITION, p->guidance_loc, NULL,
                     "the guidance edition of %s was superseded by the edition of %s before the "
                     "build date, %s",
                     GUIDANCE[pick].issued, GUIDANCE[in_force].issued, build);
    c->v->guidance_edition = GUIDANCE[pick].edition;
    c->v->guidance_title = GUIDANCE[pick].title;
    c->v->guidance_issued = GUIDANCE[pick].issued;
    c->v->guidance_named = named;
}

void rules_coverage_check(Check *c) {
    check_guidance(c);
    for (size_t i = 0; i < sizeof coverages / sizeof coverages[0]; i++)
        check_coverage(c, &coverages[i]);
    check_threat_coverage(c);
    const Product *p = &c->m->product;
    for (size_t i = 0; i < p->njustifications; i++) {
        const Justification *j = &p->justifications[i];
        bool known = j->kind && strcmp(j->kind, "threat-coverage") == 0;
        for (size_t k = 0; k < sizeof coverages / sizeof coverages[0]; k++)
            if (j->kind && strcmp(j->kind, coverages[k].kind) == 0) known = true;
        if (!known)
            check_report(c, RULE_JUSTIFICATION_INVALID, justification_loc(c, j), NULL,
                         "justification kind '%s' is not control-category, architecture-view or "
                         "threat-coverage",
                         j->kind ? j->kind : "");
    }
    check_views(c);
}
