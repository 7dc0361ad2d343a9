#!/bin/sh
# CycloneDX affects[].versions and cdx:fda:update-or-replace-plan
# (tests/fixtures/standard/affects): a vulnerability whose versions leave
# out the shipped version is not attached (a vex-version note), one whose
# range takes it in is, a range the tool does not evaluate is a warning and
# counts as possibly affected; the plan property becomes the component's
# eos_plan, so a component past its end of support with one is no finding,
# and the customer SBOM writes it back the same.
. "$(dirname "$0")/../lib.sh"

fx="$ROOT/tests/fixtures/standard/affects"
"$DOSSIER" check "$fx" >"$TMP/out.txt" 2>/dev/null
expect_grep "a range below the shipped version: not attached" \
    "sbom/device.cdx.xml:72: note: [vex-version] CVE-2024-0001: zlib 1.2.13, the version the SBOM ships, is not among the versions it affects" "$TMP/out.txt"
expect_grep "a range that takes the shipped version in: attached, to be assessed" \
    "sbom/device.cdx.xml:83: error: [vulnerability-assessment] CVE-2024-0002" "$TMP/out.txt"
expect_grep "an exact version listed as unaffected: not attached" \
    "sbom/device.cdx.xml:95: note: [vex-version] CVE-2024-0003: busybox 1.36.1, the version the SBOM ships, is listed as unaffected" "$TMP/out.txt"
expect_grep "a range with epochs is not evaluated, with its line" \
    "sbom/device.cdx.xml:112: warning: [vex-version-range] CVE-2024-0004: the range 'vers:deb/>=1:1.30|<1:1.37' is not evaluated" "$TMP/out.txt"
expect_grep "and counts as possibly affected" \
    "sbom/device.cdx.xml:106: error: [vulnerability-assessment] CVE-2024-0004" "$TMP/out.txt"
expect_grep "a stand-alone VEX by BOM-Link: versions that leave the shipped one out" \
    "vex/foo.cdx.json:7:7: note: [vex-version] CVE-2024-0005: libfoo 2.1" "$TMP/out.txt"
expect_grep "status unknown: attached" \
    "vex/foo.cdx.json:19:7: error: [vulnerability-assessment] CVE-2024-0006" "$TMP/out.txt"
if grep "vulnerability-assessment" "$TMP/out.txt" | grep -q "CVE-2024-000[135]"; then
    fail "vulnerabilities that do not reach are not to be assessed" "$(grep vulnerability-assessment "$TMP/out.txt")"
else
    ok "vulnerabilities that do not reach are not to be assessed"
fi
n=$(grep -c "vulnerability-assessment" "$TMP/out.txt")
check "three vulnerabilities reach the device" test "$n" -eq 3
if grep -q "component-eos-plan" "$TMP/out.txt"; then
    fail "update-or-replace-plan is the end-of-support plan" "$(grep component-eos-plan "$TMP/out.txt")"
else
    ok "update-or-replace-plan is the end-of-support plan"
fi
"$DOSSIER" check "$fx" >"$TMP/out2.txt" 2>/dev/null
check "two runs give the same findings" cmp "$TMP/out.txt" "$TMP/out2.txt"

# the customer SBOM writes the plan back; read again, it is the same plan
"$DOSSIER" build "$fx" -o "$TMP/out" --only sbom --fail-on none >/dev/null 2>&1
sb="$TMP/out/public/sbom/sbom.cdx.xml"
if [ -f "$sb" ]; then
    expect_grep "the plan with its action and due date goes out" \
        "mitigate: the gateway filters the protocol libfoo parses (due 2026-03-31)" "$sb"
    expect_grep "a plan without an action is a replacement plan" "replace: Move to libbaz 2 in release 3.1" "$sb"
    mkdir -p "$TMP/again/sbom"
    cp "$fx/dossier.xml" "$TMP/again/"
    cp "$sb" "$TMP/again/sbom/"
    "$DOSSIER" check "$TMP/again" >"$TMP/again.txt" 2>/dev/null
    if grep -q "component-eos-plan" "$TMP/again.txt"; then
        fail "the written SBOM read back keeps the plans" "$(grep component-eos-plan "$TMP/again.txt")"
    else
        ok "the written SBOM read back keeps the plans"
    fi
else
    skip "the plan goes out in the customer SBOM" "build --only sbom wrote no sbom.cdx.xml"
fi
