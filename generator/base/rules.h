/* rules.h: the table of every rule a finding can carry, from any stage:
 * stable ID, default severity, stage, one-line meaning. Implemented in
 * rules.c; docs/rules.md is written from it (`dossier rules --markdown`). */
#ifndef DOSSIER_RULES_H
#define DOSSIER_RULES_H

#include "base.h"

typedef struct Rule {
    const char *id;      /* stable, kebab-case: "threat-mitigated" */
    Severity severity;   /* default severity */
    const char *stage;   /* "load", "model" or "check" */
    const char *meaning; /* one line: what a finding of this rule says */
} Rule;

extern const Rule rule_table[];
extern const size_t rule_count;
/* The rule with that ID, or NULL. */
const Rule *rule_find(const char *id);
/* Appends the rule reference (docs/rules.md) as Markdown to sb: one table
 * per stage, in table order. */
void rules_markdown(StrBuf *sb);

#endif
