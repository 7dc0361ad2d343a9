/* junit.c: JUnit XML reports as the common runners write them (Ant, Maven
 * Surefire, pytest, ctest, gotestsum, go-junit-report, Jest, Bazel...):
 * a <testsuites> or bare <testsuite> root, nested suites, missing counts,
 * several results per case, properties. A case that names a control (a
 * verifies property or a CTL- ID in its name) or a test (a test property or
 * a TST- ID in its name) becomes results of a test record, latest by report
 * timestamp; other cases are left out. Part of load/. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "standard.h"

/* ---- reading a report -------------------------------------------------------- */

/* What a suite passes to the suites and cases inside it. */
typedef struct Inherit {
    const char *timestamp;
    const char *verifies;
    SrcLoc verifies_loc;
    const char *test;
    SrcLoc test_loc;
    const char *category, *tool, *tool_version, *release;
} Inherit;

typedef struct Report {
    Standard *s;
    const char *path;
    const char **unknown; /* element names already reported */
    size_t nunknown;
    bool no_timestamp, bad_timestamp;
    size_t ncases;
} Report;

static bool named(const XNode *n, const char *name) {
    return strcmp(n->name, name) == 0;
}

/* An attribute's value, kept in the model arena (the tree is scratch). */
static const char *attr(Report *r, const XNode *n, const char *name) {
    const char *v = xtree_attr(n, name);
    return v ? arena_strdup(std_arena(r->s), v) : NULL;
}

/* The text of a leaf element (NULL when it has elements inside). */
static const char *text_of(const XNode *n) {
    return n->text;
}

static SrcLoc where(const Report *r, const XNode *n) {
    return (SrcLoc){r->path, n->line, 0};
}

static void unexpected(Report *r, const XNode *n, const char *parent, const char *expected) {
    for (size_t i = 0; i < r->nunknown; i++)
        if (strcmp(r->unknown[i], n->name) == 0) return;
    r->unknown = xrealloc(r->unknown, (r->nunknown + 1) * sizeof *r->unknown);
    r->unknown[r->nunknown++] = n->name;
    rule_report(std_diag(r->s), RULE_JUNIT_ELEMENT, where(r, n), NULL,
                "<%s> in <%s> is not part of a JUnit report (expected %s); ignored", n->name,
                parent, expected);
}

/* Reads <properties> into inherit: the ones the dossier uses. */
static void properties(Report *r, const XNode *props, Inherit *in) {
    Arena *a = std_arena(r->s);
    for (const XNode *p = props->children; p; p = p->next) {
        if (!named(p, "property")) {
            unexpected(r, p, "properties", "<property>");
            continue;
        }
        const char *name = attr(r, p, "name"), *value = attr(r, p, "value");
        if (!value && text_of(p)) value = arena_strdup(a, text_of(p));
        value = std_trim(r->s, value);
        if (!name || !value) continue;
        SrcLoc loc = where(r, p);
        if (strcmp(name, "verifies") == 0) {
            in->verifies = in->verifies ? arena_printf(a, "%s %s", in->verifies, value) : value;
            in->verifies_loc = loc;
        } else if (strcmp(name, "test") == 0) {
            in->test = value;
            in->test_loc = loc;
        } else if (strcmp(name, "category") == 0) {
            in->category = value;
        } else if (strcmp(name, "tool") == 0) {
            in->tool = value;
        } else if (strcmp(name, "tool_version") == 0 || strcmp(name, "tool.version") == 0) {
            in->tool_version = value;
        } else if (strcmp(name, "release") == 0) {
            in->release = value;
        }
    }
}

/* The first line of a failure's message or text, clipped. */
static const char *message_of(Report *r, const XNode *n) {
    const char *msg = attr(r, n, "message");
    const char *type = attr(r, n, "type");
    msg = std_trim(r->s, msg);
    if (!msg) msg = std_trim(r->s, text_of(n));
    type = std_trim(r->s, type);
    if (!msg && !type) return NULL;
    StrBuf sb;
    sb_init(&sb);
    if (type && (!msg || !strstr(msg, type))) sb_printf(&sb, "%s%s", type, msg ? ": " : "");
    if (msg) {
        size_t len = strcspn(msg, "\r\n");
        if (len > 300) len = 300;
        sb_append(&sb, msg, len);
        if (msg[len]) sb_puts(&sb, " ...");
    }
    const char *out = arena_strndup(std_arena(r->s), sb.data, sb.len);
    sb_free(&sb);
    return out;
}

static int severity_of(const char *result) {
    if (strcmp(result, "error") == 0) return 4;
    if (strcmp(result, "fail") == 0) return 3;
    if (strcmp(result, "skipped") == 0 || strcmp(result, "not-run") == 0) return 2;
    return 1;
}

static void testcase(Report *r, const XNode *n, const Inherit *suite) {
    static const char expected[] =
        "<failure>, <error>, <skipped>, <system-out>, <system-err> or <properties>";
    Inherit in = *suite;
    StdCase c = {0};
    c.loc = where(r, n);
    c.classname = attr(r, n, "classname");
    c.name = attr(r, n, "name");
    if (!c.classname) c.classname = "";
    if (!c.name) c.name = "";
    c.result = "pass";
    const char *note = NULL;
    size_t flaky = 0, reruns = 0;
    for (const XNode *k = n->children; k; k = k->next) {
        const char *result = NULL;
        if (named(k, "failure"))
            result = "fail";
        else if (named(k, "error"))
            result = "error";
        else if (named(k, "skipped"))
            result = "skipped";
        else if (named(k, "flakyFailure") || named(k, "flakyError"))
            flaky++;
        else if (named(k, "rerunFailure") || named(k, "rerunError"))
            reruns++;
        else if (named(k, "properties"))
            properties(r, k, &in);
        else if (!named(k, "system-out") && !named(k, "system-err"))
            unexpected(r, k, "testcase", expected);
        if (result && severity_of(result) > severity_of(c.result)) {
            c.result = result;
            note = message_of(r, k);
        }
    }
    const char *status = attr(r, n, "status");
    if (strcmp(c.result, "pass") == 0 && status) {
        /* ctest and Bazel: status without a child element */
        if (strcmp(status, "notrun") == 0 || strcmp(status, "skipped") == 0)
            c.result = "skipped";
        else if (strcmp(status, "disabled") == 0)
            c.result = "not-run";
        else if (strcmp(status, "fail") == 0 || strcmp(status, "failed") == 0)
            c.result = "fail";
    }
    if (strcmp(c.result, "pass") == 0 && reruns) {
        c.result = "fail";
        note = arena_printf(std_arena(r->s), "failed on all %zu reruns", reruns);
    } else if (strcmp(c.result, "pass") == 0 && flaky) {
        note = arena_printf(std_arena(r->s), "flaky: passed after %zu failed attempt%s", flaky,
                            flaky == 1 ? "" : "s");
    }
    if (!note && strcmp(c.result, "not-run") == 0) note = "disabled in the test runner";
    c.note = note;
    c.timestamp = in.timestamp;
    c.verifies = in.verifies;
    c.verifies_loc = in.verifies_loc;
    c.test = in.test;
    c.test_loc = in.test_loc;
    c.category = in.category;
    c.tool = in.tool;
    c.tool_version = in.tool_version;
    c.release = in.release;
    r->ncases++;
    std_case_add(r->s, &c);
}

static void testsuite(Report *r, const XNode *n, const Inherit *outer, int depth) {
    Inherit in = *outer;
    in.verifies = outer->verifies;
    const char *ts = attr(r, n, "timestamp");
    if (ts) {
        int64_t secs;
        if (std_time(ts, &secs)) {
            in.timestamp = ts;
        } else if (!r->bad_timestamp) {
            r->bad_timestamp = true;
            rule_report(std_diag(r->s), RULE_JUNIT_TIMESTAMP, where(r, n), NULL,
                        "timestamp '%s' is not an ISO 8601 date and time (YYYY-MM-DDThh:mm:ss); "
                        "the results are dated with the dossier's date",
                        ts);
        }
    }
    /* properties first: they apply to every case of the suite */
    for (const XNode *k = n->children; k; k = k->next)
        if (named(k, "properties")) properties(r, k, &in);
    for (const XNode *k = n->children; k; k = k->next) {
        if (named(k, "properties")) continue;
        if (named(k, "testcase")) {
            if (!in.timestamp) r->no_timestamp = true;
            testcase(r, k, &in);
        } else if (named(k, "testsuite")) {
            if (depth < 64) testsuite(r, k, &in, depth + 1);
        } else if (!named(k, "system-out") && !named(k, "system-err")) {
            unexpected(r, k, n->name,
                       "<testsuite>, <testcase>, <properties>, <system-out> or <system-err>");
        }
    }
}

void junit_load(Standard *s, const char *rel, const XNode *root) {
    SrcLoc loc = {rel, root ? root->line : 1, 0};
    if (!root || !(named(root, "testsuites") || named(root, "testsuite"))) {
        rule_report(
            std_diag(s), RULE_JUNIT_FORMAT, loc, NULL,
            "not a JUnit report: expected a <testsuites> or <testsuite> root element, found <%s>",
            root ? root->name : "");
        return;
    }
    Report r = {s, rel, NULL, 0, false, false, 0};
    Inherit in = {0};
    testsuite(&r, root, &in, 0);
    if (r.no_timestamp && !r.bad_timestamp)
        rule_report(std_diag(s), RULE_JUNIT_TIMESTAMP, loc, NULL,
                    "the report gives no timestamp (a timestamp attribute on <testsuite>); its "
                    "results are dated with the dossier's date");
    free(r.unknown);
}

/* ---- results into test records --------------------------------------------------- */

/* One test record being filled: hand-written or generated. */
typedef struct TestBuild {
    const char *id;
    Record *record; /* written by hand, or NULL */
    size_t *runs;   /* case indices */
    size_t n, cap;
    Value *verifies, *threats;
    const StdCase *first;
} TestBuild;

typedef struct Finish {
    Standard *s;
    const RecordType *control, *test, *threat;
    TestBuild *tests;
    size_t ntests, cap;
    StdIndex by_id, by_case;
    Arena tmp;  /* a case's lists while it is linked, reset after each case */
    Arena keys; /* case identities, for by_case */
} Finish;

static bool has_prefix(const RecordType *t, const char *id) {
    for (size_t i = 0; i < t->nprefixes; i++)
        if (strncmp(id, t->prefixes[i], strlen(t->prefixes[i])) == 0) return true;
    return false;
}

/* The record of type t that text mentions at p, a prefix followed by '-' or
 * '_' and letters and digits ("CTL-001", "ctl_001", "CTL-1.2"), trying the
 * longest reading first. *looks_like_id tells whether the mention is all
 * digits (so naming no record is worth a warning); *shortest gets it. */
static Record *mention_at(Finish *f, const RecordType *t, const char *p, size_t plen,
                          bool *looks_like_id, char *shortest, size_t size) {
    const char *q = p + plen + 1;
    size_t run = 0;
    *looks_like_id = false;
    if (plen >= 32) return NULL;
    while (isalnum((unsigned char)q[run]))
        run++;
    size_t ends[4];
    size_t nends = 0;
    ends[nends++] = run;
    size_t e = run;
    while (nends < 4 && (q[e] == '-' || q[e] == '.' || q[e] == '_') &&
           isalnum((unsigned char)q[e + 1])) {
        e++;
        while (isalnum((unsigned char)q[e]))
            e++;
        ends[nends++] = e;
    }
    *looks_like_id = strspn(q, "0123456789") >= run;
    char id[128];
    for (size_t k = 0; k < plen; k++)
        id[k] = (char)toupper((unsigned char)p[k]);
    id[plen] = '-';
    size_t ns = plen + 1 + run < size ? plen + 1 + run : size - 1;
    memcpy(shortest, id, ns < plen + 1 ? ns : plen + 1);
    if (ns > plen + 1) memcpy(shortest + plen + 1, q, ns - plen - 1);
    shortest[ns] = 0;
    for (size_t k = nends; k-- > 0;) {
        if (plen + 1 + ends[k] >= sizeof id) continue;
        for (int up = 0; up < 2; up++) {
            memcpy(id + plen + 1, q, ends[k]);
            id[plen + 1 + ends[k]] = 0;
            if (up)
                for (char *c = id + plen + 1; *c; c++)
                    *c = (char)toupper((unsigned char)*c);
            Record *r = model_find(f->s->m, id);
            if (r && r->type == t) return r;
        }
    }
    return NULL;
}

/* A scalar pointing at text that lives as long as the model (the model
 * arena or a literal): no copy, as a report of 50,000 cases makes 400,000
 * of them. */
static Value *shared_in(Arena *a, SrcLoc loc, const char *text) {
    Value *v = value_new(a, VAL_SCALAR, loc);
    v->text = text;
    v->len = strlen(text);
    return v;
}

static Value *shared(Standard *s, SrcLoc loc, const char *text) {
    return shared_in(std_arena(s), loc, text);
}

/* Adds to out the IDs of records of type t that the case name mentions. */
static void scan_name(Finish *f, const StdCase *c, const RecordType *t, Value *out) {
    for (size_t k = 0; k < t->nprefixes; k++) {
        size_t plen = strlen(t->prefixes[k]) - 1; /* without the '-' */
        char up = (char)toupper((unsigned char)t->prefixes[k][0]),
             low = (char)tolower((unsigned char)t->prefixes[k][0]);
        for (const char *p = c->name; *p; p++) {
            if (*p != up && *p != low) continue;
            if (p > c->name && isalnum((unsigned char)p[-1])) continue;
            if (strncasecmp(p, t->prefixes[k], plen) != 0 || (p[plen] != '-' && p[plen] != '_') ||
                !isalnum((unsigned char)p[plen + 1]))
                continue;
            bool looks;
            char shortest[64];
            Record *r = mention_at(f, t, p, plen, &looks, shortest, sizeof shortest);
            if (r) {
                bool seen = false;
                for (size_t i = 0; i < out->n; i++)
                    if (strcmp(out->items[i]->text, r->id) == 0) seen = true;
                if (!seen)
                    value_push(&f->tmp, out, NULL, c->loc, shared_in(&f->tmp, c->loc, r->id));
            } else if (looks) {
                rule_report(std_diag(f->s), RULE_JUNIT_LINK, c->loc, NULL,
                            "the case name '%s' mentions %s, which no %s has", c->name, shortest,
                            t->name);
            }
        }
    }
}

static void push_unique(Arena *a, Value *list, const char *id, SrcLoc loc) {
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i]->text, id) == 0) return;
    value_push(a, list, NULL, loc, shared_in(a, loc, id));
}

static TestBuild *build_for(Finish *f, const char *id, const StdCase *c) {
    size_t n;
    void *const *found = std_index_get(&f->by_id, id, &n);
    if (n) return &f->tests[(size_t)(uintptr_t)found[0] - 1];
    if (f->ntests == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->tests = xrealloc(f->tests, f->cap * sizeof *f->tests);
    }
    TestBuild *b = &f->tests[f->ntests++];
    memset(b, 0, sizeof *b);
    b->id = id;
    b->record = model_find(f->s->m, id);
    b->verifies = value_new(std_arena(f->s), VAL_LIST, c->loc);
    b->threats = value_new(std_arena(f->s), VAL_LIST, c->loc);
    b->first = c;
    std_index_put(&f->by_id, id, (void *)(uintptr_t)f->ntests);
    return b;
}

/* Links one case: to a test ID, controls and threats. Returns its test. */
static TestBuild *link_case(Finish *f, const StdCase *c) {
    Standard *s = f->s;
    Arena *a = std_arena(s), *tmp = &f->tmp;
    /* what the case names, gathered in tmp; kept only in its test's lists */
    Value *verifies = value_new(tmp, VAL_LIST, c->loc), *threats = value_new(tmp, VAL_LIST, c->loc);
    const char *test = NULL;
    SrcLoc test_loc = c->loc;
    if (c->test) {
        if (id_shaped(c->test, strlen(c->test)) && has_prefix(f->test, c->test)) {
            test = c->test;
            test_loc = c->test_loc;
        } else {
            rule_report(std_diag(s), RULE_JUNIT_LINK, c->test_loc, NULL,
                        "the test property '%s' is not a test ID (%s...)", c->test,
                        f->test->prefixes[0]);
        }
    }
    if (c->verifies) {
        char *list = arena_strdup(a, c->verifies);
        for (char *tok = strtok(list, " ,;"); tok; tok = strtok(NULL, " ,;")) {
            if (id_shaped(tok, strlen(tok)) && has_prefix(f->control, tok))
                push_unique(tmp, verifies, tok, c->verifies_loc);
            else if (id_shaped(tok, strlen(tok)) && has_prefix(f->threat, tok))
                push_unique(tmp, threats, tok, c->verifies_loc);
            else if (id_shaped(tok, strlen(tok)) && has_prefix(f->test, tok) && !test)
                test = tok, test_loc = c->verifies_loc;
            else
                rule_report(
                    std_diag(s), RULE_JUNIT_LINK, c->verifies_loc, NULL,
                    "the verifies property names '%s', which is not a control, threat or test ID",
                    tok);
        }
    }
    scan_name(f, c, f->control, verifies);
    if (!test) {
        Value *tests = value_new(tmp, VAL_LIST, c->loc);
        scan_name(f, c, f->test, tests);
        if (tests->n) test = tests->items[0]->text;
    }
    if (!test && !verifies->n && !threats->n) {
        arena_reset(tmp);
        return NULL;
    }
    if (!test) {
        /* one generated test per case identity, whatever report it is in */
        size_t nc = strlen(c->classname), nn = strlen(c->name);
        char *identity = arena_alloc(&f->keys, nc + nn + 2);
        memcpy(identity, c->classname, nc);
        identity[nc] = '\x1f';
        memcpy(identity + nc + 1, c->name, nn + 1);
        size_t n;
        void *const *found = std_index_get(&f->by_case, identity, &n);
        if (n) {
            test = found[0];
        } else {
            const char *parts[2] = {c->classname, c->name};
            test = std_new_id(s, "TST-", parts, 2);
            std_index_put(&f->by_case, identity, (void *)test);
        }
    }
    (void)test_loc;
    TestBuild *b = build_for(f, test, c);
    for (size_t i = 0; i < verifies->n; i++)
        push_unique(a, b->verifies, verifies->items[i]->text, verifies->items[i]->loc);
    for (size_t i = 0; i < threats->n; i++)
        push_unique(a, b->threats, threats->items[i]->text, threats->items[i]->loc);
    arena_reset(tmp);
    return b;
}

/* A generated test's title from its case name, in words: the "test"
 * prefix and the record IDs it names dropped, "_" and "-" as blanks, the
 * first letter capitalised: test_ctl_002_idle_session_expires is "Idle
 * session expires". NULL when no word is left. */
static const char *case_title(Arena *a, const char *name) {
    size_t n = strlen(name);
    if (n > 200) return NULL;
    char *out = arena_alloc(a, n + 1);
    size_t k = 0;
    const char *p = name;
    if (strncasecmp(p, "test", 4) == 0 &&
        (p[4] == '_' || p[4] == '-' || p[4] == ' ' || (p[4] >= 'A' && p[4] <= 'Z')))
        p += 4;
    while (*p) {
        size_t w = strcspn(p, "_- .\t\r\n");
        /* a record ID: ctl_002, CTL-002, tst_10, thr_3 (prefix, separator, digits) */
        bool id = w == 3 && (strncasecmp(p, "ctl", 3) == 0 || strncasecmp(p, "tst", 3) == 0 ||
                             strncasecmp(p, "thr", 3) == 0);
        if (id && (p[3] == '_' || p[3] == '-') && p[4] >= '0' && p[4] <= '9') {
            p += 4;
            p += strcspn(p, "_- .\t\r\n");
        } else {
            if (w && k) out[k++] = ' ';
            memcpy(out + k, p, w);
            k += w;
            p += w;
        }
        p += strspn(p, "_- .\t\r\n");
    }
    out[k] = 0;
    if (k == 0) return NULL;
    if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
    return out;
}

static const StdCase *sort_cases;

static int64_t case_time(const StdCase *c, int64_t fallback) {
    int64_t secs;
    return c->timestamp && std_time(c->timestamp, &secs) ? secs : fallback;
}

static int64_t dossier_time(const Standard *s) {
    int64_t days;
    return s->m->product.date && date_parse(s->m->product.date, &days) ? days * 86400 : INT64_MIN;
}

static int64_t sort_fallback;

static int cmp_runs(const void *pa, const void *pb) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    int64_t ta = case_time(&sort_cases[a], sort_fallback),
            tb = case_time(&sort_cases[b], sort_fallback);
    if (ta != tb) return ta < tb ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* One results entry for a run of a case (its name in the note when several
 * cases feed one test). NULL when it has no date at all. */
static Value *result_entry(Standard *s, const StdCase *c, bool name_case) {
    Arena *a = std_arena(s);
    char date[11];
    if (!(c->timestamp && std_date(c->timestamp, date))) {
        if (!s->m->product.date) return NULL;
        snprintf(date, sizeof date, "%s", s->m->product.date);
    }
    SrcLoc loc = c->loc;
    Value *e = value_new(a, VAL_MAP, loc);
    value_push(a, e, "date", loc, std_scalar(s, loc, date)); /* date is local */
    value_push(a, e, "result", loc, shared(s, loc, c->result));
    if (c->timestamp) value_push(a, e, "timestamp", loc, shared(s, loc, c->timestamp));
    if (c->release) value_push(a, e, "release", loc, shared(s, loc, c->release));
    value_push(a, e, "evidence", loc, shared(s, loc, loc.path));
    const char *note = c->note;
    if (name_case && (c->name[0] || c->classname[0])) {
        const char *what =
            arena_printf(a, "JUnit case %s%s%s", c->classname, c->classname[0] ? " " : "", c->name);
        note = note ? arena_printf(a, "%s: %s", what, note) : what;
    }
    if (note) value_push(a, e, "note", loc, shared(s, loc, note));
    return e;
}

static void finish_test(Finish *f, TestBuild *b) {
    Standard *s = f->s;
    Arena *a = std_arena(s);
    sort_cases = s->cases;
    sort_fallback = dossier_time(s);
    qsort(b->runs, b->n, sizeof *b->runs, cmp_runs);
    Value *results = value_new(a, VAL_LIST, b->first->loc);
    for (size_t i = 0; i < b->n; i++) {
        Value *e = result_entry(s, &s->cases[b->runs[i]], b->record != NULL);
        if (e) value_push(a, results, NULL, e->loc, e);
    }
    if (b->record) {
        if (b->record->type != f->test) return; /* model_add reports the clash */
        for (size_t i = 0; i < results->n; i++)
            std_append(s, b->record, "results", results->items[i]);
        for (size_t i = 0; i < b->verifies->n; i++)
            std_append(s, b->record, "verifies", b->verifies->items[i]);
        for (size_t i = 0; i < b->threats->n; i++)
            std_append(s, b->record, "threats", b->threats->items[i]);
        return;
    }
    const StdCase *c = &s->cases[b->runs[b->n - 1]];
    SrcLoc loc = b->first->loc;
    Value *v = value_new(a, VAL_MAP, loc);
    value_push(a, v, "id", loc, shared(s, loc, b->id));
    const char *title = case_title(a, c->name);
    if (!title) {
        char *raw = arena_strdup(a, c->name[0] ? c->name : c->classname[0] ? c->classname : b->id);
        for (char *p = raw; *p; p++)
            if (*p == '\n' || *p == '\r') *p = ' ';
        title = raw;
    }
    value_push(a, v, "title", loc, shared(s, loc, title));
    const char *category = c->category                        ? c->category
                           : b->verifies->n || !b->threats->n ? "security-requirements"
                                                              : "threat-mitigation";
    value_push(a, v, "category", loc, shared(s, loc, category));
    if (c->tool) value_push(a, v, "tool", loc, shared(s, loc, c->tool));
    if (c->tool_version) value_push(a, v, "tool_version", loc, shared(s, loc, c->tool_version));
    if (b->verifies->n) value_push(a, v, "verifies", loc, b->verifies);
    if (b->threats->n) value_push(a, v, "threats", loc, b->threats);
    size_t nc = strlen(c->classname), nn = strlen(c->name);
    char *junit_case = arena_alloc(a, nc + nn + 2);
    memcpy(junit_case, c->classname, nc);
    if (nc) junit_case[nc++] = ' ';
    memcpy(junit_case + nc, c->name, nn + 1);
    value_push(a, v, "junit_case", loc, shared(s, loc, junit_case));
    if (results->n) value_push(a, v, "results", loc, results);
    Record *r = typing_record(a, std_diag(s), f->test, loc.path, v, loc);
    if (r) model_add(s->m, std_diag(s), r);
}

void junit_finish(Standard *s) {
    if (!s->ncases) return;
    Finish f = {s,
                schema_type(s->m->schema, "control"),
                schema_type(s->m->schema, "test"),
                schema_type(s->m->schema, "threat"),
                NULL,
                0,
                0,
                {0},
                {0},
                {0},
                {0}};
    arena_init(&f.tmp);
    arena_init(&f.keys);
    /* per report: cases, and how many of them are linked */
    const char *path = NULL;
    size_t in_file = 0, linked = 0;
    SrcLoc file_loc = {0};
    for (size_t i = 0; i <= s->ncases; i++) {
        const StdCase *c = i < s->ncases ? &s->cases[i] : NULL;
        if (!c || !path || strcmp(c->loc.path, path) != 0) {
            if (path && in_file && !linked)
                rule_report(std_diag(s), RULE_JUNIT_UNLINKED, file_loc, NULL,
                            "none of the %zu cases verifies a control or names a test: give a case "
                            "a verifies property (CTL-001) or a control ID in its name "
                            "(test_ctl_001_...) to use its results",
                            in_file);
            if (!c) break;
            path = c->loc.path;
            file_loc = (SrcLoc){path, 1, 0};
            in_file = linked = 0;
        }
        in_file++;
        TestBuild *b = link_case(&f, c);
        if (!b) continue;
        linked++;
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 4;
            b->runs = xrealloc(b->runs, b->cap * sizeof *b->runs);
        }
        b->runs[b->n++] = i;
    }
    for (size_t i = 0; i < f.ntests; i++) {
        finish_test(&f, &f.tests[i]);
        free(f.tests[i].runs);
    }
    free(f.tests);
    std_index_free(&f.by_id);
    std_index_free(&f.by_case);
    arena_free(&f.tmp);
    arena_free(&f.keys);
}
