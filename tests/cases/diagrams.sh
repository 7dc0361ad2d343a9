#!/bin/sh
# Diagrams are untrusted SVG: each way an SVG could run script or load from
# elsewhere is planted in the minimal example's diagram and refused as
# diagram-unsafe (a DOCTYPE as xml-syntax), located on its line; the clean
# diagrams are embedded in the bundle's architecture document as images.
. "$(dirname "$0")/../lib.sh"

svg() { # NAME BODY: the minimal example with its global-system diagram replaced
    copy_example minimal "$1"
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">\n%s\n</svg>\n' "$2" \
        >"$TMP/$1/diagrams/global-system.svg"
}
plant() { # NAME BODY WANT: check refuses it with WANT in the finding
    svg "$1" "$2"
    expect_exit "$1: refused" 1 "$DOSSIER" check "$TMP/$1"
    expect_grep "$1: named on its line" "diagrams/global-system.svg:3: error: [$4] $3" "$TMP/out"
}
plant script '<script>alert(1)</script>' "<script> in a diagram" diagram-unsafe
plant foreign '<foreignObject width="5" height="5"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>' "<foreignObject> in a diagram" diagram-unsafe
plant onload '<rect width="5" height="5" onload="alert(1)"/>' "the event attribute onload on <rect>" diagram-unsafe
plant xlink '<image xlink:href="https://tracker.example/x.png" width="5" height="5"/>' '<image href="https://tracker.example/x.png"> refers outside' diagram-unsafe
plant href '<a href="javascript:alert(1)"><rect width="5" height="5"/></a>' '<a href="javascript:alert(1)"> refers outside' diagram-unsafe
plant styleurl '<rect width="5" height="5" style="fill: url(https://tracker.example/p)"/>' "a style on <rect> loads from outside" diagram-unsafe
plant styletag '<style>@import url(https://tracker.example/s.css);</style>' "a <style> loads from outside" diagram-unsafe
copy_example minimal doctype
printf '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>\n' >"$TMP/doctype/diagrams/global-system.svg"
expect_exit "doctype: refused" 1 "$DOSSIER" check "$TMP/doctype"
expect_grep "doctype: no DTD, no entity" "diagrams/global-system.svg:1: error: [xml-syntax] a DOCTYPE is not allowed" "$TMP/out"
copy_example minimal notsvg
printf '<?xml version="1.0"?>\n<html><body>x</body></html>\n' >"$TMP/notsvg/diagrams/global-system.svg"
expect_exit "notsvg: refused" 1 "$DOSSIER" check "$TMP/notsvg"
expect_grep "notsvg: named" "error: [diagram-unsafe] not an SVG image" "$TMP/out"
svg fine '<defs><linearGradient id="g"/></defs><rect width="5" height="5" style="fill: url(#g)"/><use href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'
expect_exit "a clean diagram (fragments, an embedded image) passes" 0 "$DOSSIER" check "$TMP/fine"
expect_exit "build" 0 "$DOSSIER" build "$TMP/fine" -o "$TMP/fine-out" -q
expect_grep "the architecture document embeds the diagram" '<img src="records/diagrams/global-system.svg" alt="VIEW-001' "$TMP/fine-out/premarket/03-architecture-views.html"
check "the embedded file travels in the bundle" test -f "$TMP/fine-out/premarket/records/diagrams/global-system.svg"
expect_grep "and is hashed in the manifest" '"path": "records/diagrams/global-system.svg"' "$TMP/fine-out/premarket/manifest.json"
