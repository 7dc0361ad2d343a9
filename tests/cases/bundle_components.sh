#!/bin/sh
# The bundle's component traceability CSV (premarket/component-traceability.csv):
# asset -> component -> vulnerability -> assessment -> fixing release, one
# row per chain, listed in the bundle's index, documents.json and manifest,
# the same bytes on a second build, absent from a dossier without an SBOM.
. "$(dirname "$0")/../lib.sh"

ex="$ROOT/examples/infusion-pump"
"$DOSSIER" build "$ex" -o "$TMP/a" --only bundle >/dev/null 2>&1
"$DOSSIER" build "$ex" -o "$TMP/b" --only bundle >/dev/null 2>&1
csv="$TMP/a/premarket/component-traceability.csv"
check "the bundle has the component CSV" test -f "$csv"
expect_grep "its header" \
    "asset_id,asset_title,component_id,component_name,component_version,purl,support,end_of_support,vulnerability_id,vex_state,vex_justification,exploitability,severity,risk,assessed,fixed_in,fixed_in_version" "$csv"
expect_grep "a chain to a not_affected assessment" \
    "AST-002,Pump communications module,CMP-zlib-1.2.13,zlib,1.2.13,pkg:generic/zlib@1.2.13,actively-maintained,2026-04-30,CVE-2023-45853,not_affected,vulnerable_code_not_present," "$csv"
expect_grep "a chain to the release that fixes it" ",CVE-2024-6387,fixed,,low,serious,controlled,yes,REL-3.0.1,3.0.1" "$csv"
expect_grep "a component without vulnerabilities, its columns empty" \
    "AST-001,Pump-control processor and firmware,CMP-arm-cmsis-core-5.6.0,arm-cmsis-core,5.6.0,pkg:generic/arm-cmsis-core@5.6.0,actively-maintained,2027-12-31,,,,,,,,," "$csv"
rows=$(($(wc -l <"$csv") - 1))
check "one row per chain at least one per component" test "$rows" -ge 30
check "the same bytes on a second build" cmp "$csv" "$TMP/b/premarket/component-traceability.csv"
expect_grep "listed in the bundle index" 'href="component-traceability.csv"' "$TMP/a/premarket/index.html"
expect_grep "listed in documents.json" '"path": "component-traceability.csv"' "$TMP/a/premarket/documents.json"
if command -v jq >/dev/null; then
    check "in the manifest with its hash and the records it rests on" jq -e \
        '[.files[] | select(.path == "component-traceability.csv" and (.sha256 | length) == 64 and (.records | index("CVE-2024-6387") != null))] | length == 1' \
        "$TMP/a/premarket/manifest.json"
else
    expect_grep "in the manifest" '"path": "component-traceability.csv"' "$TMP/a/premarket/manifest.json"
fi
copy_example minimal nosbom
rm -rf "$TMP/nosbom/sbom"
"$DOSSIER" build "$TMP/nosbom" -o "$TMP/min" --only bundle >/dev/null 2>&1
check "no component CSV without components" test ! -e "$TMP/min/premarket/component-traceability.csv"

# 01c: each component's support in words, its state as the check stage
# judged it, and the plan for one past or near its end of support
S="$TMP/a/premarket/01c-sbom.html"
row=$(grep -o 'freertos-kernel</td>.*' "$S" | head -1 | sed 's/<[^>]*>/|/g' | tr -s '|')
case $row in
*"no longer maintained|2024-10-31|past end of support|"*) ok "01c: the level of support in words and the check stage's state" ;;
*) fail "01c: the level of support in words and the check stage's state" "$row" ;;
esac
expect_grep "01c: the plan for a component past its end of support" \
    "Plan for the end of support of freertos-kernel: replace it. Move the pump-control processor to the FreeRTOS 202406 LTS kernel" "$S"
expect_grep "01c: its due date and the record that carries it out" 'Due <time datetime="2026-03-31">2026-03-31</time>. Carried out by' "$S"

# 03: the interoperability section (V.A.3): the interfaces to other systems
V="$TMP/a/premarket/03-architecture-views.html"
expect_grep "03: an interface that names its peer is listed under interoperability" \
    "<td>EHR interface</td><td>The hospital&#39;s EHR, through its HL7 integration engine (AST-012)</td>" "$V"
sed -n '/id="interoperability"/,$p' "$V" >"$TMP/interop"
expect_grep "03: with the threats on its asset, the HL7 interception among them" "THR-023" "$TMP/interop"
"$DOSSIER" build "$ROOT/examples/minimal" -o "$TMP/m" --only bundle >/dev/null 2>&1
expect_grep "03: a dossier whose interfaces name no peer says so" "No interface names the system at its other end" "$TMP/m/premarket/03-architecture-views.html"

# 01d: how each vulnerability was found, its computed CVSS, KEV, the controls
D1="$TMP/a/premarket/01d-vulnerability-assessment.html"
sed -n '/id="CVE-2024-6387"/,/<\/section>/p' "$D1" | sed 's/<[^>]*>//g' | tr -s ' \n' ' ' >"$TMP/d1"
expect_grep "01d: found by a supplier signal and by the scanner" "supplier signal received 2024-07-01" "$TMP/d1"
expect_grep "01d: the scanner's finding says which tool and when" "Found by Grype 0.74.1 on 2025-10-01" "$TMP/d1"
expect_grep "01d: the CVSS score as computed, with its rating" "8.1 high (v3.1" "$TMP/d1"
expect_grep "01d: the threats it realises with the exploitability before and after controls" "THR-026 (exploitability high before controls, medium after)" "$TMP/d1"
