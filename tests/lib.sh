# tests/lib.sh: helpers for the shell tests in tests/cases/. Each case is a
# sh script that sources this file and reports checks with ok / fail / skip;
# tests/run.sh counts the lines they print.
# Environment: DOSSIER (the binary), ROOT (the project), SHARED (../shared),
# TMP (a fresh scratch folder for this case); the rest as tests/env.sh sets it.
: "${ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILDDIR:=build}"
: "${DOSSIER:=$ROOT/$BUILDDIR/dossier}"
: "${SHARED:=$ROOT/../shared}"
case_name=$(basename "$0" .sh)
TMP="$ROOT/tests/tmp/$case_name"
rm -rf "$TMP" && mkdir -p "$TMP"
. "$ROOT/tests/env.sh"

ok() { echo "ok $case_name: $1"; }
fail() { echo "not ok $case_name: $1"; shift; for l in "$@"; do echo "#   $l"; done; }
skip() { echo "skip $case_name: $1: $2"; }

# check NAME CONDITION-COMMAND...: ok when the command succeeds.
check() { n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else fail "$n" "command: $*"; fi; }

# expect_exit NAME CODE CMD...: runs CMD (stdout+stderr to $TMP/out), wants CODE.
expect_exit() {
    n=$1; want=$2; shift 2
    "$@" >"$TMP/out" 2>&1; got=$?
    if [ "$got" -eq "$want" ]; then ok "$n"; else fail "$n" "exit $got, want $want: $*" "$(head -5 "$TMP/out")"; fi
}

# expect_grep NAME PATTERN FILE: ok when the fixed string is in the file.
expect_grep() {
    if grep -qF -- "$2" "$3"; then ok "$1"; else fail "$1" "no '$2' in $3:" "$(head -5 "$3")"; fi
}

# a copy of an example dossier to break on purpose
copy_example() { rm -rf "$TMP/$2"; cp -R "$ROOT/examples/$1" "$TMP/$2"; }
