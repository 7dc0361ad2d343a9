#!/bin/sh
# Linearity by instruction counts (valgrind's callgrind, not a clock): four
# times the records cost at most 4.4 times the instructions, for the whole
# `dossier build` and for each output alone, and four times the components
# of an SBOM, the elements of a threat model, the findings of a scanner and
# the cases of a JUnit report likewise. A pairwise loop anywhere shows up
# as about 16 times.
. "$(dirname "$0")/../lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
    skip "linearity" "valgrind is not installed"
    exit 0
fi
if ldd "$DOSSIER" 2>/dev/null | grep -q libasan; then
    skip "linearity" "the binary is built with AddressSanitizer, which valgrind cannot run"
    exit 0
fi

# instructions DIR OUT ARGS...: the instruction count of dossier build DIR;
# nothing when the build wrote no output (a build stopped by findings
# would count the checks alone and prove nothing of the outputs).
instructions() {
    d=$1; o=$2; shift 2
    rm -rf "$o"
    count=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$DOSSIER" build "$d" -o "$o" -q --jobs 1 "$@" 2>&1 |
        sed -n 's/.*I *refs: *//p' | tr -d ,)
    [ -d "$o" ] && echo "$count"
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

# the incremental build (render/cache.c): a build into the previous output
# after one record's prose changed costs linear instructions too, and fewer
# than the fresh build it follows
rebuild() { # DIR OUT: a fresh build into OUT, one threat edited, the count of the rebuild
    d=$1; o=$2
    rm -rf "$o" && "$DOSSIER" build "$d" -o "$o" -q --jobs 1 >/dev/null 2>&1
    printf '\nA sentence the rebuild has to show.\n' >>"$d/threats/THR-1.md"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$DOSSIER" build "$d" -o "$o" -q --jobs 1 2>&1 |
        sed -n 's/.*I *refs: *//p' | tr -d ,
}
fresh=$(instructions "$TMP/n" "$TMP/out-fresh")
a=$(rebuild "$TMP/n" "$TMP/out-small")
b=$(rebuild "$TMP/4n" "$TMP/out-large")
if [ -n "$a" ] && [ -n "$b" ] && grep -q "A sentence the rebuild has to show" "$TMP/out-large/threats/THR-1.html"; then
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
    if awk -v r="$ratio" 'BEGIN { exit !(r <= 4.4) }'; then ok "one record edited, rebuilt, 150 and 600 records: 4x costs ${ratio}x the instructions ($a, $b)"
    else fail "one record edited, rebuilt: 4x costs at most 4.4x the instructions" "${ratio}x ($a, $b)"; fi
    share=$(awk -v a="$a" -v f="$fresh" 'BEGIN { printf "%.2f", a / f }')
    if awk -v s="$share" 'BEGIN { exit !(s < 1) }'; then ok "one record edited, rebuilt: ${share} of a fresh build's instructions ($a, $fresh)"
    else fail "one record edited, rebuilt: fewer instructions than a fresh build" "$share ($a, $fresh)"; fi
else
    fail "one record edited, rebuilt: counted" "no count or the edit is not shown (${a:-?}, ${b:-?})"
fi

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

# a Threat Dragon model of 100 and 400 elements (two threats each) with its
# supplement, and a Grype report of 250 and 1,000 findings, each in a small
# dossier: the readers, the supplement and the merge stay linear
for n in 100 400; do
    cp -R "$ROOT/examples/minimal" "$TMP/tm$n"
    mkdir -p "$TMP/tm$n/threats" "$TMP/tm$n/scans"
    python3 - "$n" "$TMP/tm$n" <<'EOF'
import json, sys
n, d = int(sys.argv[1]), sys.argv[2]
uid = lambda k, i: "%08x-0000-4000-8000-%012x" % (k, i)
cells = []
for i in range(n):
    cells.append({"shape": "process", "id": uid(1, i), "data": {"type": "tm.Process", "name": "Process %d" % i,
        "threats": [{"id": uid(2, 2 * i + t), "title": "Threat %d.%d" % (i, t), "status": "Mitigated",
                     "type": ["Spoofing", "Tampering"][t], "description": "Threat %d on process %d." % (t, i),
                     "mitigation": "Control %d.%d." % (i, t)} for t in range(2)]}})
    if i:
        cells.append({"shape": "flow", "id": uid(3, i), "source": {"cell": uid(1, i - 1)}, "target": {"cell": uid(1, i)},
                      "data": {"type": "tm.Flow", "name": "Flow %d" % i, "protocol": "HTTPS", "isEncrypted": True}})
json.dump({"version": "2.3.0", "summary": {"title": "Generated"}, "detail": {"diagrams": [
    {"id": 0, "title": "Generated", "diagramType": "STRIDE", "cells": cells}]}}, open(d + "/threats/model.json", "w"))
open(d + "/threats/model.yaml", "w").write(
    "views:\n  diagram 0: {kind: global-system}\n"
    "defaults:\n  threat: {attack_vector: network, exploitability_pre: low, severity: minor, exploitability_post: remote, risk: acceptable}\n"
    "  control: {category: integrity}\n")
matches = [{"vulnerability": {"id": "CVE-2099-%05d" % i, "description": "Finding %d" % i,
                              "cvss": [{"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metrics": {"baseScore": 9.8}}]},
            "artifact": {"name": "lib%d" % (i % 50), "version": "1.0", "purl": "pkg:npm/lib%d@1.0" % (i % 50)}}
           for i in range(int(2.5 * n))]
json.dump({"descriptor": {"name": "grype", "version": "0.74.1", "timestamp": "2025-10-20T00:00:00Z"},
           "matches": matches}, open(d + "/scans/grype.json", "w"))
EOF
done
linear "dossier build, a threat model of 100 and 400 elements and 250 and 1,000 scanner findings" "$TMP/tm100" "$TMP/tm400" --fail-on none

# JUnit reports of 500 and 2,000 cases in the dossier of 150 records: once
# naming its test records (each case adds a result to one), once naming its
# controls (each case becomes a test record of its own, with a page and its
# bundle entries); bench/evidence.py writes them, as for make bench
for names in tests controls; do
    for n in 500 2000; do
        d="$TMP/junit-$names-$n"
        rm -rf "$d" && cp -R "$TMP/n" "$d"
        k=$(find "$d/$names" -name '*.md' | wc -l)
        mkdir -p "$d/tests/results"
        python3 "$ROOT/bench/evidence.py" junit "$n" "$k" "$d/tests/results/linear.xml" "$names"
    done
    linear "dossier build, a JUnit report of 500 and 2,000 cases naming $names" \
        "$TMP/junit-$names-500" "$TMP/junit-$names-2000" --fail-on none
done
