#!/bin/sh
# MDS2 output through `dossier build`: the XLSX read back by openpyxl with
# every answer in its cell, the official wording from --mds2-catalogue, the
# HTML's links into the site, two builds byte for byte, and the mds2 rules
# failing and passing through `dossier check`.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
READBACK="$ROOT/tests/fixtures/mds2/readback.py"
FIX="$ROOT/tests/fixtures/mds2"
CAT="$ROOT/schemas/mds2-questions.tsv"
REF="$SHARED/reference/mds2-2019-questions.tsv"
EX="$ROOT/examples/infusion-pump"

# The example: site and MDS2, twice.
expect_exit "example: build site and mds2" 0 "$DOSSIER" build "$EX" -o "$TMP/ex1" --only site,mds2 --fail-on none
expect_exit "example: build again" 0 "$DOSSIER" build "$EX" -o "$TMP/ex2" --only site,mds2 --fail-on none
for f in mds2.xlsx index.html style.css; do
    check "example: mds2/$f the same bytes twice" cmp "$TMP/ex1/mds2/$f" "$TMP/ex2/mds2/$f"
done
check "example: the XLSX is a ZIP with the OOXML parts" sh -c \
    "unzip -Z1 '$TMP/ex1/mds2/mds2.xlsx' | tr '\n' ' ' | grep -qx '\[Content_Types\].xml _rels/.rels docProps/core.xml xl/_rels/workbook.xml.rels xl/styles.xml xl/workbook.xml xl/worksheets/sheet1.xml '"

if "$PY" -c 'import openpyxl' 2>/dev/null; then
    if "$PY" "$READBACK" "$TMP/ex1/mds2/mds2.xlsx" "$CAT" --mds2 "$EX/mds2.xml" --complete \
        DOC-1="Norvale Medical, Inc." DOC-7=2025-12-01 CONN-1.1.2=Yes SAHD-3.2=Yes >"$TMP/rb" 2>&1; then
        ok "example: openpyxl reads every answer of the catalogue and mds2.xml in its cell"
    else
        fail "example: openpyxl reads every answer of the catalogue and mds2.xml in its cell" "$(head -5 "$TMP/rb")"
    fi
    expect_exit "fixture: build with findings (--fail-on none)" 0 "$DOSSIER" build "$FIX/derive" -o "$TMP/fx" --only mds2 --fail-on none
    if "$PY" "$READBACK" "$TMP/fx/mds2/mds2.xlsx" "$CAT" --mds2 "$FIX/derive/mds2.xml" \
        DOC-3="FP-1; FP-2 (software 2.0.0)" DOC-4="FP-MDS2-001 <rev B>" DOC-11=No DOC-11.1=N/A \
        MPII-1=Yes TXCF-2=Yes CONN-1.1.2=No CONN-1.1.3=No CONN-1.2.1=No CSUP-2.3=Yes \
        MLDP-2.1=N/A MLDP-3= SBOM-1= --absent CTL-6 --absent "Secret SIEM" >"$TMP/rb" 2>&1; then
        ok "fixture: openpyxl reads each derived, given, implied and open answer"
    else
        fail "fixture: openpyxl reads each derived, given, implied and open answer" "$(head -5 "$TMP/rb")"
    fi
    # the reader must be able to fail: a wrong expectation is caught
    if "$PY" "$READBACK" "$TMP/fx/mds2/mds2.xlsx" "$CAT" DOC-11=Yes >/dev/null 2>&1; then
        fail "fixture: the read-back catches a wrong answer"
    else
        ok "fixture: the read-back catches a wrong answer"
    fi
    if [ -f "$REF" ]; then
        expect_exit "example: build with --mds2-catalogue" 0 "$DOSSIER" build "$EX" -o "$TMP/off" --only mds2 \
            --fail-on none --mds2-catalogue "$REF"
        if "$PY" "$READBACK" "$TMP/off/mds2/mds2.xlsx" "$REF" --complete >"$TMP/rb" 2>&1; then
            ok "--mds2-catalogue: every question in the official wording"
        else
            fail "--mds2-catalogue: every question in the official wording" "$(head -5 "$TMP/rb")"
        fi
        expect_grep "--mds2-catalogue: the HTML says so" "official wording" "$TMP/off/mds2/index.html"
        # the maker's workbook: a spreadsheet whose rows start with the question IDs
        expect_exit "--mds2-catalogue: a workbook" 0 "$DOSSIER" build "$EX" -o "$TMP/wb" --only mds2 \
            --fail-on none --mds2-catalogue "$TMP/off/mds2/mds2.xlsx"
        if "$PY" "$READBACK" "$TMP/wb/mds2/mds2.xlsx" "$REF" --complete >"$TMP/rb" 2>&1; then
            ok "--mds2-catalogue: the wording read from a workbook"
        else
            fail "--mds2-catalogue: the wording read from a workbook" "$(head -5 "$TMP/rb")"
        fi
    else
        skip "--mds2-catalogue: every question in the official wording" "$REF is absent"
    fi
else
    skip "example: openpyxl reads every answer" "python3-openpyxl is not installed (make test-deps)"
fi

expect_exit "--mds2-catalogue: a missing file exits 2" 2 "$DOSSIER" build "$EX" -o "$TMP/nofile" --only mds2 \
    --fail-on none --mds2-catalogue "$TMP/none.tsv"
expect_exit "--mds2-catalogue on check exits 2" 2 "$DOSSIER" check "$EX" --mds2-catalogue "$CAT"
printf 'PK\003\004 not really a zip' >"$TMP/fake.xlsx"
expect_exit "--mds2-catalogue: a broken workbook exits 2" 2 "$DOSSIER" build "$EX" -o "$TMP/fake" --only mds2 \
    --fail-on none --mds2-catalogue "$TMP/fake.xlsx"

# The HTML: answers with the records behind them, escaping. The form is a
# public document: it names records but never links into the internal site.
expect_grep "html: an answer names its record" '<span class="rec"><span class="id">CTL-020</span>' "$TMP/ex1/mds2/index.html"
if grep -q 'href="\.\./' "$TMP/ex1/mds2/index.html"; then
    fail "html: no link into the internal site" "$(grep -o 'href="\.\./[^"]*' "$TMP/ex1/mds2/index.html" | head -3)"
else
    ok "html: no link into the internal site"
fi
expect_grep "html: text escaped" 'FP-MDS2-001 &lt;rev B&gt;' "$TMP/fx/mds2/index.html"
if grep -q 'CTL-6\|Secret SIEM' "$TMP/fx/mds2/index.html"; then
    fail "html: an internal record is never cited" "$(grep -n 'CTL-6' "$TMP/fx/mds2/index.html" | head -3)"
else
    ok "html: an internal record is never cited"
fi
expect_grep "html: the public record behind the same answer is" 'CTL-1</span> Security event log' "$TMP/fx/mds2/index.html"
expect_grep "html: unanswered shown" 'Not yet answered' "$TMP/fx/mds2/index.html"

# Rules: contradiction and unanswered, failing then passing.
expect_exit "fixture: check fails" 1 "$DOSSIER" check "$FIX/derive"
expect_grep "mds2-contradiction: planned control" "[mds2-contradiction] MDS2 TXCF-2 says Yes, but CTL-3" "$TMP/out"
expect_grep "mds2-contradiction: mds2.xml against the records" "mds2.xml:8: error: [mds2-contradiction] mds2.xml answers CONN-1.1.2 Yes" "$TMP/out"
expect_grep "mds2-unanswered: listed" "[mds2-unanswered] MDS2 MLDP-3" "$TMP/out"
expect_exit "example: check passes" 0 "$DOSSIER" check "$EX" --fail-on error
if grep -q '\[mds2-' "$TMP/out"; then fail "example: no mds2 finding" "$(grep '\[mds2-' "$TMP/out" | head -3)"; else ok "example: no mds2 finding"; fi
copy_example infusion-pump pump
grep -v 'id="RMOT-2"' "$TMP/pump/mds2.xml" >"$TMP/pump/mds2.new" && mv "$TMP/pump/mds2.new" "$TMP/pump/mds2.xml"
sed -i 's|<answer id="CONN-1.1.4" value="no"/>|<answer id="CONN-1.1.4" value="no"/><answer id="CONN-1.1.1" value="no"/>|' "$TMP/pump/mds2.xml"
"$DOSSIER" check "$TMP/pump" --fail-on warning >"$TMP/out" 2>&1
expect_grep "mds2-unanswered: a removed answer" "[mds2-unanswered] MDS2 RMOT-2" "$TMP/out"
expect_grep "mds2-contradiction: a No against Wi-Fi in the assets" "mds2.xml answers CONN-1.1.1 No, but the records say Yes" "$TMP/out"

# dossier mds2: the open questions as an mds2.xml to fill
expect_exit "mds2 prints the open questions" 0 "$DOSSIER" mds2 "$ROOT/examples/minimal"
grep -v '^dossier: ' "$TMP/out" >"$TMP/skeleton.xml"
if command -v xmllint >/dev/null 2>&1; then
    check "the skeleton is valid against schemas/mds2.xsd" xmllint --noout --schema "$ROOT/schemas/mds2.xsd" "$TMP/skeleton.xml"
else
    skip "the skeleton is valid against schemas/mds2.xsd" "xmllint not installed"
fi
"$DOSSIER" check "$ROOT/examples/minimal" >"$TMP/mcheck" 2>&1
nopen=$(sed -n 's/.*the records answer [0-9]* of the [0-9]* MDS2 questions; \([0-9]*\) are left.*/\1/p' "$TMP/mcheck")
got=$(grep -c '<answer id=' "$TMP/skeleton.xml")
if [ -n "$nopen" ] && [ "$got" = "$nopen" ]; then ok "one answer to fill per open question ($got)"; else fail "one answer to fill per open question" "skeleton $got, check says $nopen"; fi
expect_grep "each with the question's text" "<!-- DOC-9: " "$TMP/skeleton.xml"
copy_example minimal fill
python3 - "$TMP/skeleton.xml" "$TMP/fill/mds2.xml" <<'PY'
import sys
text = open(sys.argv[1]).read().replace("</mds2>", '  <answer id="DOC-9" value="no">Not a member of an ISAO yet.</answer>\n</mds2>')
open(sys.argv[2], "w").write(text)
PY
expect_exit "the filled skeleton checks" 0 "$DOSSIER" mds2 "$TMP/fill"
n=$(grep -c '<answer id=' "$TMP/out")
if [ -n "$nopen" ] && [ "$n" = "$((nopen - 1))" ]; then ok "an answered question leaves the skeleton"; else fail "an answered question leaves the skeleton" "$n open, want $((nopen - 1))"; fi

# a wrong value is an error on that answer alone; the rest of mds2.xml counts
copy_example infusion-pump wrongcase
sed -i '0,/value="yes"/s//value="Yes"/' "$TMP/wrongcase/mds2.xml"
expect_exit "a value written Yes fails check" 1 "$DOSSIER" check "$TMP/wrongcase"
expect_grep "the answer is named with the spelling expected" "error: [xml-schema] answer MPII-2: value 'Yes' is written 'yes'" "$TMP/out"
n=$(grep -c 'mds2-unanswered' "$TMP/out")
if [ "$n" = 1 ]; then ok "only that answer is left out, the others count"; else fail "only that answer is left out, the others count" "$n questions unanswered"; fi
