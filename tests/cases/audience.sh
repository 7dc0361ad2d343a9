#!/bin/sh
# Audiences through dossier build: public outputs (advisories, csaf,
# whitepaper) see a view of the model without internal records, and a
# template that reads an internal field fails the build (exit 3) naming the
# field, the record and the output; the internal site still sees everything.
. "$(dirname "$0")/../lib.sh"

d="$TMP/pump"
copy_example infusion-pump pump
# VUL-002 becomes internal, and with it ADV-2025-001, the one advisory that
# covers it; CVE-2024-6387 keeps its CVSS vector internal.
sed -i 's/^id: VUL-002$/id: VUL-002\ninternal: true/' "$d/vulnerabilities/VUL-002.md"
sed -i 's/^id: ADV-2025-001$/id: ADV-2025-001\ninternal: true/' "$d/advisories/ADV-2025-001.md"
sed -i 's/^id: CVE-2024-6387$/id: CVE-2024-6387\ninternal_fields: [cvss_vector]/' "$d/vulnerabilities/CVE-2024-6387.md"
expect_exit "check: still clean" 0 "$DOSSIER" check "$d"

# The default advisory bulletins print cvss_vector: the build must fail.
expect_exit "internal field: the build fails with exit 3" 3 "$DOSSIER" build "$d" -o "$TMP/out1" --only advisories
expect_grep "internal field: names the field, the record and the output" \
    "the fields of CVE-2024-6387 (a vulnerability): 'cvss_vector' is internal: the public output 'advisories' cannot use it" "$TMP/out"
expect_grep "internal field: names the template line" "lua-templates/advisories/bulletin.html:" "$TMP/out"
check "internal field: writes nothing" test ! -e "$TMP/out1"
expect_exit "internal field: the site still reads it" 0 "$DOSSIER" build "$d" -o "$TMP/site" --only site
expect_grep "internal field: the site shows it" "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H" "$TMP/site/vulnerabilities/CVE-2024-6387.html"
expect_grep "internal record: the site has its page" "<title>VUL-002 Cross-site request forgery on gateway console role assignment" "$TMP/site/vulnerabilities/VUL-002.html"

# A public output's view, printed by a dossier template.
mkdir -p "$d/templates/advisories"
cat >"$d/templates/advisories/main.lua" <<'LUA'
local lines = {}
local function add(s) lines[#lines + 1] = s end
for _, r in ipairs(model.records) do add("record " .. r.id) end
for _, r in ipairs(model.by_type.vulnerability) do add("vulnerability " .. r.id) end
add("index VUL-002 " .. tostring(model.index["VUL-002"]))
add("findings " .. #model.findings)
local rel = model.index["REL-3.1.0"]
add("fixes field " .. table.concat(rel.fields.fixes or {}, ","))
add("fixes rel " .. #rel.rel.fixes)
for _, l in ipairs(rel.links) do add("link " .. l.name .. " " .. l.record.id) end
for _, r in ipairs(model.index["CTL-006"].mentioned_by) do add("mentioned_by " .. r.id) end
for _, r in ipairs(rel.mentions) do add("mentions " .. r.id) end
local cve = model.index["CVE-2024-6387"]
for k in pairs(cve.fields) do add("field " .. k) end
add("score " .. tostring(cve.fields.cvss_score))
write("public/advisories/view.txt", table.concat(lines, "\n") .. "\n")
LUA
expect_exit "public view: builds" 0 "$DOSSIER" build "$d" -o "$TMP/view" --only advisories
v="$TMP/view/public/advisories/view.txt"
if grep -v '^index VUL-002' "$v" | grep -q 'VUL-002'; then fail "public view: VUL-002 in no array or link list" "$(grep VUL-002 "$v")"; else ok "public view: VUL-002 in no array or link list"; fi
expect_grep "public view: not in the index" "index VUL-002 nil" "$v"
expect_grep "public view: no findings" "findings 0" "$v"
check "public view: link fields drop the internal ID" grep -qx "fixes field " "$v"
expect_grep "public view: rel drops it" "fixes rel 0" "$v"
if grep -q '^field cvss_vector$' "$v"; then fail "public view: pairs skips the internal field"; else ok "public view: pairs skips the internal field"; fi
expect_grep "public view: other fields stay" "score 8.1" "$v"
grep -c '^record ' "$v" >"$TMP/n"
check "public view: every other record is there" test "$(cat "$TMP/n")" -gt 100

# The same template as the (internal) site sees everything.
mkdir -p "$d/templates/site"
sed 's#public/advisories/view.txt#view.txt#' "$d/templates/advisories/main.lua" >"$d/templates/site/main.lua"
expect_exit "site view: builds" 0 "$DOSSIER" build "$d" -o "$TMP/siteview" --only site
expect_grep "site view: VUL-002 is there" "vulnerability VUL-002" "$TMP/siteview/view.txt"
expect_grep "site view: fixes names it" "fixes field VUL-002" "$TMP/siteview/view.txt"
expect_grep "site view: the internal field is there" "field cvss_vector" "$TMP/siteview/view.txt"

# A module imported by a public output is run for its view, not reused from the site's.
rm "$d/templates/site/main.lua" "$d/templates/advisories/main.lua"
cat >"$d/templates/site/count.lua" <<'LUA'
return { n = #model.by_type.vulnerability }
LUA
printf '%s\n' 'write("n-site.txt", tostring(import("site/count.lua").n))' 'local m = import("site/lib.lua")' >"$d/templates/site/main.lua"
printf '%s\n' 'write("public/advisories/n.txt", tostring(import("site/count.lua").n))' >"$d/templates/advisories/main.lua"
expect_exit "modules: builds both" 0 "$DOSSIER" build "$d" -o "$TMP/mods" --only site,advisories
nsite=$(cat "$TMP/mods/n-site.txt")
check "modules: the site counts VUL-002" test "$nsite" -ge 5
check "modules: the public output counts one less" test "$(cat "$TMP/mods/public/advisories/n.txt")" = $((nsite - 1))

# The CSAF VEX leaves the internal record out.
rm -rf "$d/templates"
sed -i '/^internal_fields: \[cvss_vector\]$/d' "$d/vulnerabilities/CVE-2024-6387.md"
expect_exit "csaf: builds" 0 "$DOSSIER" build "$d" -o "$TMP/csaf" --only csaf,advisories
if grep -rq 'VUL-002' "$TMP/csaf/public"; then fail "csaf: no public file names VUL-002" "$(grep -rl VUL-002 "$TMP/csaf/public" | head -3)"; else ok "csaf: no public file names VUL-002"; fi
