-- csaf/lib.lua: what the CSAF documents (csaf/) and the bulletins
-- (advisories/) share: the releases as products, the versions an advisory
-- names matched to releases, affected and fixed releases, CSAF file names,
-- dates and CVSS. Runs over the public view of the model.
local M = {}

-- "2024-07-12" -> "2024-07-12T00:00:00.000Z": CSAF and Atom want a time.
-- The prose of r (its Markdown) for a CSAF note, which customers read
-- outside the dossier: each [ID] it names becomes the record's title with
-- the ID in parentheses when the public view has that record, else the ID
-- alone (an internal record's title never leaves). The title itself when
-- the record has no prose.
function M.note_text(r)
  if r.body_markdown == "" then return r.title end
  local named = {}
  for _, m in ipairs(r.mentions) do named[m.id] = m end
  return (r.body_markdown:gsub("%[([%u][%u%d]*%-[%w%.%-]+)%]", function(id)
    local m = named[id]
    if m then return m.title .. " (" .. id .. ")" end
    return id
  end))
end

function M.timestamp(date)
  return date .. "T00:00:00.000Z"
end

-- The manufacturer's web address without a trailing slash: the base of the
-- provider's URLs. An error when dossier.xml gives none.
function M.base_url()
  local u = model.product.manufacturer_url
  if not u or not u:find("^https://") then
    error("dossier.xml gives no https manufacturer URL; CSAF needs one for the publisher namespace and the provider's URLs")
  end
  return (u:gsub("/+$", ""))
end

function M.vendor()
  return model.product.manufacturer or model.product.name
end

function M.publisher()
  return { category = "vendor", name = M.vendor(), namespace = M.base_url() }
end

-- CSAF 2.0 section 5.1: lower-case tracking ID, every run of characters
-- outside [+-a-z0-9] replaced by one "_", then ".json".
function M.filename(tracking_id)
  return (tracking_id:lower():gsub("[^%+%-a-z0-9]+", "_")) .. ".json"
end

-- The advisories to publish for everyone: those the check stage judged
-- public (TLP:CLEAR, not a draft; a draft is previewed in the internal
-- site), sorted by ID.
function M.published()
  local list = {}
  for _, adv in ipairs(model.by_type.advisory) do
    if adv.verdict.state == "public" then list[#list + 1] = adv end
  end
  return list
end

-- The advisories for their recipients only (a TLP label other than
-- CLEAR), sorted by ID: written under restricted/, never under public/.
function M.restricted()
  local list = {}
  for _, adv in ipairs(model.by_type.advisory) do
    if adv.verdict.state == "restricted" then list[#list + 1] = adv end
  end
  return list
end

-- Where the CSAF document of adv goes, relative to the build output, and
-- its URL: public/csaf/.well-known/csaf/white/<year>/ for a public one;
-- restricted/csaf/<label>/<year>/ for a restricted one, which the web
-- server serves at /.well-known/csaf/<label>/ behind access control.
function M.place(adv, tracking_id, year)
  local file = year .. "/" .. M.filename(tracking_id)
  local base = M.base_url() .. "/.well-known/csaf/"
  if adv and adv.verdict.state == "restricted" then
    local label = adv.verdict.csaf_tlp:lower()
    return "restricted/csaf/" .. label .. "/" .. file, base .. label .. "/" .. file
  end
  return "public/csaf/.well-known/csaf/white/" .. file, base .. "white/" .. file
end

-- document.distribution of a CSAF document: the TLP label as CSAF 2.0
-- takes it, with the definition's URL, and for a restricted label what its
-- recipients may do with it, in words.
local SHARING = {
  GREEN = "TLP:GREEN: recipients may share it with peers and partners in their community, not publicly.",
  AMBER = "TLP:AMBER: recipients may share it within their organisation and with its clients on a need-to-know basis.",
  ["AMBER+STRICT"] = "TLP:AMBER+STRICT: recipients may share it within their organisation only. CSAF 2.0 has no such label, so the document carries AMBER.",
  RED = "TLP:RED: for the named recipients only; not to be shared further.",
}
function M.distribution(adv)
  local label, tlp = "WHITE", "CLEAR"
  if adv then label, tlp = adv.verdict.csaf_tlp, adv.verdict.tlp end
  return { tlp = { label = label, url = "https://www.first.org/tlp/" }, text = SHARING[tlp] }
end

-- Releases sorted by date, then ID: the products of the product tree.
local releases
function M.releases()
  if releases then return releases end
  releases = sorted(model.by_type.release, function(a, b)
    if a.fields.date ~= b.fields.date then return a.fields.date < b.fields.date end
    return a.id < b.id
  end)
  return releases
end

-- Version strings named in a text: "Cadence Gateway 3.0.1 and later" -> {"3.0.1"}.
function M.versions_in(text)
  local found = {}
  for v in text:gmatch("%d+%.%d+[%.%d]*") do found[#found + 1] = (v:gsub("%.+$", "")) end
  return found
end

local function release_of(version)
  for _, r in ipairs(M.releases()) do
    if r.fields.version == version then return r end
  end
  return nil
end

-- The releases an advisory names as affected and as fixed. Fixed: the
-- releases of fixed_by and those whose version fixed_versions names, and
-- every later release (a later release carries the fix), never one that
-- is affected. Both sorted by date.
function M.advisory_releases(adv)
  local affected, is_affected = {}, {}
  for _, text in ipairs(adv.fields.affected_versions or {}) do
    for _, v in ipairs(M.versions_in(text)) do
      local r = release_of(v)
      if r and not is_affected[r.id] then
        is_affected[r.id] = true
        affected[#affected + 1] = r
      end
    end
  end
  local first
  local function consider(r)
    if r and not is_affected[r.id] and (not first or r.fields.date < first.fields.date) then first = r end
  end
  for _, r in ipairs(adv.rel.fixed_by) do consider(r) end
  for _, text in ipairs(adv.fields.fixed_versions or {}) do
    for _, v in ipairs(M.versions_in(text)) do consider(release_of(v)) end
  end
  local fixed = {}
  if first then
    for _, r in ipairs(M.releases()) do
      if r.fields.date >= first.fields.date and not is_affected[r.id] then fixed[#fixed + 1] = r end
    end
  end
  table.sort(affected, function(a, b) return a.fields.date < b.fields.date end)
  return affected, fixed
end

-- The product ID of a release, and the IDs of a list of releases (nil when empty).
function M.ids(list)
  if #list == 0 then return nil end
  local ids = {}
  for i, r in ipairs(list) do ids[i] = r.id end
  return ids
end

-- The product tree: vendor -> product name -> one product_version branch
-- per release; the product's version from dossier.xml is added when no
-- release has it.
function M.product_tree()
  local p = model.product
  local versions = {}
  for _, r in ipairs(M.releases()) do
    versions[#versions + 1] = {
      category = "product_version", name = r.fields.version,
      product = { product_id = r.id, name = p.name .. " " .. r.fields.version },
    }
  end
  if p.version and not release_of(p.version) then
    versions[#versions + 1] = {
      category = "product_version", name = p.version,
      product = { product_id = "VERSION-" .. p.version, name = p.name .. " " .. p.version },
    }
  end
  if #versions == 0 then error("the dossier has no releases and dossier.xml no product version: CSAF needs a product") end
  return {
    branches = { {
      category = "vendor", name = M.vendor(),
      branches = { { category = "product_name", name = p.name, branches = versions } },
    } },
  }
end

-- The product's parts (assets with part: true) as products of the given
-- releases: each part a product of its own (its asset ID) that is a
-- default component of each release, added to tree once; returns the
-- IDs of those combined products ("REL-3.0.0:AST-005") for parts in
-- release order, nil when there are none.
function M.part_products(tree, seen, parts, releases)
  local ids = {}
  for _, r in ipairs(releases) do
    for _, part in ipairs(parts) do
      if not seen[part.id] then
        seen[part.id] = true
        tree.full_product_names = tree.full_product_names or {}
        table.insert(tree.full_product_names, { product_id = part.id, name = part.title })
      end
      local pid = r.id .. ":" .. part.id
      if not seen[pid] then
        seen[pid] = true
        tree.relationships = tree.relationships or {}
        table.insert(tree.relationships, {
          category = "default_component_of", product_reference = part.id, relates_to_product_reference = r.id,
          full_product_name = { product_id = pid, name = part.title .. " in " .. model.product.name .. " " .. r.fields.version },
        })
      end
      ids[#ids + 1] = pid
    end
  end
  if #ids == 0 then return nil end
  return ids
end

-- The statement on the parts a vulnerability does not affect: a threat of
-- category impact for their products (CSAF's VEX profile wants one for
-- every product known not to be affected), nil when there are none.
function M.parts_impact(v, ids)
  if not ids then return nil end
  local names = {}
  for i, p in ipairs(v.verdict.parts_affected) do names[i] = p.title end
  return { category = "impact", product_ids = ids,
           details = "The vulnerability is in " .. table.concat(names, ", ") .. " only; these parts do not contain it." }
end

-- Every product ID of the tree, in tree order.
function M.all_ids()
  local ids = {}
  for _, b in ipairs(M.product_tree().branches[1].branches[1].branches) do ids[#ids + 1] = b.product.product_id end
  return ids
end

-- "1" -> "1.0.0", "2.1" -> "2.1.0": revision numbers as semantic versions,
-- so a "2.1" revision fits the CSAF version rules.
function M.semver(n)
  local parts = {}
  for d in tostring(n):gmatch("%d+") do parts[#parts + 1] = d end
  while #parts < 3 do parts[#parts + 1] = "0" end
  return table.concat(parts, ".", 1, 3)
end

-- An advisory's revisions sorted by date, then number.
function M.revisions(adv)
  return sorted(adv.fields.revisions, function(a, b)
    if a.date ~= b.date then return a.date < b.date end
    return M.semver(a.number) < M.semver(b.number)
  end)
end

-- CVSS v3 base severity of a score.
-- CSAF 2.0 has no score object for CVSS v4.0: its vector and the score the check stage
-- computed travel as a note of category "other", nil without a vector that parses
function M.cvss4_note(v)
  local vd = v.verdict
  if not vd or not vd.cvss4_rating then return nil end
  return { category = "other", title = "CVSS v4.0",
           text = ("Score %.1f (%s, %s), from the vector %s"):format(vd.cvss4_score, vd.cvss4_rating:upper(),
                                                                      vd.cvss4_nomenclature, v.fields.cvss4_vector) }
end

-- The cvss_v3 object of a vulnerability (the score and rating the check stage computed
-- from its vector), or nil when it has no v3 vector.
function M.cvss(v)
  local vector, vd = v.fields.cvss_vector, v.verdict
  if not vector or not vd or not vd.cvss_version then return nil end
  return { version = vd.cvss_version, vectorString = vector, baseScore = vd.cvss_score + 0.0,
           baseSeverity = vd.cvss_rating:upper() }
end

-- The vulnerability's identification: cve when it has a CVE ID, else ids.
function M.vuln_ids(v, out)
  if v.id:find("^CVE%-%d%d%d%d%-%d%d%d%d+$") then
    out.cve = v.id
  else
    out.ids = { { system_name = M.vendor() .. " vulnerability ID", text = v.id } }
  end
  return out
end

-- One line on exploitability, patient-harm severity and risk, or nil.
function M.impact(v)
  local f, parts = v.fields, {}
  if f.exploitability then parts[#parts + 1] = "exploitability in the device: " .. f.exploitability ..
      (f.exploitability == "remote" and " (practically not exploitable)" or "") end
  if f.severity then parts[#parts + 1] = "worst credible patient harm: " .. f.severity end
  if f.risk then parts[#parts + 1] = "risk: " .. f.risk end
  if #parts == 0 then return nil end
  local s = table.concat(parts, "; ")
  return (s:gsub("^%l", string.upper)) .. "."
end

return M
