#!/bin/sh
# The commands besides check and build: help, version, new, trace, schema,
# rules, and quiet / verbose output.
. "$(dirname "$0")/../lib.sh"

expect_exit "--help exits 0" 0 "$DOSSIER" --help
expect_grep "--help lists the commands" "trace ID [DIR]" "$TMP/out"
expect_grep "--help states the exit codes" "3 template error" "$TMP/out"
expect_exit "build --help exits 0" 0 "$DOSSIER" build --help
expect_grep "build --help is the build command's usage" "usage: dossier build [DIR] [-o OUT]" "$TMP/out"
expect_grep "build --help lists its options" "--only LIST" "$TMP/out"
expect_grep "build --help gives an example" "example:" "$TMP/out"
if grep -q -- "--depth" "$TMP/out"; then fail "build --help leaves out trace's options" "$(grep -- --depth "$TMP/out")"; else ok "build --help leaves out trace's options"; fi
expect_exit "trace --help exits 0" 0 "$DOSSIER" trace --help
expect_grep "trace --help lists --depth" "--depth N" "$TMP/out"
if grep -q -- "--lua-budget" "$TMP/out"; then fail "trace --help leaves out build's options" ""; else ok "trace --help leaves out build's options"; fi
"$DOSSIER" help verify >"$TMP/hv" 2>&1
expect_grep "help COMMAND is COMMAND --help" "usage: dossier verify BUNDLE" "$TMP/hv"
for c in check build trace new schema rules diff verify; do
    "$DOSSIER" "$c" --help >"$TMP/h-$c" 2>&1
    if grep -q "^usage: dossier $c" "$TMP/h-$c" && grep -q "^example:" "$TMP/h-$c"; then ok "$c --help: usage and example"; else fail "$c --help: usage and example" "$(head -2 "$TMP/h-$c")"; fi
done
expect_exit "an unknown option exits 2" 2 "$DOSSIER" check --bogus
expect_grep "the hint names the command's help" "Try 'dossier check --help'" "$TMP/out"
expect_exit "--version exits 0" 0 "$DOSSIER" --version
expect_exit "no command exits 2" 2 "$DOSSIER"

expect_exit "new writes a dossier" 0 "$DOSSIER" new "$TMP/fresh"
check "new writes dossier.xml" test -f "$TMP/fresh/dossier.xml"
expect_exit "the new dossier passes check" 0 "$DOSSIER" check "$TMP/fresh"
expect_exit "new refuses an existing folder" 2 "$DOSSIER" new "$TMP/fresh"

ex="$ROOT/examples/infusion-pump"
thr=$(ls "$ex/threats" | head -n 1); thr=${thr%.md}
expect_exit "trace a threat exits 0" 0 "$DOSSIER" trace "$thr" "$ex"
expect_grep "trace prints the record first" "$thr  " "$TMP/out"
expect_grep "trace goes down to controls" "mitigated_by CTL-" "$TMP/out"
expect_grep "trace goes down to tests" "verified_by TST-" "$TMP/out"
expect_exit "trace THR-010" 0 "$DOSSIER" trace THR-010 "$ex"
cp "$TMP/out" "$TMP/trace"
expect_grep "trace gives the threat's verdict" "THR-010  Downgrade of pumps to an older, vulnerable release  [threat: mitigated" "$TMP/trace"
expect_grep "trace gives a control's verdict" "mitigated_by CTL-031  Signed firmware update packages  [control: verified]" "$TMP/trace"
expect_grep "trace gives a test's latest result and date" "verified_by TST-024  Signed packages and anti-rollback  [test: pass on 20" "$TMP/trace"
# down never turns back up: no threat or asset below the threat
sed -n '/^down:/,/^up:/p' "$TMP/trace" >"$TMP/trace-down"
if grep -Eq ' (threats|mitigates|assets) (THR|AST)-' "$TMP/trace-down"; then fail "trace down does not turn back to threats or assets" "$(grep -E ' (THR|AST)-' "$TMP/trace-down" | head -3)"; else ok "trace down does not turn back to threats or assets"; fi
n=$(wc -l <"$TMP/trace")
if [ "$n" -le 20 ]; then ok "trace THR-010 answers in a screen ($n lines)"; else fail "trace THR-010 answers in a screen" "$n lines"; fi
expect_exit "trace --down" 0 "$DOSSIER" trace THR-010 "$ex" --down
if grep -q '^up:' "$TMP/out"; then fail "trace --down prints no up" ""; else ok "trace --down prints no up"; fi
expect_exit "trace --up --depth 1" 0 "$DOSSIER" trace TST-024 "$ex" --up --depth 1
if grep -q '^down:' "$TMP/out" || grep -q '^    ' "$TMP/out"; then fail "trace --up --depth 1: one direction, one level" "$(head -5 "$TMP/out")"; else ok "trace --up --depth 1: one direction, one level"; fi
expect_grep "trace up from a test reaches its control" "verifies CTL-031" "$TMP/out"
expect_exit "trace a planned control" 0 "$DOSSIER" trace CTL-030 "$ex"
expect_grep "a planned control reads as planned" "[control: planned]" "$TMP/out"
expect_grep "a test not run reads as not run" "[test: not-run on" "$TMP/out"
expect_exit "trace a component" 0 "$DOSSIER" trace CMP-openssh-9.2p1 "$ex" --down
expect_grep "a component leads to its vulnerability and its state" "CVE-2024-6387  OpenSSH sshd signal handler race (regreSSHion) on the gateway  [vulnerability: fixed]" "$TMP/out"
expect_grep "a vulnerability leads to the release that fixes it" "fixed_in REL-3.0.1" "$TMP/out"
expect_exit "trace --format json" 0 "$DOSSIER" trace THR-010 "$ex" --format json
if command -v jq >/dev/null 2>&1; then
    check "trace json: the record, its verdict and the chain" jq -e '.record.id == "THR-010" and .record.state == "mitigated" and (.down[0].children[0].latest.result == "pass") and (.up | length) > 0 and (.findings | type) == "array"' "$TMP/out"
else
    skip "trace json: the record, its verdict and the chain" "jq is not installed"
fi
expect_exit "trace --format sarif exits 2" 2 "$DOSSIER" trace THR-010 "$ex" --format sarif
expect_exit "--depth on build exits 2" 2 "$DOSSIER" build "$ex" -o "$TMP/depth" --depth 2
expect_exit "--depth 0 exits 2" 2 "$DOSSIER" trace THR-010 "$ex" --depth 0
expect_exit "trace an unknown ID exits 2" 2 "$DOSSIER" trace THR-99999 "$ex"
expect_grep "trace names the unknown ID" "no record THR-99999" "$TMP/out"

expect_exit "schema --xsd exits 0" 0 "$DOSSIER" schema --xsd
if cmp -s "$TMP/out" "$ROOT/schemas/records-file.xsd"; then ok "schema --xsd is schemas/records-file.xsd"; else fail "schema --xsd is schemas/records-file.xsd" "run make regen"; fi
"$DOSSIER" rules --markdown >"$TMP/rules.md" 2>&1
if cmp -s "$TMP/rules.md" "$ROOT/docs/rules.md"; then ok "docs/rules.md is written from the rule table"; else fail "docs/rules.md is written from the rule table" "run make regen"; fi
"$DOSSIER" schema --markdown >"$TMP/records.md" 2>&1
if cmp -s "$TMP/records.md" "$ROOT/docs/records.md"; then ok "docs/records.md is written from the schema"; else fail "docs/records.md is written from the schema" "run make regen"; fi

"$DOSSIER" build -q "$ROOT/examples/minimal" -o "$TMP/q" >"$TMP/qout" 2>&1
if [ ! -s "$TMP/qout" ]; then ok "-q prints nothing on success"; else fail "-q prints nothing on success" "$(head -3 "$TMP/qout")"; fi
"$DOSSIER" build -v "$ROOT/examples/minimal" -o "$TMP/v" >"$TMP/vout" 2>&1
expect_grep "-v prints progress" "dossier: writing site" "$TMP/vout"

expect_exit "--only with an unknown output exits 2" 2 "$DOSSIER" build "$ROOT/examples/minimal" -o "$TMP/only" --only site,nope
expect_grep "--only lists the outputs there are" "unknown output 'nope' (outputs: site" "$TMP/out"
check "--only with an unknown output writes nothing" test ! -e "$TMP/only"
expect_exit "--only site builds the site" 0 "$DOSSIER" build "$ROOT/examples/minimal" -o "$TMP/only" --only site
check "--only site writes the index" test -f "$TMP/only/index.html"

expect_exit "--format on build exits 2" 2 "$DOSSIER" build "$ROOT/examples/minimal" -o "$TMP/fmt" --format json
expect_exit "-o on check exits 2" 2 "$DOSSIER" check "$ROOT/examples/minimal" -o "$TMP/x"
copy_example minimal warn
sed -i 's/^verifies:/tool: nmap\nverifies:/' "$TMP/warn/tests/"*.md
"$DOSSIER" check -q "$TMP/warn" >"$TMP/qcheck" 2>&1
if grep -q 'warning:' "$TMP/qcheck"; then fail "check -q prints errors only" "$(head -3 "$TMP/qcheck")"; else ok "check -q prints errors only"; fi
"$DOSSIER" check "$TMP/warn" >"$TMP/wcheck" 2>&1
expect_grep "check without -q prints warnings" "warning: [test-tool-version]" "$TMP/wcheck"

# SARIF for code scanning: the tool's version, every rule with its full
# description and help, regions that end, paths from the repository root
(cd "$TMP" && "$DOSSIER" check "$ROOT/examples/minimal" --format sarif --sarif-root "$ROOT" >"$TMP/rooted.sarif" 2>/dev/null)
if python3 - "$TMP/rooted.sarif" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
d = run["tool"]["driver"]
assert d.get("version"), "no version"
for r in d["rules"]:
    assert r["fullDescription"]["text"] and r["help"]["text"] and r["name"], r["id"]
for res in run["results"]:
    for loc in res.get("locations", []):
        pl = loc["physicalLocation"]
        assert pl["artifactLocation"]["uri"].startswith("examples/minimal/"), pl
        reg = pl.get("region")
        assert reg is None or reg["endLine"] >= reg["startLine"], reg
EOF
then ok "sarif: version, rules with full description and help, regions with an end, paths from --sarif-root"
else fail "sarif: version, rules with full description and help, regions with an end, paths from --sarif-root" "$(head -c 300 "$TMP/rooted.sarif")"; fi
expect_exit "--sarif-root that does not hold the dossier" 2 "$DOSSIER" check "$ROOT/examples/minimal" --format sarif --sarif-root "$TMP"
expect_grep "says so" "is not inside the --sarif-root folder" "$TMP/out"
