#!/bin/sh
# fuzz/run.sh: builds the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer (in build-fuzz/), seeds each from the project's
# own files, and runs them.
#   fuzz/run.sh build            build only
#   fuzz/run.sh smoke            each target over its seeds and the saved
#                                regressions, then FUZZ_SMOKE_SECONDS (default
#                                5) of fuzzing; prints ok / not ok lines
#   fuzz/run.sh fuzz [SECONDS]   each target for SECONDS (default 600),
#                                FUZZ_JOBS at a time (default: CPUs, max 4)
# A crash is saved as build-fuzz/long/crashes/<target>/crash-* (a smoke
# pass's in build-fuzz/smoke/crashes/); copy it into
# fuzz/regressions/<target>/ so the smoke pass replays it for good.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=${FUZZ_BUILDDIR:-build-fuzz}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
TARGETS="frontmatter template xmlrecords cdx_json cdx_xml spdx_json spdx_tv release_sbom openvex csaf scan threatmodel tmt register junit zip"

rel_of() { # the file name a standard target's input is loaded as
    case $1 in
        cdx_json) echo sbom/x.cdx.json ;; cdx_xml) echo sbom/x.cdx.xml ;;
        spdx_json) echo sbom/x.spdx.json ;; spdx_tv) echo sbom/x.spdx ;;
        release_sbom) echo sbom/releases/1.0/x.cdx.json ;;
        openvex) echo vex/x.openvex.json ;; csaf) echo vex/x.csaf.json ;;
        scan) echo scans/x.json ;;
        threatmodel) echo threats/x.json ;;
        tmt) echo threats/x.tm7 ;;
        junit) echo tests/results/x.xml ;;
    esac
}

build() {
    command -v clang >/dev/null || { echo "fuzz: clang is missing (apt-get install clang)" >&2; return 2; }
    make -s BUILDDIR="$B" CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $SAN" "$B/libdossier.a" || return 2
    libs=$(pkg-config --libs libcmark-gfm libxml-2.0 libzip zlib lua5.4 yaml-0.1 jansson libsodium)
    cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g $(pkg-config --cflags libxml-2.0 lua5.4) -Igenerator"
    for t in $TARGETS; do
        src=fuzz/fuzz_$t.c; def=""
        rel=$(rel_of "$t")
        if [ -n "$rel" ]; then src=fuzz/fuzz_standard.c; def="-DFUZZ_REL=\"$rel\""; fi
        out="$B/fuzz_$t"
        if [ ! -x "$out" ] || [ "$src" -nt "$out" ] || [ "$B/libdossier.a" -nt "$out" ]; then
            # shellcheck disable=SC2086
            clang $cflags $def -fsanitize=fuzzer $SAN -o "$out" "$src" "$B/libdossier.a" $libs -lcmark-gfm-extensions -lcsv -lm || return 2
        fi
    done
}

seeds() { # seeds T DIR: DIR/seeds/T, a folder of the project's own files of that kind
    d="$2/seeds/$1"
    rm -rf "$d" && mkdir -p "$d"
    case $1 in
        frontmatter) find examples tests/fixtures -name '*.md' -path '*s/*' | head -200 ;;
        template) find lua-templates -name '*.html' -o -name '*.csv' -o -name '*.atom' ;;
        xmlrecords) find examples tests/fixtures -name 'dossier.xml' ;;
        cdx_json) find examples tests/fixtures -name '*.cdx.json' -o -name 'bom*.json' | head -100 ;;
        cdx_xml) find examples tests/fixtures -name '*.cdx.xml' -o -name 'bom*.xml' | head -100 ;;
        spdx_json) find examples tests/fixtures -name '*.spdx.json' ;;
        spdx_tv) find examples tests/fixtures -name '*.spdx' ;;
        release_sbom) find examples tests/fixtures -path '*sbom/releases*' -name '*.json' ;;
        openvex) find examples tests/fixtures -name '*openvex*.json' ;;
        csaf) find examples tests/fixtures -path '*vex*' -name '*.json' | grep -v openvex ;;
        scan) find examples tests/fixtures -path '*scans*' -name '*.json' ;;
        threatmodel) find examples tests/fixtures -path '*threats*' -name '*.json' ;;
        tmt) find examples tests/fixtures -path '*threats*' -name '*.tm7' ;;
        register) find tests/fixtures -path '*register*' -name '*.csv' ;;
        junit) find examples tests/fixtures -path '*results*' -name '*.xml' | head -100 ;;
        zip) find tests/fixtures -name '*.zip' ;;
    esac | while read -r f; do cp "$f" "$d/$(echo "$f" | tr '/' '_')"; done
    [ -n "$(ls "$d")" ] || printf 'x' >"$d/empty"
}

run_target() { # run_target T SECONDS DIR BIN: fuzz T (BIN/fuzz_T), logs, corpus and crashes in DIR; a crash fails
    t=$1; secs=$2; dir=$3; bin=$4
    mkdir -p "$dir/crashes/$t" "$dir/corpus/$t"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        "$bin/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
        -artifact_prefix="$dir/crashes/$t/" "$dir/corpus/$t" "$dir/seeds/$t" >"$dir/log-$t.txt" 2>&1
}

runs_in() { grep -ao 'stat::number_of_executed_units: [0-9]*' "$1" | tail -1 | sed 's/.*: //'; }

case ${1:-smoke} in
    build) build ;;
    smoke)
        mkdir -p "$B"
        if ! build >"$B/build.log" 2>&1; then
            echo "skip fuzz_smoke: fuzz targets: cannot build them with clang and libFuzzer: $(tail -1 "$B/build.log")"
            exit 0
        fi
        for t in $TARGETS; do
            seeds "$t" "$B/smoke"
            regs=""
            [ -d "fuzz/regressions/$t" ] && regs=$(find "fuzz/regressions/$t" -type f)
            # shellcheck disable=SC2086
            if ASAN_OPTIONS=detect_leaks=1 "$B/fuzz_$t" -runs=0 "$B/smoke/seeds/$t" >"$B/replay-$t.txt" 2>&1 &&
               { [ -z "$regs" ] || ASAN_OPTIONS=detect_leaks=1 "$B/fuzz_$t" $regs >>"$B/replay-$t.txt" 2>&1; }; then
                echo "ok fuzz_smoke: $t: the seeds and saved regressions run clean"
            else
                echo "not ok fuzz_smoke: $t: the seeds and saved regressions run clean"; grep -m5 "ERROR\|SUMMARY" "$B/replay-$t.txt" | sed 's/^/#   /'
            fi
            if run_target "$t" "${FUZZ_SMOKE_SECONDS:-5}" "$B/smoke" "$B"; then
                echo "ok fuzz_smoke: $t: ${FUZZ_SMOKE_SECONDS:-5} s of fuzzing, no crash ($(runs_in "$B/smoke/log-$t.txt") runs)"
            else
                echo "not ok fuzz_smoke: $t: ${FUZZ_SMOKE_SECONDS:-5} s of fuzzing, no crash"; grep -m5 "ERROR\|SUMMARY\|crash-" "$B/smoke/log-$t.txt" | sed 's/^/#   /'
            fi
        done ;;
    fuzz)
        # FUZZ_JOBS targets at a time (default: the number of CPUs, at most 4)
        build || exit 2
        jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
        [ "$jobs" -gt 4 ] && jobs=4
        # the long runs keep their own copy of the targets, logs, corpus and
        # crashes (build-fuzz/long/), so a smoke pass of make check meanwhile
        # neither rebuilds the running programs nor overwrites their logs
        L="$B/long"
        mkdir -p "$L/bin" && rm -f "$L"/status-*
        for t in $TARGETS; do cp "$B/fuzz_$t" "$L/bin/" || exit 2; done
        one() { # one T SECONDS: fuzz T, leave its verdict in status-T
            seeds "$1" "$L"
            if run_target "$1" "$2" "$L" "$L/bin"; then st=ok; else st=CRASH; fi
            echo "$1: $st, $(runs_in "$L/log-$1.txt") runs in $2 s (log $L/log-$1.txt)" | tee "$L/status-$1"
        }
        running=0
        for t in $TARGETS; do
            if [ "$running" -ge "$jobs" ]; then wait; running=0; fi
            one "$t" "${2:-600}" &
            running=$((running + 1))
        done
        wait
        bad=0
        for t in $TARGETS; do grep -q ": ok," "$L/status-$t" 2>/dev/null || bad=1; done
        exit $bad ;;
    *) echo "usage: fuzz/run.sh build|smoke|fuzz [SECONDS]" >&2; exit 2 ;;
esac
