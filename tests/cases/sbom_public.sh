#!/bin/sh
# The customer SBOM (build --only sbom): CycloneDX 1.6 JSON and XML valid
# against the official schemas (xmllint with bom-1.6.xsd; the JSON with the
# official JSON schema and with @cyclonedx/cyclonedx-library), the same bytes
# every build, support data and VEX in the taxonomy's properties, read back
# by dossier itself, and nothing internal in it.
. "$(dirname "$0")/../lib.sh"

CDX="$SHARED/schemas-official/cyclonedx"
out="$TMP/pub"
expect_exit "build --only sbom" 0 "$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$out" --only sbom -q
J="$out/public/sbom/sbom.cdx.json"
X="$out/public/sbom/sbom.cdx.xml"
for f in "$J" "$X" "$out/public/sbom/index.html"; do check "writes public/sbom/$(basename "$f")" test -s "$f"; done

# ---- the official validators ---------------------------------------------
if [ -f "$CDX/bom-1.6.xsd" ] && command -v xmllint >/dev/null 2>&1; then
    if XML_CATALOG_FILES="$CDX/xmlcatalog.xml" xmllint --nonet --noout --schema "$CDX/bom-1.6.xsd" "$X" >"$TMP/xsd" 2>&1
    then ok "sbom.cdx.xml valid against the official bom-1.6.xsd"
    else fail "sbom.cdx.xml valid against the official bom-1.6.xsd" "$(head -5 "$TMP/xsd")"; fi
    # the validator can fail: an element out of schema order
    sed 's|<purl>\(.*\)</purl>|<purl>\1</purl><group>x</group>|' "$X" >"$TMP/bad.xml"
    if XML_CATALOG_FILES="$CDX/xmlcatalog.xml" xmllint --nonet --noout --schema "$CDX/bom-1.6.xsd" "$TMP/bad.xml" >/dev/null 2>&1
    then fail "bom-1.6.xsd refuses an element out of order"; else ok "bom-1.6.xsd refuses an element out of order"; fi
else
    skip "sbom.cdx.xml schema" "no $CDX/bom-1.6.xsd or no xmllint"
fi
if [ -f "$SHARED/reference/validators/cdx_json_validate.py" ] && [ -f "$CDX/bom-1.6.schema.json" ]; then
    CDX_SCHEMA_DIR="$CDX" python3 "$SHARED/reference/validators/cdx_json_validate.py" "$J" >"$TMP/js" 2>&1
    expect_grep "sbom.cdx.json valid against the official bom-1.6.schema.json" "1.6 $J OK" "$TMP/js"
else
    skip "sbom.cdx.json JSON schema" "the official CycloneDX schemas are not in ../shared"
fi
lib="$ROOT/tests/validators/node_modules/@cyclonedx/cyclonedx-library"
if command -v node >/dev/null 2>&1 && [ -d "$lib" ]; then
    if node "$ROOT/tests/validators/cdx_check.mjs" "$J" >"$TMP/lib" 2>&1; then ok "sbom.cdx.json valid for @cyclonedx/cyclonedx-library"
    else fail "sbom.cdx.json valid for @cyclonedx/cyclonedx-library" "$(head -3 "$TMP/lib")"; fi
    sed 's/"type": "library"/"type": "librari"/' "$J" >"$TMP/bad.json"
    if node "$ROOT/tests/validators/cdx_check.mjs" "$TMP/bad.json" >/dev/null 2>&1; then fail "cyclonedx-library refuses a wrong component type"
    else ok "cyclonedx-library refuses a wrong component type"; fi
else
    skip "cyclonedx-library" "node or tests/validators/node_modules (make test-deps) missing"
fi

# ---- the same bytes ------------------------------------------------------
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$TMP/again" --only sbom -q 2>/dev/null
if cmp -s "$J" "$TMP/again/public/sbom/sbom.cdx.json" && cmp -s "$X" "$TMP/again/public/sbom/sbom.cdx.xml"
then ok "two builds: the same bytes"; else fail "two builds: the same bytes"; fi
serial=$(sed -n 's/.*"serialNumber": "\(.*\)".*/\1/p' "$J")
if printf '%s' "$serial" | grep -Eq '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
then ok "serial number: a name-based UUID"; else fail "serial number: a name-based UUID" "$serial"; fi
expect_grep "the XML has the same serial number" "serialNumber=\"$serial\"" "$X"
copy_example infusion-pump next
sed -i 's|<version>3.2.0</version>|<version>3.3.0</version>|' "$TMP/next/dossier.xml"
"$DOSSIER" build "$TMP/next" -o "$TMP/next-out" --only sbom -q 2>/dev/null
if grep -q "$serial" "$TMP/next-out/public/sbom/sbom.cdx.json"; then fail "another product version: another serial number"
else ok "another product version: another serial number"; fi

# ---- content: support, plans, VEX ------------------------------------------
# What the document says, one fact per line, for the checks below.
python3 - "$J" >"$TMP/facts" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["components"]:
    for p in c.get("properties", []):
        print("prop", c["name"], c.get("version"), p["name"], p["value"][:40])
for v in d.get("vulnerabilities", []):
    a = v.get("analysis", {})
    print("vex", v["id"], a.get("state"), a.get("justification"), [t["ref"] for t in v["affects"]])
print("device", d["metadata"]["component"]["name"], d["metadata"]["component"].get("version"))
EOF
expect_grep "support: level in the FDA namespace" "prop arm-cmsis-core 5.6.0 cdx:fda:level-of-support actively maintained" "$TMP/facts"
expect_grep "support: end of support as a lifecycle milestone" "prop arm-cmsis-core 5.6.0 cdx:lifecycle:milestone:endOfSupport 2027-12-31" "$TMP/facts"
expect_grep "support: the FDA end-of-support date" "prop arm-cmsis-core 5.6.0 cdx:fda:end-of-support-date 2027-12-31" "$TMP/facts"
expect_grep "support: a plan for a component past its end of support" "prop freertos-kernel 10.5.1 cdx:fda:update-or-replace-plan replace: Move the pump-control processo" "$TMP/facts"
expect_grep "support: an unknown date carries its reason" "prop wpa_supplicant 2.10 cdx:fda:justification cdx:fda:end-of-support-date: The hostap" "$TMP/facts"
expect_grep "VEX: state and justification" "vex CVE-2023-45853 not_affected code_not_present ['CMP-zlib-1.2.13']" "$TMP/facts"
expect_grep "the device in the metadata" "device Norvale Cadence Infusion System 3.2.0" "$TMP/facts"

# ---- read back by dossier: the XML and the JSON give the same components ----
for kind in json xml; do
    copy_example minimal "rt-$kind"
    rm -rf "$TMP/rt-$kind/sbom" && mkdir -p "$TMP/rt-$kind/sbom" && cp "$out/public/sbom/sbom.cdx.$kind" "$TMP/rt-$kind/sbom/device.cdx.$kind"
    "$DOSSIER" build "$TMP/rt-$kind" -o "$TMP/rt-$kind-out" --only sbom --fail-on none -q 2>/dev/null
done
if python3 - "$J" "$TMP/rt-json-out/public/sbom/sbom.cdx.json" "$TMP/rt-xml-out/public/sbom/sbom.cdx.json" <<'EOF'
import json, sys
def key(path):
    d = json.load(open(path))
    return sorted((c["name"], c.get("version"), c.get("purl"),
                   tuple(sorted((p["name"], p["value"]) for p in c.get("properties", []))))
                  for c in d["components"])
a, b, c = (key(p) for p in sys.argv[1:4])
assert len(a) > 30 and a == b == c, (len(a), len(b), len(c))
EOF
then ok "read back from JSON and from XML: the same components and support data"
else fail "read back from JSON and from XML: the same components and support data"; fi

# ---- audiences ---------------------------------------------------------------
d="$TMP/aud"
copy_example infusion-pump aud
# the zlib CVE becomes internal; one component is internal; another keeps its supplier internal
sed -i 's/^id: CVE-2023-45853$/id: CVE-2023-45853\ninternal: true/' "$d/vulnerabilities/CVE-2023-45853.md"
sed -i 's|^  - component: pkg:generic/arm-cmsis-core@5.6.0$|&\n    internal: true|' "$d/sbom/support.yaml"
sed -i 's|^  - component: pkg:generic/stm32h7-hal@1.11.1$|&\n    internal_fields: [supplier]|' "$d/sbom/support.yaml"
expect_exit "audiences: the build succeeds" 0 "$DOSSIER" build "$d" -o "$TMP/aud-out" --only sbom,bundle --fail-on none -q
P="$TMP/aud-out/public/sbom"
for f in "$P/sbom.cdx.json" "$P/sbom.cdx.xml" "$P/index.html"; do
    if grep -q "CVE-2023-45853\|arm-cmsis-core\|STMicroelectronics" "$f"; then
        fail "audiences: nothing internal in $(basename "$f")" "$(grep -o "CVE-2023-45853\|arm-cmsis-core\|STMicroelectronics" "$f" | sort -u)"
    else ok "audiences: nothing internal in $(basename "$f")"; fi
done
expect_grep "audiences: the bundle's SBOM keeps the internal vulnerability" "CVE-2023-45853" "$TMP/aud-out/premarket/sbom.cdx.json"
expect_grep "audiences: the bundle's SBOM keeps the internal component" "arm-cmsis-core" "$TMP/aud-out/premarket/sbom.cdx.json"
expect_grep "audiences: the component with an internal field is still listed" "stm32h7-hal" "$P/sbom.cdx.json"

# a dossier without components publishes no SBOM
copy_example minimal nosbom
rm -rf "$TMP/nosbom/sbom"
expect_exit "no components: the build succeeds" 0 "$DOSSIER" build "$TMP/nosbom" -o "$TMP/min" --only sbom -q
check "no components: no public/sbom" test ! -e "$TMP/min/public/sbom"
