#!/bin/sh
# Hostile bundles given to `dossier verify` and `dossier diff`: folders with
# hidden files, links and FIFOs; output folders whose ZIP or signature was
# replaced; ZIP entries the build never writes; ZIP bombs; out of memory
# and a signal in the middle of diff; escape sequences in what is printed.
# Every run is under `timeout` and `ulimit -v` (not under AddressSanitizer,
# which reserves terabytes of address space up front): bounded is the point.
. "$(dirname "$0")/../lib.sh"

LIMIT=2097152
ASAN=0
if ldd "$DOSSIER" 2>/dev/null | grep -q libasan; then LIMIT=unlimited; ASAN=1; fi
# run NAME WANT CMD...: like expect_exit, inside 60 s and 2 GiB of address space.
run() {
    n=$1; want=$2; shift 2
    (ulimit -v $LIMIT; exec timeout 60 "$@") >"$TMP/out" 2>&1; got=$?
    if [ "$got" -eq "$want" ]; then ok "$n"; else fail "$n" "exit $got, want $want" "$(head -5 "$TMP/out")"; fi
}
# no_raw_controls NAME FILE: no byte below 0x20 but the line feed, no DEL, no C1 control.
no_raw_controls() {
    if python3 - "$2" <<'EOF'
import sys
b = open(sys.argv[1], "rb").read()
bad = [c for c in b if (c < 0x20 and c != 0x0A) or c == 0x7F]
t = b.decode("utf-8", "replace")
bad += [c for c in t if 0x80 <= ord(c) <= 0x9F]
sys.exit(1 if bad else 0)
EOF
    then ok "$1"; else fail "$1" "raw control characters in $2:" "$(head -3 "$2" | od -c | head -3)"; fi
}
no_grep() { # NAME PATTERN FILE: the fixed string is not in the file
    if grep -qF -- "$2" "$3"; then fail "$1" "'$2' in $3" "$(grep -F -- "$2" "$3" | head -3)"; else ok "$1"; fi
}

EX="$ROOT/examples/minimal"
ZIPNAME=example-connected-thermometer-1.0.0-premarket.zip
"$DOSSIER" build "$EX" -o "$TMP/built" --only bundle -q 2>"$TMP/err" || fail "build" "$(cat "$TMP/err")"
ZIP="$TMP/built/$ZIPNAME"
mkdir -p "$TMP/unz" && (cd "$TMP/unz" && unzip -q "$ZIP")
run "a fresh bundle folder verifies" 0 "$DOSSIER" verify "$TMP/unz"
run "a fresh output folder verifies" 0 "$DOSSIER" verify "$TMP/built"

# ---- 1. every entry of a folder accounted for; nothing followed or opened ----------
fresh() { rm -rf "$TMP/$1" && cp -R "$TMP/unz" "$TMP/$1"; }
fresh hid && echo x >"$TMP/hid/.hidden"
run "folder: a hidden file fails" 1 "$DOSSIER" verify "$TMP/hid"
expect_grep "folder: the hidden file named" "not in the manifest: .hidden" "$TMP/out"
fresh hdir && mkdir -p "$TMP/hdir/records/.git" && echo x >"$TMP/hdir/records/.git/config"
run "folder: a file in a hidden folder fails" 1 "$DOSSIER" verify "$TMP/hdir"
expect_grep "folder: the file in the hidden folder named" "not in the manifest: records/.git/config" "$TMP/out"
fresh link && ln -s /etc/passwd "$TMP/link/records/passwd.md"
run "folder: a symlink to /etc/passwd fails" 1 "$DOSSIER" verify "$TMP/link"
expect_grep "folder: the symlink named, not followed" "symbolic link, not followed: records/passwd.md" "$TMP/out"
no_grep "folder: nothing of /etc/passwd printed" "root:" "$TMP/out"
fresh dlink && ln -s / "$TMP/dlink/records/root"
run "folder: a symlink to / fails, not walked" 1 "$DOSSIER" verify "$TMP/dlink"
expect_grep "folder: the folder link named" "symbolic link, not followed: records/root" "$TMP/out"
fresh fifo && mkfifo "$TMP/fifo/records/pipe.md"
start=$(date +%s)
run "folder: a FIFO fails, never opened (no hang)" 1 "$DOSSIER" verify "$TMP/fifo"
expect_grep "folder: the FIFO named" "not a regular file, not opened: records/pipe.md (a FIFO)" "$TMP/out"
took=$(( $(date +%s) - start ))
if [ "$took" -lt 30 ]; then ok "folder: the FIFO costs no wait (${took}s)"; else fail "folder: the FIFO costs no wait" "${took}s"; fi
fresh fifo2 && rm "$TMP/fifo2/manifest.json" && mkfifo "$TMP/fifo2/manifest.json"
run "folder: a FIFO in place of the manifest fails, never opened" 1 "$DOSSIER" verify "$TMP/fifo2"
fresh dev
if mknod "$TMP/dev/records/null.md" c 1 3 2>/dev/null; then
    run "folder: a device fails, never opened" 1 "$DOSSIER" verify "$TMP/dev"
    expect_grep "folder: the device named" "records/null.md (a character device)" "$TMP/out"
else
    skip "folder: a device" "mknod is not permitted here"
fi
fresh empty && mkdir "$TMP/empty/records/nothing"
run "folder: an empty folder is accounted for too" 1 "$DOSSIER" verify "$TMP/empty"
mkfifo "$TMP/lone-fifo"
run "verify of a FIFO itself: usage error, never opened" 2 "$DOSSIER" verify "$TMP/lone-fifo"

# the output folder: the build's stamp, and nothing else unlisted
cp -R "$TMP/built" "$TMP/o-stamp" && echo "made by dossier" >"$TMP/o-stamp/.dossier-output"
run "output: the stamp .dossier-output at the root is accepted" 0 "$DOSSIER" verify "$TMP/o-stamp"
cp -R "$TMP/o-stamp" "$TMP/o-hid" && echo x >"$TMP/o-hid/.env"
run "output: another hidden file at the root fails" 1 "$DOSSIER" verify "$TMP/o-hid"
expect_grep "output: the hidden file named" "not in the manifest: $TMP/o-hid/.env" "$TMP/out"
cp -R "$TMP/o-stamp" "$TMP/o-stamp2" && echo x >"$TMP/o-stamp2/premarket/.dossier-output"
run "output: the stamp inside premarket/ fails" 1 "$DOSSIER" verify "$TMP/o-stamp2"
cp -R "$TMP/built" "$TMP/o-stamp3" && rm -f "$TMP/o-stamp3/.dossier-output" && ln -s /etc/passwd "$TMP/o-stamp3/.dossier-output"
run "output: a stamp that is a symlink fails" 1 "$DOSSIER" verify "$TMP/o-stamp3"
cp -R "$TMP/built" "$TMP/o-fifo" && mkfifo "$TMP/o-fifo/premarket/records/pipe.md"
run "output: a FIFO in premarket/ fails, no hang" 1 "$DOSSIER" verify "$TMP/o-fifo"
cp -R "$TMP/built" "$TMP/o-link" && ln -s /etc/passwd "$TMP/o-link/passwd"
run "output: a symlink at the root fails" 1 "$DOSSIER" verify "$TMP/o-link"

# ---- 2. the output folder's ZIP and the signature beside it -------------------------
cat >"$TMP/craft.py" <<'EOF'
# craft.py SRC DST MODE [ARG]: rewrites the ZIP SRC entry for entry (the
# same names, dates, modes, compression) into DST, changing what MODE says.
import struct, sys, zipfile, zlib
src, dst, mode = sys.argv[1], sys.argv[2], sys.argv[3]
arg = sys.argv[4] if len(sys.argv) > 4 else ""
zin = zipfile.ZipFile(src)
zout = zipfile.ZipFile(dst, "w")
infos = zin.infolist()
def copy(info, data=None, name=None):
    new = zipfile.ZipInfo(name or info.filename, info.date_time)
    new.compress_type, new.create_system, new.create_version = info.compress_type, info.create_system, info.create_version
    new.external_attr, new.comment, new.extra = info.external_attr, info.comment, info.extra
    if mode == "entry-comment" and info.filename == arg: new.comment = b"hello"
    if mode == "date" and info.filename == arg: new.date_time = (2020, 1, 2, 3, 4, 6)
    if mode == "mode" and info.filename == arg: new.external_attr = int(sys.argv[5], 8) << 16
    if mode == "host" and info.filename == arg: new.create_system = 0
    if mode == "extra" and info.filename == arg: new.extra = b"UT\x05\x00\x01\x00\x00\x00\x00"
    zout.writestr(new, zin.read(info) if data is None else data)
for info in infos:
    if mode == "tamper" and info.filename == arg:
        d = zin.read(info); copy(info, d[:10] + bytes([d[10] ^ 1]) + d[11:]); continue
    if mode == "drop" and info.filename == arg: continue
    copy(info)
    if mode == "dup" and info.filename == arg: copy(info, b"the other copy\n")
extra_names = {"dotdot": "records/../../escaped.md", "absolute": "/tmp/absolute.md", "backslash": "records\\win.md",
               "dir": "records/folder/", "conflict": "records/dossier.xml/inner.md", "escape": "records/\x1b[2J\x1b]0;pwned\x07x.md"}
if mode in extra_names:
    i = zipfile.ZipInfo(extra_names[mode], infos[0].date_time)
    i.create_system, i.external_attr = 3, (0o40755 if mode == "dir" else 0o100644) << 16
    i.compress_type = zipfile.ZIP_DEFLATED
    zout.writestr(i, b"" if mode == "dir" else b"extra\n")
if mode == "comment": zout.comment = b"an archive comment"
zout.close()
EOF
craft() { python3 -W ignore "$TMP/craft.py" "$ZIP" "$TMP/$2.zip" "$1" "$3" "$4"; }
craft copy same
run "zip: rewritten by another tool with the same names, dates and modes verifies" 0 "$DOSSIER" verify "$TMP/same.zip"

cp -R "$TMP/built" "$TMP/o-zip"
craft tamper tampered records/threats/THR-001.md && cp "$TMP/tampered.zip" "$TMP/o-zip/$ZIPNAME"
run "output: a changed file in the ZIP beside premarket/ fails" 1 "$DOSSIER" verify "$TMP/o-zip"
expect_grep "output: the changed ZIP entry named" "changed: $TMP/o-zip/$ZIPNAME:records/threats/THR-001.md" "$TMP/out"
expect_grep "output: the ZIP and the folder disagree" "the ZIP and premarket/ differ: records/threats/THR-001.md" "$TMP/out"
cp -R "$TMP/built" "$TMP/o-nozip" && rm "$TMP/o-nozip/$ZIPNAME"
run "output: a missing ZIP fails" 1 "$DOSSIER" verify "$TMP/o-nozip"
expect_grep "output: the missing ZIP named" "missing: $TMP/o-nozip/$ZIPNAME" "$TMP/out"
copy_example minimal other
sed -i 's|<name>Example Connected Thermometer</name>|<name>Another Device</name>|' "$TMP/other/dossier.xml"
"$DOSSIER" build "$TMP/other" -o "$TMP/other-out" --only bundle -q 2>/dev/null
cp -R "$TMP/built" "$TMP/o-swap" && cp "$TMP"/other-out/*-premarket.zip "$TMP/o-swap/$ZIPNAME"
run "output: a ZIP of another product in its place fails" 1 "$DOSSIER" verify "$TMP/o-swap"
cp -R "$TMP/built" "$TMP/o-junk" && echo "not a zip" >"$TMP/o-junk/$ZIPNAME"
run "output: a ZIP that is not one fails" 1 "$DOSSIER" verify "$TMP/o-junk"
cp -R "$TMP/built" "$TMP/o-extra" && cp "$TMP"/other-out/*-premarket.zip "$TMP/o-extra/"
run "output: a second bundle ZIP beside it fails" 1 "$DOSSIER" verify "$TMP/o-extra"
expect_grep "output: the second ZIP named" "not the bundle's: $TMP/o-extra/another-device-1.0.0-premarket.zip" "$TMP/out"
cp -R "$TMP/built" "$TMP/o-zipsig" && echo "untrusted comment: x" >"$TMP/o-zipsig/$ZIPNAME.minisig"
run "output: a signature of the ZIP that the build never writes fails" 1 "$DOSSIER" verify "$TMP/o-zipsig"

if command -v minisign >/dev/null 2>&1; then
    minisign -G -W -p "$TMP/k.pub" -s "$TMP/k.key" >/dev/null 2>&1
    "$DOSSIER" build "$EX" -o "$TMP/signed" --only bundle --sign "$TMP/k.key" -q 2>/dev/null
    run "signed output folder: verifies with its key" 0 "$DOSSIER" verify "$TMP/signed" --pubkey "$TMP/k.pub"
    python3 "$TMP/craft.py" "$TMP/signed/$ZIPNAME" "$TMP/s-tampered.zip" tamper records/threats/THR-001.md
    cp -R "$TMP/signed" "$TMP/s-zip" && cp "$TMP/s-tampered.zip" "$TMP/s-zip/$ZIPNAME"
    run "signed output folder: a changed ZIP fails though premarket/ and the signature are intact" 1 \
        "$DOSSIER" verify "$TMP/s-zip" --pubkey "$TMP/k.pub"
    no_grep "signed output folder: no 'OK' for a changed ZIP" ": OK:" "$TMP/out"
    # the ZIP's own signature replaced by one over another manifest
    "$DOSSIER" build "$TMP/other" -o "$TMP/other-signed" --only bundle --sign "$TMP/k.key" -q 2>/dev/null
    python3 - "$TMP/signed/$ZIPNAME" "$TMP/other-signed/premarket/manifest.json.minisig" "$TMP/s-sig.zip" <<'EOF'
import sys, zipfile
zin, sig, zout = zipfile.ZipFile(sys.argv[1]), open(sys.argv[2], "rb").read(), zipfile.ZipFile(sys.argv[3], "w")
for i in zin.infolist():
    zout.writestr(i, sig if i.filename == "manifest.json.minisig" else zin.read(i))
zout.close()
EOF
    cp -R "$TMP/signed" "$TMP/s-sig" && cp "$TMP/s-sig.zip" "$TMP/s-sig/$ZIPNAME"
    run "signed output folder: the ZIP's signature replaced fails" 1 "$DOSSIER" verify "$TMP/s-sig" --pubkey "$TMP/k.pub"
    expect_grep "signed output folder: the shipped signature is the one checked" "signature BAD" "$TMP/out"
    cp -R "$TMP/signed" "$TMP/s-beside" && cp "$TMP/other-signed/manifest.json.minisig" "$TMP/s-beside/"
    run "signed output folder: the signature beside the ZIP replaced fails" 1 \
        "$DOSSIER" verify "$TMP/s-beside" --pubkey "$TMP/k.pub"
    expect_grep "signed output folder: the signature beside named" "changed: $TMP/s-beside/manifest.json.minisig" "$TMP/out"
    cp -R "$TMP/built" "$TMP/u-sig" && cp "$TMP/other-signed/manifest.json.minisig" "$TMP/u-sig/"
    run "unsigned output folder: a signature beside it fails" 1 "$DOSSIER" verify "$TMP/u-sig"
else
    skip "signed output folders" "minisign not installed (make test-deps)"
fi

# ---- 3. ZIP entries the build never writes --------------------------------------------
zip_case() { # NAME MESSAGE MODE [ARG [ARG2]]
    craft "$3" case "$4" "$5"
    run "zip: $1 fails" 1 "$DOSSIER" verify "$TMP/case.zip"
    expect_grep "zip: $1 named" "$2" "$TMP/out"
}
zip_case "an archive comment" "an archive comment of 18 bytes" comment
zip_case "an entry comment" "checklist.json: a comment of 5 bytes" entry-comment checklist.json
zip_case "another date" "index.html: dated 2020-01-02 03:04:06" date index.html
zip_case "a setuid mode" "mode 104755 (a regular file, setuid)" mode index.html 104755
zip_case "a setgid, sticky mode" "mode 103644 (a regular file, setgid, sticky)" mode index.html 103644
zip_case "a symlink mode" "mode 120777 (a symbolic link)" mode index.html 120777
zip_case "a device mode" "mode 020644 (a character device)" mode index.html 020644
zip_case "another host" "made by host 0" host index.html
zip_case "extra fields" "index.html: 9 bytes of extra fields" extra index.html
zip_case "a name twice" "unsafe: $TMP/case.zip:index.html: its name appears twice" dup index.html
zip_case "a name with .." "records/../../escaped.md: '..' in its name" dotdot
zip_case "an absolute name" "/tmp/absolute.md: an absolute name" absolute
zip_case "a backslash" "a backslash in its name" backslash
zip_case "a folder entry" "records/folder/: a folder entry" dir
zip_case "a name both a file and a folder" "'records/dossier.xml' is a file in the ZIP and a folder" conflict
check "zip: nothing written by verify" test ! -e /tmp/absolute.md
# an entry's name, not as stored in its local header
python3 - "$ZIP" "$TMP/case.zip" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
n = int.from_bytes(b[26:28], "little")  # the first local header, at the start
b[30:30 + n] = b"x" * n
open(sys.argv[2], "wb").write(b)
EOF
run "zip: a local header naming another file fails" 1 "$DOSSIER" verify "$TMP/case.zip"
expect_grep "zip: the local header named" "its local header names another file" "$TMP/out"

# ---- 4. ZIP bombs: refused from the stated sizes, and never inflated past them --------
cat >"$TMP/bomb.py" <<'EOF'
# bomb.py DST KIND: KIND zeros (one entry of 256 MiB of zeros), many (300
# entries of 1 MiB), big (a real 16 MiB entry stated as 1.5 GiB), lie (64 MiB
# of zeros stated as 100,000 bytes), total (5 entries of 6 MB stated as 1 GiB each).
import os, struct, sys, zipfile
dst, kind = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
def add(name, data, level=9):
    i = zipfile.ZipInfo(name, (2025, 12, 1, 0, 0, 0))
    i.create_system, i.external_attr, i.compress_type = 3, 0o100644 << 16, zipfile.ZIP_DEFLATED
    z.writestr(i, data, compresslevel=level)
z_mib = bytes(1 << 20)
if kind == "zeros": add("records/zeros.md", bytes(256 << 20))
if kind == "many":
    for k in range(300): add("records/z%03d.md" % k, z_mib)
if kind in ("big", "lie"): add("records/big.md", bytes((16 if kind == "big" else 64) << 20))
if kind == "total":
    for k in range(5): add("records/t%d.md" % k, os.urandom(6 << 20), 1)
z.close()
# patch the stated uncompressed sizes, in the central directory and the local headers
size = {"big": 3 << 29, "lie": 100000, "total": 1 << 30}.get(kind)
if size:
    b = bytearray(open(dst, "rb").read())
    p = b.find(b"PK\x01\x02")
    while p >= 0:
        struct.pack_into("<I", b, p + 24, size)
        off = struct.unpack_from("<I", b, p + 42)[0]
        struct.pack_into("<I", b, off + 22, size)
        p = b.find(b"PK\x01\x02", p + 4)
    open(dst, "wb").write(b)
EOF
bomb() { # NAME KIND MESSAGE
    python3 "$TMP/bomb.py" "$TMP/bomb-$2.zip" "$2"
    start=$(date +%s)
    run "bomb: $1: refused, exit 1" 1 "$DOSSIER" verify "$TMP/bomb-$2.zip"
    took=$(( $(date +%s) - start ))
    expect_grep "bomb: $1: says which bound" "$3" "$TMP/out"
    if [ "$took" -lt 20 ]; then ok "bomb: $1: quick (${took}s)"; else fail "bomb: $1: quick" "${took}s"; fi
}
bomb "256 MiB of zeros in one entry" zeros "to 268435456, more than 200 to 1"
bomb "300 entries of 1 MiB of zeros" many "would inflate to 314572800, more than 200 to 1"
bomb "an entry stated as 1.5 GiB" big "would inflate to 1610612736 bytes; a bundle file has at most 1073741824"
bomb "an entry inflating past its stated size" lie "records/big.md: inflates past its stated 100000 bytes"
bomb "entries stated as 5 GiB in all" total "a bundle has at most 4294967296"
if [ "$ASAN" -eq 0 ] && [ -x /usr/bin/time ]; then
    for kind in zeros lie; do
        /usr/bin/time -f %M -o "$TMP/rss" "$DOSSIER" verify "$TMP/bomb-$kind.zip" >/dev/null 2>&1
        rss=$(tail -1 "$TMP/rss")
        if [ "$rss" -lt 65536 ]; then ok "bomb: $kind: memory stays under 64 MiB (${rss} KiB)"
        else fail "bomb: $kind: memory stays under 64 MiB" "${rss} KiB"; fi
    done
fi

# ---- 5. diff: the same bounds, and its temporary folder gone on every exit -----------
mkdir -p "$TMP/tmpdir"
MARK="marker-$$-verify-hostile"
python3 - "$ZIP" "$TMP/marked.zip" "$MARK" <<'EOF'
import sys, zipfile
zin, zout = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED)
for i in zin.infolist(): zout.writestr(i, zin.read(i))
zout.writestr("records/" + sys.argv[3] + ".txt", "a file that marks this diff's unpacked copy\n")
zout.close()
EOF
# leftovers: the marker in TMPDIR or /tmp (where older builds unpacked)
leftover() { find "$TMP/tmpdir" /tmp -maxdepth 5 -name "$MARK.txt" 2>/dev/null | head -1; }
no_leftover() { # NAME
    l=$(leftover); n=$(find "$TMP/tmpdir" -mindepth 1 | wc -l)
    if [ -z "$l" ] && [ "$n" -eq 0 ]; then ok "$1: nothing left behind"
    else
        fail "$1: nothing left behind" "$l" "$(ls "$TMP/tmpdir")"
        # remove what this test's runs left: the folders that hold its marker, nothing else
        find "$TMP/tmpdir" /tmp -maxdepth 5 -name "$MARK.txt" 2>/dev/null | while read -r m; do
            d=${m%/*/records/$MARK.txt}
            case "$d" in */dossier-diff-*) rm -rf "$d" ;; esac
        done
        rm -rf "$TMP/tmpdir"/*
    fi
}
export TMPDIR="$TMP/tmpdir"
run "diff: a marked bundle against its own dossier" 0 "$DOSSIER" diff "$TMP/marked.zip" "$EX"
no_leftover "diff: a normal run"
run "diff: the 256 MiB bomb is refused, exit 2" 2 "$DOSSIER" diff "$TMP/bomb-zeros.zip" "$EX"
expect_grep "diff: the bomb's bound named" "more than 200 to 1" "$TMP/out"
no_leftover "diff: the bomb"
run "diff: an entry inflating past its stated size is refused, exit 2" 2 "$DOSSIER" diff "$TMP/bomb-lie.zip" "$EX"
no_leftover "diff: the lying entry"
craft dotdot dotdot
run "diff: a name with .. is refused, exit 2" 2 "$DOSSIER" diff "$TMP/marked.zip" "$TMP/dotdot.zip"
check "diff: nothing written outside" test ! -e "$TMP/tmpdir/escaped.md"
no_leftover "diff: a refused second ZIP"

SHIM="$TMP/shim.so"
if [ "$ASAN" -eq 1 ]; then
    skip "diff out of memory" "the fault-injection shim cannot be preloaded under AddressSanitizer"
elif ! cc -shared -fPIC -O1 -o "$SHIM" "$ROOT/tests/faultinject/shim.c" -ldl 2>"$TMP/cc"; then
    skip "diff out of memory" "the shim does not compile: $(head -1 "$TMP/cc")"
else
    # malloc fails from points spread over the run: whatever the exit, no folder is left
    said=0
    for at in 2000 5000 10000 20000 30000; do
        env FAULT_CALL=malloc FAULT_AT=$at LD_PRELOAD="$SHIM" "$DOSSIER" diff "$TMP/marked.zip" "$EX" >"$TMP/log" 2>&1
        rc=$?
        if [ $rc -le 2 ]; then ok "diff: malloc fails from call $at: exit $rc"; else fail "diff: malloc fails from call $at: exit 0 to 2" "exit $rc" "$(tail -2 "$TMP/log")"; fi
        grep -q "out of memory" "$TMP/log" && said=$((said + 1))
        no_leftover "diff: malloc fails from call $at"
    done
    if [ "$said" -gt 0 ]; then ok "diff: out of memory was met ($said runs)"; else fail "diff: out of memory was met" "no run said so"; fi
fi
# a signal while diff works: a bundle of 4,000 records, so it is still working when the signal comes
python3 - "$EX" "$TMP/many.zip" "$MARK" <<'EOF'
import os, sys, zipfile
src, dst, mark = sys.argv[1:4]
z = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
for root, dirs, files in os.walk(src):
    for f in files:
        p = os.path.join(root, f)
        z.write(p, "records/" + os.path.relpath(p, src))
t = open(os.path.join(src, "threats/THR-001.md")).read()
for k in range(2, 4002):
    z.writestr("records/threats/THR-%04d.md" % k, t.replace("id: THR-001", "id: THR-%04d" % k))
z.writestr("records/" + mark + ".txt", "a file that marks this diff's unpacked copy\n")
z.close()
EOF
unpacked() { ls -d "$TMP"/tmpdir/*/*/records/"$MARK.txt" /tmp/dossier-diff-*/*/records/"$MARK.txt" 2>/dev/null | head -1; }
"$DOSSIER" diff "$TMP/many.zip" "$TMP/many.zip" >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ] && [ -z "$(unpacked)" ] && kill -0 $pid 2>/dev/null; do sleep 0.02; i=$((i + 1)); done
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
rc=$?
if [ $rc -eq 143 ]; then ok "diff: stopped by SIGTERM (exit 143)"; else skip "diff: stopped by SIGTERM" "exit $rc: it had finished first"; fi
no_leftover "diff: SIGTERM"
unset TMPDIR

# ---- 6. escape sequences: never raw on a terminal, JSON still valid ------------------
copy_example minimal esc
f=$(ls "$TMP/esc/threats/"*.md | head -1)
id=$(sed -n 's/^id: *//p' "$f" | head -1)
sed -i 's/^title: .*/title: "Red \\e[31mALERT\\e[0m \\e]0;pwned\\a clear\\e[2J C1 \\x9b2J end"/' "$f"
run "esc: the dossier with escapes in a title loads" 0 "$DOSSIER" check "$TMP/esc" --fail-on none -q
run "esc: trace exits 0" 0 "$DOSSIER" trace "$id" "$TMP/esc"
cp "$TMP/out" "$TMP/trace.txt"
no_raw_controls "esc: trace prints no raw control character" "$TMP/trace.txt"
expect_grep "esc: trace shows ESC as \\x1b" 'Red \x1b[31mALERT\x1b[0m' "$TMP/trace.txt"
expect_grep "esc: trace shows C1 as \\u009b" 'C1 \u009b2J' "$TMP/trace.txt"
ctl=$(ls "$TMP/esc/controls/"*.md | head -1)
cid=$(sed -n 's/^id: *//p' "$ctl" | head -1)
run "esc: trace of a record linked to it exits 0" 0 "$DOSSIER" trace "$cid" "$TMP/esc"
no_raw_controls "esc: a linked record's trace prints no raw control character" "$TMP/out"
run "esc: diff text exits 1" 1 "$DOSSIER" diff "$EX" "$TMP/esc"
cp "$TMP/out" "$TMP/diff.txt"
no_raw_controls "esc: diff text prints no raw control character" "$TMP/diff.txt"
expect_grep "esc: diff text shows the escapes" '\x1b]0;pwned\x07' "$TMP/diff.txt"
"$DOSSIER" diff "$EX" "$TMP/esc" --format html >"$TMP/diff.html" 2>/dev/null
no_raw_controls "esc: diff html holds no raw control character" "$TMP/diff.html"
"$DOSSIER" diff "$EX" "$TMP/esc" --format json >"$TMP/diff.json" 2>/dev/null
no_raw_controls "esc: diff json holds no raw control character" "$TMP/diff.json"
if python3 - "$TMP/diff.json" "$id" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
want = "Red \x1b[31mALERT\x1b[0m \x1b]0;pwned\x07 clear\x1b[2J C1 \x9b2J end"
titles = [c["new"] for c in d["changed"] if c["id"] == sys.argv[2] and c["field"] == "title"]
assert titles == [want], titles
EOF
then ok "esc: diff json is valid and keeps the title exactly"; else fail "esc: diff json is valid and keeps the title exactly"; fi
craft escape esc
run "esc: verify of a ZIP entry named with escapes fails" 1 "$DOSSIER" verify "$TMP/esc.zip"
no_raw_controls "esc: verify prints no raw control character" "$TMP/out"
expect_grep "esc: verify shows the name escaped" 'records/\x1b[2J\x1b]0;pwned\x07x.md' "$TMP/out"
fresh escdir && printf 'x' >"$TMP/escdir/records/$(printf 'a\033[2Jb\nc')"
run "esc: verify of a folder with such a file name fails" 1 "$DOSSIER" verify "$TMP/escdir"
no_raw_controls "esc: verify of the folder prints no raw control character" "$TMP/out"

# a full build of the infusion pump (its CSAF provider folder has the one
# hidden name an output writes, .well-known/) verifies
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$TMP/full" -q >/dev/null 2>&1
expect_exit "a full build's output folder, .well-known/ of the CSAF provider in it, verifies" 0 "$DOSSIER" verify "$TMP/full"
mkdir -p "$TMP/full/public/.hidden" && echo x >"$TMP/full/public/.hidden/x"
expect_exit "any other hidden folder among the other outputs fails" 1 "$DOSSIER" verify "$TMP/full"
