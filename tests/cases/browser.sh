#!/bin/sh
# The site in a real browser: examples/infusion-pump built, served on
# 127.0.0.1 and driven in Debian's chromium by tests/browser/site_check.mjs
# (playwright-core, axe-core; installed by make test-deps): every page loads
# cleanly, every internal link and ID reference resolves, the matrix filters
# and sorts when it offers to, no serious accessibility violation;
# screenshots in tests/tmp/browser/screenshots for review.
. "$(dirname "$0")/../lib.sh"

BROWSER="$ROOT/tests/browser"
engine=${DOSSIER_CHROMIUM:-}
if [ -z "$engine" ]; then
    for e in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$e" >/dev/null 2>&1 && { engine=$(command -v "$e"); break; }
    done
fi
if [ -z "$engine" ] || ! "$engine" --version >/dev/null 2>&1; then
    skip "site in chromium" "no Chromium that runs (install chromium, or name it in DOSSIER_CHROMIUM)"
    exit 0
fi
if ! command -v node >/dev/null 2>&1; then
    skip "site in chromium" "node is missing (Debian: nodejs)"
    exit 0
fi
if [ ! -d "$BROWSER/node_modules/playwright-core" ] || [ ! -d "$BROWSER/node_modules/axe-core" ]; then
    skip "site in chromium" "playwright-core and axe-core are not installed (make test-deps)"
    exit 0
fi

expect_exit "infusion-pump: build" 0 "$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$TMP/site" -q
DOSSIER_CHROMIUM="$engine" node "$BROWSER/site_check.mjs" "$TMP/site" "$TMP/screenshots" >"$TMP/checks" 2>&1
rc=$?
sed -n 's/^\(ok\|not ok\|skip\) \(.*\)$/\1 browser: \2/p' "$TMP/checks"
if [ $rc -ne 0 ] && ! grep -q '^not ok' "$TMP/checks"; then
    fail "site_check.mjs ran" "exit $rc" "$(tail -5 "$TMP/checks")"
fi

# dossier serve seen from the browser: reload on an edit, the banner's findings and errors
copy_example minimal live
"$DOSSIER" serve "$TMP/live" -o "$TMP/live-out" --port 0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
pid=$!
i=0
while [ $i -lt 600 ] && ! grep -q '^dossier serve: http://' "$TMP/serve.out"; do sleep 0.1; i=$((i + 1)); done
base=$(sed -n 's|^dossier serve: \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$TMP/serve.out")
if [ -z "$base" ]; then
    fail "browser: serve starts" "$(cat "$TMP/serve.out" "$TMP/serve.err")"
else
    DOSSIER_CHROMIUM="$engine" node "$BROWSER/serve_check.mjs" "$TMP/live" "$base" >"$TMP/serve-checks" 2>&1
    rc=$?
    sed -n 's/^\(ok\|not ok\|skip\) \(.*\)$/\1 browser: \2/p' "$TMP/serve-checks"
    if [ $rc -ne 0 ] && ! grep -q '^not ok' "$TMP/serve-checks"; then
        fail "serve_check.mjs ran" "exit $rc" "$(tail -5 "$TMP/serve-checks")"
    fi
fi
kill -INT "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
