#!/bin/sh
# The pipeline runs one way: base uses nothing of the project; model uses
# base; load, check, render and emit each use model and base only; main.c
# uses everything. Each library is used only in the stages that need it.
# Read from the #include lines of generator/; an arrow or a library use
# not allowed here fails, so a new one is a decision, not an accident.
. "$(dirname "$0")/../lib.sh"

if python3 - "$ROOT/generator" >"$TMP/layers" 2>&1 <<'PY'
import os, re, sys
root = sys.argv[1]
stages = {"base": set(), "model": {"base"}}
for s in ("load", "check", "render", "emit"):
    stages[s] = {"model", "base"}
# Known arrows against the pipeline, each with the reason it is still here.
known = {}
# Which stages may include each library's headers.
libs = {
    "zip.h": {"emit", "load"},             # the ZIP and XLSX written; the MDS2 catalogue (XLSX) read
    "sodium.h": {"emit", "render"},        # minisign signatures, BLAKE2b of the cache; name_uuid() in templates
    "openssl/": {"emit"},                  # SHA-2 of the bundle, the CSAF files, verify (emit/digest.c)
    "lua": {"render"},                     # the template sandbox
    "lauxlib.h": {"render"}, "lualib.h": {"render"},
    "libxml/": {"load", "model"},          # XML records, dossier.xml, SBOMs; the record schema (model/schema.c)
    "cmark-gfm": {"model", "render"},      # prose parsed once (model/prose.c), markdown() in templates
    "jansson.h": {"load", "emit"},         # JSON read (SBOM, VEX, CSAF), JSON verified and diffed
    "yaml.h": {"load", "emit"},            # front matter read; the records dossier import writes
    "csv.h": {"load"},                     # the registers dossier import reads
    "microhttpd.h": {"emit"},              # the loopback server that feeds the PDF printer
    "gpgme.h": {"emit"},                   # OpenPGP signatures of the CSAF documents (emit/openpgp.c)
}
bad, seen = [], set()
for dirpath, _, files in os.walk(root):
    rel = os.path.relpath(dirpath, root)
    stage = "main" if rel == "." else rel.split(os.sep)[0]
    for f in sorted(files):
        if not f.endswith((".c", ".h")):
            continue
        path = os.path.join(dirpath, f)
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            m = re.match(r'\s*#\s*include\s*"([^"]+)"', line)
            if m:
                target = os.path.relpath(os.path.normpath(os.path.join(dirpath, m.group(1))), root)
                to = target.split(os.sep)[0] if os.sep in target else "main"
                if stage == "main" or to == stage or to in stages.get(stage, set()):
                    continue
                if (stage, to) in known:
                    seen.add((stage, to))
                    continue
                bad.append("%s:%d: %s includes %s (%s -> %s)" % (os.path.relpath(path, root), n, f, m.group(1), stage, to))
            m = re.match(r'\s*#\s*include\s*<([^>]+)>', line)
            if m and stage != "main":
                for lib, allowed in libs.items():
                    if m.group(1).startswith(lib) and stage not in allowed:
                        bad.append("%s:%d: <%s> in %s (allowed in %s)" % (os.path.relpath(path, root), n, m.group(1), stage, ", ".join(sorted(allowed))))
for arrow in sorted(set(known) - seen):
    bad.append("the known arrow %s -> %s is gone: take it out of tests/cases/layers.sh" % arrow)
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
then ok "every #include keeps the pipeline one way and each library in its stages"
else fail "every #include keeps the pipeline one way and each library in its stages" "$(head -5 "$TMP/layers")"; fi

# the test itself can fail: a planted include of render from check is caught
mkdir -p "$TMP/gen/check" "$TMP/gen/render"
printf '#include "../render/render.h"\n' >"$TMP/gen/check/x.c"
printf '#include <zip.h>\n' >"$TMP/gen/render/y.c"
sed -n '/^if python3/,/^PY$/p' "$0" | sed '1s/.*/python3 - "$1" <<'"'"'PY'"'"'/' >"$TMP/layers.sh"
sh "$TMP/layers.sh" "$TMP/gen" >"$TMP/planted" 2>&1
expect_grep "a planted check -> render include is caught" "check -> render" "$TMP/planted"
expect_grep "a planted libzip use in render is caught" "<zip.h> in render" "$TMP/planted"

# Only the load stage reads the dossier folder: check, render and emit take
# its files' bytes from the model (SourceFile.data, read by load/; the
# bundle's copy too; the dossier's own templates, read by load_templates),
# so none of them hands the model's root (the dossier folder) or the
# dossier's templates folder to a function that opens or lists files.
# midbuild.sh tries it at run time: the folder moved away after rendering,
# the bundle still built.
below_load() {
    grep -rnE '(\bfs_[a-z_]+|\bopen[a-z]*|\bfopen|\bopendir|\bstat|\baccess)[[:space:]]*\([^;]*\b((m|model)->root|user_templates)\b' \
        "$1/check" "$1/render" "$1/emit" 2>/dev/null
}
if below_load "$ROOT/generator" >"$TMP/root"; then
    fail "no stage below load opens a file of the dossier folder" "$(head -5 "$TMP/root")"
else ok "no stage below load opens a file of the dossier folder"; fi
mkdir -p "$TMP/gen/emit"
printf '    if (!fs_read_below(m->root, f->path, max, &data, &len)) return false;\n' >"$TMP/gen/emit/z.c"
if below_load "$TMP/gen" >/dev/null; then ok "a planted read of the dossier folder in emit is caught"
else fail "a planted read of the dossier folder in emit is caught"; fi
mkdir -p "$TMP/gen2/render" "$TMP/gen2/check" "$TMP/gen2/emit"
printf '    bool own = fs_is_dir(r->opts.user_templates);\n' >"$TMP/gen2/render/z.c"
if below_load "$TMP/gen2" >/dev/null; then ok "a planted look at the dossier's templates folder in render is caught"
else fail "a planted look at the dossier's templates folder in render is caught"; fi
