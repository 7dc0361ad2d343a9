#!/bin/sh
# Scanner findings and the KEV catalogue under scans/ (tests/fixtures/scans/:
# files written for these tests in the formats Grype, Trivy, OSV-Scanner and
# Dependency-Track (CycloneDX with vulnerabilities) write and CISA publishes, with invented CVE-2099-* IDs). Each finding
# reaches the SBOM component by purl or name@version and becomes a
# vulnerability record to assess; the same CVE from two scanners, or under
# a GHSA alias, is one record; the tool, version and date stay with it; a
# known-exploited one left open is an error; a hand-written assessment
# closes both; a file that is not a report is refused by name.
. "$(dirname "$0")/../lib.sh"

FIX="$ROOT/tests/fixtures/scans"
copy_example minimal scan
mkdir -p "$TMP/scan/scans"
cp "$FIX"/*.json "$TMP/scan/scans/"
expect_exit "unassessed scanner findings fail check" 1 "$DOSSIER" check "$TMP/scan"
cp "$TMP/out" "$TMP/check"
expect_grep "a Grype finding becomes a vulnerability to assess" "scans/grype.json:4:7: error: [vulnerability-assessment] CVE-2099-0001" "$TMP/check"
expect_grep "an OSV finding under a GHSA ID joins the CVE it aliases" "error: [vulnerability-assessment] CVE-2099-0002" "$TMP/check"
expect_grep "a finding of a CycloneDX export (Dependency-Track) is a vulnerability to assess" "scans/dependency-track.cdx.json:16:7: error: [vulnerability-assessment] CVE-2099-0003" "$TMP/check"
n=$(grep -c 'vulnerability-assessment' "$TMP/check")
if [ "$n" = 3 ]; then ok "one record per vulnerability across four scanners"; else fail "one record per vulnerability across four scanners" "$n findings"; fi
if grep -q 'GHSA-test-0002-0002 has no' "$TMP/check"; then fail "no second record under the GHSA ID" ""; else ok "no second record under the GHSA ID"; fi
expect_grep "a KEV vulnerability left open is an error" "error: [vulnerability-kev] CVE-2099-0001 is known to be exploited (CISA KEV since 2025-01-15)" "$TMP/check"
expect_exit "trace the component" 0 "$DOSSIER" trace CMP-mbedtls-3.5.2 "$TMP/scan" --down
expect_grep "the finding is linked to the SBOM component" "vulnerabilities CVE-2099-0001" "$TMP/out"
expect_grep "the CycloneDX finding reaches the component by its bom-ref" "vulnerabilities CVE-2099-0003" "$TMP/out"
expect_exit "trace a component matched by name and version" 0 "$DOSSIER" trace CMP-zephyr-3.5.0 "$TMP/scan" --down
expect_grep "a finding without a purl reaches its component by name@version" "vulnerabilities CVE-2099-0002" "$TMP/out"
"$DOSSIER" build "$TMP/scan" -o "$TMP/scan-out" --fail-on none -q >/dev/null 2>&1
P="$TMP/scan-out/vulnerabilities/CVE-2099-0001.html"
expect_grep "the record says which tool found it, which version, when" "Found by Grype 0.74.1 on 2025-10-20" "$P"
expect_grep "and the second scanner too" "Found by Trivy on 2025-10-21" "$P"
expect_grep "the CVSS vector comes from the report" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" "$P"
expect_grep "the CVSS v4.0 vector and score of a Trivy report, computed again" "CVSS v4.0 score 9.3 critical (CVSS-B)" "$P"
expect_grep "an OSV CVSS_V4 severity gives the v4.0 score" "CVSS v4.0 score 5.3 medium (CVSS-B)" "$TMP/scan-out/vulnerabilities/CVE-2099-0002.html"
expect_grep "a CycloneDX rating of method CVSSv4 gives the v4.0 score" "CVSS v4.0 score 8.7 high (CVSS-B)" "$TMP/scan-out/vulnerabilities/CVE-2099-0003.html"

# assessed by hand: the record of the same ID closes both findings
mkdir -p "$TMP/scan/vulnerabilities"
cat >"$TMP/scan/vulnerabilities/CVE-2099-0001.md" <<'EOF'
---
id: CVE-2099-0001
title: TLS record-layer overflow in mbedtls
components: [pkg:generic/mbedtls@3.5.2]
discovered: 2025-10-20
exploitability: low
severity: serious
risk: controlled
vex_state: affected
---
The record layer is reachable only after mutual authentication (test data).
EOF
"$DOSSIER" check "$TMP/scan" >"$TMP/check2" 2>&1
if grep 'error' "$TMP/check2" | grep -q 'CVE-2099-0001'; then fail "a hand-written assessment closes the finding and the KEV error" "$(grep CVE-2099-0001 "$TMP/check2")"; else ok "a hand-written assessment closes the finding and the KEV error"; fi
"$DOSSIER" build "$TMP/scan" -o "$TMP/scan-out2" --fail-on none -q >/dev/null 2>&1
expect_grep "the hand-written record keeps the scanners' statements" "Found by Grype 0.74.1" "$TMP/scan-out2/vulnerabilities/CVE-2099-0001.html"
expect_grep "and is marked known-exploited" "2025-01-15" "$TMP/scan-out2/vulnerabilities/CVE-2099-0001.html"

# what is not a report
copy_example minimal notscan
mkdir -p "$TMP/notscan/scans"
printf '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}\n' >"$TMP/notscan/scans/schema.json"
: >"$TMP/notscan/scans/empty.json"
printf 'not a report\n' >"$TMP/notscan/scans/notes.txt"
expect_exit "a JSON file that is no report fails check" 1 "$DOSSIER" check "$TMP/notscan"
expect_grep "it is refused by name" "scans/schema.json:1:2: error: [scan-format] not a scanner report" "$TMP/out"
expect_grep "an empty file is refused" "scans/empty.json:1: error: [scan-format] empty file" "$TMP/out"
expect_grep "another file gets a note" "scans/notes.txt: note: [unknown-file]" "$TMP/out"
