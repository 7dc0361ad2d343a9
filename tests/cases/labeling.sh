#!/bin/sh
# The labeling (premarket guidance VI.A) as records: each of the fourteen
# items the FDA recommends is answered by a labeling record (where the
# labeling gives it, or why it does not apply); the check stage decides
# each item's state and the checklist's VI.A item, 07-labeling shows them.
. "$(dirname "$0")/../lib.sh"

O="$TMP/pump"
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$O" --only bundle -q >/dev/null 2>&1
L="$O/premarket/07-labeling.html"
n=$(grep -c '<span class="badge badge-[a-z-]*">provided</span>' "$L")
if [ "$n" = 14 ]; then ok "07: the example answers all fourteen items"; else fail "07: the example answers all fourteen items" "$n provided"; fi
expect_grep "07: each says where the labeling gives it" "Cadence Security Guide rev D, appendix A (Ports and protocols)" "$L"
expect_grep "07: and links the records it rests on" 'CTL-029' "$L"
sed -n '/VI.A/,/<\/tr>/p' "$O/premarket/checklist.html" >"$TMP/via"
expect_grep "the checklist's VI.A item passes" "Each of the 14 labeling items is answered" "$TMP/via"

D="$TMP/lab"
copy_example minimal lab
rm "$D/records/labeling.xml"
"$DOSSIER" check "$D" >"$TMP/check" 2>&1
expect_grep "without labeling records, one warning names the items" \
    "warning: [labeling-item] 14 of the 14 labeling items the FDA recommends (guidance VI.A) have no labeling record" "$TMP/check"
"$DOSSIER" build "$D" -o "$TMP/lab-out" --only bundle -q --fail-on none >/dev/null 2>&1
expect_grep "07 marks each missing" "no labeling record [labeling-item]" "$TMP/lab-out/premarket/07-labeling.html"
sed -n '/VI.A/,/<\/tr>/p' "$TMP/lab-out/premarket/checklist.html" >"$TMP/via2"
expect_grep "the checklist's VI.A item is unknown" "0 of the 14 labeling items the FDA recommends are answered" "$TMP/via2"

cp "$ROOT/examples/minimal/records/labeling.xml" "$D/records/labeling.xml"
sed -i 's|<reason>There is no user configuration beyond the pairing.</reason>||' "$D/records/labeling.xml"
sed -i 's|<document>User guide 1.0, section 9</document>||' "$D/records/labeling.xml"
sed -i 's|<item>decommissioning</item>|<item>sbom</item>|' "$D/records/labeling.xml"
"$DOSSIER" check "$D" >"$TMP/check2" 2>&1
expect_grep "a not-applicable item without a reason is an error at its status" "records/labeling.xml:30: error: [labeling-reason] LAB-10: the labeling item configuration-retention does not apply: say why (reason)" "$TMP/check2"
expect_grep "a provided item says where" "[labeling-item] LAB-13: say where the labeling gives end-of-support" "$TMP/check2"
expect_grep "an item answered twice" "[labeling-item] LAB-14 answers the labeling item sbom, which LAB-05 answers already" "$TMP/check2"
expect_grep "and the item left out is named" "[labeling-item] 1 of the 14 labeling items the FDA recommends (guidance VI.A) have no labeling record saying where the labeling gives them or why they do not apply: decommissioning" "$TMP/check2"
"$DOSSIER" build "$D" -o "$TMP/lab-out2" --only bundle -q --fail-on none >/dev/null 2>&1
sed -n '/VI.A/,/<\/tr>/p' "$TMP/lab-out2/premarket/checklist.html" >"$TMP/via3"
expect_grep "an error makes the checklist's VI.A item fail" "A not-applicable labeling item gives no reason" "$TMP/via3"
