#!/bin/sh
# make bench (issue 14): `dossier build` as users run it (every output but
# the PDFs) and `dossier build --only site`, against Hugo building the same
# Markdown files (its minimal layouts, and layouts comparable to dossier's
# record page, bench/hugo/) and against cmark-gfm over the same bytes (the
# floor), at N and 4N records of a synthetic dossier (bench/synth.py).
#
# Interleaved: each repetition runs every tool once in turn, so load from
# elsewhere on the machine hits all of them alike; the report gives the
# medians and the median of each repetition's ratios. Instruction counts
# (valgrind's callgrind, single process) are the stable figure. Also: the
# one-record rebuild, SBOMs of 903 and 5,000 components and JUnit reports of
# 100,000 cases (bench/evidence.py), each `check` against `build`. The
# tables, with the targets of issue 14, come from bench/report.py.
#
# Usage: bench/run.sh [N]   (default 5000)
#   BENCH_SIZES="5000 20000 100000"  record counts (default: N and 4N)
#   BENCH_REPS=5         repetitions of the interleaved runs (medians)
#   BENCH_INSTR=0|1      instruction counts (default 1 when no size is
#                        above 20000; at 5,000 and 20,000 they take minutes)
#   BENCH_LARGE=0|1      the SBOM and JUnit cases (default 1)
#   BENCH_LARGE_REPS=3   repetitions of those
#   BENCH_SBOMS="903 5000"  components of the SBOM cases
#   BENCH_CASES=100000   cases of the JUnit reports
#   BENCH_TM_ELEMENTS=2000  elements of the Threat Dragon model (about 5 MB)
#   BENCH_FINDINGS=20000    findings of the Grype report
#   BENCH_DIR=DIR        keep the generated inputs in DIR (default: a
#                        temporary folder, removed at the end)
#   BENCH_OUT=DIR        where the outputs go (default /dev/shm)
#   BENCH_RESULTS=FILE   also keep the raw measurements in FILE
# Needs hugo, cmark-gfm, python3 and GNU time (scripts/install-deps.sh
# --bench), valgrind for the instruction counts.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=${BUILDDIR:-build}
DOSSIER="$ROOT/$BUILDDIR/dossier"
N=${1:-5000}
SIZES=${BENCH_SIZES:-"$N $((N * 4))"}
REPS=${BENCH_REPS:-5}
LARGE=${BENCH_LARGE:-1}
LARGE_REPS=${BENCH_LARGE_REPS:-3}
SBOMS=${BENCH_SBOMS:-"903 5000"}
CASES=${BENCH_CASES:-100000}
TM_ELEMENTS=${BENCH_TM_ELEMENTS:-2000} # about 5 MB of Threat Dragon JSON
FINDINGS=${BENCH_FINDINGS:-20000}
export SOURCE_DATE_EPOCH=1764547200

die() { echo "bench: $*" >&2; exit 2; }
for v in $N $SIZES $REPS $LARGE_REPS $SBOMS $CASES $TM_ELEMENTS $FINDINGS; do
    case $v in '' | *[!0-9]*) die "not a whole number: '$v'" ;; esac
done
base="" largest=0 # base: the first size, that of the targets and the rebuild
for n in $SIZES; do
    [ -n "$base" ] || base=$n
    [ "$n" -gt "$largest" ] && largest=$n
done
[ -n "$base" ] || die "BENCH_SIZES is empty"
if [ -z "${BENCH_INSTR:-}" ]; then
    BENCH_INSTR=0
    [ "$largest" -le 20000 ] && BENCH_INSTR=1
fi
[ -x "$DOSSIER" ] || die "no $DOSSIER (make BUILDDIR=$BUILDDIR)"
for tool in hugo cmark-gfm python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || die "$tool is missing (sh scripts/install-deps.sh --bench)"
done
if [ "$BENCH_INSTR" = 1 ]; then
    command -v valgrind >/dev/null || die "valgrind is missing (apt-get install valgrind), or BENCH_INSTR=0"
    if ldd "$DOSSIER" | grep -q libasan; then die "$DOSSIER is built with AddressSanitizer, which valgrind cannot run; BENCH_INSTR=0"; fi
fi

# Inputs in WORK, outputs in OUT: in memory when /dev/shm is there. On a
# virtual machine's disk the time to create files after a large removal
# varied from 0.2 s to 5 s between runs of the same build, which measured
# the disk, not the tools. Each run writes into a folder that does not exist
# yet; it is removed after the run (neither is timed).
if [ -n "${BENCH_DIR:-}" ]; then
    WORK=$BENCH_DIR
    rm -rf "$WORK" && mkdir -p "$WORK"
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/dossier-bench.XXXXXX")
fi
out_parent=${BENCH_OUT:-}
if [ -z "$out_parent" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then out_parent=/dev/shm; fi
OUT=$(mktemp -d "${out_parent:-$WORK}/dossier-bench-out.XXXXXX")
cleanup() {
    rm -rf "$OUT"
    if [ -z "${BENCH_DIR:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
RESULTS="$WORK/results"
: >"$RESULTS"

# run TOOL INPUT REP CMD...: runs CMD once (GNU time) and adds the line
# "time TOOL INPUT REP wall_s cpu_s peak_KiB" to RESULTS; INPUT is a number
# of records or the name of a large input.
run() {
    tool=$1 input=$2 rep=$3
    shift 3
    if ! /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err"; then
        echo "bench: $tool ($input) failed: $*" >&2
        cat "$WORK/err" >&2
        exit 1
    fi
    tail -n 1 "$WORK/time" |
        awk -v t="$tool" -v i="$input" -v r="$rep" '{ printf "time %s %s %s %.3f %.3f %d\n", t, i, r, $1, $2 + $3, $4 }' >>"$RESULTS"
}

# count TOOL INPUT CMD...: the instructions CMD executes, all its processes
# together (callgrind), as the line "instr TOOL INPUT count" in RESULTS.
count() {
    tool=$1 input=$2
    shift 2
    rm -f "$WORK"/callgrind.*
    if ! valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$WORK/callgrind.%p" \
        "$@" >/dev/null 2>"$WORK/err"; then
        echo "bench: $tool ($input) failed under callgrind: $*" >&2
        cat "$WORK/err" "$WORK"/callgrind.* >&2
        exit 1
    fi
    sed -n 's/.*I *refs: *//p' "$WORK"/callgrind.* | tr -d , |
        awk -v t="$tool" -v i="$input" '{ s += $1 } END { printf "instr %s %s %.0f\n", t, i, s }' >>"$RESULTS"
    rm -f "$WORK"/callgrind.*
}

fresh() { rm -rf "$OUT/out"; } # the output folder of the next run: none yet

# The sites of Hugo: the two layout sets, each given the content of a size
# with --contentDir (Hugo writes its lock file beside the layouts, its cache
# in WORK).
for layouts in minimal comparable; do cp -R "$ROOT/bench/hugo/$layouts" "$WORK/hugo-$layouts"; done
for n in $SIZES; do
    python3 "$ROOT/bench/synth.py" "$n" "$WORK/dossier-$n"
    mkdir -p "$WORK/content-$n"
    for sub in "$WORK/dossier-$n"/*/; do cp -R "$sub" "$WORK/content-$n/"; done
    find "$WORK/dossier-$n" -name '*.md' | sort | xargs cat >"$WORK/all-$n.md"
done

{
    echo "meta dossier $("$DOSSIER" --version | awk '{ print $2; exit }')"
    echo "meta hugo $(hugo version | awk '{ print $2 }')"
    echo "meta cmark-gfm $(cmark-gfm --version | awk '{ print $2; exit }')"
    echo "meta cpus $(nproc)"
    echo "meta load_start $(cut -d ' ' -f 1-3 /proc/loadavg | tr ' ' /)"
    echo "meta base $base"
} >>"$RESULTS"
started=$(date +%s)

# The interleaved runs. At the first size, after each fresh full build, one
# record is edited and the dossier built again into the same folder: the
# incremental build (render/cache.c) takes what did not change from the
# previous output; the figure says what a user waits for after an edit.
edited="$WORK/dossier-$base/threats/THR-1.md"
rep=1
while [ "$rep" -le "$REPS" ]; do
    for n in $SIZES; do
        d="$WORK/dossier-$n"
        fresh
        run full "$n" "$rep" "$DOSSIER" build -q "$d" -o "$OUT/out"
        if [ "$n" = "$base" ]; then
            cp "$edited" "$WORK/edited.md"
            printf '\nEdited before rebuild %d.\n' "$rep" >>"$edited"
            run rebuild "$n" "$rep" "$DOSSIER" build -q "$d" -o "$OUT/out"
            cp "$WORK/edited.md" "$edited"
        fi
        fresh
        run site "$n" "$rep" "$DOSSIER" build -q --only site "$d" -o "$OUT/out"
        for layouts in minimal comparable; do
            fresh
            run "hugo-$layouts" "$n" "$rep" hugo --quiet -s "$WORK/hugo-$layouts" --contentDir "$WORK/content-$n" \
                --cacheDir "$WORK/hugo-cache" -d "$OUT/out"
        done
        fresh
        run cmark "$n" "$rep" cmark-gfm -e table -e strikethrough -e autolink -e tasklist "$WORK/all-$n.md"
    done
    rep=$((rep + 1))
done
fresh
echo "meta interleaved_s $(($(date +%s) - started))" >>"$RESULTS"

# The large inputs, in small dossiers: SBOMs in the minimal example, JUnit
# reports in a synthetic dossier of 500 records (165 test records), once
# naming those test records and once naming controls, where every case
# becomes a test record of its own. check and build alternate.
if [ "$LARGE" = 1 ]; then
    started=$(date +%s)
    inputs=""
    for c in $SBOMS; do
        d="$WORK/sbom-$c"
        cp -R "$ROOT/examples/minimal" "$d"
        mkdir -p "$d/sbom"
        python3 "$ROOT/bench/evidence.py" sbom "$c" "$d/sbom/device.cdx.json"
        inputs="$inputs sbom-$c"
    done
    # a Threat Dragon model of about 5 MB and a Grype report of 20,000
    # findings, each against a plain JSON parse of the same file
    d="$WORK/threatmodel-$TM_ELEMENTS"
    cp -R "$ROOT/examples/minimal" "$d"
    mkdir -p "$d/threats"
    python3 "$ROOT/bench/evidence.py" threatmodel "$TM_ELEMENTS" "$d/threats"
    inputs="$inputs threatmodel-$TM_ELEMENTS"
    d="$WORK/grype-$FINDINGS"
    cp -R "$ROOT/examples/minimal" "$d"
    mkdir -p "$d/scans"
    python3 "$ROOT/bench/evidence.py" grype "$FINDINGS" "$d/scans/grype.json"
    inputs="$inputs grype-$FINDINGS"
    for names in tests controls; do
        d="$WORK/junit-$names-$CASES"
        python3 "$ROOT/bench/synth.py" 500 "$d"
        k=$(find "$d/$names" -name '*.md' | wc -l)
        mkdir -p "$d/tests/results"
        python3 "$ROOT/bench/evidence.py" junit "$CASES" "$k" "$d/tests/results/bench.xml" "$names"
        inputs="$inputs junit-$names-$CASES"
    done
    rep=1
    while [ "$rep" -le "$LARGE_REPS" ]; do
        for i in $inputs; do
            run check "$i" "$rep" "$DOSSIER" check --fail-on none "$WORK/$i"
            fresh
            run build "$i" "$rep" "$DOSSIER" build -q --fail-on none "$WORK/$i" -o "$OUT/out"
            fresh
            json=""
            case $i in
            threatmodel-*) json="$WORK/$i/threats/model.json" ;;
            grype-*) json="$WORK/$i/scans/grype.json" ;;
            esac
            [ -z "$json" ] || run parse "$i" "$rep" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$json"
        done
        rep=$((rep + 1))
    done
    echo "meta large_s $(($(date +%s) - started))" >>"$RESULTS"
fi
echo "meta load_end $(cut -d ' ' -f 1-3 /proc/loadavg | tr ' ' /)" >>"$RESULTS"

# Instructions: dossier with --jobs 1 (all the work in one process, so the
# count does not depend on how it is shared), and the floor; the first SBOM.
if [ "$BENCH_INSTR" = 1 ]; then
    started=$(date +%s)
    for n in $SIZES; do
        d="$WORK/dossier-$n"
        fresh
        count full "$n" "$DOSSIER" build -q --jobs 1 "$d" -o "$OUT/out"
        fresh
        count site "$n" "$DOSSIER" build -q --jobs 1 --only site "$d" -o "$OUT/out"
        fresh
        count cmark "$n" cmark-gfm -e table -e strikethrough -e autolink -e tasklist "$WORK/all-$n.md"
    done
    # and the first SBOM case, the one with a target (the others take minutes)
    if [ "$LARGE" = 1 ]; then
        for c in $SBOMS; do
            count check "sbom-$c" "$DOSSIER" check --jobs 1 --fail-on none "$WORK/sbom-$c"
            fresh
            count build "sbom-$c" "$DOSSIER" build -q --jobs 1 --fail-on none "$WORK/sbom-$c" -o "$OUT/out"
            break
        done
    fi
    echo "meta instr_s $(($(date +%s) - started))" >>"$RESULTS"
fi

[ -z "${BENCH_RESULTS:-}" ] || cp "$RESULTS" "$BENCH_RESULTS"
python3 "$ROOT/bench/report.py" "$RESULTS"
