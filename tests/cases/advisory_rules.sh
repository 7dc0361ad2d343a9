#!/bin/sh
# The consistency rules of the customer documents, each shown passing and
# failing on examples/minimal plus tests/fixtures/advisory (two releases, a
# vulnerability, an advisory): advisory-version and whitepaper-directive;
# then the fixture's CSAF files through the official validator.
. "$(dirname "$0")/../lib.sh"

base() {
    copy_example minimal "$1"
    cp -R "$ROOT/tests/fixtures/advisory/." "$TMP/$1/"
}

base good
expect_exit "fixture: checks clean" 0 "$DOSSIER" check "$TMP/good"

# advisory-version
base badversion
sed -i 's/^  - Thermometer firmware 1.0.0$/  - Thermometer firmware 1.0.0 and 0.9.8/' "$TMP/badversion/advisories/ADV-001.md"
sed -i 's/^  - 1.0.1 and later$/  - 1.0.2 and later/' "$TMP/badversion/advisories/ADV-001.md"
expect_exit "advisory-version: fails" 1 "$DOSSIER" check "$TMP/badversion"
expect_grep "advisory-version: affected, at its line" \
    "advisories/ADV-001.md:8:5: error: [advisory-version] ADV-001: affected_versions names version 0.9.8, which no release of the dossier has" "$TMP/out"
expect_grep "advisory-version: fixed" "fixed_versions names version 1.0.2" "$TMP/out"
if grep -q 'version 1.0.0,' "$TMP/out"; then fail "advisory-version: a released version passes"; else ok "advisory-version: a released version passes"; fi

base noversion
sed -i 's/^  - Thermometer firmware 1.0.0$/  - All thermometer firmware before the update/' "$TMP/noversion/advisories/ADV-001.md"
expect_exit "advisory-version: affected names no version: fails" 1 "$DOSSIER" check "$TMP/noversion"
expect_grep "advisory-version: says why" "advisories/ADV-001.md:8:3: error: [advisory-version] ADV-001: affected_versions names no version of a release" "$TMP/out"

# A draft advisory is previewed in the site, never published.
base draft
sed -i 's/^status: final$/status: draft/' "$TMP/draft/advisories/ADV-001.md"
expect_exit "draft: builds" 0 "$DOSSIER" build "$TMP/draft" -o "$TMP/draft.out" --only site,advisories,csaf
check "draft: no bulletin" test ! -e "$TMP/draft.out/public/advisories/ADV-001.html"
check "draft: no CSAF advisory" test ! -e "$TMP/draft.out/public/csaf/.well-known/csaf/white/2025/adv-001.json"
check "draft: the VEX is still published" test -s "$TMP/draft.out/public/csaf/.well-known/csaf/white/index.txt"
expect_grep "draft: the site shows it, marked draft" '<span class="badge badge-caution">draft</span>' "$TMP/draft.out/advisories/ADV-001.html"

# whitepaper-directive
base wp
cat >"$TMP/wp/whitepaper.md" <<'MD'
# Security whitepaper

{{controls category=cryptography}}
{{interfaces asset=AST-001}}
{{record id=CTL-001}}

```
{{no-such-directive-inside-a-fence}}
```

{{sbom}}
{{updates}}
{{end-of-support}}
{{cvd}}
{{logging}}
MD
expect_exit "whitepaper-directive: a good whitepaper passes" 0 "$DOSSIER" check "$TMP/wp"
expect_exit "whitepaper: builds" 0 "$DOSSIER" build "$TMP/wp" -o "$TMP/wp.out" --only whitepaper
expect_grep "whitepaper: the fenced directive stays text" "{{no-such-directive-inside-a-fence}}" "$TMP/wp.out/public/whitepaper.html"
expect_grep "whitepaper: the record directive" 'id="CTL-001"' "$TMP/wp.out/public/whitepaper.html"
cat >>"$TMP/wp/whitepaper.md" <<'MD'
{{controls category=crypto}}
{{interfaces asset=AST-404}}
{{record id=THR-999}}
{{cvd contact=psirt}}
{{glossary}}
{{record}}
{{controls category="unclosed}}
{{interfaces asset=THR-001}}
MD
expect_exit "whitepaper-directive: fails" 1 "$DOSSIER" check "$TMP/wp"
for want in \
    "whitepaper.md:16:12: error: [whitepaper-directive] 'crypto' is not a control category" \
    "whitepaper.md:17:14: error: [whitepaper-directive] the directive names AST-404, which no record has" \
    "whitepaper.md:18:10: error: [whitepaper-directive] the directive names THR-999, which no record has" \
    "whitepaper.md:19:7: error: [whitepaper-directive] the directive cvd has no option 'contact'" \
    "whitepaper.md:20: error: [whitepaper-directive] unknown directive 'glossary'" \
    "whitepaper.md:21: error: [whitepaper-directive] the directive record needs id=ID" \
    "whitepaper.md:22: error: [whitepaper-directive] malformed directive: a quoted value has no closing quote" \
    "whitepaper.md:23:14: error: [whitepaper-directive] the directive names THR-001, a threat, where it needs a record of type asset"; do
    expect_grep "whitepaper-directive: ${want#*\] }" "$want" "$TMP/out"
done
if grep -q 'no-such-directive' "$TMP/out"; then fail "whitepaper-directive: fenced code is not read"; else ok "whitepaper-directive: fenced code is not read"; fi

# An internal record named by a directive is a finding too.
base wpint
printf '%s\n' '# Whitepaper' '' '{{record id=CTL-002}}' >"$TMP/wpint/whitepaper.md"
sed -i 's/^id: CTL-002$/id: CTL-002\ninternal: true/' "$TMP/wpint/controls/CTL-002.md"
expect_exit "whitepaper-directive: an internal record fails" 1 "$DOSSIER" check "$TMP/wpint"
expect_grep "whitepaper-directive: says internal" "whitepaper.md:3:10: error: [whitepaper-directive] the directive names CTL-002, which is internal" "$TMP/out"

# The fixture's advisory and VEX through the official validator.
expect_exit "fixture: builds csaf" 0 "$DOSSIER" build "$TMP/good" -o "$TMP/good.out" --only csaf,advisories
validators="$ROOT/tests/validators"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    skip "fixture: csaf-validator-lib" "node or npm not installed"
else
    [ -d "$validators/node_modules/@secvisogram/csaf-validator-lib" ] ||
        (cd "$validators" && npm ci --no-audit --no-fund --silent) >"$TMP/npm.log" 2>&1
    expect_exit "fixture: csaf-validator-lib accepts every file" 0 node "$validators/csaf_check.mjs" \
        $(find "$TMP/good.out/public/csaf/.well-known/csaf/white" -name '*.json' | sort)
    # not_affected without a justification (an error of the check, built anyway) takes an impact statement.
    base nojust
    sed -i '/^vex_justification:/d' "$TMP/nojust/vulnerabilities/CVE-2024-0001.md"
    expect_exit "no justification: builds with --fail-on none" 0 "$DOSSIER" build "$TMP/nojust" -o "$TMP/nojust.out" --only csaf --fail-on none
    expect_exit "no justification: csaf-validator-lib accepts it" 0 node "$validators/csaf_check.mjs" \
        $(find "$TMP/nojust.out/public/csaf/.well-known/csaf/white" -name '*.json' | sort)
fi
if command -v jq >/dev/null 2>&1; then
    vex=$(find "$TMP/good.out/public/csaf" -name '*vex*.json')
    check "vex: affected, no advisory: none_available as its action statement" jq -e '[.vulnerabilities[] | select(.ids[0].text == "VUL-002")][0] | .product_status.known_affected == ["REL-1.0.0", "REL-1.0.1"] and .remediations[0].category == "none_available"' "$vex"
    check "vex: under investigation" jq -e '[.vulnerabilities[] | select(.ids[0].text == "VUL-003")][0] | .product_status.under_investigation == ["REL-1.0.0", "REL-1.0.1"]' "$vex"
    check "vex: fixed, and affected before the fix" jq -e '[.vulnerabilities[] | select(.ids[0].text == "VUL-001")][0] | .product_status == {"fixed": ["REL-1.0.1"], "known_affected": ["REL-1.0.0"]}' "$vex"
    check "vex: not affected with its flag" jq -e '[.vulnerabilities[] | select(.cve == "CVE-2024-0001")][0] | .flags[0].label == "vulnerable_code_not_present"' "$vex"
fi
