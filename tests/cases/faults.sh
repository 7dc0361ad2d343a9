#!/bin/sh
# Fault injection: writes, file creations, folder creations and renames made
# to fail (tests/faultinject/shim.c, preloaded) at chosen points of a build.
# Each time the build fails with exit 2 and a message naming the file and the
# system's reason, the previous output is left exactly as it was, and no
# temporary folder is left behind.
. "$(dirname "$0")/../lib.sh"

SHIM="$TMP/shim.so"
if ! cc -shared -fPIC -O1 -o "$SHIM" "$ROOT/tests/faultinject/shim.c" -ldl 2>"$TMP/cc"; then
    skip "fault injection" "the shim does not compile: $(head -1 "$TMP/cc")"
    exit 0
fi
if ldd "$DOSSIER" 2>/dev/null | grep -q 'libasan'; then
    skip "fault injection" "the binary is built with AddressSanitizer, whose runtime must be loaded first"
    exit 0
fi

EX="$ROOT/examples/minimal"
OUT="$TMP/out-dir"
EXTRA=""
expect_exit "a first build" 0 "$DOSSIER" build "$EX" -o "$OUT" -q
find "$OUT" -type f -exec sha256sum {} + | sort >"$TMP/before"

# faulty NAME WANT-MESSAGE ENV...: a build with the shim and ENV fails with
# exit 2, says WANT-MESSAGE, and leaves the previous output.
faulty() {
    n=$1; msg=$2; shift 2
    env "$@" LD_PRELOAD="$SHIM" "$DOSSIER" build "$EX" -o "$OUT" -q $EXTRA >"$TMP/log" 2>&1; rc=$?
    if [ $rc -eq 2 ]; then ok "$n: exit 2"; else fail "$n: exit 2" "exit $rc" "$(head -3 "$TMP/log")"; fi
    expect_grep "$n: says why" "$msg" "$TMP/log"
    find "$OUT" -type f -exec sha256sum {} + | sort >"$TMP/after"
    if cmp -s "$TMP/before" "$TMP/after"; then ok "$n: the previous output is intact"
    else fail "$n: the previous output is intact" "$(diff "$TMP/before" "$TMP/after" | head -3)"; fi
    left=$(find "$TMP" -maxdepth 1 -name 'out-dir.*' | wc -l)
    if [ "$left" -eq 0 ]; then ok "$n: no temporary folder left"; else fail "$n: no temporary folder left" "$(ls -d "$TMP"/out-dir.*)"; fi
}

faulty "disk full at the 50th write" "No space left on device" FAULT_CALL=write FAULT_AT=50
faulty "disk full at the first write" "No space left on device" FAULT_CALL=write FAULT_AT=1
faulty "I/O error creating a record page" "threats/" FAULT_CALL=open FAULT_PATH=threats/ FAULT_ERRNO=EIO
faulty "permission denied creating a folder" "Permission denied" FAULT_CALL=mkdir FAULT_PATH=/premarket FAULT_ERRNO=EACCES
faulty "the atomic exchange fails" "cannot move the new output" FAULT_CALL=renameat2 FAULT_AT=1 FAULT_TIMES=1 FAULT_ERRNO=EIO
# a file system without the exchange: two renames, the old output aside first
faulty "no exchange: the new output cannot be moved into place" "cannot move the new output" FAULT_NO_EXCHANGE=1 FAULT_CALL=rename FAULT_AT=2 FAULT_TIMES=1
faulty "no exchange: the previous output cannot be moved aside" "cannot move the previous" FAULT_NO_EXCHANGE=1 FAULT_CALL=rename FAULT_AT=1 FAULT_TIMES=1 FAULT_ERRNO=EROFS
EXTRA="--jobs 2"
faulty "a page fails in one process of --jobs 2" "threats/" FAULT_CALL=open FAULT_PATH=threats/ FAULT_ERRNO=EIO
n=$(grep -c "cannot write" "$TMP/log")
if [ "$n" -eq 1 ]; then ok "--jobs 2: the failure is said once"; else fail "--jobs 2: the failure is said once" "$n lines" "$(cat "$TMP/log")"; fi
EXTRA=""
# The worker processes of --jobs (base/workers.c): when no fork succeeds,
# this process renders every share, the same bytes; when a worker is ended
# by a signal, the build fails naming it and the previous output stays.
"$DOSSIER" build "$EX" -o "$TMP/jobs1" -q --jobs 1 2>/dev/null
FAULT_CALL=fork LD_PRELOAD="$SHIM" "$DOSSIER" build "$EX" -o "$TMP/nofork" -q --jobs 2 >"$TMP/log" 2>&1; rc=$?
if [ $rc -eq 0 ] && diff -r -x .dossier-cache "$TMP/jobs1" "$TMP/nofork" >/dev/null 2>&1; then
    ok "no fork succeeds: this process renders every share, the same bytes as --jobs 1"
else fail "no fork succeeds: the same bytes as --jobs 1" "exit $rc" "$(head -3 "$TMP/log")"; fi
EXTRA="--jobs 2"
faulty "a rendering process ended by a signal" "rendering process 2 ended by signal 9" FAULT_CALL=forkkill FAULT_AT=1 FAULT_TIMES=1
EXTRA=""
# Allocations: the build's malloc calls counted, then made to fail from
# points between half-way and the end (loading the XML schemas, earlier,
# meets a libxml2 2.9 that can crash when its memory runs out: not ours to
# test). Each ends with exit 2 or 3 and a message about memory.
# counted from when the dossier's folder is first opened (dossier.xml), after
# the XSDs are compiled: libxml2 2.9 can crash when malloc fails there
FAULT_CALL=malloc FAULT_AT=0 FAULT_ARM_PATH="$EX" FAULT_REPORT="$TMP/mallocs" LD_PRELOAD="$SHIM" "$DOSSIER" build "$EX" -o "$TMP/count" -q --jobs 1 >/dev/null 2>&1
total=$(cat "$TMP/mallocs" 2>/dev/null || echo 0)
if [ "$total" -gt 1000 ]; then ok "malloc: counted ($total calls)"; else fail "malloc: counted" "$total"; fi
for pct in 50 60 70 80 90 97; do
    at=$((total * pct / 100))
    env FAULT_CALL=malloc FAULT_AT=$at FAULT_ARM_PATH="$EX" LD_PRELOAD="$SHIM" "$DOSSIER" build "$EX" -o "$OUT" -q --jobs 1 >"$TMP/log" 2>&1; rc=$?
    if [ $rc -eq 2 ] || [ $rc -eq 3 ]; then ok "malloc fails from call $at ($pct%): exit $rc"; else fail "malloc fails from call $at ($pct%): exit 2 or 3" "exit $rc" "$(tail -3 "$TMP/log")"; fi
    if grep -qi "memory\|malloc" "$TMP/log" && ! grep -q "No error" "$TMP/log"; then ok "malloc fails from call $at: says so"; else fail "malloc fails from call $at: says so" "$(tail -3 "$TMP/log")"; fi
    find "$OUT" -type f -exec sha256sum {} + | sort >"$TMP/after"
    if cmp -s "$TMP/before" "$TMP/after"; then ok "malloc fails from call $at: the previous output is intact"
    else fail "malloc fails from call $at: the previous output is intact"; fi
done

# The libzip steps: the bundle's ZIP (packed once manifest.json is written)
# and the MDS2 workbook (packed once mds2/index.html is written). libzip
# returns from some failed allocations without recording an error, and
# once printed "No error" for them. malloc is made to fail from each of the
# first 40 calls after that point (the archive started, the first entries
# added), then from 30 points spread over the rest (the archive written):
# every one must end with exit 2 or 3, say it ran out of memory, never
# "No error", and leave the previous output.
malloc_sweep() {
    n=$1; arm=$2
    FAULT_CALL=malloc FAULT_AT=0 FAULT_ARM_PATH="$arm" FAULT_REPORT="$TMP/mallocs" LD_PRELOAD="$SHIM" "$DOSSIER" build "$EX" -o "$TMP/count" -q --jobs 1 >/dev/null 2>&1
    total=$(cat "$TMP/mallocs" 2>/dev/null || echo 0)
    if [ "$total" -gt 40 ]; then ok "$n: malloc counted ($total calls)"; else fail "$n: malloc counted" "$total"; return; fi
    points="$(seq 1 40) $(seq 41 $(((total - 40) / 30 + 1)) "$total")"
    : >"$TMP/bad-exit"; : >"$TMP/bad-words"; : >"$TMP/bad-output"
    for at in $points; do
        env FAULT_CALL=malloc FAULT_AT="$at" FAULT_ARM_PATH="$arm" LD_PRELOAD="$SHIM" "$DOSSIER" build "$EX" -o "$OUT" -q --jobs 1 >"$TMP/log" 2>&1; rc=$?
        [ $rc -eq 2 ] || [ $rc -eq 3 ] || echo "call $at: exit $rc: $(tail -1 "$TMP/log")" >>"$TMP/bad-exit"
        if ! grep -q "out of memory" "$TMP/log" || grep -q "No error" "$TMP/log"; then
            echo "call $at: $(grep -v 'build failed' "$TMP/log" | head -1)" >>"$TMP/bad-words"
        fi
        find "$OUT" -type f -exec sha256sum {} + | sort >"$TMP/after"
        cmp -s "$TMP/before" "$TMP/after" || echo "call $at" >>"$TMP/bad-output"
    done
    count=$(echo $points | wc -w)
    if [ ! -s "$TMP/bad-exit" ]; then ok "$n: malloc fails from each of $count calls: exit 2 or 3"
    else fail "$n: malloc fails from each of $count calls: exit 2 or 3" "$(wc -l <"$TMP/bad-exit") of them; the first: $(head -1 "$TMP/bad-exit")"; fi
    if [ ! -s "$TMP/bad-words" ]; then ok "$n: malloc fails from each of $count calls: says out of memory, never 'No error'"
    else fail "$n: malloc fails from each of $count calls: says out of memory, never 'No error'" "$(wc -l <"$TMP/bad-words") of them; the first: $(head -1 "$TMP/bad-words")"; fi
    if [ ! -s "$TMP/bad-output" ]; then ok "$n: malloc fails from each of $count calls: the previous output is intact"
    else fail "$n: malloc fails from each of $count calls: the previous output is intact" "$(wc -l <"$TMP/bad-output") of them; the first: $(head -1 "$TMP/bad-output")"; fi
}
malloc_sweep "the bundle's ZIP" manifest.json
malloc_sweep "the MDS2 workbook" mds2/index.html

# the shim itself works: without a fault the build succeeds through it
expect_exit "the shim without a fault: the build succeeds" 0 env LD_PRELOAD="$SHIM" "$DOSSIER" build "$EX" -o "$TMP/plain" -q
