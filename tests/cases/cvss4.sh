#!/bin/sh
# CVSS v4.0 scores computed by the check stage: the published vector/score
# pairs of tests/data/cvss4 (every value of every equivalence class) give
# the same score in dossier, and each, stated one tenth off, is a finding;
# the published ratings of the Safety vectors (EQ4 0) reach the outputs; a
# vector that does not parse is a finding located at it.
. "$(dirname "$0")/../lib.sh"

D="$TMP/cvss4"
copy_example minimal cvss4
mkdir -p "$D/vulnerabilities"
vuln() { # vuln ID VECTOR [SCORE]
    {
        printf -- '---\nid: %s\ntitle: Vulnerability %s\ncvss4_vector: "%s"\n' "$1" "$1" "$2"
        [ -n "${3:-}" ] && printf 'cvss4_score: %s\n' "$3"
        printf 'exploitability: low\nseverity: minor\nrisk: controlled\ndiscovered: 2025-01-01\n---\n'
    } >"$D/vulnerabilities/$1.md"
}

DATA="$ROOT/tests/data/cvss4"
i=0
while read -r vec score; do
    i=$((i + 1)); vuln "VUL-$(printf %03d $i)" "$vec" "$score"
done <"$DATA/scores.txt"
n=$i
"$DOSSIER" check "$D" >"$TMP/check" 2>&1
if [ "$n" -ge 50 ] && ! grep -q 'cvss4-' "$TMP/check"; then
    ok "the $n published v4.0 scores are computed alike"
else
    fail "the $n published v4.0 scores are computed alike" "$(grep -m3 cvss4 "$TMP/check")"
fi

i=0
while read -r vec score; do
    i=$((i + 1)); vuln "VUL-$(printf %03d $i)" "$vec" "$(python3 -c "print(round($score + 0.1, 1))")"
done <"$DATA/scores.txt"
"$DOSSIER" check "$D" >"$TMP/check" 2>&1
off=$(grep -c '\[cvss4-score\]' "$TMP/check")
if [ "$off" -eq "$n" ]; then ok "each score stated a tenth off is a cvss4-score finding ($off)"
else fail "each score stated a tenth off is a cvss4-score finding" "$off of $n"; fi
rm -f "$D"/vulnerabilities/*.md

i=0
while read -r vec rating; do
    i=$((i + 1)); vuln "VUL-$(printf %03d $i)" "$vec"
done <"$DATA/ratings.txt"
"$DOSSIER" build "$D" -o "$TMP/out" --only bundle >"$TMP/build" 2>&1
doc="$TMP/out/premarket/01d-vulnerability-assessment.html"
i=0; bad=""
while read -r vec rating; do
    i=$((i + 1))
    python3 - "$doc" "VUL-$(printf %03d $i)" "$rating" <<'PY' || bad="$bad VUL-$(printf %03d $i)"
import re, sys
html = open(sys.argv[1]).read()
sec = html[html.index('id="%s"' % sys.argv[2]):]
m = re.search(r"CVSS v4.0</dt><dd>([0-9.]+) (\w+) \(CVSS-BTE", sec)
sys.exit(0 if m and m.group(2) == sys.argv[3] else 1)
PY
done <"$DATA/ratings.txt"
if [ -f "$doc" ] && [ -z "$bad" ]; then ok "the published ratings of the Safety vectors (EQ4 0) reach 01d, with CVSS-BTE"
else fail "the published ratings of the Safety vectors reach 01d" "differ:$bad" "$(head -5 "$TMP/build")"; fi
rm -f "$D"/vulnerabilities/*.md

# the example's v4.0 vectors reach CSAF (a note: CSAF 2.0 has no v4 score
# object), CycloneDX (a rating of method CVSSv4) and the public bulletin
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$TMP/pump" --only csaf,sbom,advisories >"$TMP/pump-build" 2>&1
python3 - "$TMP/pump" >"$TMP/pump-v4" 2>&1 <<'PY'
import json, os, sys
files = [os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1]) for f in fs if f.endswith(".json")]
for f in sorted(files):
    try:
        d = json.load(open(f))
    except Exception:
        continue
    for v in d.get("vulnerabilities", []) if isinstance(d, dict) else []:
        for n in v.get("notes", []):
            if n.get("title") == "CVSS v4.0" and n.get("category") == "other":
                print("csaf", v.get("cve") or v.get("ids", [{}])[0].get("text"), n["text"])
        for r in v.get("ratings", []):
            if r.get("method") == "CVSSv4":
                print("cdx", v["id"], r["score"], r["severity"], r["vector"])
PY
expect_grep "CSAF carries the v4.0 score in a note" \
    "csaf CVE-2024-6387 Score 8.2 (HIGH, CVSS-BT), from the vector CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P" "$TMP/pump-v4"
expect_grep "CycloneDX carries a CVSSv4 rating with the computed score" \
    "cdx CVE-2024-6387 8.2 high CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P" "$TMP/pump-v4"
expect_grep "the bulletin shows the v4.0 score beside v3.1" \
    "CVSS v4.0</dt><dd>8.2 high (CVSS-BT)" "$(grep -l 'CVE-2024-6387' "$TMP"/pump/public/advisories/ADV-*.html | head -1)"

vuln VUL-900 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" 9.0
vuln VUL-901 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"
vuln VUL-902 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N"
vuln VUL-903 "CVSS:4.0/AV:N/AC:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
vuln VUL-904 "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
vuln VUL-905 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
vuln VUL-906 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/XX:Y"
vuln VUL-907 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A"
"$DOSSIER" check "$D" >"$TMP/check2" 2>&1
expect_grep "a score its vector does not give is an error at the score" \
    "vulnerabilities/VUL-900.md:5:14: error: [cvss4-score] VUL-900: cvss4_score 9.0, but its vector gives 9.3 (CVSS-B)" "$TMP/check2"
expect_grep "a missing base metric is an error at the vector" \
    "vulnerabilities/VUL-901.md:4:15: error: [cvss4-vector] VUL-901: not a CVSS v4.0 vector: the base metric SA is missing" "$TMP/check2"
expect_grep "a value the metric does not take" "[cvss4-vector] VUL-902: not a CVSS v4.0 vector: SI takes one of H L N, not S" "$TMP/check2"
expect_grep "a metric given twice" "[cvss4-vector] VUL-903: not a CVSS v4.0 vector: AC is given twice" "$TMP/check2"
expect_grep "metrics out of order" "[cvss4-vector] VUL-904: not a CVSS v4.0 vector: AV comes after AC" "$TMP/check2"
expect_grep "a v3.1 vector" "[cvss4-vector] VUL-905: not a CVSS v4.0 vector: a CVSS v4.0 vector starts with CVSS:4.0/" "$TMP/check2"
expect_grep "an unknown metric" "[cvss4-vector] VUL-906: not a CVSS v4.0 vector: XX is not a CVSS v4.0 metric" "$TMP/check2"
expect_grep "the threat metric after the environmental ones" "[cvss4-vector] VUL-907: not a CVSS v4.0 vector: E comes after CR" "$TMP/check2"
