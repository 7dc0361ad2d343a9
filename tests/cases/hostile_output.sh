#!/bin/sh
# Hostile input aimed at the outputs: links that run script, characters XML
# forbids, text that is not UTF-8, spreadsheet formulas, file names no
# output can carry, malformed audience markings, and templates writing into
# another output's folder. Each is refused or neutralised at the source.
. "$(dirname "$0")/../lib.sh"

EX="$ROOT/examples/minimal"

# ---- javascript: links in dossier.xml ---------------------------------------------
copy_example minimal js
sed -i 's|<cvd policy="https://www.example.com/security/cvd"/>|<cvd policy="javascript:alert(document.domain)"/>|' "$TMP/js/dossier.xml"
expect_exit "a javascript: CVD policy URL: check fails" 1 "$DOSSIER" check "$TMP/js"
expect_grep "a javascript: URL: the error names dossier.xml and its line" "dossier.xml:$(grep -n '<cvd ' "$TMP/js/dossier.xml" | cut -d: -f1):" "$TMP/out"
copy_example minimal js2
sed -i 's|email="psirt@example.com"|email="psirt@example.com" url="JavaScript:alert(1)"|' "$TMP/js2/dossier.xml"
expect_exit "a javascript: contact URL: check fails" 1 "$DOSSIER" check "$TMP/js2"
copy_example minimal js3
sed -i 's|<cvd policy="https://www.example.com/security/cvd"/>|<cvd policy="mailto:psirt@example.com"/>|' "$TMP/js3/dossier.xml"
expect_exit "a mailto: CVD policy: accepted" 0 "$DOSSIER" check "$TMP/js3"

# ---- U+FFFE and U+FFFF never reach XML ----------------------------------------------
copy_example minimal nonchar
mkdir -p "$TMP/nonchar/sbom"
cat >"$TMP/nonchar/sbom/device.cdx.json" <<'EOF'
{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "metadata": {"timestamp": "2025-11-01T00:00:00Z", "component": {"type": "firmware", "name": "thermometer", "version": "1.0.0"}},
 "components": [{"type": "library", "bom-ref": "pkg:generic/zlib@1.3", "name": "zlib\ufffe\uffff end", "version": "1.3",
   "supplier": {"name": "zlib \ufffe authors"}, "purl": "pkg:generic/zlib@1.3"}]}
EOF
"$DOSSIER" build "$TMP/nonchar" -o "$TMP/nonchar-out" -q --fail-on none >"$TMP/out" 2>&1
check "U+FFFE and U+FFFF in a component name: built" test -f "$TMP/nonchar-out/public/sbom/sbom.cdx.xml"
check "the name did reach the XML SBOM" grep -q " end" "$TMP/nonchar-out/public/sbom/sbom.cdx.xml"
bad=""
for f in $(find "$TMP/nonchar-out" -name '*.xml' -o -name '*.atom' -o -name '*.xlsx'); do
    case $f in
    *.xlsx) (mkdir -p "$TMP/x" && cd "$TMP/x" && rm -rf ./* && unzip -qo "$f") && for g in $(find "$TMP/x" -name '*.xml'); do
            xmllint --noout "$g" 2>/dev/null || bad="$bad $f:$(basename "$g")"; done ;;
    *) xmllint --noout "$f" 2>/dev/null || bad="$bad $f" ;;
    esac
done
if [ -z "$bad" ]; then ok "U+FFFE/U+FFFF: every XML output (and the XLSX parts) well-formed"
else fail "U+FFFE/U+FFFF: every XML output well-formed" "$bad"; fi
if grep -rlP '\xEF\xBF[\xBE\xBF]' "$TMP/nonchar-out" --include='*.xml' --include='*.atom' >/dev/null 2>&1; then
    fail "U+FFFE/U+FFFF: none left in an XML file"
else ok "U+FFFE/U+FFFF: none left in an XML file"; fi

# ---- text that is not UTF-8 -----------------------------------------------------------
# bytes: a surrogate (ED A0 80), an overlong slash (C0 AF, E0 80 AF), past U+10FFFF (F4 90 80 80)
k=0
for bytes in '\355\240\200' '\340\200\257' '\364\220\200\200' '\360\200\200\257'; do
    k=$((k + 1))
    copy_example minimal utf$k
    printf "\nA line with a bad sequence: $bytes here.\n" >>"$TMP/utf$k/threats/THR-001.md"
    expect_exit "invalid UTF-8 ($k) in a record: check fails" 1 "$DOSSIER" check "$TMP/utf$k"
    expect_grep "invalid UTF-8 ($k): located at the sequence" "threats/THR-001.md:$(wc -l <"$TMP/utf$k/threats/THR-001.md"):29: error: [file-read]" "$TMP/out"
    expect_grep "invalid UTF-8 ($k): said as such" "not UTF-8" "$TMP/out"
done
copy_example minimal wp
printf '# Security\n\nFine text, then \355\240\200 a surrogate.\n' >"$TMP/wp/whitepaper.md"
expect_exit "invalid UTF-8 in whitepaper.md: check fails" 1 "$DOSSIER" check "$TMP/wp"
expect_grep "invalid UTF-8 in whitepaper.md: located" "whitepaper.md:3:" "$TMP/out"
"$DOSSIER" build "$TMP/wp" -o "$TMP/wp-out" --fail-on none -q >"$TMP/out" 2>&1
if grep -rqP '\xED\xA0\x80' "$TMP/wp-out" 2>/dev/null; then fail "invalid UTF-8 in whitepaper.md: never copied into a page"
else ok "invalid UTF-8 in whitepaper.md: never copied into a page"; fi

# ---- spreadsheet formulas behind a tab or carriage return -----------------------------
copy_example minimal csv
python3 - "$TMP/csv/threats/THR-001.md" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r"^title: .*$", 'title: "\\t=HYPERLINK(\\"http://x.invalid\\",\\"a\\")"', s, count=1, flags=re.M)
open(p, "w", encoding="utf-8").write(s)
EOF
expect_exit "a title starting with a tab and =: built" 0 "$DOSSIER" build "$TMP/csv" -o "$TMP/csv-out" --only site,bundle -q
if grep -qP '(^|,)"?\t=' "$TMP/csv-out/matrix.csv"; then fail "a tab before = never opens a CSV cell" "$(grep -P '\t=' "$TMP/csv-out/matrix.csv" | head -2)"
else ok "a tab before = never opens a CSV cell"; fi
expect_grep "the cell is kept as text, quoted with a leading quote" "\"'	=HYPERLINK" "$TMP/csv-out/matrix.csv"

# ---- a file name with a backslash ---------------------------------------------------
copy_example minimal bs
cp "$TMP/bs/controls/CTL-008.md" "$TMP/bs/controls/odd\\name.md"
sed -i 's/^id: CTL-008/id: CTL-009/' "$TMP/bs/controls/odd\\name.md"
expect_exit "a file name with a backslash: check fails" 1 "$DOSSIER" check "$TMP/bs"
expect_grep "a file name with a backslash: the file-name rule" "[file-name]" "$TMP/out"
expect_exit "a file name with a backslash: build says the same (exit 1)" 1 "$DOSSIER" build "$TMP/bs" -o "$TMP/bs-out" -q
"$DOSSIER" build "$TMP/bs" -o "$TMP/bs-out2" -q --fail-on none >"$TMP/out" 2>&1; rc=$?
if [ $rc -eq 0 ]; then ok "a file name with a backslash: --fail-on none builds, the file left out"
else fail "a file name with a backslash: --fail-on none builds" "exit $rc" "$(head -3 "$TMP/out")"; fi

# ---- malformed audience markings: no public output ----------------------------------
copy_example minimal aud
sed -i 's/^id: AST-001/id: AST-001\ninternal: maybe/' "$TMP/aud/assets/AST-001.md"
expect_exit "internal: maybe: check fails" 1 "$DOSSIER" check "$TMP/aud"
expect_grep "internal: maybe: the audience-marking rule" "[audience-marking]" "$TMP/out"
"$DOSSIER" build "$TMP/aud" -o "$TMP/aud-out" --fail-on none -q >"$TMP/out" 2>&1; rc=$?
if [ $rc -eq 1 ]; then ok "--fail-on none with an audience error: exit 1"; else fail "--fail-on none with an audience error: exit 1" "exit $rc"; fi
if [ -d "$TMP/aud-out/public" ] || [ -d "$TMP/aud-out/mds2" ]; then fail "--fail-on none with an audience error: no public output written" "$(ls "$TMP/aud-out")"
else ok "--fail-on none with an audience error: no public output written"; fi
check "--fail-on none with an audience error: the internal outputs are written" test -f "$TMP/aud-out/premarket/index.html"
expect_grep "--fail-on none with an audience error: says so" "no public output is written" "$TMP/out"
copy_example minimal aud2
sed -i 's/^id: AST-001/id: AST-001\ninternal_fields: [descriptoin]/' "$TMP/aud2/assets/AST-001.md"
"$DOSSIER" build "$TMP/aud2" -o "$TMP/aud2-out" --fail-on none -q >"$TMP/out" 2>&1
if [ -d "$TMP/aud2-out/mds2" ]; then fail "a misspelt internal_fields name: no public output written"
else ok "a misspelt internal_fields name: no public output written"; fi

# ---- each output writes only under its own folder ---------------------------------
copy_example minimal scope
mkdir -p "$TMP/scope/templates/mds2"
cat >"$TMP/scope/templates/mds2/main.lua" <<'EOF'
write("premarket/01-injected.html", "<p>from a public output</p>")
EOF
expect_exit "a public output writing into premarket/: build fails" 2 "$DOSSIER" build "$TMP/scope" -o "$TMP/scope-out" -q
expect_grep "a public output writing into premarket/: says why" "writes only under mds2/" "$TMP/out"
check "a public output writing into premarket/: nothing written" test ! -e "$TMP/scope-out"
copy_example minimal scope2
mkdir -p "$TMP/scope2/templates/postmarket"
cat >"$TMP/scope2/templates/postmarket/main.lua" <<'EOF'
write("public/advisories/fake.html", "<p>from an internal output</p>")
EOF
expect_exit "an internal output writing into public/: build fails" 2 "$DOSSIER" build "$TMP/scope2" -o "$TMP/scope2-out" -q
copy_example minimal scope3
mkdir -p "$TMP/scope3/templates/site"
printf 'write("manifest.json", "{}")\n' >"$TMP/scope3/templates/site/main.lua"
expect_exit "the site writing the bundle's manifest.json: build fails" 2 "$DOSSIER" build "$TMP/scope3" -o "$TMP/scope3-out" -q
