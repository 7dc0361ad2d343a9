#!/bin/sh
# Each output's templates use their own folder and lua-templates/common/
# only: no output imports, includes or renders another output's template,
# so an output can be changed (or overridden by a dossier) without breaking
# another. Read from the template sources; an arrow not allowed here fails.
# Also: the record schema's titles of enum values reach the templates, and
# a schema whose titles do not match its values is refused.
. "$(dirname "$0")/../lib.sh"

if python3 - "$ROOT/lua-templates" >"$TMP/arrows" 2>&1 <<'PY'
import os, re, sys
root = sys.argv[1]
outputs = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
ref = re.compile(r'(?:import|include|render)\(\s*"([a-z0-9_-]+)/[^"]+"')
bad = []
for out in outputs:
    for dirpath, _, files in os.walk(os.path.join(root, out)):
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            text = open(p, encoding="utf-8").read()
            for m in ref.finditer(text):
                target = m.group(1)
                if target in (out, "common"):
                    continue
                line = text.count("\n", 0, m.start()) + 1
                bad.append("%s:%d: %s uses %s/" % (os.path.relpath(p, root), line, out, target))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
then ok "no output uses another output's templates (only its own and common/)"
else fail "no output uses another output's templates (only its own and common/)" "$(cat "$TMP/arrows")"
fi

# common/ uses nothing of an output either (the caller names its own
# templates, as common/findings.html's record_link)
if grep -rnE '(import|include|render)\( *"(site|bundle|csaf|sbom|advisories|mds2|whitepaper|postmarket|diff)/' "$ROOT/lua-templates/common" >"$TMP/common"; then
    fail "common/ uses no output's templates" "$(cat "$TMP/common")"
else ok "common/ uses no output's templates"; fi

# the schema's titles reach the bundle and the whitepaper alike (control
# and test categories)
"$DOSSIER" build "$ROOT/examples/infusion-pump" -o "$TMP/pump" --only bundle,whitepaper -q 2>/dev/null
expect_grep "bundle: control categories titled from the schema" "<h2>Firmware and software updates</h2>" "$TMP/pump/premarket/04-security-controls.html"
expect_grep "bundle: test categories titled from the schema" "<h2>Penetration testing</h2>" "$TMP/pump/premarket/06-testing.html"
copy_example minimal wp
printf '# Security whitepaper\n\n## Controls\n\n{{controls}}\n' >"$TMP/wp/whitepaper.md"
"$DOSSIER" build "$TMP/wp" -o "$TMP/wp-out" --only whitepaper --fail-on none -q 2>/dev/null
expect_grep "whitepaper: the same category titles as the bundle" "<h3>Firmware and software updates</h3>" "$TMP/wp-out/public/whitepaper.html"
