#!/bin/sh
# The site's SBOM page: every component listed, the same support coverage
# as the support-coverage rule, the component chain to vulnerabilities and
# fixing releases; an honest page when the dossier has no SBOM.
. "$(dirname "$0")/../lib.sh"

ex="$ROOT/examples/infusion-pump"
expect_exit "infusion pump site builds" 0 "$DOSSIER" build -q "$ex" -o "$TMP/site" --only site
page="$TMP/site/sbom.html"
check "the SBOM page exists" test -f "$page"
n=$(ls "$TMP/site/components" | grep -c '^CMP-')
expect_grep "every component is counted" "$n components from the SBOMs" "$page"
rows=$(grep -c '<th scope="row"><a href="components/CMP-' "$page")
rows=${rows:-0}
if [ "$rows" -eq "$n" ]; then ok "one row per component"; else fail "one row per component" "$rows rows for $n components"; fi
"$DOSSIER" check "$ex" >"$TMP/check" 2>&1
figure=$(sed -n 's/.*\[support-coverage\] \([0-9]* of [0-9]*\) components.*/\1/p' "$TMP/check")
if [ -n "$figure" ]; then expect_grep "the page shows the support-coverage rule's figure" "is known for $figure" "$page"
else fail "the page shows the support-coverage rule's figure" "no support-coverage note from check"; fi
expect_grep "the chain reaches a fixing release" 'href="releases/REL-' "$page"
expect_grep "the navigation links the SBOM page" 'href="sbom.html"' "$TMP/site/index.html"

copy_example minimal nosbom
rm -rf "$TMP/nosbom/sbom"
expect_exit "a site without an SBOM builds" 0 "$DOSSIER" build -q "$TMP/nosbom" -o "$TMP/min" --only site
expect_grep "no SBOM is said plainly" "The dossier has no SBOM" "$TMP/min/sbom.html"

# the coverage figure as a CI threshold
expect_exit "coverage above the threshold passes" 0 "$DOSSIER" check "$ex" --min-support-coverage 50
expect_exit "coverage below the threshold fails" 1 "$DOSSIER" check "$ex" --min-support-coverage 100
expect_grep "the threshold finding names both figures" "at least 100% are required" "$TMP/out"
expect_exit "a threshold above 100 is a usage error" 2 "$DOSSIER" check "$ex" --min-support-coverage 101
expect_grep "the matrix carries the component chain" "Component traceability" "$TMP/site/matrix.html"
