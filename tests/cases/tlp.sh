#!/bin/sh
# TLP labels per advisory (docs/advisories.md, "Audiences by TLP label"):
# the example's ADV-2025-001 is TLP:AMBER for two named hospitals. Its
# bulletin and CSAF document go to restricted/, never under public/ (no
# public file names its ID, its title or a recipient); its CSAF document
# carries the label, passes the official validator and is listed by the
# restricted folder's own ROLIE feed, index.txt and changes.csv, while the
# public feed, service document and provider metadata do not mention it.
# AMBER+STRICT is written AMBER, GREEN gets a folder of its own; the rule
# advisory-recipients and a bad label are located; a template that puts a
# restricted document in the public folder fails the build.
. "$(dirname "$0")/../lib.sh"

ex="$ROOT/examples/infusion-pump"
out="$TMP/build"
expect_exit "the example builds" 0 "$DOSSIER" build "$ex" -o "$out" -q
doc="$out/restricted/csaf/amber/2025/adv-2025-001.json"
check "its CSAF document is in restricted/csaf/amber/<year>/" test -s "$doc"
check "with its hashes" test -s "$doc.sha256" -a -s "$doc.sha512"
check "its bulletin is in restricted/advisories/amber/" test -s "$out/restricted/advisories/amber/ADV-2025-001.html"
check "with its own style sheet" test -s "$out/restricted/advisories/amber/style.css"

# nothing under public/ names it: not its ID, file name, title or recipients
for s in ADV-2025-001 adv-2025-001 "Pre-notification of a cross-site request forgery" \
    "Lakeside Regional" "St. Aldric" /amber/; do
    if hits=$(grep -rlF -- "$s" "$out/public"); then
        fail "no public file names '$s'" $hits
    else
        ok "no public file names '$s'"
    fi
done
check "the public bulletins are still there" test -s "$out/public/advisories/ADV-2024-002.html"
expect_grep "the public index lists the public advisories" "ADV-2024-002" "$out/public/advisories/index.html"

expect_exit "a second build" 0 "$DOSSIER" build "$ex" -o "$TMP/again" --only csaf,advisories -q
if diff -r "$out/restricted" "$TMP/again/restricted" >"$TMP/diff" 2>&1; then
    ok "the restricted folders are the same bytes twice"
else
    fail "the restricted folders are the same bytes twice" "$(head -5 "$TMP/diff")"
fi

# the document's label and the restricted feed
py() { python3 -c "$1" "$2" >"$TMP/py" 2>&1; }
if py 'import json,sys; d=json.load(open(sys.argv[1]))["document"]["distribution"]; print(d["tlp"]["label"], d["tlp"]["url"]); print(d["text"])' "$doc"; then
    expect_grep "document.distribution.tlp.label is AMBER" "AMBER https://www.first.org/tlp/" "$TMP/py"
    expect_grep "distribution.text says what recipients may do" "TLP:AMBER: recipients may share it within their organisation" "$TMP/py"
else
    fail "the restricted document is JSON" "$(cat "$TMP/py")"
fi
feed="$out/restricted/csaf/amber/feed-tlp-amber.json"
if py 'import json,sys; f=json.load(open(sys.argv[1]))["feed"]; print([e["id"] for e in f["entry"]]); print([c["term"] for c in f["category"]]); print([l["href"] for e in f["entry"] for l in e["link"]])' "$feed"; then
    expect_grep "the restricted feed lists it alone" "['ADV-2025-001']" "$TMP/py"
    expect_grep "the restricted feed is categorised by its label" "['csaf', 'AMBER']" "$TMP/py"
    expect_grep "its entry links the document at the label's path" "https://www.norvale.example/.well-known/csaf/amber/2025/adv-2025-001.json.sha512" "$TMP/py"
else
    fail "the restricted feed is JSON" "$(cat "$TMP/py")"
fi
expect_grep "restricted index.txt" "2025/adv-2025-001.json" "$out/restricted/csaf/amber/index.txt"
expect_grep "restricted changes.csv" '"2025/adv-2025-001.json","2025-02-05T00:00:00.000Z"' "$out/restricted/csaf/amber/changes.csv"
csaf="$out/public/csaf/.well-known/csaf"
if py 'import json,sys; m=json.load(open(sys.argv[1])); print([f["tlp_label"] for d in m["distributions"] for f in d["rolie"]["feeds"]])' "$csaf/provider-metadata.json"; then
    expect_grep "provider-metadata lists the public feed alone" "['WHITE']" "$TMP/py"
else
    fail "provider-metadata is JSON" "$(cat "$TMP/py")"
fi
check "no restricted feed in the public folder" test ! -e "$csaf/feed-tlp-amber.json"
expect_grep "the restricted feed's category document is beside it" '"term": "csaf_security_advisory"' "$out/restricted/csaf/amber/category-amber.json"
expect_grep "the public VEX still states VUL-002" '"VUL-002"' "$csaf/white/2025/norvale-cadence-infusion-system-vex-3_2_0.json"
if grep -qF "sign out of the" "$csaf/white/2025/norvale-cadence-infusion-system-vex-3_2_0.json"; then
    fail "the public VEX does not quote the restricted advisory's workaround"
else
    ok "the public VEX does not quote the restricted advisory's workaround"
fi
expect_grep "the restricted bulletin shows its label" "TLP:AMBER: recipients may share it" "$out/restricted/advisories/amber/ADV-2025-001.html"
if grep -qF "public/advisories" "$out/restricted/advisories/amber/ADV-2025-001.html" ||
    grep -qF "feed.atom" "$out/restricted/advisories/amber/ADV-2025-001.html"; then
    fail "the restricted bulletin links no public page"
else
    ok "the restricted bulletin links no public page"
fi

# the official validator accepts the restricted document
validators="$ROOT/tests/validators"
if [ -d "$validators/node_modules/@secvisogram/csaf-validator-lib" ] && command -v node >/dev/null 2>&1; then
    if node "$validators/csaf_check.mjs" "$doc" >"$TMP/v" 2>&1; then
        ok "csaf-validator-lib accepts the TLP:AMBER document"
    else
        fail "csaf-validator-lib accepts the TLP:AMBER document" "$(head -5 "$TMP/v")"
    fi
else
    skip "csaf-validator-lib" "tests/validators/node_modules not installed (make test-deps)"
fi

# AMBER+STRICT is CSAF's AMBER; GREEN is restricted too, in its own folder
copy_example infusion-pump strict
sed -i 's/^tlp: AMBER$/tlp: AMBER+STRICT/' "$TMP/strict/advisories/ADV-2025-001.md"
expect_exit "AMBER+STRICT builds" 0 "$DOSSIER" build "$TMP/strict" -o "$TMP/strict-out" --only csaf,advisories -q
expect_grep "AMBER+STRICT is written AMBER" '"label": "AMBER"' "$TMP/strict-out/restricted/csaf/amber/2025/adv-2025-001.json"
expect_grep "and says it is strict" "TLP:AMBER+STRICT: recipients may share it within their organisation only" "$TMP/strict-out/restricted/csaf/amber/2025/adv-2025-001.json"
sed -i 's/^tlp: AMBER+STRICT$/tlp: GREEN/' "$TMP/strict/advisories/ADV-2025-001.md"
expect_exit "GREEN builds" 0 "$DOSSIER" build "$TMP/strict" -o "$TMP/green-out" --only csaf,advisories -q
check "GREEN has its own folder" test -s "$TMP/green-out/restricted/csaf/green/2025/adv-2025-001.json" -a -s "$TMP/green-out/restricted/csaf/green/feed-tlp-green.json"
check "GREEN is not public" test ! -e "$TMP/green-out/public/advisories/ADV-2025-001.html"

# the rules, located
copy_example infusion-pump rules
f="$TMP/rules/advisories/ADV-2025-001.md"
sed -i '/^recipients:$/,/^affected_versions:$/{/^affected_versions:$/!d}' "$f"
"$DOSSIER" check "$TMP/rules" >"$TMP/r1" 2>&1
expect_grep "a restricted advisory without recipients" "advisories/ADV-2025-001.md:7:6: error: [advisory-recipients] ADV-2025-001: TLP:AMBER restricts it to its recipients, but it names none" "$TMP/r1"
sed -i 's/^tlp: AMBER$/recipients: [Lakeside Regional Medical Center]/' "$f"
"$DOSSIER" check "$TMP/rules" >"$TMP/r2" 2>&1
expect_grep "recipients on a TLP:CLEAR advisory" "advisories/ADV-2025-001.md:7:13: error: [advisory-recipients] ADV-2025-001: names recipients but is TLP:CLEAR" "$TMP/r2"
expect_exit "and the build stops" 1 "$DOSSIER" build "$TMP/rules" -o "$TMP/r2-out" --only advisories
sed -i 's/^recipients: .*$/tlp: amber/' "$f"
"$DOSSIER" check "$TMP/rules" >"$TMP/r3" 2>&1
expect_grep "a label TLP does not have" "advisories/ADV-2025-001.md:7:6: error: [enum-value] tlp: 'amber' is not allowed (expected one of: CLEAR, WHITE, GREEN, AMBER, AMBER+STRICT, RED)" "$TMP/r3"

# a template that puts a restricted document in the public folder: refused
copy_example infusion-pump misplaced
mkdir -p "$TMP/misplaced/templates/csaf"
cat >"$TMP/misplaced/templates/csaf/main.lua" <<'LUA'
write("public/csaf/.well-known/csaf/white/2025/x.json", [[{"document": {"title": "t", "publisher": {"name": "n", "namespace": "https://x.example"},
  "distribution": {"tlp": {"label": "AMBER"}}, "tracking": {"id": "x", "initial_release_date": "2025-01-01T00:00:00.000Z",
  "current_release_date": "2025-01-01T00:00:00.000Z"}}}]])
LUA
expect_exit "a TLP:AMBER document under white/: the build fails" 2 "$DOSSIER" build "$TMP/misplaced" -o "$TMP/mis-out" --only csaf
expect_grep "naming the file and the labels" "white/2025/x.json: a TLP:AMBER document in the folder of TLP:WHITE" "$TMP/out"
check "and writes nothing" test ! -e "$TMP/mis-out"
sed -i 's#public/csaf/.well-known/csaf/white/2025/x.json#restricted/csaf/white/2025/x.json#; s#"AMBER"#"WHITE"#' "$TMP/misplaced/templates/csaf/main.lua"
expect_exit "a TLP:WHITE document under restricted/: the build fails" 2 "$DOSSIER" build "$TMP/misplaced" -o "$TMP/mis-out" --only csaf
expect_grep "saying where it belongs" "restricted/csaf/white/2025/x.json: a TLP:WHITE document belongs in the public folder" "$TMP/out"

# each output writes only its own restricted folder; the site none
copy_example infusion-pump scope
mkdir -p "$TMP/scope/templates/site" "$TMP/scope/templates/advisories"
echo 'write("restricted/advisories/amber/x.html", "x")' >"$TMP/scope/templates/site/main.lua"
expect_exit "the site cannot write under restricted/" 2 "$DOSSIER" build "$TMP/scope" -o "$TMP/scope-out" --only site -q
expect_grep "and is told where it may" "refusing to write 'restricted/advisories/amber/x.html': the site output writes only under the site's own paths" "$TMP/out"
rm "$TMP/scope/templates/site/main.lua"
echo 'write("restricted/csaf/amber/x.json", "{}")' >"$TMP/scope/templates/advisories/main.lua"
expect_exit "the advisories cannot write the restricted CSAF folder" 2 "$DOSSIER" build "$TMP/scope" -o "$TMP/scope-out" --only advisories -q
expect_grep "naming both its folders" "the advisories output writes only under public/advisories/ and restricted/advisories/" "$TMP/out"

# a vulnerability only the restricted advisory tells of, not yet fixed, is
# embargoed: the public VEX documents leave it out; the restricted
# advisory still describes it
copy_example infusion-pump embargo
sed -i '/^vex_state: fixed$/d; /^fixed: 2025-04-14$/d' "$TMP/embargo/vulnerabilities/VUL-002.md"
sed -i 's/^fixes: \[VUL-002\]$/fixes: []/' "$TMP/embargo/releases/REL-3.1.0.md"
"$DOSSIER" check "$TMP/embargo" >"$TMP/e1" 2>&1
expect_grep "unfixed, told only under TLP: vulnerability-restricted" "vulnerabilities/VUL-002.md:2:5: note: [vulnerability-restricted] VUL-002: only restricted advisories tell of it and it is not fixed" "$TMP/e1"
expect_exit "embargoed: builds" 0 "$DOSSIER" build "$TMP/embargo" -o "$TMP/embargo-out" --only csaf,sbom,advisories -q
if hits=$(grep -rlF "VUL-002" "$TMP/embargo-out/public"); then
    fail "embargoed: no public file names VUL-002 (CSAF VEX, CycloneDX, the SBOM page)" $hits
else
    ok "embargoed: no public file names VUL-002 (CSAF VEX, CycloneDX, the SBOM page)"
fi
expect_grep "embargoed: the restricted bulletin describes it" "Cross-site request forgery on gateway console role assignment" "$TMP/embargo-out/restricted/advisories/amber/ADV-2025-001.html"
expect_grep "embargoed: the public VEX still states the others" "CVE-2024-6387" "$TMP/embargo-out/public/csaf/.well-known/csaf/white/2025/norvale-cadence-infusion-system-vex-3_2_0.json"
expect_grep "embargoed: so does the CycloneDX SBOM" "CVE-2024-6387" "$(find "$TMP/embargo-out/public/sbom" -name '*.cdx.json' | head -1)"
"$DOSSIER" check "$ex" >"$TMP/e0" 2>&1
if grep -q "vulnerability-restricted" "$TMP/e0"; then fail "fixed: no vulnerability-restricted" "$(grep vulnerability-restricted "$TMP/e0")"; else ok "fixed: no vulnerability-restricted"; fi
