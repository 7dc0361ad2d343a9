#!/bin/sh
# Public outputs are computed from the public view, all of them: records and
# fields marked internal change nothing a customer receives. Markers are
# planted in internal records and internal fields and searched for in every
# public file (the XLSX unpacked); an internal intrusion-detection control
# and an internal LTE modem must leave the MDS2 exactly as without them.
. "$(dirname "$0")/../lib.sh"

copy_example infusion-pump base
# the records the attack adds, internal: would turn MDS2 answers to Yes
cat >"$TMP/base/controls/CTL-900.md" <<'EOF'
---
id: CTL-900
title: Network intrusion detection on the gateway MARKER-CTL900-TITLE
category: detect
status: implemented
owner: MARKER-CTL900-OWNER
internal: true
statement: |
  An intrusion detection system watches the gateway's traffic. MARKER-CTL900-STATEMENT
acceptance_criteria: |
  Alerts within a minute. MARKER-CTL900-CRITERIA
---
MARKER-CTL900-PROSE
EOF
cat >"$TMP/base/assets/AST-900.md" <<'EOF'
---
id: AST-900
title: Cellular modem MARKER-AST900-TITLE
kind: interface
owner: MARKER-AST900-OWNER
internal: true
interfaces:
  - name: LTE cellular link MARKER-AST900-IFACE
    protocol: LTE
    ports: SIM slot
    carries: remote service
    authentication: SIM
---
MARKER-AST900-PROSE
EOF
# an internal field on a public record
f="$TMP/base/controls/CTL-001.md"
sed -i 's/^owner: Connectivity Engineering Lead$/owner: Connectivity Engineering Lead MARKER-CTL001-OWNER\ninternal_fields: [owner, acceptance_criteria]/' "$f"
sed -i 's/^  valid certificate connects within 5 seconds\.$/  valid certificate connects within 5 seconds. MARKER-CTL001-CRITERIA/' "$f"
check "the markers are planted" grep -q MARKER-CTL001-CRITERIA "$f"

expect_exit "with internal records: built" 0 "$DOSSIER" build "$TMP/base" -o "$TMP/with" -q --fail-on none
leaks=""
for p in $(cd "$TMP/with" && find public mds2 -type f | sort); do
    case $p in
    *.xlsx) rm -rf "$TMP/x" && mkdir -p "$TMP/x" && (cd "$TMP/x" && unzip -qo "$TMP/with/$p") &&
            grep -rl MARKER- "$TMP/x" >/dev/null 2>&1 && leaks="$leaks $p" ;;
    *) grep -q MARKER- "$TMP/with/$p" && leaks="$leaks $p" ;;
    esac
done
if [ -z "$leaks" ]; then ok "no marker of an internal record or field in any public file"
else fail "no marker of an internal record or field in any public file" "$leaks"; fi
if grep -rq 'CTL-900\|AST-900' "$TMP/with/public" "$TMP/with/mds2"; then fail "the internal records' IDs are in no public file" "$(grep -rl 'CTL-900\|AST-900' "$TMP/with/public" "$TMP/with/mds2" | head -3)"
else ok "the internal records' IDs are in no public file"; fi
check "the site (internal) does show them" grep -q MARKER-CTL900-TITLE "$TMP/with/controls/CTL-900.html"

# the same dossier without the two internal records: the MDS2 is the same, byte for byte
cp -R "$TMP/base" "$TMP/without"
rm "$TMP/without/controls/CTL-900.md" "$TMP/without/assets/AST-900.md"
expect_exit "without them: built" 0 "$DOSSIER" build "$TMP/without" -o "$TMP/wo" -q --fail-on none --only mds2,sbom,whitepaper,advisories,csaf
for p in mds2/index.html mds2/mds2.xlsx public/sbom/sbom.cdx.json public/whitepaper.html; do
    if cmp -s "$TMP/with/$p" "$TMP/wo/$p"; then ok "internal records change nothing in $p"
    else fail "internal records change nothing in $p" "$(diff "$TMP/with/$p" "$TMP/wo/$p" 2>/dev/null | head -4)"; fi
done
