#!/bin/sh
# Licences and component types through dossier and out again in the
# customer SBOM: SPDX licence IDs stay IDs (in the SPDX list's spelling),
# an SPDX expression stays an expression, other text a name; CycloneDX
# 1.6 types (cryptographic-asset, data, machine-learning-model) stay what
# they are and SPDX package purposes become their CycloneDX names. The
# output is validated against the official schemas; the ID list of the
# installation is the CycloneDX schema's.
. "$(dirname "$0")/../lib.sh"

CDX="$SHARED/schemas-official/cyclonedx"
if [ -f "$CDX/spdx.schema.json" ]; then
    if python3 - "$CDX/spdx.schema.json" "$ROOT/schemas/spdx-license-ids.txt" <<'PY'
import json, sys
official = set(json.load(open(sys.argv[1]))["enum"])
ours = [l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
sys.exit(0 if set(ours) == official and len(ours) == len(official) and ours == sorted(ours, key=str.lower) else 1)
PY
    then ok "schemas/spdx-license-ids.txt is the CycloneDX schema's SPDX list, sorted"
    else fail "schemas/spdx-license-ids.txt is the CycloneDX schema's SPDX list, sorted" "regenerate it from $CDX/spdx.schema.json"; fi
else
    skip "schemas/spdx-license-ids.txt is the CycloneDX schema's SPDX list" "no $CDX/spdx.schema.json"
fi

copy_example minimal lic
cat >"$TMP/lic/sbom/extra.cdx.json" <<'EOF'
{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:5a0e8a61-3c1d-4f0e-9a57-0d2f9b1c7e11",
  "version": 1,
  "metadata": {
    "timestamp": "2025-10-20T09:00:00Z",
    "authors": [{ "name": "Example Medical, Firmware Build" }],
    "component": { "bom-ref": "dev", "type": "firmware", "name": "ECT-1 firmware", "version": "1.0.0" }
  },
  "components": [
    { "bom-ref": "a", "type": "library", "name": "lic-id", "version": "1", "supplier": { "name": "A" },
      "purl": "pkg:generic/lic-id@1", "licenses": [{ "license": { "id": "GPL-2.0-only" } }] },
    { "bom-ref": "b", "type": "library", "name": "lic-expr", "version": "1", "supplier": { "name": "A" },
      "purl": "pkg:generic/lic-expr@1", "licenses": [{ "expression": "GPL-2.0-or-later AND LGPL-2.1-or-later" }] },
    { "bom-ref": "c", "type": "library", "name": "lic-case", "version": "1", "supplier": { "name": "A" },
      "purl": "pkg:generic/lic-case@1", "licenses": [{ "license": { "name": "apache-2.0" } }] },
    { "bom-ref": "d", "type": "library", "name": "lic-name", "version": "1", "supplier": { "name": "A" },
      "purl": "pkg:generic/lic-name@1", "licenses": [{ "license": { "name": "Example proprietary licence" } }] },
    { "bom-ref": "e", "type": "cryptographic-asset", "name": "RSA-2048", "version": "1", "supplier": { "name": "A" },
      "purl": "pkg:generic/rsa-2048@1" },
    { "bom-ref": "f", "type": "data", "name": "drug-library", "version": "7", "supplier": { "name": "A" },
      "purl": "pkg:generic/drug-library@7" },
    { "bom-ref": "g", "type": "machine-learning-model", "name": "occlusion-model", "version": "2", "supplier": { "name": "A" },
      "purl": "pkg:generic/occlusion-model@2" }
  ]
}
EOF
"$DOSSIER" build "$TMP/lic" -o "$TMP/lic-out" --only sbom --fail-on none -q >"$TMP/build" 2>&1
check "build --only sbom with the extra SBOM" test -s "$TMP/lic-out/public/sbom/sbom.cdx.json"
J="$TMP/lic-out/public/sbom/sbom.cdx.json"
X="$TMP/lic-out/public/sbom/sbom.cdx.xml"
# check NAME JQ-LIKE-PYTHON: an expression over the components by name
comp() {
    python3 - "$J" "$2" <<'PY'
import json, sys
by = {c["name"]: c for c in json.load(open(sys.argv[1]))["components"]}
sys.exit(0 if eval(sys.argv[2], {"by": by}) else 1)
PY
}
if comp x 'by["lic-id"]["licenses"] == [{"license": {"id": "GPL-2.0-only"}}]'; then ok "an SPDX ID stays an ID"; else fail "an SPDX ID stays an ID" "$(grep -A3 '"lic-id"' "$J" | head -8)"; fi
if comp x 'by["lic-expr"]["licenses"] == [{"expression": "GPL-2.0-or-later AND LGPL-2.1-or-later"}]'; then ok "an SPDX expression stays an expression"; else fail "an SPDX expression stays an expression" ""; fi
if comp x 'by["lic-case"]["licenses"] == [{"license": {"id": "Apache-2.0"}}]'; then ok "an ID in another case is written as the list spells it"; else fail "an ID in another case is written as the list spells it" ""; fi
if comp x 'by["lic-name"]["licenses"] == [{"license": {"name": "Example proprietary licence"}}]'; then ok "other text stays a name"; else fail "other text stays a name" ""; fi
if comp x 'by["RSA-2048"]["type"] == "cryptographic-asset"'; then ok "a cryptographic asset stays one"; else fail "a cryptographic asset stays one" ""; fi
if comp x 'by["drug-library"]["type"] == "data"'; then ok "a data component stays data"; else fail "a data component stays data" ""; fi
if comp x 'by["occlusion-model"]["type"] == "machine-learning-model"'; then ok "a machine-learning model stays one"; else fail "a machine-learning model stays one" ""; fi
expect_grep "XML: an ID" "<id>GPL-2.0-only</id>" "$X"
expect_grep "XML: an expression" "<expression>GPL-2.0-or-later AND LGPL-2.1-or-later</expression>" "$X"

# the example's own SBOMs: every licence ID and expression they give comes out as one
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$TMP/pump" --only sbom -q >/dev/null 2>&1
if python3 - "$ROOT/examples/infusion-pump/sbom" "$TMP/pump/public/sbom/sbom.cdx.json" <<'PY'
import json, pathlib, sys
given = set()
for f in pathlib.Path(sys.argv[1]).glob("*.json"):
    d = json.load(open(f))
    for c in d.get("components", []):
        for l in c.get("licenses", []):
            if "expression" in l: given.add(("expression", l["expression"]))
            elif "id" in l.get("license", {}): given.add(("id", l["license"]["id"]))
    for p in d.get("packages", []):
        for k in ("licenseDeclared", "licenseConcluded"):
            v = p.get(k)
            if v and v not in ("NOASSERTION", "NONE"):
                given.add(("expression" if " " in v else "id", v))
out = set()
for c in json.load(open(sys.argv[2]))["components"]:
    for l in c.get("licenses", []):
        if "expression" in l: out.add(("expression", l["expression"]))
        elif "id" in l.get("license", {}): out.add(("id", l["license"]["id"]))
missing = sorted(given - out)
print(missing)
sys.exit(1 if missing else 0)
PY
then ok "the example's licence IDs and expressions survive the round trip"; else fail "the example's licence IDs and expressions survive the round trip" "see the list above"; fi

if [ -f "$CDX/bom-1.6.xsd" ] && command -v xmllint >/dev/null 2>&1; then
    if XML_CATALOG_FILES="$CDX/xmlcatalog.xml" xmllint --nonet --noout --schema "$CDX/bom-1.6.xsd" "$X" >"$TMP/xsd" 2>&1
    then ok "the XML is valid against bom-1.6.xsd"; else fail "the XML is valid against bom-1.6.xsd" "$(head -5 "$TMP/xsd")"; fi
else
    skip "the XML is valid against bom-1.6.xsd" "no $CDX/bom-1.6.xsd or no xmllint"
fi
if [ -f "$SHARED/reference/validators/cdx_json_validate.py" ] && [ -f "$CDX/bom-1.6.schema.json" ]; then
    CDX_SCHEMA_DIR="$CDX" python3 "$SHARED/reference/validators/cdx_json_validate.py" "$J" >"$TMP/js" 2>&1
    expect_grep "the JSON is valid against bom-1.6.schema.json" "1.6 $J OK" "$TMP/js"
else
    skip "the JSON is valid against bom-1.6.schema.json" "no validator in $SHARED/reference/validators"
fi

# the rest of what consumers ask of the SBOM
P="$TMP/pump/public/sbom/sbom.cdx.json"
if python3 - "$P" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
deps = {x["ref"]: x for x in d["dependencies"]}
leaves = [r for r, x in deps.items() if x.get("dependsOn") == []]
ok = len(leaves) > 0 and all("dependsOn" in x for x in deps.values())
sys.exit(0 if ok else 1)
PY
then ok "a leaf component's dependsOn is [] (every dependency says what it depends on)"; else fail "a leaf component's dependsOn is []" ""; fi
if python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["metadata"]["tools"]["components"][0]; sys.exit(0 if t["name"]=="dossier" and t.get("version") else 1)' "$P"
then ok "the tool entry has dossier's version"; else fail "the tool entry has dossier's version" ""; fi
if python3 -c '
import json,sys
js=[p["value"] for c in json.load(open(sys.argv[1]))["components"] for p in c.get("properties",[]) if p["name"]=="cdx:fda:justification"]
sys.exit(0 if js and all(v.startswith(("cdx:fda:level-of-support: ","cdx:fda:end-of-support-date: ")) for v in js) else 1)' "$P"
then ok "cdx:fda:justification names the property in full"; else fail "cdx:fda:justification names the property in full" ""; fi
