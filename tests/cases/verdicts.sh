#!/bin/sh
# One judgment: a defect that the bundle's 524B/eSTAR checklist marks as
# failed is a finding `check` can gate on, with its rule and location, and
# the checklist item says fail from the same finding. One mutated dossier a
# defect.
. "$(dirname "$0")/../lib.sh"

# verdict NAME DIR RULE LOCATION REF: check fails with RULE at LOCATION, and
# the checklist item REF of a build with --fail-on none says fail.
verdict() {
    vn=$1; d=$2; rule=$3; loc=$4; ref=$5
    expect_exit "$vn: check fails" 1 "$DOSSIER" check "$d"
    expect_grep "$vn: the $rule rule, located" "$loc: error: [$rule]" "$TMP/out"
    "$DOSSIER" build "$d" -o "$d-out" --only bundle --fail-on none -q >/dev/null 2>&1
    state=$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
print(' '.join(i['state'] for i in d['items'] if i['ref'] == sys.argv[2]))" "$d-out/premarket/checklist.json" "$ref" 2>/dev/null)
    if [ "$state" = fail ]; then ok "$vn: the checklist's $ref says fail"; else fail "$vn: the checklist's $ref says fail" "state '$state'"; fi
}

copy_example minimal unthreatened
sed 's/^id: AST-001/id: AST-002/' "$ROOT/examples/minimal/assets/AST-001.md" >"$TMP/unthreatened/assets/AST-002.md"
verdict "an asset no threat names" "$TMP/unthreatened" asset-threatened "assets/AST-002.md:2:5" "eSTAR 64"

# the same asset, justified in dossier.xml: no finding, the item passes
cp -R "$TMP/unthreatened" "$TMP/justified"
sed -i 's|<justifications>|<justifications>\n    <justify kind="threat-coverage" name="AST-002" state="not-applicable">A spare unit in the depot: no interface is enabled.</justify>|' "$TMP/justified/dossier.xml"
expect_exit "an asset no threat names, justified: check passes" 0 "$DOSSIER" check "$TMP/justified"
"$DOSSIER" build "$TMP/justified" -o "$TMP/justified-out" --only bundle -q >/dev/null 2>&1
got=$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
print(' '.join(i['state'] for i in d['items'] if i['ref'] == 'eSTAR 64'))" "$TMP/justified-out/premarket/checklist.json" 2>/dev/null)
if [ "$got" = pass ]; then ok "an asset no threat names, justified: eSTAR 64 passes"; else fail "an asset no threat names, justified: eSTAR 64 passes" "state '$got'"; fi
sed -i 's|name="AST-002" state="not-applicable"|name="AST-001" state="not-applicable"|' "$TMP/justified/dossier.xml"
expect_exit "a threat-coverage justification of an asset a threat names: flagged, and AST-002 is back" 1 "$DOSSIER" check --fail-on note "$TMP/justified"
expect_grep "a stale threat-coverage justification: justification-unused" "[justification-unused] AST-001 is justified as not-applicable but a threat names it" "$TMP/out"
expect_grep "the unjustified asset is a finding again" "[asset-threatened] AST-002" "$TMP/out"

copy_example minimal cyber
sed -i 's/<cyberDevice value="yes"/<cyberDevice value="no"/' "$TMP/cyber/dossier.xml"
verdict "cyberDevice no on a Bluetooth device" "$TMP/cyber" cyber-device "dossier.xml:14" "524B(c)"
expect_grep "cyberDevice no: names the asset and its interface" "AST-001 has an interface whose name is 'Bluetooth LE'" "$TMP/out"

# the unmutated examples: no such finding, the items pass
for ex in minimal infusion-pump; do
    "$DOSSIER" check "$ROOT/examples/$ex" >"$TMP/out" 2>&1
    if grep -q 'asset-threatened\|cyber-device' "$TMP/out"; then fail "$ex: no asset-threatened or cyber-device finding"
    else ok "$ex: no asset-threatened or cyber-device finding"; fi
done

# Files records name: evidence that does not exist, a diagram outside the
# dossier, a diagram that is a link, an evidence file of an unknown kind
copy_example infusion-pump files
sed -i 's|evidence: evidence/3.2.0/TST-001.txt|evidence: evidence/3.2.0/TST-001-missing.txt|' "$TMP/files/tests/TST-001.md"
sed -i 's|^diagram: diagrams/VIEW-001-global-system.svg|diagram: ../../etc/passwd.svg|' "$TMP/files/views/VIEW-001.md"
ln -sf /usr/share/pixmaps/debian-logo.png "$TMP/files/diagrams/linked.png"
sed -i 's|^diagram: diagrams/VIEW-002-multi-patient-harm.svg|diagram: diagrams/linked.png|' "$TMP/files/views/VIEW-002.md"
expect_exit "files records name: check fails" 1 "$DOSSIER" check "$TMP/files"
expect_grep "missing evidence: the evidence-file rule, located" "tests/TST-001.md:31:15: error: [evidence-file] TST-001: the evidence 'evidence/3.2.0/TST-001-missing.txt' is not a file in the dossier" "$TMP/out"
expect_grep "a diagram outside the dossier: refused" "VIEW-001: the diagram '../../etc/passwd.svg' leaves" "$TMP/out"
expect_grep "a diagram that is a link: refused" "VIEW-002: the diagram 'diagrams/linked.png' is not a file in the dossier" "$TMP/out"
"$DOSSIER" build "$TMP/files" -o "$TMP/files-out" --only bundle --fail-on none -q >/dev/null 2>&1
for ref in "eSTAR 77" "eSTAR 66, 76"; do
    state=$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
print(' '.join(i['state'] for i in d['items'] if i['ref'] == sys.argv[2]))" "$TMP/files-out/premarket/checklist.json" "$ref" 2>/dev/null)
    if [ "$state" = fail ]; then ok "files records name: the checklist's $ref says fail"; else fail "files records name: the checklist's $ref says fail" "state '$state'"; fi
done

# Audiences: an internal field a public document needs is a finding at check
# time, never a template error at build time
copy_example infusion-pump title
sed -i 's/^owner: Pump Firmware Lead$/owner: Pump Firmware Lead\ninternal_fields: [title]/' "$TMP/title/assets/AST-001.md"
expect_exit "an internal title on a public record: check fails" 1 "$DOSSIER" check "$TMP/title"
expect_grep "an internal title: the audience-conflict rule, located" "assets/AST-001.md:6:19: error: [audience-conflict]" "$TMP/out"
expect_exit "an internal title: build --fail-on none writes no public output (exit 1, no template error)" 1 \
    "$DOSSIER" build "$TMP/title" -o "$TMP/title-out" --fail-on none -q
check "an internal title: the internal outputs are written" test -f "$TMP/title-out/premarket/index.html"

# ---- the verdict layer: every judgment once, in the check stage ----------

# agree NAME DIR: the checklist of a build and the findings of check say the
# same, item by item: an item that fails has an error of its rules, one that
# is unknown a warning; an item that passes has no error or warning of its
# rules over its records. (checklist.json names each item's rules.)
agree() {
    an=$1; d=$2
    "$DOSSIER" check --format json --fail-on none "$d" >"$TMP/findings.json" 2>/dev/null
    "$DOSSIER" build "$d" -o "$d-agree" --only bundle --fail-on none -q >/dev/null 2>&1
    if python3 - "$d-agree/premarket/checklist.json" "$TMP/findings.json" >"$TMP/agree" 2>&1 <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))["items"]
findings = json.load(open(sys.argv[2]))["findings"]
bad = []
for it in items:
    rules = set(it["rules"])
    recs = set(it["records"])
    mine = [f for f in findings if f["rule"] in rules and f["severity"] in ("error", "warning")]
    errors = [f for f in mine if f["severity"] == "error"]
    if it["state"] == "fail" and not errors:
        bad.append("%s fails with no error of %s" % (it["ref"], sorted(rules)))
    if it["state"] == "unknown" and not mine:
        bad.append("%s is unknown with no finding of %s" % (it["ref"], sorted(rules)))
    if it["state"] == "unknown" and errors:
        bad.append("%s is unknown over an error (%s)" % (it["ref"], errors[0]["rule"]))
    if it["state"] == "pass":
        over = [f for f in mine if f["record"] is None or f["record"] in recs]
        if over:
            bad.append("%s passes over %s" % (it["ref"], over[0]["rule"]))
    if it["state"] not in ("pass", "fail", "unknown", "manual", "not-applicable"):
        bad.append("%s has the state %s" % (it["ref"], it["state"]))
if not items:
    bad.append("no checklist items")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
    then ok "$an: the checklist and the findings agree item by item"
    else fail "$an: the checklist and the findings agree item by item" "$(head -5 "$TMP/agree")"
    fi
}

# state_of DIR REF: the checklist state of item REF in DIR-agree (after agree)
state_of() {
    python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
print(' '.join(i['state'] for i in d['items'] if i['ref'] == sys.argv[2]))" "$1-agree/premarket/checklist.json" "$2" 2>/dev/null
}

for ex in minimal infusion-pump; do
    copy_example "$ex" "agree-$ex"
    agree "$ex" "$TMP/agree-$ex"
done

# a control whose JUnit case was skipped in its latest run: not verified
copy_example infusion-pump skipped
rm "$TMP/skipped/tests/results/pump-integration-3.2.0.xml"
verdict "a skipped test on a control" "$TMP/skipped" control-test-incomplete "controls/CTL-002.md:2:5" "eSTAR 77"
expect_grep "a skipped test: the finding names the test, its result and its note" \
    "TST-tests.comms.test_ble-test_ctl_002_pairing_needs_front_panel skipped on 2025-09-23 (pytest.skip: needs the BLE sniffer rig" "$TMP/out"
agree "a skipped test" "$TMP/skipped"
grep -F 'CTL-002' "$TMP/skipped-agree/premarket/traceability.csv" >"$TMP/rows"
expect_grep "a skipped test: the matrix marks the gap" "Latest result is skipped" "$TMP/rows"

# an end-of-support plan past its due date, carried out by nothing
copy_example infusion-pump overdue
python3 - "$TMP/overdue/sbom/support.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("pkg:generic/freertos-kernel@10.5.1")
j = s.index("due: 2026-03-31", i)
open(p, "w").write(s[:j] + "due: 2025-09-30" + s[j + len("due: 2026-03-31"):])
PY
verdict "an overdue end-of-support plan" "$TMP/overdue" component-eos-overdue "sbom/support.yaml:18:12" "eSTAR 70"
agree "an overdue end-of-support plan" "$TMP/overdue"

# a risk field the risk acceptance matrix contradicts
copy_example infusion-pump riskcell
sed -i 's/^exploitability_post: remote$/exploitability_post: medium/' "$TMP/riskcell/threats/THR-001.md"
verdict "risk: acceptable at catastrophic x medium" "$TMP/riskcell" threat-risk-matrix "threats/THR-001.md:11:7" "eSTAR 67, 68"
expect_grep "the risk-matrix finding names the matrix row" "dossier.xml:66) makes catastrophic severity at medium exploitability not-acceptable" "$TMP/out"
agree "a risk field against the matrix" "$TMP/riskcell"

# without a matrix, the residual risk is taken on trust: a warning, and the item is unknown
copy_example minimal nomatrix
python3 - "$TMP/nomatrix/dossier.xml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
open(p, "w").write(re.sub(r"<riskAcceptance>.*?</riskAcceptance>", "", s, flags=re.S))
PY
expect_exit "no risk acceptance matrix: check passes at the default level" 0 "$DOSSIER" check "$TMP/nomatrix"
expect_grep "no risk acceptance matrix: a risk-matrix warning" "warning: [risk-matrix]" "$TMP/out"
agree "no risk acceptance matrix" "$TMP/nomatrix"
got=$(state_of "$TMP/nomatrix" "eSTAR 67, 68")
if [ "$got" = unknown ]; then ok "no risk acceptance matrix: eSTAR 67, 68 is unknown"; else fail "no risk acceptance matrix: eSTAR 67, 68 is unknown" "state '$got'"; fi

# a category of testing with no test
copy_example minimal nopen
for f in "$TMP"/nopen/tests/*.md; do sed -i 's/^category: penetration$/category: vulnerability/' "$f"; done
verdict "no penetration test" "$TMP/nopen" test-category "tests/TST-001.md:2:5" "eSTAR 77"
agree "no penetration test" "$TMP/nopen"

# an anomaly fixed in the release submitted is not an unresolved anomaly of it
copy_example infusion-pump anomaly
expect_exit "an anomaly fixed in the release submitted: --fail-on note fails" 1 "$DOSSIER" check --fail-on note "$TMP/anomaly"
expect_grep "an anomaly fixed in the release submitted: the anomaly-resolved note, located" \
    "anomalies/ANO-002.md:7:11: note: [anomaly-resolved] ANO-002 is fixed in REL-3.2.0, the release submitted" "$TMP/out"
"$DOSSIER" build "$TMP/anomaly" -o "$TMP/anomaly-out" --only bundle -q >/dev/null 2>&1
sed -n '/<table>/,/<\/table>/p' "$TMP/anomaly-out/premarket/01e-unresolved-anomalies.html" >"$TMP/unresolved"
if grep -q 'ANO-001' "$TMP/unresolved" && ! grep -q 'ANO-002' "$TMP/unresolved"; then
    ok "01e lists ANO-001 as unresolved and not ANO-002, fixed in 3.2.0"
else
    fail "01e lists ANO-001 as unresolved and not ANO-002, fixed in 3.2.0" "$(head -5 "$TMP/unresolved")"
fi
expect_grep "01e lists ANO-002 as resolved" "Oldest security events" "$TMP/unresolved"
# the same anomaly, fixed in a later release only: unresolved again
sed -i 's/^fixed_in: REL-3.2.0$//' "$TMP/anomaly/anomalies/ANO-002.md"
"$DOSSIER" build "$TMP/anomaly" -o "$TMP/anomaly-out2" --only bundle -q >/dev/null 2>&1
sed -n '/<table>/,/<\/table>/p' "$TMP/anomaly-out2/premarket/01e-unresolved-anomalies.html" >"$TMP/unresolved"
expect_grep "without fixed_in, ANO-002 is unresolved" "ANO-002" "$TMP/unresolved"

# the counts of the risk management report are the check stage's: three formally accepted
# threats; 28 mitigated, two of them (THR-027, THR-028) from the Threat Dragon model
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$TMP/pump-out" --only bundle -q >/dev/null 2>&1
expect_grep "the risk management report counts the formally accepted threats" \
    "28 mitigated by controls in place, 3 with risk formally accepted" "$TMP/pump-out/premarket/01-security-risk-management-report.html"

# a not-affected vulnerability is never shown as open
copy_example infusion-pump notaffected
v=$(grep -l '^vex_state: not_affected' "$TMP"/notaffected/vulnerabilities/*.md | head -1)
if [ -n "$v" ]; then
    id=$(basename "$v" .md)
    "$DOSSIER" build "$TMP/notaffected" -o "$TMP/na-out" --only bundle -q >/dev/null 2>&1
    grep -F "$id" "$TMP/na-out/premarket/01d-vulnerability-assessment.html" >"$TMP/row"
    if grep -q '>open<' "$TMP/row"; then fail "a not-affected vulnerability ($id) is not shown as open in 01d" "$(head -c 300 "$TMP/row")"
    else expect_grep "a not-affected vulnerability ($id) shows as not affected in 01d" "not affected" "$TMP/row"; fi
else
    skip "a not-affected vulnerability is not shown as open" "the example has no vulnerability with vex_state: not_affected"
fi

# whitepaper.md with a byte that is not UTF-8: a file-read error at check time
copy_example infusion-pump badutf8
printf '\nA broken byte: \377 here.\n' >>"$TMP/badutf8/whitepaper.md"
expect_exit "invalid UTF-8 in whitepaper.md: check fails" 1 "$DOSSIER" check "$TMP/badutf8"
expect_grep "invalid UTF-8 in whitepaper.md: located at the byte" "whitepaper.md:$(wc -l <"$TMP/badutf8/whitepaper.md"):16: error: [file-read]" "$TMP/out"
expect_grep "invalid UTF-8 in whitepaper.md: says UTF-8" "UTF-8" "$TMP/out"

# no verdict is computed in the bundle's templates
if grep -nE 'by_findings|M\.findings\(\{|add\(item\(|\.date *>=|\.result *[~=]=|#t\.rel\.mitigated_by *>|fields\.risk *==' "$ROOT"/lua-templates/bundle/*.lua "$ROOT"/lua-templates/bundle/*.html "$ROOT"/lua-templates/bundle/*.json >"$TMP/logic"; then
    fail "lua-templates/bundle/ decides no verdict (no pass/fail or latest-result logic)" "$(head -5 "$TMP/logic")"
else
    ok "lua-templates/bundle/ decides no verdict (no pass/fail or latest-result logic)"
fi
