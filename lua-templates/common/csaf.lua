-- common/csaf.lua: what the CSAF documents (csaf/) and the bulletins
-- (advisories/) both say of the advisories: which are published and which
-- restricted, where each one's CSAF document goes and under what TLP
-- label, the releases an advisory names as affected and fixed, its
-- revisions, dates as CSAF and Atom write them, CVSS and impact. What
-- only the CSAF documents need (the product tree, the products of the
-- parts, the notes) is in csaf/lib.lua. Runs over the public view of the
-- model.
local M = {}

-- "2024-07-12" -> "2024-07-12T00:00:00.000Z": CSAF and Atom want a time.
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

-- CSAF 2.0 section 5.1: lower-case tracking ID, every run of characters
-- outside [+-a-z0-9] replaced by one "_", then ".json".
function M.filename(tracking_id)
  return (tracking_id:lower():gsub("[^%+%-a-z0-9]+", "_")) .. ".json"
end

-- The advisories whose publication the check stage judged state
-- ("public": TLP:CLEAR and not a draft; "restricted": another TLP label),
-- sorted by ID.
local function advisories_in(state)
  local list = {}
  for _, adv in ipairs(model.by_type.advisory) do
    if adv.verdict.state == state then list[#list + 1] = adv end
  end
  return list
end

-- The advisories to publish for everyone (a draft is previewed in the
-- internal site only).
function M.published() return advisories_in("public") end

-- The advisories for their recipients only: written under restricted/,
-- never under public/.
function M.restricted() return advisories_in("restricted") end

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

-- The release of that version, or nil.
function M.release_of(version)
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
      local r = M.release_of(v)
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
    for _, v in ipairs(M.versions_in(text)) do consider(M.release_of(v)) end
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

-- The cvss_v3 object of a vulnerability (the score and rating the check stage computed
-- from its vector), or nil when it has no v3 vector.
function M.cvss(v)
  local vector, vd = v.fields.cvss_vector, v.verdict
  if not vector or not vd or not vd.cvss_version then return nil end
  return { version = vd.cvss_version, vectorString = vector, baseScore = vd.cvss_score + 0.0,
           baseSeverity = vd.cvss_rating:upper() }
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
