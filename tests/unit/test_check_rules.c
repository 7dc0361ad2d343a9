/* test_check_rules.c: the rule table (generator/model/rules.def): IDs stable
 * and well formed, each constant named after its ID, the load and model rules
 * the loaders emit all present, every rule reported by some stage and every
 * stage reporting through rule_report (so at the rule's severity), and
 * docs/rules.md the same as rules_markdown writes. With UPDATE=1 in the
 * environment the test rewrites docs/rules.md. */
#include <ctype.h>
#include <stdlib.h>

#include "base/base.h"
#include "model/rules.h"
#include "test.h"

static char root[4096];

/* The constant and ID of each line of rules.def, as written there. */
static const struct {
    const char *constant, *id;
} names[] = {
#define RULE(name, id, severity, stage, meaning) {"RULE_" #name, id},
#include "model/rules.def"
#undef RULE
};

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
    bool ids = true, unique = true, stages = true, meanings = true, sevs = true, named = true;
    for (size_t i = 0; i < RULE_COUNT; i++) {
        const Rule *r = &rule_table[i];
        if (!kebab(r->id)) {
            printf("# bad id '%s'\n", r->id);
            ids = false;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(rule_table[k].id, r->id) == 0) unique = false;
        if (r->stage != STAGE_LOAD && r->stage != STAGE_MODEL && r->stage != STAGE_CHECK)
            stages = false;
        /* RULE_FILE_READ is "file-read": the constant says which rule it is */
        char want[128];
        snprintf(want, sizeof want, "RULE_%s", r->id);
        for (char *p = want; *p; p++)
            *p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
        if (strcmp(names[i].constant, want) != 0 || strcmp(names[i].id, r->id) != 0) {
            printf("# %s is named %s\n", r->id, names[i].constant);
            named = false;
        }
        if (!r->meaning[0] || strchr(r->meaning, '\n')) meanings = false;
        if (r->severity != SEV_ERROR && r->severity != SEV_WARNING && r->severity != SEV_NOTE)
            sevs = false;
    }
    CHECK("rules: IDs are kebab-case", ids);
    CHECK("rules: IDs are unique", unique);
    CHECK("rules: stage is load, model or check", stages);
    CHECK("rules: each constant is its ID upper-cased, - as _", named);
    CHECK("rules: RULE_COUNT rows, RULE_X the row of X",
          sizeof names / sizeof names[0] == RULE_COUNT &&
              strcmp(rule_table[RULE_THREAT_MITIGATED].id, "threat-mitigated") == 0 &&
              strcmp(rule_stage_name(rule_table[RULE_FILE_READ].stage), "load") == 0);
    CHECK("rules: each has a one-line meaning", meanings);
    CHECK("rules: each has error, warning or note", sevs);
    const Rule *t = rule_find("threat-mitigated");
    CHECK("rules: rule_find finds",
          t == &rule_table[RULE_THREAT_MITIGATED] && t->stage == STAGE_CHECK);
    CHECK("rules: rule_find of an unknown ID is NULL",
          !rule_find("no-such-rule") && !rule_find(NULL));

    static const struct {
        const char *id;
        RuleStage stage;
        Severity sev;
    } required[] = {
        {"file-read", STAGE_LOAD, SEV_ERROR},       {"yaml-syntax", STAGE_LOAD, SEV_ERROR},
        {"front-matter", STAGE_LOAD, SEV_ERROR},    {"xml-syntax", STAGE_LOAD, SEV_ERROR},
        {"xml-schema", STAGE_LOAD, SEV_ERROR},      {"record-location", STAGE_LOAD, SEV_WARNING},
        {"unknown-file", STAGE_LOAD, SEV_NOTE},     {"unknown-field", STAGE_MODEL, SEV_ERROR},
        {"required-field", STAGE_MODEL, SEV_ERROR}, {"field-type", STAGE_MODEL, SEV_ERROR},
        {"enum-value", STAGE_MODEL, SEV_ERROR},     {"id-prefix", STAGE_MODEL, SEV_ERROR},
        {"unique-id", STAGE_MODEL, SEV_ERROR},      {"dangling-link", STAGE_MODEL, SEV_ERROR},
        {"link-type", STAGE_MODEL, SEV_ERROR},      {"dangling-ref", STAGE_MODEL, SEV_ERROR},
    };
    bool all = true;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        const Rule *r = rule_find(required[i].id);
        if (!r || r->stage != required[i].stage || r->severity != required[i].sev) {
            printf("# %s missing or not %s/%s\n", required[i].id,
                   rule_stage_name(required[i].stage), severity_name(required[i].sev));
            all = false;
        }
    }
    CHECK("rules: the load and model rules are in the table", all);
}

/* The sources of generator/ ending in .c, read whole: calls back with the
 * path below generator/ and the text. */
static void each_source(Arena *a, void (*fn)(const char *path, const char *text, void *arg),
                        void *arg) {
    const char **files;
    size_t nfiles = fs_list(a, in_root("generator"), &files);
    for (size_t i = 0; i < nfiles; i++) {
        size_t len = strlen(files[i]);
        if (len < 2 || strcmp(files[i] + len - 2, ".c") != 0) continue;
        char *text;
        size_t size;
        if (!fs_read(in_root(arena_printf(a, "generator/%s", files[i])), 1 << 24, &text, &size))
            continue;
        fn(files[i], text, arg);
        free(text);
    }
}

/* Whether text holds name as a whole C identifier. */
static bool has_identifier(const char *text, const char *name) {
    size_t n = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        bool before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        bool after = isalnum((unsigned char)p[n]) || p[n] == '_';
        if (!before && !after) return true;
    }
    return false;
}

typedef struct Scan {
    bool used[RULE_COUNT]; /* the rule's constant is named outside rules.c */
    size_t files;
    bool one_sink; /* diag_vadd is called only by model/rules.c */
} Scan;

static void scan_source(const char *path, const char *text, void *arg) {
    Scan *sc = arg;
    sc->files++;
    if (strcmp(path, "model/rules.c") == 0) return;
    for (size_t i = 0; i < RULE_COUNT; i++)
        if (!sc->used[i] && has_identifier(text, names[i].constant)) sc->used[i] = true;
    if (strcmp(path, "base/diag.c") != 0 && has_identifier(text, "diag_vadd")) {
        printf("# generator/%s calls diag_vadd: report through rule_report\n", path);
        sc->one_sink = false;
    }
}

/* Every rule of the table is reported by some stage (its constant is named
 * in a source besides the table), and no stage reports but through
 * rule_report, which takes the severity from the table: a finding at another
 * severity than its row's cannot be written. */
static void test_sources(void) {
    Arena a;
    arena_init(&a);
    Scan sc = {.one_sink = true};
    each_source(&a, scan_source, &sc);
    bool all = true;
    for (size_t i = 0; i < RULE_COUNT; i++)
        if (!sc.used[i]) {
            printf("# %s (%s) is reported nowhere: drop its line from rules.def\n",
                   names[i].constant, rule_table[i].id);
            all = false;
        }
    CHECK("rules: the sources are read", sc.files > 50);
    CHECK("rules: every rule of the table is reported by some stage", all);
    CHECK("rules: every stage reports through rule_report", sc.one_sink);
    arena_free(&a);
}

static void test_markdown(void) {
    StrBuf want;
    sb_init(&want);
    rules_markdown(&want);
    bool rows = true;
    for (size_t i = 0; i < RULE_COUNT; i++) {
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
