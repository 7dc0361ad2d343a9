#!/bin/sh
# The records' prose parsed by several processes (check and build --jobs):
# the same findings, prose links and output bytes as one process, and a
# process that fails leaves its share to the parent rather than the run.
. "$(dirname "$0")/../lib.sh"

# 600 records of the benchmark's synthetic dossier (more than the 256 below
# which prose is parsed in one process), with IDs in the prose that name no
# record in some of them.
python3 "$ROOT/bench/synth.py" 600 "$TMP/big" >/dev/null
n=0
for f in "$TMP/big"/threats/THR-1*.md "$TMP/big"/tests/TST-2*.md; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    printf '\nAlso see [NOPE-%d], and [THR-3] again.\n' "$n" >>"$f"
done

for j in 1 2 3; do
    "$DOSSIER" check "$TMP/big" --jobs "$j" --format json >"$TMP/check$j.json" 2>"$TMP/check$j.err"
    echo $? >"$TMP/rc$j"
done
want=$(grep -o '"dangling-ref"' "$TMP/check1.json" | wc -l)
if [ "$want" -eq "$n" ] && [ "$(cat "$TMP/rc1")" -eq 1 ]; then ok "--jobs 1: the $n IDs naming no record are found (exit 1)"
else fail "--jobs 1: the IDs naming no record are found" "$want of $n, exit $(cat "$TMP/rc1")"; fi
for j in 2 3; do
    if cmp -s "$TMP/check1.json" "$TMP/check$j.json" && [ "$(cat "$TMP/rc$j")" -eq 1 ]; then
        ok "check --jobs $j: the same findings, places and exit status as --jobs 1"
    else fail "check --jobs $j: the same findings as --jobs 1" "$(diff "$TMP/check1.json" "$TMP/check$j.json" | head -4)"; fi
done
"$DOSSIER" check "$TMP/big" --jobs 2 >"$TMP/out" 2>&1
expect_grep "a finding names the file, line and column of the ID" "threats/THR-1.md:29:10: error: [dangling-ref] reference [NOPE-1]" "$TMP/out"

# The prose links reach the pages (backlinks) the same way.
for j in 1 3; do
    expect_exit "build --jobs $j --fail-on none" 0 "$DOSSIER" build "$TMP/big" -o "$TMP/site$j" --only site --jobs "$j" --fail-on none -q
done
if diff -r "$TMP/site1" "$TMP/site3" >"$TMP/diff" 2>&1; then ok "build --jobs 3: the same site bytes as --jobs 1"
else fail "build --jobs 3: the same site bytes as --jobs 1" "$(head -5 "$TMP/diff")"; fi
check "a prose link is a backlink on its target's page" grep -q 'THR-1\.html' "$TMP/site1/threats/THR-3.html"

# A process that cannot send its share: its write fails; the parent parses
# that share itself, and the findings are the same.
SHIM="$TMP/shim.so"
if ! cc -shared -fPIC -O1 -o "$SHIM" "$ROOT/tests/faultinject/shim.c" -ldl 2>"$TMP/cc"; then
    skip "a failing prose process" "the fault shim does not compile: $(head -1 "$TMP/cc")"
elif ldd "$DOSSIER" 2>/dev/null | grep -q 'libasan'; then
    skip "a failing prose process" "the binary is built with AddressSanitizer, whose runtime must be loaded first"
else
    # check writes only to standard output and error, which the shim never
    # fails: the one write that fails is the child's.
    FAULT_CALL=write LD_PRELOAD="$SHIM" "$DOSSIER" check "$TMP/big" --jobs 2 --format json >"$TMP/fault.json" 2>"$TMP/fault.err"
    rc=$?
    if [ $rc -eq 1 ] && cmp -s "$TMP/check1.json" "$TMP/fault.json"; then
        ok "a prose process whose write fails: the parent parses its share, the same findings"
    else fail "a prose process whose write fails" "exit $rc" "$(head -3 "$TMP/fault.err")"; fi
    FAULT_CALL=forkkill FAULT_AT=1 FAULT_TIMES=1 LD_PRELOAD="$SHIM" "$DOSSIER" check "$TMP/big" --jobs 3 --format json >"$TMP/kill.json" 2>"$TMP/kill.err"
    rc=$?
    if [ $rc -eq 1 ] && cmp -s "$TMP/check1.json" "$TMP/kill.json"; then
        ok "a prose process ended by a signal: the parent parses its share, the same findings"
    else fail "a prose process ended by a signal" "exit $rc" "$(head -3 "$TMP/kill.err")"; fi
    FAULT_CALL=fork LD_PRELOAD="$SHIM" "$DOSSIER" check "$TMP/big" --jobs 3 --format json >"$TMP/nofork.json" 2>"$TMP/nofork.err"
    rc=$?
    if [ $rc -eq 1 ] && cmp -s "$TMP/check1.json" "$TMP/nofork.json"; then
        ok "no prose process can start: the parent parses every share, the same findings"
    else fail "no prose process can start" "exit $rc" "$(head -3 "$TMP/nofork.err")"; fi
fi
