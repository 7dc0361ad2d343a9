#!/bin/sh
# Golden tests: examples/minimal builds to exactly the tree kept in
# tests/golden/minimal, and every example builds to the same bytes twice.
# UPDATE=1 rewrites the golden tree after a deliberate change.
. "$(dirname "$0")/../lib.sh"

for ex in minimal infusion-pump; do
    expect_exit "$ex: check is clean" 0 "$DOSSIER" check "$ROOT/examples/$ex"
    expect_exit "$ex: first build" 0 "$DOSSIER" build "$ROOT/examples/$ex" -o "$TMP/$ex-1"
    expect_exit "$ex: second build" 0 "$DOSSIER" build "$ROOT/examples/$ex" -o "$TMP/$ex-2"
    if diff -r "$TMP/$ex-1" "$TMP/$ex-2" >"$TMP/diff" 2>&1; then
        ok "$ex: two builds give the same bytes"
    else
        fail "$ex: two builds give the same bytes" "$(head -5 "$TMP/diff")"
    fi
done

# Built at tests/env.sh's SOURCE_DATE_EPOCH, whatever the caller's: another
# date may change the dates shown, nothing else may vary. The build's cache
# (.dossier-cache) names the binary that wrote it, so it is not kept. The
# binary files (the bundle's ZIP, the MDS2 workbook) are kept as text a
# reviewer can read: each entry's name, size and CRC-32, and the SHA-256 of
# the whole file, so that a change of any byte still shows.
golden="$ROOT/tests/golden/minimal"
# textualise DIR: each *.zip and *.xlsx in DIR replaced by DIR/<name>.txt
textualise() {
    python3 - "$1" <<'PY'
import hashlib, os, sys, zipfile
root = sys.argv[1]
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith((".zip", ".xlsx")):
            p = os.path.join(d, f)
            data = open(p, "rb").read()
            lines = ["sha256 %s  %s" % (hashlib.sha256(data).hexdigest(), f)]
            with zipfile.ZipFile(p) as z:
                for i in z.infolist():
                    lines.append("%-60s %9d %08x %s" % (i.filename, i.file_size, i.CRC,
                                                        "%04d-%02d-%02d" % i.date_time[:3]))
            open(p + ".txt", "w").write("\n".join(lines) + "\n")
            os.remove(p)
PY
}
cp -R "$TMP/minimal-1" "$TMP/minimal-text" && rm -f "$TMP/minimal-text/.dossier-cache" &&
    textualise "$TMP/minimal-text"
if [ "${UPDATE:-}" = 1 ]; then
    rm -rf "$golden" && mkdir -p "$(dirname "$golden")" && cp -R "$TMP/minimal-text" "$golden"
    skip "minimal: matches the golden tree" "UPDATE=1 rewrote tests/golden/minimal"
elif [ ! -d "$golden" ]; then
    fail "minimal: matches the golden tree" "tests/golden/minimal is missing: run UPDATE=1 sh tests/cases/golden.sh"
elif diff -r "$golden" "$TMP/minimal-text" >"$TMP/diff" 2>&1; then
    ok "minimal: matches the golden tree"
else
    fail "minimal: matches the golden tree" "$(head -20 "$TMP/diff")"
fi
check "minimal: the golden tree holds no binary file" \
    test -z "$(find "$golden" -name '*.zip' -o -name '*.xlsx' | head -1)"

# Every file the site links to exists (relative links only).
missing=0
for f in $(cd "$TMP/infusion-pump-1" && find . -name '*.html'); do
    dir=$(dirname "$f")
    for href in $(grep -o 'href="[^"#]*' "$TMP/infusion-pump-1/$f" | sed 's/^href="//' | sort -u); do
        case "$href" in "" | *:*) continue ;; esac
        [ -e "$TMP/infusion-pump-1/$dir/$href" ] || { missing=$((missing + 1)); echo "# $f -> $href" >>"$TMP/missing"; }
    done
done
if [ "$missing" -eq 0 ]; then ok "infusion-pump: every relative link resolves"; else fail "infusion-pump: every relative link resolves" "$missing broken" "$(head -5 "$TMP/missing")"; fi
