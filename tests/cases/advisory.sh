#!/bin/sh
# Advisories and CSAF through dossier build: the bulletins, the Atom feed,
# the CSAF provider folder (hashes checked with coreutils, index.txt,
# changes.csv, provider-metadata.json against the official provider schema
# by tests/validators/provider_check.py), every CSAF file through the
# official validator (@secvisogram/csaf-validator-lib, tests/validators),
# a broken document caught by it, and the same bytes on a second build.
. "$(dirname "$0")/../lib.sh"

ex="$ROOT/examples/infusion-pump"
out="$TMP/pump"
expect_exit "pump: builds advisories and csaf" 0 "$DOSSIER" build "$ex" -o "$out" --only advisories,csaf
csaf="$out/public/csaf/.well-known/csaf"
white="$csaf/white"

for f in advisories/index.html advisories/ADV-2024-001.html advisories/ADV-2024-002.html advisories/feed.atom \
    csaf/.well-known/csaf/provider-metadata.json; do
    check "pump: writes public/$f" test -s "$out/public/$f"
done

# The bulletin: every part the issue asks for.
b="$out/public/advisories/ADV-2024-002.html"
for s in 'id="summary"' 'CVSS 3.1' 'id="versions"' 'id="vulnerabilities"' 'id="remediation"' 'id="workarounds"' \
    'id="acknowledgments"' 'id="revisions"' 'Vulnerability and impact assessment' 'Work to address the risk' \
    'Compensating controls' 'Fix or defence in depth' 'Mira Castellanos' '2025-01-21'; do
    expect_grep "bulletin: has $s" "$s" "$b"
done
if grep -q 'href="\.\./\.\./[a-z]*/' "$b"; then fail "bulletin: no link into the internal site" "$(grep -o 'href="\.\./\.\./[^"]*"' "$b" | head -3)"; else ok "bulletin: no link into the internal site"; fi

if command -v xmllint >/dev/null 2>&1; then
    check "feed: well-formed XML" xmllint --noout "$out/public/advisories/feed.atom"
else
    skip "feed: well-formed XML" "xmllint not installed"
fi
if python3 - "$out/public/csaf/.well-known/csaf/white/2024/adv-2024-001.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["vulnerabilities"][0]
sys.exit(0 if v.get("cwe") == {"id": "CWE-364", "name": "Signal Handler Race Condition"} and not any(n.get("title") == "Weakness" for n in v["notes"]) else 1)
PY
then ok "csaf: the weakness in the cwe field, with its name"; else fail "csaf: the weakness in the cwe field, with its name" ""; fi
if grep -rqE '\[(THR|CTL|TST|AST|CVE|VUL|REL|SIG|ADV|CMP)-[^]]*\]' "$out/public/csaf"; then fail "csaf: notes carry no bracketed record IDs a customer cannot open" "$(grep -rhoE '\[[A-Z]+-[^]]*\]' "$out/public/csaf" | sort -u | head -3)"; else ok "csaf: notes carry no bracketed record IDs a customer cannot open"; fi
expect_grep "csaf: a record named in the prose is its title and ID" "OpenSSH sshd signal handler race (regreSSHion) on the gateway (CVE-2024-6387)" "$out/public/csaf/.well-known/csaf/white/2024/adv-2024-001.json"
expect_grep "feed: it names itself (rel=self)" '<link rel="self" type="application/atom+xml" href="feed.atom"/>' "$out/public/advisories/feed.atom"
if python3 - "$out/public/advisories/feed.atom" <<'PY'
import os, sys, xml.etree.ElementTree as ET
feed = sys.argv[1]
bad = []
for link in ET.parse(feed).iter("{http://www.w3.org/2005/Atom}link"):
    target = os.path.normpath(os.path.join(os.path.dirname(feed), link.get("href")))
    if not os.path.isfile(target):
        bad.append(link.get("href"))
print(" ".join(bad))
sys.exit(1 if bad else 0)
PY
then ok "feed: every link resolves to a file of the output"; else fail "feed: every link resolves to a file of the output" "broken links, see above"; fi
expect_grep "feed: an entry per advisory" "<id>tag:www.norvale.example,2024-10-30:ADV-2024-002</id>" "$out/public/advisories/feed.atom"

# The provider folder (CSAF 2.0 section 7, requirements 11 to 14 and 18).
jsons=$(cd "$white" && find . -name '*.json' | sed 's#^\./##' | sort)
check "provider: three CSAF documents" test "$(echo "$jsons" | wc -l)" -eq 3
if [ "$(cat "$white/index.txt")" = "$jsons" ]; then ok "provider: index.txt lists every document"; else fail "provider: index.txt lists every document" "$(cat "$white/index.txt")"; fi
for j in $jsons; do
    case "$j" in [0-9][0-9][0-9][0-9]/*) ok "provider: $j in a year folder" ;; *) fail "provider: $j in a year folder" ;; esac
    (cd "$white/$(dirname "$j")" && sha256sum -c --status "$(basename "$j").sha256") && ok "provider: $j.sha256 matches" || fail "provider: $j.sha256 matches"
    (cd "$white/$(dirname "$j")" && sha512sum -c --status "$(basename "$j").sha512") && ok "provider: $j.sha512 matches" || fail "provider: $j.sha512 matches"
done
head -1 "$white/changes.csv" >"$TMP/first"
expect_grep "provider: changes.csv newest first" '"2025/norvale-cadence-infusion-system-vex-3_2_0.json","2025-12-01T00:00:00.000Z"' "$TMP/first"
check "provider: changes.csv has a line per document" test "$(wc -l <"$white/changes.csv")" -eq 3
if command -v jq >/dev/null 2>&1; then
    check "provider-metadata: required keys" jq -e '.canonical_url and .last_updated and .metadata_version == "2.0" and .publisher.namespace and (.role | test("^csaf_")) and (.list_on_CSAF_aggregators | type == "boolean") and (.mirror_on_CSAF_aggregators | type == "boolean")' "$csaf/provider-metadata.json"
    check "advisory: product tree from dossier.xml and the releases" jq -e '.product_tree.branches[0].name == "Norvale Medical, Inc." and ([.product_tree.branches[0].branches[0].branches[].name] == ["3.0.0", "3.0.1", "3.1.0", "3.2.0"])' "$white/2024/adv-2024-001.json"
    check "advisory: affected and fixed releases, the component in the affected one, the parts (the gateway affected)" jq -e '.vulnerabilities[0].product_status == {"known_affected": ["REL-3.0.0", "REL-3.0.0:pkg:generic/openssh@9.2p1", "REL-3.0.0:AST-005"], "fixed": ["REL-3.0.1", "REL-3.1.0", "REL-3.2.0", "REL-3.0.1:AST-005", "REL-3.1.0:AST-005", "REL-3.2.0:AST-005"], "known_not_affected": ["REL-3.0.0:AST-001", "REL-3.0.0:AST-002", "REL-3.0.0:AST-004", "REL-3.0.0:AST-006"]}' "$white/2024/adv-2024-001.json"
    check "advisory: the component by purl, a default component of the affected release" jq -e '.product_tree.full_product_names[0].product_identification_helper.purl == "pkg:generic/openssh@9.2p1" and .product_tree.relationships[0] == {"category": "default_component_of", "product_reference": "CMP:pkg:generic/openssh@9.2p1", "relates_to_product_reference": "REL-3.0.0", "full_product_name": {"product_id": "REL-3.0.0:pkg:generic/openssh@9.2p1", "name": "openssh 9.2p1 in Norvale Cadence Infusion System 3.0.0"}}' "$white/2024/adv-2024-001.json"
    check "rolie category document (requirement 17): the document categories, vendor and product of the feed" jq -e '.categories.category == [{"term": "Norvale Cadence Infusion System"}, {"term": "Norvale Medical, Inc."}, {"term": "csaf_security_advisory"}, {"term": "csaf_vex"}]' "$csaf/category-white.json"
    check "rolie category document: listed in provider-metadata" jq -e '.distributions[0].rolie.categories == ["https://www.norvale.example/.well-known/csaf/category-white.json"]' "$csaf/provider-metadata.json"
    check "rolie feed: each entry carries its categories" jq -e '[.feed.entry[] | select(.id == "ADV-2024-001")][0].category == [{"term": "csaf_security_advisory"}, {"term": "Norvale Medical, Inc."}, {"term": "Norvale Cadence Infusion System"}]' "$csaf/feed-tlp-white.json"
    check "vex: not_affected with its justification flag" jq -e '[.vulnerabilities[] | select(.cve == "CVE-2023-45853")][0] | .product_status.known_not_affected and .flags[0].label == "vulnerable_code_not_present"' "$white/2025/norvale-cadence-infusion-system-vex-3_2_0.json"
else
    skip "provider-metadata: required keys" "jq not installed"
fi

# The whole folder against CSAF 2.0 section 7 and the official provider schema.
schemas="$SHARED/schemas-official/csaf"
if [ ! -f "$schemas/provider_json_schema.json" ]; then
    skip "provider_check" "no official CSAF schemas in $schemas"
elif ! python3 -c 'import jsonschema, referencing' >/dev/null 2>&1; then
    skip "provider_check" "python3 has no jsonschema with referencing"
elif python3 "$ROOT/tests/validators/provider_check.py" "$schemas" "$csaf" >"$TMP/provider" 2>&1; then
    ok "provider_check: metadata schema, file names, year folders, hashes, index.txt, changes.csv"
else
    fail "provider_check: metadata schema, file names, year folders, hashes, index.txt, changes.csv" "$(head -5 "$TMP/provider")"
fi

# The official validator: strict schema and every mandatory test.
validators="$ROOT/tests/validators"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    skip "csaf-validator-lib" "node or npm not installed"
else
    if [ ! -d "$validators/node_modules/@secvisogram/csaf-validator-lib" ]; then
        (cd "$validators" && npm ci --no-audit --no-fund --silent) >"$TMP/npm.log" 2>&1 || fail "csaf-validator-lib: npm ci" "$(tail -3 "$TMP/npm.log")"
    fi
    files=$(find "$white" -name '*.json' | sort)
    if node "$validators/csaf_check.mjs" $files >"$TMP/validate" 2>&1; then
        ok "csaf-validator-lib: every CSAF file is valid ($(grep -c '^valid' "$TMP/validate") files)"
    else
        fail "csaf-validator-lib: every CSAF file is valid" "$(grep -A3 INVALID "$TMP/validate" | head -8)"
    fi
    # The runner fails on a broken document: a known_affected product with no action statement.
    if command -v jq >/dev/null 2>&1; then
        jq 'del(.vulnerabilities[0].remediations) | .document.category = "csaf_vex"' "$white/2024/adv-2024-001.json" >"$TMP/broken.json"
        expect_exit "csaf-validator-lib: a broken document fails" 1 node "$validators/csaf_check.mjs" "$TMP/broken.json"
        expect_grep "csaf-validator-lib: names the test" "6_1_27_10" "$TMP/out"
    fi
fi

# A dossier that gives no advisory and no VEX publishes nothing.
expect_exit "minimal: builds" 0 "$DOSSIER" build "$ROOT/examples/minimal" -o "$TMP/minimal" --only advisories,csaf
check "minimal: no public folder" test ! -e "$TMP/minimal/public"

expect_exit "pump: second build" 0 "$DOSSIER" build "$ex" -o "$TMP/pump2" --only advisories,csaf
if diff -r "$out" "$TMP/pump2" >"$TMP/diff" 2>&1; then ok "pump: two builds give the same bytes"; else fail "pump: two builds give the same bytes" "$(head -5 "$TMP/diff")"; fi

# Stable CSAF VEX tracking (build --previous-csaf): unchanged content keeps
# its version and dates on a later build; a changed statement is the next
# version, a revision of that build's date, the first release date kept.
vexdoc() { find "$1" -name '*-vex-*.json' | head -n 1; }
tracking() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["document"]["tracking"]; print(t["version"], t["initial_release_date"][:10], t["current_release_date"][:10], ",".join(r["number"] for r in t["revision_history"]))' "$1"; }
pump="$ROOT/examples/infusion-pump"
SOURCE_DATE_EPOCH=1761955200 "$DOSSIER" build "$pump" -o "$TMP/t1" --only csaf -q >/dev/null 2>&1   # 2025-11-01
SOURCE_DATE_EPOCH=1763596800 "$DOSSIER" build "$pump" -o "$TMP/t2" --only csaf -q --previous-csaf "$TMP/t1" >/dev/null 2>&1   # 2025-11-20
got=$(tracking "$(vexdoc "$TMP/t2")")
if [ "$got" = "1 2025-11-01 2025-11-01 1" ]; then ok "csaf tracking: unchanged content keeps version 1 and its dates"; else fail "csaf tracking: unchanged content keeps version 1 and its dates" "$got"; fi
if cmp -s "$(vexdoc "$TMP/t1")" "$(vexdoc "$TMP/t2")"; then ok "csaf tracking: the unchanged document is the same bytes"; else fail "csaf tracking: the unchanged document is the same bytes" ""; fi
copy_example infusion-pump changed
sed -i 's/^vex_state: not_affected/vex_state: affected/' "$TMP/changed/vulnerabilities/CVE-2024-5535.md"
SOURCE_DATE_EPOCH=1763596800 "$DOSSIER" build "$TMP/changed" -o "$TMP/t3" --only csaf -q --fail-on none --previous-csaf "$TMP/t2" >/dev/null 2>&1
got=$(tracking "$(vexdoc "$TMP/t3")")
if [ "$got" = "2 2025-11-01 2025-11-20 1,2" ]; then ok "csaf tracking: a changed statement is version 2, a revision of the build date"; else fail "csaf tracking: a changed statement is version 2, a revision of the build date" "$got"; fi
SOURCE_DATE_EPOCH=1764547200 "$DOSSIER" build "$TMP/changed" -o "$TMP/t4" --only csaf -q --fail-on none --previous-csaf "$TMP/t3/public/csaf" >/dev/null 2>&1   # 2025-12-01
got=$(tracking "$(vexdoc "$TMP/t4")")
if [ "$got" = "2 2025-11-01 2025-11-20 1,2" ]; then ok "csaf tracking: version 2 stays while nothing changes (a provider folder given)"; else fail "csaf tracking: version 2 stays while nothing changes" "$got"; fi
if [ -d "$validators/node_modules/@secvisogram/csaf-validator-lib" ] && command -v node >/dev/null 2>&1; then
    if node "$validators/csaf_check.mjs" "$(vexdoc "$TMP/t3")" >"$TMP/v3" 2>&1; then ok "csaf tracking: version 2 passes the official validator"; else fail "csaf tracking: version 2 passes the official validator" "$(head -5 "$TMP/v3")"; fi
else
    skip "csaf tracking: version 2 passes the official validator" "csaf-validator-lib not installed"
fi
expect_exit "--previous-csaf of a missing folder exits 2" 2 "$DOSSIER" build "$pump" -o "$TMP/t5" --only csaf --previous-csaf "$TMP/nothing"
