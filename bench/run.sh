#!/bin/sh
# make bench: one process of measurement for dossier build, Hugo building the
# same Markdown files with the same front matter (minimal layouts), and
# cmark-gfm over the same bytes (the floor), at N, 2N and 4N records.
# Prints wall time, CPU time and peak memory of each, and the ratios.
# dossier runs with its default --jobs (one process per CPU) and with one;
# its peak memory is that of the largest process (the parent).
# Usage: bench/run.sh [N] (default 5000). Needs hugo and cmark-gfm (Debian).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=${BUILDDIR:-build}
DOSSIER="$ROOT/$BUILDDIR/dossier"
N=${1:-5000}
WORK=${BENCH_DIR:-$ROOT/bench/tmp}
export SOURCE_DATE_EPOCH=1764547200
for tool in hugo cmark-gfm python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hugo cmark-gfm)" >&2; exit 2; }
done
rm -rf "$WORK" && mkdir -p "$WORK"
# The outputs go to memory (BENCH_OUT, default a folder in /dev/shm when
# there is one): on a virtual machine's disk the time the file system takes
# to create files after a large removal varied from 0.2 s to 5 s between
# runs of the same build, which measured the disk, not the tools.
if [ -z "${BENCH_OUT:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_OUT=/dev/shm/dossier-bench-$$; fi
OUT=${BENCH_OUT:-$WORK}
mkdir -p "$OUT"
trap 'rm -rf "$OUT"/out-* "$OUT"/hugo-out-*; [ "$OUT" = "$WORK" ] || rmdir "$OUT" 2>/dev/null' EXIT

# measure LABEL CMD...: runs CMD $REPS times (BENCH_REPS, default 3), keeps the fastest wall time
# (with its CPU time and peak RSS), prints "LABEL wall cpu rss_kib".
measure() {
    label=$1; shift
    best=""
    for i in $(seq "${BENCH_REPS:-3}"); do
        # every tool writes into a folder that does not exist yet (not timed)
        rm -rf "$OUT"/out-* "$OUT"/hugo-out-*
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
        set -- "$@"
        line=$(tail -n 1 "$WORK/time")
        wall=${line%% *}
        if [ -z "$best" ] || awk "BEGIN{exit !($wall < ${best%% *})}"; then best=$line; fi
    done
    echo "$label $best" | awk '{printf "%s %.3f %.3f %d\n", $1, $2, $3 + $4, $5}'
}

hugo_site() { # DOSSIER_DIR HUGO_DIR: the same Markdown files under content/
    mkdir -p "$2/content" "$2/layouts/_default"
    for sub in "$1"/*/; do cp -R "$sub" "$2/content/"; done
    printf 'baseURL = "/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n' >"$2/config.toml"
    printf '<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n' >"$2/layouts/_default/single.html"
    printf '<html><body>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>\n' >"$2/layouts/_default/list.html"
    cp "$2/layouts/_default/list.html" "$2/layouts/index.html"
}

results="$WORK/results"
: >"$results"
for k in 1 2 4; do
    n=$((N * k))
    d="$WORK/dossier-$n"; h="$WORK/hugo-$n"
    python3 "$ROOT/bench/synth.py" "$n" "$d"
    hugo_site "$d" "$h"
    find "$d" -name '*.md' | sort | xargs cat >"$WORK/all-$n.md"
    # the site: one page per record, as Hugo writes one page per file
    # (default: one process per CPU, as Hugo uses every CPU; and one process)
    measure "dossier@$n" "$DOSSIER" build -q --only site "$d" -o "$OUT/out-$n" >>"$results"
    measure "dossier-j1@$n" "$DOSSIER" build -q --only site --jobs 1 "$d" -o "$OUT/out-$n" >>"$results"
    measure "hugo@$n" hugo --quiet -s "$h" -d "$OUT/hugo-out-$n" >>"$results"
    measure "cmark@$n" cmark-gfm -e table -e strikethrough -e autolink -e tasklist "$WORK/all-$n.md" >>"$results"
done

echo "records  tool     wall_s  cpu_s  peak_MiB"
awk '{split($1, a, "@"); printf "%-8s %-8s %6.3f %6.3f %8.1f\n", a[2], a[1], $2, $3, $4 / 1024}' "$results"
awk -v n="$N" '
    { split($1, a, "@"); wall[a[1], a[2]] = $2; rss[a[1], a[2]] = $4 }
    END {
        printf "\nat %d records: dossier/hugo wall %.2fx (target <= 0.25), dossier/cmark wall %.2fx (target <= 2),", n, wall["dossier", n] / wall["hugo", n], wall["dossier", n] / wall["cmark", n]
        printf " dossier/hugo peak memory %.2fx (target <= 0.33)\n", rss["dossier", n] / rss["hugo", n]
        printf "with --jobs 1: dossier/hugo wall %.2fx, dossier/cmark wall %.2fx, peak memory %.2fx\n", wall["dossier-j1", n] / wall["hugo", n], wall["dossier-j1", n] / wall["cmark", n], rss["dossier-j1", n] / rss["hugo", n]
        printf "scaling of dossier: 2x records %.2fx time, 4x records %.2fx time (target <= 4.4)\n", wall["dossier", 2 * n] / wall["dossier", n], wall["dossier", 4 * n] / wall["dossier", n]
    }' "$results"
