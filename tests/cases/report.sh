#!/bin/sh
# `dossier check --format text|json|sarif|junit` end to end: a complete
# dossier (tests/fixtures/check/clean) is clean in every format; a copy broken
# on purpose gives the expected findings at the lines to edit, SARIF that
# names those lines for code scanning, JUnit that CI can read, JSON whose
# summary agrees. The shipped examples/minimal is broken the same way when
# it is there. Validation against the official schemas needs
# /usr/bin/python3 with jsonschema and xmllint; without them those checks skip.
. "$(dirname "$0")/../lib.sh"

CLEAN="$ROOT/tests/fixtures/check/clean"
SARIF_SCHEMA="$SHARED/schemas-official/sarif-2.1.0.from-npm-sarif-multitool-linux-5.7.0.json"
JUNIT_XSD="$SHARED/schemas-official/junit/junit-10.xsd"
PY=/usr/bin/python3

if [ ! -x "$DOSSIER" ]; then
    skip "report" "no $DOSSIER (make all)"
    exit 0
fi
have_py=no
"$PY" -c 'import jsonschema' 2>/dev/null && have_py=yes

# sarif_valid NAME FILE
sarif_valid() {
    if [ "$have_py" = no ] || [ ! -f "$SARIF_SCHEMA" ]; then
        skip "$1" "no $PY with jsonschema, or no $SARIF_SCHEMA"
        return
    fi
    if out=$("$PY" - "$SARIF_SCHEMA" "$2" 2>&1 <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errors[:5]:
    print("/".join(map(str, e.path)), e.message[:200])
sys.exit(1 if errors else 0)
PY
    ); then ok "$1"; else fail "$1" "$out"; fi
}

# junit_valid NAME FILE
junit_valid() {
    if ! command -v xmllint >/dev/null 2>&1 || [ ! -f "$JUNIT_XSD" ]; then
        skip "$1" "no xmllint, or no $JUNIT_XSD"
        return
    fi
    if out=$(xmllint --noout --schema "$JUNIT_XSD" "$2" 2>&1); then ok "$1"; else fail "$1" "$(echo "$out" | head -5)"; fi
}

# the complete dossier: clean in every format, relative to the folder it is in
cp -R "$CLEAN" "$TMP/clean"
cd "$TMP" || exit 1
expect_exit "a complete dossier checks clean" 0 "$DOSSIER" check clean
# its only finding is the note that the MDS2 form has not been started (no mds2.xml)
if grep ': \(error\|warning\|note\): ' "$TMP/out" | grep -v '\[mds2-not-started\]' | grep -q .; then
    fail "a complete dossier has no findings but the MDS2 note" "$(head -5 "$TMP/out")"
else
    ok "a complete dossier has no findings but the MDS2 note"
fi
"$DOSSIER" check clean --format sarif >"$TMP/clean.sarif" 2>/dev/null
sarif_valid "clean SARIF is valid" "$TMP/clean.sarif"
"$DOSSIER" check clean --format junit >"$TMP/clean.xml" 2>/dev/null
junit_valid "clean JUnit is valid" "$TMP/clean.xml"
check "clean JUnit passes a test for every rule, fails none" \
    sh -c "grep -q '<testcase name=\"no findings\" classname=\"dossier.threat-mitigated\"' '$TMP/clean.xml' && ! grep -q '<failure' '$TMP/clean.xml'"

# the same dossier broken on purpose: an unmitigated threat, a planned control
# without a reason (which also leaves cryptography uncovered), and a latest
# test result of manual without a note (which leaves the controls unverified)
cp -R "$CLEAN" "$TMP/pump"
printf -- '---\nid: THR-2\ntitle: Battery drained by radio flooding\nstride: denial-of-service\nassets: [AST-1]\nattack_vector: adjacent\nexploitability_pre: medium\nseverity: serious\n---\nNobody has looked at this yet.\n' \
    >"$TMP/pump/threats/THR-2.md"
sed -i 's/^status: implemented/status: planned/' "$TMP/pump/controls/CTL-3.md"
awk '/^---$/ { n++; if (n == 2) { print "  - date: 2025-11-20"; print "    result: manual" } } { print }' \
    "$ROOT/tests/fixtures/check/clean/tests/TST-1.md" >"$TMP/pump/tests/TST-1.md"

expect_exit "a broken dossier exits 1" 1 "$DOSSIER" check pump
cp "$TMP/out" "$TMP/text"
expect_grep "unmitigated threat at its ID" "threats/THR-2.md:2:5: error: [threat-mitigated] THR-2" "$TMP/text"
expect_grep "planned control without reason at its status line" \
    "controls/CTL-3.md:6:9: error: [control-reason] CTL-3 is planned but gives no reason" "$TMP/text"
expect_grep "uncovered category at dossier.xml" "dossier.xml:2: error: [control-category]" "$TMP/text"
expect_grep "the category names the planned control" "cryptography (CTL-3 is planned)" "$TMP/text"
expect_grep "a manual latest result leaves the control unverified" \
    "controls/CTL-1.md:2:5: error: [control-verified] CTL-1 is implemented but no test passed" "$TMP/text"
expect_grep "the manual result without a note is at its line" \
    "tests/TST-1.md:16:13: warning: [test-result-reason]" "$TMP/text"
expect_exit "--fail-on none exits 0 with findings" 0 "$DOSSIER" check pump --fail-on none

"$DOSSIER" check pump --format json >"$TMP/pump.json" 2>/dev/null
"$DOSSIER" check pump --format sarif >"$TMP/pump.sarif" 2>/dev/null
"$DOSSIER" check pump --format junit >"$TMP/pump.xml" 2>/dev/null
"$DOSSIER" check pump --format sarif >"$TMP/pump2.sarif" 2>/dev/null
check "SARIF is the same bytes twice" cmp "$TMP/pump.sarif" "$TMP/pump2.sarif"
sarif_valid "broken SARIF is valid" "$TMP/pump.sarif"
junit_valid "broken JUnit is valid" "$TMP/pump.xml"

errors=$(grep -c ': error: ' "$TMP/text")
warnings=$(grep -c ': warning: ' "$TMP/text")
if "$PY" - "$TMP/pump.json" "$errors" "$warnings" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
ok = (list(d) == ["version", "findings", "summary"] and s["error"] == int(sys.argv[2])
      and s["warning"] == int(sys.argv[3]) and len(d["findings"]) == s["error"] + s["warning"] + s["note"]
      and any(f["rule"] == "threat-mitigated" and f["record"] == "THR-2" and f["line"] == 2 for f in d["findings"]))
sys.exit(0 if ok else 1)
PY
then ok "JSON parses back and agrees with the text"; else fail "JSON parses back and agrees with the text"; fi

failures=$(grep -c '<failure' "$TMP/pump.xml")
if [ "$failures" -eq "$errors" ] && grep -q '<skipped message=".*" type="warning">tests/TST-1.md:16:13' "$TMP/pump.xml"; then
    ok "JUnit: a failure per error, a skipped case per warning"
else
    fail "JUnit: a failure per error, a skipped case per warning" "$failures failures, $errors errors"
fi

# code scanning: every SARIF location resolves from the working directory (the
# repository root in CI) to a file, and the line named is the line to edit
if out=$("$PY" - "$TMP/pump.sarif" 2>&1 <<'PY'
import json, sys, urllib.parse
run = json.load(open(sys.argv[1]))["runs"][0]
want = {"threat-mitigated": "id: THR-2", "control-reason": "status: planned",
        "test-result-reason": "result: manual", "control-verified": "id: CTL-"}
seen, bad = set(), []
for r in run["results"]:
    for loc in r.get("locations", []):
        pl = loc["physicalLocation"]
        art = pl["artifactLocation"]
        if art.get("uriBaseId") != "SRCROOT":
            bad.append("no SRCROOT: %s" % art)
            continue
        path = urllib.parse.unquote(art["uri"])
        try:
            lines = open(path, encoding="utf-8").read().split("\n")
        except OSError as e:
            bad.append("%s: %s" % (path, e))
            continue
        line = pl.get("region", {}).get("startLine")
        if line is None:
            continue
        text = lines[line - 1] if line <= len(lines) else ""
        col = pl["region"].get("startColumn")
        if r["ruleId"] in want:
            seen.add(r["ruleId"])
            if want[r["ruleId"]] not in text:
                bad.append("%s at %s:%d is %r" % (r["ruleId"], path, line, text))
        if col and col > len(text) + 1:
            bad.append("%s:%d has no column %d" % (path, line, col))
missing = set(want) - seen
print("\n".join(bad + ["no %s result" % m for m in sorted(missing)]))
sys.exit(1 if bad or missing else 0)
PY
); then ok "SARIF locations resolve to the files and lines to edit"; else fail "SARIF locations resolve to the files and lines to edit" "$out"; fi

# the shipped minimal example, broken the same way, when it is there
if [ -d "$ROOT/examples/minimal" ]; then
    copy_example minimal minimal
    ctl=$(ls "$TMP/minimal/controls" | head -n 1)
    if [ -n "$ctl" ] && grep -q '^status: implemented' "$TMP/minimal/controls/$ctl"; then
        sed -i 's/^status: implemented/status: planned/; /^reason:/d' "$TMP/minimal/controls/$ctl"
        "$DOSSIER" check minimal >"$TMP/minimal.txt" 2>&1
        expect_grep "examples/minimal: a planned control without reason" "controls/$ctl:" "$TMP/minimal.txt"
        expect_grep "examples/minimal: the finding names the rule" "[control-reason]" "$TMP/minimal.txt"
        "$DOSSIER" check minimal --format sarif >"$TMP/minimal.sarif" 2>/dev/null
        sarif_valid "examples/minimal: SARIF is valid" "$TMP/minimal.sarif"
        "$DOSSIER" check minimal --format junit >"$TMP/minimal.xml" 2>/dev/null
        junit_valid "examples/minimal: JUnit is valid" "$TMP/minimal.xml"
    else
        skip "examples/minimal" "its first control is not implemented; nothing to break"
    fi
else
    skip "examples/minimal" "not there yet"
fi
