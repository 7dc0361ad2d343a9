#!/bin/sh
# build --jobs: the site rendered by several processes gives the same files
# and bytes as one process; a template error in one process's share of the
# pages fails the build with one message and leaves the previous output;
# every path is still checked for being written twice.
. "$(dirname "$0")/../lib.sh"

EX="$ROOT/examples/infusion-pump"
for j in 1 2 3; do
    expect_exit "--jobs $j: builds" 0 "$DOSSIER" build "$EX" -o "$TMP/j$j" --jobs "$j" -q
done
for j in 2 3; do
    if diff -r "$TMP/j1" "$TMP/j$j" >"$TMP/diff" 2>&1; then ok "--jobs $j: the same files and bytes as --jobs 1"
    else fail "--jobs $j: the same files and bytes as --jobs 1" "$(head -5 "$TMP/diff")"; fi
done
n1=$(find "$TMP/j1" -type f | wc -l)
if [ "$n1" -gt 300 ]; then ok "--jobs 1: every page is there ($n1 files)"; else fail "--jobs 1: every page is there" "$n1 files"; fi
expect_exit "-j 2: the short option" 0 "$DOSSIER" build "$EX" -o "$TMP/short" -j 2 --only site -q
expect_exit "--jobs 0: a usage error" 2 "$DOSSIER" build "$EX" -o "$TMP/bad" --jobs 0
expect_grep "--jobs 0: says the range" "--jobs takes a whole number from 1 to 64" "$TMP/out"
expect_exit "--jobs 2 applies to check too" 0 "$DOSSIER" check "$EX" --jobs 2 -q

# A template that fails on one record only: with two or three processes,
# the process that renders that page fails the build; one message, naming
# the template and the line; the previous output stays.
copy_example minimal one
mkdir -p "$TMP/one/templates/site"
sed 's|^<article class="record">|{% if record.id == "CTL-004" then error("no page for " .. record.id) end %}\n<article class="record">|' \
    "$ROOT/lua-templates/site/record.html" >"$TMP/one/templates/site/record.html"
line=$(grep -n "no page for" "$TMP/one/templates/site/record.html" | cut -d: -f1)
for j in 1 2 3; do
    # a previous output (one the tool made), its index marked to tell it apart
    rm -rf "$TMP/keep$j" && "$DOSSIER" build "$ROOT/examples/minimal" -o "$TMP/keep$j" --only site -q &&
        echo old >"$TMP/keep$j/index.html"
    expect_exit "--jobs $j: an error in one page fails the build (exit 3)" 3 \
        "$DOSSIER" build "$TMP/one" -o "$TMP/keep$j" --jobs "$j" --only site -q
    n=$(grep -c "no page for CTL-004" "$TMP/out")
    if [ "$n" -eq 1 ]; then ok "--jobs $j: the error is said once"; else fail "--jobs $j: the error is said once" "$n times" "$(head -5 "$TMP/out")"; fi
    expect_grep "--jobs $j: the error names the template line" "templates/site/record.html:$line: error" "$TMP/out"
    check "--jobs $j: the previous output is left" grep -qx old "$TMP/keep$j/index.html"
done

# An error on every page (the layout): said once however many processes.
copy_example minimal all
mkdir -p "$TMP/all/templates/site"
printf '{{ no_such_name }}\n' >"$TMP/all/templates/site/layout.html"
expect_exit "--jobs 3: an error on every page: exit 3" 3 "$DOSSIER" build "$TMP/all" -o "$TMP/allout" --jobs 3 --only site -q
n=$(grep -c "undefined name 'no_such_name'" "$TMP/out")
if [ "$n" -eq 1 ]; then ok "--jobs 3: an error on every page is said once"; else fail "--jobs 3: an error on every page is said once" "$n times"; fi

# A path written twice is found whichever process owns it.
copy_example minimal twice
mkdir -p "$TMP/twice/templates/site"
printf 'write("same.html", "a")\nwrite("same.html", "b")\n' >"$TMP/twice/templates/site/main.lua"
expect_exit "--jobs 3: a path written twice fails" 3 "$DOSSIER" build "$TMP/twice" -o "$TMP/twout" --jobs 3 --only site -q
expect_grep "--jobs 3: says which path" "same.html is written twice" "$TMP/out"

# A main.lua that never asks this_shard still gets every file once.
copy_example minimal plain
mkdir -p "$TMP/plain/templates/site"
printf 'for i = 1, 40 do write("p/" .. i .. ".txt", tostring(i)) end\n' >"$TMP/plain/templates/site/main.lua"
expect_exit "--jobs 3: a main.lua without this_shard builds" 0 "$DOSSIER" build "$TMP/plain" -o "$TMP/plainout" --jobs 3 --only site -q
n=$(find "$TMP/plainout/p" -type f | wc -l)
if [ "$n" -eq 40 ] && [ "$(cat "$TMP/plainout/p/17.txt")" = 17 ]; then ok "--jobs 3: every file written once"
else fail "--jobs 3: every file written once" "$n files"; fi

# Every output at once: the outputs of a build are dealt to the processes
# whole (the site page by page); a template error in an output another
# process renders fails the build with its message, and the previous
# output stays.
copy_example minimal whole
mkdir -p "$TMP/whole/templates/postmarket"
printf 'error("postmarket stops here")\n' >"$TMP/whole/templates/postmarket/main.lua"
"$DOSSIER" build "$ROOT/examples/minimal" -o "$TMP/whole-out" -q
for j in 1 2 3; do
    expect_exit "--jobs $j: a failing output another process renders fails the build" 3 \
        "$DOSSIER" build "$TMP/whole" -o "$TMP/whole-out" --jobs "$j" -q
    expect_grep "--jobs $j: the failing output's message" "templates/postmarket/main.lua:1: error: postmarket stops here" "$TMP/out"
    check "--jobs $j: the previous output stays" test -f "$TMP/whole-out/premarket/index.html"
done
