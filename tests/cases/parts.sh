#!/bin/sh
# Product parts (docs/advisories.md, "The product's parts"): the example's
# assets with part: true are the pump firmware, the communications module,
# the clinician app, the gateway and the library service. CVE-2024-6387
# affects the gateway alone: its advisory's CSAF document carries every part
# as a product of the releases (default_component_of), the gateway of
# 3.0.0 known affected and fixed from 3.0.1, the other parts of 3.0.0
# known not affected with an impact statement; the CSAF VEX says the same
# per part, the CycloneDX VEX of the customer SBOM as properties; the
# bulletin lists the parts affected and not affected; the official
# validator accepts both. A vulnerability that names no part is
# vulnerability-parts, a part that is not true or false field-type, located.
. "$(dirname "$0")/../lib.sh"

ex="$ROOT/examples/infusion-pump"
out="$TMP/build"
expect_exit "the example builds" 0 "$DOSSIER" build "$ex" -o "$out" --only csaf,advisories -q
white="$out/public/csaf/.well-known/csaf/white"
adv="$white/2024/adv-2024-001.json"
vex="$white/2025/norvale-cadence-infusion-system-vex-3_2_0.json"

cat >"$TMP/show.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["product_tree"]
for p in t.get("full_product_names", []):
    print("product", p["product_id"], "=", p["name"])
for r in t.get("relationships", []):
    print("relationship", r["category"], r["product_reference"], "->", r["relates_to_product_reference"],
          "as", r["full_product_name"]["product_id"])
for v in d["vulnerabilities"]:
    vid = v.get("cve") or v["ids"][0]["text"]
    for k, ids in sorted(v["product_status"].items()):
        for i in ids:
            print("status", vid, k, i)
    for r in v.get("remediations", []):
        for i in r["product_ids"]:
            print("remediation", vid, r["category"], i)
    for th in v.get("threats", []):
        for i in th.get("product_ids", []):
            print("impact", vid, i, th["details"])
PY
if python3 "$TMP/show.py" "$adv" >"$TMP/adv.txt" 2>&1; then
    expect_grep "advisory: the gateway is a product of its own" "product AST-005 = Cadence Gateway server" "$TMP/adv.txt"
    expect_grep "advisory: so is the pump firmware" "product AST-001 = Pump-control processor and firmware" "$TMP/adv.txt"
    expect_grep "advisory: each part is a default component of a release" "relationship default_component_of AST-005 -> REL-3.0.0 as REL-3.0.0:AST-005" "$TMP/adv.txt"
    expect_grep "advisory: the gateway of 3.0.0 is known affected" "status CVE-2024-6387 known_affected REL-3.0.0:AST-005" "$TMP/adv.txt"
    expect_grep "advisory: the gateway of 3.0.1 is fixed" "status CVE-2024-6387 fixed REL-3.0.1:AST-005" "$TMP/adv.txt"
    expect_grep "advisory: the pump firmware of 3.0.0 is known not affected" "status CVE-2024-6387 known_not_affected REL-3.0.0:AST-001" "$TMP/adv.txt"
    expect_grep "advisory: the clinician app of 3.0.0 is known not affected" "status CVE-2024-6387 known_not_affected REL-3.0.0:AST-004" "$TMP/adv.txt"
    expect_grep "advisory: the fix is for the affected gateway too" "remediation CVE-2024-6387 vendor_fix REL-3.0.0:AST-005" "$TMP/adv.txt"
    expect_grep "advisory: the parts not affected have an impact statement" "impact CVE-2024-6387 REL-3.0.0:AST-002 The vulnerability is in Cadence Gateway server only" "$TMP/adv.txt"
    if grep -q "known_not_affected REL-3.0.0:AST-005\|known_affected REL-3.0.0:AST-001" "$TMP/adv.txt"; then
        fail "advisory: no part is both" "$(grep "REL-3.0.0:AST-00[15]" "$TMP/adv.txt")"
    else
        ok "advisory: no part is both"
    fi
else
    fail "the advisory's CSAF document reads" "$(head -5 "$TMP/adv.txt")"
fi

if python3 "$TMP/show.py" "$vex" >"$TMP/vex.txt" 2>&1; then
    expect_grep "VEX: VUL-001 affects the pump firmware of 3.0.0" "status VUL-001 known_affected REL-3.0.0:AST-001" "$TMP/vex.txt"
    expect_grep "VEX: and its communications module" "status VUL-001 known_affected REL-3.0.0:AST-002" "$TMP/vex.txt"
    expect_grep "VEX: fixed in them from 3.0.1" "status VUL-001 fixed REL-3.0.1:AST-001" "$TMP/vex.txt"
    expect_grep "VEX: not the gateway" "status VUL-001 known_not_affected REL-3.0.0:AST-005" "$TMP/vex.txt"
    expect_grep "VEX: the affected parts have the remediation" "remediation VUL-001 vendor_fix REL-3.0.0:AST-002" "$TMP/vex.txt"
    expect_grep "VEX: the parts not affected an impact statement" "impact VUL-001 REL-3.2.0:AST-005" "$TMP/vex.txt"
    expect_grep "VEX: CVE-2024-6387, the gateway alone" "status CVE-2024-6387 known_affected REL-3.0.0:AST-005" "$TMP/vex.txt"
else
    fail "the VEX document reads" "$(head -5 "$TMP/vex.txt")"
fi

validators="$ROOT/tests/validators"
if [ -d "$validators/node_modules/@secvisogram/csaf-validator-lib" ] && command -v node >/dev/null 2>&1; then
    if node "$validators/csaf_check.mjs" "$adv" "$vex" >"$TMP/v" 2>&1; then
        ok "csaf-validator-lib accepts the advisory and the VEX with parts"
    else
        fail "csaf-validator-lib accepts the advisory and the VEX with parts" "$(head -8 "$TMP/v")"
    fi
else
    skip "csaf-validator-lib" "tests/validators/node_modules not installed (make test-deps)"
fi

b="$out/public/advisories/ADV-2024-001.html"
tr -s ' \n' ' ' <"$b" | sed 's/<[^>]*>/ /g' | tr -s ' ' >"$TMP/bulletin.txt"
expect_grep "bulletin: the parts affected" "Parts affected Cadence Gateway server Parts not affected" "$TMP/bulletin.txt"
expect_grep "bulletin: the parts not affected" "Parts not affected Pump-control processor and firmware Pump communications module Cadence Clinician app Cadence Library Service" "$TMP/bulletin.txt"

# the customer SBOM's CycloneDX VEX: the parts as properties (its affects
# name the SBOM's components, and a part is none); not for one not affected
expect_exit "the SBOM builds" 0 "$DOSSIER" build "$ex" -o "$TMP/sbom" --only sbom -q
cdx="$TMP/sbom/public/sbom/sbom.cdx.json"
if python3 -c 'import json,sys
for v in json.load(open(sys.argv[1]))["vulnerabilities"]:
    for p in v.get("properties", []): print(v["id"], p["name"], p["value"])' "$cdx" >"$TMP/cdx.txt" 2>&1; then
    expect_grep "CycloneDX: the part CVE-2024-6387 affects" "CVE-2024-6387 dossier:part:affected Cadence Gateway server" "$TMP/cdx.txt"
    expect_grep "CycloneDX: a part it does not" "CVE-2024-6387 dossier:part:not-affected Cadence Clinician app" "$TMP/cdx.txt"
    if grep -q "^CVE-2023-45853 " "$TMP/cdx.txt"; then fail "CycloneDX: no parts for a vulnerability not affected" "$(grep CVE-2023-45853 "$TMP/cdx.txt")"; else ok "CycloneDX: no parts for a vulnerability not affected"; fi
else
    fail "the CycloneDX SBOM reads" "$(head -3 "$TMP/cdx.txt")"
fi
expect_grep "CycloneDX XML: the same, after affects" '<property name="dossier:part:affected">Cadence Gateway server</property>' "$TMP/sbom/public/sbom/sbom.cdx.xml"

# the rules, located
copy_example infusion-pump bad
sed -i 's/^affects: \[AST-005\]$/affects: [AST-003]/' "$TMP/bad/vulnerabilities/CVE-2024-6387.md"
sed -i 's/^part: true$/part: yes/' "$TMP/bad/assets/AST-004.md"
"$DOSSIER" check "$TMP/bad" >"$TMP/r" 2>&1
expect_grep "a vulnerability customers are told of that names no part" "vulnerabilities/CVE-2024-6387.md:5:10: warning: [vulnerability-parts] CVE-2024-6387: its affects names no part of the product" "$TMP/r"
expect_grep "a part that is not true or false" "assets/AST-004.md:25:7: error: [field-type] part: 'yes' is not true or false" "$TMP/r"
if grep -q "vulnerability-parts.*VUL-00[12]" "$TMP/r"; then
    fail "vulnerabilities that name parts are not reported" "$(grep vulnerability-parts "$TMP/r")"
else
    ok "vulnerabilities that name parts are not reported"
fi
