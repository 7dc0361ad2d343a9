#!/bin/sh
# The output folder: `build -o DIR` replaces only a folder the tool made (its
# stamp inside, nothing else there) or an empty one. It refuses, with exit 2
# and nothing touched, the dossier itself, a folder holding the dossier or
# lying inside it, a version-control work tree root, a link, and any folder
# holding a file no build wrote. Interrupted builds are recovered from.
. "$(dirname "$0")/../lib.sh"

EX="$ROOT/examples/minimal"

# tree_sum DIR: one line per file (and link) below DIR with its hash.
tree_sum() { (cd "$1" && find . \( -type f -o -type l \) -print | LC_ALL=C sort | while read -r f; do
    if [ -L "$f" ]; then echo "link $f"; else sha256sum "$f"; fi; done); }

# refused NAME OUT SRC [WANT-MESSAGE]: build SRC -o OUT exits 2, says why,
# and leaves every file under $TMP exactly as it was.
refused() {
    n=$1; out=$2; src=$3; msg=${4:-refusing}
    tree_sum "$TMP/world" >"$TMP/before"
    "$DOSSIER" build "$src" -o "$out" -q >"$TMP/out" 2>&1; rc=$?
    if [ $rc -eq 2 ]; then ok "$n: exit 2"; else fail "$n: exit 2" "exit $rc" "$(head -3 "$TMP/out")"; fi
    expect_grep "$n: says why" "$msg" "$TMP/out"
    tree_sum "$TMP/world" >"$TMP/after"
    if cmp -s "$TMP/before" "$TMP/after"; then ok "$n: nothing touched"
    else fail "$n: nothing touched" "$(diff "$TMP/before" "$TMP/after" | head -5)"; fi
    left=$(find "$TMP/world" -name '*.tmp-*' -o -name '*.old-*' | wc -l)
    if [ "$left" -eq 0 ]; then ok "$n: no temporary folder left"; else fail "$n: no temporary folder left" "$(find "$TMP/world" -name '*.tmp-*')"; fi
}

# A work tree: a project folder with .git, the dossier inside it.
W="$TMP/world"
mkdir -p "$W/project/.git" "$W/project/src"
echo "ref: refs/heads/main" >"$W/project/.git/HEAD"
echo "int main(void) { return 0; }" >"$W/project/src/main.c"
cp -R "$EX" "$W/project/dossier"

refused "-o the dossier itself" "$W/project/dossier" "$W/project/dossier" "is the dossier"
refused "-o the dossier, named with a trailing slash" "$W/project/dossier/" "$W/project/dossier" "is the dossier"
refused "-o the folder holding the dossier" "$W/project" "$W/project/dossier" "contains the dossier"

mkdir -p "$W/repo2/.git"
echo x >"$W/repo2/.git/config"
refused "-o a work tree root" "$W/repo2" "$EX" "version-control work tree"

mkdir -p "$W/notes"
echo "my notes" >"$W/notes/todo.txt"
refused "-o a folder of the user's" "$W/notes" "$EX" "not made by dossier build"

mkdir -p "$W/hidden"
echo "secret" >"$W/hidden/.env"
refused "-o a folder holding only a hidden file" "$W/hidden" "$EX" "not made by dossier build"

mkdir -p "$W/target"
ln -s "$W/target" "$W/link"
refused "-o a symbolic link to a folder" "$W/link" "$EX" "symbolic link"

echo "a file" >"$W/file"
refused "-o a file" "$W/file" "$EX" "not a folder"

# ---- folders the tool made ---------------------------------------------------------
OUT="$W/out"
expect_exit "a new folder: built" 0 "$DOSSIER" build "$EX" -o "$OUT" -q
check "a built folder carries the stamp" test -f "$OUT/.dossier-output"
expect_grep "the stamp lists what the build wrote" "index.html" "$OUT/.dossier-output"
n_listed=$(tail -n +3 "$OUT/.dossier-output" | wc -l)
n_files=$(cd "$OUT" && find . -type f ! -name .dossier-output | wc -l)
if [ "$n_listed" -eq "$n_files" ]; then ok "the stamp lists every file written ($n_files)"
else fail "the stamp lists every file written" "$n_listed listed, $n_files files"; fi
expect_exit "a folder the tool made: replaced" 0 "$DOSSIER" build "$EX" -o "$OUT" -q
cp "$OUT/.dossier-output" "$TMP/stamp1"
expect_exit "replaced again" 0 "$DOSSIER" build "$EX" -o "$OUT" -q
if cmp -s "$OUT/.dossier-output" "$TMP/stamp1"; then ok "the stamp: same bytes build after build"
else fail "the stamp: same bytes build after build"; fi

echo "keep me" >"$OUT/premarket/my-notes.txt"
refused "a built folder with a file the user added" "$OUT" "$EX" "my-notes.txt"
rm "$OUT/premarket/my-notes.txt"
mkdir "$OUT/drafts"
refused "a built folder with an empty folder the user added" "$OUT" "$EX" "drafts"
rmdir "$OUT/drafts"
ln -s /etc/passwd "$OUT/passwd"
refused "a built folder with a link the user added" "$OUT" "$EX" "passwd"
rm "$OUT/passwd"
mkdir -p "$W/forged"; echo "not a stamp" >"$W/forged/.dossier-output"
echo "data" >"$W/forged/data.csv"
refused "a folder whose stamp is not the tool's" "$W/forged" "$EX" "not made by dossier build"

mkdir -p "$W/empty"
expect_exit "an empty folder: built into" 0 "$DOSSIER" build "$EX" -o "$W/empty" -q
check "the empty folder now holds the output" test -f "$W/empty/index.html"

# ---- interrupted builds ------------------------------------------------------------
# A build killed between its two renames (a file system without the atomic
# exchange) leaves no output and the previous one aside: the shim makes the
# second rename and the one putting the old output back fail, as a kill would.
SHIM="$TMP/shim.so"
if ldd "$DOSSIER" 2>/dev/null | grep -q 'libasan'; then
    skip "interrupted between the renames" "the binary is built with AddressSanitizer, whose runtime must be loaded first"
elif ! cc -shared -fPIC -O1 -o "$SHIM" "$ROOT/tests/faultinject/shim.c" -ldl 2>"$TMP/cc"; then
    skip "interrupted between the renames" "the shim does not compile: $(head -1 "$TMP/cc")"
else
    tree_sum "$OUT" >"$TMP/prev"
    env FAULT_NO_EXCHANGE=1 FAULT_CALL=rename FAULT_AT=2 FAULT_TIMES=2 LD_PRELOAD="$SHIM" \
        "$DOSSIER" build "$EX" -o "$OUT" -q >"$TMP/log" 2>&1; rc=$?
    if [ $rc -eq 2 ] && [ ! -e "$OUT" ] && ls -d "$W"/out.old-* >/dev/null 2>&1; then
        ok "interrupted between the renames: no output, the previous one aside"
    else fail "interrupted between the renames: no output, the previous one aside" "exit $rc" "$(ls "$W")"; fi
    aside=$(ls -d "$W"/out.old-* 2>/dev/null | head -1)
    tree_sum "$aside" >"$TMP/aside" 2>/dev/null
    if cmp -s "$TMP/prev" "$TMP/aside"; then ok "interrupted: the previous output is whole, aside"
    else fail "interrupted: the previous output is whole, aside"; fi
    # the next build, failing on purpose (an unknown --only), changes nothing
    # but a build that begins puts the previous output back first
    env FAULT_CALL=write FAULT_AT=1 LD_PRELOAD="$SHIM" "$DOSSIER" build "$EX" -o "$OUT" -q >"$TMP/log" 2>&1
    expect_grep "the next build puts the previous output back" "put back the previous output" "$TMP/log"
    tree_sum "$OUT" >"$TMP/back" 2>/dev/null
    if cmp -s "$TMP/prev" "$TMP/back"; then ok "recovered: the previous output is at its place, whole"
    else fail "recovered: the previous output is at its place, whole" "$(ls "$W")"; fi
    left=$(find "$W" -maxdepth 1 -name 'out.old-*' -o -maxdepth 1 -name 'out.tmp-*' | wc -l)
    if [ "$left" -eq 0 ]; then ok "recovered: nothing left aside"; else fail "recovered: nothing left aside" "$(ls "$W")"; fi
fi

# Temporary folders of builds that died are removed by the next build; a
# sibling with a similar name but no stamp, or of a build still running, is not.
mkdir -p "$W/out.tmp-999999999-0/site" "$W/out.tmp-999999998-0" "$W/out.tmp-$$-0"
head -2 "$OUT/.dossier-output" >"$W/out.tmp-999999999-0/.dossier-output"
echo "half" >"$W/out.tmp-999999999-0/site/index.html"
head -2 "$OUT/.dossier-output" >"$W/out.tmp-$$-0/.dossier-output"
echo "mine" >"$W/out.tmp-999999998-0/notes.txt"
expect_exit "a build beside stale temporary folders" 0 "$DOSSIER" build "$EX" -o "$OUT" -q
check "a dead build's stamped temporary folder is removed" test ! -e "$W/out.tmp-999999999-0"
check "an unstamped folder of a similar name is left alone" test -f "$W/out.tmp-999999998-0/notes.txt"
check "a running build's temporary folder is left alone" test -f "$W/out.tmp-$$-0/.dossier-output"
rm -rf "$W/out.tmp-999999998-0" "$W/out.tmp-$$-0"

# The bundle carries the dossier's files, never the output's.
if unzip -l "$OUT"/premarket/*.zip 2>/dev/null | grep -q 'dossier-output\|\.tmp-'; then
    fail "no stamp or temporary folder in the bundle"
else ok "no stamp or temporary folder in the bundle"; fi

# An output inside the dossier (the default output/NAME when the dossier is
# the current folder): allowed, and never read back as input, its stamp
# keeping the load stage out of it.
cp -R "$EX" "$TMP/inside"
(cd "$TMP/inside" && "$DOSSIER" check . >"$TMP/check-before" 2>&1)
(cd "$TMP/inside" && "$DOSSIER" build -q) >"$TMP/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && [ -f "$TMP/inside/output/inside/.dossier-output" ]; then ok "an output inside the dossier (the default, from within it): built"
else fail "an output inside the dossier (the default, from within it): built" "exit $rc" "$(head -3 "$TMP/out")"; fi
(cd "$TMP/inside" && "$DOSSIER" check . >"$TMP/check-after" 2>&1)
if cmp -s "$TMP/check-before" "$TMP/check-after"; then ok "the output inside the dossier is not read by check"
else fail "the output inside the dossier is not read by check" "$(diff "$TMP/check-before" "$TMP/check-after" | head -3)"; fi
(cd "$TMP/inside" && "$DOSSIER" build -q) >"$TMP/out" 2>&1
expect_exit "built again over it" 0 sh -c "cd '$TMP/inside' && '$DOSSIER' build -q"
if unzip -l "$TMP/inside/output/inside/"*.zip 2>/dev/null | grep -q 'records/output/'; then fail "the bundle carries none of the previous output"
else ok "the bundle carries none of the previous output"; fi
