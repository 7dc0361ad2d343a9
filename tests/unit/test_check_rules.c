/* test_check_rules.c: the rule table (generator/base/rules.c): IDs stable
 * and well formed, the load and model rules the loaders emit all present,
 * every rule ID written in a diag_add or check_finding call of any stage in
 * the table at its severity, and docs/rules.md the same as rules_markdown
 * writes. With UPDATE=1 in the environment the test rewrites docs/rules.md. */
#include <ctype.h>
#include <stdlib.h>

#include "base/base.h"
#include "base/rules.h"
#include "test.h"

static char root[4096];

static const char *in_root(const char *rel) {
    static char path[8192];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    return path;
}

static bool kebab(const char *s) {
    if (!*s || *s == '-') return false;
    for (const char *p = s; *p; p++) {
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-')) return false;
        if (*p == '-' && (p[1] == '-' || p[1] == 0)) return false;
    }
    return true;
}

static void test_table(void) {
    bool ids = true, unique = true, stages = true, meanings = true, sevs = true;
    for (size_t i = 0; i < rule_count; i++) {
        const Rule *r = &rule_table[i];
        if (!kebab(r->id)) {
            printf("# bad id '%s'\n", r->id);
            ids = false;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(rule_table[k].id, r->id) == 0) unique = false;
        if (strcmp(r->stage, "load") && strcmp(r->stage, "model") && strcmp(r->stage, "check"))
            stages = false;
        if (!r->meaning[0] || strchr(r->meaning, '\n')) meanings = false;
        if (r->severity != SEV_ERROR && r->severity != SEV_WARNING && r->severity != SEV_NOTE)
            sevs = false;
    }
    CHECK("rules: IDs are kebab-case", ids);
    CHECK("rules: IDs are unique", unique);
    CHECK("rules: stage is load, model or check", stages);
    CHECK("rules: each has a one-line meaning", meanings);
    CHECK("rules: each has error, warning or note", sevs);
    const Rule *t = rule_find("threat-mitigated");
    CHECK("rules: rule_find finds",
          t && strcmp(t->id, "threat-mitigated") == 0 && strcmp(t->stage, "check") == 0);
    CHECK("rules: rule_find of an unknown ID is NULL",
          !rule_find("no-such-rule") && !rule_find(NULL));

    static const struct {
        const char *id, *stage;
        Severity sev;
    } required[] = {
        {"file-read", "load", SEV_ERROR},       {"yaml-syntax", "load", SEV_ERROR},
        {"front-matter", "load", SEV_ERROR},    {"xml-syntax", "load", SEV_ERROR},
        {"xml-schema", "load", SEV_ERROR},      {"record-location", "load", SEV_WARNING},
        {"unknown-file", "load", SEV_NOTE},     {"unknown-field", "model", SEV_ERROR},
        {"required-field", "model", SEV_ERROR}, {"field-type", "model", SEV_ERROR},
        {"enum-value", "model", SEV_ERROR},     {"id-prefix", "model", SEV_ERROR},
        {"unique-id", "model", SEV_ERROR},      {"dangling-link", "model", SEV_ERROR},
        {"link-type", "model", SEV_ERROR},      {"dangling-ref", "model", SEV_ERROR},
    };
    bool all = true;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        const Rule *r = rule_find(required[i].id);
        if (!r || strcmp(r->stage, required[i].stage) != 0 || r->severity != required[i].sev) {
            printf("# %s missing or not %s/%s\n", required[i].id, required[i].stage,
                   severity_name(required[i].sev));
            all = false;
        }
    }
    CHECK("rules: the load and model rules are in the table", all);
}

/* The arguments of the call whose "(" is at p: top-level commas split them;
 * strings, characters and nested brackets are skipped. Returns the count. */
static size_t call_args(const char *p, const char *args[], size_t lens[], size_t max) {
    int depth = 0;
    size_t n = 0;
    const char *start = p + 1;
    for (p++; *p; p++) {
        if (*p == '"' || *p == '\'') {
            char q = *p;
            for (p++; *p && *p != q; p++)
                if (*p == '\\' && p[1]) p++;
            if (!*p) break;
            continue;
        }
        if (*p == '(' || *p == '{' || *p == '[') {
            depth++;
            continue;
        }
        bool close = *p == ')' || *p == '}' || *p == ']';
        if (close && depth > 0) {
            depth--;
            continue;
        }
        if (close || (*p == ',' && depth == 0)) {
            if (n < max) {
                args[n] = start;
                lens[n] = (size_t)(p - start);
            }
            n++;
            start = p + 1;
            if (close) break;
        }
    }
    return n;
}

/* A string literal argument, unquoted, into buf; false if not a literal. */
static bool literal(const char *a, size_t n, char *buf, size_t size) {
    while (n && isspace((unsigned char)*a))
        a++, n--;
    while (n && isspace((unsigned char)a[n - 1]))
        n--;
    if (n < 2 || a[0] != '"' || a[n - 1] != '"' || n - 2 >= size) return false;
    memcpy(buf, a + 1, n - 2);
    buf[n - 2] = 0;
    return strchr(buf, '"') == NULL;
}

static void test_sources(void) {
    Arena a;
    arena_init(&a);
    const char **files;
    size_t nfiles = fs_list(&a, in_root("generator"), &files);
    size_t calls = 0;
    bool known = true, severity = true;
    for (size_t i = 0; i < nfiles; i++) {
        size_t len = strlen(files[i]);
        if (len < 2 || strcmp(files[i] + len - 2, ".c") != 0) continue;
        char *path = arena_printf(&a, "generator/%s", files[i]);
        char *text;
        size_t size;
        if (!fs_read(in_root(path), 1 << 24, &text, &size)) continue;
        static const struct {
            const char *call;
            size_t sev_arg, rule_arg;
        } kinds[] = {{"diag_add(", 1, 3}, {"check_finding(", 99, 1}};
        for (size_t k = 0; k < 2; k++)
            for (const char *p = strstr(text, kinds[k].call); p; p = strstr(p + 1, kinds[k].call)) {
                if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) continue;
                const char *args[8];
                size_t lens[8];
                size_t n = call_args(p + strlen(kinds[k].call) - 1, args, lens, 8);
                char rule[64];
                if (n <= kinds[k].rule_arg || n > 8 ||
                    !literal(args[kinds[k].rule_arg], lens[kinds[k].rule_arg], rule, sizeof rule))
                    continue;
                calls++;
                const Rule *r = rule_find(rule);
                if (!r) {
                    printf("# %s: rule '%s' is not in generator/base/rules.c\n", path, rule);
                    known = false;
                    continue;
                }
                if (kinds[k].sev_arg >= n) continue;
                const char *s = args[kinds[k].sev_arg];
                while (isspace((unsigned char)*s))
                    s++;
                static const char *const sev_tokens[] = {"SEV_NOTE", "SEV_WARNING", "SEV_ERROR"};
                for (int v = 0; v < 3; v++) {
                    size_t tl = strlen(sev_tokens[v]);
                    if (strncmp(s, sev_tokens[v], tl) == 0 && !isalnum((unsigned char)s[tl]) &&
                        s[tl] != '_' && (Severity)v != r->severity) {
                        printf("# %s: %s emitted as %s, the table says %s\n", path, rule,
                               sev_tokens[v], severity_name(r->severity));
                        severity = false;
                    }
                }
            }
        free(text);
    }
    printf("# %zu calls with a literal rule ID\n", calls);
    CHECK("rules: the sources name rules (the scan works)", calls > 20);
    CHECK("rules: every rule a stage emits is in the table", known);
    CHECK("rules: every rule is emitted at its table severity", severity);
    arena_free(&a);
}

static void test_markdown(void) {
    StrBuf want;
    sb_init(&want);
    rules_markdown(&want);
    bool rows = true;
    for (size_t i = 0; i < rule_count; i++) {
        char row[128];
        snprintf(row, sizeof row, "| `%s` | %s |", rule_table[i].id,
                 severity_name(rule_table[i].severity));
        if (!strstr(want.data, row)) rows = false;
    }
    CHECK("rules --markdown: a row per rule", rows);
    const char *path = in_root("docs/rules.md");
    if (getenv("UPDATE")) {
        FILE *f = fopen(path, "w");
        CHECK("rules --markdown: docs/rules.md rewritten",
              f && fwrite(want.data, 1, want.len, f) == want.len && fclose(f) == 0);
    } else {
        char *got = NULL;
        size_t len = 0;
        bool same = fs_read(path, 1 << 24, &got, &len) && len == want.len &&
                    memcmp(got, want.data, len) == 0;
        if (!same)
            printf("# docs/rules.md is stale: run `make regen` or UPDATE=1 %s\n",
                   "build/tests/test_check_rules");
        CHECK("rules --markdown: docs/rules.md is what rules_markdown writes", same);
        free(got);
    }
    sb_free(&want);
}

int main(void) {
    const char *r = getenv("ROOT");
    snprintf(root, sizeof root, "%s", r ? r : ".");
    test_table();
    test_sources();
    test_markdown();
    TEST_DONE();
}
