#!/bin/sh
# The whitepaper through dossier build: examples/infusion-pump/whitepaper.md
# becomes one print-ready page with every directive replaced by data, the
# same bytes twice; a dossier's templates/whitepaper/ shadows the default;
# a dossier without whitepaper.md gets none.
. "$(dirname "$0")/../lib.sh"

ex="$ROOT/examples/infusion-pump"
"$DOSSIER" check "$ex" >"$TMP/check" 2>&1
if grep -q 'whitepaper' "$TMP/check"; then fail "pump: no finding about whitepaper.md" "$(grep whitepaper "$TMP/check" | head -3)"; else ok "pump: no finding about whitepaper.md"; fi

expect_exit "pump: builds the whitepaper" 0 "$DOSSIER" build "$ex" -o "$TMP/pump" --only whitepaper --fail-on none
w="$TMP/pump/public/whitepaper.html"
check "pump: writes public/whitepaper.html" test -s "$w"
if grep -q '{{' "$w"; then fail "pump: every directive is replaced" "$(grep -n '{{' "$w" | head -3)"; else ok "pump: every directive is replaced"; fi
expect_grep "pump: the prose" "<h1>Cadence Infusion System: security whitepaper</h1>" "$w"
expect_grep "pump: controls by category" 'id="CTL-011"' "$w"
expect_grep "pump: logging controls" 'id="CTL-024"' "$w"
expect_grep "pump: interfaces and ports" "8443/tcp outbound to the gateway" "$w"
expect_grep "pump: update cadence" "out of cycle; on average" "$w"
expect_grep "pump: end of support" "2027-10-31" "$w"
expect_grep "pump: CVD contact" "mailto:psirt@norvale.example" "$w"
expect_grep "pump: CVD policy" "https://www.norvale.example/security/cvd" "$w"
expect_grep "pump: print-ready" "size: Letter;" "$w"
if grep -o 'href="[^"]*"' "$w" | grep -v '"#\|"https://\|"mailto:' >"$TMP/links"; then
    fail "pump: links only to anchors, the web and mail" "$(head -3 "$TMP/links")"
else
    ok "pump: links only to anchors, the web and mail"
fi
expect_exit "pump: second build" 0 "$DOSSIER" build "$ex" -o "$TMP/pump2" --only whitepaper --fail-on none
check "pump: two builds give the same bytes" cmp "$w" "$TMP/pump2/public/whitepaper.html"

# A maker shadows one template.
copy_example minimal mine
printf '%s\n' '# Our device' '' '{{cvd}}' >"$TMP/mine/whitepaper.md"
mkdir -p "$TMP/mine/templates/whitepaper"
printf '%s\n' '<p class="ours">{{ model.product.name }}</p>' >"$TMP/mine/templates/whitepaper/cvd.html"
expect_exit "shadow: builds" 0 "$DOSSIER" build "$TMP/mine" -o "$TMP/mine.out" --only whitepaper
expect_grep "shadow: the dossier's template is used" '<p class="ours">Example Connected Thermometer</p>' "$TMP/mine.out/public/whitepaper.html"

expect_exit "minimal: builds" 0 "$DOSSIER" build "$ROOT/examples/minimal" -o "$TMP/minimal" --only whitepaper
check "minimal: no whitepaper without whitepaper.md" test ! -e "$TMP/minimal/public/whitepaper.html"
