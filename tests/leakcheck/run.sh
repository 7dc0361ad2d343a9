#!/bin/sh
# make leakcheck: dossier under valgrind's memcheck on representative runs
# (check, every output of both examples, the error paths of broken input,
# verify, diff) and the unit test binaries. Any invalid read or write, use
# of uninitialised memory, or definitely or indirectly lost block fails.
# No suppressions: every report is about our code or a library we call.
# Prints "N passed, N failed" like the suite.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILDDIR=${BUILDDIR:-build}
D="$ROOT/$BUILDDIR/dossier"
TMP="$ROOT/tests/tmp/leakcheck"
rm -rf "$TMP" && mkdir -p "$TMP"
. "$ROOT/tests/env.sh"
command -v valgrind >/dev/null || { echo "leakcheck: valgrind is missing (apt-get install valgrind)" >&2; exit 2; }
VG="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --child-silent-after-fork=yes --track-origins=no"
pass=0; failn=0
# vg NAME CMD...: the command under memcheck; exit 99 (a memcheck error) fails, any other exit is the command's own.
vg() {
    n=$1; shift
    $VG "$@" >"$TMP/$n.out" 2>"$TMP/$n.err"; rc=$?
    if [ $rc -eq 99 ] || grep -q "^==[0-9]*== [A-Z].*\(Invalid\|uninitialised\|definitely lost\|indirectly lost\)" "$TMP/$n.err"; then
        echo "not ok leakcheck: $n"; grep "^==" "$TMP/$n.err" | head -20; failn=$((failn + 1))
    else
        echo "ok leakcheck: $n (exit $rc)"; pass=$((pass + 1))
    fi
}
EX="$ROOT/examples"
vg check-minimal "$D" check "$EX/minimal"
vg check-pump "$D" check "$EX/infusion-pump" --format sarif
vg build-minimal "$D" build "$EX/minimal" -o "$TMP/min" -q --jobs 1
vg build-pump "$D" build "$EX/infusion-pump" -o "$TMP/pump" -q --jobs 2
# into the same folder: the pages taken from the previous build (render/cache.c)
vg rebuild-pump "$D" build "$EX/infusion-pump" -o "$TMP/pump" -q --jobs 1
vg verify "$D" verify "$TMP/pump"
vg diff "$D" diff "$EX/minimal" "$EX/infusion-pump"
vg new "$D" new "$TMP/fresh"
cp -R "$EX/minimal" "$TMP/broken"
f=$(ls "$TMP/broken/threats/"*.md | head -1)
printf -- '---\nid: [unclosed\n---\n' >"$f"
printf '<dossier' >"$TMP/broken/dossier.xml"
vg broken-check "$D" check "$TMP/broken"
vg broken-build "$D" build "$TMP/broken" -o "$TMP/bout" -q
cp -R "$EX/minimal" "$TMP/badtpl" && mkdir -p "$TMP/badtpl/templates/site"
printf 'write("a.html", render("site/nope.html"))\n' >"$TMP/badtpl/templates/site/main.lua"
vg template-error "$D" build "$TMP/badtpl" -o "$TMP/tout" --only site -q
cd "$ROOT"
for t in "$ROOT/$BUILDDIR"/tests/test_*; do
    [ -x "$t" ] || continue
    vg "unit-$(basename "$t")" "$t"
done
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
