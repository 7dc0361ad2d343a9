/* test_report.c: the four report formats of check/report.c on findings made
 * by hand: the GNU text exactly, JSON and SARIF parsed back with jansson,
 * JUnit parsed back with libxml2, hostile strings escaped, the same bytes
 * twice. `test_report --emit FORMAT [ROOT]` prints the sample report instead,
 * for tests/cases/report_schema.sh to validate against the official
 * schemas. */
#include <stdarg.h>
#include <stdlib.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "base/base.h"
#include "check/check.h"
#include "test.h"

/* A finding made by hand, at any severity and with any rule: the sink as the
 * report writers see it (stages report through rule_report instead, at the
 * rule's severity). */
static void PRINTF_LIKE(6, 7) finding(Diag *d, Severity sev, SrcLoc loc, const char *rule,
                                      const char *record, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(d, sev, loc, rule, record, fmt, ap);
    va_end(ap);
}

/* A finding of every shape: out of order, every severity, no line, no path,
 * an absolute path, a rule missing from the table, hostile text. */
static void sample(Diag *d) {
    finding(d, SEV_WARNING, (SrcLoc){"controls/CTL-2.md", 5, 0}, "control-manual", "CTL-2",
            "CTL-2 is verified only by a manual result");
    finding(d, SEV_ERROR, (SrcLoc){"threats/THR-1.md", 7, 15}, "threat-mitigated", "THR-1",
            "THR-1 is mitigated by no control and its risk is not accepted");
    finding(d, SEV_NOTE, (SrcLoc){"notes.txt", 0, 0}, "unknown-file", NULL,
            "no loader reads notes.txt");
    finding(d, SEV_ERROR, (SrcLoc){NULL, 0, 0}, "file-read", NULL, "not a dossier folder");
    finding(d, SEV_ERROR, (SrcLoc){"tests/my results.xml", 3, 1}, "xml-syntax", NULL,
            "bad <tag> & \"quotes\" 'apos' \\ back\nslash\ttab \x01 ctl \xff\xfe bad utf-8 "
            "\xE2\x9C\x93 ok");
    finding(d, SEV_WARNING, (SrcLoc){"/usr/share/dossier/schemas/records.xml", 12, 0},
            "made-up-rule", NULL, "a rule the table lacks");
    finding(d, SEV_ERROR, (SrcLoc){"threats/THR-1.md", 3, 1}, "threat-acceptance", "THR-1",
            "THR-1: the risk acceptance gives no owner");
}

static char *report(ReportFormat f, const char *root, Severity min) {
    Diag d;
    diag_init(&d);
    sample(&d);
    StrBuf sb;
    sb_init(&sb);
    report_write(&sb, &d, f, root, min);
    diag_free(&d);
    char *out = xstrdup(sb.data ? sb.data : "");
    sb_free(&sb);
    return out;
}

static void test_parse(void) {
    ReportFormat f = REPORT_TEXT;
    CHECK("format: parse sarif", report_format_parse("sarif", &f) && f == REPORT_SARIF);
    CHECK("format: parse junit", report_format_parse("junit", &f) && f == REPORT_JUNIT);
    CHECK("format: parse json", report_format_parse("json", &f) && f == REPORT_JSON);
    CHECK("format: parse text", report_format_parse("text", &f) && f == REPORT_TEXT);
    CHECK("format: reject others",
          !report_format_parse("xml", &f) && !report_format_parse("SARIF", &f));
}

static void test_text(void) {
    char *got = report(REPORT_TEXT, "examples/pump", SEV_NOTE);
    const char *want =
        "dossier: error: [file-read] not a dossier folder\n"
        "/usr/share/dossier/schemas/records.xml:12: warning: [made-up-rule] a rule the table "
        "lacks\n"
        "controls/CTL-2.md:5: warning: [control-manual] CTL-2 is verified only by a manual result\n"
        "notes.txt: note: [unknown-file] no loader reads notes.txt\n"
        "tests/my results.xml:3:1: error: [xml-syntax] bad <tag> & \"quotes\" 'apos' \\ back slash "
        "tab   ctl "
        "\xff\xfe bad utf-8 \xE2\x9C\x93 ok\n"
        "threats/THR-1.md:3:1: error: [threat-acceptance] THR-1: the risk acceptance gives no "
        "owner\n"
        "threats/THR-1.md:7:15: error: [threat-mitigated] THR-1 is mitigated by no control and its "
        "risk is not "
        "accepted\n";
    CHECK_STR("text: GNU lines, sorted, one per finding", got, want);
    free(got);
    got = report(REPORT_TEXT, "examples/pump", SEV_WARNING);
    CHECK("text: min hides notes", !strstr(got, "note:") && strstr(got, "warning:"));
    free(got);
    got = report(REPORT_TEXT, "examples/pump", SEV_NONE);
    CHECK_STR("text: min none shows nothing", got, "");
    free(got);

    Diag d;
    diag_init(&d);
    sample(&d);
    StrBuf sb;
    sb_init(&sb);
    report_write(&sb, &d, REPORT_TEXT, ".", SEV_NOTE);
    CHECK("text: the sink keeps its order", strcmp(d.items[0].rule, "control-manual") == 0);
    sb_free(&sb);
    diag_free(&d);
}

static const char *jstr(json_t *o, const char *key) {
    return json_string_value(json_object_get(o, key));
}

static void test_json(void) {
    char *text = report(REPORT_JSON, ".", SEV_NOTE);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    CHECK("json: parses", doc != NULL);
    if (!doc) {
        printf("# %s at line %d\n", err.text, err.line);
        free(text);
        return;
    }
    CHECK("json: version 1", json_integer_value(json_object_get(doc, "version")) == 1);
    json_t *fs = json_object_get(doc, "findings");
    CHECK("json: every finding", json_array_size(fs) == 7);
    json_t *first = json_array_get(fs, 0), *last = json_array_get(fs, 6);
    CHECK("json: no path is null", json_is_null(json_object_get(first, "path")));
    CHECK("json: no record is null", json_is_null(json_object_get(first, "record")));
    CHECK_STR("json: rule", jstr(last, "rule"), "threat-mitigated");
    CHECK_STR("json: record", jstr(last, "record"), "THR-1");
    CHECK_STR("json: severity", jstr(last, "severity"), "error");
    CHECK("json: line and column", json_integer_value(json_object_get(last, "line")) == 7 &&
                                       json_integer_value(json_object_get(last, "column")) == 15);
    json_t *odd = json_array_get(fs, 4);
    const char *msg = jstr(odd, "message");
    CHECK("json: newline and tab kept in the message", msg && strstr(msg, "back\nslash\ttab"));
    CHECK("json: bad UTF-8 repaired",
          msg && strstr(msg, "\xEF\xBF\xBD\xEF\xBF\xBD bad utf-8 \xE2\x9C\x93"));
    json_t *sum = json_object_get(doc, "summary");
    CHECK("json: summary counts", json_integer_value(json_object_get(sum, "error")) == 4 &&
                                      json_integer_value(json_object_get(sum, "warning")) == 2 &&
                                      json_integer_value(json_object_get(sum, "note")) == 1);
    const char *keys[] = {"\"path\"", "\"line\"",    "\"column\"", "\"severity\"",
                          "\"rule\"", "\"message\"", "\"record\""};
    const char *at = strstr(text, "{\"path\"");
    bool ordered = at != NULL;
    for (size_t i = 1; at && i < sizeof keys / sizeof keys[0]; i++) {
        const char *next = strstr(at, keys[i]);
        ordered = ordered && next && next > at;
        at = next;
    }
    CHECK("json: keys in a fixed order", ordered);
    CHECK("json: top-level keys in order",
          strstr(text, "\"version\"") < strstr(text, "\"findings\"") &&
              strstr(text, "\"findings\"") < strstr(text, "\"summary\""));
    json_decref(doc);
    free(text);

    Diag d;
    diag_init(&d);
    StrBuf sb;
    sb_init(&sb);
    report_write(&sb, &d, REPORT_JSON, ".", SEV_NOTE);
    doc = json_loads(sb.data, 0, &err);
    CHECK("json: a clean run parses, with no findings",
          doc && json_array_size(json_object_get(doc, "findings")) == 0);
    json_decref(doc);
    sb_free(&sb);
    diag_free(&d);
}

static json_t *sarif_result(json_t *results, const char *rule) {
    for (size_t i = 0; i < json_array_size(results); i++)
        if (strcmp(jstr(json_array_get(results, i), "ruleId"), rule) == 0)
            return json_array_get(results, i);
    return NULL;
}

static json_t *artifact(json_t *result) {
    json_t *loc = json_array_get(json_object_get(result, "locations"), 0);
    return json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation");
}

static json_t *region(json_t *result) {
    json_t *loc = json_array_get(json_object_get(result, "locations"), 0);
    return json_object_get(json_object_get(loc, "physicalLocation"), "region");
}

static void test_sarif(void) {
    char *text = report(REPORT_SARIF, "./examples/infusion pump/", SEV_NOTE);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    CHECK("sarif: parses", doc != NULL);
    if (!doc) {
        printf("# %s at line %d\n", err.text, err.line);
        free(text);
        return;
    }
    CHECK_STR("sarif: version", jstr(doc, "version"), "2.1.0");
    CHECK_STR("sarif: $schema", jstr(doc, "$schema"),
              "https://json.schemastore.org/sarif-2.1.0.json");
    json_t *runs = json_object_get(doc, "runs");
    CHECK("sarif: one run", json_array_size(runs) == 1);
    json_t *run = json_array_get(runs, 0);
    json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
    CHECK_STR("sarif: driver name", jstr(driver, "name"), "dossier");
    json_t *rules = json_object_get(driver, "rules");
    CHECK("sarif: every rule of the table", json_array_size(rules) == RULE_COUNT);
    bool same = true;
    for (size_t i = 0; i < RULE_COUNT && i < json_array_size(rules); i++) {
        json_t *r = json_array_get(rules, i);
        json_t *level = json_object_get(json_object_get(r, "defaultConfiguration"), "level");
        json_t *desc = json_object_get(json_object_get(r, "shortDescription"), "text");
        same = same && strcmp(jstr(r, "id"), rule_table[i].id) == 0 &&
               strcmp(json_string_value(desc), rule_table[i].meaning) == 0 &&
               strcmp(json_string_value(level), severity_name(rule_table[i].severity)) == 0;
    }
    CHECK("sarif: rules carry id, description and level from the table", same);
    json_t *results = json_object_get(run, "results");
    CHECK("sarif: every finding", json_array_size(results) == 7);
    bool indexed = true;
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *r = json_array_get(results, i);
        json_t *idx = json_object_get(r, "ruleIndex");
        if (!idx) continue;
        json_t *rule = json_array_get(rules, (size_t)json_integer_value(idx));
        indexed = indexed && rule && strcmp(jstr(rule, "id"), jstr(r, "ruleId")) == 0;
    }
    CHECK("sarif: ruleIndex names the rule of ruleId", indexed);
    json_t *thr = sarif_result(results, "threat-mitigated");
    CHECK_STR("sarif: level", jstr(thr, "level"), "error");
    CHECK_STR("sarif: message text",
              json_string_value(json_object_get(json_object_get(thr, "message"), "text")),
              "THR-1 is mitigated by no control and its risk is not accepted");
    CHECK_STR("sarif: uri relative to the working directory", jstr(artifact(thr), "uri"),
              "examples/infusion%20pump/threats/THR-1.md");
    CHECK_STR("sarif: uriBaseId", jstr(artifact(thr), "uriBaseId"), "SRCROOT");
    CHECK("sarif: region line and column",
          json_integer_value(json_object_get(region(thr), "startLine")) == 7 &&
              json_integer_value(json_object_get(region(thr), "startColumn")) == 15);
    CHECK_STR("sarif: record in properties", jstr(json_object_get(thr, "properties"), "record"),
              "THR-1");
    json_t *ctl = sarif_result(results, "control-manual");
    CHECK("sarif: no startColumn when the column is unknown",
          json_integer_value(json_object_get(region(ctl), "startLine")) == 5 &&
              !json_object_get(region(ctl), "startColumn"));
    CHECK_STR("sarif: warning level", jstr(ctl, "level"), "warning");
    json_t *note = sarif_result(results, "unknown-file");
    CHECK("sarif: no region when the line is unknown", artifact(note) && !region(note));
    CHECK_STR("sarif: note level", jstr(note, "level"), "note");
    json_t *nopath = sarif_result(results, "file-read");
    CHECK("sarif: no location without a path", nopath && !json_object_get(nopath, "locations"));
    json_t *abs = sarif_result(results, "made-up-rule");
    CHECK_STR("sarif: an absolute path is a file URI", jstr(artifact(abs), "uri"),
              "file:///usr/share/dossier/schemas/records.xml");
    CHECK("sarif: a file URI has no uriBaseId", !json_object_get(artifact(abs), "uriBaseId"));
    CHECK("sarif: a rule missing from the table has no ruleIndex",
          !json_object_get(abs, "ruleIndex"));
    json_t *base = json_object_get(json_object_get(run, "originalUriBaseIds"), "SRCROOT");
    CHECK("sarif: SRCROOT described, without a machine path",
          base && !json_object_get(base, "uri"));
    const char *msg = json_string_value(
        json_object_get(json_object_get(sarif_result(results, "xml-syntax"), "message"), "text"));
    CHECK("sarif: bad UTF-8 repaired", msg && strstr(msg, "\xEF\xBF\xBD bad utf-8"));
    json_decref(doc);
    free(text);

    text = report(REPORT_SARIF, "/srv/dossiers/pump/", SEV_NOTE);
    doc = json_loads(text, 0, &err);
    run = json_array_get(json_object_get(doc, "runs"), 0);
    base = json_object_get(json_object_get(run, "originalUriBaseIds"), "SRCROOT");
    CHECK_STR("sarif: an absolute dossier is SRCROOT", jstr(base, "uri"),
              "file:///srv/dossiers/pump/");
    thr = sarif_result(json_object_get(run, "results"), "threat-mitigated");
    CHECK_STR("sarif: paths relative to an absolute dossier", jstr(artifact(thr), "uri"),
              "threats/THR-1.md");
    json_decref(doc);
    free(text);

    text = report(REPORT_SARIF, ".", SEV_NOTE);
    doc = json_loads(text, 0, &err);
    run = json_array_get(json_object_get(doc, "runs"), 0);
    thr = sarif_result(json_object_get(run, "results"), "threat-mitigated");
    CHECK_STR("sarif: the working directory adds no prefix", jstr(artifact(thr), "uri"),
              "threats/THR-1.md");
    json_decref(doc);
    free(text);
}

static size_t count_elements(xmlNode *n, const char *name) {
    size_t c = 0;
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (strcmp((const char *)n->name, name) == 0) c++;
        c += count_elements(n->children, name);
    }
    return c;
}

static xmlNode *suite(xmlNode *root, const char *rule) {
    for (xmlNode *n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
        bool hit = name && strcmp((const char *)name, rule) == 0;
        xmlFree(name);
        if (hit) return n;
    }
    return NULL;
}

static bool attr_is(xmlNode *n, const char *attr, const char *want) {
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)attr) : NULL;
    bool same = v && strcmp((const char *)v, want) == 0;
    xmlFree(v);
    return same;
}

static void test_junit(void) {
    char *text = report(REPORT_JUNIT, ".", SEV_NOTE);
    xmlDoc *doc = xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR);
    CHECK("junit: well-formed XML", doc != NULL);
    if (!doc) {
        free(text);
        return;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    CHECK("junit: testsuites root", root && strcmp((const char *)root->name, "testsuites") == 0);
    CHECK("junit: a suite per rule, and one for a rule the table lacks",
          count_elements(root->children, "testsuite") == RULE_COUNT + 1);
    CHECK("junit: a failure per error", count_elements(root->children, "failure") == 4);
    CHECK("junit: a warning is a skipped test case",
          count_elements(root->children, "skipped") == 2);
    CHECK("junit: a note is a passing case with output",
          count_elements(root->children, "system-out") == 1);
    char tests[32];
    snprintf(tests, sizeof tests, "%zu",
             (size_t)RULE_COUNT - 6 + 7); /* 6 table rules have 7 findings */
    CHECK("junit: totals on testsuites", attr_is(root, "tests", tests) &&
                                             attr_is(root, "failures", "4") &&
                                             attr_is(root, "errors", "0"));
    xmlNode *thr = suite(root, "threat-mitigated");
    CHECK("junit: suite counts", attr_is(thr, "tests", "1") && attr_is(thr, "failures", "1") &&
                                     attr_is(thr, "errors", "0") && attr_is(thr, "skipped", "0"));
    xmlNode *clean = suite(root, "dangling-link");
    CHECK("junit: a rule without findings passes",
          clean && attr_is(clean, "tests", "1") && attr_is(clean, "failures", "0") &&
              count_elements(clean->children, "testcase") == 1 &&
              count_elements(clean->children, "failure") == 0);
    xmlNode *tc = thr ? thr->children : NULL;
    while (tc && tc->type != XML_ELEMENT_NODE)
        tc = tc->next;
    CHECK("junit: classname groups by rule", attr_is(tc, "classname", "dossier.threat-mitigated"));
    CHECK("junit: case name is where and what",
          attr_is(tc, "name",
                  "threats/THR-1.md:7:15: THR-1 is mitigated by no control and its risk is not "
                  "accepted"));
    xmlNode *odd = suite(root, "xml-syntax");
    xmlNode *oc = odd ? odd->children : NULL;
    while (oc && oc->type != XML_ELEMENT_NODE)
        oc = oc->next;
    xmlNode *fail = oc ? oc->children : NULL;
    while (fail && fail->type != XML_ELEMENT_NODE)
        fail = fail->next;
    xmlChar *msg = fail ? xmlGetProp(fail, (const xmlChar *)"message") : NULL;
    CHECK("junit: attribute keeps newline, tab, quotes and markup",
          msg && strstr((const char *)msg, "bad <tag> & \"quotes\" 'apos' \\ back\nslash\ttab"));
    xmlFree(msg);
    xmlChar *body = fail ? xmlNodeGetContent(fail) : NULL;
    CHECK("junit: failure text is the GNU line",
          body && strncmp((const char *)body,
                          "tests/my results.xml:3:1: error: [xml-syntax] bad <tag>", 55) == 0);
    xmlFree(body);
    xmlFreeDoc(doc);
    free(text);

    text = report(REPORT_JUNIT, ".", SEV_NONE);
    doc = xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR);
    root = doc ? xmlDocGetRootElement(doc) : NULL;
    char want[32];
    snprintf(want, sizeof want, "%zu", (size_t)RULE_COUNT);
    CHECK("junit: a clean run passes a test per rule",
          root && attr_is(root, "tests", want) && attr_is(root, "failures", "0") &&
              count_elements(root->children, "failure") == 0);
    xmlFreeDoc(doc);
    free(text);
}

static void test_deterministic(void) {
    bool same = true;
    for (int f = REPORT_TEXT; f <= REPORT_JUNIT; f++) {
        char *a = report((ReportFormat)f, "examples/pump", SEV_NOTE);
        char *b = report((ReportFormat)f, "examples/pump", SEV_NOTE);
        same = same && strcmp(a, b) == 0;
        free(a);
        free(b);
    }
    CHECK("report: the same findings give the same bytes", same);

    Diag d1, d2;
    diag_init(&d1);
    diag_init(&d2);
    sample(&d1);
    sample(&d2);
    for (size_t i = 0; i < d2.n / 2; i++) {
        Finding t = d2.items[i];
        d2.items[i] = d2.items[d2.n - 1 - i];
        d2.items[d2.n - 1 - i] = t;
    }
    StrBuf s1, s2;
    sb_init(&s1);
    sb_init(&s2);
    report_write(&s1, &d1, REPORT_SARIF, ".", SEV_NOTE);
    report_write(&s2, &d2, REPORT_SARIF, ".", SEV_NOTE);
    CHECK("report: the order findings were added in does not matter",
          strcmp(s1.data, s2.data) == 0);
    sb_free(&s1);
    sb_free(&s2);
    diag_free(&d1);
    diag_free(&d2);
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--emit") == 0) {
        ReportFormat f;
        bool empty = argc >= 4 && strcmp(argv[3], "--clean") == 0;
        if (!report_format_parse(argv[2], &f)) return 2;
        Diag d;
        diag_init(&d);
        if (!empty) sample(&d);
        StrBuf sb;
        sb_init(&sb);
        report_write(&sb, &d, f, "examples/infusion pump", SEV_NOTE);
        fputs(sb.data ? sb.data : "", stdout);
        sb_free(&sb);
        diag_free(&d);
        return 0;
    }
    test_parse();
    test_text();
    test_json();
    test_sarif();
    test_junit();
    test_deterministic();
    TEST_DONE();
}
