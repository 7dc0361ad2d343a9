#!/bin/sh
# A dossier that changes while it is being built: the bundle carries the
# bytes that were loaded and checked, never what is on disk later, and a
# folder swapped for a link to elsewhere is refused, not followed. The
# change is made by a stand-in PDF engine (tests/fixtures/pdf/), which the
# build runs after rendering and before it packs the bundle.
. "$(dirname "$0")/../lib.sh"

FIX="$ROOT/tests/fixtures/pdf"
if ! command -v python3 >/dev/null 2>&1; then
    skip "a dossier changing mid-build" "python3 is needed by the stand-in engine"
    exit 0
fi

# mutate.sh: on its first run, does what MUTATE says, then prints as the
# stand-in engine does.
cat >"$TMP/mutate.sh" <<EOF
#!/bin/sh
if [ ! -e "$TMP/mutated" ]; then
    : >"$TMP/mutated"
    sh -c "\$MUTATE"
fi
exec python3 "$FIX/fake-chromium.py" "\$@"
EOF
chmod +x "$TMP/mutate.sh"

copy_example minimal d
rec=$(ls "$TMP/d/threats/"*.md | head -1)
name=$(basename "$rec")
cp "$rec" "$TMP/original.md"
export MUTATE="printf -- '---\nid: [broken\n---\nEDITED-MID-BUILD\n' >'$rec'"
rm -f "$TMP/mutated"
DOSSIER_CHROMIUM="$TMP/mutate.sh" expect_exit "a record edited mid-build: the build goes on" 0 \
    "$DOSSIER" build "$TMP/d" -o "$TMP/out1" --pdf --only mds2,bundle -q
check "the stand-in engine did edit the record" grep -q EDITED-MID-BUILD "$rec"
bundled="$TMP/out1/premarket/records/threats/$name"
if cmp -s "$bundled" "$TMP/original.md"; then ok "the bundle carries the record as it was checked"
else fail "the bundle carries the record as it was checked" "$(head -3 "$bundled" 2>&1)"; fi
if grep -rq EDITED-MID-BUILD "$TMP/out1"; then fail "the edit reaches no output"; else ok "the edit reaches no output"; fi

# evidence/ (read by the load stage for the bundle alone) swapped for a
# link to a folder outside: the bundle carries the file as it was loaded
copy_example minimal e
mkdir -p "$TMP/e/evidence" "$TMP/elsewhere"
echo "pen test report" >"$TMP/e/evidence/report.txt"
echo "SECRET-OUTSIDE-THE-DOSSIER" >"$TMP/elsewhere/report.txt"
export MUTATE="mv '$TMP/e/evidence' '$TMP/e-evidence-moved' && ln -s '$TMP/elsewhere' '$TMP/e/evidence'"
rm -f "$TMP/mutated"
DOSSIER_CHROMIUM="$TMP/mutate.sh" expect_exit "a folder swapped for a link mid-build: the build goes on" 0 \
    "$DOSSIER" build "$TMP/e" -o "$TMP/out2" --pdf --only mds2,bundle -q
check "the stand-in engine did swap the folder" test -L "$TMP/e/evidence"
if cmp -s "$TMP/out2/premarket/records/evidence/report.txt" "$TMP/e-evidence-moved/report.txt"; then
    ok "the bundle carries the evidence as it was loaded"
else fail "the bundle carries the evidence as it was loaded" "$(head -3 "$TMP/out2/premarket/records/evidence/report.txt" 2>&1)"; fi
if grep -rq SECRET-OUTSIDE "$TMP/out2" "$TMP"/out2.* 2>/dev/null; then fail "nothing from outside the dossier in any output"
else ok "nothing from outside the dossier in any output"; fi

# The whole dossier folder moved away once the pages are rendered: no stage
# after the load stage opens a file of it (the bundle copies the bytes the
# load stage read), so the build succeeds with what was loaded.
copy_example minimal f
mkdir -p "$TMP/f/evidence/scans"
echo "pen test report" >"$TMP/f/evidence/report.txt"
head -c 70000 /dev/urandom >"$TMP/f/evidence/scans/capture.bin"
export MUTATE="mv '$TMP/f' '$TMP/f-moved'"
rm -f "$TMP/mutated" "$TMP/f-moved" 2>/dev/null; rm -rf "$TMP/f-moved"
DOSSIER_CHROMIUM="$TMP/mutate.sh" expect_exit "the dossier folder moved away mid-build: the build goes on" 0 \
    "$DOSSIER" build "$TMP/f" -o "$TMP/out3" --pdf --only mds2,bundle -q
check "the stand-in engine did move the folder" test ! -e "$TMP/f"
same=0 files=0
for rel in evidence/report.txt evidence/scans/capture.bin dossier.xml; do
    files=$((files + 1))
    cmp -s "$TMP/out3/premarket/records/$rel" "$TMP/f-moved/$rel" && same=$((same + 1))
done
if [ "$same" -eq "$files" ]; then ok "the bundle carries every file as it was loaded"
else fail "the bundle carries every file as it was loaded" "$same of $files the same"; fi
