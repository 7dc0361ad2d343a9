/* rules.c: the one table of every rule a finding can carry, from the load,
 * model and check stages, and the rule reference written from it
 * (docs/rules.md, `dossier rules --markdown`). Part of base/; a stage that
 * adds a rule adds its row here first. */
#include <string.h>

#include "rules.h"

const Rule rule_table[] = {
    /* load: reading the dossier folder */
    {"file-read", SEV_ERROR, "load", "A file cannot be read, is too large, or is not UTF-8."},
    {"file-symlink", SEV_WARNING, "load",
     "A symbolic link in the dossier: dossier follows none, so nothing outside the dossier is read "
     "through one; the file it names is not read."},
    {"yaml-syntax", SEV_ERROR, "load",
     "The YAML front matter of a Markdown record is not well-formed."},
    {"front-matter", SEV_ERROR, "load",
     "A Markdown record has no front matter, or it is not a mapping."},
    {"xml-syntax", SEV_ERROR, "load", "An XML file is not well-formed."},
    {"xml-schema", SEV_ERROR, "load", "An XML file fails its XSD."},
    {"record-location", SEV_WARNING, "load",
     "A record's file name or folder does not match its ID or type."},
    {"unknown-file", SEV_NOTE, "load", "A file in the dossier that no loader reads."},
    {"file-name", SEV_ERROR, "load",
     "A file name the outputs cannot carry (a backslash or a control character in it): the file is "
     "not read."},
    {"prose-size", SEV_ERROR, "load",
     "A record's prose is over 4 MiB, or its tables over 200,000 cells (what cmark-gfm would make "
     "of "
     "them, every row padded to the header's columns): the prose is left out, never parsed."},
    {"audience-conflict", SEV_ERROR, "check",
     "A public record's internal_fields names a field every public document needs (its title): "
     "the record would be cited without a name. Found at check time, never as a template error "
     "at build time."},
    {"audience-marking", SEV_ERROR, "load",
     "A record's internal or internal_fields value is malformed. The record is kept out of every "
     "public output, and `build` writes no public output at all until it is fixed, even with "
     "--fail-on none."},

    /* load, standard formats: sbom/, vex/, tests/results/ (load/standard.c and its readers) */
    {"json-syntax", SEV_ERROR, "load", "A JSON file (SBOM, VEX) is empty or not well-formed JSON."},
    {"sbom-format", SEV_ERROR, "load",
     "A file in sbom/ is not an SBOM the tool reads (CycloneDX 1.2 to 1.7 in XML or JSON, SPDX 2.x "
     "in JSON or tag-value), or lacks what its format requires."},
    {"sbom-reference", SEV_WARNING, "load",
     "An SBOM refers to a bom-ref or SPDX element it does not define, or defines one twice."},
    {"sbom-dependencies", SEV_WARNING, "load",
     "An SBOM gives no dependency relationships, or leaves components out of its dependency graph "
     "(an NTIA minimum element)."},
    {"sbom-property", SEV_WARNING, "load",
     "A value the tool reads from an SBOM holds something it cannot read, and is ignored: a "
     "support "
     "property (cdx:fda:level-of-support, cdx:fda:end-of-support-date, "
     "cdx:lifecycle:milestone:endOfSupport), SPDX validUntilDate, or the SBOM's timestamp."},
    {"sbom-schema", SEV_WARNING, "load",
     "A CycloneDX XML SBOM fails the official XSD of its version (checked when "
     "--cyclonedx-schemas DIR or DOSSIER_CYCLONEDX_SCHEMAS names the folder of the official "
     "bom-1.x.xsd files; `--fail-on warning` gates a release on it)."},
    {"sbom-schema-skipped", SEV_NOTE, "load",
     "CycloneDX XML SBOMs were not checked against the official XSD: the folder given has no "
     "bom-1.x.xsd for their version, or it cannot be read."},
    {"supplement-format", SEV_ERROR, "load",
     "The support supplement (sbom/*.yaml) is not a mapping with a components list whose entries "
     "each name a component (purl or name@version)."},
    {"supplement-unmatched", SEV_WARNING, "load",
     "A supplement entry names a component that no SBOM lists."},
    {"supplement-conflict", SEV_WARNING, "load",
     "A supplement entry contradicts support data the SBOM itself gives; the SBOM's value is "
     "kept."},
    {"component-unlisted", SEV_WARNING, "load",
     "An asset names a component (purl or name@version) that no SBOM lists (a vulnerability may "
     "name one of an earlier release: it is not linked, and not reported)."},
    {"vex-format", SEV_ERROR, "load",
     "A VEX file is not OpenVEX (0.0.1 or 0.2.0), CSAF 2.0 or CycloneDX, or a statement lacks its "
     "vulnerability or status, or uses a status or justification its format does not define."},
    {"scan-format", SEV_ERROR, "load",
     "A file under scans/ is not a Grype, Trivy or OSV-Scanner JSON report or CISA's KEV "
     "catalogue, or a finding in it lacks its vulnerability or package."},
    {"register-format", SEV_ERROR, "load",
     "dossier import: the register (CSV or XLSX) or its mapping file cannot be read as documented: "
     "a column the mapping names is missing, a field is not one a column can give, a row has no "
     "ID."},
    {"threat-model-format", SEV_ERROR, "load",
     "A JSON file in threats/ is not an OWASP Threat Dragon (v1 or v2) or Open Threat Model "
     "document, or its supplement (the .yaml beside it) is not shaped as documented."},
    {"threat-model-supplement", SEV_WARNING, "load",
     "A threat-model supplement has no model beside it, or names an element, threat, control or "
     "view the model does not have."},
    {"threat-model-incomplete", SEV_NOTE, "load",
     "A record imported from a threat model lacks required values no model format carries; the "
     "note names the supplement entry (by the tool's ID) where they go."},
    {"threat-model-conflict", SEV_WARNING, "load",
     "A Markdown record and the threat model give the same record different values for a field; "
     "the Markdown record's value is used."},
    {"csaf-previous", SEV_WARNING, "load",
     "A file of build --previous-csaf cannot be read or is not JSON: the history of the document "
     "it held is not carried over (the folder itself missing is an error)."},
    {"diagram-unsafe", SEV_ERROR, "load",
     "An SVG file of the dossier holds what could run or load in a reader's browser: <script>, "
     "<foreignObject>, an event attribute (onload, ...), or a reference or style that reaches "
     "outside the image. Such a file is refused rather than carried into the bundle."},
    {"vex-unmatched", SEV_NOTE, "load",
     "A VEX statement names only products that no SBOM lists and no vulnerability record matches; "
     "it is not attached."},
    {"vex-version", SEV_NOTE, "load",
     "A CycloneDX vulnerability lists the versions of a component it affects "
     "(affects[].versions), and the version the SBOM ships is not affected: the statement is not "
     "attached to that component."},
    {"vex-version-range", SEV_WARNING, "load",
     "A version range in affects[].versions is not one the tool evaluates (see docs/evidence.md): "
     "the shipped version is taken as possibly affected."},
    {"vex-conflict", SEV_WARNING, "load",
     "A VEX statement gives a different state than the vex_state written in the vulnerability "
     "record; the record wins."},
    {"junit-format", SEV_ERROR, "load",
     "A file in tests/results/ is empty, not XML, or not a JUnit report (root <testsuites> or "
     "<testsuite>)."},
    {"junit-element", SEV_WARNING, "load",
     "A JUnit report holds an element no common test runner writes there; it is ignored."},
    {"junit-timestamp", SEV_WARNING, "load",
     "A JUnit report gives no timestamp (or one that cannot be read): its results are dated with "
     "the dossier's date."},
    {"junit-link", SEV_WARNING, "load",
     "A test case's name mentions a control or test ID that no record has."},
    {"junit-unlinked", SEV_NOTE, "load",
     "A JUnit report has cases but none verifies a control or names a test (verifies property or "
     "an "
     "ID in the case name); its results are not used."},

    /* model: typing records and resolving links */
    {"unknown-field", SEV_ERROR, "model", "A field the record type does not define."},
    {"required-field", SEV_ERROR, "model", "A required field is missing."},
    {"field-type", SEV_ERROR, "model",
     "A value of the wrong kind: not a date, not a number, a list where one value is expected."},
    {"enum-value", SEV_ERROR, "model", "A value outside the field's list of allowed values."},
    {"id-prefix", SEV_ERROR, "model", "An ID does not start with its record type's prefix."},
    {"unique-id", SEV_ERROR, "model", "Two records have the same ID."},
    {"dangling-link", SEV_ERROR, "model", "A link field names no record."},
    {"link-type", SEV_ERROR, "model", "A link names a record of a type the field does not allow."},
    {"dangling-ref", SEV_ERROR, "model", "A [ID] reference in prose names no record."},
    {"dangling-unloaded", SEV_NOTE, "model",
     "A link or [ID] reference names a record whose file did not load; the file's own error "
     "(named in the message) is the one to fix, and this one goes with it."},

    /* check, rules_threat.c */
    {"threat-mitigated", SEV_ERROR, "check",
     "A threat is neither mitigated by an implemented or partial control (mitigated_by) nor has "
     "its risk accepted (accepted); planned and not-applicable controls do not mitigate."},
    {"evidence-file", SEV_ERROR, "check",
     "The evidence file a test result names is not a regular file in the dossier: missing, a "
     "symbolic link, outside the folder, or of a kind the outputs do not carry (eSTAR 77)."},
    {"diagram-file", SEV_ERROR, "check",
     "The diagram a view names is not a regular file in the dossier: missing, a symbolic link, "
     "outside the folder, or not SVG, PNG or JPEG (eSTAR 66, 76)."},
    {"asset-threatened", SEV_ERROR, "check",
     "An asset is named by no threat: the threat model does not cover every element (eSTAR 64). "
     "Checked when the dossier has threats."},
    {"cyber-device", SEV_ERROR, "check",
     "dossier.xml says the device is not a cyber device (524B(c)) while an asset has a networked, "
     "wireless or removable-media interface."},
    {"threat-acceptance", SEV_ERROR, "check",
     "A risk acceptance lacks its rationale, owner or a valid date, or is dated after the build "
     "date."},
    {"threat-post-mitigation", SEV_WARNING, "check",
     "A mitigated threat does not give its exploitability with the controls in place "
     "(exploitability_post)."},
    {"threat-residual-risk", SEV_ERROR, "check",
     "A threat's residual risk is not acceptable (risk: not-acceptable) and the risk is not "
     "accepted."},
    {"threat-risk-matrix", SEV_ERROR, "check",
     "A threat's risk field disagrees with the risk acceptance matrix of dossier.xml "
     "(riskAcceptance) "
     "for its severity and residual exploitability."},
    {"risk-matrix", SEV_WARNING, "check",
     "dossier.xml has no risk acceptance matrix (riskAcceptance), so residual risk is taken on "
     "trust "
     "from the threats' risk fields."},
    {"threat-model-empty", SEV_ERROR, "check",
     "The dossier has no threats: no threat model, risk assessment or traceability."},
    {"cyber-device-missing", SEV_WARNING, "check",
     "dossier.xml gives no cyber-device determination (cyberDevice), so 524B(c) is unknown."},
    {"cvd-policy", SEV_ERROR, "check",
     "dossier.xml names no coordinated vulnerability disclosure policy (cvd policy), which "
     "524B(b)(1) "
     "requires."},

    /* check, rules_control.c */
    {"control-reason", SEV_ERROR, "check",
     "A control that is partial, planned or not-applicable does not say why (reason)."},
    {"control-verified", SEV_ERROR, "check",
     "An implemented or partial control has no test whose latest result is pass: no test, no "
     "results, a latest result of fail, error, skipped or not-run, or manual without a note."},
    {"control-manual", SEV_WARNING, "check",
     "A control is verified only by a manual result: the evidence its note names must be "
     "attached; a manual result is never a pass."},
    {"control-traced", SEV_NOTE, "check",
     "An implemented, partial or planned control mitigates no threat."},
    {"test-result-reason", SEV_WARNING, "check",
     "A test result of manual, skipped or not-run has no note saying why or what evidence to "
     "attach."},
    {"test-tool-version", SEV_WARNING, "check",
     "A test names its tool but not the tool's version."},
    {"test-traced", SEV_NOTE, "check", "A test verifies no control and exercises no threat."},

    /* check, rules_coverage.c */
    {"control-category", SEV_ERROR, "check",
     "One of the eight FDA security control categories has no implemented control and no "
     "justification in dossier.xml."},
    {"architecture-view", SEV_ERROR, "check",
     "One of the four FDA architecture views has no view record and no justification in "
     "dossier.xml."},
    {"justification-reason", SEV_ERROR, "check", "A justification in dossier.xml gives no reason."},
    {"justification-state", SEV_WARNING, "check",
     "A justification's state is unknown or manual: it stays a finding until someone resolves "
     "it."},
    {"justification-invalid", SEV_ERROR, "check",
     "A justification names an unknown kind, category, view or state, or repeats an earlier one."},
    {"justification-unused", SEV_NOTE, "check",
     "A justification for a category or view that records already cover."},
    {"view-content", SEV_WARNING, "check",
     "An architecture view has no diagram or no explanatory prose."},

    /* check, rules_postmarket.c */
    {"test-build", SEV_WARNING, "check",
     "The latest run of a penetration test does not say which release it tested, or tested "
     "another release than the one submitted without a release_justification."},
    {"test-pentest", SEV_WARNING, "check",
     "A penetration test does not say who ran its latest run, how independent of the design team "
     "(independence), for how long (duration) or in what scope."},
    {"test-finding", SEV_ERROR, "check",
     "A test's finding names no record, is deferred without the unresolved anomaly it ships as, "
     "or is accepted without saying why."},
    {"labeling-item", SEV_WARNING, "check",
     "One of the fourteen labeling items the FDA recommends (guidance VI.A) has no labeling "
     "record, has two, or a provided one does not say where the labeling gives it."},
    {"labeling-reason", SEV_ERROR, "check",
     "A labeling item marked not-applicable does not say why (reason)."},
    {"guidance-edition", SEV_WARNING, "check",
     "dossier.xml names no edition of the FDA premarket cybersecurity guidance (the documents then "
     "follow the one in force on the build date), or names one superseded by, or later than, the "
     "build date."},
    {"cvss-vector", SEV_ERROR, "check",
     "A vulnerability's cvss_vector is not a CVSS v3.0 or v3.1 vector: a missing or repeated "
     "base metric, a value the metric does not take, an unknown metric."},
    {"cvss-score", SEV_ERROR, "check",
     "A vulnerability's cvss_score is not the base score its cvss_vector gives (computed as the "
     "CVSS specification defines it)."},
    {"cvss4-vector", SEV_ERROR, "check",
     "A vulnerability's cvss4_vector is not a CVSS v4.0 vector: a missing or repeated base "
     "metric, a value the metric does not take, an unknown metric, metrics out of the "
     "specification's order; or a cvss4_score is given without a vector."},
    {"cvss4-score", SEV_ERROR, "check",
     "A vulnerability's cvss4_score is not the score its cvss4_vector gives (computed as the "
     "CVSS v4.0 specification defines it: macrovector, its published score, the interpolation "
     "by severity distance)."},
    {"vex-justification", SEV_ERROR, "check",
     "A vulnerability marked not_affected gives no vex_justification."},
    {"vulnerability-assessment", SEV_ERROR, "check",
     "A vulnerability not marked not_affected lacks its exploitability, patient-harm severity or "
     "risk (controlled or uncontrolled)."},
    {"vulnerability-kev", SEV_ERROR, "check",
     "A vulnerability in CISA's Known Exploited Vulnerabilities catalogue (field kev) is neither "
     "fixed, not affected nor a controlled risk."},
    {"vulnerability-unknown", SEV_WARNING, "check",
     "A vulnerability's exploitability, severity or risk is unknown, or its VEX state is "
     "under_investigation: an open assessment, never a silent pass."},
    {"uncontrolled-communicated", SEV_ERROR, "check",
     "An uncontrolled-risk vulnerability was not communicated to customers within 30 days of "
     "discovery (FDA postmarket guidance), measured against the build date."},
    {"uncontrolled-fixed", SEV_ERROR, "check",
     "An uncontrolled-risk vulnerability was not fixed within 60 days of discovery (FDA "
     "postmarket guidance), measured against the build date."},
    {"uncontrolled-due", SEV_NOTE, "check",
     "An uncontrolled-risk vulnerability's 30-day communication or 60-day fix is still open; the "
     "finding gives the due date."},
    {"signal-triage", SEV_WARNING, "check",
     "A surveillance signal is not triaged yet, or its triage (not-applicable, duplicate, "
     "monitoring) gives no reason."},
    {"signal-raised", SEV_WARNING, "check",
     "A signal triaged as raised names no vulnerability (raises)."},
    {"signal-triage-late", SEV_WARNING, "check",
     "A surveillance signal was triaged later than its source's target (triage_days), or is "
     "still untriaged past it at the build date."},
    {"source-plan", SEV_ERROR, "check",
     "A surveillance source's plan does not make sense: every below 1 day, a negative "
     "triage_days, or a runs entry counting fewer than 1 run."},
    {"source-runs", SEV_WARNING, "check",
     "A surveillance source ran fewer times in the postmarket report's period than its plan "
     "(every) calls for."},
    {"incident-report", SEV_WARNING, "check",
     "An incident does not say its data impact, who was informed (notified), or, once closed, "
     "its root cause."},
    {"anomaly-cwe", SEV_WARNING, "check", "An unresolved anomaly gives no CWE."},
    {"anomaly-resolved", SEV_NOTE, "check",
     "An anomaly is fixed in the release submitted or an earlier one: it is left out of the "
     "unresolved "
     "anomalies (01e)."},

    /* check, rules_record.c */
    {"date-after-build", SEV_WARNING, "check",
     "The date of something that already happened (a test run, a discovery, a communication) is "
     "after the build date."},
    {"date-order", SEV_WARNING, "check",
     "Dates of one record are out of order: communicated or fixed before discovered, triaged "
     "before received, an incident step before its detection."},
    {"internal-fields", SEV_ERROR, "check",
     "internal_fields names a field the record type does not have."},

    /* check, rules_sbom.c */
    {"component-ntia", SEV_ERROR, "check",
     "A component lacks an NTIA minimum element: supplier, name, version, a unique identifier "
     "(purl, CPE or another), the SBOM's author or timestamp."},
    {"component-support", SEV_ERROR, "check",
     "A component gives no level of support or no end-of-support date (FDA), or says unknown "
     "without a reason (support_reason), or gives a date that does not exist."},
    {"component-support-unknown", SEV_WARNING, "check",
     "A component's level of support or end-of-support date is unknown, with a reason: an open "
     "question, never a silent pass."},
    {"component-eos-plan", SEV_ERROR, "check",
     "A component past its end-of-support date at the build date, or no longer maintained or "
     "abandoned, has no eos_plan (replace, mitigate or notify customers)."},
    {"component-eos-overdue", SEV_ERROR, "check",
     "A component's end-of-support plan is past its due date and no record in eos_plan_records "
     "carried it "
     "out (a release out, a control in place, an advisory published) by the build date."},
    {"component-eos-shipped", SEV_WARNING, "check",
     "The release submitted ships a component already past its end of support on the release date, "
     "without an eos_plan that mitigates the risk."},
    {"sbom-missing", SEV_WARNING, "check",
     "The dossier has no components: no SBOM is loaded from sbom/."},
    {"component-eos-soon", SEV_NOTE, "check",
     "A component reaches its end of support within a year of the build date."},
    {"support-coverage", SEV_NOTE, "check",
     "The share of components with known support data (a level of support and an end-of-support "
     "date, neither unknown), when it is below 100%."},
    {"support-coverage-threshold", SEV_ERROR, "check",
     "The share of components with known support data is below the threshold given with "
     "--min-support-coverage."},

    /* check, rules_control.c: latest results against controls */
    {"control-test-failed", SEV_ERROR, "check",
     "An implemented or partial control has a test whose latest result is fail or error (a JUnit "
     "case that failed, say), even though another of its tests passed: the control is unverified."},
    {"control-test-incomplete", SEV_ERROR, "check",
     "An implemented or partial control has a test whose latest result is skipped, not-run, "
     "missing, or "
     "manual without a note, though another test of it passed: every test of a control in place "
     "must "
     "pass."},
    {"test-category", SEV_ERROR, "check",
     "No test in one of the four testing categories of the premarket guidance (security "
     "requirements, "
     "threat mitigation, vulnerability, penetration)."},

    /* MDS2: load/mds2.c reads mds2.xml, check/rules_mds2.c checks the answers */
    {"mds2-question", SEV_ERROR, "load",
     "An answer in mds2.xml names a question the MDS2 HN 1-2019 form does not have."},
    {"mds2-answer", SEV_ERROR, "load",
     "An answer in mds2.xml cannot be used: a Yes/No question without value, a header question "
     "with "
     "one, see-note without a note, a question answered twice, or a record ID no record has."},
    {"mds2-unanswered", SEV_WARNING, "check",
     "An MDS2 question that neither the records, nor mds2.xml, nor a question it depends on "
     "answers."},
    {"mds2-not-started", SEV_NOTE, "check",
     "The dossier has no mds2.xml, so the MDS2 questions the records cannot decide are "
     "unanswered."},
    {"mds2-contradiction", SEV_ERROR, "check",
     "An MDS2 Yes whose control is planned or whose control's test failed in its latest result, or "
     "an mds2.xml answer that differs from what the records decide."},

    /* check, rules_advisory.c: the customer documents against the records */
    {"advisory-version", SEV_ERROR, "check",
     "An advisory's affected_versions or fixed_versions names a version (digits and dots, as in "
     "3.0.1) "
     "that no release record and not the product version in dossier.xml has, or its "
     "affected_versions "
     "name no released version at all."},
    {"advisory-recipients", SEV_ERROR, "check",
     "An advisory restricted by its tlp (GREEN, AMBER, AMBER+STRICT, RED) names no recipients, or "
     "one "
     "that names recipients is TLP:CLEAR and so would be published for everyone."},
    {"vulnerability-parts", SEV_WARNING, "check",
     "The product names its parts (assets with part: true), but a vulnerability an advisory "
     "covers, or whose VEX state is not not_affected, affects none of them: the customer "
     "documents cannot say which parts it affects."},
    {"vulnerability-restricted", SEV_NOTE, "check",
     "A vulnerability that only restricted advisories (a tlp other than CLEAR) tell of and that is "
     "neither fixed nor not affected: the public CSAF VEX and customer SBOM leave it out until it "
     "is fixed or a public advisory tells of it."},
    {"whitepaper-directive", SEV_ERROR, "check",
     "A directive line in whitepaper.md is malformed, unknown, has an option the directive does "
     "not "
     "take or a control category that does not exist, or names a record that does not exist, has "
     "the "
     "wrong type or is internal."},
};

const size_t rule_count = sizeof rule_table / sizeof rule_table[0];

const Rule *rule_find(const char *id) {
    if (!id) return NULL;
    for (size_t i = 0; i < rule_count; i++)
        if (strcmp(rule_table[i].id, id) == 0) return &rule_table[i];
    return NULL;
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
        const char *stage, *title, *intro;
    } stages[] = {
        {"load", "Load", "Reading the dossier folder: files, YAML front matter, XML records."},
        {"model", "Model", "Typing records against schemas/records.xml and resolving links."},
        {"check", "Check", "Rules over the complete model: what traceable means."},
    };
    sb_puts(sb, "# Rules\n\n"
                "<!-- Written by `dossier rules --markdown` from generator/base/rules.c; "
                "edit the table there, not this file. -->\n\n"
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
        for (size_t i = 0; i < rule_count; i++) {
            const Rule *r = &rule_table[i];
            if (strcmp(r->stage, stages[s].stage) != 0) continue;
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
