#!/bin/sh
# dossier import: a threat register kept in a spreadsheet (CSV or XLSX, in
# tests/fixtures/register/, written for these tests) becomes Markdown records
# once, through a mapping file. A dry run writes nothing; an existing record
# is not replaced unless --force; a value the record type refuses is
# reported at its cell and nothing is written; what is written reads back
# as the register had it, quotes, colons and line breaks included.
. "$(dirname "$0")/../lib.sh"

FIX="$ROOT/tests/fixtures/register"
D="$TMP/imp"
copy_example minimal imp

expect_exit "a dry run succeeds" 0 "$DOSSIER" import "$FIX/risks.csv" --map "$FIX/risks-map.yaml" "$D" --dry-run
expect_grep "it lists what it would write, with the register's row" "would write threats/THR-202.md (row 3)" "$TMP/out"
if [ -e "$D/threats/THR-201.md" ]; then fail "a dry run writes nothing" ""; else ok "a dry run writes nothing"; fi

expect_exit "import writes the records" 0 "$DOSSIER" import "$FIX/risks.csv" --map "$FIX/risks-map.yaml" "$D"
expect_grep "one file per row in the type's folder" "wrote threats/THR-201.md (row 2)" "$TMP/out"
expect_exit "the records are the dossier's: trace reads them" 0 "$DOSSIER" trace THR-202 "$D"
expect_grep "quotes and colons come back as written" 'Firmware image replaced through the service port' "$TMP/out"
expect_grep "a value translated by the mapping (T -> tampering)" "stride: tampering" "$D/threats/THR-201.md"
expect_grep "a list column split on ; and ," "assets: [AST-001, AST-002]" "$D/threats/THR-202.md"
expect_grep "the prose column is the body, its line breaks kept" "It reaches the controller unless pairing is enforced." "$D/threats/THR-201.md"
expect_grep 'a cell with quotes and colons is quoted as YAML needs' 'with "quotes" and: colons' "$D/threats/THR-202.md"
"$DOSSIER" check "$D" >"$TMP/check" 2>&1
if grep -q 'THR-20[12].*\(yaml\|required-field\|front-matter\)' "$TMP/check"; then
    fail "the written front matter checks clean" "$(grep -m2 'THR-20' "$TMP/check")"
else ok "the written front matter checks clean"; fi

cp "$D/threats/THR-201.md" "$TMP/before"
echo "edited by hand" >>"$D/threats/THR-201.md"
cp "$D/threats/THR-201.md" "$TMP/edited"
expect_exit "an existing record is not replaced" 1 "$DOSSIER" import "$FIX/risks.csv" --map "$FIX/risks-map.yaml" "$D"
expect_grep "it says which and how to replace it" "risks.csv:2: error: [register-format] threats/THR-201.md exists: not replaced (--force replaces it)" "$TMP/out"
if cmp -s "$D/threats/THR-201.md" "$TMP/edited"; then ok "the edited record is untouched"; else fail "the edited record is untouched" ""; fi
expect_exit "--force replaces it" 0 "$DOSSIER" import "$FIX/risks.csv" --map "$FIX/risks-map.yaml" "$D" --force
if cmp -s "$D/threats/THR-201.md" "$TMP/before"; then ok "replaced by the register's record"; else fail "replaced by the register's record" ""; fi

# a value the type refuses, at its cell; nothing written
B="$TMP/imp-bad"
copy_example minimal imp-bad
sed 's/,Serious,/,Catastrophic?,/' "$FIX/risks.csv" >"$TMP/bad.csv"
expect_exit "a refused value stops the import" 1 "$DOSSIER" import "$TMP/bad.csv" --map "$FIX/risks-map.yaml" "$B"
expect_grep "it is reported at the register's row and column" "bad.csv:2:7: error:" "$TMP/out"
expect_grep "with the values the field takes" "Catastrophic?" "$TMP/out"
if [ -e "$B/threats/THR-202.md" ]; then fail "nothing is written when a row is wrong" ""; else ok "nothing is written when a row is wrong"; fi
sed 's/^  severity: Harm$/  severity: Patient harm/' "$FIX/risks-map.yaml" >"$TMP/bad-map.yaml"
expect_exit "a column the mapping names and the register lacks" 1 "$DOSSIER" import "$FIX/risks.csv" --map "$TMP/bad-map.yaml" "$B"
expect_grep "is reported at the mapping's line, with the columns there are" 'bad-map.yaml:10:13: error: [register-format] no column "Patient harm"' "$TMP/out"
expect_exit "without --map" 2 "$DOSSIER" import "$FIX/risks.csv" "$B"

# semicolons, as spreadsheets write CSV in many locales
S="$TMP/imp-semi"
copy_example minimal imp-semi
printf 'Risk ID;Hazard;STRIDE;Affected assets;Vector;Likelihood;Harm;Description;Owner\nTHR-301;Replay of a bolus;T;AST-001;adjacent;High;Serious;A recorded bolus is sent again.;Lead\n' >"$TMP/semi.csv"
expect_exit "a semicolon-separated register" 0 "$DOSSIER" import "$TMP/semi.csv" --map "$FIX/risks-map.yaml" "$S"
expect_grep "is read by its separator" "title: Replay of a bolus" "$S/threats/THR-301.md"

# the same register as an XLSX workbook
PY=/usr/bin/python3 # Debian's, with python3-openpyxl (make check installs it)
if "$PY" -c "import openpyxl" 2>/dev/null; then
    X="$TMP/imp-xlsx"
    copy_example minimal imp-xlsx
    "$PY" - "$FIX/risks.csv" "$TMP/risks.xlsx" <<'EOF'
import csv, sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
for row in csv.reader(open(sys.argv[1], newline="")):
    ws.append(row)
wb.save(sys.argv[2])
EOF
    expect_exit "an XLSX register" 0 "$DOSSIER" import "$TMP/risks.xlsx" --map "$FIX/risks-map.yaml" "$X"
    if cmp -s "$X/threats/THR-202.md" "$D/threats/THR-202.md"; then ok "gives the same records as its CSV"
    else fail "gives the same records as its CSV" "$(diff "$X/threats/THR-202.md" "$D/threats/THR-202.md" | head -5)"; fi
else
    skip "import of an XLSX register" "python3-openpyxl is not installed"
fi
