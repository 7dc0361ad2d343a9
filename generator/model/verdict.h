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
 *   advisory:      public (TLP:CLEAR, for everyone), restricted (TLP:GREEN,
 *                  AMBER, AMBER+STRICT or RED: for its recipients only) or
 *                  draft (published to nobody).
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
    /* vulnerability: the date it was fixed (its own fixed date, else its
     * earliest fixing release's; by the build date), YYYY-MM-DD, or NULL */
    const char *fixed_date;
    /* advisory: its TLP label as TLP 2.0 names it ("CLEAR", "AMBER+STRICT")
     * and as CSAF 2.0's document.distribution.tlp.label takes it ("WHITE",
     * "GREEN", "AMBER", "RED") */
    const char *tlp, *csaf_tlp;
    /* vulnerability: the product's parts (assets with part: true, by ID)
     * it affects (those of its affects links) and those it does not; both
     * empty when the product has no parts or it affects none of them, as
     * it then concerns the product as a whole, and when it is not-affected */
    const struct Record **parts_affected, **parts_unaffected;
    size_t nparts_affected, nparts_unaffected;
    /* vulnerability: only restricted advisories tell of it and it is
     * neither fixed nor not affected, so no public document states it
     * (the CSAF VEX and the customer SBOM leave it out) */
    bool embargoed;
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

/* ---- the postmarket report's period (check/postmarket.c) ---------------- */

/* Days, or none: a count of days or a date in days since 1970. */
typedef struct PmDays {
    bool known;
    int64_t days;
} PmDays;

/* One FDA deadline of an uncontrolled-risk vulnerability, as of the
 * period's end: "on-time" or "late" once done, "open" (not due by the
 * period's end) or "overdue" (open past its due date). */
typedef struct PmDeadline {
    const char *state;
    PmDays done;              /* when it was done, by the period's end */
    int64_t due, days;        /* due date; days from discovery to done (or to the end) */
    const struct Record *via; /* the advisory or release that gave the date, or NULL */
    const char *rule;         /* uncontrolled-communicated/-fixed when late or overdue, else NULL */
} PmDeadline;

/* A vulnerability the period touched (discovered, communicated or fixed in
 * it), or an uncontrolled one the fleet may still carry. */
typedef struct PmVulnerability {
    const struct Record *record;
    bool uncontrolled;
    PmDeadline told, fixed;       /* uncontrolled only */
    PmDays fixed_date;            /* its fixed date or its earliest fixing release's, by the end */
    const struct Record *release; /* the release that fixed it, or NULL */
    PmDays to_release;            /* days from discovery to the fix */
    PmDays deployed;              /* when that release's figures reached the threshold */
    PmDays to_deployment;         /* days from discovery to then */
    bool exposure_known;          /* figures give the share below */
    double exposure;              /* percent of the fleet on a release that carries it at the end */
    const struct Record **carriers; /* the releases that carry it */
    size_t ncarriers;
} PmVulnerability;

/* A signal received in the period and its triage against its source's target:
 * state "on-time", "late", "untriaged" (not past the target), "overdue"
 * (untriaged past it) or "no-target" (no source gives one). */
typedef struct PmSignal {
    const struct Record *record, *source;
    PmDays triage_days, target;
    const char *state, *rule;
} PmSignal;

/* A surveillance source over the period: runs planned (the period's days
 * up to the build date, divided by every) and recorded, the signals of the
 * period it brought; state "as-planned", "short" (rule source-runs) or
 * "no-plan" (every missing or below 1: source-plan or field-type). */
typedef struct PmSource {
    const struct Record *record;
    int64_t every, planned, ran, signals;
    PmDays last_run;
    const char *state, *rule;
} PmSource;

/* A release as of the period's end: its latest deployment figure, the days
 * to 50% and 90% of the fleet, its end of support ("past", "upcoming"
 * within a year of the end, "later", NULL without a date). */
typedef struct PmRelease {
    const struct Record *record;
    bool in_period;
    PmDays figure_date; /* the latest figure by the end */
    double percent;
    PmDays to_50, to_90; /* days from the release date, when reached by the end */
    double peak;         /* the highest figure by the end */
    const char *eos_state;
    PmDays eos, eos_days; /* the date; days from the period's end to it */
    /* still supported at the build date: released by then, its end of
     * support (when it gives one) after it; the releases whose customer
     * documents are published (check/versions.c) */
    bool supported;
} PmRelease;

/* A customer document changed in the period: a publication's or an
 * advisory's revision. */
typedef struct PmDocument {
    const struct Record *record;
    const char *kind; /* the publication's kind, or "advisory" */
    int64_t date;
    const char *number, *summary;
} PmDocument;

/* The postmarket report's judgments over its period. */
/* The FDA metrics (premarket guidance V.A.6) over a set of vulnerabilities
 * (none marked not_affected): by severity of patient harm, in the order of
 * the severity enum, then "all". A stat's n is 0 when nothing was measured
 * (its mean and median are then meaningless). */
typedef struct MetricStats {
    size_t n;
    double mean, median, min, max;
} MetricStats;

typedef struct MetricGroup {
    const char *severity;  /* a severity, "unknown", or "all" */
    size_t total, patched; /* patched: a fixed date by the cut-off */
    MetricStats to_patch;  /* days from discovery to the fix */
    MetricStats to_field;  /* days from the fixing release to the deployment threshold */
    const struct Record **records;
    size_t nrecords;
} MetricGroup;

typedef struct FdaMetrics {
    MetricGroup *groups; /* only the severities present, then "all" (always) */
    size_t ngroups;
} FdaMetrics;

typedef struct Postmarket {
    int64_t from, to;
    PmSignal *signals;
    size_t nsignals, late_triage;
    PmSource *sources;
    size_t nsources, short_sources;
    PmVulnerability *vulnerabilities; /* the period's */
    size_t nvulnerabilities;
    PmVulnerability *exposed; /* every uncontrolled-risk one discovered by the end */
    size_t nexposed;
    const struct Record **late; /* the period's uncontrolled ones that missed 30 or 60 days */
    size_t nlate;
    const struct Record **discovered; /* discovered in the period (the metrics) */
    size_t ndiscovered;
    const struct Record **remediated; /* fixed in the period (the PMA items) */
    size_t nremediated;
    const struct Record **eos_components; /* past or at end of support by the end */
    size_t neos_components;
    const struct Record **incidents; /* open at some time in the period */
    size_t nincidents, incomplete_incidents;
    PmRelease *releases; /* every release, by date then ID */
    size_t nreleases, releases_in_period;
    double fleet_total;    /* the sum of the latest figures, percent */
    PmDays fleet_date;     /* the latest of them */
    PmDocument *documents; /* by date, then ID, then revision */
    size_t ndocuments;
    int field_threshold; /* percent: a release is deployed when a figure reaches it */
    FdaMetrics metrics;  /* over the vulnerabilities discovered in the period */
} Postmarket;

/* ---- the customer documents of each supported release (check/versions.c) -- */

/* A vulnerability as it stands in one release: state not_affected (the
 * record says so, or the release predates the one it was introduced in:
 * justification component_not_present), fixed (the release is the first
 * that fixes it or a later one, or the record is fixed without a fixing
 * release), affected (before the fix, or no fix yet) or
 * under_investigation. */
typedef struct VersionVulnerability {
    const struct Record *record;
    const char *state;
    const char *justification;     /* not_affected: a VEX justification, or NULL */
    const struct Record *fixed_by; /* the first release that fixes it, or NULL */
} VersionVulnerability;

/* A release with how each vulnerability stands in it (every release: the
 * CSAF VEX names each as a product) and, when it is still supported at the
 * build date, what its SBOM, VEX and MDS2 say: sbom "current" (the release
 * the dossier describes: sbom/), "own" (the files its sbom field names) or
 * "missing" (none: the documents say so, rule release-sbom-missing); NULL
 * for a release not supported. */
typedef struct SupportedVersion {
    const struct Record *record;
    bool supported;
    const char *version, *date, *end_of_support; /* end_of_support NULL when not given */
    bool current;                                /* the release the dossier describes */
    const char *sbom;
    const char **sbom_files; /* the files its components come from, relative to the dossier */
    size_t nsbom_files;
    const struct ReleaseComponent *components; /* by ID; none when its SBOM is missing */
    size_t ncomponents;
    VersionVulnerability
        *vulnerabilities; /* every vulnerability with a VEX state or a fix, by ID */
    size_t nvulnerabilities;
    /* the MDS2 answers that differ in this release's form (model/mds2.c,
     * mds2_for_version), in the form's order; none for the current release
     * or without a form */
    const struct Mds2Answer *mds2;
    size_t nmds2;
} SupportedVersion;

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
    bool guidance_named;   /* dossier.xml names it */
    Postmarket postmarket; /* the postmarket report's period */
    /* the premarket bundle's metrics: every vulnerability recorded, fixes
     * and deployment figures up to the build date; deployment lists every
     * release in record order (its to_90 and peak as of that date) */
    FdaMetrics metrics;
    PmRelease *deployment;
    size_t ndeployment;
    SupportedVersion *versions; /* every release, newest first; supported says which are */
    size_t nversions;
} Verdicts;

#endif
