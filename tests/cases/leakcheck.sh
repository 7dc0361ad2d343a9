#!/bin/sh
# The memcheck pass of make leakcheck inside the suite: each of its runs is
# one check here. Skipped by name where valgrind is missing or the binary
# is built with AddressSanitizer (the two cannot run together).
. "$(dirname "$0")/../lib.sh"
if ! command -v valgrind >/dev/null 2>&1; then
    skip "leakcheck" "valgrind is not installed"
elif ldd "$DOSSIER" 2>/dev/null | grep -q libasan; then
    skip "leakcheck" "the binary is built with AddressSanitizer, which valgrind cannot run"
else
    BUILDDIR="$BUILDDIR" sh "$ROOT/tests/leakcheck/run.sh" | grep -E '^(ok|not ok|==)' | sed 's/^ok leakcheck: /ok leakcheck: memcheck: /; s/^not ok leakcheck: /not ok leakcheck: memcheck: /; s/^==/#   ==/'
fi
