#!/bin/sh
# Broken input: each breakage of examples/minimal gives the expected rule,
# file:line:col and exit code, and a previous output folder survives a
# failed build untouched.
. "$(dirname "$0")/../lib.sh"

first() { ls "$1" | head -n 1; }

# break NAME: a fresh copy of the minimal example in $TMP/NAME
fresh() { copy_example minimal "$1"; D="$TMP/$1"; }

# the threat to break: threats/<first>
fresh yaml
T=threats/$(first "$D/threats")
printf -- '---\nid: THR-X\ntitle: [unclosed\nstride: spoofing\n---\n' >"$D/$T"
expect_exit "broken YAML exits 1" 1 "$DOSSIER" check "$D"
expect_grep "broken YAML names file, line and column" "$T:4:7: error: [yaml-syntax]" "$TMP/out"
expect_grep "broken YAML says where the construct began" "started at line 3, column 8" "$TMP/out"

# what a writer most often gets wrong in YAML, explained in their terms
fresh yamlcolon
T=threats/$(first "$D/threats")
sed -i '0,/^title: /s//title: Note: /' "$D/$T"
expect_exit "a colon in a title exits 1" 1 "$DOSSIER" check "$D"
expect_grep "a colon in a title: quote the value" "put the whole value in quotes" "$TMP/out"
if grep -q 'error: \[dangling-' "$TMP/out"; then fail "links to a record that did not load are not dangling errors" "$(grep 'dangling-' "$TMP/out" | head -2)"; else ok "links to a record that did not load are not dangling errors"; fi
expect_grep "they point at the file's own error" "[dangling-unloaded] threats: THR-001 did not load: see $T:3 [yaml-syntax]" "$TMP/out"
expect_grep "prose references point at it too" "reference [THR-001] in the prose: THR-001 did not load: see $T:3" "$TMP/out"
expect_grep "an empty threat model names the threat that did not load" "THR-001 did not load (see $T:3 [yaml-syntax])" "$TMP/out"
fresh yamltab
T=threats/$(first "$D/threats")
sed -i 's/^stride: /\tstride: /' "$D/$T"
expect_exit "a tab in the front matter exits 1" 1 "$DOSSIER" check "$D"
expect_grep "a tab: YAML indents with spaces" "a tab: YAML indents with spaces only" "$TMP/out"
fresh yamlquote
T=threats/$(first "$D/threats")
sed -i '0,/^title: /s//title: "/' "$D/$T"
expect_exit "an unclosed quote exits 1" 1 "$DOSSIER" check "$D"
expect_grep "an unclosed quote is named" "a quote was opened and never closed" "$TMP/out"
fresh yamlat
T=threats/$(first "$D/threats")
sed -i '0,/^title: /s//title: @home /' "$D/$T"
expect_exit "a reserved first character exits 1" 1 "$DOSSIER" check "$D"
expect_grep "a reserved first character: quote it" "starts with a character YAML reserves" "$TMP/out"

# a broken dossier.xml stops with its own error, not the rules that read it
fresh xmltypo
sed -i '0,/<name>/s//<nam>/; 0,/<\/name>/s//<\/nam>/' "$D/dossier.xml"
expect_exit "a misspelt element in dossier.xml exits 1" 1 "$DOSSIER" check "$D"
expect_grep "the element it most likely is" "Did you mean <name>?" "$TMP/out"
expect_grep "the namespace is left out of the message" "Element 'nam': This element is not expected" "$TMP/out"
expect_grep "says the rules did not run" "dossier.xml did not load, so the rules did not run" "$TMP/out"
n=$(grep -c ': \(error\|warning\|note\): ' "$TMP/out")
if [ "$n" = 1 ]; then ok "a broken dossier.xml is the only finding"; else fail "a broken dossier.xml is the only finding" "$n findings: $(grep -o '\[[a-z0-9-]*\]' "$TMP/out" | sort -u | tr '\n' ' ')"; fi
expect_exit "build with a broken dossier.xml exits 1 even with --fail-on none" 1 "$DOSSIER" build "$D" -o "$TMP/xmltypo-out" --fail-on none
check "and writes nothing" test ! -e "$TMP/xmltypo-out"

fresh xml
head -c 200 "$ROOT/examples/minimal/dossier.xml" >"$D/dossier.xml"
expect_exit "truncated dossier.xml exits 1" 1 "$DOSSIER" check "$D"
expect_grep "truncated dossier.xml is an XML syntax error" "dossier.xml:" "$TMP/out"
expect_grep "truncated dossier.xml names the rule" "[xml-syntax]" "$TMP/out"

fresh xsd
sed -i 's|<manufacturer>|<colour>red</colour><manufacturer>|' "$D/dossier.xml"
expect_exit "dossier.xml against its XSD exits 1" 1 "$DOSSIER" check "$D"
expect_grep "an unexpected element is named" "[xml-schema]" "$TMP/out"
expect_grep "the XSD finding names the element" "colour" "$TMP/out"

fresh field
T=threats/$(first "$D/threats")
sed -i '0,/^title:/s//colour: red\ntitle:/' "$D/$T"
expect_exit "unknown field exits 1" 1 "$DOSSIER" check "$D"
expect_grep "unknown field is located" "$T:3:1: error: [unknown-field] unknown field 'colour'" "$TMP/out"

fresh typo
T=threats/$(first "$D/threats")
sed -i 's/^stride:/strides:/' "$D/$T"
expect_exit "misspelt field exits 1" 1 "$DOSSIER" check "$D"
expect_grep "misspelt field gets a suggestion" "did you mean 'stride'?" "$TMP/out"

fresh dangling
T=threats/$(first "$D/threats")
sed -i 's/^mitigated_by:.*/mitigated_by: [CTL-404]/' "$D/$T"
expect_exit "dangling link exits 1" 1 "$DOSSIER" check "$D"
expect_grep "dangling link is named" "error: [dangling-link] mitigated_by: CTL-404 names no record" "$TMP/out"
line=$(grep -n '^mitigated_by' "$D/$T" | cut -d: -f1)
expect_grep "dangling link points at its line and column" "$T:$line:16:" "$TMP/out"

fresh linktype
T=threats/$(first "$D/threats")
A=$(sed -n 's/^id: //p' "$D/assets/$(first "$D/assets")")
sed -i "s/^mitigated_by:.*/mitigated_by: [$A]/" "$D/$T"
expect_exit "wrong link type exits 1" 1 "$DOSSIER" check "$D"
expect_grep "wrong link type says what was expected" "[link-type] mitigated_by: $A is a asset, expected a control" "$TMP/out"

fresh duplicate
T=$(first "$D/threats")
cp "$D/threats/$T" "$D/threats/ZZ-copy.md"
expect_exit "duplicate ID exits 1" 1 "$DOSSIER" check "$D"
expect_grep "duplicate ID names the first definition" "[unique-id] duplicate ID ${T%.md}: already defined at threats/$T:2" "$TMP/out"

fresh enum
T=threats/$(first "$D/threats")
sed -i 's/^stride:.*/stride: sneaky/' "$D/$T"
expect_exit "bad enum value exits 1" 1 "$DOSSIER" check "$D"
expect_grep "bad enum value lists the allowed ones" "'sneaky' is not allowed (expected one of: spoofing, tampering" "$TMP/out"

fresh date
C=tests/$(first "$D/tests")
sed -i '0,/date: .*/s//date: 2025-02-30/' "$D/$C"
expect_exit "impossible date exits 1" 1 "$DOSSIER" check "$D"
expect_grep "impossible date is named" "'2025-02-30' is not a date (expected YYYY-MM-DD)" "$TMP/out"

fresh nofront
T=threats/$(first "$D/threats")
printf 'Just prose, no front matter.\n' >"$D/$T"
expect_exit "missing front matter exits 1" 1 "$DOSSIER" check "$D"
expect_grep "missing front matter is explained" "$T:1:1: error: [front-matter] expected YAML front matter" "$TMP/out"

fresh utf8
T=threats/$(first "$D/threats")
printf 'caf\351\n' >>"$D/$T"
expect_exit "invalid UTF-8 exits 1" 1 "$DOSSIER" check "$D"
L=$(wc -l <"$D/$T")
expect_grep "invalid UTF-8 is located at the byte" "$T:$L:4: error: [file-read] not UTF-8 text" "$TMP/out"

fresh alias
T=threats/$(first "$D/threats")
sed -i 's/^title: \(.*\)/title: \&t \1\ntags: [*t]/' "$D/$T"
expect_exit "YAML aliases are refused" 1 "$DOSSIER" check "$D"
expect_grep "YAML alias refusal says why" "aliases (*name) are not allowed" "$TMP/out"

fresh severalbad
T=threats/$(first "$D/threats")
sed -i 's/^stride:.*/stride: sneaky/' "$D/$T"
C=controls/$(first "$D/controls")
sed -i '0,/^title:/s//colour: red\ntitle:/' "$D/$C"
expect_exit "two bad files exit 1" 1 "$DOSSIER" check "$D"
expect_grep "one bad file does not hide another (1)" "[enum-value]" "$TMP/out"
expect_grep "one bad file does not hide another (2)" "[unknown-field]" "$TMP/out"

# usage and system errors are exit 2
expect_exit "unknown option exits 2" 2 "$DOSSIER" check --colour "$ROOT/examples/minimal"
expect_exit "unknown command exits 2" 2 "$DOSSIER" frobnicate
expect_exit "missing folder exits 2" 2 "$DOSSIER" check "$TMP/no-such-dossier"
expect_exit "bad --format exits 2" 2 "$DOSSIER" check --format yaml "$ROOT/examples/minimal"

# a failed build leaves the previous output as it was
fresh keep
expect_exit "a good build succeeds" 0 "$DOSSIER" build "$D" -o "$TMP/site"
before=$(cd "$TMP/site" && find . -type f | sort | xargs sha256sum | sha256sum)
T=threats/$(first "$D/threats")
sed -i 's/^mitigated_by:.*/mitigated_by: [CTL-404]/' "$D/$T"
expect_exit "a broken dossier fails to build" 1 "$DOSSIER" build "$D" -o "$TMP/site"
expect_grep "the failed build says the output was not written" "nothing was written" "$TMP/out"
after=$(cd "$TMP/site" && find . -type f | sort | xargs sha256sum | sha256sum)
if [ "$before" = "$after" ]; then ok "previous output survives a failed build"; else fail "previous output survives a failed build"; fi
leftovers=$(ls -d "$TMP"/site.* 2>/dev/null | wc -l)
if [ "$leftovers" -eq 0 ]; then ok "no temporary folder is left behind"; else fail "no temporary folder is left behind" "$(ls -d "$TMP"/site.*)"; fi

# dossier.xml without its date: the schema error is the news, not the missing build date
fresh nodate
sed -i 's/ date="[^"]*"//' "$D/dossier.xml"
SOURCE_DATE_EPOCH= "$DOSSIER" check "$D" >"$TMP/out" 2>&1; rc=$?
if [ $rc -eq 1 ]; then ok "dossier.xml without a date exits 1"; else fail "dossier.xml without a date exits 1" "exit $rc"; fi
expect_grep "dossier.xml without a date names the attribute" "The attribute 'date' is required but missing" "$TMP/out"
expect_exit "check of a missing folder exits 2" 2 "$DOSSIER" check "$TMP/nowhere"
if grep -q ':0:' "$TMP/out"; then fail "a finding without a line shows no :0" "$(cat "$TMP/out")"; else ok "a finding without a line shows no :0"; fi
