#!/bin/sh
# dossier serve, the preview loop, over HTTP (python3's urllib): it builds
# and serves the output on 127.0.0.1 only, adds the live script to every
# page, rebuilds after an edit (the state's generation grows, the page
# changes), shows the findings, keeps the last good output when a build
# fails and recovers when the dossier is fixed, refuses paths outside the
# output folder and foreign Host headers, and stops cleanly on SIGINT and
# SIGHUP. The browser side (reload, banner) is tests/browser/serve_check.mjs.
. "$(dirname "$0")/../lib.sh"

copy_example minimal live
D="$TMP/live"
OUT="$TMP/live-out"

# get URL [HOST]: the body to $TMP/body, the status to stdout
get() {
    python3 - "$1" "${2:-}" "$TMP/body" <<'PY'
import sys, urllib.request, urllib.error
url, host, out = sys.argv[1], sys.argv[2], sys.argv[3]
req = urllib.request.Request(url)
if host:
    req.add_header("Host", host)
try:
    with urllib.request.urlopen(req, timeout=20) as r:
        body, status = r.read(), r.status
except urllib.error.HTTPError as e:
    body, status = e.read(), e.code
open(out, "wb").write(body)
print(status)
PY
}

# wait_state FIELD VALUE: until the state's FIELD is VALUE (python literal), at most 60 s
wait_state() {
    python3 - "$BASE/__dossier/state" "$1" "$2" <<'PY'
import json, sys, time, urllib.request
url, field, want = sys.argv[1], sys.argv[2], sys.argv[3]
for _ in range(600):
    try:
        s = json.load(urllib.request.urlopen(url, timeout=10))
        if repr(s.get(field)) == want or str(s.get(field)) == want:
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

"$DOSSIER" serve "$D" -o "$OUT" --port 0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
pid=$!
i=0
while [ $i -lt 600 ] && ! grep -q '^dossier serve: http://' "$TMP/serve.out"; do sleep 0.1; i=$((i + 1)); done
BASE=$(sed -n 's|^dossier serve: \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$TMP/serve.out")
if [ -z "$BASE" ]; then
    fail "serve starts and prints its address" "$(cat "$TMP/serve.out" "$TMP/serve.err")"
    kill "$pid" 2>/dev/null
    exit 0
fi
ok "serve starts and prints its address"
port=${BASE##*:}

# listening on the loopback address only
if python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
addrs = set()
for line in open("/proc/net/tcp").read().splitlines()[1:]:
    f = line.split()
    local, state = f[1], f[3]
    ip, p = local.split(":")
    if int(p, 16) == port and state == "0A":
        addrs.add(ip)
sys.exit(0 if addrs == {"0100007F"} else 1)
PY
then ok "serve listens on 127.0.0.1 alone"; else fail "serve listens on 127.0.0.1 alone" "$(grep -i ":$(printf '%04X' "$port") " /proc/net/tcp)"; fi

s=$(get "$BASE/")
if [ "$s" = 200 ] && grep -q '<script src="/__dossier/live.js" defer></script>' "$TMP/body"; then ok "the index is served with the live script"; else fail "the index is served with the live script" "status $s"; fi
s=$(get "$BASE/__dossier/live.js")
if [ "$s" = 200 ] && grep -q 'location.reload' "$TMP/body"; then ok "live.js is served"; else fail "live.js is served" "status $s"; fi
s=$(get "$BASE/style.css")
if [ "$s" = 200 ] && ! grep -q '__dossier' "$TMP/body"; then ok "other files are served as they are"; else fail "other files are served as they are" "status $s"; fi
check "the first build is generation 1" wait_state generation 1
thr=$(ls "$D/threats" | head -n 1); thr=${thr%.md}
page="threats/$thr.html"

# an edit: built again, the page changes
sed -i '0,/^title: /s//title: Edited in the preview /' "$D/threats/$thr.md"
check "an edit is built again" wait_state generation 2
get "$BASE/$page" >/dev/null
expect_grep "the page shows the edit" "Edited in the preview" "$TMP/body"

# a broken record: the build goes on (findings do not stop serve), the banner names the error
sed -i '0,/^title: /s//title: Broken: here /' "$D/threats/$thr.md"
check "a broken record is built again" wait_state generation 3
get "$BASE/__dossier/state" >/dev/null
expect_grep "the state carries the error for the banner" "yaml-syntax" "$TMP/body"
check "the findings make the banner an error" wait_state errors True

# a failed build: the last good output stays served, and says why
cp "$D/dossier.xml" "$TMP/dossier.xml.good"
sed -i '0,/<name>/s//<nam>/; 0,/<\/name>/s//<\/nam>/' "$D/dossier.xml"
check "a failed build is reported" wait_state ok False
get "$BASE/__dossier/state" >/dev/null
expect_grep "the state says why" "Did you mean <name>?" "$TMP/body"
s=$(get "$BASE/index.html")
if [ "$s" = 200 ]; then ok "the last good output is still served"; else fail "the last good output is still served" "status $s"; fi
cp "$TMP/dossier.xml.good" "$D/dossier.xml"
sed -i '0,/^title: Broken: here /s//title: Fixed /' "$D/threats/$thr.md"
check "a fixed dossier recovers" wait_state ok True
get "$BASE/$page" >/dev/null
expect_grep "the page shows the fix" "Fixed " "$TMP/body"

# a build that fails mid-way (a template of the dossier's own raises an
# error while the outputs are being written): the last good output stays
mkdir -p "$D/templates/site"
printf '{%% error("stopped mid-way on purpose") %%}\n' >"$D/templates/site/record.html"
check "a build failing in its templates is reported" wait_state ok False
get "$BASE/__dossier/state" >/dev/null
expect_grep "the state names the template error" "stopped mid-way on purpose" "$TMP/body"
get "$BASE/$page" >/dev/null
expect_grep "the page of the last good build is still served" "Fixed " "$TMP/body"
rm -r "$D/templates"
check "without the template it recovers" wait_state ok True

# a new folder of records is watched too
mkdir -p "$D/anomalies"
printf -- '---\nid: ANO-777\ntitle: Seen from a new folder\ncwe: CWE-20\nsecurity_impact: low\nrationale: Input length not checked.\n---\nBody.\n' >"$D/anomalies/ANO-777.md"
i=0
while [ $i -lt 200 ] && [ "$(get "$BASE/anomalies/ANO-777.html")" != 200 ]; do sleep 0.1; i=$((i + 1)); done
expect_grep "a record in a new folder is built" "Seen from a new folder" "$TMP/body"

# what is refused
s=$(get "$BASE/../../etc/passwd")
if [ "$s" = 404 ] || [ "$s" = 400 ]; then ok "a path above the output is refused"; else fail "a path above the output is refused" "status $s"; fi
s=$(python3 - "$port" <<'PY'
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
c.sendall(b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:" + sys.argv[1].encode() + b"\r\nConnection: close\r\n\r\n")
print(c.recv(64).split(b" ")[1].decode())
PY
)
if [ "$s" = 400 ] || [ "$s" = 404 ]; then ok "an escaped .. is refused"; else fail "an escaped .. is refused" "status $s"; fi
s=$(get "$BASE/" "evil.example")
if [ "$s" = 400 ]; then ok "a foreign Host header is refused (DNS rebinding)"; else fail "a foreign Host header is refused (DNS rebinding)" "status $s"; fi
ln -s /etc/passwd "$OUT/leak.txt" 2>/dev/null
s=$(get "$BASE/leak.txt")
if [ "$s" != 200 ]; then ok "a link in the output folder is not followed"; else fail "a link in the output folder is not followed" "status $s"; fi
rm -f "$OUT/leak.txt"
check "serve wrote nothing into the dossier" test ! -e "$D/output"

kill -INT "$pid"
i=0
while [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then
    fail "Ctrl-C stops serve" "still running"
    kill -9 "$pid"
else
    wait "$pid"; rc=$?
    if [ $rc = 0 ]; then ok "Ctrl-C stops serve with status 0"; else fail "Ctrl-C stops serve with status 0" "status $rc"; fi
fi
expect_grep "it says it stopped" "dossier serve: stopped" "$TMP/serve.err"

# the terminal closing (SIGHUP) stops it too
"$DOSSIER" serve "$D" -o "$OUT" --port 0 >"$TMP/serve2.out" 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ] && ! grep -q '^dossier serve: http://' "$TMP/serve2.out"; do sleep 0.1; i=$((i + 1)); done
kill -HUP "$pid"
i=0
while [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then fail "SIGHUP stops serve" "still running"; kill -9 "$pid"; else wait "$pid"; ok "SIGHUP stops serve"; fi

# refusals
mkdir -p "$TMP/notours"; echo keep >"$TMP/notours/mine.txt"
expect_exit "serve refuses an output folder it did not write" 2 "$DOSSIER" serve "$D" -o "$TMP/notours" --port 0
check "and leaves it as it was" test -f "$TMP/notours/mine.txt"
expect_exit "serve of a missing folder exits 2" 2 "$DOSSIER" serve "$TMP/nothing-here" --port 0
expect_exit "--port out of range exits 2" 2 "$DOSSIER" serve "$D" --port 70000
