-- common/cyclonedx.lua: the device's SBOM and VEX as one CycloneDX 1.6
-- document, a Lua table in the shape of the JSON format (sbom/xml.lua writes
-- the same table as XML). Used by the customer SBOM (public view of the
-- model) and by the premarket bundle (the whole model).
--
-- Support data goes out as properties of the taxonomy: the lifecycle
-- milestone cdx:lifecycle:milestone:endOfSupport and the FDA namespace
-- (cdx:fda:level-of-support, cdx:fda:end-of-support-date,
-- cdx:fda:justification, cdx:fda:update-or-replace-plan), which dossier reads
-- back. The serial number comes from the product's name and version, the
-- timestamp is the build date: the same dossier gives the same bytes.
local M = {}
local json = import("common/json.lua")

M.spec = "1.6"

local types = {
  application = true, framework = true, library = true, container = true, platform = true,
  ["operating-system"] = true, device = true, ["device-driver"] = true, firmware = true, file = true,
  ["machine-learning-model"] = true, data = true, ["cryptographic-asset"] = true,
}
-- SPDX 2.3 primaryPackagePurpose values (as the loader writes them) that
-- CycloneDX names otherwise; any other unknown kind is written as library.
local spdx_purposes = { source = "file", archive = "file", install = "application", other = "library" }
-- dossier's VEX states and justifications in CycloneDX's words.
local states = { not_affected = "not_affected", affected = "exploitable", fixed = "resolved",
  under_investigation = "in_triage" }
local justifications = {
  component_not_present = "code_not_present", vulnerable_code_not_present = "code_not_present",
  vulnerable_code_not_in_execute_path = "code_not_reachable",
  vulnerable_code_cannot_be_controlled_by_adversary = "requires_environment",
  inline_mitigations_already_exist = "protected_by_mitigating_control",
}
local responses = { can_not_fix = true, will_not_fix = true, update = true, rollback = true,
  workaround_available = true }
local support_words = { ["actively-maintained"] = "actively maintained",
  ["no-longer-maintained"] = "no longer maintained", abandoned = "abandoned", unknown = "unknown" }
local hash_algs = { MD5 = "MD5", SHA1 = "SHA-1", ["SHA-1"] = "SHA-1", SHA256 = "SHA-256", ["SHA-256"] = "SHA-256",
  SHA384 = "SHA-384", ["SHA-384"] = "SHA-384", SHA512 = "SHA-512", ["SHA-512"] = "SHA-512",
  ["SHA3-256"] = "SHA3-256", ["SHA3-384"] = "SHA3-384", ["SHA3-512"] = "SHA3-512",
  ["BLAKE2B-256"] = "BLAKE2b-256", ["BLAKE2B-384"] = "BLAKE2b-384", ["BLAKE2B-512"] = "BLAKE2b-512",
  BLAKE3 = "BLAKE3" }

-- Text on one line: runs of white space as one space, no space at the ends.
local function text_one_line(s)
  return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local function nonempty(t) if #t > 0 then return t end return nil end

local function prop(props, name, value)
  if value ~= nil and value ~= "" then props[#props + 1] = { name = name, value = tostring(value) } end
end

-- "SHA256:abc..." as a CycloneDX hash, or nil when the algorithm is not one
-- CycloneDX names or the value is not hex.
local function hash(text)
  local alg, hex = text:match("^([%w%-]+):(%x+)$")
  alg = alg and hash_algs[alg:upper()]
  if alg then return { alg = alg, content = hex:lower() } end
end

local function support_props(f)
  local props = {}
  prop(props, "cdx:fda:level-of-support", support_words[f.support or ""])
  local eos = f.end_of_support
  if eos and eos ~= "unknown" then
    prop(props, "cdx:lifecycle:milestone:endOfSupport", eos)
    prop(props, "cdx:fda:end-of-support-date", eos)
  end
  if f.support_reason then
    -- "<property-name>: <reason>", the property named in full (the taxonomy's cdx:fda)
    if f.support == "unknown" then
      prop(props, "cdx:fda:justification", "cdx:fda:level-of-support: " .. f.support_reason)
    end
    if eos == "unknown" then
      prop(props, "cdx:fda:justification", "cdx:fda:end-of-support-date: " .. f.support_reason)
    end
  end
  local plan = f.eos_plan
  if plan then
    local text = plan.action .. ": " .. text_one_line(plan.detail)
    if plan.due then text = text .. " (due " .. plan.due .. ")" end
    prop(props, "cdx:fda:update-or-replace-plan", text)
  end
  return props
end

-- The fields the view lets this output see: pairs skips a withheld
-- (internal) field, so an SBOM leaves it out rather than stopping the build.
local function visible(r)
  local f = {}
  for k, v in pairs(r.fields) do f[k] = v end
  return f
end
M.visible = visible

-- A component's licences as CycloneDX has them: a known SPDX ID as an id,
-- any other text as a name; an SPDX expression as the one expression of
-- the list (CycloneDX takes one expression, or licences, not both: several
-- expressions and IDs are joined with AND; a name beside an expression is
-- kept as a name, and the expression then too, as text).
function M.licenses(list)
  local out, exprs, names, seen = {}, {}, {}, {}
  for _, l in ipairs(list or {}) do
    local kind, text = license(l)
    if not seen[text] then
      seen[text] = true
      if kind == "expression" then exprs[#exprs + 1] = text
      elseif kind == "id" then out[#out + 1] = { license = { id = text } }
      else names[#names + 1] = text end
    end
  end
  if #exprs > 0 and #names == 0 then
    if #exprs == 1 and #out == 0 then return { { expression = exprs[1] } } end
    local parts = {}
    for _, e in ipairs(exprs) do parts[#parts + 1] = "(" .. e .. ")" end
    for _, o in ipairs(out) do parts[#parts + 1] = o.license.id end
    return { { expression = table.concat(parts, " AND ") } }
  end
  for _, e in ipairs(exprs) do names[#names + 1] = e end
  for _, n in ipairs(names) do out[#out + 1] = { license = { name = n } } end
  return out
end

local function component(c)
  local f = visible(c)
  local hashes, licenses = {}, {}
  for _, h in ipairs(f.hashes or {}) do hashes[#hashes + 1] = hash(h) end
  licenses = M.licenses(f.licenses)
  return {
    ["bom-ref"] = c.id, type = types[f.kind or ""] and f.kind or spdx_purposes[f.kind or ""] or "library",
    name = f.name or c.id, version = f.version, group = f.group, purl = f.purl, cpe = f.cpe,
    supplier = f.supplier and { name = f.supplier } or nil,
    hashes = nonempty(hashes), licenses = nonempty(licenses), properties = nonempty(support_props(f)),
  }
end

-- The VEX statements of a vulnerability: the first detail, the responses
-- CycloneDX names, and the rest of the actions as a recommendation.
local function statements(f)
  local detail, rs, actions, seen = nil, {}, {}, {}
  for _, s in ipairs(f.vex or {}) do
    detail = detail or s.detail
    for _, r in ipairs(s.response or {}) do
      if not seen[r] then
        seen[r] = true
        if responses[r] then rs[#rs + 1] = r else actions[#actions + 1] = text_one_line(r) end
      end
    end
  end
  return detail, rs, actions
end

local function vulnerability(v, refs)
  local f = visible(v)
  local affects = {}
  for _, c in ipairs(v.rel.sbom_components) do
    if refs[c.id] then affects[#affects + 1] = { ref = c.id } end
  end
  if #affects == 0 then return nil end
  local detail, rs, actions = statements(f)
  local fixes = {}
  for _, r in ipairs(v.rel.fixed_in) do fixes[#fixes + 1] = r.fields.version end
  if #fixes > 0 then table.insert(actions, 1, "Update to version " .. table.concat(fixes, ", ") .. ".") end
  local state = states[f.vex_state or ""]
  local ratings = M.ratings(v, f)
  local cwe = f.cwe and tonumber(f.cwe:match("^CWE%-(%d+)$"))
  -- the product's parts it affects and does not, as the check stage judged
  -- them: CycloneDX's affects name the SBOM's components, and a part is none
  local vd = v.verdict
  local parts = {}
  for _, p in ipairs(vd and vd.parts_affected or {}) do parts[#parts + 1] = { name = "dossier:part:affected", value = p.title } end
  for _, p in ipairs(vd and vd.parts_unaffected or {}) do parts[#parts + 1] = { name = "dossier:part:not-affected", value = p.title } end
  return {
    ["bom-ref"] = "vuln-" .. v.id, id = v.id,
    source = v.id:find("^CVE%-") and { name = "NVD", url = "https://nvd.nist.gov/vuln/detail/" .. v.id } or nil,
    ratings = ratings, cwes = cwe and { cwe } or nil, description = v.title,
    recommendation = #actions > 0 and table.concat(actions, " ") or nil,
    analysis = state and {
      state = state, justification = justifications[f.vex_justification or ""],
      response = nonempty(rs), detail = detail and text_one_line(detail) or nil,
    } or nil,
    affects = affects,
    properties = nonempty(parts),
  }
end

-- The ratings of v: the score and its rating as the check stage computed
-- them from the vector.
function M.ratings(v, f)
  local ratings
  local vd = v.verdict
  if vd and vd.cvss_rating then
    ratings = { { method = vd.cvss_version == "3.0" and "CVSSv3" or "CVSSv31", score = vd.cvss_score,
                  severity = vd.cvss_rating, vector = f.cvss_vector } }
  end
  if vd and vd.cvss4_rating then
    ratings = ratings or {}
    ratings[#ratings + 1] = { method = "CVSSv4", score = vd.cvss4_score, severity = vd.cvss4_rating,
                              vector = f.cvss4_vector }
  end
  return ratings
end

-- A vulnerability as it stands in one supported release (vv, from
-- model.verdicts.versions): its state there, about the device of that
-- version (affected, unaffected or unknown).
local version_status = { affected = "affected", fixed = "unaffected", not_affected = "unaffected",
  under_investigation = "unknown" }
local function version_vulnerability(vv, sv)
  local v = vv.record
  local f = visible(v)
  local detail, rs, actions = statements(f)
  if vv.fixed_by and vv.state == "affected" then
    table.insert(actions, 1, "Update to version " .. vv.fixed_by.fields.version .. " or later.")
  end
  local cwe = f.cwe and tonumber(f.cwe:match("^CWE%-(%d+)$"))
  return {
    ["bom-ref"] = "vuln-" .. v.id, id = v.id,
    source = v.id:find("^CVE%-") and { name = "NVD", url = "https://nvd.nist.gov/vuln/detail/" .. v.id } or nil,
    ratings = M.ratings(v, f), cwes = cwe and { cwe } or nil, description = v.title,
    recommendation = #actions > 0 and table.concat(actions, " ") or nil,
    analysis = {
      state = states[vv.state], justification = justifications[vv.justification or ""],
      response = vv.state == "affected" and nonempty(rs) or nil,
      detail = vv.state == f.vex_state and detail and text_one_line(detail) or nil,
    },
    affects = { { ref = "device", versions = { { version = sv.version, status = version_status[vv.state] } } } },
  }
end

-- The document as a table; model is whichever view the output sees. sv:
-- a supported release (model.verdicts.versions) for that version's SBOM and
-- VEX (its components, each vulnerability as it stands in it), nil for the
-- device the dossier describes; vex_only: the VEX without the components.
function M.bom(sv, vex_only)
  local p = model.product
  local name, version = p.name or "device", p.version
  -- the components as {id, fields, deps}: the device's records, or the release's
  local list = {}
  if sv then
    version = sv.version
    for _, c in ipairs(sv.components) do
      list[#list + 1] = { id = c.id, fields = c.fields, deps = c.record and c.record.rel.depends_on or {} }
    end
  else
    for _, c in ipairs(model.by_type.component) do
      list[#list + 1] = { id = c.id, fields = c.fields, deps = c.rel.depends_on }
    end
  end
  if vex_only then list = {} end
  local components, deps, refs, depended = {}, {}, {}, {}
  for _, c in ipairs(list) do
    components[#components + 1] = component(c)
    refs[c.id] = true
  end
  for _, c in ipairs(list) do
    local on = {}
    for _, d in ipairs(c.deps) do
      if refs[d.id] then on[#on + 1] = d.id; depended[d.id] = true end
    end
    -- a leaf says so (dependsOn: []), as some consumers require
    deps[#deps + 1] = { ref = c.id, dependsOn = nonempty(on) or json.EMPTY_ARRAY }
  end
  -- The device holds every component nothing else in it depends on.
  local top = {}
  for _, c in ipairs(list) do
    if not depended[c.id] then top[#top + 1] = c.id end
  end
  table.insert(deps, 1, { ref = "device", dependsOn = nonempty(top) })
  local vulns = {}
  if sv then
    for _, vv in ipairs(sv.vulnerabilities) do
      -- embargoed: only restricted advisories tell of it yet (check decides)
      if not vv.record.verdict.embargoed then vulns[#vulns + 1] = version_vulnerability(vv, sv) end
    end
  else
    for _, v in ipairs(model.by_type.vulnerability) do
      if not v.verdict.embargoed then vulns[#vulns + 1] = vulnerability(v, refs) end
    end
  end
  local maker = p.manufacturer and { name = p.manufacturer, url = p.manufacturer_url and { p.manufacturer_url } or nil }
  local seed = sv and ("dossier " .. (vex_only and "vex" or "sbom") .. " of a version\0") or "dossier sbom\0"
  return {
    ["$schema"] = "http://cyclonedx.org/schema/bom-1.6.schema.json",
    bomFormat = "CycloneDX", specVersion = M.spec, version = 1,
    serialNumber = name_uuid(seed .. (p.manufacturer or "") .. "\0" .. name .. "\0" .. (version or "")),
    metadata = {
      timestamp = model.build_date .. "T00:00:00Z",
      tools = { components = { { type = "application", name = "dossier", version = dossier_version ~= "" and dossier_version or nil } } },
      component = { ["bom-ref"] = "device", type = "device", name = name, version = version,
                    manufacturer = maker, description = p.description and text_one_line(p.description) or nil },
      manufacturer = maker, supplier = maker,
    },
    components = nonempty(components),
    dependencies = not vex_only and deps or nil,
    vulnerabilities = nonempty(vulns),
  }
end

return M
