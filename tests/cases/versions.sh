#!/bin/sh
# The customer documents of every supported release (check/versions.c,
# sbom/main.lua): each release still supported at the build date gets its
# SBOM (the components its sbom field names: 3.1.0 ships openssl 3.0.15),
# its VEX (each vulnerability as it stands in that version) and a page under
# public/sbom/<version>/, listed by public/sbom/versions.html, which the SBOM
# page and the advisories index link to; a release past its end of support
# or not yet released gets none; a supported release without an SBOM is
# release-sbom-missing, located at the release record; the documents pass
# the official CycloneDX validators; the CSAF VEX gives every release as a
# product with the status the check stage judged, valid for the CSAF
# validator; each supported earlier release has its MDS2 form, whose version
# and SBOM answers are its own.
. "$(dirname "$0")/../lib.sh"

CDX="$SHARED/schemas-official/cyclonedx"
EX="$ROOT/examples/infusion-pump"
out="$TMP/pub"
expect_exit "build --only sbom,advisories" 0 "$DOSSIER" build "$EX" -o "$out" --only sbom,advisories -q
S="$out/public/sbom"

# ---- which versions -------------------------------------------------------
for v in 3.2.0 3.1.0 3.0.1 3.0.0; do
    check "$v (supported until its end of support) has its VEX and page" test -s "$S/$v/vex.cdx.json" -a -s "$S/$v/index.html"
    expect_grep "versions.html lists $v" "id=\"v$v\"" "$S/versions.html"
done
for v in 3.2.0 3.1.0 3.0.1 3.0.0; do
    check "$v has its SBOM in JSON and XML" test -s "$S/$v/sbom.cdx.json" -a -s "$S/$v/sbom.cdx.xml"
done
expect_grep "the SBOM page links to the versions" 'href="versions.html"' "$S/index.html"
expect_grep "the advisories index links to the versions" 'href="../sbom/versions.html"' "$out/public/advisories/index.html"
expect_grep "versions.html marks the current version" '3.2.0</a> <span class="badge badge-good">current' "$S/versions.html"
expect_grep "versions.html gives the end of support" '2027-04-30' "$S/versions.html"

# ---- the components of each version -----------------------------------------
comp() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(" ".join(sorted(c["name"]+"@"+c.get("version","") for c in d.get("components",[]))))' "$1"; }
comp "$S/3.1.0/sbom.cdx.json" >"$TMP/c310"
comp "$S/3.2.0/sbom.cdx.json" >"$TMP/c320"
comp "$S/sbom.cdx.json" >"$TMP/ccur"
expect_grep "3.1.0 ships openssl 3.0.15" "openssl@3.0.15" "$TMP/c310"
expect_grep "3.1.0 ships kernel 5.15.171" "linux-kernel@5.15.171" "$TMP/c310"
expect_grep "3.1.0 ships the unchanged service tool of sbom/ (named by its sbom field)" "BouncyCastle.Cryptography@2.4.0" "$TMP/c310"
if grep -q "openssl@3.0.16" "$TMP/c310"; then fail "3.1.0 does not ship openssl 3.0.16"; else ok "3.1.0 does not ship openssl 3.0.16"; fi
expect_grep "3.2.0 ships openssl 3.0.16" "openssl@3.0.16" "$TMP/c320"
comp "$S/3.0.0/sbom.cdx.json" >"$TMP/c300"
expect_grep "3.0.0 ships norvale-comms 3.0.0 (which VUL-001 names)" "norvale-comms@3.0.0" "$TMP/c300"
expect_grep "3.0.0 ships openssl 3.0.13" "openssl@3.0.13" "$TMP/c300"
if grep -q "openssl@3.0.15" "$TMP/ccur"; then fail "the device's SBOM leaves the SBOMs of earlier releases out"
else ok "the device's SBOM leaves the SBOMs of earlier releases out"; fi
expect_grep "3.1.0's SBOM names version 3.1.0" '"version": "3.1.0"' "$S/3.1.0/sbom.cdx.json"

# ---- the vulnerabilities of each version --------------------------------------
vex() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for v in d.get("vulnerabilities",[]):
    print(v["id"], v["analysis"]["state"], v["affects"][0]["versions"][0]["version"], v["affects"][0]["versions"][0]["status"])' "$1"; }
for v in 3.2.0 3.1.0 3.0.1 3.0.0; do vex "$S/$v/vex.cdx.json" >"$TMP/v$v"; done
expect_grep "VUL-002 (fixed in 3.1.0) is affected in 3.0.1" "VUL-002 exploitable 3.0.1 affected" "$TMP/v3.0.1"
expect_grep "VUL-002 is fixed in 3.1.0" "VUL-002 resolved 3.1.0 unaffected" "$TMP/v3.1.0"
expect_grep "VUL-002 is fixed in 3.2.0" "VUL-002 resolved 3.2.0 unaffected" "$TMP/v3.2.0"
expect_grep "VUL-001 (fixed in 3.0.1) is affected in 3.0.0" "VUL-001 exploitable 3.0.0 affected" "$TMP/v3.0.0"
expect_grep "VUL-001 is fixed in 3.0.1" "VUL-001 resolved 3.0.1 unaffected" "$TMP/v3.0.1"
expect_grep "a not-affected vulnerability is not affected in every version" "CVE-2024-5535 not_affected 3.0.0 unaffected" "$TMP/v3.0.0"
expect_grep "the affected version's VEX recommends the fixing release" "Update to version 3.1.0 or later." "$S/3.0.1/vex.cdx.json"
expect_grep "the 3.1.0 page shows the status in 3.1.0" "Status in 3.1.0" "$S/3.1.0/index.html"

# ---- a release without an SBOM --------------------------------------------------
"$DOSSIER" check "$EX" >"$TMP/check" 2>&1
if grep -q "release-sbom" "$TMP/check"; then fail "the example names an SBOM for every supported release" "$(grep release-sbom "$TMP/check" | head -3)"
else ok "the example names an SBOM for every supported release"; fi
copy_example infusion-pump g
python3 -c 'import re,sys
p=sys.argv[1]; s=open(p).read()
s=re.sub(r"(<version>3\.0\.1</version>(?:.|\n)*?)    <sbom>(?:.|\n)*?</sbom>\n", r"\1", s, count=1)
open(p,"w").write(s)' "$TMP/g/records/releases.xml"
expect_exit "build with 3.0.1 naming no SBOM" 0 "$DOSSIER" build "$TMP/g" -o "$TMP/gout" --only sbom,mds2
cp "$TMP/out" "$TMP/gcheck"
line=$(grep -n '<release id="REL-3.0.1">' "$TMP/g/records/releases.xml" | cut -d: -f1)
expect_grep "release-sbom-missing located at the release record" \
    "records/releases.xml:$line: warning: [release-sbom-missing] REL-3.0.1 (3.0.1)" "$TMP/gcheck"
if grep -q "release-sbom-missing\] REL-3.0.0" "$TMP/gcheck"; then fail "3.0.0, which names its SBOM, is not release-sbom-missing"
else ok "3.0.0, which names its SBOM, is not release-sbom-missing"; fi
check "3.0.1 (no sbom field) gets no SBOM" test ! -e "$TMP/gout/public/sbom/3.0.1/sbom.cdx.json"
check "3.0.1 (no sbom field) still gets its VEX" test -s "$TMP/gout/public/sbom/3.0.1/vex.cdx.json"
expect_grep "3.0.1's page says its SBOM is not available" "SBOM: not available for this version" "$TMP/gout/public/sbom/3.0.1/index.html"
expect_grep "versions.html says 3.0.1's SBOM is not available" "not available" "$TMP/gout/public/sbom/versions.html"

# ---- unsupported releases, bad names, unused files --------------------------------
copy_example infusion-pump d
sed -i 's|<end_of_support>2026-06-30</end_of_support>|<end_of_support>2025-06-30</end_of_support>|' "$TMP/d/records/releases.xml"
sed -i 's|^date: 2025-10-06|date: 2025-12-15|' "$TMP/d/releases/REL-3.2.0.md"
expect_exit "build with 3.0.x past their end of support and 3.2.0 released after the build date" 0 \
    "$DOSSIER" build "$TMP/d" -o "$TMP/dout" --only sbom
cp "$TMP/out" "$TMP/dcheck"
check "3.1.0, still supported, has its documents" test -s "$TMP/dout/public/sbom/3.1.0/sbom.cdx.json"
for v in 3.0.0 3.0.1; do
    check "$v, past its end of support, gets no documents" test ! -e "$TMP/dout/public/sbom/$v"
    if grep -q "id=\"v$v\"" "$TMP/dout/public/sbom/versions.html"; then fail "versions.html leaves out $v (past its end of support)"
    else ok "versions.html leaves out $v (past its end of support)"; fi
done
check "3.2.0, released after the build date, gets no documents" test ! -e "$TMP/dout/public/sbom/3.2.0"
if grep -q "release-sbom-missing\] REL-3.0.0" "$TMP/dcheck"; then fail "a release past its end of support is not release-sbom-missing"
else ok "a release past its end of support is not release-sbom-missing"; fi

copy_example infusion-pump e
sed -i 's|  - sbom/service-tool.cdx.json|  - sbom/service-tool.cdx.json\n  - sbom/releases/3.1.0/nothing.cdx.json|' "$TMP/e/releases/REL-3.1.0.md"
cp "$EX/sbom/releases/3.1.0/pump-firmware.cdx.json" "$TMP/e/sbom/releases/3.1.0/spare.cdx.json"
"$DOSSIER" check "$TMP/e" >"$TMP/echeck" 2>&1
expect_grep "a name that is no SBOM read is release-sbom, located at the name" \
    "releases/REL-3.1.0.md:16:5: error: [release-sbom] REL-3.1.0 (3.1.0): sbom names 'sbom/releases/3.1.0/nothing.cdx.json'" "$TMP/echeck"
expect_grep "a file of sbom/releases/ no release names is release-sbom-unused" \
    "sbom/releases/3.1.0/spare.cdx.json:1: warning: [release-sbom-unused]" "$TMP/echeck"
if grep -q "openssl-3.0.15" "$TMP/echeck"; then fail "an earlier release's SBOM adds no component to the device"
else ok "an earlier release's SBOM adds no component to the device"; fi

# ---- the CSAF VEX: every release a product, its status as the check stage judged it
csafst() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for v in d["vulnerabilities"]:
    for k, ids in sorted(v["product_status"].items()):
        print(v.get("cve") or v["ids"][0]["text"], k, " ".join(ids))
    for f in v.get("flags", []): print(v.get("cve") or v["ids"][0]["text"], "flag", f["label"], " ".join(f["product_ids"]))' "$1"; }
expect_exit "build --only csaf" 0 "$DOSSIER" build "$EX" -o "$TMP/csaf" --only csaf -q
V=$(find "$TMP/csaf/public/csaf/.well-known/csaf/white" -name '*vex*.json' | head -1)
csafst "$V" >"$TMP/csafst"
expect_grep "CSAF VEX: VUL-002 known affected in 3.0.0 and 3.0.1" "VUL-002 known_affected REL-3.0.0 REL-3.0.1" "$TMP/csafst"
expect_grep "CSAF VEX: VUL-002 fixed in 3.1.0 and 3.2.0" "VUL-002 fixed REL-3.1.0 REL-3.2.0" "$TMP/csafst"
expect_grep "CSAF VEX: every supported release is a product" '"product_id": "REL-3.0.0"' "$V"
# a vulnerability introduced in 3.1.0 is not in the releases before it
copy_example infusion-pump f
sed -i 's|^vex_state: fixed|vex_state: affected\nintroduced_in: [REL-3.1.0]|' "$TMP/f/vulnerabilities/VUL-002.md"
sed -i 's|^fixes: \[VUL-002\]||' "$TMP/f/releases/REL-3.1.0.md"
expect_exit "build a vulnerability introduced in 3.1.0, not yet fixed" 0 "$DOSSIER" build "$TMP/f" -o "$TMP/fout" --only csaf,sbom -q
V2=$(find "$TMP/fout/public/csaf/.well-known/csaf/white" -name '*vex*.json' | head -1)
csafst "$V2" >"$TMP/csafst2"
expect_grep "CSAF VEX: not affected before the release that introduced it" "VUL-002 known_not_affected REL-3.0.0 REL-3.0.1" "$TMP/csafst2"
expect_grep "CSAF VEX: component_not_present for the releases before it" "VUL-002 flag component_not_present REL-3.0.0 REL-3.0.1" "$TMP/csafst2"
expect_grep "CSAF VEX: affected from the release that introduced it" "VUL-002 known_affected REL-3.1.0 REL-3.2.0" "$TMP/csafst2"
vex "$TMP/fout/public/sbom/3.0.1/vex.cdx.json" >"$TMP/f301"
expect_grep "CycloneDX VEX of 3.0.1: not affected (code not present)" "VUL-002 not_affected 3.0.1 unaffected" "$TMP/f301"
validators="$ROOT/tests/validators"
if [ -d "$validators/node_modules/@secvisogram/csaf-validator-lib" ] && command -v node >/dev/null 2>&1; then
    for f in "$V" "$V2"; do
        if node "$validators/csaf_check.mjs" "$f" >"$TMP/validate" 2>&1; then ok "csaf-validator-lib: $(basename "$(dirname "$(dirname "$f")")")/.../$(basename "$f") valid"
        else fail "csaf-validator-lib: $(basename "$f") valid" "$(grep -A3 INVALID "$TMP/validate" | head -8)"; fi
    done
else
    skip "CSAF VEX validator" "csaf-validator-lib not installed"
fi

# ---- the MDS2 form of each supported release ---------------------------------------
expect_exit "build --only mds2,sbom" 0 "$DOSSIER" build "$EX" -o "$TMP/m" --only mds2,sbom -q
M="$TMP/m/mds2"
for v in 3.1.0 3.0.1 3.0.0; do check "$v has its MDS2 form" test -s "$M/$v/index.html"; done
check "the current version's form stays mds2/index.html" test ! -e "$M/3.2.0"
row() { python3 -c 'import re,sys
t=open(sys.argv[1]).read()
m=re.search(r"<tr id=\""+re.escape(sys.argv[2])+r"\".*?</tr>", t, re.S)
print(re.sub(r"\s+"," ",re.sub(r"<[^>]+>"," ",m.group(0))) if m else "")' "$1" "$2"; }
row "$M/3.1.0/index.html" DOC-3 >"$TMP/r"
expect_grep "MDS2 of 3.1.0: the models name version 3.1.0" "(software 3.1.0)" "$TMP/r"
row "$M/3.1.0/index.html" DOC-4 >"$TMP/r"
expect_grep "MDS2 of 3.1.0: the manufacturer's document ID, for version 3.1.0" "NVM-MDS2-CAD-320, revision A, for version 3.1.0" "$TMP/r"
n310=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["components"]))' "$S/3.1.0/sbom.cdx.json")
row "$M/3.1.0/index.html" SBOM-1 >"$TMP/r"
expect_grep "MDS2 of 3.1.0: SBOM-1 counts the components of 3.1.0's SBOM ($n310)" "Yes $n310 components." "$TMP/r"
expect_grep "MDS2 of 3.1.0: SBOM-1 rests on 3.1.0's SBOM" "components of version 3.1.0 (SBOM)" "$TMP/r"
G="$TMP/gout/mds2"
row "$G/3.0.1/index.html" SBOM-1 >"$TMP/r"
expect_grep "MDS2 of 3.0.1 without an SBOM: SBOM-1 is No" "No No SBOM is available for version 3.0.1." "$TMP/r"
row "$G/3.0.1/index.html" SBOM-2.2 >"$TMP/r"
expect_grep "MDS2 of 3.0.1 without an SBOM: the questions SBOM-1 gates are N/A" "N/A No SBOM is available for version 3.0.1." "$TMP/r"
row "$M/3.0.1/index.html" SBOM-1 >"$TMP/r"
expect_grep "MDS2 of 3.0.1 with its SBOM: SBOM-1 is Yes" "components of version 3.0.1 (SBOM)" "$TMP/r"
row "$G/3.0.1/index.html" SBOM-3 >"$TMP/r"
row "$M/index.html" SBOM-3 >"$TMP/r0"
if cmp -s "$TMP/r" "$TMP/r0"; then ok "MDS2 of 3.0.1: the manufacturer's SBOM-3 answer stands"
else fail "MDS2 of 3.0.1: the manufacturer's SBOM-3 answer stands" "$(cat "$TMP/r")"; fi
row "$M/3.1.0/index.html" AUTH-1 >"$TMP/r"
row "$M/index.html" AUTH-1 >"$TMP/r0"
if cmp -s "$TMP/r" "$TMP/r0"; then ok "MDS2 of 3.1.0: an answer that does not depend on the version is the current form's"
else fail "MDS2 of 3.1.0: an answer that does not depend on the version is the current form's" "$(cat "$TMP/r")"; fi
row "$M/index.html" SBOM-1 >"$TMP/r"
expect_grep "the current form keeps its own SBOM-1" "components (SBOM)" "$TMP/r"
expect_grep "versions.html links each version's MDS2" 'href="../../mds2/3.1.0/index.html"' "$TMP/m/public/sbom/versions.html"
expect_grep "versions.html links the current MDS2" 'href="../../mds2/index.html"' "$TMP/m/public/sbom/versions.html"
"$DOSSIER" build "$TMP/d" -o "$TMP/dm" --only mds2 -q >/dev/null 2>&1
check "no MDS2 form for a release past its end of support" test ! -e "$TMP/dm/mds2/3.0.0"
check "the MDS2 form of a supported earlier release (3.1.0)" test -s "$TMP/dm/mds2/3.1.0/index.html"

copy_example infusion-pump h
sed -i 's|<end_of_support>2026-06-30</end_of_support>|<end_of_support>2025-06-30</end_of_support>|' "$TMP/h/records/releases.xml"
sed -i 's|<item>sbom/releases/3.0.0/gateway.cdx.xml</item>|<item>sbom/releases/3.0.0/gateway.xml</item>|' "$TMP/h/records/releases.xml"
"$DOSSIER" check "$TMP/h" >"$TMP/hcheck" 2>&1
expect_grep "release-sbom for a release past its end of support too" \
    "error: [release-sbom] REL-3.0.0 (3.0.0): sbom names 'sbom/releases/3.0.0/gateway.xml'" "$TMP/hcheck"

# ---- the same bytes every build ----------------------------------------------------
"$DOSSIER" build "$EX" -o "$TMP/again" --only mds2,sbom -q >/dev/null 2>&1
if diff -r "$TMP/m" "$TMP/again" >/dev/null 2>&1; then ok "the same bytes every build"
else fail "the same bytes every build" "$(diff -r "$TMP/m" "$TMP/again" | head -3)"; fi

# ---- the official validators ------------------------------------------------------
if [ -f "$CDX/bom-1.6.xsd" ] && command -v xmllint >/dev/null 2>&1; then
    for v in 3.2.0 3.1.0; do
        if XML_CATALOG_FILES="$CDX/xmlcatalog.xml" xmllint --nonet --noout --schema "$CDX/bom-1.6.xsd" "$S/$v/sbom.cdx.xml" >"$TMP/xsd" 2>&1
        then ok "$v sbom.cdx.xml valid against the official bom-1.6.xsd"
        else fail "$v sbom.cdx.xml valid against the official bom-1.6.xsd" "$(head -5 "$TMP/xsd")"; fi
    done
else
    skip "per-version sbom.cdx.xml schema" "no $CDX/bom-1.6.xsd or no xmllint"
fi
if [ -f "$SHARED/reference/validators/cdx_json_validate.py" ] && [ -f "$CDX/bom-1.6.schema.json" ]; then
    for f in 3.2.0/sbom.cdx.json 3.1.0/sbom.cdx.json 3.1.0/vex.cdx.json 3.0.1/vex.cdx.json; do
        CDX_SCHEMA_DIR="$CDX" python3 "$SHARED/reference/validators/cdx_json_validate.py" "$S/$f" >"$TMP/js" 2>&1
        expect_grep "$f valid against the official bom-1.6.schema.json" "1.6 $S/$f OK" "$TMP/js"
    done
else
    skip "per-version JSON schema" "the official CycloneDX schemas are not in ../shared"
fi
lib="$ROOT/tests/validators/node_modules/@cyclonedx/cyclonedx-library"
if command -v node >/dev/null 2>&1 && [ -d "$lib" ]; then
    for f in 3.1.0/sbom.cdx.json 3.0.1/vex.cdx.json; do
        if node "$ROOT/tests/validators/cdx_check.mjs" "$S/$f" >"$TMP/lib" 2>&1; then ok "$f valid for @cyclonedx/cyclonedx-library"
        else fail "$f valid for @cyclonedx/cyclonedx-library" "$(head -3 "$TMP/lib")"; fi
    done
else
    skip "per-version cyclonedx-library" "no node or no tests/validators/node_modules"
fi
