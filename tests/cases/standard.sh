#!/bin/sh
# Standard evidence formats through the command line: broken SBOM, VEX and
# JUnit files are each reported as path:line with what was expected, exit 1;
# the fixture dossier's component, VEX and JUnit findings come out the same
# twice and in every report format; the example's evidence traces from an
# asset to its components and their vulnerabilities.
. "$(dirname "$0")/../lib.sh"

bad="$ROOT/tests/fixtures/standard/bad"
expect_exit "bad evidence files exit 1" 1 "$DOSSIER" check "$bad"
"$DOSSIER" check "$bad" >"$TMP/bad.txt" 2>/dev/null # findings only: the summary goes to stderr
expect_grep "truncated CycloneDX XML, located" "sbom/truncated.cdx.xml:6:1: error: [xml-syntax]" "$TMP/bad.txt"
expect_grep "an empty SBOM" "sbom/empty.cdx.json:1: error: [sbom-format] empty file" "$TMP/bad.txt"
expect_grep "JSON that is not JSON, at jansson's position" "sbom/not-json.json:1:4: error: [json-syntax]" "$TMP/bad.txt"
expect_grep "an unknown CycloneDX version" "sbom/v19.cdx.json:3:3: error: [sbom-format] CycloneDX specVersion '1.9'" "$TMP/bad.txt"
expect_grep "a JUnit file with the wrong root" "tests/results/html.xml:2: error: [junit-format]" "$TMP/bad.txt"
expect_grep "an extra element in a JUnit report" "tests/results/extra.xml:6: warning: [junit-element]" "$TMP/bad.txt"
expect_grep "a bad OpenVEX status" "vex/bad-status.openvex.json:11:7: error: [vex-format]" "$TMP/bad.txt"
expect_grep "the good SBOM in the same folder is still checked" "sbom/good.cdx.json:6:7: error: [component-support]" "$TMP/bad.txt"

pump="$ROOT/tests/fixtures/standard/pump"
expect_exit "the fixture dossier exits 1" 1 "$DOSSIER" check "$pump"
"$DOSSIER" check "$pump" >"$TMP/pump1.txt" 2>/dev/null
"$DOSSIER" check "$pump" >"$TMP/pump2.txt" 2>/dev/null
check "two runs give the same findings" cmp "$TMP/pump1.txt" "$TMP/pump2.txt"
expect_grep "an unassessed vulnerability from a VEX file fails the check" \
    "vex/pump.openvex.json:15:7: error: [vulnerability-assessment] CVE-2024-4444" "$TMP/pump1.txt"
expect_grep "a failing JUnit case makes its control unverified" "controls/CTL-002.md:2:5: error: [control-test-failed]" "$TMP/pump1.txt"
expect_grep "the support coverage figure" "[support-coverage] 7 of 9 components (77%)" "$TMP/pump1.txt"
"$DOSSIER" check --format json "$pump" >"$TMP/pump.json" 2>/dev/null
if command -v jq >/dev/null; then
    check "JSON findings name SBOM lines" jq -e '[.findings[] | select(.rule == "component-eos-plan" and .path == "sbom/pump-fw.cdx.json" and .line == 56)] | length == 1' "$TMP/pump.json"
else
    skip "JSON findings name SBOM lines" "jq is missing"
fi
"$DOSSIER" check --format sarif "$pump" >"$TMP/pump.sarif" 2>/dev/null
expect_grep "SARIF carries the component rules" '"ruleId": "component-ntia"' "$TMP/pump.sarif"

ex="$ROOT/examples/infusion-pump"
expect_exit "the example's evidence checks without errors" 0 "$DOSSIER" check "$ex"
expect_exit "trace a component of the example" 0 "$DOSSIER" trace CMP-zlib-1.2.13 "$ex"
expect_grep "the component is in its asset" "assets AST-002" "$TMP/out"
expect_grep "and names its vulnerability" "vulnerabilities CVE-2023-45853" "$TMP/out"

# a generated test's title is its case name in words, without the IDs it names
"$DOSSIER" trace TST-tests.comms.test_ble-test_ctl_002_pairing_needs_front_panel "$ex" --depth 1 >"$TMP/gen-title" 2>&1
expect_grep "a generated test's title is its case name in words" "TST-tests.comms.test_ble-test_ctl_002_pairing_needs_front_panel  Pairing needs front panel  [test:" "$TMP/gen-title"

# a CycloneDX VEX document in vex/ whose subject is the device itself (as
# dossier.xml names it): its statement about the device is attached, as the
# same file in sbom/ would be, not dropped with a note
copy_example minimal devvex
mkdir -p "$TMP/devvex/vex"
cat >"$TMP/devvex/vex/device.cdx.json" <<'JSON'
{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "metadata": {
    "timestamp": "2025-10-21T09:00:00Z",
    "component": { "bom-ref": "ect", "type": "device", "name": "Example Connected Thermometer", "version": "1.0.0" }
  },
  "vulnerabilities": [
    { "id": "CVE-2021-44228", "analysis": { "state": "exploitable", "detail": "The device logs with a vulnerable Log4j." },
      "affects": [ { "ref": "ect" } ] }
  ]
}
JSON
expect_exit "a VEX statement about the device in vex/ counts (exit 1: it needs assessing)" 1 "$DOSSIER" check "$TMP/devvex"
expect_grep "it becomes the vulnerability to assess" "error: [vulnerability-assessment] CVE-2021-44228" "$TMP/out"
if grep -q 'vex-unmatched' "$TMP/out"; then fail "it is not left unattached" "$(grep vex-unmatched "$TMP/out")"; else ok "it is not left unattached"; fi

# a finding caused by another names it: the OpenVEX statement that assessed a
# vulnerability names the component as it was before an upgrade, matches
# nothing (vex-unmatched), and the vulnerability is then unassessed
copy_example minimal upgraded
mkdir -p "$TMP/upgraded/vex" "$TMP/upgraded/vulnerabilities"
cat >"$TMP/upgraded/vulnerabilities/CVE-2099-0003.md" <<'MD'
---
id: CVE-2099-0003
title: Record-layer flaw in mbedtls (test data)
components: [pkg:generic/mbedtls@3.5.2]
discovered: 2025-10-20
---
Assessed by the VEX statement of the previous release.
MD
cat >"$TMP/upgraded/vex/previous.openvex.json" <<'JSON'
{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.org/vex/previous",
  "author": "Example Medical PSIRT",
  "timestamp": "2025-09-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": { "name": "CVE-2099-0003" },
      "products": [ { "@id": "pkg:generic/mbedtls@3.5.1" } ],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path"
    }
  ]
}
JSON
expect_exit "an unmatched statement leaves the vulnerability unassessed" 1 "$DOSSIER" check "$TMP/upgraded"
expect_grep "the assessment error names the statement as its cause" "caused by: the VEX statement at vex/previous.openvex.json:" "$TMP/out"
expect_grep "and the note is there to follow" "note: [vex-unmatched] CVE-2099-0003" "$TMP/out"
