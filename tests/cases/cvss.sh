#!/bin/sh
# CVSS v3 base scores computed by the check stage: every vector and score
# the CSAF examples and conformance files publish (../shared/corpus) give
# the same score in dossier, but those the CSAF test 6.1.9 ("invalid CVSS
# computation") marks wrong, which are findings; a vector that does not
# parse is a finding located at it; the outputs show the computed score.
. "$(dirname "$0")/../lib.sh"

D="$TMP/cvss"
copy_example minimal cvss
mkdir -p "$D/vulnerabilities"
vuln() { # vuln ID VECTOR SCORE
    cat >"$D/vulnerabilities/$1.md" <<EOF
---
id: $1
title: Vulnerability $1
cvss_vector: "$2"
cvss_score: $3
exploitability: low
severity: minor
risk: controlled
discovered: 2025-01-01
---
EOF
}

C="$ROOT/../shared/corpus"
if [ ! -d "$C/csaf" ]; then
    skip "published CVSS scores" "no corpus at $C"
else
    python3 - "$C" >"$TMP/pairs" <<'EOF'
import glob, json, os, sys
seen = {}
for f in sorted(glob.glob(sys.argv[1] + "/csaf/*.json") + glob.glob(sys.argv[1] + "/csaf-tests/*.json")):
    try:
        d = json.load(open(f))
    except Exception:
        continue
    wrong = "-6-1-09-0" in os.path.basename(f)  # the test files of 6.1.9 that must fail
    for v in d.get("vulnerabilities", []) if isinstance(d, dict) else []:
        for s in v.get("scores", []):
            c = s.get("cvss_v3") or {}
            if "vectorString" in c and "baseScore" in c:
                seen[(c["vectorString"], c["baseScore"])] = wrong
for i, ((vec, score), wrong) in enumerate(sorted(seen.items())):
    print("VUL-%03d %s %s %s" % (i + 1, vec, score, "wrong" if wrong else "right"))
EOF
    while read -r id vec score verdict; do vuln "$id" "$vec" "$score"; done <"$TMP/pairs"
    "$DOSSIER" check "$D" >"$TMP/check" 2>&1
    right=$(grep -c ' right$' "$TMP/pairs"); wrong=$(grep -c ' wrong$' "$TMP/pairs")
    bad=""
    while read -r id vec score verdict; do
        if [ "$verdict" = right ] && grep -q "\[cvss-score\] $id:" "$TMP/check"; then bad="$bad $id"; fi
        if [ "$verdict" = wrong ] && ! grep -q "\[cvss-score\] $id:" "$TMP/check"; then bad="$bad $id"; fi
    done <"$TMP/pairs"
    if [ -z "$bad" ] && [ "$right" -gt 10 ] && [ "$wrong" -gt 0 ]; then
        ok "the $right published scores are computed alike, the $wrong of CSAF test 6.1.9 are findings"
    else
        fail "the published scores are computed alike, the wrong ones are findings" "differ:$bad" "$(grep -m3 cvss "$TMP/check")"
    fi
    if grep -q 'cvss-vector' "$TMP/check"; then fail "every published vector parses" "$(grep -m2 cvss-vector "$TMP/check")"
    else ok "every published vector parses (temporal and environmental metrics too)"; fi
    rm -f "$D"/vulnerabilities/*.md
fi

vuln VUL-900 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" 7.5
vuln VUL-901 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H" 7.5
vuln VUL-902 "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" 7.5
vuln VUL-903 "CVSS:3.1/AV:N/AC:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" 7.5
vuln VUL-904 "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P" 7.5
vuln VUL-905 "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N" 6.4
vuln VUL-906 "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N" 0
"$DOSSIER" check "$D" >"$TMP/check2" 2>&1
expect_grep "a score its vector does not give is an error at the score" \
    "vulnerabilities/VUL-900.md:5:13: error: [cvss-score] VUL-900: cvss_score 7.5, but its vector gives 9.8" "$TMP/check2"
expect_grep "a missing base metric is an error at the vector" \
    "vulnerabilities/VUL-901.md:4:14: error: [cvss-vector] VUL-901: not a CVSS v3 vector: the base metric A is missing" "$TMP/check2"
expect_grep "a value the metric does not take" "[cvss-vector] VUL-902: not a CVSS v3 vector: AV takes one of NALP, not X" "$TMP/check2"
expect_grep "a metric given twice" "[cvss-vector] VUL-903: not a CVSS v3 vector: AC is given twice" "$TMP/check2"
expect_grep "a CVSS v2 vector" "[cvss-vector] VUL-904: not a CVSS v3 vector" "$TMP/check2"
if grep -q 'VUL-90[56]' "$TMP/check2"; then fail "a scope change (3.0) and a zero impact are computed right" "$(grep 'VUL-90[56]' "$TMP/check2")"
else ok "a scope change (3.0) and a zero impact are computed right"; fi
"$DOSSIER" build "$D" -o "$TMP/out-site" --fail-on none --only site,sbom -q >/dev/null 2>&1
expect_grep "the record page shows the computed score and rating" "9.8 critical" "$TMP/out-site/vulnerabilities/VUL-900.html"
