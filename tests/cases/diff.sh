#!/bin/sh
# tests/cases/diff.sh: dossier diff on two versions of the infusion pump:
# an older copy with a changed field, a risk not yet accepted, an older
# FreeRTOS, an earlier end of support, a vulnerability not yet known, one
# still open and a record since removed; text, JSON and HTML; unzipped bundles; bad usage.
. "$(dirname "$0")/../lib.sh"
NEW="$ROOT/examples/infusion-pump"
copy_example infusion-pump old
OLD="$TMP/old"
python3 - "$OLD" <<'PY'
import re, sys, pathlib
d = pathlib.Path(sys.argv[1])
def edit(rel, f):
    p = d / rel
    p.write_text(f(p.read_text()))
edit("threats/THR-001.md", lambda s: re.sub(r"^severity: \w+$", "severity: negligible", s, count=1, flags=re.M))
# THR-011 had no risk acceptance yet: drop the accepted: block
edit("threats/THR-011.md", lambda s: re.sub(r"^accepted:\n(?:[ ].*\n|\n)*", "", s, count=1, flags=re.M))
edit("sbom/pump-firmware.cdx.json", lambda s: s.replace('"version": "10.5.1"', '"version": "10.4.6"')
     .replace("freertos-kernel@10.5.1", "freertos-kernel@10.4.6"))
edit("vulnerabilities/VUL-001.md", lambda s: re.sub(r"^fixed: .*\n", "", s.replace("vex_state: fixed", "vex_state: affected"), flags=re.M))
edit("sbom/support.yaml", lambda s: s.replace("    end_of_support: 2027-12-31\n", "    end_of_support: 2026-12-31\n", 1))
(d / "vulnerabilities/VUL-002.md").unlink()
(d / "anomalies/ANO-099.md").write_text("---\nid: ANO-099\ntitle: An anomaly resolved since\ncwe: CWE-20\n"
    "security_impact: low\nrationale: Input length not checked.\n---\nFixed before this release.\n")
PY

expect_exit "diff of two versions exits 1" 1 "$DOSSIER" diff "$OLD" "$NEW"
cp "$TMP/out" "$TMP/diff.txt"
expect_grep "text: changed field by name" "THR-001 severity: negligible -> " "$TMP/diff.txt"
expect_grep "text: new accepted risk" "New accepted risks (1)" "$TMP/diff.txt"
expect_grep "text: the accepted threat named" "  THR-011  " "$TMP/diff.txt"
expect_grep "text: component upgraded" "freertos-kernel 10.4.6 -> 10.5.1" "$TMP/diff.txt"
expect_grep "text: new vulnerability" "New vulnerabilities (1)" "$TMP/diff.txt"
expect_grep "text: new vulnerability named" "  VUL-002  " "$TMP/diff.txt"
expect_grep "text: closed vulnerability" "Closed vulnerabilities (1)" "$TMP/diff.txt"
expect_grep "text: the closed one named" "  VUL-001  " "$TMP/diff.txt"
expect_grep "text: removed record" "  ANO-099  An anomaly resolved since  [anomaly]" "$TMP/diff.txt"
expect_grep "text: support change" "Component support changed (1 fields)" "$TMP/diff.txt"
expect_grep "text: the support change named" "CMP-arm-cmsis-core-5.6.0 end_of_support: 2026-12-31 -> 2027-12-31" "$TMP/diff.txt"

"$DOSSIER" diff "$OLD" "$NEW" --format json >"$TMP/diff.json" 2>/dev/null
if python3 - "$TMP/diff.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = lambda k: [r["id"] for r in d[k]]
assert "ANO-099" in ids("removed"), d["removed"]
assert "VUL-002" in ids("added") and ids("new_vulnerabilities") == ["VUL-002"]
assert ids("new_accepted_risks") == ["THR-011"] and ids("closed_vulnerabilities") == ["VUL-001"]
assert any(c["id"] == "THR-001" and c["field"] == "severity" and c["old"] == "negligible" for c in d["changed"])
assert any(u.startswith("freertos-kernel 10.4.6 -> 10.5.1") for u in d["components_upgraded"])
PY
then ok "json: every kind of change"; else fail "json: every kind of change" "$(head -c 300 "$TMP/diff.json")"; fi

"$DOSSIER" diff "$OLD" "$NEW" --format html >"$TMP/diff.html" 2>/dev/null
expect_grep "html: a page" "<h1>Changes since the last submission</h1>" "$TMP/diff.html"
expect_grep "html: changed field" '<td><span class="id">THR-001</span> Spoofed gateway sends infusion programs to pumps over Wi-Fi</td><td>severity</td><td>negligible</td>' "$TMP/diff.html"
if command -v xmllint >/dev/null 2>&1; then
    check "html: well-formed enough for an HTML parser" xmllint --html --noout "$TMP/diff.html"
fi

expect_exit "diff of a dossier with itself exits 0" 0 "$DOSSIER" diff "$NEW" "$NEW"
expect_grep "nothing changed says so" "Records changed (0 fields)" "$TMP/out"

"$DOSSIER" build "$OLD" -o "$TMP/old-out" --only bundle --fail-on none -q 2>/dev/null
"$DOSSIER" build "$NEW" -o "$TMP/new-out" --only bundle -q 2>/dev/null
expect_exit "diff of two unzipped bundles" 1 "$DOSSIER" diff "$TMP/old-out/premarket" "$TMP/new-out/premarket"
expect_grep "bundles: same changes" "freertos-kernel 10.4.6 -> 10.5.1" "$TMP/out"

expect_exit "diff needs two folders" 2 "$DOSSIER" diff "$OLD"
expect_exit "diff --format xml is refused" 2 "$DOSSIER" diff "$OLD" "$NEW" --format xml

expect_exit "diff of two premarket ZIPs" 1 "$DOSSIER" diff "$TMP"/old-out/*.zip "$TMP"/new-out/*.zip
expect_grep "ZIPs: same changes" "Closed vulnerabilities (1)" "$TMP/out"
python3 - "$TMP/evil.zip" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w")
z.writestr("records/dossier.xml", "<dossier/>")
z.writestr("../../diff-escaped.txt", "out")
z.close()
PY
expect_exit "diff: a ZIP entry outside the folder is refused" 2 "$DOSSIER" diff "$TMP/evil.zip" "$NEW"
expect_grep "refusal named" "refusing to write '../../diff-escaped.txt'" "$TMP/out"
check "nothing written outside" test ! -e /tmp/diff-escaped.txt

# a folder that holds no dossier is refused, not read as an empty one
mkdir -p "$TMP/empty"
expect_exit "diff of a folder without dossier.xml exits 2" 2 "$DOSSIER" diff "$TMP/empty" "$ROOT/examples/minimal"
expect_grep "diff names the folder without dossier.xml" "holds no dossier.xml" "$TMP/out"
"$DOSSIER" build -q "$ROOT/examples/minimal" -o "$TMP/out-a" >/dev/null 2>&1
expect_exit "diff of two build output folders of the same dossier finds nothing" 0 "$DOSSIER" diff "$TMP/out-a" "$TMP/out-a"

# a summary first, list fields as items, verdicts that changed
expect_grep "text: a summary first" "Summary" "$TMP/diff.txt"
expect_grep "text: changes counted per type" "changed: 5 (2 threats, 2 components, 1 vulnerability)" "$TMP/diff.txt"
expect_grep "text: a list field as the items added and removed" "depends_on: + CMP-freertos-kernel-10.5.1; - CMP-freertos-kernel-10.4.6" "$TMP/diff.txt"
copy_example infusion-pump failing
python3 - "$TMP/failing" <<'PY'
import re, sys, pathlib
p = pathlib.Path(sys.argv[1]) / "tests/TST-024.md"
s = p.read_text()
p.write_text(s.replace("results:\n", "results:\n  - date: 2025-10-05\n    result: fail\n    release: 3.2.0\n", 1))
PY
expect_exit "diff after a test failed exits 1" 1 "$DOSSIER" diff "$NEW" "$TMP/failing"
expect_grep "the control that became unverified is in the summary" "CTL-031  Signed firmware update packages  [control] verified -> " "$TMP/out"
expect_grep "the test's verdict changed too" "TST-024  Signed packages and anti-rollback  [test] pass -> fail" "$TMP/out"
expect_exit "diff --format json after a test failed" 1 "$DOSSIER" diff "$NEW" "$TMP/failing" --format json
if command -v jq >/dev/null 2>&1; then
    check "json: verdicts_changed names the control and its rule" jq -e '[.verdicts_changed[] | select(.id == "CTL-031" and .old == "verified" and (.rule | type) == "string")] | length == 1' "$TMP/out"
    check "json: the summary counts the changed test" jq -e '.summary.changed.test == 1' "$TMP/out"
else
    skip "json: verdicts_changed names the control and its rule" "jq is not installed"
    skip "json: the summary counts the changed test" "jq is not installed"
fi
# bookkeeping: a renamed SBOM file changes where components came from, nothing else
copy_example infusion-pump renamed
mv "$TMP/renamed/sbom/pump-firmware.cdx.json" "$TMP/renamed/sbom/pump-firmware-3.2.0.cdx.json"
expect_exit "a renamed SBOM file is no change" 0 "$DOSSIER" diff "$NEW" "$TMP/renamed"
expect_grep "no record changed" "changed: 0" "$TMP/out"
expect_exit "with --all it is" 1 "$DOSSIER" diff "$NEW" "$TMP/renamed" --all
expect_grep "--all shows where components came from" "sboms: + sbom/pump-firmware-3.2.0.cdx.json; - sbom/pump-firmware.cdx.json" "$TMP/out"
expect_exit "--all applies to diff only" 2 "$DOSSIER" check "$NEW" --all
expect_exit "html after a test failed" 1 "$DOSSIER" diff "$NEW" "$TMP/failing" --format html
expect_grep "html: long values wrap" "overflow-wrap:anywhere" "$TMP/out"
expect_grep "html: the verdicts that changed" "<h2>Summary</h2>" "$TMP/out"
# the HTML page is a template (lua-templates/diff/), which NEW's own templates/ override
copy_example infusion-pump themed
mkdir -p "$TMP/themed/templates/diff"
printf '{%% local c = model.changes %%}<p>Our own page: %s added, first {{ c.added[1].id }}</p>\n' '{{ c.nadded }}' >"$TMP/themed/templates/diff/page.html"
expect_exit "html with the NEW dossier's own diff template" 1 "$DOSSIER" diff "$OLD" "$TMP/themed" --format html
expect_grep "html: the dossier's template rendered the page" "<p>Our own page: 2 added, first CMP-freertos-kernel-10.5.1</p>" "$TMP/out"
expect_exit "html: a template that fails is a template error" 3 sh -c 'printf "{{ model.changes.nope }}" >"$1/templates/diff/page.html" && "$2" diff "$3" "$1" --format html' sh "$TMP/themed" "$DOSSIER" "$OLD"
