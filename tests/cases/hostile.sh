#!/bin/sh
# Hostile input: each refused or handled with a clear message naming the
# file, a documented exit code, in bounded time and memory (every run here
# is under `timeout`, and under `ulimit -v` but with AddressSanitizer), and
# never a crash (exit 0 to 3 only).
. "$(dirname "$0")/../lib.sh"

# run NAME WANT CMD...: like expect_exit, inside 60 s and 2 GiB of address
# space (not under AddressSanitizer, which reserves terabytes of it up front).
LIMIT=2097152
if ldd "$DOSSIER" 2>/dev/null | grep -q libasan; then LIMIT=unlimited; fi
run() {
    n=$1; want=$2; shift 2
    (ulimit -v $LIMIT; exec timeout 60 "$@") >"$TMP/out" 2>&1; got=$?
    if [ "$got" -eq "$want" ]; then ok "$n"; else fail "$n" "exit $got, want $want" "$(head -5 "$TMP/out")"; fi
}

# ---- XML: entities, DTDs, nesting -----------------------------------------------
copy_example minimal xxe
cat >"$TMP/secret.txt" <<'EOF'
TOP-SECRET-CONTENT
EOF
cat >"$TMP/xxe/dossier.xml" <<EOF
<?xml version="1.0"?>
<!DOCTYPE dossier [ <!ENTITY leak SYSTEM "file://$TMP/secret.txt"> ]>
<dossier xmlns="urn:dossier:1" date="2025-11-01"><product><name>&leak;</name><version>1</version></product></dossier>
EOF
run "XXE: refused, exit 1" 1 "$DOSSIER" check "$TMP/xxe"
expect_grep "XXE: names the file" "dossier.xml" "$TMP/out"
if grep -q TOP-SECRET "$TMP/out"; then fail "XXE: the file is never read"; else ok "XXE: the file is never read"; fi
run "XXE: build fails too" 1 "$DOSSIER" build "$TMP/xxe" -o "$TMP/xxe-out" -q
if grep -rq TOP-SECRET "$TMP/xxe-out" 2>/dev/null; then fail "XXE: nothing of the file in any output"; else ok "XXE: nothing of the file in any output"; fi

copy_example minimal laughs
{
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE dossier ['
    echo ' <!ENTITY a0 "lol">'
    i=1
    while [ $i -le 12 ]; do
        p=$((i - 1))
        echo " <!ENTITY a$i \"&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;\">"
        i=$((i + 1))
    done
    echo ']>'
    echo '<dossier xmlns="urn:dossier:1" date="2025-11-01"><product><name>&a12;</name><version>1</version></product></dossier>'
} >"$TMP/laughs/dossier.xml"
run "billion laughs: refused, exit 1, in bounds" 1 "$DOSSIER" check "$TMP/laughs"
expect_grep "billion laughs: names the file" "dossier.xml" "$TMP/out"

copy_example minimal netdtd
cat >"$TMP/netdtd/dossier.xml" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE dossier SYSTEM "http://198.51.100.7/evil.dtd">
<dossier xmlns="urn:dossier:1" date="2025-11-01"><product><name>x</name><version>1</version></product></dossier>
EOF
start=$(date +%s)
run "a DTD on the network: never fetched, exit 1" 1 "$DOSSIER" check "$TMP/netdtd"
took=$(( $(date +%s) - start ))
if [ "$took" -lt 20 ]; then ok "a DTD on the network: no wait for the network (${took}s)"; else fail "a DTD on the network: no wait for the network" "${took}s"; fi

copy_example minimal deepxml
mkdir -p "$TMP/deepxml/sbom"
python3 - "$TMP/deepxml/sbom/deep.cdx.xml" <<'EOF'
import sys
n = 100000
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components>')
    f.write('<component type="library"><name>a</name><components>' * 2000)
    f.write('<x>' * n + '</x>' * n)
    f.write('</components></component>' * 2000)
    f.write('</components></bom>')
EOF
run "XML nested 100,000 deep: handled, exit 1" 1 "$DOSSIER" check "$TMP/deepxml"
expect_grep "XML nested deep: names the file" "deep.cdx.xml" "$TMP/out"

# ---- Markdown and YAML ------------------------------------------------------------
copy_example minimal deepmd
f=$(ls "$TMP/deepmd/threats/"*.md | head -1)
python3 - "$f" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
s += "\n" + "> " * 50000 + "deep\n\n" + "- " * 20000 + "list\n\n" + "[" * 100000 + "\n\n" + "*a " * 50000 + "\n"
open(p, "w").write(s)
EOF
run "Markdown nested 50,000 deep: handled, exit 0" 0 "$DOSSIER" check "$TMP/deepmd" --fail-on none
run "Markdown nested deep: the site builds" 0 "$DOSSIER" build "$TMP/deepmd" -o "$TMP/deepmd-out" --only site --fail-on none -q

copy_example minimal yamlbomb
f=$(ls "$TMP/yamlbomb/threats/"*.md | head -1)
{
    echo '---'
    echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
    echo 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]'
    echo 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]'
    echo 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]'
    echo 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]'
    echo 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]'
    echo 'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]'
    echo '---'
} >"$f"
run "YAML alias bomb: refused, exit 1" 1 "$DOSSIER" check "$TMP/yamlbomb"
expect_grep "YAML alias bomb: names the file" "$(basename "$f")" "$TMP/out"

copy_example minimal deepyaml
f=$(ls "$TMP/deepyaml/threats/"*.md | head -1)
python3 - "$f" <<'EOF'
import sys
open(sys.argv[1], "w").write("---\nid: THR-001\ntitle: x\ntags: " + "[" * 100000 + "]" * 100000 + "\n---\nbody\n")
EOF
run "YAML nested 100,000 deep: refused, exit 1" 1 "$DOSSIER" check "$TMP/deepyaml"
expect_grep "YAML nested deep: names the file" "$(basename "$f")" "$TMP/out"

# ---- bytes -------------------------------------------------------------------------
copy_example minimal nul
f=$(ls "$TMP/nul/threats/"*.md | head -1)
printf 'body with a \000 NUL byte\n' >>"$f"
run "a NUL byte: refused, exit 1" 1 "$DOSSIER" check "$TMP/nul"
expect_grep "a NUL byte: names the file" "$(basename "$f")" "$TMP/out"

copy_example minimal utf8
printf '<?xml version="1.0" encoding="UTF-8"?>\n<dossier xmlns="urn:dossier:1" date="2025-11-01"><product><name>\377\376bad</name><version>1</version></product></dossier>\n' >"$TMP/utf8/dossier.xml"
run "invalid UTF-8 in XML: refused, exit 1" 1 "$DOSSIER" check "$TMP/utf8"
expect_grep "invalid UTF-8 in XML: names the file" "dossier.xml" "$TMP/out"

copy_example minimal huge
f=$(ls "$TMP/huge/threats/"*.md | head -1)
python3 - "$f" <<'EOF'
import sys
with open(sys.argv[1], "a") as f:
    line = "A line of a file far larger than any record should be. " * 4 + "\n"
    for _ in range(200 * 1024 * 1024 // len(line) + 1):
        f.write(line)
EOF
start=$(date +%s)
run "a 200 MB record: refused, exit 1, in bounds" 1 "$DOSSIER" check "$TMP/huge"
took=$(( $(date +%s) - start ))
expect_grep "a 200 MB record: names the file" "$(basename "$f")" "$TMP/out"
if [ "$took" -lt 30 ]; then ok "a 200 MB record: refused quickly (${took}s)"; else fail "a 200 MB record: refused quickly" "${took}s"; fi
rm -rf "$TMP/huge"

# A 15 KB record whose table cmark-gfm would pad to 5 million cells (1000
# columns, 5000 one-word rows): 20 s and 1.4 GB before the bound, now
# refused before parsing. Run under 512 MiB of address space.
copy_example minimal wide
f=$(ls "$TMP/wide/threats/"*.md | head -1)
python3 - "$f" <<'EOF'
import sys
with open(sys.argv[1], "a") as f:
    f.write("\n\n| " + " | ".join("h%d" % i for i in range(1000)) + " |\n|" + "---|" * 1000 + "\n" + "a\n" * 5000)
EOF
save=$LIMIT
[ "$LIMIT" = unlimited ] || LIMIT=524288
run "a table of 5 million cells in 15 KB: refused, exit 1, in bounds" 1 "$DOSSIER" check "$TMP/wide"
expect_grep "a table of 5 million cells: the prose-size rule, located" "$(basename "$f"):13:1: error: [prose-size]" "$TMP/out"
run "a table of 5 million cells: build --fail-on none in bounds" 0 "$DOSSIER" build "$TMP/wide" -o "$TMP/wide-out" --fail-on none -q
LIMIT=$save
size=$(du -sk "$TMP/wide-out" 2>/dev/null | cut -f1)
if [ -n "$size" ] && [ "$size" -lt 20000 ]; then ok "a table of 5 million cells: the output stays small (${size} KB)"; else fail "a table of 5 million cells: the output stays small" "${size} KB"; fi
rm -rf "$TMP/wide" "$TMP/wide-out"

# ---- paths ---------------------------------------------------------------------------
copy_example minimal link
echo "TOP-SECRET-CONTENT" >"$TMP/outside.md"
ln -s "$TMP/outside.md" "$TMP/link/threats/THR-999.md"
run "a symlink out of the dossier: not followed, a warning" 1 "$DOSSIER" check "$TMP/link" --fail-on warning
expect_grep "a symlink out of the dossier: names it" "threats/THR-999.md: warning: [file-symlink]" "$TMP/out"
run "a symlink out of the dossier: the build goes on without it" 0 "$DOSSIER" build "$TMP/link" -o "$TMP/link-out" -q
if grep -rq TOP-SECRET "$TMP/link-out" 2>/dev/null; then fail "a symlink out of the dossier: nothing of it in the output"; else ok "a symlink out of the dossier: nothing of it in the output"; fi

copy_example minimal dotid
f=$(ls "$TMP/dotid/threats/"*.md | head -1)
sed -i 's/^id: .*/id: THR-..\/..\/..\/evil/' "$f"
run "an ID with ../: refused, exit 1" 1 "$DOSSIER" build "$TMP/dotid" -o "$TMP/dotid-out" -q
if [ -e "$TMP/evil.html" ] || [ -e "$ROOT/evil.html" ]; then fail "an ID with ../: nothing written outside"; else ok "an ID with ../: nothing written outside"; fi

copy_example minimal tname
mkdir -p "$TMP/tname/templates/site"
printf 'write("index.html", render("../../../../etc/passwd"))\n' >"$TMP/tname/templates/site/main.lua"
run "a template name with ../: exit 3" 3 "$DOSSIER" build "$TMP/tname" -o "$TMP/tname-out" --only site -q
if grep -q "root:" "$TMP/out"; then fail "a template name with ../: nothing read"; else ok "a template name with ../: nothing read"; fi
printf 'write("../escaped.html", "x")\n' >"$TMP/tname/templates/site/main.lua"
run "a written path with ../: exit 3" 3 "$DOSSIER" build "$TMP/tname" -o "$TMP/tname-out" --only site -q
check "a written path with ../: nothing outside" test ! -e "$TMP/escaped.html"

# old Mac line ends (CR only): the front matter is not closed, no crash
copy_example minimal cr
printf -- '---\rid: THR-777\rtitle: x\r---\rbody\r' >"$TMP/cr/threats/THR-777.md"
run "CR-only line ends: refused, exit 1" 1 "$DOSSIER" check "$TMP/cr"
expect_grep "CR-only line ends: names the file and what is expected" "threats/THR-777.md:1:1: error: [front-matter] front matter is not closed" "$TMP/out"
