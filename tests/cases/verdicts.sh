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

copy_example minimal cyber
sed -i 's/<cyberDevice value="yes"/<cyberDevice value="no"/' "$TMP/cyber/dossier.xml"
verdict "cyberDevice no on a Bluetooth device" "$TMP/cyber" cyber-device "dossier.xml:13" "524B(c)"
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
