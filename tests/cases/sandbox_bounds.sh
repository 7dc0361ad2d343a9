#!/bin/sh
# The bounds of the template sandbox, through dossier build on copies of
# examples/minimal: no symbolic link is followed on the way to a template.
# Every run is under `timeout` and `ulimit -v`, so a
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
mkdir -p "$TMP/data"
ln -s "$ROOT/schemas" "$TMP/data/schemas"
cp -R "$ROOT/lua-templates" "$TMP/data/lua-templates"
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
