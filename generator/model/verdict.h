/* verdict.h: the judgments every output states, made once by the check
 * stage (check/verdict.c and the rules) over the frozen model and its
 * findings, and handed to the templates as read-only data: the 524B / eSTAR
 * checklist, the traceability matrix and its gaps, the latest result of
 * every test, the state of every control, threat, component, vulnerability
 * and anomaly, and the residual-risk counts. Templates present these; they
 * decide nothing. Data only; part of model/. docs/bundle.md lists the
 * states. */
#ifndef DOSSIER_VERDICT_H
#define DOSSIER_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "../base/base.h"

struct Record;
struct Value;

typedef enum VerdictState {
    VERDICT_PASS,
    VERDICT_FAIL,
    VERDICT_NA,
    VERDICT_UNKNOWN,
    VERDICT_MANUAL
} VerdictState;

/* "pass", "fail", "not-applicable", "unknown", "manual". */
const char *verdict_state_name(VerdictState s);

/* The verdict on one record; which fields are set depends on its type:
 *   test:          state is its latest result (pass, fail, error, skipped,
 *                  not-run, manual) or "no-result"; latest the entry.
 *   control:       verified, manual, failed, incomplete, untested, or its
 *                  status when not in place (planned, not-applicable).
 *   threat:        mitigated, accepted or open; risk the residual risk.
 *   component:     supported, ending-soon, past-end-of-support, unknown.
 *   vulnerability: not-affected, fixed, under-investigation or open.
 *   anomaly:       unresolved or resolved (in the submitted release).
 * Every state that is not good names the rule whose finding says so. */
typedef struct RecordVerdict {
    const char *state;          /* NULL for a type without a verdict */
    const char *detail;         /* why, in words; may be NULL */
    const char *rule;           /* the rule whose finding stands behind a bad state, or NULL */
    const struct Value *latest; /* test: the latest results entry, NULL when none */
    int64_t latest_date;
    const char *risk; /* threat: residual risk, "acceptable" or "not-acceptable"; NULL unknown */
    const char *risk_source; /* threat: "matrix" (dossier.xml) or "record" (its risk field) */
    /* vulnerability: the CVSS v3 base score its vector gives (else the score
     * the record states), its rating (none ... critical) and the version
     * ("3.1"); cvss_rating NULL when it has neither */
    double cvss_score;
    const char *cvss_rating, *cvss_version;
    /* vulnerability: the CVSS v4.0 score its cvss4_vector gives, its rating
     * and nomenclature (CVSS-B ... CVSS-BTE); cvss4_rating NULL without a
     * vector that parses */
    double cvss4_score;
    const char *cvss4_rating, *cvss4_nomenclature;
    /* penetration test: the release its latest run tested, and how it stands
     * to the release submitted: "submitted", "justified" (another release,
     * with the record's justification), "other" or "unstated" */
    const char *tested_release, *build;
} RecordVerdict;

/* One item of the 524B / eSTAR checklist. */
typedef struct ChecklistItem {
    const char *ref, *question;
    VerdictState state;
    const char *detail;
    const char *rules; /* the rules (space-separated) whose findings decide it; "" when none */
    const struct Record **records; /* what the state rests on */
    size_t nrecords;
} ChecklistItem;

/* One of the fourteen labeling items the FDA recommends (guidance VI.A):
 * the record that answers it, if any, and its state: "provided",
 * "not-applicable" or "missing". */
typedef struct LabelingItem {
    const char *item;  /* the labeling record's item value */
    const char *title; /* the recommendation in words */
    const struct Record *record;
    const char *state;
} LabelingItem;

/* One row of the traceability matrix: threat -> control -> test. */
typedef struct MatrixRow {
    const struct Record *threat, *control, *test; /* control and test may be NULL */
    const char *gap;                              /* what is missing, in words, or NULL */
    const char *rule;                             /* the rule whose finding the gap is, or NULL */
    size_t gap_number;                            /* 1-based among the gaps, 0 without one */
    size_t control_rows; /* on the first row of a control (or of a threat without one): rows it
                            spans */
} MatrixRow;

/* The residual-risk counts: one computation for every document. A threat
 * is mitigated when an implemented or partial control mitigates it,
 * accepted when its risk is formally accepted (both can hold), open when
 * neither; not_acceptable counts residual risks not acceptable and not
 * accepted. */
typedef struct RiskCounts {
    size_t threats, mitigated, accepted, open, not_acceptable;
} RiskCounts;

typedef struct Verdicts {
    RecordVerdict *records; /* indexed by Record.order */
    size_t nrecords;
    ChecklistItem *checklist;
    size_t nchecklist;
    MatrixRow *matrix;
    size_t nmatrix, gaps;
    RiskCounts risk;
    const struct Record
        *release; /* the release submitted: the product version's, else the latest; NULL */
    size_t unresolved_anomalies; /* anomalies whose state is unresolved */
    /* the edition of the FDA premarket cybersecurity guidance the documents
     * follow: the one dossier.xml names, else the newest issued by the build
     * date; its date of issue (YYYY-MM-DD), title and date in words */
    const char *guidance_edition, *guidance_title, *guidance_issued;
    LabelingItem *labeling; /* the fourteen items, in the guidance's order */
    size_t nlabeling;
    bool guidance_named; /* dossier.xml names it */
} Verdicts;

#endif
