#!/bin/sh
# tests/cases/bundle_postmarket.sh: the postmarket report of build --period:
# F.1-F.5 sections, the 30/60-day timelines with late ones named, the FDA
# metrics by severity, an honest empty period, the default period, and bad
# periods refused.
. "$(dirname "$0")/../lib.sh"
PUMP="$ROOT/examples/infusion-pump"

"$DOSSIER" build "$PUMP" -o "$TMP/pump" --period 2025-01-01..2025-12-31 -q 2>"$TMP/err" || fail "build with --period" "$(cat "$TMP/err")"
for h in "F.1 Surveillance" "F.2 Vulnerabilities" "F.3 Incidents" "F.4 Patches" "F.5 Customer communications" "FDA metrics"; do
    expect_grep "report has $h" "$h" "$TMP/pump/postmarket/index.html"
done
expect_grep "signal of the period listed" "SIG-006" "$TMP/pump/postmarket/index.html"
expect_grep "incident timeline listed" "INC-001" "$TMP/pump/postmarket/index.html"
expect_grep "pump metrics: 1 serious vulnerability patched in 80 days" "2025-01-01,2025-12-31,serious,1,1,100,80,80,," "$TMP/pump/postmarket/metrics.csv"
"$DOSSIER" build "$PUMP" -o "$TMP/all" -q 2>/dev/null
expect_grep "without --period: the 365 days up to the build date" "2024-12-02,2025-12-01,all," "$TMP/all/postmarket/metrics.csv"
check "a build of every output writes the bundle too" test -f "$TMP/all/manifest.json"

"$DOSSIER" build "$PUMP" -o "$TMP/empty" --only postmarket --period 1990-01-01..1990-12-31 -q 2>/dev/null
expect_grep "empty period: no signals, honestly" "No signal was received in the period." "$TMP/empty/postmarket/index.html"
expect_grep "empty period: no vulnerabilities" "No vulnerability was discovered, communicated or fixed in the period." "$TMP/empty/postmarket/index.html"
expect_grep "empty period: no releases" "No release in the period." "$TMP/empty/postmarket/index.html"
expect_grep "empty period: metrics say zero" "1990-01-01,1990-12-31,all,0,0,,,,," "$TMP/empty/postmarket/metrics.csv"

copy_example minimal late
cp -R "$ROOT/tests/fixtures/bundle/on-time/." "$ROOT/tests/fixtures/bundle/late/." "$TMP/late/"
"$DOSSIER" build "$TMP/late" -o "$TMP/late-out" --only postmarket --period 2025-01-01..2025-12-31 --fail-on none -q 2>/dev/null
R="$TMP/late-out/postmarket/index.html"
expect_grep "day 30 on time" "2025-03-31, day 30</td>" "$R"
expect_grep "day 60 on time" "2025-04-30, day 60</td>" "$R"
expect_grep "day 31 late" "late: 2025-04-01, day 31" "$R"
expect_grep "day 61 late" "late: 2025-05-01, day 61" "$R"
if grep -q 'Late:</strong> <a class="id" href="../vulnerabilities/VUL-031.html"' "$R" && ! grep -q 'Late:</strong>.*VUL-030' "$R"; then
    ok "late ones named, on-time ones not"; else fail "late ones named, on-time ones not" "$(grep -o 'Late:.*' "$R" | head -2)"; fi
expect_grep "metrics by severity: critical 61 days" "critical,1,1,100,61,61,," "$TMP/late-out/postmarket/metrics.csv"
expect_grep "metrics over all: mean and median 60.5" "all,2,2,100,60.5,60.5,," "$TMP/late-out/postmarket/metrics.csv"
"$DOSSIER" build "$TMP/late" -o "$TMP/late-early" --only postmarket --period 2025-03-01..2025-04-15 --fail-on none -q 2>/dev/null
expect_grep "open at the period's end, not yet due" "open, due 2025-04-30" "$TMP/late-early/postmarket/index.html"

expect_exit "--period with one date is refused" 2 "$DOSSIER" build "$PUMP" -o "$TMP/x" --period 2025-01-01
expect_exit "--period backwards is refused" 2 "$DOSSIER" build "$PUMP" -o "$TMP/x" --period 2025-12-31..2025-01-01
expect_exit "--period with a date that does not exist is refused" 2 "$DOSSIER" build "$PUMP" -o "$TMP/x" --period 2025-02-30..2025-03-01
expect_exit "--period on check is refused" 2 "$DOSSIER" check "$PUMP" --period 2025-01-01..2025-12-31
check "refused builds write nothing" test ! -e "$TMP/x"

expect_grep "PMA items for a vulnerability remediated in the period" "How the firm learned of it</th><td>Discovered 2025-01-24; raised by" "$TMP/pump/postmarket/index.html"
expect_grep "PMA items: what records cannot give is manual" "<strong>manual</strong>: attach from the quality system" "$TMP/pump/postmarket/index.html"
expect_grep "empty period: nothing for the PMA report" "No vulnerability was remediated in the period" "$TMP/empty/postmarket/index.html"
