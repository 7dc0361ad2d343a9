/* test_standard.c: the standard evidence formats on two fixture dossiers.
 * tests/fixtures/standard/pump: CycloneDX JSON and XML, SPDX JSON and
 * tag-value, a support supplement, OpenVEX 0.2.0 and 0.0.1, CSAF VEX, a
 * CycloneDX VEX by BOM-Link, JUnit from pytest, ctest and a nested Go-style
 * report; what records, fields, links and findings they give.
 * tests/fixtures/standard/bad: every kind of broken file, each reported
 * with file and line, none hiding the findings of the others. */
#include <stdlib.h>

#include "base/base.h"
#include "check/check.h"
#include "load/load.h"
#include "load/standard.h"
#include "model/model.h"
#include "test.h"

static Schema schema;

typedef struct Run {
    Arena arena;
    Diag diag;
    Model model;
} Run;

static void run_load(Run *r, const char *dir) {
    arena_init(&r->arena);
    diag_init(&r->diag);
    model_init(&r->model, &r->arena, &schema, dir);
    LoadOptions lo = {"schemas", 1 << 24, NULL, NULL, false};
    if (!load_dossier(&r->model, &r->diag, &lo)) printf("# load_dossier failed on %s\n", dir);
    date_parse("2025-12-01", &r->model.build_date);
    check_run(&r->model, &r->diag);
    diag_sort(&r->diag);
}

static void run_free(Run *r) {
    diag_free(&r->diag);
    arena_free(&r->arena);
}

/* The finding of rule in path (and at line when line > 0) whose message
 * holds needle (when given). */
static const Finding *find(const Run *r, const char *rule, const char *path, int line,
                           const char *needle) {
    for (size_t i = 0; i < r->diag.n; i++) {
        const Finding *f = &r->diag.items[i];
        if (strcmp(f->rule, rule) != 0) continue;
        if (path && (!f->loc.path || strcmp(f->loc.path, path) != 0)) continue;
        if (line > 0 && f->loc.line != line) continue;
        if (needle && !strstr(f->message, needle)) continue;
        return f;
    }
    return NULL;
}

static size_t count(const Run *r, const char *rule, const char *record) {
    size_t n = 0;
    for (size_t i = 0; i < r->diag.n; i++)
        if (strcmp(r->diag.items[i].rule, rule) == 0 &&
            (!record || (r->diag.items[i].record && strcmp(r->diag.items[i].record, record) == 0)))
            n++;
    return n;
}

static bool linked(const Record *r, const char *name, const char *to) {
    for (size_t i = 0; i < r->nout; i++)
        if (strcmp(link_name(r->out[i], true), name) == 0 && strcmp(r->out[i]->to->id, to) == 0)
            return true;
    for (size_t i = 0; i < r->nin; i++)
        if (strcmp(link_name(r->in[i], false), name) == 0 && strcmp(r->in[i]->from->id, to) == 0)
            return true;
    return false;
}

static const char *str(const Record *r, const char *field) {
    return r ? record_str(r, field) : NULL;
}

static bool list_has(const Record *r, const char *field, const char *text) {
    const Value *v = r ? record_field(r, field) : NULL;
    for (size_t i = 0; v && v->kind == VAL_LIST && i < v->n; i++)
        if (v->items[i]->kind == VAL_SCALAR && strstr(v->items[i]->text, text)) return true;
    return false;
}

/* The entry of an entries field whose key holds value. */
static const Value *entry(const Record *r, const char *field, const char *key, const char *value) {
    const Value *v = r ? record_field(r, field) : NULL;
    for (size_t i = 0; v && v->kind == VAL_LIST && i < v->n; i++) {
        const Value *k = value_get(v->items[i], key);
        if (k && k->kind == VAL_SCALAR && strcmp(k->text, value) == 0) return v->items[i];
    }
    return NULL;
}

static void components(Run *r) {
    Model *m = &r->model;
    size_t n;
    model_of_type(m, "component", &n);
    CHECK("sbom: nine components from four SBOMs (subjects and excluded scope left out)", n == 9);
    CHECK("sbom: the subject is not a component", !model_find(m, "CMP-Test-Pump-firmware-2.0"));
    CHECK("sbom: scope excluded is not a component", !model_find(m, "CMP-googletest-1.14.0"));
    Record *zlib = model_find(m, "CMP-zlib-1.2.13");
    CHECK("sbom: ID from name and version", zlib != NULL);
    CHECK("sbom: one component from two SBOMs lists both",
          list_has(zlib, "sboms", "sbom/comms.cdx.xml") &&
              list_has(zlib, "sboms", "sbom/pump-fw.cdx.json"));
    CHECK_STR("sbom: supplier from supplier.name", str(zlib, "supplier"), "zlib project");
    CHECK_STR("sbom: level of support from cdx:fda:level-of-support", str(zlib, "support"),
              "actively-maintained");
    CHECK_STR("sbom: end of support from cdx:lifecycle:milestone:endOfSupport",
              str(zlib, "end_of_support"), "2027-12-31");
    CHECK("sbom: the support source names the property",
          str(zlib, "support_source") &&
              strstr(str(zlib, "support_source"), "cdx:lifecycle:milestone:endOfSupport"));
    CHECK("sbom: the SBOM author and timestamp reach the component",
          str(zlib, "author") && str(zlib, "timestamp"));
    CHECK("sbom: hashes as ALG:hex", list_has(zlib, "hashes", "SHA-256:b3a24de9"));
    CHECK("sbom: asset components name the component", zlib && linked(zlib, "assets", "AST-1"));
    Record *openssl = model_find(m, "CMP-openssl-3.0.15");
    CHECK_STR("sbom: end of support from cdx:fda:end-of-support-date",
              str(openssl, "end_of_support"), "2026-09-07");
    CHECK("sbom: CPE kept",
          str(openssl, "cpe") && strncmp(str(openssl, "cpe"), "cpe:2.3:a:openssl", 17) == 0);
    CHECK("sbom: dependsOn becomes depends_on",
          openssl && linked(openssl, "depends_on", "CMP-zlib-1.2.13"));
    CHECK("sbom: dependency_of seen from the other side",
          zlib && linked(zlib, "dependency_of", "CMP-openssl-3.0.15"));
    Record *freertos = model_find(m, "CMP-freertos-kernel-10.4.3");
    CHECK_STR("sbom: a timestamp end of support becomes its date", str(freertos, "end_of_support"),
              "2023-06-30");
    Record *bluez = model_find(m, "CMP-bluez-5.66");
    CHECK("xml: CycloneDX 1.5 XML component", bluez && str(bluez, "purl"));
    CHECK("xml: <hash alg> content", list_has(bluez, "hashes", "SHA-256:0f2b8d1f"));
    CHECK("xml: license expression", list_has(bluez, "licenses", "GPL-2.0-or-later"));
    CHECK("xml: nested component and nested <dependency>",
          bluez && linked(bluez, "depends_on", "CMP-libbluetooth-5.66"));
    CHECK("xml: a component's line", bluez && bluez->loc.line == 25);
    Record *libbt = model_find(m, "CMP-libbluetooth-5.66");
    CHECK_STR("xml: cdx:fda:justification makes the end of support unknown",
              str(libbt, "end_of_support"), "unknown");
    CHECK("xml: with its reason",
          str(libbt, "support_reason") && strstr(str(libbt, "support_reason"), "BlueZ"));
    Record *libusb = model_find(m, "CMP-libusb-1.0.26");
    CHECK_STR("spdx json: supplier without type and email", str(libusb, "supplier"),
              "libusb project");
    CHECK_STR("spdx json: validUntilDate is the end of support", str(libusb, "end_of_support"),
              "2030-01-01");
    CHECK_STR("spdx json: primaryPackagePurpose is the kind", str(libusb, "kind"), "library");
    CHECK_STR("spdx json: author from the creators, people and organisations first",
              str(libusb, "author"), "Example Medical");
    CHECK("spdx json: the described package is the subject",
          !model_find(m, "CMP-Service-Tool-2.0"));
    Record *mbedtls = model_find(m, "CMP-mbedtls-2.28.0");
    CHECK_STR("spdx tag-value: ExternalRef purl", str(mbedtls, "purl"),
              "pkg:generic/mbedtls@2.28.0");
    CHECK("spdx tag-value: PackageChecksum", list_has(mbedtls, "hashes", "SHA256:6519579b"));
    CHECK_STR("spdx tag-value: PackageSupplier", str(mbedtls, "supplier"), "Trusted Firmware");
    CHECK("spdx tag-value: the line after a multi-line <text> is read",
          mbedtls && str(mbedtls, "purl") && record_field(mbedtls, "purl")->loc.line == 24);
    Record *busybox = model_find(m, "CMP-busybox-1.35.0");
    CHECK_STR("supplement: fills the level of support", str(busybox, "support"),
              "no-longer-maintained");
    CHECK("supplement: its values are located in the supplement",
          busybox && strcmp(record_field(busybox, "support")->loc.path, "sbom/support.yaml") == 0 &&
              record_field(busybox, "support")->loc.line == 4);
    CHECK("supplement: an eos_plan", busybox && record_field(busybox, "eos_plan"));
    Record *libfoo = model_find(m, "CMP-libfoo-0.9");
    CHECK_STR("supplement: matched by name@version, fills the supplier", str(libfoo, "supplier"),
              "Foo Labs");
    size_t known, total;
    rules_sbom_coverage(m, &known, &total);
    CHECK("coverage: 7 of 9 components have known support data", known == 7 && total == 9);
}

static void component_findings(Run *r) {
    CHECK("finding: a component no SBOM lists",
          find(r, "component-unlisted", "assets/AST-1.md", 9, "not-in-any-sbom"));
    CHECK("finding: a dangling dependsOn, at its line and column",
          find(r, "sbom-reference", "sbom/pump-fw.cdx.json", 78, "no-such-ref") &&
              find(r, "sbom-reference", "sbom/pump-fw.cdx.json", 78, NULL)->loc.col == 39);
    CHECK("finding: a component outside the dependency graph",
          find(r, "sbom-dependencies", "sbom/pump-fw.cdx.json", 0, "libfoo"));
    CHECK("finding: no such warning for a complete graph",
          !find(r, "sbom-dependencies", "sbom/legacy.spdx", 0, NULL));
    CHECK("finding: an unreadable level of support",
          find(r, "sbom-property", "sbom/comms.cdx.xml", 47, "sort of"));
    CHECK("finding: the supplement contradicts the SBOM; the SBOM wins",
          find(r, "supplement-conflict", "sbom/support.yaml", 19, "actively-maintained"));
    CHECK("finding: a supplement entry that names nothing",
          find(r, "supplement-unmatched", "sbom/support.yaml", 20, NULL));
    CHECK("finding: NTIA elements missing",
          find(r, "component-ntia", NULL, 0, "unique identifier") &&
              count(r, "component-ntia", NULL) == 1);
    CHECK("finding: no level of support",
          find(r, "component-support", NULL, 0, "CMP-libbluetooth-5.66"));
    const Finding *unknown = find(r, "component-support-unknown", NULL, 0, "CMP-libfoo-0.9");
    CHECK("finding: unknown with a reason is a warning",
          unknown && unknown->severity == SEV_WARNING &&
              !find(r, "component-support", NULL, 0, "CMP-libfoo-0.9"));
    CHECK("finding: past its end of support without a plan",
          find(r, "component-eos-plan", "sbom/pump-fw.cdx.json", 56, "CMP-freertos-kernel-10.4.3"));
    CHECK("finding: past end of support with a plan is fine",
          !find(r, "component-eos-plan", NULL, 0, "busybox") &&
              !find(r, "component-eos-plan", NULL, 0, "mbedtls"));
    CHECK("finding: end of support within a year",
          find(r, "component-eos-soon", NULL, 0, "CMP-openssl-3.0.15"));
    CHECK("finding: the coverage figure",
          find(r, "support-coverage", NULL, 0, "7 of 9 components (77%)"));
}

static void vulnerabilities(Run *r) {
    Model *m = &r->model;
    Record *v1 = model_find(m, "CVE-2024-1111");
    CHECK_STR("vex: an SBOM analysis fills the record's vex_state", str(v1, "vex_state"),
              "not_affected");
    CHECK_STR("vex: CycloneDX justification mapped", str(v1, "vex_justification"),
              "vulnerable_code_not_in_execute_path");
    CHECK("vex: the statement is kept on the record",
          entry(v1, "vex", "as_written", "CycloneDX not_affected / code_not_reachable"));
    CHECK("vex: an assessed vulnerability gives no finding",
          count(r, "vulnerability-assessment", "CVE-2024-1111") == 0);
    Record *v2 = model_find(m, "CVE-2024-2222");
    CHECK_STR("vex: the record's own vex_state wins", str(v2, "vex_state"), "affected");
    CHECK("vex: and the contradiction is said",
          find(r, "vex-conflict", "vex/pump.openvex.json", 9, "CVE-2024-2222"));
    Record *v3 = model_find(m, "CVE-2024-3333");
    CHECK("vex: an SBOM vulnerability with a CVE reference gets the CVE ID", v3 != NULL);
    CHECK("vex: its scanner ID is an alias", list_has(v3, "aliases", "SNYK-ZLIB-3333"));
    CHECK_STR("vex: the latest statement decides (in_triage by BOM-Link, after the SBOM)",
              str(v3, "vex_state"), "under_investigation");
    CHECK_STR("vex: CVSS from the rating", str(v3, "cvss_score"), "7.5");
    CHECK_STR("vex: CWE", str(v3, "cwe"), "CWE-787");
    CHECK_STR("vex: discovered from the earliest statement", str(v3, "discovered"), "2025-10-01");
    CHECK("vex: component to vulnerability link",
          v3 && linked(v3, "sbom_components", "CMP-zlib-1.2.13"));
    CHECK("vex: an unassessed vulnerability fails the check",
          find(r, "vulnerability-assessment", "sbom/pump-fw.cdx.json", 91, "CVE-2024-3333"));
    Record *v4 = model_find(m, "CVE-2024-4444");
    CHECK("openvex 0.2.0: subcomponent purl reaches the component",
          v4 && linked(v4, "sbom_components", "CMP-busybox-1.35.0"));
    CHECK("openvex 0.2.0: aliases", list_has(v4, "aliases", "GHSA-abcd-efgh-ijkl"));
    CHECK("openvex: action statement as response",
          entry(v4, "vex", "state", "affected") &&
              value_get(entry(v4, "vex", "state", "affected"), "response"));
    CHECK("openvex: affected and unassessed fails the check",
          count(r, "vulnerability-assessment", "CVE-2024-4444") == 1);
    Record *v6 = model_find(m, "CVE-2024-6666");
    CHECK_STR("csaf: known_not_affected", str(v6, "vex_state"), "not_affected");
    CHECK_STR("csaf: flag label is the justification", str(v6, "vex_justification"),
              "vulnerable_code_not_in_execute_path");
    CHECK("csaf: relationship product reaches its component",
          v6 && linked(v6, "sbom_components", "CMP-bluez-5.66"));
    CHECK("csaf: impact statement as detail",
          entry(v6, "vex", "detail", "The pump does not enable BLE mesh."));
    CHECK("csaf: an assessed not_affected gives no finding",
          count(r, "vulnerability-assessment", "CVE-2024-6666") == 0 &&
              count(r, "vex-justification", "CVE-2024-6666") == 0);
    CHECK("openvex 0.0.1: fixed in what ships makes no record", !model_find(m, "CVE-2024-5555"));
    CHECK("openvex 0.0.1: but the component keeps the statement",
          entry(model_find(m, "CMP-zlib-1.2.13"), "vex", "vulnerability", "CVE-2024-5555"));
    CHECK("vex: a statement about another product is not attached",
          find(r, "vex-unmatched", "vex/pump.openvex.json", 21, "CVE-2023-9999") &&
              !model_find(m, "CVE-2023-9999"));
}

static const Value *result_at(const Record *t, size_t i) {
    const Value *v = t ? record_field(t, "results") : NULL;
    return v && v->kind == VAL_LIST && i < v->n ? v->items[i] : NULL;
}

static const char *result_of(const Value *e, const char *key) {
    const Value *v = value_get(e, key);
    return v && v->kind == VAL_SCALAR ? v->text : NULL;
}

static void tests(Run *r) {
    Model *m = &r->model;
    Record *tls = model_find(m, "TST-tests.test_tls-test_ctl_001_rejects_unknown_ca");
    CHECK("junit: a case naming a control becomes a test",
          tls && linked(tls, "verifies", "CTL-001"));
    const Value *runs = tls ? record_field(tls, "results") : NULL;
    CHECK("junit: one result per report", runs && runs->n == 2);
    CHECK_STR("junit: results in report-timestamp order (older first)",
              result_of(result_at(tls, 0), "result"), "fail");
    CHECK_STR("junit: the latest last", result_of(result_at(tls, 1), "result"), "pass");
    CHECK_STR("junit: the report timestamp is kept", result_of(result_at(tls, 1), "timestamp"),
              "2025-10-25T09:00:00+02:00");
    CHECK_STR("junit: the report is the evidence", result_of(result_at(tls, 1), "evidence"),
              "tests/results/pytest-1025.xml");
    Record *sig = model_find(m, "TST-tests.test_update-test_firmware_signature");
    CHECK("junit: a verifies property links the control",
          sig && linked(sig, "verifies", "CTL-002"));
    CHECK("junit: the failure message is the note",
          result_of(result_at(sig, 1), "note") &&
              strstr(result_of(result_at(sig, 1), "note"), "key rotation"));
    CHECK_STR("junit: a suite property release", result_of(result_at(sig, 1), "release"), "2.0.1");
    CHECK("junit: a failing case makes its control unverified though another passed",
          find(r, "control-test-failed", "controls/CTL-002.md", 0,
               "test_firmware_signature fail on 2025-10-25"));
    CHECK("junit: error outranks failure in one case",
          find(r, "control-test-failed", "controls/CTL-001.md", 0, "Test_CTL_001_Retry error"));
    Record *replay = model_find(m, "TST-010");
    const Value *rr = replay ? record_field(replay, "results") : NULL;
    CHECK("junit: a case naming TST-010 adds to the written record", rr && rr->n == 2);
    CHECK_STR("junit: ctest status run is a pass", result_of(result_at(replay, 1), "result"),
              "pass");
    CHECK("junit: the case is named in the note of a written test",
          result_of(result_at(replay, 1), "note") &&
              strstr(result_of(result_at(replay, 1), "note"), "stale nonce"));
    Record *fuzz = model_find(m, "TST-fuzz-CTL-003_fuzz_nonce");
    CHECK_STR("junit: ctest notrun with <skipped> is skipped",
              result_of(result_at(fuzz, 0), "result"), "skipped");
    CHECK("junit: CTL-003 stays verified by TST-010",
          !find(r, "control-verified", "controls/CTL-003.md", 0, NULL) &&
              !find(r, "control-test-failed", "controls/CTL-003.md", 0, NULL));
    Record *hs = model_find(m, "TST-example.com-pump-tls-Test_CTL_001_Handshake");
    CHECK("junit: a BOM, nested suites and CDATA", hs && linked(hs, "verifies", "CTL-001"));
    CHECK_STR("junit: no timestamp: the dossier's date", result_of(result_at(hs, 0), "date"),
              "2025-11-01");
    CHECK("junit: ...and it is said",
          find(r, "junit-timestamp", "tests/results/go-nested.xml", 2, NULL));
    CHECK("junit: an element no runner writes",
          find(r, "junit-element", "tests/results/go-nested.xml", 14, "weird"));
    CHECK("junit: a control ID no record has",
          find(r, "junit-link", "tests/results/pytest-1025.xml", 13, "CTL-042"));
    CHECK("junit: a report that verifies nothing",
          find(r, "junit-unlinked", "tests/results/unrelated.xml", 1, NULL));
    CHECK("junit: cases that verify nothing make no record",
          !model_find(m, "TST-tests.test_misc-test_unrelated"));
}

static void bad_input(void) {
    Run r;
    run_load(&r, "tests/fixtures/standard/bad");
    for (size_t i = 0; i < r.diag.n; i++)
        if (r.diag.items[i].severity != SEV_NOTE ||
            strcmp(r.diag.items[i].rule, "unknown-file") == 0)
            printf("# %s:%d:%d: [%s] %s\n", r.diag.items[i].loc.path, r.diag.items[i].loc.line,
                   r.diag.items[i].loc.col, r.diag.items[i].rule, r.diag.items[i].message);
    static const struct {
        const char *name, *rule, *path;
        int line;
        const char *needle;
    } want[] = {
        {"bad: truncated XML", "xml-syntax", "sbom/truncated.cdx.xml", 6, "Premature end"},
        {"bad: wrong root element", "sbom-format", "sbom/wrong-root.xml", 2, "found <project>"},
        {"bad: an empty file", "sbom-format", "sbom/empty.cdx.json", 1, "empty file"},
        {"bad: a blank file", "sbom-format", "sbom/blank.cdx.xml", 1, "empty file"},
        {"bad: not JSON, with jansson's position", "json-syntax", "sbom/not-json.json", 1,
         "not valid JSON"},
        {"bad: CycloneDX 1.1 by namespace", "sbom-format", "sbom/v11.cdx.xml", 2, "'1.1'"},
        {"bad: an unknown CycloneDX specVersion", "sbom-format", "sbom/v19.cdx.json", 3, "'1.9'"},
        {"bad: SPDX 3 refused by name", "sbom-format", "sbom/spdx3.json", 2, "SPDX 3"},
        {"bad: a supplement of the wrong shape", "supplement-format", "sbom/bad-support.yaml", 1,
         NULL},
        {"bad: a supplement that is not YAML", "yaml-syntax", "sbom/broken.yaml", 3, "YAML:"},
        {"bad: tag-value without SPDXVersion", "sbom-format", "sbom/bad.spdx", 1, "SPDXVersion"},
        {"bad: a tag-value line without a tag", "sbom-format", "sbom/bad.spdx", 3, "no colon"},
        {"bad: a file no reader takes", "unknown-file", "sbom/notes.txt", 0, NULL},
        {"bad: an OpenVEX status", "vex-format", "vex/bad-status.openvex.json", 11, "'maybe'"},
        {"bad: an OpenVEX justification", "vex-format", "vex/bad-status.openvex.json", 17,
         "'we_checked'"},
        {"bad: a statement without a vulnerability", "vex-format", "vex/bad-status.openvex.json",
         20, NULL},
        {"bad: JSON that is no VEX format", "vex-format", "vex/unknown.json", 1,
         "not a VEX document"},
        {"bad: truncated JSON", "json-syntax", "vex/truncated.json", 4,
         "expected near end of file"},
        {"bad: a CSAF version", "vex-format", "vex/csaf-21.json", 2, "'2.1'"},
        {"bad: an empty JUnit file", "junit-format", "tests/results/empty.xml", 1, "empty file"},
        {"bad: a JUnit file with the wrong root", "junit-format", "tests/results/html.xml", 2,
         "found <html>"},
        {"bad: truncated JUnit", "xml-syntax", "tests/results/truncated.xml", 4, "Premature end"},
        {"bad: JUnit that is not XML", "xml-syntax", "tests/results/not-xml.xml", 1, NULL},
        {"bad: an extra element in <testsuites>", "junit-element", "tests/results/extra.xml", 3,
         "<runner-info>"},
        {"bad: an extra element in <testcase>", "junit-element", "tests/results/extra.xml", 6,
         "<attachment>"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECK(want[i].name, find(&r, want[i].rule, want[i].path, want[i].line, want[i].needle));
    CHECK("bad: one bad file hides nothing: the good SBOM's findings are there",
          find(&r, "component-support", "sbom/good.cdx.json", 6, "CMP-liba-1.0"));
    CHECK("bad: a report with extra elements is still read",
          model_find(&r.model, "TST-auth-test_ctl_1_authenticated") &&
              !find(&r, "control-verified", "controls/CTL-1.md", 0, NULL));
    CHECK_STR("bad: suite properties after the cases still apply",
              record_str(model_find(&r.model, "TST-auth-test_ctl_1_authenticated"), "tool_version"),
              "8.3");
    run_free(&r);
}

/* Loads one file alone as rel, through the standard readers only. */
static void load_alone(Run *r, const char *path, const char *rel) {
    arena_init(&r->arena);
    diag_init(&r->diag);
    model_init(&r->model, &r->arena, &schema, "tests/fixtures/standard/versions");
    r->model.product.name = "Twin Device";
    r->model.product.date = "2025-11-01";
    LoadOptions lo = {"schemas", 1 << 24, NULL, NULL, false};
    Standard *s = standard_new(&r->model, &r->diag, &lo);
    input_load(s, path, rel);
    standard_finish(s);
    model_finish(&r->model, &r->diag);
}

/* A value as text, every key but source (which names the file). */
static void dump(StrBuf *sb, const Value *v) {
    if (!v) return;
    if (v->kind == VAL_SCALAR) sb_printf(sb, "'%s'", v->text);
    for (size_t i = 0; v->kind == VAL_LIST && i < v->n; i++) {
        sb_puts(sb, i ? ", " : "[");
        dump(sb, v->items[i]);
        if (i + 1 == v->n) sb_puts(sb, "]");
    }
    for (size_t i = 0; v->kind == VAL_MAP && i < v->n; i++) {
        if (strcmp(v->keys[i], "source") == 0) continue;
        sb_printf(sb, "%s%s: ", i ? ", " : "{", v->keys[i]);
        dump(sb, v->items[i]);
    }
    if (v->kind == VAL_MAP) sb_puts(sb, "}");
}

static void dump_model(StrBuf *sb, const Model *m) {
    for (size_t i = 0; i < m->nrecords; i++) {
        const Record *r = m->records[i];
        sb_printf(sb, "%s %s\n", r->id, r->title);
        for (size_t f = 0; f < r->type->nfields; f++) {
            const char *name = r->fields[f].def->name;
            if (!r->fields[f].value || strcmp(name, "sboms") == 0 ||
                strcmp(name, "support_source") == 0)
                continue; /* they name the file */
            sb_printf(sb, "  %s = ", r->fields[f].def->name);
            dump(sb, r->fields[f].value);
            sb_putc(sb, '\n');
        }
        for (size_t k = 0; k < r->nout; k++)
            sb_printf(sb, "  -> %s %s\n", link_name(r->out[k], true), r->out[k]->to->id);
    }
}

static size_t errors(const Run *r) {
    return diag_count(&r->diag, SEV_ERROR);
}

/* CycloneDX 1.2 and 1.3, XML and JSON; the same BOM as XML and as JSON
 * gives the same records. */
static void versions(void) {
    static const char *const files[] = {"bom-1.2.cdx.xml", "bom-1.2.cdx.json", "bom-1.3.cdx.xml",
                                        "bom-1.3.cdx.json"};
    for (size_t i = 0; i < 4; i++) {
        Run r;
        char path[256], rel[128], name[128], id[64];
        snprintf(path, sizeof path, "tests/fixtures/standard/versions/%s", files[i]);
        snprintf(rel, sizeof rel, "sbom/%s", files[i]);
        load_alone(&r, path, rel);
        snprintf(id, sizeof id, "CMP-oldlib-%.3s", files[i] + 4);
        const Record *c = model_find(&r.model, id);
        snprintf(name, sizeof name,
                 "versions: %s gives its component, publisher as supplier, tools as author",
                 files[i]);
        CHECK(name, c && errors(&r) == 0 && str(c, "supplier") &&
                        strcmp(str(c, "supplier"), "Old Supplier") == 0 && str(c, "author") &&
                        strcmp(str(c, "author"), "old-cdx 0.9 (tool)") == 0 &&
                        list_has(c, "hashes", "SHA-1:da39a3ee"));
        run_free(&r);
    }
    Run json, xml;
    load_alone(&json, "tests/fixtures/standard/versions/twin.cdx.json", "sbom/twin.cdx.json");
    load_alone(&xml, "tests/fixtures/standard/versions/twin.cdx.xml", "sbom/twin.cdx.xml");
    StrBuf a, b;
    sb_init(&a);
    sb_init(&b);
    dump_model(&a, &json.model);
    dump_model(&b, &xml.model);
    bool same = a.data && b.data && strcmp(a.data, b.data) == 0;
    if (!same) printf("# JSON:\n%s# XML:\n%s", a.data ? a.data : "", b.data ? b.data : "");
    CHECK("twins: the same BOM as CycloneDX XML and JSON gives the same records, fields and links",
          same);
    CHECK("twins: and no errors", errors(&json) == 0 && errors(&xml) == 0);
    const Record *tls = model_find(&xml.model, "CMP-org.example-tinytls-2.1");
    CHECK_STR("twins: manufacturer as supplier", str(tls, "supplier"), "TLS Makers");
    CHECK("twins: swid and both omniborIds as identifiers",
          list_has(tls, "identifiers", "swid:swid-tinytls-2.1") &&
              list_has(tls, "identifiers", "sha256:9f64df92"));
    CHECK_STR("twins: level of support in any case", str(tls, "support"), "abandoned");
    CHECK_STR("twins: the manufacturer is the author", str(tls, "author"), "Example Medical");
    const Record *v = model_find(&xml.model, "CVE-2025-0100");
    CHECK_STR("twins: exploitable is affected", str(v, "vex_state"), "affected");
    CHECK("twins: <responses> as response",
          entry(v, "vex", "component", "CMP-org.example-tinytls-2.1") &&
              strstr(b.data, "response: ['will_not_fix', 'workaround_available']"));
    CHECK("twins: one statement reaches both components",
          v && linked(v, "sbom_components", "CMP-tinytls-asm-2.1") &&
              linked(v, "sbom_components", "CMP-org.example-tinytls-2.1"));
    sb_free(&a);
    sb_free(&b);
    run_free(&json);
    run_free(&xml);
}

/* Two loads of the same dossier give the same records and findings. */
static void determinism(void) {
    Run a, b;
    run_load(&a, "tests/fixtures/standard/pump");
    run_load(&b, "tests/fixtures/standard/pump");
    bool same = a.model.nrecords == b.model.nrecords && a.diag.n == b.diag.n;
    for (size_t i = 0; same && i < a.model.nrecords; i++)
        same = strcmp(a.model.records[i]->id, b.model.records[i]->id) == 0 &&
               a.model.records[i]->nout == b.model.records[i]->nout;
    for (size_t i = 0; same && i < a.diag.n; i++)
        same = strcmp(a.diag.items[i].message, b.diag.items[i].message) == 0 &&
               a.diag.items[i].loc.line == b.diag.items[i].loc.line;
    CHECK("determinism: two loads, the same records, links and findings", same);
    run_free(&a);
    run_free(&b);
}

int main(void) {
    Arena sa;
    Diag sd;
    arena_init(&sa);
    diag_init(&sd);
    if (!schema_load(&sa, &sd, "schemas/records.xml", &schema)) return 1;
    Run r;
    run_load(&r, "tests/fixtures/standard/pump");
    for (size_t i = 0; i < r.diag.n; i++)
        printf("# %s:%d:%d: [%s] %s\n", r.diag.items[i].loc.path ? r.diag.items[i].loc.path : "",
               r.diag.items[i].loc.line, r.diag.items[i].loc.col, r.diag.items[i].rule,
               r.diag.items[i].message);
    CHECK("pump: no typing or link errors from generated records",
          !count(&r, "required-field", NULL) && !count(&r, "field-type", NULL) &&
              !count(&r, "enum-value", NULL) && !count(&r, "dangling-link", NULL) &&
              !count(&r, "unique-id", NULL) && !count(&r, "unknown-field", NULL));
    components(&r);
    component_findings(&r);
    vulnerabilities(&r);
    tests(&r);
    run_free(&r);
    bad_input();
    versions();
    determinism();
    diag_free(&sd);
    arena_free(&sa);
    TEST_DONE();
}
