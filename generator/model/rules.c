/* rules.c: the table of every rule a finding can carry, made from the lines
 * of rules.def, the one function every stage reports a finding through, and
 * the rule reference written from the table (docs/rules.md, `dossier rules
 * --markdown`). Part of model/. */
#include <string.h>

#include "rules.h"

const Rule rule_table[RULE_COUNT] = {
#define RULE(name, id, severity, stage, meaning) {id, SEV_##severity, STAGE_##stage, meaning},
#include "rules.def"
#undef RULE
};

const Rule *rule_find(const char *id) {
    if (!id) return NULL;
    for (size_t i = 0; i < RULE_COUNT; i++)
        if (strcmp(rule_table[i].id, id) == 0) return &rule_table[i];
    return NULL;
}

const char *rule_stage_name(RuleStage stage) {
    switch (stage) {
    case STAGE_LOAD:
        return "load";
    case STAGE_MODEL:
        return "model";
    case STAGE_CHECK:
        return "check";
    }
    return "?";
}

void rule_vreport(Diag *d, RuleId rule, SrcLoc loc, const char *record, const char *fmt,
                  va_list ap) {
    diag_vadd(d, rule_table[rule].severity, loc, rule_table[rule].id, record, fmt, ap);
}

void rule_report(Diag *d, RuleId rule, SrcLoc loc, const char *record, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rule_vreport(d, rule, loc, record, fmt, ap);
    va_end(ap);
}

void rule_report_warning(Diag *d, RuleId rule, SrcLoc loc, const char *record, const char *fmt,
                         ...) {
    Severity sev = rule_table[rule].severity;
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(d, sev > SEV_WARNING ? SEV_WARNING : sev, loc, rule_table[rule].id, record, fmt, ap);
    va_end(ap);
}

/* Appends s for a Markdown table cell: a | would end the cell. */
static void cell(StrBuf *sb, const char *s) {
    for (; *s; s++) {
        if (*s == '|') sb_putc(sb, '\\');
        sb_putc(sb, *s);
    }
}

void rules_markdown(StrBuf *sb) {
    static const struct {
        RuleStage stage;
        const char *title, *intro;
    } stages[] = {
        {STAGE_LOAD, "Load", "Reading the dossier folder: files, YAML front matter, XML records."},
        {STAGE_MODEL, "Model", "Typing records against schemas/records.xml and resolving links."},
        {STAGE_CHECK, "Check", "Rules over the complete model: what traceable means."},
    };
    sb_puts(sb, "# Rules\n\n"
                "<!-- Written by `dossier rules --markdown` from generator/model/rules.def; "
                "edit the rules there, not this file. -->\n\n"
                "Every finding `dossier check` reports names one of these rules. A finding is an\n"
                "error, a warning or a note; findings at or above the failing level\n"
                "(`--fail-on`, errors by default) make `dossier check` exit 1. Rule IDs are\n"
                "stable: CI filters may rely on them.\n\n"
                "\"Unknown\", \"not applicable\" and \"manual\" are explicit states: they carry a\n"
                "reason, and unknown or manual states stay findings until someone resolves them.\n"
                "Date rules measure against the build date (`SOURCE_DATE_EPOCH` when set, else\n"
                "the date in dossier.xml), never the clock.\n");
    for (size_t s = 0; s < sizeof stages / sizeof stages[0]; s++) {
        sb_printf(sb, "\n## %s\n\n%s\n\n| rule | severity | meaning |\n|---|---|---|\n",
                  stages[s].title, stages[s].intro);
        for (size_t i = 0; i < RULE_COUNT; i++) {
            const Rule *r = &rule_table[i];
            if (r->stage != stages[s].stage) continue;
            sb_printf(sb, "| `%s` | %s | ", r->id, severity_name(r->severity));
            cell(sb, r->meaning);
            sb_puts(sb, " |\n");
        }
    }
    sb_puts(sb, "\n## Reports\n\n"
                "`dossier check --format` writes the same findings in four forms:\n\n"
                "- `text`: `path:line:col: severity: [rule] message`, one finding a line (the\n"
                "  GNU form editors jump to); `:col` or `:line:col` is left out when unknown.\n"
                "- `json`: `{\"version\", \"findings\": [{path, line, column, severity, rule,\n"
                "  message, record}], \"summary\": {error, warning, note}}`; line and column are\n"
                "  0 when unknown, path and record null.\n"
                "- `sarif`: SARIF 2.1.0 with every rule above in `tool.driver.rules`. A path is\n"
                "  relative to `SRCROOT`: the folder dossier ran in when the dossier was given\n"
                "  as a relative path (in CI, the repository root, so code scanning shows each\n"
                "  finding on its line), else the dossier folder itself.\n"
                "- `junit`: one test suite per rule, so a clean run shows a passing test for\n"
                "  every rule. An error is a failing test case, a warning a skipped one (shown,\n"
                "  not failing), a note a passing one with the message in its output.\n");
}
