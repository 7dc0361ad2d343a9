#!/bin/sh
# tests/run.sh: runs the whole suite (unit binaries, then every shell case in
# tests/cases/) and ends with one line: N passed, N failed, N skipped.
# Skipped checks are named with their reason. Exit 1 when anything failed.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=${BUILDDIR:-build}
export ROOT BUILDDIR
. "$ROOT/tests/env.sh"
log="$ROOT/tests/tmp/run.log"
mkdir -p "$ROOT/tests/tmp"
: >"$log"
for t in "$ROOT/$BUILDDIR"/tests/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | tee -a "$log" >/dev/null
    printf '%s\n' "$out" | grep -E '^(not ok|skip)' || true
    if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
        echo "not ok $(basename "$t"): exited $rc" | tee -a "$log"
    fi
done
for c in "$ROOT"/tests/cases/*.sh; do
    [ -f "$c" ] || continue
    out=$(sh "$c" 2>&1); rc=$?
    printf '%s\n' "$out" >>"$log"
    printf '%s\n' "$out" | grep -E '^(not ok|skip|#)' || true
    if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
        echo "not ok $(basename "$c" .sh): exited $rc" | tee -a "$log"
    fi
done
passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
skipped=$(grep -c '^skip ' "$log")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
