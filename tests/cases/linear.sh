#!/bin/sh
# Linearity by instruction counts (valgrind's callgrind, not a clock): four
# times the records cost at most 4.4 times the instructions, for the whole
# `dossier build` and for each output alone, and four times the components
# of an SBOM likewise. A pairwise loop anywhere shows up as about 16 times.
. "$(dirname "$0")/../lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
    skip "linearity" "valgrind is not installed"
    exit 0
fi
if ldd "$DOSSIER" 2>/dev/null | grep -q libasan; then
    skip "linearity" "the binary is built with AddressSanitizer, which valgrind cannot run"
    exit 0
fi

# instructions DIR OUT ARGS...: the instruction count of dossier build DIR.
instructions() {
    d=$1; o=$2; shift 2
    rm -rf "$o"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$DOSSIER" build "$d" -o "$o" -q --jobs 1 "$@" 2>&1 |
        sed -n 's/.*I *refs: *//p' | tr -d ,
}

# linear NAME SMALL LARGE ARGS...: LARGE holds four times SMALL.
linear() {
    ln=$1; small=$2; large=$3; shift 3
    a=$(instructions "$small" "$TMP/out-small" "$@")
    b=$(instructions "$large" "$TMP/out-large" "$@")
    if [ -z "$a" ] || [ -z "$b" ]; then fail "$ln: counted" "no count (${a:-?}, ${b:-?})"; return; fi
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
    if awk -v r="$ratio" 'BEGIN { exit !(r <= 4.4) }'; then ok "$ln: 4x costs ${ratio}x the instructions ($a, $b)"
    else fail "$ln: 4x costs at most 4.4x the instructions" "${ratio}x ($a, $b)"; fi
}

python3 "$ROOT/bench/synth.py" 150 "$TMP/n" >/dev/null
python3 "$ROOT/bench/synth.py" 600 "$TMP/4n" >/dev/null
linear "dossier build, 150 and 600 records" "$TMP/n" "$TMP/4n"
for o in site bundle postmarket mds2 sbom csaf advisories whitepaper; do
    linear "--only $o, 150 and 600 records" "$TMP/n" "$TMP/4n" --only "$o"
done

# an SBOM of 500 and of 2,000 components in a small dossier
for n in 500 2000; do
    cp -R "$ROOT/examples/minimal" "$TMP/sbom$n"
    mkdir -p "$TMP/sbom$n/sbom"
    python3 - "$n" "$TMP/sbom$n/sbom/device.cdx.json" <<'EOF'
import json, sys
n = int(sys.argv[1])
comps = [{"type": "library", "bom-ref": f"pkg:npm/lib{i}@1.{i}.0", "name": f"lib{i}", "version": f"1.{i}.0",
          "purl": f"pkg:npm/lib{i}@1.{i}.0", "supplier": {"name": f"Supplier {i % 37}"},
          "hashes": [{"alg": "SHA-256", "content": "%064x" % i}],
          "licenses": [{"license": {"id": "MIT"}}]} for i in range(n)]
deps = [{"ref": "device", "dependsOn": [c["bom-ref"] for c in comps[:50]]}] + \
       [{"ref": c["bom-ref"], "dependsOn": [comps[(i * 7 + 1) % n]["bom-ref"]]} for i, c in enumerate(comps)]
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"timestamp": "2025-11-01T00:00:00Z",
                        "component": {"type": "firmware", "bom-ref": "device", "name": "thermometer", "version": "1.0.0"}},
           "components": comps, "dependencies": deps}, open(sys.argv[2], "w"))
EOF
done
linear "dossier build, an SBOM of 500 and 2,000 components" "$TMP/sbom500" "$TMP/sbom2000" --fail-on none
