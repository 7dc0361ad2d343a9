/* rules.h: every rule a finding can carry, from any stage, and the one way
 * a stage reports a finding. The rules are the lines of rules.def (an
 * X-macro): this header makes their constants (RULE_FILE_READ, ...), rules.c
 * their table and the rule reference written from it (docs/rules.md,
 * `dossier rules --markdown`). A finding's severity is its rule's, always:
 * no call names one. Part of model/ because load, model and check all
 * report, and load may use only model and base. */
#ifndef DOSSIER_RULES_H
#define DOSSIER_RULES_H

#include "../base/base.h"

/* Where a rule is judged: the section of docs/rules.md it is listed in. */
typedef enum RuleStage { STAGE_LOAD, STAGE_MODEL, STAGE_CHECK } RuleStage;

/* One constant per line of rules.def, in its order: the index of the
 * rule's row in rule_table. */
typedef enum RuleId {
#define RULE(name, id, severity, stage, meaning) RULE_##name,
#include "rules.def"
#undef RULE
    RULE_COUNT
} RuleId;

typedef struct Rule {
    const char *id;      /* stable, kebab-case: "threat-mitigated" */
    Severity severity;   /* the severity of every finding of the rule */
    RuleStage stage;     /* where it is judged */
    const char *meaning; /* one line: what a finding of this rule says */
} Rule;

/* The rows of rules.def; rule_table[RULE_X] is the rule RULE_X. */
extern const Rule rule_table[RULE_COUNT];
/* The rule with that ID (a finding's rule), or NULL. */
const Rule *rule_find(const char *id);
/* "load", "model" or "check". */
const char *rule_stage_name(RuleStage stage);
/* Appends the rule reference (docs/rules.md) as Markdown to sb: one table
 * per stage, in table order. */
void rules_markdown(StrBuf *sb);

/* Reports a finding of rule at loc, about the record with ID record (may be
 * NULL), at the rule's severity: the one way every stage reports. */
void rule_report(Diag *d, RuleId rule, SrcLoc loc, const char *record, const char *fmt, ...)
    PRINTF_LIKE(5, 6);
void rule_vreport(Diag *d, RuleId rule, SrcLoc loc, const char *record, const char *fmt, va_list ap)
    PRINTF_LIKE(5, 0);
/* As rule_report, at warning when the rule's severity is above it: for what
 * a parser itself calls a warning (libxml2's XML_ERR_WARNING) in a file
 * whose errors are the rule's. Never raises a rule's severity. */
void rule_report_warning(Diag *d, RuleId rule, SrcLoc loc, const char *record, const char *fmt, ...)
    PRINTF_LIKE(5, 6);

#endif
