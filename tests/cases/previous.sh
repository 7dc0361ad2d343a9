#!/bin/sh
# tests/cases/previous.sh: build --previous OLD, the changes since the last
# submission (modified devices, guidance section VII): the infusion pump
# built against the premarket ZIP of an older copy (a threat's severity
# changed, a vulnerability not yet known, an anomaly since removed, an older
# FreeRTOS, a test that failed then); the change document names each, the
# manifest hashes it, the checklist has item VII; without --previous there
# is none; a hostile OLD is refused with exit 2 and nothing written; two
# builds are byte-identical.
. "$(dirname "$0")/../lib.sh"
NEW="$ROOT/examples/infusion-pump"
copy_example infusion-pump old
python3 - "$TMP/old" <<'PY'
import re, sys, pathlib
d = pathlib.Path(sys.argv[1])
def edit(rel, f):
    p = d / rel
    p.write_text(f(p.read_text()))
edit("threats/THR-001.md", lambda s: re.sub(r"^severity: \w+$", "severity: negligible", s, count=1, flags=re.M))
edit("sbom/pump-firmware.cdx.json", lambda s: s.replace('"version": "10.5.1"', '"version": "10.4.6"')
     .replace("freertos-kernel@10.5.1", "freertos-kernel@10.4.6"))
edit("tests/TST-024.md", lambda s: s.replace("results:\n", "results:\n  - date: 2025-10-05\n    result: fail\n    release: 3.2.0\n", 1))
(d / "vulnerabilities/VUL-002.md").unlink()
(d / "anomalies/ANO-099.md").write_text("---\nid: ANO-099\ntitle: An anomaly resolved since\ncwe: CWE-20\n"
    "security_impact: low\nrationale: Input length not checked.\n---\nFixed before this release.\n")
PY
"$DOSSIER" build -q "$TMP/old" -o "$TMP/old-out" --only bundle --fail-on none >/dev/null 2>&1
OLDZIP=$(ls "$TMP"/old-out/*-premarket.zip 2>/dev/null | head -1)
check "the old submission's bundle ZIP was built" test -f "$OLDZIP"

expect_exit "build --previous a bundle ZIP" 0 "$DOSSIER" build -q "$NEW" --previous "$OLDZIP" -o "$TMP/a" --only bundle
DOC="$TMP/a/premarket/09-modified-device-changes.html"
check "the change document is in the bundle" test -f "$DOC"
python3 - "$DOC" >"$TMP/doc.txt" <<'PY'
import html, re, sys
s = open(sys.argv[1]).read()
s = re.sub(r"<[^>]+>", " ", s)
print(re.sub(r"[ \t]+", " ", html.unescape(s)))
PY
expect_grep "it names the last submission's file" "The last submission is $(basename "$OLDZIP")" "$TMP/doc.txt"
expect_grep "it names the changed field" "THR-001 Spoofed gateway sends infusion programs to pumps over Wi-Fi severity negligible" "$TMP/doc.txt"
expect_grep "it names the record added" "VUL-002 Cross-site request forgery" "$TMP/doc.txt"
expect_grep "it names the record removed" "ANO-099 An anomaly resolved since (anomaly)" "$TMP/doc.txt"
expect_grep "it names the component upgraded" "freertos-kernel 10.4.6 -> 10.5.1" "$TMP/doc.txt"
expect_grep "the test affected" "TST-024 Signed packages and anti-rollback test changed" "$TMP/doc.txt"
expect_grep "the control whose verdict changed" "CTL-031 Signed firmware update packages control verdict changed" "$TMP/doc.txt"
expect_grep "the verdict that changed, before and after" "CTL-031 Signed firmware update packages control failed verified" "$TMP/doc.txt"
if python3 - "$TMP/a/premarket" <<'PY'
import hashlib, json, sys, pathlib
d = pathlib.Path(sys.argv[1])
name = "09-modified-device-changes.html"
m = json.load(open(d / "manifest.json"))
files = m["files"] if isinstance(m, dict) and "files" in m else m
entry = [f for f in files if f.get("path", "").endswith(name)]
assert entry, "not in manifest.json"
assert entry[0]["sha256"] == hashlib.sha256((d / name).read_bytes()).hexdigest(), "wrong hash"
docs = json.load(open(d / "documents.json"))["documents"]
doc = [x for x in docs if x["path"] == name]
assert doc and doc[0]["item"] == "VII" and "THR-001" in doc[0]["records"], doc
items = json.load(open(d / "checklist.json"))
items = items["items"] if isinstance(items, dict) else items
vii = [i for i in items if i["ref"] == "VII"]
assert vii and vii[0]["state"] == "pass" and "VUL-002" in vii[0]["records"], vii
PY
then ok "manifest hashes it, documents.json lists it as item VII, the checklist's item VII passes"
else fail "manifest hashes it, documents.json lists it as item VII, the checklist's item VII passes"; fi
expect_grep "the index links it" 'href="09-modified-device-changes.html"' "$TMP/a/premarket/index.html"
check "verify accepts the bundle" "$DOSSIER" verify "$TMP/a"

# the same from the old dossier folder, and byte for byte again
expect_exit "build --previous a dossier folder" 0 "$DOSSIER" build -q "$NEW" --previous "$TMP/old" -o "$TMP/b" --only bundle
expect_grep "from a folder: the same changes" "freertos-kernel 10.4.6 -&gt; 10.5.1" "$TMP/b/premarket/09-modified-device-changes.html"
"$DOSSIER" build -q "$NEW" --previous "$OLDZIP" -o "$TMP/a2" --only bundle >/dev/null 2>&1
check "two builds with --previous are byte-identical" diff -r "$TMP/a" "$TMP/a2"

# without --previous: no change document, and the index says why
"$DOSSIER" build -q "$NEW" -o "$TMP/c" --only bundle >/dev/null 2>&1
check "without --previous no change document" test ! -e "$TMP/c/premarket/09-modified-device-changes.html"
expect_grep "the index says there is none" "built without <code>--previous</code>" "$TMP/c/premarket/index.html"
if grep -q '"ref": "VII"' "$TMP/c/premarket/checklist.json"; then fail "without --previous no checklist item VII"; else ok "without --previous no checklist item VII"; fi

# a hostile or wrong OLD: exit 2, named, nothing written, no private folder left
mkdir -p "$TMP/t"
printf 'not a zip\n' >"$TMP/garbage.zip"
python3 - "$TMP" <<'PY'
import sys, zipfile
t = sys.argv[1]
z = zipfile.ZipFile(t + "/evil.zip", "w")
z.writestr("records/dossier.xml", "<dossier/>")
z.writestr("../../previous-escaped.txt", "out")
z.close()
z = zipfile.ZipFile(t + "/huge.zip", "w", zipfile.ZIP_DEFLATED)
z.writestr("records/dossier.xml", b"\0" * (300 << 20))
z.close()
PY
mkdir -p "$TMP/empty"
for bad in garbage.zip evil.zip huge.zip empty; do
    TMPDIR="$TMP/t" expect_exit "--previous $bad is refused with exit 2" 2 "$DOSSIER" build -q "$NEW" --previous "$TMP/$bad" -o "$TMP/out-$bad"
    expect_grep "--previous $bad: the error names it" "--previous $TMP/$bad could not be read" "$TMP/out"
    check "--previous $bad: nothing written" test ! -e "$TMP/out-$bad"
done
check "no private folder left behind" test -z "$(ls -A "$TMP/t")"
check "nothing written outside by the ../ entry" test ! -e "$TMP/previous-escaped.txt"
expect_exit "--previous of a path that does not exist is a usage error" 2 "$DOSSIER" build -q "$NEW" --previous "$TMP/nowhere" -o "$TMP/out-nowhere"
expect_exit "--previous applies to build only" 2 "$DOSSIER" check "$NEW" --previous "$OLDZIP"
