#!/bin/sh
# build --pdf shows the browser the output folder and nothing else. Files
# outside the dossier, each marked, are named by (1) a dossier template
# override (<iframe> and <img> of file: URLs) and (2) whitepaper.md images
# (an absolute path, a ../../ path); Chromium prints, and neither the
# marker (pdftotext) nor the images (pdfimages -list, told apart by their
# sizes) reach any PDF, while a data: image still prints and three builds
# give the same bytes with no trace of the server's address. (3) A stand-in
# engine (tests/fixtures/pdf/probe-chromium.py) asks the server build --pdf
# runs for paths that leave the folder: each refused, nothing of the file.
. "$(dirname "$0")/../lib.sh"

EX="$ROOT/examples/infusion-pump"
FIX="$ROOT/tests/fixtures/pdf"
MARK="CONFINE-MARKER-5e0c1d"

if ! command -v python3 >/dev/null 2>&1; then
    skip "build --pdf shows the browser only the output folder" "python3 is missing"
    exit 0
fi
# outside every dossier and output folder: a marked text, and PNGs whose
# sizes nothing else has
printf 'secret line: %s\n' "$MARK" >"$TMP/secret.txt"
python3 "$FIX/png.py" 37 23 "$TMP/secret.png"
python3 "$FIX/png.py" 41 29 "$TMP/absolute.png"
python3 "$FIX/png.py" 43 31 "$TMP/up.png"
INSIDE=$(python3 "$FIX/png.py" 47 19 -)

# (3) The server itself, through a build: paths out of the folder refused.
rm -f "$TMP/probe.log"
PROBE_LOG="$TMP/probe.log" PROBE_MARKER="$MARK" DOSSIER_CHROMIUM="$FIX/probe-chromium.py" expect_exit \
    "probing engine: build --pdf --only whitepaper" 0 "$DOSSIER" build "$EX" -o "$TMP/probe" --pdf --only whitepaper -q
touch "$TMP/probe.log"
while read -r want request; do
    if grep -qxF "$request $want" "$TMP/probe.log"; then
        ok "server: $request: $want"
    else
        fail "server: $request: $want" "$(grep -F "$request " "$TMP/probe.log" | head -1)" "$(head -1 "$TMP/probe.log")"
    fi
done <<EOF
200 GET /TOKEN/public/whitepaper.html
400 GET /TOKEN/../secret.txt
400 GET /TOKEN/public/../../secret.txt
400 GET /TOKEN/%2e%2e/secret.txt
400 GET /TOKEN/public%2F..%2F..%2Fsecret.txt
400 GET /TOKEN/..%5Csecret.txt
404 GET /../secret.txt
404 GET /secret.txt
400 GET /TOKEN/
200 HEAD /TOKEN/public/whitepaper.html
405 POST /TOKEN/public/whitepaper.html
405 PUT /TOKEN/public/new.html
EOF
check "server: nothing of the file outside in any answer" sh -c "grep -q ' 200\$' '$TMP/probe.log' && ! grep -q LEAK '$TMP/probe.log'"

engine=${DOSSIER_CHROMIUM:-}
if [ -z "$engine" ]; then
    for e in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$e" >/dev/null 2>&1 && { engine=$(command -v "$e"); break; }
    done
fi
if [ -z "$engine" ] || ! "$engine" --version >/dev/null 2>&1; then
    skip "build --pdf with Chromium sees only the output folder" "no Chromium that runs (install chromium, or name it in DOSSIER_CHROMIUM)"
    exit 0
fi
for tool in pdftotext pdfimages; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skip "build --pdf with Chromium sees only the output folder" "$tool is missing (Debian: poppler-utils)"
        exit 0
    fi
done

# images_sized PDF WxH: how many images of that size the PDF holds
images_sized() { pdfimages -list "$1" 2>/dev/null | awk -v w="${2%x*}" -v h="${2#*x}" 'NR > 2 && $4 == w && $5 == h' | wc -l; }

# no_leak NAME FOLDER: no PDF below FOLDER holds the marker or an image
# from outside; and there are PDFs
no_leak() {
    pdfs=$(find "$2" -name '*.pdf' | sort)
    if [ -z "$pdfs" ]; then fail "$1: PDFs printed" "none in $2"; return; fi
    text="" images=""
    for f in $pdfs; do
        pdftotext "$f" - 2>/dev/null | grep -q "$MARK" && text="$text ${f#"$2"/}"
        for size in 37x23 41x29 43x31; do
            [ "$(images_sized "$f" $size)" -eq 0 ] || images="$images ${f#"$2"/}:$size"
        done
    done
    if [ -z "$text" ]; then ok "$1: the marked file's text in no PDF"; else fail "$1: the marked file's text in no PDF" "in:$text"; fi
    if [ -z "$images" ]; then ok "$1: no image from outside in any PDF"; else fail "$1: no image from outside in any PDF" "found:$images"; fi
}

# (1) A template override that asks for files by file: URLs.
copy_example infusion-pump hostile
mkdir -p "$TMP/hostile/templates/whitepaper" "$TMP/hostile/templates/advisories"
inject="<iframe src=\"file://$TMP/secret.txt\" width=\"600\" height=\"80\"></iframe><img src=\"file://$TMP/secret.png\" alt=\"\"><img src=\"$INSIDE\" alt=\"\">"
for t in whitepaper/layout.html advisories/layout.html; do
    awk -v add="$inject" '{ print } /^<body/ { print add }' "$ROOT/lua-templates/$t" >"$TMP/hostile/templates/$t"
done
expect_exit "template override: build --pdf --only whitepaper,advisories" 0 \
    "$DOSSIER" build "$TMP/hostile" -o "$TMP/hostile-out" --pdf --only whitepaper,advisories -q
for f in public/whitepaper public/advisories/ADV-2024-001; do
    expect_grep "template override: $f.html asks for file://…/secret.txt" "<iframe src=\"file://$TMP/secret.txt\"" "$TMP/hostile-out/$f.html"
    expect_grep "template override: $f.html asks for file://…/secret.png" "<img src=\"file://$TMP/secret.png\"" "$TMP/hostile-out/$f.html"
done
no_leak "template override" "$TMP/hostile-out"
n=$(images_sized "$TMP/hostile-out/public/whitepaper.pdf" 47x19)
if [ "$n" -ge 1 ]; then ok "template override: a data: image still prints"; else fail "template override: a data: image still prints" "no 47x19 image in public/whitepaper.pdf"; fi

# The same bytes three times, and the server's address in none of them.
for b in 2 3; do
    "$DOSSIER" build "$TMP/hostile" -o "$TMP/hostile-out$b" --pdf --only whitepaper,advisories -q >"$TMP/out" 2>&1
done
differ="" n=0
for f in $(cd "$TMP/hostile-out" && find . -name '*.pdf' | sort); do
    n=$((n + 1))
    cmp -s "$TMP/hostile-out/$f" "$TMP/hostile-out2/$f" && cmp -s "$TMP/hostile-out/$f" "$TMP/hostile-out3/$f" || differ="$differ $f"
done
if [ "$n" -eq 3 ] && [ -z "$differ" ]; then ok "three builds give the same PDF bytes ($n documents)"; else fail "three builds give the same PDF bytes" "$n documents; differ:$differ"; fi
check "no address of the server in a PDF" sh -c "! grep -rl '127\.0\.0\.1' '$TMP/hostile-out' --include='*.pdf'"

# (2) whitepaper.md images outside the dossier: an absolute path, a ../../ path.
copy_example infusion-pump images
printf '\n![absolute](%s)\n\n![up](../../up.png)\n\n![inside](%s)\n' "$TMP/absolute.png" "$INSIDE" >>"$TMP/images/whitepaper.md"
expect_exit "whitepaper images: build --pdf --only whitepaper" 0 \
    "$DOSSIER" build "$TMP/images" -o "$TMP/images-out" --pdf --only whitepaper -q
expect_grep "whitepaper images: the page asks for the absolute path" "src=\"$TMP/absolute.png\"" "$TMP/images-out/public/whitepaper.html"
expect_grep "whitepaper images: the page asks for ../../up.png" 'src="../../up.png"' "$TMP/images-out/public/whitepaper.html"
no_leak "whitepaper images" "$TMP/images-out"
n=$(images_sized "$TMP/images-out/public/whitepaper.pdf" 47x19)
if [ "$n" -ge 1 ]; then ok "whitepaper images: a data: image still prints"; else fail "whitepaper images: a data: image still prints" "no 47x19 image"; fi
