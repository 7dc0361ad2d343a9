#!/bin/sh
# The commands besides check and build: help, version, new, trace, schema,
# rules, and quiet / verbose output.
. "$(dirname "$0")/../lib.sh"

expect_exit "--help exits 0" 0 "$DOSSIER" --help
expect_grep "--help lists the commands" "trace ID [DIR]" "$TMP/out"
expect_grep "--help states the exit codes" "3 template error" "$TMP/out"
expect_exit "build --help exits 0" 0 "$DOSSIER" build --help
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
