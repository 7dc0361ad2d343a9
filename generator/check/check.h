/* check.h: the check stage and the reports of its findings. Rules run over
 * the frozen model and add findings to the sink; they never touch files.
 * Implemented in rules_*.c (one file per family) and report.c (text, JSON,
 * SARIF 2.1.0, JUnit). */
#ifndef DOSSIER_CHECK_H
#define DOSSIER_CHECK_H

#include <stdio.h>

#include "../base/base.h"
#include "../base/rules.h"
#include "../model/model.h"

/* Runs every rule over m, adding findings to d. */
void check_run(const Model *m, Diag *d);

typedef enum ReportFormat { REPORT_TEXT, REPORT_JSON, REPORT_SARIF, REPORT_JUNIT } ReportFormat;

bool report_format_parse(const char *s, ReportFormat *out);
/* Writes the findings of d (sorted) in the given format to sb. root is the
 * dossier folder as given on the command line (for SARIF's base URI).
 * min is the lowest severity shown. */
void report_write(StrBuf *sb, const Diag *d, ReportFormat f, const char *root, Severity min);

#endif
