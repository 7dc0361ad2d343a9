#!/bin/sh
# The bounds of the template sandbox, through dossier build on copies of
# examples/minimal: no symbolic link is followed on the way to a template;
# library functions that loop in C are charged to the instruction budget;
# markdown_text's memory counts against the cap; what templates write is
# capped in size. Every run is under `timeout` and `ulimit -v`, so a
# regression fails instead of hanging or taking the machine's memory; the
# limits are generous (what is tested is bounded against unbounded, not speed).
. "$(dirname "$0")/../lib.sh"

# AddressSanitizer reserves terabytes of address space up front
LIMIT=2097152
if ldd "$DOSSIER" 2>/dev/null | grep -q libasan; then LIMIT=unlimited; fi
WAIT=${BOUNDS_TIMEOUT:-60}

# run NAME WANT CMD...: like expect_exit, within WAIT seconds and 2 GiB of
# address space (exit 124: it ran out of time).
run() {
    n=$1; want=$2; shift 2
    (ulimit -v $LIMIT; exec timeout -k 5 "$WAIT" "$@") >"$TMP/out" 2>&1; got=$?
    if [ "$got" -eq "$want" ]; then ok "$n"; else fail "$n" "exit $got, want $want: $*" "$(head -5 "$TMP/out")"; fi
}

# dossier NAME: a fresh copy of examples/minimal at $TMP/NAME, with its
# templates/site/ made.
dossier() {
    copy_example minimal "$1"
    mkdir -p "$TMP/$1/templates/site"
}

# evil NAME LINE SAYS OPTIONS CODE: templates/site/main.lua holding CODE
# makes build (with OPTIONS) stop with exit 3 at main.lua:LINE, in bounds,
# saying SAYS.
evil() {
    e=$1 line=$2 says=$3 opts=$4 code=$5
    dossier "$e"
    printf '%s\n' "$code" >"$TMP/$e/templates/site/main.lua"
    run "$e: exit 3 in bounds" 3 "$DOSSIER" build "$TMP/$e" -o "$TMP/$e.out" --fail-on none --only site $opts
    expect_grep "$e: names main.lua:$line" "$TMP/$e/templates/site/main.lua:$line: error:" "$TMP/out"
    expect_grep "$e: says why" "$says" "$TMP/out"
}

# ---- 1. no symbolic link on the way to a template ---------------------------------

dossier link-folder
ln -s /etc "$TMP/link-folder/templates/etc"
printf 'write("x.txt", render("etc/passwd"))\n' >"$TMP/link-folder/templates/site/main.lua"
run "link-folder: templates/etc -> /etc is refused, exit 3" 3 \
    "$DOSSIER" build "$TMP/link-folder" -o "$TMP/link-folder.out" --fail-on none --only site
expect_grep "link-folder: names the template and the link" \
    "main.lua:1: error: template 'etc/passwd': $TMP/link-folder/templates/etc is a symbolic link" "$TMP/out"
if grep -rqs '^root:' "$TMP/out" "$TMP/link-folder.out"; then
    fail "link-folder: nothing of /etc/passwd in any output"
else
    ok "link-folder: nothing of /etc/passwd in any output"
fi

dossier link-deep
mkdir -p "$TMP/link-deep/templates/site/parts"
ln -s / "$TMP/link-deep/templates/site/parts/up"
printf 'write("x.txt", render("site/parts/up/etc/hostname"))\n' >"$TMP/link-deep/templates/site/main.lua"
run "link-deep: a link two folders down is refused, exit 3" 3 \
    "$DOSSIER" build "$TMP/link-deep" -o "$TMP/link-deep.out" --fail-on none --only site
expect_grep "link-deep: names the link" "templates/site/parts/up is a symbolic link" "$TMP/out"

mkdir -p "$TMP/elsewhere/site"
printf 'write("x.txt", "from elsewhere")\n' >"$TMP/elsewhere/site/main.lua"
copy_example minimal link-root
ln -s "$TMP/elsewhere" "$TMP/link-root/templates"
run "link-root: templates/ itself a link is refused, exit 3" 3 \
    "$DOSSIER" build "$TMP/link-root" -o "$TMP/link-root.out" --fail-on none --only site
expect_grep "link-root: names the link" "$TMP/link-root/templates is a symbolic link" "$TMP/out"

dossier link-file
ln -s /etc/passwd "$TMP/link-file/templates/site/x.html"
printf 'write("x.txt", render("site/x.html"))\n' >"$TMP/link-file/templates/site/main.lua"
run "link-file: a template that is a link is refused, exit 3" 3 \
    "$DOSSIER" build "$TMP/link-file" -o "$TMP/link-file.out" --fail-on none --only site
expect_grep "link-file: says it is a link" "templates/site/x.html is a symbolic link" "$TMP/out"

# the installation's lua-templates/: no link below it either, though the
# folder itself may be reached through one
mkdir -p "$TMP/data/lua-templates"
ln -s "$ROOT/schemas" "$TMP/data/schemas"
cp -R "$ROOT/lua-templates/." "$TMP/data/lua-templates/" # a copy, even of a folder reached by a link
ln -s /etc "$TMP/data/lua-templates/etc"
dossier link-defaults
printf 'write("x.txt", render("etc/passwd"))\n' >"$TMP/link-defaults/templates/site/main.lua"
DOSSIER_DATADIR="$TMP/data" run "link-defaults: lua-templates/etc -> /etc is refused, exit 3" 3 \
    "$DOSSIER" build "$TMP/link-defaults" -o "$TMP/link-defaults.out" --fail-on none --only site
expect_grep "link-defaults: names the link" "$TMP/data/lua-templates/etc is a symbolic link" "$TMP/out"
ln -s "$TMP/data" "$TMP/data-link"
copy_example minimal link-installed
DOSSIER_DATADIR="$TMP/data-link" run "link-installed: lua-templates/ reached through a link still works" 0 \
    "$DOSSIER" build "$TMP/link-installed" -o "$TMP/link-installed.out" --fail-on none --only site

# ---- 2. library functions that loop in C ------------------------------------------

B="--lua-budget 1000000"
B20="--lua-budget 20000000" # room for the subject: string.rep is charged its copies
# t has # of 2^61 from 62 keys: t[2], t[4] ... t[2^61], then t[1]
SPARSE='local t = {} for i = 1, 61 do t[1 << i] = 1 end t[1] = 1 assert(#t == 1 << 61)'

dossier rep-empty
printf 'local s = string.rep("", math.maxinteger) .. ("x"):rep(0) .. string.rep("", math.maxinteger, "")\nwrite("x.txt", "[" .. s .. "]")\n' \
    >"$TMP/rep-empty/templates/site/main.lua"
run "rep-empty: string.rep of nothing, math.maxinteger times, is done at once" 0 \
    "$DOSSIER" build "$TMP/rep-empty" -o "$TMP/rep-empty.out" --fail-on none --only site $B
expect_grep "rep-empty: gives the empty string" "[]" "$TMP/rep-empty.out/x.txt"

evil move-huge 1 "table.move: 9223372036854775806 items is more than a table can hold" "$B" \
    'table.move({}, 1, math.maxinteger - 1, 2)'
evil move-long 1 "table.move: instruction budget of 1000000 instructions exceeded" "$B" \
    'table.move({}, 1, 10000000, 2)'
evil sorted-sparse 2 "sorted: 2305843009213693952 items" "$B" "$SPARSE
local s = sorted(t)"
evil sort-sparse 2 "table.sort: 2305843009213693952 items" "$B" "$SPARSE
table.sort(t)"
evil insert-sparse 2 "table.insert: 2305843009213693952 items" "$B" "$SPARSE
table.insert(t, 1, 0)"
evil remove-sparse 2 "table.remove: 2305843009213693952 items" "$B" "$SPARSE
table.remove(t, 1)"
evil pack-padding 1 "string.pack: 2000000000" "" 'local s = string.pack("c2000000000", "")'

# the bounded functions still do what Lua's do
dossier same-results
cat >"$TMP/same-results/templates/site/main.lua" <<'EOF'
local out = {}
local function add(...) local p = table.pack(...) for i = 1, p.n do out[#out + 1] = tostring(p[i]) end end
add(("hello world"):find("o w"), ("hello world"):find("l+"), ("a.b"):find(".", 1, true))
add(("key = value"):match("^(%w+)%s*=%s*(%w+)$"), ("THE (quick) fox"):find("%((%a+)%)"))
add(("f(a(b)c)d"):match("%b()"), ("THE (quick) fox"):match("%f[%a]%a+", 5), ("abc"):match("()b()"))
for k, v in ("a=1, b=2"):gmatch("(%w+)=(%w+)") do add(k, v) end
add(("hello"):gsub("l", "L"), ("abc"):gsub("%w", "%0%0"), ("x y"):gsub("%w", { x = "1" }))
add(("abc"):gsub("", "-"), ("$name!"):gsub("%$(%w+)", function(w) return w:upper() end))
local t = { 1, 2, 3 }
table.insert(t, 1, 0); table.insert(t, 9); add(table.concat(t, ","))
add(table.remove(t, 1), table.remove(t), table.concat(t, ","))
add(table.concat(table.move({ 1, 2, 3 }, 1, 3, 2), ","), table.unpack({ 7, 8 }))
add(("ab"):rep(3, "-"), #string.pack("i4c3", 7, "ab"), table.concat(sorted({ 3, 1, 2 }), ","))
write("x.txt", table.concat(out, " "))
EOF
run "same-results: builds" 0 "$DOSSIER" build "$TMP/same-results" -o "$TMP/same-results.out" --fail-on none --only site $B
expect_grep "same-results: as Lua's own library gives" \
    "5 3 2 2 key 5 11 quick (a(b)c) quick 2 3 a 1 b 2 heLLo aabbcc 1 y 2 -a-b-c- NAME! 1 0,1,2,3,9 0 9 1,2,3 1,1,2,3 7 8 ab-ab-ab 7 1,2,3" \
    "$TMP/same-results.out/x.txt"

# ---- 3. markdown_text's memory and time -------------------------------------------

evil md-long 1 "markdown_text: 16777216 bytes of Markdown, more than the 131072 one call renders" "" \
    'write("x.html", markdown_text(string.rep("x", 16 << 20)))'
# 120 KB: a table header of 180 columns, then rows of one cell each, which
# cmark-gfm pads to 180 (4 GB on its own; 64 MiB a call here)
evil md-table 2 "markdown_text: rendering 120724 bytes of Markdown takes more than 64 MiB" "" \
    'local s = "|" .. string.rep("a|", 180) .. "\n|" .. string.rep("-|", 180) .. "\n" .. string.rep("x\n", 60000)
write("x.html", markdown_text(s))'
evil md-pipes 2 "markdown_text: line 3 of the text has more than 1000 '|'" "" \
    'local s = "a|b\n-|-\n" .. string.rep("|", 65536)
write("x.html", markdown_text(s))'
evil md-repeat 2 "markdown_text: instruction budget of 500000000 instructions exceeded" "--lua-budget 500000000" \
    'for i = 1, 1000 do
  local h = markdown_text(string.rep("![[]()", 16000) .. i)
end'
# what the cap leaves bounds a parse too: 21 KB of e-mail addresses take
# cmark-gfm some 21 MB
evil md-cap 1 "and no more than the memory limit of 16 MiB leaves)" "--lua-memory 16" \
    'write("x.html", markdown_text(string.rep("a@b.c ", 3500)))'

# ---- 4. the size of what templates write ------------------------------------------

evil out-document 1 "write: big.txt would be 209715200 bytes, more than the 128 MiB a document may have" \
    "--lua-memory 512" 'write("big.txt", string.rep("x", 200 << 20))'
evil out-total 2 "write: f3.txt would bring what the templates of this build wrote to more than 8 MiB" \
    "--max-output 8 --jobs 1" 'local s = string.rep("x", 4 << 20)
for i = 1, 3 do write("f" .. i .. ".txt", s) end'

# with --jobs 2 each process writes its share; the sum is what counts
dossier out-shards
printf 'local s = string.rep("x", 100 * 1024)\nfor i = 1, 16 do write("f" .. i .. ".txt", s) end\n' \
    >"$TMP/out-shards/templates/site/main.lua"
run "out-shards: the processes' shares together pass the limit, exit 3" 3 \
    "$DOSSIER" build "$TMP/out-shards" -o "$TMP/out-shards.out" --fail-on none --only site --max-output 1 --jobs 2
expect_grep "out-shards: names main.lua and the limit" \
    "$TMP/out-shards/templates/site/main.lua: error: the files the templates of this build wrote come to more than 1 MiB" \
    "$TMP/out"
check "out-shards: writes no output" test ! -e "$TMP/out-shards.out"
run "out-shards: under a raised limit it builds" 0 \
    "$DOSSIER" build "$TMP/out-shards" -o "$TMP/out-shards.out" --fail-on none --only site --max-output 2 --jobs 2
