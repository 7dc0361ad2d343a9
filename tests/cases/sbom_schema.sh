#!/bin/sh
# CycloneDX XML SBOMs against the official XSDs (--cyclonedx-schemas DIR,
# DOSSIER_CYCLONEDX_SCHEMAS): the conformance suite's valid 1.4 to 1.6 files
# give no sbom-schema finding, every invalid one is reported (by the schema,
# or as not CycloneDX for a wrong namespace), a violation is a warning with
# file:line, a folder without the version's XSD is a note, and without a
# folder nothing is validated. The official schemas and the suite are not
# part of the project: without ../shared these checks are skipped by name.
. "$(dirname "$0")/../lib.sh"

xsd="$SHARED/schemas-official/cyclonedx"
suite="$SHARED/corpus/cyclonedx-spec-tests"
names="valid files pass; invalid files reported; a violation is a warning with its line; the environment variable; a folder without the XSD; no folder, no validation"
if [ ! -f "$xsd/bom-1.6.xsd" ] || [ ! -d "$suite/1.6" ]; then
    for n in valid invalid warning environment missing none; do skip "official schemas: $n" "no ../shared/schemas-official/cyclonedx or corpus ($names)"; done
    exit 0
fi
unset DOSSIER_CYCLONEDX_SCHEMAS
dossier() { # DIR: a dossier with the SBOM folder filled by the caller
    mkdir -p "$1/sbom"
    cp "$ROOT/tests/fixtures/standard/affects/dossier.xml" "$1/"
}

dossier "$TMP/valid"
for v in 1.4 1.5 1.6; do for f in "$suite/$v"/valid-*.xml; do cp "$f" "$TMP/valid/sbom/$(basename "$f" .xml).cdx.xml"; done; done
"$DOSSIER" check "$TMP/valid" --cyclonedx-schemas "$xsd" >"$TMP/valid.txt" 2>&1
n=$(grep -c "sbom-schema" "$TMP/valid.txt")
check "official schemas: valid: $(ls "$TMP/valid/sbom" | wc -l) valid conformance files, no sbom-schema finding" test "$n" -eq 0

dossier "$TMP/invalid"
for v in 1.4 1.5 1.6; do for f in "$suite/$v"/invalid-*.xml; do cp "$f" "$TMP/invalid/sbom/$(basename "$f" .xml).cdx.xml"; done; done
"$DOSSIER" check "$TMP/invalid" --cyclonedx-schemas "$xsd" >"$TMP/invalid.txt" 2>&1
missed=""
for f in "$TMP/invalid/sbom"/*.xml; do
    b=sbom/$(basename "$f")
    grep -q "^$b:[0-9]*:* *[a-z]*: \[\(sbom-schema\|xml-syntax\|sbom-format\)\]" "$TMP/invalid.txt" || missed="$missed $b"
done
if [ -z "$missed" ]; then ok "official schemas: invalid: every invalid conformance file is reported"; else fail "official schemas: invalid: every invalid conformance file is reported" "missed:$missed"; fi

dossier "$TMP/one"
cp "$suite/1.6/invalid-component-swid-1.6.xml" "$TMP/one/sbom/swid.cdx.xml"
"$DOSSIER" check "$TMP/one" --cyclonedx-schemas "$xsd" >"$TMP/one.txt" 2>&1
expect_grep "official schemas: warning: a violation is a warning with its line and the XSD" \
    "sbom/swid.cdx.xml:8: warning: [sbom-schema] bom-1.6.xsd: Element '{http://cyclonedx.org/schema/bom/1.6}swid': The attribute 'tagId' is required but missing." "$TMP/one.txt"
if command -v jq >/dev/null; then
    "$DOSSIER" check "$TMP/one" --cyclonedx-schemas "$xsd" --format sarif >"$TMP/one.sarif" 2>/dev/null
    check "official schemas: warning: in SARIF as a warning CI can gate on" jq -e \
        '[.runs[0].results[] | select(.ruleId == "sbom-schema" and .level == "warning")] | length == 1' "$TMP/one.sarif"
fi
DOSSIER_CYCLONEDX_SCHEMAS="$xsd" "$DOSSIER" check "$TMP/one" >"$TMP/env.txt" 2>&1
check "official schemas: environment: DOSSIER_CYCLONEDX_SCHEMAS does what the option does" cmp "$TMP/one.txt" "$TMP/env.txt"
mkdir -p "$TMP/empty"
"$DOSSIER" check "$TMP/one" --cyclonedx-schemas "$TMP/empty" >"$TMP/missing.txt" 2>&1
expect_grep "official schemas: missing: a folder without the version's XSD is a note" \
    "sbom/swid.cdx.xml:1: note: [sbom-schema-skipped] not checked against the official CycloneDX 1.6 schema" "$TMP/missing.txt"
"$DOSSIER" check "$TMP/one" >"$TMP/none.txt" 2>&1
if grep -q "sbom-schema" "$TMP/none.txt"; then fail "official schemas: none: without a folder nothing is validated" "$(grep sbom-schema "$TMP/none.txt")"
else ok "official schemas: none: without a folder nothing is validated"; fi
