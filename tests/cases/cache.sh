#!/bin/sh
# The incremental build (render/cache.c): after each of a sequence of edits
# to the example dossier, a build into the previous output takes the pages
# whose inputs did not change from it, and the folder it writes is the same,
# byte for byte, as a fresh build's (the cache file too); the site's pages
# are made again only where something they read changed. A damaged or
# hostile cache file, a page changed in the output since, a dossier with its
# own templates and --no-cache all make every page, with the same bytes.
. "$(dirname "$0")/../lib.sh"

D="$TMP/pump"
OUT="$TMP/site-out"
copy_example infusion-pump pump

# build_inc: an incremental build into $OUT (-v: its counts into $TMP/counts)
build_inc() {
    "$DOSSIER" build "$D" -o "$OUT" -v "$@" 2>"$TMP/inc.err" >/dev/null
    rc=$?
    grep 'pages made' "$TMP/inc.err" >"$TMP/counts"
    return $rc
}
made() { sed -n 's/^dossier: \([0-9]*\) pages made.*/\1/p' "$TMP/counts"; }
taken() { sed -n 's/.*made, \([0-9]*\) taken.*/\1/p' "$TMP/counts"; }

# same_as_fresh NAME: a fresh build of $D (no previous output) against $OUT
same_as_fresh() {
    rm -rf "$TMP/fresh"
    "$DOSSIER" build "$D" -o "$TMP/fresh" >/dev/null 2>&1
    if diff -r "$OUT" "$TMP/fresh" >"$TMP/diff" 2>&1; then
        ok "$1: the same bytes as a fresh build"
    else
        fail "$1: the same bytes as a fresh build" "$(head -5 "$TMP/diff")"
    fi
}

rm -rf "$OUT"
build_inc
check "a first build writes the cache" test -s "$OUT/.dossier-cache"
pages=$(made)
[ "${pages:-0}" -gt 100 ] && [ "$(taken)" = 0 ] && ok "a first build makes every page ($pages)" ||
    fail "a first build makes every page" "$(cat "$TMP/counts")"

build_inc
[ "$(made)" = 0 ] && [ "$(taken)" = "$pages" ] && ok "nothing changed: every page taken over" ||
    fail "nothing changed: every page taken over" "$(cat "$TMP/counts")"
same_as_fresh "nothing changed"

# 1. a threat's prose: its page, and the pages that show its prose
printf '\nA sentence added by the cache test.\n' >>"$D/threats/THR-003.md"
build_inc
m=$(made)
[ "${m:-0}" -ge 1 ] && [ "$m" -lt 20 ] && ok "a threat's prose edited: $m pages made again" ||
    fail "a threat's prose edited: a few pages made again" "$(cat "$TMP/counts")"
expect_grep "its page shows the edit" "A sentence added by the cache test." "$OUT/threats/THR-003.html"
same_as_fresh "a threat's prose edited"

# 2. a control's title: every page that links it shows the new title
sed -i 's/^title: Mutual TLS device authentication between pump and gateway$/title: Mutual TLS between pump and gateway (renamed)/' \
    "$D/controls/CTL-001.md"
build_inc
expect_grep "a page linking the control shows its new title" "renamed" "$OUT/threats/THR-003.html"
same_as_fresh "a control renamed"

# 3. a record added, then one removed
cat >"$D/threats/THR-900.md" <<'EOF'
---
id: THR-900
title: Threat added by the cache test
stride: spoofing
assets: [AST-002]
attack_vector: adjacent
exploitability_pre: low
severity: minor
exploitability_post: remote
mitigated_by: [CTL-001]
risk: acceptable
owner: Product Security Lead
---
Added to see the lists change.
EOF
build_inc
check "the added record has its page" test -f "$OUT/threats/THR-900.html"
same_as_fresh "a record added"
rm "$D/threats/THR-900.md"
build_inc
check "the removed record's page is gone" test ! -e "$OUT/threats/THR-900.html"
same_as_fresh "a record removed"

# 4. a test run's results removed: the results each test shows change
rm "$D/tests/results/pump-integration-3.2.0-rc1.xml"
build_inc
same_as_fresh "a test report removed"

# 5. the product's version (dossier.xml): every page's header
sed -i 's#<version>3.2.0</version>#<version>9.9.9</version>#' "$D/dossier.xml"
build_inc
m=$(made)
[ "$m" = "$pages" ] || [ "${m:-0}" -gt 100 ] && ok "the product changed: the pages made again ($m)" ||
    fail "the product changed: the pages made again" "$(cat "$TMP/counts")"
same_as_fresh "the product's version changed"

# 6. with --jobs 1 and 2 alike
printf '\nAnother sentence.\n' >>"$D/threats/THR-001.md"
build_inc --jobs 1
same_as_fresh "an edit built by one process"
printf '\nA third sentence.\n' >>"$D/threats/THR-001.md"
build_inc --jobs 2
same_as_fresh "an edit built by two processes"

# 7. a page changed in the output since the last build is made again
printf 'tampered' >>"$OUT/threats/THR-002.html"
build_inc
[ "$(made)" = 1 ] && ok "a page changed in the output is made again, alone" ||
    fail "a page changed in the output is made again, alone" "$(cat "$TMP/counts")"
same_as_fresh "a page changed in the output"

# 8. damaged and hostile cache files: ignored, every page made
hostile() { # NAME: the cache file is $TMP/bad
    cp "$TMP/bad" "$OUT/.dossier-cache"
    if build_inc && [ "$(made)" = "$pages" ]; then ok "$1: ignored, every page made"; else
        fail "$1: ignored, every page made" "$(cat "$TMP/counts" "$TMP/inc.err" | head -5)"
    fi
    same_as_fresh "$1"
}
head -c 3000 "$OUT/.dossier-cache" >"$TMP/bad"
hostile "a truncated cache file"
printf 'dossier-cache 1\nkey 00\nunits 99999999999\n' >"$TMP/bad"
hostile "a cache file claiming billions of units"
sed 's#^threats/THR-002.html\t#../../etc/passwd\t#' "$OUT/.dossier-cache" >"$TMP/bad"
hostile "a cache file naming a path outside the output"
sed 's/\t[0-9,]*$/\t99999999/' "$OUT/.dossier-cache" >"$TMP/bad"
hostile "a cache file naming units that do not exist"
head -c 100000 /dev/urandom >"$TMP/bad"
hostile "a cache file of random bytes"

# 9. a page that is a link in the output: the build refuses the output
# folder (it holds what no build wrote), so nothing is read through it
build_inc
rm "$OUT/threats/THR-002.html"
ln -s /etc/passwd "$OUT/threats/THR-002.html"
expect_exit "a page replaced by a link: the output folder is refused" 2 \
    "$DOSSIER" build "$D" -o "$OUT"
check "a page replaced by a link: left as it was" test -L "$OUT/threats/THR-002.html"

# 10. --no-cache: no cache file, every page made
rm -rf "$OUT"
"$DOSSIER" build "$D" -o "$OUT" >/dev/null 2>&1
"$DOSSIER" build "$D" -o "$OUT" --no-cache -v >/dev/null 2>"$TMP/inc.err"
check "--no-cache writes no cache file" test ! -e "$OUT/.dossier-cache"
if grep -q 'pages made' "$TMP/inc.err"; then fail "--no-cache makes every page: no counts" "$(cat "$TMP/inc.err")"; else ok "--no-cache takes nothing from the previous build"; fi

# 11. a dossier with its own templates: no cache
mkdir -p "$D/templates/site"
cp "$ROOT/lua-templates/site/record.html" "$D/templates/site/record.html"
rm -rf "$OUT"
"$DOSSIER" build "$D" -o "$OUT" >/dev/null 2>&1
check "a dossier with its own templates keeps no cache" test ! -e "$OUT/.dossier-cache"
