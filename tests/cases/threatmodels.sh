#!/bin/sh
# Threat models read in place from threats/ (tests/fixtures/threats-import/:
# files written for these tests in the layouts OWASP Threat Dragon 1 and 2
# and the Open Threat Model save, with their irregularities: labels with
# line breaks, null strings, severity "TBA", v1 threats without IDs) and
# the Microsoft Threat Modeling Tool's one-line XML (.tm7). Their
# elements, threats, mitigations and diagrams become records whose IDs
# survive renaming and reordering; the supplement beside a model completes
# them and a Markdown record of the same ID merges with the imported one;
# files that only look like models are refused by name. Real files of the
# tools are read where THREAT_MODEL_SAMPLES (or ../shared/corpus/threat-models)
# has them.
. "$(dirname "$0")/../lib.sh"

FIX="$ROOT/tests/fixtures/threats-import"
D="$TMP/tm"
copy_example minimal tm
mkdir -p "$D/threats"
cp "$FIX/td2.json" "$FIX/td2.yaml" "$FIX/td1.json" "$FIX/otm.json" "$D/threats/"

"$DOSSIER" check "$D" >"$TMP/check" 2>&1
expect_grep "a missing value is located at the threat in the model" \
    "threats/td1.json:14:17: error: [required-field] threat: missing required field 'attack_vector'" "$TMP/check"
expect_grep "a supplement naming what the model lacks is a warning at its key" \
    "threats/td2.yaml:12:3: warning: [threat-model-supplement] threats/td2.yaml names b1b2c3d4-0000-4000-8000-000000000099, which threats/td2.json does not have among its controls" "$TMP/check"
if grep -q 'unique-id' "$TMP/check"; then fail "derived IDs are unique (v1 threats without IDs too)" "$(grep -m2 unique-id "$TMP/check")"; else ok "derived IDs are unique (v1 threats without IDs too)"; fi
if grep -q 'threats/td2.json.*required-field' "$TMP/check"; then
    fail "the supplement's entries and defaults complete the Threat Dragon records" "$(grep -m2 'td2.json.*required-field' "$TMP/check")"
else ok "the supplement's entries and defaults complete the Threat Dragon records"; fi

expect_exit "trace a threat the supplement renamed" 0 "$DOSSIER" trace THR-101 "$D" --down
cp "$TMP/out" "$TMP/trace101"
expect_grep "its mitigation became a control linked to it" "mitigated_by CTL-" "$TMP/trace101"

"$DOSSIER" build "$D" -o "$TMP/tm-out" --fail-on none -q >/dev/null 2>&1
ids() { (cd "$1" && ls threats controls assets views | grep -E '^(THR|CTL|AST|VIEW)-' | sort); }
ids "$TMP/tm-out" >"$TMP/ids1"
n=$(grep -c . "$TMP/ids1")
if [ "$n" -ge 15 ]; then ok "the models give pages ($n records)"; else fail "the models give pages ($n records)" "$(cat "$TMP/ids1")"; fi
P=$(grep -l '<h1>.*Monitor firmware' "$TMP"/tm-out/assets/AST-*.html | head -1)
if [ -n "$P" ]; then ok "a label's line breaks become spaces"; else fail "a label's line breaks become spaces" ""; fi
expect_grep "the supplement gives the element's kind" "device" "$P"
expect_grep "a data flow becomes an interface with its protocol" "HTTPS, encrypted" "$P"
O=$(grep -l 'Hospital LAN' "$TMP"/tm-out/assets/AST-*.html | head -1)
if [ -n "$O" ]; then ok "an OTM trust zone becomes a tag"; else fail "an OTM trust zone becomes a tag" ""; fi
T=$(grep -l 'Forged update' "$TMP"/tm-out/threats/THR-*.html | head -1)
expect_grep "an OTM mitigation is linked to its threat" "Signed update packages" "$T"
expect_grep "an implemented OTM mitigation is an implemented control" "implemented" "$(grep -l 'Signed update packages' "$TMP"/tm-out/controls/CTL-*.html | head -1)"
expect_grep "the threat sits on the element it was drawn on" "Monitor firmware" "$(grep -l '<h1>.*Spoofed central station' "$TMP"/tm-out/threats/THR-*.html | head -1)"
N=$(grep -l 'Alarm flood' "$TMP"/tm-out/threats/THR-*.html | head -1)
expect_grep "a threat the tool marks not applicable has a not-applicable control" "not-applicable" "$N"

# saved again by the tool: renamed, reordered, retitled; every ID stays
python3 - "$D/threats" <<'EOF'
import json, sys
d = sys.argv[1]
m = json.load(open(d + "/td2.json"))
cells = m["detail"]["diagrams"][0]["cells"]
cells.reverse()
for c in cells:
    data = c.get("data", {})
    if data.get("name") == "Monitor\nfirmware":
        data["name"] = "Monitor firmware 2"
    for t in data.get("threats", []):
        t["title"] = t["title"] + " (reviewed)"
json.dump(m, open(d + "/td2.json", "w"), indent=1)
m = json.load(open(d + "/td1.json"))
for c in m["detail"]["diagrams"][0]["diagramJson"]["cells"]:
    if c.get("type") == "tm.Actor":
        c["attrs"]["text"]["text"] = "Registered nurse"
json.dump(m, open(d + "/td1.json", "w"), indent=1)
m = json.load(open(d + "/otm.json"))
m["components"].reverse()
m["components"][0]["name"] = "Update service 2"
json.dump(m, open(d + "/otm.json", "w"), indent=1)
EOF
"$DOSSIER" build "$D" -o "$TMP/tm-out2" --fail-on none -q >/dev/null 2>&1
ids "$TMP/tm-out2" >"$TMP/ids2"
if cmp -s "$TMP/ids1" "$TMP/ids2"; then ok "re-imported after renaming and reordering, every record keeps its ID"
else fail "re-imported after renaming and reordering, every record keeps its ID" "$(diff "$TMP/ids1" "$TMP/ids2" | head -5)"; fi
expect_grep "the renamed element shows its new name" "Monitor firmware 2" "$TMP/tm-out2/assets/$(basename "$P")"

# a Markdown record of the same ID fills and overrides
cat >"$D/threats/THR-101.md" <<'EOF'
---
id: THR-101
title: Spoofed central station on the monitor network
stride: tampering
severity: critical
exploitability_post: remote
---
Written by hand: the imported record's fields fill what this one leaves out.
EOF
"$DOSSIER" check "$D" >"$TMP/check2" 2>&1
expect_grep "a value both give differently is a warning at the Markdown record" \
    "threats/THR-101.md:4:9: warning: [threat-model-conflict] THR-101: stride differs from the threat model (threats/td2.json:" "$TMP/check2"
if grep -q 'unique-id.*THR-101\|THR-101.md.*required-field' "$TMP/check2"; then
    fail "the Markdown record takes the imported one's fields, no duplicate" "$(grep -m2 'THR-101' "$TMP/check2")"
else ok "the Markdown record takes the imported one's fields, no duplicate"; fi
expect_exit "trace the merged record" 0 "$DOSSIER" trace THR-101 "$D" --down
expect_grep "the merged record keeps the imported links" "mitigated_by CTL-" "$TMP/out"

# Microsoft Threat Modeling Tool: one line of data-contract XML
M="$TMP/tmt"
copy_example minimal tmt
mkdir -p "$M/threats"
cp "$FIX/tmt.tm7" "$M/threats/"
"$DOSSIER" check "$M" >"$TMP/check-tmt" 2>&1
expect_grep "where a line says little, the note names the supplement entry by the tool's ID" \
    "threats/tmt.tm7:1: note: [threat-model-incomplete] THR-1FA0BD67 lacks attack_vector, exploitability_pre, severity, which the model cannot give: add them in threats/tmt.yaml under threats: \"threat 1\"" "$TMP/check-tmt"
cat >"$M/threats/tmt.yaml" <<'EOF'
views:
  d0000000-0000-4000-8000-0000000000d1: {kind: global-system}
controls:
  threat 1: {category: authentication, status: planned, reason: Certificates arrive in 2.1.}
defaults:
  threat: {attack_vector: adjacent, exploitability_pre: low, severity: serious, exploitability_post: remote, risk: acceptable}
EOF
"$DOSSIER" check "$M" >"$TMP/check-tmt2" 2>&1
if grep -q 'tmt.tm7.*\(required-field\|threat-model-incomplete\)' "$TMP/check-tmt2"; then
    fail "the supplement completes the .tm7 records" "$(grep -m3 'tmt.tm7' "$TMP/check-tmt2")"
else ok "the supplement completes the .tm7 records"; fi
"$DOSSIER" build "$M" -o "$TMP/tmt-out" --fail-on none -q >/dev/null 2>&1
V=$(grep -l '<h1>.*Ventilator firmware' "$TMP"/tmt-out/assets/AST-*.html | head -1)
expect_grep "a stencil inside a trust-boundary box carries its name" "trust boundary: Device boundary" "$V"
T=$(grep -l '<h1>.*Spoofing the Nurse station' "$TMP"/tmt-out/threats/THR-*.html | head -1)
expect_grep "a threat sits on both ends of its flow" "Nurse station" "$T"
expect_grep "the justification of a mitigated threat is its control" "signed by the nurse station" "$T"
expect_grep "the drawing surface is a view" "Ward network" "$TMP/tmt-out/views/VIEW-834CB442.html"

# files that are not models
B="$TMP/tm-bad"
copy_example minimal tm-bad
mkdir -p "$B/threats"
cp "$FIX/not-a-model.json" "$FIX/misspelt.json" "$B/threats/"
printf '[]\n' >"$B/threats/list.json"
: >"$B/threats/empty.json"
printf '<ThreatModel' >"$B/threats/broken.tm7"
printf '<Model/>' >"$B/threats/other.tm7"
printf 'x' >"$B/threats/notes.txt"
"$DOSSIER" check "$B" >"$TMP/check3" 2>&1
expect_grep "a JSON Schema is refused by name" "threats/not-a-model.json:2:3: error: [threat-model-format] not a threat model" "$TMP/check3"
expect_grep "misspelt top-level keys are refused" "threats/misspelt.json:2:3: error: [threat-model-format] not a threat model" "$TMP/check3"
expect_grep "a list is refused" "threats/list.json:1: error: [threat-model-format] expected a JSON object (a Threat Dragon or Open Threat Model document), found a list" "$TMP/check3"
expect_grep "an empty file is refused" "threats/empty.json:1: error: [threat-model-format] empty file: expected a threat model" "$TMP/check3"
expect_grep "a broken .tm7 file is an XML error located in it" "threats/broken.tm7:1" "$TMP/check3"
expect_grep "a .tm7 file of another root is refused" "threats/other.tm7:1: error: [threat-model-format] expected a Microsoft Threat Modeling Tool <ThreatModel> root element, found <Model>" "$TMP/check3"
expect_grep "any other file in the folder gets a note" "threats/notes.txt: note: [unknown-file] not read" "$TMP/check3"

# the example takes part of its threat model from Threat Dragon
E="$TMP/ex-out"
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$E" --fail-on none -q >/dev/null 2>&1
expect_grep "the example's imported threat names its model as its source" "threats/ehr-integration.json:" "$E/threats/THR-027.html"
expect_grep "its imported control is linked" "CTL-036" "$E/threats/THR-027.html"
expect_grep "the imported view is there with its diagram" "VIEW-005-ehr-integration.svg" "$E/views/VIEW-005.html"
expect_grep "the gateway drawn in the model merged with AST-005" "Auto-programming requests" "$E/assets/AST-005.html"

# real files from the tools' repositories
S=${THREAT_MODEL_SAMPLES:-$ROOT/../shared/corpus/threat-models}
if [ ! -d "$S" ]; then
    skip "real threat models" "no folder of samples ($S; set THREAT_MODEL_SAMPLES)"
else
    for f in "$S"/*.json "$S"/*.tm7; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        R="$TMP/real"
        copy_example minimal real
        mkdir -p "$R/threats"
        cp "$f" "$R/threats/model.${f##*.}"
        "$DOSSIER" check "$R" >"$TMP/real-check" 2>&1
        rc=$?
        case $name in
        *malformed* | *schema*)
            if grep -q 'threat-model-format' "$TMP/real-check"; then ok "real: $name is refused"; else fail "real: $name is refused" "rc $rc"; fi ;;
        *)
            if [ $rc -le 1 ] && ! grep -q 'threat-model-format\|unique-id\|internal error' "$TMP/real-check"; then ok "real: $name loads"
            else fail "real: $name loads" "rc $rc" "$(grep -m3 'threat-model-format\|unique-id\|internal' "$TMP/real-check")"; fi ;;
        esac
    done
fi
