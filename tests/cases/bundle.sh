#!/bin/sh
# tests/cases/bundle.sh: the premarket bundle: byte-identical rebuilds, every
# manifest hash checked by unzip and sha256sum, the signature by minisign,
# verify naming a changed file, wrong keys, checklist states on fixtures and
# the 30/60-day limits at their last and first late day.
. "$(dirname "$0")/../lib.sh"
PUMP="$ROOT/examples/infusion-pump"
ZIPNAME=norvale-cadence-infusion-system-3.2.0-premarket.zip

"$DOSSIER" build "$PUMP" -o "$TMP/a" --only bundle -q 2>"$TMP/err" || fail build "$(cat "$TMP/err")"
TZ=Pacific/Auckland "$DOSSIER" build "$PUMP" -o "$TMP/b" --only bundle -q 2>/dev/null
if [ -f "$TMP/a/$ZIPNAME" ] && cmp -s "$TMP/a/$ZIPNAME" "$TMP/b/$ZIPNAME"; then ok "two builds, byte-identical ZIP"
else fail "two builds, byte-identical ZIP" "$(ls "$TMP/a" "$TMP/b")"; fi
check "manifest beside the bundle equals the one inside" cmp "$TMP/a/manifest.json" "$TMP/a/premarket/manifest.json"

# every hash of the manifest, recomputed by unzip and sha256sum
mkdir -p "$TMP/unz" && (cd "$TMP/unz" && unzip -q "$TMP/a/$ZIPNAME")
python3 - "$TMP/unz/manifest.json" >"$TMP/sums" <<'EOF'
import json, sys
for f in json.load(open(sys.argv[1]))["files"]:
    print(f"{f['sha256']}  {f['path']}")
EOF
n_manifest=$(wc -l <"$TMP/sums")
n_files=$(cd "$TMP/unz" && find . -type f ! -name manifest.json | wc -l)
if [ "$n_manifest" -gt 100 ] && (cd "$TMP/unz" && sha256sum -c --quiet "$TMP/sums") >"$TMP/out" 2>&1 &&
   [ "$n_manifest" -eq "$n_files" ]; then ok "sha256sum confirms all $n_manifest manifest hashes"
else fail "sha256sum confirms every manifest hash" "$n_manifest in the manifest, $n_files unzipped" "$(head -3 "$TMP/out")"; fi
zipinfo -T "$TMP/a/$ZIPNAME" | awk '/^-/ {print $1, $7}' | sort -u >"$TMP/meta"
if [ "$(wc -l <"$TMP/meta")" -eq 1 ] && grep -q '^-rw-r--r-- 20251201.000000$' "$TMP/meta"; then ok "every entry 0644, dated the build date"
else fail "every entry 0644, dated the build date" "$(head -3 "$TMP/meta")"; fi
if zipinfo -1 "$TMP/a/$ZIPNAME" | LC_ALL=C sort -c 2>/dev/null; then ok "entries sorted"; else fail "entries sorted"; fi
expect_grep "documents name their records" 'href="records/threats/THR-001.md"' "$TMP/a/premarket/01a-threat-model.html"
expect_grep "source records in the bundle" '"path": "records/threats/THR-001.md"' "$TMP/a/manifest.json"
expect_exit "verify a fresh bundle" 0 "$DOSSIER" verify "$TMP/a/$ZIPNAME"
python3 - "$TMP/unz/manifest.json" >"$TMP/recsums" <<'EOF'
import json, sys
for rid, r in json.load(open(sys.argv[1]))["records"].items():
    print(f"{r['sha256']}  records/{r['path']}")
EOF
if [ "$(wc -l <"$TMP/recsums")" -gt 100 ] && (cd "$TMP/unz" && sha256sum -c --quiet "$TMP/recsums") >"$TMP/out" 2>&1 &&
   grep -q '"THR-001"' "$TMP/unz/manifest.json"; then ok "sha256sum confirms every record's own hash"
else fail "sha256sum confirms every record's own hash" "$(head -3 "$TMP/out")"; fi

# signature: a throwaway key, never committed
if command -v minisign >/dev/null 2>&1; then
    minisign -G -W -p "$TMP/k.pub" -s "$TMP/k.key" >/dev/null 2>&1
    minisign -G -W -p "$TMP/other.pub" -s "$TMP/other.key" >/dev/null 2>&1
    "$DOSSIER" build "$PUMP" -o "$TMP/s" --only bundle --sign "$TMP/k.key" -q 2>/dev/null
    expect_exit "minisign -V verifies the manifest beside the bundle" 0 \
        minisign -V -p "$TMP/k.pub" -m "$TMP/s/manifest.json"
    mkdir -p "$TMP/sunz" && (cd "$TMP/sunz" && unzip -q "$TMP/s/$ZIPNAME")
    expect_exit "minisign -V verifies the manifest inside the bundle" 0 \
        minisign -V -p "$TMP/k.pub" -m "$TMP/sunz/manifest.json"
    expect_exit "verify --pubkey: good signature" 0 "$DOSSIER" verify "$TMP/s/$ZIPNAME" --pubkey "$TMP/k.pub"
    expect_exit "verify --pubkey with another key fails" 1 "$DOSSIER" verify "$TMP/s/$ZIPNAME" --pubkey "$TMP/other.pub"
    expect_grep "wrong key named" "signed with another key" "$TMP/out"
    expect_exit "verify --pubkey on an unsigned bundle fails" 1 "$DOSSIER" verify "$TMP/a/$ZIPNAME" --pubkey "$TMP/k.pub"
    "$DOSSIER" build "$PUMP" -o "$TMP/s2" --only bundle --sign "$TMP/k.key" -q 2>/dev/null
    check "signed builds byte-identical" cmp "$TMP/s/$ZIPNAME" "$TMP/s2/$ZIPNAME"
    cp "$TMP/sunz/manifest.json" "$TMP/m.json" && printf ' ' >>"$TMP/m.json"
    expect_exit "minisign rejects a changed manifest" 1 minisign -V -q -p "$TMP/k.pub" -m "$TMP/m.json" -x "$TMP/sunz/manifest.json.minisig"
    sed -i 's/"build_date": "[0-9-]*"/"build_date": "1999-01-01"/' "$TMP/sunz/manifest.json"
    expect_exit "verify --pubkey: a changed manifest fails" 1 "$DOSSIER" verify "$TMP/sunz" --pubkey "$TMP/k.pub"
    expect_grep "changed manifest: signature named" "signature BAD" "$TMP/out"
    # a password-protected key (scrypt, about 4 s each)
    printf 'pw\npw\n' | minisign -G -p "$TMP/enc.pub" -s "$TMP/enc.key" >/dev/null 2>&1
    DOSSIER_SIGN_PASSWORD=pw "$DOSSIER" build "$PUMP" -o "$TMP/enc" --only bundle --sign "$TMP/enc.key" -q 2>/dev/null
    expect_exit "an encrypted key with DOSSIER_SIGN_PASSWORD: minisign -V verifies" 0 \
        minisign -V -p "$TMP/enc.pub" -m "$TMP/enc/manifest.json"
    expect_exit "a wrong password fails the build" 2 env DOSSIER_SIGN_PASSWORD=wrong \
        "$DOSSIER" build "$PUMP" -o "$TMP/enc-bad" --only bundle --sign "$TMP/enc.key" -q
    expect_grep "the wrong password is named" "wrong DOSSIER_SIGN_PASSWORD" "$TMP/out"
    expect_exit "an encrypted key without a password fails the build" 2 \
        "$DOSSIER" build "$PUMP" -o "$TMP/enc-bad" --only bundle --sign "$TMP/enc.key" -q
    expect_grep "the missing password is named" "set DOSSIER_SIGN_PASSWORD" "$TMP/out"
else
    skip signature "minisign not installed (make test-deps)"
fi

# one byte changed: in the unzipped folder, then inside a rewritten ZIP
cp -R "$TMP/unz" "$TMP/tampered"
printf 'X' | dd of="$TMP/tampered/01b-risk-assessment.html" bs=1 seek=100 conv=notrunc 2>/dev/null
expect_exit "verify: one byte changed in a folder fails" 1 "$DOSSIER" verify "$TMP/tampered"
expect_grep "verify names the changed file" "changed: 01b-risk-assessment.html" "$TMP/out"
python3 - "$TMP/a/$ZIPNAME" "$TMP/t.zip" <<'EOF'
import sys, zipfile
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED)
for info in src.infolist():
    data = src.read(info)
    if info.filename == "records/threats/THR-002.md":
        data = data[:10] + bytes([data[10] ^ 1]) + data[11:]
    dst.writestr(info, data)
dst.close()
EOF
expect_exit "verify: one byte changed in a ZIP fails" 1 "$DOSSIER" verify "$TMP/t.zip"
expect_grep "verify names the changed record" "changed: records/threats/THR-002.md" "$TMP/out"
rm "$TMP/tampered/01b-risk-assessment.html"
echo extra >"$TMP/tampered/extra.html"
expect_exit "verify: missing and extra files fail" 1 "$DOSSIER" verify "$TMP/tampered"
expect_grep "missing file named" "missing: 01b-risk-assessment.html" "$TMP/out"
expect_grep "extra file named" "not in the manifest: extra.html" "$TMP/out"
expect_exit "verify: not a bundle" 2 "$DOSSIER" verify "$TMP/nothing.zip"
expect_exit "verify needs a bundle" 2 "$DOSSIER" verify
expect_exit "--sign with a missing key fails the build" 2 \
    "$DOSSIER" build "$PUMP" -o "$TMP/nokey" --only bundle --sign "$TMP/no.key" -q
check "a failed signing writes nothing" test ! -e "$TMP/nokey"

# checklist states on fixtures
state() { # state CHECKLIST REF-PREFIX: the state of the first item whose ref starts so
    python3 -c "import json,sys
for i in json.load(open(sys.argv[1]))['items']:
    if i['ref'].startswith(sys.argv[2]): print(i['state']); break" "$1" "$2"
}
expect_state() { # NAME DIR REF WANT
    got=$(state "$2/premarket/checklist.json" "$3")
    if [ "$got" = "$4" ]; then ok "$1"; else fail "$1" "got '$got', want '$4' for $3"; fi
}
copy_example minimal min
rm -rf "$TMP/min/sbom"
"$DOSSIER" build "$TMP/min" -o "$TMP/min-out" --only bundle -q 2>/dev/null
expect_state "checklist: no anomalies is not applicable" "$TMP/min-out" "eSTAR 73" not-applicable
expect_state "checklist: no uncontrolled risk is not applicable" "$TMP/min-out" "524B(b)(2)(B)" not-applicable
expect_state "checklist: no SBOM is unknown" "$TMP/min-out" "524B(b)(3)" unknown
expect_grep "no SBOM said honestly" "No SBOM loaded" "$TMP/min-out/premarket/01c-sbom.html"
expect_state "checklist: controls in every category pass" "$TMP/min-out" "eSTAR 75" pass
expect_state "checklist: the plan is manual" "$TMP/min-out" "eSTAR 78" manual
expect_state "checklist: the pump's SBOM passes" "$TMP/a" "524B(b)(3)" pass

copy_example minimal ontime
cp -R "$ROOT/tests/fixtures/bundle/on-time/." "$TMP/ontime/"
expect_exit "day 30 and day 60: no finding" 0 "$DOSSIER" check "$TMP/ontime" -q
"$DOSSIER" build "$TMP/ontime" -o "$TMP/ontime-out" --only bundle -q 2>/dev/null
expect_state "checklist: on time passes" "$TMP/ontime-out" "524B(b)(2)(B)" pass

copy_example minimal late
cp -R "$ROOT/tests/fixtures/bundle/late/." "$TMP/late/"
"$DOSSIER" check "$TMP/late" --format json >"$TMP/late.json" 2>/dev/null
expect_grep "day 31: uncontrolled-communicated" '"uncontrolled-communicated"' "$TMP/late.json"
expect_grep "day 61: uncontrolled-fixed" '"uncontrolled-fixed"' "$TMP/late.json"
expect_grep "day 31 named" "31 days after discovery" "$TMP/late.json"
"$DOSSIER" build "$TMP/late" -o "$TMP/late-out" --only bundle --fail-on none -q 2>/dev/null
expect_state "checklist: late fails" "$TMP/late-out" "524B(b)(2)(B)" fail
expect_grep "checklist names the late record" '"VUL-031"' "$TMP/late-out/premarket/checklist.json"

# names that would leave the output folder
copy_example minimal evil
sed -i 's|<name>Example Connected Thermometer</name>|<name>../../evil/x</name>|; s|<version>1.0.0</version>|<version>/etc/passwd</version>|' "$TMP/evil/dossier.xml"
"$DOSSIER" build "$TMP/evil" -o "$TMP/evil-out" --only bundle -q 2>/dev/null
stray=$(find "$TMP" "$ROOT/tests/tmp" -maxdepth 2 -name '*passwd*' ! -path "$TMP/evil-out/*" | head -1)
if [ -f "$TMP/evil-out/evil-x-etc-passwd-premarket.zip" ] && [ -z "$stray" ]; then ok "product name cannot leave the output folder"
else fail "product name cannot leave the output folder" "$(ls "$TMP/evil-out")" "$stray"; fi

# the SBOM as one CycloneDX document: the official schema, then read back by dossier itself
SBOM="$TMP/a/premarket/sbom.cdx.json"
if [ -f "$SHARED/reference/validators/cdx_json_validate.py" ] && [ -d "$SHARED/schemas-official/cyclonedx" ]; then
    CDX_SCHEMA_DIR="$SHARED/schemas-official/cyclonedx" python3 "$SHARED/reference/validators/cdx_json_validate.py" "$SBOM" >"$TMP/out" 2>&1
    expect_grep "sbom.cdx.json valid against the official CycloneDX 1.6 schema" "1.6 $SBOM OK" "$TMP/out"
else
    skip "sbom.cdx.json schema" "the official CycloneDX schemas are not in ../shared"
fi
copy_example minimal rt
rm -rf "$TMP/rt/sbom" && mkdir -p "$TMP/rt/sbom" && cp "$SBOM" "$TMP/rt/sbom/device.cdx.json"
"$DOSSIER" build "$TMP/rt" -o "$TMP/rt-out" --only bundle --fail-on none -q 2>/dev/null
if python3 - "$SBOM" "$TMP/rt-out/premarket/sbom.cdx.json" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: sorted((c["name"], c.get("version"), tuple(sorted((p["name"], p["value"]) for p in c.get("properties", []) if p["name"].startswith("cdx:fda")))) for c in d["components"])
assert len(a["components"]) > 10 and key(a) == key(b), (len(a["components"]), len(b.get("components", [])))
EOF
then ok "sbom.cdx.json read back: same components and support data"; else fail "sbom.cdx.json read back: same components and support data"; fi

# more failing items: a missing architecture view, a failed test, an asset no threat names
copy_example minimal gaps
rm "$TMP/gaps/views/VIEW-002.md"
sed -i 's/    result: pass/    result: fail/' "$TMP/gaps/tests/TST-001.md"
printf -- '---\nid: AST-099\ntitle: A service port nobody modelled\nkind: interface\n---\nUSB service port.\n' >"$TMP/gaps/assets/AST-099.md"
"$DOSSIER" build "$TMP/gaps" -o "$TMP/gaps-out" --only bundle --fail-on none -q 2>/dev/null
mkdir -p "$TMP/bare" && cp "$ROOT/examples/minimal/dossier.xml" "$TMP/bare/"
"$DOSSIER" build "$TMP/bare" -o "$TMP/bare-out" --only bundle --fail-on none -q 2>/dev/null
expect_state "checklist: no threats, the risk assessment fails" "$TMP/bare-out" "eSTAR 67" fail
expect_state "checklist: a missing view fails" "$TMP/gaps-out" "eSTAR 66" fail
expect_state "checklist: a failed test fails" "$TMP/gaps-out" "eSTAR 77" fail
expect_state "checklist: an asset without a threat fails" "$TMP/gaps-out" "eSTAR 64" fail
expect_grep "checklist names the unmodelled asset" '"AST-099"' "$TMP/gaps-out/premarket/checklist.json"
expect_state "checklist: what still holds passes" "$TMP/gaps-out" "eSTAR 75" pass
if ! grep -q '"state": "pass", "detail": ""' "$TMP/gaps-out/premarket/checklist.json" "$TMP/a/premarket/checklist.json" &&
   python3 -c "import json,sys
for f in sys.argv[1:]:
    for i in json.load(open(f))['items']:
        assert i['detail'], i
        assert i['state'] in ('pass','fail','not-applicable','unknown','manual'), i
        assert i['state'] != 'pass' or i['records'] or i['ref'] == '524B(c)', i" "$TMP/gaps-out/premarket/checklist.json" "$TMP/a/premarket/checklist.json" "$TMP/bare-out/premarket/checklist.json" 2>"$TMP/out"; then
    ok "no silent pass: every item has a state, a reason, and a pass names its records"
else fail "no silent pass: every item has a state, a reason, and a pass names its records" "$(tail -2 "$TMP/out")"; fi

# verify on the build's output folder: premarket/ and the manifest beside it
expect_exit "verify the output folder" 0 "$DOSSIER" verify "$TMP/a"
cp -R "$TMP/a" "$TMP/a2" && printf ' ' >>"$TMP/a2/manifest.json"
expect_exit "verify: a changed manifest beside the bundle fails" 1 "$DOSSIER" verify "$TMP/a2"
expect_grep "the manifest beside is named" "changed: $TMP/a2/manifest.json" "$TMP/out"
expect_grep "findings are in the bundle" "<code>component-support-unknown</code>" "$TMP/a/premarket/findings.html"
expect_grep "late findings in the bundle name the record" 'href="records/vulnerabilities/VUL-031.md"' "$TMP/late-out/premarket/findings.html"

# the ZIP stands alone: every relative link of its pages resolves inside it
missing=0
for f in $(cd "$TMP/unz" && find . -name '*.html' ! -path './records/*'); do
    dir=$(dirname "$f")
    for href in $(grep -o 'href="[^"#]*' "$TMP/unz/$f" | sed 's/^href="//' | sort -u); do
        case "$href" in "" | *:*) continue ;; esac
        [ -e "$TMP/unz/$dir/$href" ] || { missing=$((missing + 1)); echo "$f -> $href" >>"$TMP/missing"; }
    done
done
if [ "$missing" -eq 0 ]; then ok "every link inside the unzipped bundle resolves"
else fail "every link inside the unzipped bundle resolves" "$missing broken" "$(head -3 "$TMP/missing")"; fi

# components but no vulnerability recorded: a manual item (the scan that found none), never a pass
copy_example minimal novuln
rm -rf "$TMP/novuln/sbom" && mkdir -p "$TMP/novuln/sbom"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('vulnerabilities', None); json.dump(d, open(sys.argv[2], 'w'))" \
    "$SBOM" "$TMP/novuln/sbom/device.cdx.json"
"$DOSSIER" build "$TMP/novuln" -o "$TMP/novuln-out" --only bundle --fail-on none -q 2>/dev/null
expect_state "checklist: components without vulnerabilities ask for the scan" "$TMP/novuln-out" "eSTAR 72" manual

# a manifest whose record hash does not match the record's file
cp -R "$TMP/unz" "$TMP/rec-bad"
python3 - "$TMP/rec-bad/manifest.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["records"]["THR-001"]["sha256"] = "0" * 64
open(sys.argv[1], "w").write(json.dumps(d, indent=2, sort_keys=True) + "\n")
PY
expect_exit "verify: a wrong record hash fails" 1 "$DOSSIER" verify "$TMP/rec-bad"
expect_grep "the record is named" "record THR-001: its hash in the manifest does not match records/threats/THR-001.md" "$TMP/out"
