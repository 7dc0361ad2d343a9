/* check.h: the check stage and the reports of its findings. Rules run over
 * the frozen model and add findings to the sink; they never touch files.
 * Implemented in rules_*.c (one file per family) and report.c (text, JSON,
 * SARIF 2.1.0, JUnit). */
#ifndef DOSSIER_CHECK_H
#define DOSSIER_CHECK_H

#include <stdio.h>

#include "../base/base.h"
#include "../model/model.h"
#include "../model/rules.h"

/* Runs every rule over m (frozen), adding findings to d, and returns the
 * verdicts the outputs state (model/verdict.h), allocated in m's arena.
 * Rules that measure against the build date are skipped when
 * m->build_date is not after 1970. */
const Verdicts *check_run(const Model *m, Diag *d);

/* build --previous: the verdicts v of m (checked) with the checklist item
 * of premarket guidance section VII (modified devices) after the others:
 * the changes since the last submission, m->changes, are described, and it
 * rests on the records added and changed. In m's arena. */
const Verdicts *check_changes(const Model *m, const Verdicts *v);

/* ---- check.c: what every family of rules shares ------------------------- */

/* The state of one run of the rules. */
typedef struct Check {
    const Model *m;
    Diag *d;
    bool has_build_date; /* m->build_date is a real date */
    Verdicts *v;         /* what the rules judge, for the outputs */
} Check;

/* ---- verdict.c: the judgments the outputs state --------------------------- */

/* Allocates the verdicts and makes the judgments the rules read: the latest
 * result of every test, the release submitted. */
Verdicts *verdicts_begin(Check *c);
/* After the rules: vulnerability states, the matrix, the risk counts and
 * the checklist from the findings. */
void verdicts_finish(Check *c);
/* The verdict slot of r, for a rule to fill. */
RecordVerdict *check_verdict(Check *c, const Record *r);
/* The latest result of a test (state, latest, latest_date), or NULL when
 * it has none. */
const RecordVerdict *check_latest(const Check *c, const Record *test);

/* Reports a finding of rule (at its severity, through rule_report) at loc,
 * about record r (may be NULL); where r's file starts when loc has no path. */
void check_report(Check *c, RuleId rule, SrcLoc loc, const Record *r, const char *fmt, ...)
    PRINTF_LIKE(5, 6);
/* v's location when v has one, else where r starts: the line to edit. */
SrcLoc check_loc(const Record *r, const Value *v);
/* The text of a scalar that holds more than blanks, else NULL. */
const char *check_text(const Value *v);
/* True with *days set when v is a scalar holding a real date. */
bool check_date(const Value *v, int64_t *days);
/* The records linked to r under the link name (as seen from r, either
 * direction; prose mentions excluded), one per call: start with *pos = 0;
 * NULL at the end. */
Record *check_linked(const Record *r, const char *name, size_t *pos);
/* Records of a type, sorted by ID; *n gets the count. */
Record **check_records(const Check *c, const char *type, size_t *n);
/* cvss.c: the base score of a CVSS v3.0 or v3.1 vector into *score; false,
 * with why it does not parse in why, when it is not one. */
bool cvss3_score(const char *vector, double *score, char *why, size_t whylen);
/* cvss4.c: the score of a CVSS v4.0 vector into *score and its
 * nomenclature (CVSS-B, CVSS-BT, CVSS-BE, CVSS-BTE) into *nomenclature;
 * false, with why it does not parse in why, when it is not one. */
bool cvss4_score(const char *vector, double *score, const char **nomenclature, char *why,
                 size_t whylen);
/* The qualitative rating of a CVSS score: none, low, medium, high, critical. */
const char *cvss_rating(double score);

/* True when a threat names the asset in its assets field. */
bool check_threatened(const Record *asset);
/* The justification in dossier.xml of that kind for that name, or NULL. */
const Justification *check_justified(const Check *c, const char *kind, const char *name);
/* The index of value in an enum field's list, or -1. */
int check_enum_index(const FieldDef *f, const char *value);

/* A short list for a message ("CTL-1 planned, CTL-2 not-applicable"): the
 * first five items, then "and N more". Zero-initialise; free after use. */
typedef struct CheckList {
    StrBuf sb;
    size_t n;
} CheckList;
void check_list_add(CheckList *l, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* The list so far, owned by l. */
const char *check_list_text(CheckList *l);
void check_list_free(CheckList *l);

/* ---- rules_*.c: one family of rules each ------------------------------- */

void rules_threat_check(Check *c);  /* threat-* */
void rules_control_check(Check *c); /* control-*, test-* (latest results against controls) */
void rules_coverage_check(
    Check *c); /* control-category, architecture-view, justification-*, view-* */
void rules_postmarket_check(Check *c); /* vulnerabilities, signals, anomalies */
void rules_record_check(Check *c);     /* dates and internal_fields of every record */
void rules_sbom_check(Check *c);       /* component-*, support-coverage */
void rules_advisory_check(Check *c);   /* advisory-version, whitepaper-directive */
void rules_mds2_check(Check *c);       /* mds2-unanswered, mds2-not-started, mds2-contradiction */
void rules_files_check(Check *c);      /* evidence-file, diagram-file */
void rules_labeling_check(Check *c);   /* labeling-item, labeling-reason */
/* postmarket.c: the postmarket report's verdicts over the model's period
 * (c->v->postmarket); signal-triage-late, source-plan, source-runs,
 * incident-report. */
void postmarket_judge(Check *c);
/* versions.c: the releases still supported and what each one's customer
 * documents say (c->v->versions); release-sbom, release-sbom-missing,
 * release-sbom-unused. After postmarket_judge. */
void versions_judge(Check *c);
/* The coverage figure of the SBOM page: *known of *total components have a
 * level of support and an end-of-support date, neither unknown. */
void rules_sbom_coverage(const Model *m, size_t *known, size_t *total);

/* ---- report.c: the findings as text, JSON, SARIF 2.1.0 or JUnit XML ---- */

typedef enum ReportFormat { REPORT_TEXT, REPORT_JSON, REPORT_SARIF, REPORT_JUNIT } ReportFormat;

/* Parses "text", "json", "sarif", "junit"; false if unknown. */
bool report_format_parse(const char *s, ReportFormat *out);
/* Appends the findings of d at or above min to sb in format f, sorted by
 * path, line, column, rule, message (d itself is left as it is). root is the
 * dossier folder as given on the command line: SARIF paths are written
 * relative to the working directory when root is relative, else relative to
 * root. Strings that are not valid UTF-8 are repaired with U+FFFD. */
void report_write(StrBuf *sb, const Diag *d, ReportFormat f, const char *root, Severity min);
/* What a report may say of the run beyond the findings. */
typedef struct ReportContext {
    const char *root;    /* as report_write's root */
    const char *version; /* dossier's version, for SARIF's driver; NULL: none */
    /* the dossier folder's path below the repository root, with a trailing
     * slash ("" at the root): SARIF paths start there (check --sarif-root);
     * NULL: as report_write says */
    const char *repo_prefix;
} ReportContext;
/* report_write with the context: SARIF names the tool's version, and with a
 * repo_prefix its paths start at the repository root, where code-scanning
 * services look for the files, whatever the working directory. */
void report_write_for(StrBuf *sb, const Diag *d, ReportFormat f, const ReportContext *ctx,
                      Severity min);
/* The most results one SARIF run carries (GitHub code scanning's limit per
 * run); the ones left out are counted in the run's properties. */
#define SARIF_MAX_RESULTS 25000

#endif
