#!/bin/sh
# A short pass of every libFuzzer target (fuzz/run.sh smoke): the seeds from
# the project's own files and every saved regression replayed under
# AddressSanitizer and UndefinedBehaviorSanitizer, then a few seconds of
# fuzzing each (FUZZ_SMOKE_SECONDS). make fuzz runs them for longer.
. "$(dirname "$0")/../lib.sh"
if ! command -v clang >/dev/null 2>&1; then
    skip "fuzz_smoke" "clang is not installed (apt-get install clang)"
    exit 0
fi
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-3} sh "$ROOT/fuzz/run.sh" smoke
