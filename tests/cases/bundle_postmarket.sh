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
# the bundle's FDA metrics over every vulnerability, as the check stage
# computed them (days to field: REL-3.0.1 reached 90% 60 days after release)
expect_grep "bundle metrics: share patched, days to patch and to field by severity" '<th scope="row">serious</th><td class="num">3</td><td class="num">3</td><td class="num">100%</td><td class="num">87.7</td><td class="num">80</td><td class="num">60</td><td class="num">60</td>' "$TMP/all/premarket/02-metrics.html"
expect_grep "bundle metrics: a release's days to 90% and highest share" '3.0.1</td><td>2024-11-22</td><td>out-of-cycle</td><td>CVE-2024-6387, VUL-001</td><td class="num">60</td><td class="num">94%</td>' "$TMP/all/premarket/02-metrics.html"
expect_grep "bundle: a vulnerability's fixed date from its first fixing release" '<td>2025-01-24</td><td>2025-04-14</td></tr>' "$TMP/all/premarket/01d-vulnerability-assessment.html"

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

# JSP2 F.1-F.5 in depth, as the check stage judged them over the example's
# own period (the year up to its dossier date)
"$DOSSIER" build "$PUMP" -o "$TMP/year" --only postmarket --period 2024-11-02..2025-11-01 -q 2>/dev/null
Y="$TMP/year/postmarket/index.html"
expect_grep "F.1: a source with its plan, runs planned and recorded" '<td>every 1 day</td><td class="num">365</td><td class="num">366</td><td>2025-11-01</td>' "$Y"
expect_grep "F.1: a source that ran less than planned, with its rule" '<td class="num">52</td><td class="num">48</td><td>2025-10-31</td><td class="num">1</td><td>5 days</td><td><strong>short [source-runs]</strong>' "$Y"
expect_grep "F.1: triage time within the source's target" '<td>2025-02-06</td><td>1 day</td><td>2 days</td>' "$Y"
expect_grep "F.1: a late triage, with its rule" '<td>2025-02-24</td><td><strong>late: 7 days [signal-triage-late]</strong></td><td>5 days</td>' "$Y"
expect_grep "F.2: fix time to release and to deployment" '>VUL-001</a></td><td>2024-10-14</td><td><a class="id" href="../releases/REL-3.0.1.html" title="Security update 3.0.1">REL-3.0.1</a> 3.0.1 (2024-11-22)</td><td>39 days</td><td>2025-01-21</td><td>99 days</td>' "$Y"
expect_grep "F.2: the fleet still on a release with an uncontrolled-risk vulnerability" '>REL-3.0.0</a></td><td class="num">2%</td>' "$Y"
expect_grep "F.2: upcoming end of support of the product's releases" '<td>2026-06-30</td><td>upcoming, in 241 days</td><td class="num">8% (2025-10-29)</td>' "$Y"
expect_grep "F.2: the 30/60-day timeline of the uncontrolled one" '<td>2024-10-30, day 16</td>' "$Y"
expect_grep "F.3: patient-safety impact" 'Patient-safety impact</th><td><p>None found.' "$Y"
expect_grep "F.3: data impact" 'Data impact</th><td><p>The gateway VM' "$Y"
expect_grep "F.3: root cause" 'Root cause</th><td><p>Initial access was a phished VPN account' "$Y"
expect_grep "F.3: who was informed and when" '<li><time datetime="2025-02-21">2025-02-21</time>: isao (Health-ISAC), indicators shared through the member portal</li>' "$Y"
expect_grep "F.3: the regulator informed" ': regulator (FDA (CDRH), courtesy notice' "$Y"
expect_grep "F.4: the whole fleet at the end, releases of earlier periods too" '>REL-3.0.0</a> 3.0.0</td><td>2024-06-03</td><td class="num">2%</td><td>2025-10-29</td>' "$Y"
expect_grep "F.4: the fleet adds up" '<tr class="total"><th scope="row">All versions</th><td></td><td class="num">100%</td><td>2025-10-29</td>' "$Y"
expect_grep "F.4: days to 50% and 90% deployment" '>REL-3.0.1</a> 3.0.1</td><td>2024-11-22</td><td class="num">8%</td><td>2025-10-29</td><td>23 days</td><td>60 days</td>' "$Y"
expect_grep "F.4: 90% not reached, with the peak" '<td>78 days</td><td>not reached (peak 85%)</td>' "$Y"
expect_grep "F.5: the MDS2 revised in the period" '<td><time datetime="2025-04-14">2025-04-14</time></td><td><a class="id" href="../publications/PUB-001.html"' "$Y"
expect_grep "F.5: the SBOM revised in the period" '</a> Customer SBOM with VEX of the Cadence Infusion System</td><td>sbom</td><td>3.2.0</td>' "$Y"
expect_grep "F.5: the whitepaper revised in the period" '</td><td>whitepaper</td><td>B</td><td>Backup and restore' "$Y"
expect_grep "F.5: an advisory revised in the period" '<td><time datetime="2025-01-21">2025-01-21</time></td><td><a class="id" href="../advisories/ADV-2024-002.html"' "$Y"
if grep -q 'PUB-001.html[^<]*>PUB-001</a>[^<]*</td><td>mds2</td><td>3.0.0<' "$Y"; then fail "F.5: a revision before the period is left out"; else ok "F.5: a revision before the period is left out"; fi
"$DOSSIER" build "$PUMP" -o "$TMP/year2" --only postmarket --period 2024-11-02..2025-11-01 -q 2>/dev/null
check "two builds of the report give the same bytes" cmp "$Y" "$TMP/year2/postmarket/index.html"

# the findings behind the states, at their rules' severities and located
"$DOSSIER" check "$PUMP" >"$TMP/pump-check" 2>&1
expect_grep "a late triage is a warning, located" "signals/SIG-008.md:7:10: warning: [signal-triage-late] SIG-008 was triaged 7 days after its receipt (2025-02-17); the target of SRC-003 is 5 days" "$TMP/pump-check"
expect_grep "a source short of its plan is a warning, located" "sources/SRC-003.md:10:3: warning: [source-runs] SRC-003 ran 44 times" "$TMP/pump-check"
"$DOSSIER" check "$TMP/late" >"$TMP/late-check" 2>&1
expect_grep "a late fix is an error" "error: [uncontrolled-fixed] VUL-031 has uncontrolled risk and was fixed on 2025-05-01" "$TMP/late-check"
expect_grep "a late notice is an error" "error: [uncontrolled-communicated] VUL-031" "$TMP/late-check"
expect_grep "the report names the rule of a late fix" "late: 2025-05-01, day 61 [uncontrolled-fixed]" "$R"
copy_example infusion-pump broken
sed -i 's/^every: 90$/every: 0/' "$TMP/broken/sources/SRC-006.md"
sed -i 's/^triage_days: 5$/triage_days: soon/' "$TMP/broken/sources/SRC-005.md"
sed -i '/^data_impact: |$/,/^root_cause: |$/{/^root_cause: |$/!d}' "$TMP/broken/incidents/INC-001.md"
"$DOSSIER" check "$TMP/broken" >"$TMP/broken-check" 2>&1
expect_grep "a source's plan below one day: source-plan, located" "sources/SRC-006.md:6:8: error: [source-plan] SRC-006: every is 0" "$TMP/broken-check"
expect_grep "a triage target that is no number: located" "sources/SRC-005.md:7:14: error: [field-type] triage_days: 'soon' is not a whole number" "$TMP/broken-check"
expect_grep "an incident without its data impact: incident-report" "incidents/INC-001.md:2:5: warning: [incident-report] INC-001 does not give data_impact" "$TMP/broken-check"
"$DOSSIER" build "$TMP/broken" -o "$TMP/broken-out" --only postmarket --period 2024-11-02..2025-11-01 --fail-on none -q 2>/dev/null
expect_grep "the report says what the incident does not give" "Data impact</th><td><strong>not given [incident-report]</strong>" "$TMP/broken-out/postmarket/index.html"
expect_grep "the report says a source has no plan" "<strong>no plan [source-plan]</strong>" "$TMP/broken-out/postmarket/index.html"

# the templates present; the check stage decides which records fall in the period
if grep -nE 'period:match|within\(|lib\.days|fixed_date\(|communicated_date|time_to_field|%d%d%d%d|\.date *[<>]=?|fields\.date *[<>]' \
    "$ROOT"/lua-templates/postmarket/*.lua "$ROOT"/lua-templates/postmarket/*.html >"$TMP/logic"; then
    fail "lua-templates/postmarket/ decides no verdict (no date comparisons)" "$(head -5 "$TMP/logic")"
else
    ok "lua-templates/postmarket/ decides no verdict (no date comparisons)"
fi
