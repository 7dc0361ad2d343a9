#!/bin/sh
# The edition of the FDA premarket cybersecurity guidance: dossier.xml names
# it, every document of the bundle states it under its header, and the check
# stage decides it once: without <guidance>, the edition in force on the
# build date, with a warning; an edition superseded by, or later than, the
# build date is a warning too.
. "$(dirname "$0")/../lib.sh"

O="$TMP/pump"
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$O" --only bundle -q >/dev/null 2>&1
n=$(ls "$O"/premarket/*.html | wc -l)
k=$(grep -l 'Prepared following the FDA guidance <cite>Cybersecurity in Medical Devices: Quality System Considerations and Content of Premarket Submissions</cite>, June 27, 2025.' "$O"/premarket/*.html | wc -l)
if [ "$n" -gt 5 ] && [ "$n" = "$k" ]; then ok "every document of the bundle names the edition ($k of $n)"
else fail "every document of the bundle names the edition" "$k of $n"; fi
expect_grep "the index too" "(June 27, 2025), Appendix 4" "$O/premarket/index.html"

D="$TMP/g"
copy_example minimal g
sed -i '/<guidance /d' "$D/dossier.xml"
"$DOSSIER" check "$D" >"$TMP/check" 2>&1
expect_grep "without <guidance>, a warning that says which edition the documents follow" \
    "warning: [guidance-edition] dossier.xml names no edition of the FDA premarket cybersecurity guidance: the documents follow the one in force on the build date, June 27, 2025 (2025-12-01)" "$TMP/check"
"$DOSSIER" build "$D" -o "$TMP/g-out" --only bundle -q --fail-on none >/dev/null 2>&1
expect_grep "and the documents say it was not named" "(the edition in force on the build date; dossier.xml names none)" "$TMP/g-out/premarket/06-testing.html"
SOURCE_DATE_EPOCH=1680307200 "$DOSSIER" check "$D" >"$TMP/check-2023" 2>&1 # 2023-04-01
expect_grep "before the 2023 edition was issued, none is in force: the oldest is followed" "the documents follow the one in force on the build date, September 27, 2023 (2023-04-01)" "$TMP/check-2023"

sed -i 's|<cvd |<guidance edition="2023-09-27"/>\n  <cvd |' "$D/dossier.xml"
"$DOSSIER" check "$D" >"$TMP/check2" 2>&1
expect_grep "a superseded edition is a warning at its element" \
    "dossier.xml:27: warning: [guidance-edition] the guidance edition of September 27, 2023 was superseded by the edition of June 27, 2025 before the build date, 2025-12-01" "$TMP/check2"
sed -i 's|<guidance edition="2023-09-27"/>|<guidance edition="2026-02-03"/>|' "$D/dossier.xml"
"$DOSSIER" check "$D" >"$TMP/check3" 2>&1
expect_grep "an edition issued after the build date is a warning at its element" "dossier.xml:27: warning: [guidance-edition] the guidance edition of February 3, 2026 is later than the build date, 2025-12-01" "$TMP/check3"
"$DOSSIER" build "$D" -o "$TMP/g-out2" --only bundle -q --fail-on none >/dev/null 2>&1
expect_grep "the 2026 edition's title says Quality Management System" "Quality Management System Considerations" "$TMP/g-out2/premarket/index.html"
sed -i 's|<guidance edition="2026-02-03"/>|<guidance edition="2024"/>|' "$D/dossier.xml"
expect_exit "an edition that is not one" 1 "$DOSSIER" check "$D"
expect_grep "is refused by the schema, located" "dossier.xml:27" "$TMP/out"
