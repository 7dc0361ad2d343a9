#!/bin/sh
# build --pdf. Without a browser: a stand-in engine (tests/fixtures/pdf/
# fake-chromium.py) shows the flags Chromium gets, each page fetched from the
# loopback server with its security headers, the dates set to the build
# date, the links made relative, a URL title made the file's name, the
# structure-element IDs renamed, a sound cross-reference table and the same
# bytes three times; a
# missing, failing or hanging engine exits 2 and leaves the previous output.
# With Debian's chromium: every document of the bundle and the customer
# documents printed and checked with poppler-utils (tests/fixtures/pdf/
# pdfcheck.py: headings and record IDs in the text, pages, fonts, running
# header, links), the PDFs in the manifest and the ZIP, the same bytes twice,
# page 1 of each as PNG in tests/tmp/pdf/png for review.
. "$(dirname "$0")/../lib.sh"

EX="$ROOT/examples/infusion-pump"
OUT="$TMP/pump"
FIX="$ROOT/tests/fixtures/pdf"

expect_exit "--pdf applies to build only" 2 "$DOSSIER" check "$EX" --pdf
expect_grep "--pdf on check names build" "--pdf applies to: build" "$TMP/out"

if command -v python3 >/dev/null 2>&1; then
    FAKE_CHROMIUM_LOG="$TMP/fake.log" FAKE_CHROMIUM_HEADERS="$TMP/fake.headers" DOSSIER_CHROMIUM="$FIX/fake-chromium.py" expect_exit \
        "stand-in engine: build --pdf --only mds2,bundle" 0 "$DOSSIER" build "$EX" -o "$TMP/fake" --pdf --only mds2,bundle -q
    for flag in --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --no-pdf-header-footer --proxy-server=127.0.0.1:1 \
        --user-data-dir= --print-to-pdf= http://127.0.0.1:; do
        expect_grep "stand-in engine: Chromium gets $flag" " $flag" "$TMP/fake.log"
    done
    n=$(grep -c -- ' --host-resolver-rules=MAP \(127\.0\.0\.1:[0-9]*\) \1, MAP \* ~NOTFOUND .* http://\1/' "$TMP/fake.log")
    if [ "$n" -eq 16 ]; then ok "stand-in engine: of all hosts only the server's resolves"; else fail "only the server's host resolves" "$n of 16"; fi
    check "stand-in engine: no file: URL given to Chromium" sh -c "! grep -q 'file:' '$TMP/fake.log'"
    n=$(grep -c '^http://127\.0\.0\.1:[0-9]*/[0-9a-f]\{32\}/[^ ]*\.html 200 ' "$TMP/fake.headers")
    if [ "$n" -eq 16 ]; then ok "stand-in engine: each page fetched from the loopback server under a random prefix: 200"; else fail "each page fetched from the loopback server" "$n of 16" "$(head -3 "$TMP/fake.headers")"; fi
    for h in "Content-Type: text/html; charset=utf-8" "Content-Security-Policy: default-src 'self' data:;" \
        "X-Content-Type-Options: nosniff"; do
        n=$(grep -cF "  $h" "$TMP/fake.headers")
        if [ "$n" -eq 16 ]; then ok "stand-in engine: every page sent with $h"; else fail "every page sent with $h" "$n of 16"; fi
    done
    n=$(wc -l <"$TMP/fake.log")
    if [ "$n" -eq 16 ]; then ok "stand-in engine: one run per document (16: MDS2 and 15 of the bundle)"; else fail "one run per document" "$n runs"; fi
    f="$TMP/fake/mds2/index.pdf"
    expect_grep "stand-in engine: a link into the same folder made relative" "/URI (index.html)" "$f"
    expect_grep "stand-in engine: a link into another folder made relative, fragment kept" \
        "/URI (../threats/THR-001.html#THR-001)" "$f"
    expect_grep "stand-in engine: a web link left as it was" "/URI (https://example.org/a%20b)" "$f"
    expect_grep "stand-in engine: a title that is the page's URL made the file's name" "/Title (index.html)" "$f"
    expect_grep "stand-in engine: /CreationDate is the build date" "/CreationDate (D:20251201000000+00'00')" "$f"
    expect_grep "stand-in engine: /ModDate is the build date" "/ModDate (D:20251201000000+00'00')" "$f"
    check "stand-in engine: no file:// URL left" sh -c "! grep -rl 'file://' '$TMP/fake' --include='*.pdf'"
    check "stand-in engine: no address of the server left" sh -c "! grep -rl '127\.0\.0\.1' '$TMP/fake' --include='*.pdf'"
    if python3 "$FIX/xrefcheck.py" $(find "$TMP/fake" -name '*.pdf') >"$TMP/xref" 2>&1; then
        ok "stand-in engine: every cross-reference entry points at its object after the rewrite"
    else
        fail "stand-in engine: cross-reference table" "$(head -3 "$TMP/xref")"
    fi
    expect_grep "stand-in engine: structure elements renamed by their objects, the ID tree in order" \
        "/Names [(node00000001) 8 0 R (node00000002) 9 0 R (node00000003) 10 0 R]" "$f"
    expect_grep "stand-in engine: the ID tree's limits follow" "/Limits [(node00000001) (node00000003)]" "$f"
    expect_grep "stand-in engine: table headers follow the renamed IDs" "/Headers [(node00000001) (node00000002)]" "$f"
    for b in 2 3; do
        DOSSIER_CHROMIUM="$FIX/fake-chromium.py" "$DOSSIER" build "$EX" -o "$TMP/fake$b" --pdf --only mds2,bundle -q >"$TMP/out" 2>&1
    done
    differ=""
    for g in $(cd "$TMP/fake" && find . -name '*.pdf'); do
        cmp -s "$TMP/fake/$g" "$TMP/fake2/$g" && cmp -s "$TMP/fake/$g" "$TMP/fake3/$g" || differ="$differ $g"
    done
    if [ -z "$differ" ]; then ok "stand-in engine: three builds give the same PDF bytes though the clock, node ids and the server's port differ"; else fail "stand-in engine: three builds give the same PDF bytes" "differ:$differ"; fi
    mkdir -p "$TMP/bin" && ln -sf "$FIX/fake-chromium.py" "$TMP/bin/chromium"
    env -u DOSSIER_CHROMIUM PATH="$TMP/bin:$PATH" "$DOSSIER" build "$EX" -o "$TMP/onpath" --pdf --only mds2 -q >"$TMP/out" 2>&1
    check "stand-in engine: found as chromium on PATH" test -f "$TMP/onpath/mds2/index.pdf"
    cp -R "$TMP/fake" "$OUT"
else
    skip "build --pdf with a stand-in engine" "python3 is missing"
fi

chromium_ok=yes
engine=${DOSSIER_CHROMIUM:-}
if [ -z "$engine" ]; then
    for e in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$e" >/dev/null 2>&1 && { engine=$(command -v "$e"); break; }
    done
fi
if [ -z "$engine" ] || ! "$engine" --version >/dev/null 2>&1; then
    skip "build --pdf with Chromium" "no Chromium that runs (install chromium, or name it in DOSSIER_CHROMIUM)"
    chromium_ok=no
fi
for tool in pdftotext pdfinfo pdffonts pdftoppm python3; do
    [ "$chromium_ok" = yes ] || break
    command -v "$tool" >/dev/null 2>&1 || { skip "build --pdf with Chromium" "$tool is missing (Debian: poppler-utils, python3)"; chromium_ok=no; break; }
done

REAL="$TMP/real"
if [ "$chromium_ok" = yes ]; then
    start=$(date +%s)
    expect_exit "infusion-pump: build --pdf" 0 "$DOSSIER" build "$EX" -o "$REAL" --pdf -v
    secs=$(($(date +%s) - start))
    for f in mds2/index public/whitepaper public/advisories/ADV-2024-001 public/advisories/ADV-2024-002 \
        postmarket/index premarket/01-security-risk-management-report premarket/01a-threat-model \
        premarket/01b-risk-assessment premarket/01c-sbom premarket/01d-vulnerability-assessment \
        premarket/01e-unresolved-anomalies premarket/01f-traceability premarket/02-metrics \
        premarket/03-architecture-views premarket/04-security-controls premarket/06-testing \
        premarket/07-labeling premarket/08-management-plan premarket/checklist premarket/findings; do
        check "$f.pdf beside its HTML" sh -c "head -c 5 '$REAL/$f.pdf' | grep -q '%PDF-'"
    done
    n=$(find "$REAL" -name '*.pdf' | wc -l)
    if [ "$n" -eq 20 ]; then ok "20 PDFs in $secs s, none for the site's pages"; else fail "20 PDFs" "found $n"; fi

    python3 "$ROOT/tests/fixtures/pdf/pdfcheck.py" "$REAL" >"$TMP/checks" 2>&1 || echo "not ok pdfcheck.py: exited $?" >>"$TMP/checks"
    sed -n 's/^\(ok\|not ok\) \(.*\)$/\1 pdf: \2/p' "$TMP/checks"
    grep -q '^ok ' "$TMP/checks" || fail "pdfcheck.py ran" "$(head -5 "$TMP/checks")"

    # The architecture views show their diagrams: the SVG drawn as vectors
    # (its labels are text of the PDF), not the browser's broken-image icon
    # (a small raster image), as when the diagrams were copied into the
    # bundle only after the documents were printed.
    pdftotext "$REAL/premarket/03-architecture-views.pdf" "$TMP/views.txt" 2>/dev/null
    for label in "Norvale cloud (internet)" "Hospital data centre and LAN"; do
        expect_grep "03-architecture-views.pdf draws its diagram: '$label'" "$label" "$TMP/views.txt"
    done
    n=$(pdfimages -list "$REAL/premarket/03-architecture-views.pdf" 2>/dev/null | awk 'NR > 2 && $4 < 32 && $5 < 32' | wc -l)
    if [ "$n" -eq 0 ]; then ok "03-architecture-views.pdf holds no broken-image icon"; else fail "03-architecture-views.pdf holds no broken-image icon" "$n small images"; fi

    expect_grep "the manifest lists the PDFs" '"path": "01a-threat-model.pdf"' "$REAL/manifest.json"
    expect_grep "a PDF's manifest entry names the HTML it was printed from" \
        "printed to PDF by Chromium from 01a-threat-model.html" "$REAL/manifest.json"
    missing=""
    for href in $(grep -o 'href="[^"]*\.pdf"' "$REAL/premarket/index.html" | sed 's/^href="//; s/"$//'); do
        [ -f "$REAL/premarket/$href" ] || missing="$missing $href"
    done
    n=$(grep -o 'href="[^"]*\.pdf"' "$REAL/premarket/index.html" | wc -l)
    if [ "$n" -eq 15 ] && [ -z "$missing" ]; then ok "the bundle's index links the 15 PDFs"; else fail "the bundle's index links the PDFs" "$n links; missing:$missing"; fi
    check "the ZIP holds the PDFs" sh -c "unzip -Z1 '$REAL'/*-premarket.zip | grep -qx 01a-threat-model.pdf"
    expect_exit "verify passes with the PDFs in the bundle" 0 "$DOSSIER" verify "$REAL"
    check "PDF dates are the build date, not the clock" sh -c \
        "pdfinfo '$REAL/premarket/02-metrics.pdf' | grep -q '^CreationDate:.*Dec  1 00:00:00 2025'"

    # The same bytes twice (the bundle's documents).
    expect_exit "build --pdf --only bundle again" 0 "$DOSSIER" build "$EX" -o "$TMP/again" --pdf --only bundle -q
    same=0 differ=""
    for f in "$REAL"/premarket/*.pdf; do
        if cmp -s "$f" "$TMP/again/premarket/$(basename "$f")"; then same=$((same + 1)); else differ="$differ $(basename "$f")"; fi
    done
    if [ -z "$differ" ]; then ok "two builds give the same PDF bytes ($same documents)"; else fail "two builds give the same PDF bytes" "differ:$differ"; fi

    # Page 1 of every PDF as PNG, for review.
    mkdir -p "$TMP/png"
    for f in $(cd "$REAL" && find . -name '*.pdf' | sort); do
        name=$(echo "$f" | sed 's|^\./||; s|/|_|g; s|\.pdf$||')
        pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$REAL/$f" "$TMP/png/$name" 2>/dev/null
    done
    n=$(find "$TMP/png" -name '*.png' -size +2k | wc -l)
    if [ "$n" -eq 20 ]; then ok "page 1 of each PDF rendered to PNG (tests/tmp/pdf/png)"; else fail "page 1 of each PDF as PNG" "$n of 20"; fi
fi

# Outputs with nothing to print do not ask for an engine.
DOSSIER_CHROMIUM=/nonexistent expect_exit "--pdf --only site,csaf needs no engine" 0 "$DOSSIER" build "$EX" -o "$TMP/site-only" --pdf --only site,csaf -q
check "--pdf --only site printed nothing" sh -c "! find '$TMP/site-only' -name '*.pdf' | grep -q ."
# A missing, failing or hanging engine: exit 2, a clear message, the previous output kept.
if [ -f "$OUT/manifest.json" ]; then
    before=$(sha256sum "$OUT/manifest.json")
    DOSSIER_CHROMIUM=/nonexistent expect_exit "DOSSIER_CHROMIUM=/nonexistent exits 2" 2 "$DOSSIER" build "$EX" -o "$OUT" --pdf -q
    expect_grep "the message names DOSSIER_CHROMIUM" "DOSSIER_CHROMIUM names '/nonexistent', which is not an executable" "$TMP/out"
    env -u DOSSIER_CHROMIUM PATH=/nonexistent "$DOSSIER" build "$EX" -o "$OUT" --pdf -q >"$TMP/out" 2>&1
    if [ $? -eq 2 ]; then ok "no Chromium on PATH exits 2"; else fail "no Chromium on PATH exits 2" "$(head -3 "$TMP/out")"; fi
    expect_grep "the message says how to install it" "apt-get install chromium" "$TMP/out"
    DOSSIER_CHROMIUM=/bin/false expect_exit "an engine that fails exits 2" 2 "$DOSSIER" build "$EX" -o "$OUT" --pdf -q
    expect_grep "the message names the document" "cannot print mds2/index.html: /bin/false exited 1" "$TMP/out"
    printf '#!/bin/sh\nsleep 60\n' >"$TMP/hang" && chmod +x "$TMP/hang"
    t0=$(date +%s)
    DOSSIER_PDF_TIMEOUT=1 DOSSIER_CHROMIUM="$TMP/hang" expect_exit "an engine that hangs exits 2 after the time limit" 2 \
        "$DOSSIER" build "$EX" -o "$OUT" --pdf -q --only mds2
    expect_grep "the message gives the time limit" "no PDF after 1 s (DOSSIER_PDF_TIMEOUT)" "$TMP/out"
    if [ $(($(date +%s) - t0)) -lt 20 ]; then ok "the hanging engine was stopped"; else fail "the hanging engine was stopped" "took $(($(date +%s) - t0)) s"; fi
    # one document fails while others print: those are stopped too
    printf '#!/bin/sh\ncase "$*" in *01b-risk*) exit 1 ;; esac\nexec sleep 60\n' >"$TMP/one-fails" && chmod +x "$TMP/one-fails"
    t0=$(date +%s)
    DOSSIER_PDF_JOBS=3 DOSSIER_CHROMIUM="$TMP/one-fails" expect_exit "one document failing among three at a time exits 2" 2 \
        "$DOSSIER" build "$EX" -o "$OUT" --pdf -q --only bundle
    expect_grep "the message names the document that failed" "cannot print premarket/01b-risk-assessment.html" "$TMP/out"
    if [ $(($(date +%s) - t0)) -lt 20 ]; then ok "the documents printing beside it were stopped"; else fail "the documents printing beside it were stopped" "took $(($(date +%s) - t0)) s"; fi
    after=$(sha256sum "$OUT/manifest.json")
    if [ "$before" = "$after" ] && [ -f "$OUT/premarket/01a-threat-model.pdf" ]; then
        ok "the previous output is left as it was"
    else
        fail "the previous output is left as it was" "manifest.json changed or PDFs gone"
fi
left=$(find "$TMP" -maxdepth 1 -name 'pump.tmp-*' | wc -l)
if [ "$left" -eq 0 ]; then ok "no temporary output folder left behind"; else fail "no temporary output folder left behind" "$left left"; fi
fi
