#!/bin/sh
# The template sandbox through dossier build: an evil templates/site/main.lua
# or record.html in a copy of examples/minimal stops the build with exit 3
# and names the template's own file and line; a dossier's template shadows
# the default one of the same name.
. "$(dirname "$0")/../lib.sh"

# evil NAME FILE LINE CONTENT: FILE (below templates/) holding CONTENT makes
# the build fail with exit 3 at FILE:LINE.
evil() {
    n=$1 file=$2 line=$3 content=$4
    d="$TMP/$n"
    copy_example minimal "$n"
    mkdir -p "$d/templates/$(dirname "$file")"
    printf '%s\n' "$content" >"$d/templates/$file"
    expect_exit "$n: exit 3" 3 "$DOSSIER" build "$d" -o "$TMP/$n.out" --fail-on none $EVIL_OPTS
    expect_grep "$n: names $file:$line" "$d/templates/$file:$line: error:" "$TMP/out"
    check "$n: writes no output" test ! -e "$TMP/$n.out"
}

EVIL_OPTS="--lua-budget 20000000"
evil loop site/main.lua 3 'local n = 0
while true do
  n = n + 1
end'
expect_grep "loop: says why" "instruction budget" "$TMP/out"
EVIL_OPTS=""
EVIL_OPTS="--lua-memory 16"
evil small-memory site/main.lua 3 'local t, i = {}, 0
while true do
  i = i + 1; t[i] = ("x"):rep(64) .. i
end'
expect_grep "small-memory: the cap is the one asked for" "memory limit of 16 MiB exceeded" "$TMP/out"
EVIL_OPTS=""
# The model's views are the tool's data, not a template's: a cap far below
# what the two views of the example take still builds it, in one process or
# in two (where both views are built before the fork, in one Lua state).
for j in 1 2; do
    expect_exit "the views are not charged to the templates' cap (--lua-memory 8, --jobs $j)" 0 \
        "$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$TMP/lm$j" --lua-memory 8 --jobs "$j" --fail-on none -q
done
evil memory site/main.lua 3 'local t, i = {}, 0
while true do
  i = i + 1; t[i] = ("x"):rep(64) .. i
end'
expect_grep "memory: says why" "memory limit of 256 MiB exceeded" "$TMP/out"
evil memory-doubling site/main.lua 2 'local s = "0123456789abcdef"
for i = 1, 64 do s = s .. s end'
evil rep site/main.lua 1 'local s = string.rep("x", 1 << 50)'
evil io site/record.html 2 '<p>
{% io.open("/etc/passwd") %}'
expect_grep "io: undefined" "undefined name 'io'" "$TMP/out"
evil os site/record.html 1 '{% os.execute("touch pwned") %}'
evil require site/record.html 1 '{% local x = require("os") %}'
evil load site/main.lua 2 '
load("os.exit(0)")()'
evil loadfile site/main.lua 1 'loadfile("/etc/passwd")'
evil dofile site/main.lua 1 'dofile("/etc/passwd")'
evil string-dump site/main.lua 1 'local b = string.dump(write)'
evil string-dump-method site/main.lua 1 'local b = ("").dump(write)'
evil debug site/record.html 1 '{{ debug.getinfo(1).source }}'
evil collectgarbage site/main.lua 1 'collectgarbage("stop")'
evil getmetatable site/main.lua 1 'local s = getmetatable("").__index'
evil rawset site/main.lua 1 'rawset(model, "x", 1)'
evil model-write site/main.lua 1 'model.records[1].title = "forged"'
evil recursion site/main.lua 1 'local function f(n) return 1 + f(n + 1) end
f(1)'
expect_grep "recursion: says why" "stack overflow" "$TMP/out"
evil self-include site/record.html 2 '<h1>{{ record.id }}</h1>
{{ include("site/record.html") }}'
expect_grep "self-include: says why" "includes itself" "$TMP/out"
evil error-in-record site/record.html 3 'line 1
line 2
{{ record.fields.no_such_field }}'

# a precompiled chunk, as string.dump would write it
copy_example minimal bytecode
mkdir -p "$TMP/bytecode/templates/site"
printf '\033LuaT\000\031\223\r\n\032\n' >"$TMP/bytecode/templates/site/record.html"
expect_exit "bytecode template: exit 3" 3 "$DOSSIER" build "$TMP/bytecode" -o "$TMP/bytecode.out" --fail-on none
expect_grep "bytecode template: refused at line 1" "$TMP/bytecode/templates/site/record.html:1: error: precompiled Lua is refused" "$TMP/out"
printf '\033LuaT\000\031\223\r\n\032\n' >"$TMP/bytecode/templates/site/main.lua"
expect_exit "bytecode main.lua: exit 3" 3 "$DOSSIER" build "$TMP/bytecode" -o "$TMP/bytecode.out" --fail-on none
expect_grep "bytecode main.lua: refused" "$TMP/bytecode/templates/site/main.lua:1: error: precompiled Lua is refused" "$TMP/out"

# a template in the dossier's templates/ shadows the default one
copy_example minimal shadow
mkdir -p "$TMP/shadow/templates/site"
printf '<p>Our own overview of {{ model.product.name }}</p>\n' >"$TMP/shadow/templates/site/index.html"
expect_exit "shadow: builds" 0 "$DOSSIER" build "$TMP/shadow" -o "$TMP/shadow.out" --fail-on none
expect_grep "shadow: the dossier's index.html is used" "<p>Our own overview of " "$TMP/shadow.out/index.html"
expect_grep "shadow: the default layout is still used" "<html lang=\"en\">" "$TMP/shadow.out/index.html"
thr=$(ls "$TMP/shadow/threats" | head -n 1)
expect_grep "shadow: other pages are the defaults" "<h2 id=\"trace-h\">Traceability</h2>" "$TMP/shadow.out/threats/${thr%.md}.html"

# a failed build leaves the previous output as it was
printf '{{ nope }}\n' >"$TMP/shadow/templates/site/index.html"
expect_exit "a failed build exits 3" 3 "$DOSSIER" build "$TMP/shadow" -o "$TMP/shadow.out" --fail-on none
expect_grep "a failed build keeps the previous output" "<p>Our own overview of " "$TMP/shadow.out/index.html"
