/* rules_files.c: the files records name (a test result's evidence, a
 * view's diagram) exist in the dossier as the load stage listed it: a
 * relative path, no "..", not a link, a regular file of a kind the outputs
 * can carry. A missing evidence file was listed to the FDA as evidence.
 * Part of check/; reads no files (the load stage's list is the truth). */
#include <string.h>
#include <strings.h>

#include "check.h"

/* Where records name files: type, field, the key inside each list entry
 * (NULL: the field itself is the path), and the extensions allowed. */
static const struct {
    const char *type, *field, *key, *what;
    RuleId rule;
    const char *extensions; /* space-separated, lower case */
} file_fields[] = {
    {"test", "results", "evidence", "evidence", RULE_EVIDENCE_FILE,
     "pdf txt log html htm xml json csv md png jpg jpeg svg sarif zip xlsx docx"},
    {"view", "diagram", NULL, "diagram", RULE_DIAGRAM_FILE, "svg png jpg jpeg"},
};

static bool extension_allowed(const char *path, const char *list) {
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash) || !dot[1]) return false;
    size_t n = strlen(dot + 1);
    for (const char *p = list; *p;) {
        size_t wl = strcspn(p, " ");
        if (wl == n && strncasecmp(p, dot + 1, n) == 0) return true;
        p += wl + (p[wl] == ' ');
    }
    return false;
}

/* Why path cannot be carried, or NULL when it can. */
static const char *path_problem(const Check *c, const char *path, const char *extensions) {
    if (!path[0]) return "is empty";
    if (path[0] == '/' || strstr(path, "://"))
        return "is not a path relative to the dossier folder";
    for (const char *p = path; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if ((n == 2 && p[0] == '.' && p[1] == '.') || (n == 1 && p[0] == '.') || n == 0)
            return "leaves or wanders in the dossier folder ('..', '.' or an empty part)";
        if (!e) break;
        p = e + 1;
    }
    if (!model_source(c->m, path))
        return "is not a file in the dossier (missing, a symbolic link, or not a regular file)";
    if (!extension_allowed(path, extensions)) return "is not a kind of file the outputs carry";
    return NULL;
}

static void check_path(Check *c, RuleId rule, const Record *r, const Value *v, const char *what,
                       const char *extensions) {
    if (!v || v->kind != VAL_SCALAR) return;
    const char *why = path_problem(c, v->text, extensions);
    if (why)
        check_report(c, rule, check_loc(r, v), r, "%s: the %s '%s' %s%s", r->id, what, v->text, why,
                     strcmp(why, "is not a kind of file the outputs carry") == 0
                         ? arena_printf(c->m->arena, " (%s)", extensions)
                         : "");
}

void rules_files_check(Check *c) {
    for (size_t f = 0; f < sizeof file_fields / sizeof file_fields[0]; f++) {
        size_t n;
        Record **rs = check_records(c, file_fields[f].type, &n);
        for (size_t i = 0; i < n; i++) {
            const Value *v = record_field(rs[i], file_fields[f].field);
            if (!v) continue;
            if (!file_fields[f].key) {
                check_path(c, file_fields[f].rule, rs[i], v, file_fields[f].what,
                           file_fields[f].extensions);
                continue;
            }
            for (size_t k = 0; v->kind == VAL_LIST && k < v->n; k++)
                check_path(c, file_fields[f].rule, rs[i],
                           value_get(v->items[k], file_fields[f].key), file_fields[f].what,
                           file_fields[f].extensions);
        }
    }
}
