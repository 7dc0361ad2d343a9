-- csaf/main.lua: the CSAF 2.0 documents of a dossier, in the provider's
-- folder layout: a csaf_security_advisory per advisory record (a public one
-- under public/, one restricted by its TLP label under restricted/csaf/),
-- one csaf_vex for the product's VEX. The C step after it (emit/provider.c) writes the
-- rest of the provider folder: the .sha256/.sha512 files, index.txt,
-- changes.csv, the ROLIE feeds, provider-metadata.json, security.txt and,
-- with build --csaf-sign, the OpenPGP signatures and key.
local json = import("common/json.lua")
local csaf = import("common/csaf.lua")
local lib = import("csaf/lib.lua")

local has_vex = false
for _, v in ipairs(model.by_type.vulnerability) do has_vex = has_vex or v.fields.vex_state ~= nil end
if #csaf.published() == 0 and #csaf.restricted() == 0 and not has_vex then return end -- nothing to publish

-- Writes doc in the folder of its TLP label and the year of its initial
-- release (csaf.place); adv is nil for the VEX document, which is public.
local function publish(doc, adv)
  local tracking = doc.document.tracking
  local path, url = csaf.place(adv, tracking.id, tracking.initial_release_date:sub(1, 4))
  doc.document.references = doc.document.references or {}
  table.insert(doc.document.references, 1, { category = "self", summary = "This document", url = url })
  write(path, json.encode(doc))
end

local function common_document(category, title, tracking, adv)
  local doc = {
    category = category,
    csaf_version = "2.0",
    publisher = lib.publisher(),
    title = title,
    tracking = tracking,
    lang = "en",
    distribution = csaf.distribution(adv),
  }
  if model.product.cvd_policy_url then
    doc.references = { { category = "external", summary = "Coordinated vulnerability disclosure policy",
                         url = model.product.cvd_policy_url } }
  end
  return doc
end

-- ---- advisories --------------------------------------------------------------

-- The SBOM side of an advisory: each component a vulnerability names by
-- purl becomes a product (its purl as identification helper) that is a
-- default component of each affected release; those combined products
-- are affected too. Adds to tree and returns the combined IDs.
local function component_products(tree, seen, v, affected)
  local ids = {}
  for _, purl in ipairs(v.fields.components or {}) do
    if purl:find("^pkg:") then
      local cid = "CMP:" .. purl
      local name = purl:match("([^/]+)$"):gsub("%?.*$", ""):gsub("#.*$", ""):gsub("@", " ")
      if not seen[cid] then
        seen[cid] = true
        tree.full_product_names = tree.full_product_names or {}
        table.insert(tree.full_product_names, { product_id = cid, name = name,
                                                product_identification_helper = { purl = purl } })
      end
      for _, r in ipairs(affected) do
        local pid = r.id .. ":" .. purl
        if not seen[pid] then
          seen[pid] = true
          tree.relationships = tree.relationships or {}
          table.insert(tree.relationships, {
            category = "default_component_of", product_reference = cid, relates_to_product_reference = r.id,
            full_product_name = { product_id = pid, name = name .. " in " .. model.product.name .. " " .. r.fields.version },
          })
        end
        ids[#ids + 1] = pid
      end
    end
  end
  return ids
end

local function advisory_vulnerability(adv, v, affected, fixed, tree, seen)
  local out = lib.vulnerability(v)
  if v.fields.cwe and v.fields.cwe_name then
    out.cwe = { id = v.fields.cwe, name = v.fields.cwe_name }
  elseif v.fields.cwe then -- the cwe field needs the entry's name: without it, a note
    out.notes[#out.notes + 1] = { category = "details", title = "Weakness", text = v.fields.cwe }
  end
  if v.fields.discovered then out.discovery_date = csaf.timestamp(v.fields.discovered) end
  local status = { known_affected = lib.ids(affected), fixed = lib.ids(fixed) }
  if not status.known_affected and not status.fixed then
    error(adv.id .. ": none of its affected or fixed versions is a release of the dossier")
  end
  for _, pid in ipairs(component_products(tree, seen, v, affected)) do
    table.insert(status.known_affected, pid)
  end
  -- the product's parts: the affected ones where the releases are affected
  -- or fixed, the others known not affected in the affected releases
  local vd = v.verdict
  for _, pid in ipairs(lib.part_products(tree, seen, vd.parts_affected, affected) or {}) do
    table.insert(status.known_affected, pid)
  end
  for _, pid in ipairs(lib.part_products(tree, seen, vd.parts_affected, fixed) or {}) do
    table.insert(status.fixed, pid)
  end
  status.known_not_affected = lib.part_products(tree, seen, vd.parts_unaffected, affected)
  out.product_status = status
  if status.known_affected then
    local rem = {}
    local fix = adv.fields.remediation
    if fix or status.fixed then
      rem[#rem + 1] = { category = "vendor_fix", product_ids = status.known_affected,
                        details = fix or ("Update to a fixed version: " .. table.concat(adv.fields.fixed_versions or {}, ", ")) }
    end
    if adv.fields.workarounds then
      rem[#rem + 1] = { category = "workaround", product_ids = status.known_affected, details = adv.fields.workarounds }
    end
    if #rem == 0 then
      rem[1] = { category = "none_available", product_ids = status.known_affected,
                 details = "No fix is available yet; its availability will be communicated." }
    end
    out.remediations = rem
    local cvss = csaf.cvss(v)
    if cvss then out.scores = { { products = status.known_affected, cvss_v3 = cvss } } end
  end
  local impact = csaf.impact(v)
  if impact then out.threats = { { category = "impact", details = impact } } end
  local parts = lib.parts_impact(v, status.known_not_affected)
  if parts then
    out.threats = out.threats or {}
    table.insert(out.threats, parts)
  end
  return out
end

local advisories = csaf.published()
for _, adv in ipairs(csaf.restricted()) do advisories[#advisories + 1] = adv end
for _, adv in ipairs(advisories) do
  local revisions, history = csaf.revisions(adv), {}
  for i, r in ipairs(revisions) do
    history[i] = { date = csaf.timestamp(r.date), number = csaf.semver(r.number), summary = r.summary }
  end
  local last = revisions[#revisions]
  local doc = common_document("csaf_security_advisory", adv.title, {
    id = adv.id,
    status = adv.fields.status,
    version = csaf.semver(last.number),
    initial_release_date = csaf.timestamp(adv.fields.published),
    current_release_date = csaf.timestamp(last.date),
    revision_history = history,
  }, adv)
  if adv.body_markdown ~= "" then
    doc.notes = { { category = "summary", title = "Summary", text = lib.note_text(adv) } }
  end
  if adv.fields.acknowledgments and #adv.fields.acknowledgments > 0 then
    doc.acknowledgments = {}
    for i, a in ipairs(adv.fields.acknowledgments) do doc.acknowledgments[i] = { summary = a } end
  end
  local affected, fixed = csaf.advisory_releases(adv)
  local vulns, tree, seen = {}, lib.product_tree(), {}
  for _, v in ipairs(adv.rel.vulnerabilities) do
    vulns[#vulns + 1] = advisory_vulnerability(adv, v, affected, fixed, tree, seen)
  end
  if #vulns == 0 then error(adv.id .. ": it covers no public vulnerability") end
  publish({ document = doc, product_tree = tree, vulnerabilities = vulns }, adv)
end

-- ---- VEX -------------------------------------------------------------------------

-- How v stands in each release, as the check stage judged it
-- (model.verdicts.release_states, check/versions.c), by release ID then
-- vulnerability ID; a product without a release record (the product's
-- version from dossier.xml) stands as the record's vex_state says.
local release_state = {}
for _, rs in ipairs(model.verdicts.release_states) do
  local by = {}
  for _, vv in ipairs(rs.vulnerabilities) do by[vv.record.id] = vv end
  release_state[rs.record.id] = by
end
local csaf_status = { not_affected = "known_not_affected", affected = "known_affected", fixed = "fixed",
  under_investigation = "under_investigation" }

-- A copy of list (may be nil) with ids (may be nil) after it; nil when empty.
local function joined(list, ids)
  local out = {}
  for _, id in ipairs(list or {}) do out[#out + 1] = id end
  for _, id in ipairs(ids or {}) do out[#out + 1] = id end
  if #out == 0 then return nil end
  return out
end

local function vex_vulnerability(v, all, tree, seen)
  local out, text = lib.vulnerability(v)
  local status, flags, unjustified, fix = {}, {}, {}, nil
  local affected_releases, fixed_releases = {}, {} -- release records, for the parts below
  for _, pid in ipairs(all) do
    local vv = release_state[pid] and release_state[pid][v.id]
    local state = vv and vv.state or v.fields.vex_state
    local key = csaf_status[state]
    status[key] = status[key] or {}
    table.insert(status[key], pid)
    local rel = model.index[pid]
    if rel and state == "affected" then affected_releases[#affected_releases + 1] = rel end
    if rel and state == "fixed" then fixed_releases[#fixed_releases + 1] = rel end
    if state == "not_affected" then
      local label = vv and vv.justification or (not vv and v.fields.vex_justification) or nil
      if label then
        if not flags[label] then flags[label] = {}; flags[#flags + 1] = label end
        table.insert(flags[label], pid)
      else
        unjustified[#unjustified + 1] = pid
      end
    end
    if vv and vv.state == "affected" and vv.fixed_by then fix = fix or vv.fixed_by end
  end
  for _, label in ipairs(flags) do
    out.flags = out.flags or {}
    out.flags[#out.flags + 1] = { label = label, product_ids = flags[label] }
  end
  if #unjustified > 0 then
    out.threats = { { category = "impact", details = csaf.impact(v) or text, product_ids = unjustified } }
  end
  -- the product's parts: the parts it affects share the releases' status
  -- (affected, fixed), the others are not affected in those releases
  local vd = v.verdict
  if #vd.parts_affected > 0 and (#affected_releases > 0 or #fixed_releases > 0) then
    status.known_affected = joined(status.known_affected, lib.part_products(tree, seen, vd.parts_affected, affected_releases))
    status.fixed = joined(status.fixed, lib.part_products(tree, seen, vd.parts_affected, fixed_releases))
    local both = joined(affected_releases, fixed_releases)
    status.known_not_affected = joined(status.known_not_affected, lib.part_products(tree, seen, vd.parts_unaffected, both))
    local parts = lib.parts_impact(v, status.known_not_affected)
    if parts then
      out.threats = out.threats or {}
      out.threats[#out.threats + 1] = parts
    end
  end
  if status.known_affected then
    if fix then
      out.remediations = { { category = "vendor_fix", product_ids = status.known_affected,
                             details = "Update to " .. fix.fields.version .. " or later." } }
    else
      local advice
      for _, adv in ipairs(v.rel.advisories) do
        -- the public VEX takes advice from public advisories only
        if adv.verdict.state == "public" then advice = advice or adv.fields.workarounds or adv.fields.remediation end
      end
      out.remediations = { advice
        and { category = "mitigation", product_ids = status.known_affected, details = advice }
        or { category = "none_available", product_ids = status.known_affected, details = "No fix is available yet; its availability will be communicated." } }
    end
  end
  out.product_status = status
  local cvss = csaf.cvss(v)
  if cvss and status.known_affected then out.scores = { { products = status.known_affected, cvss_v3 = cvss } } end
  return out
end

local vex, all, vex_tree, vex_seen = {}, lib.all_ids(), lib.product_tree(), {}
for _, v in ipairs(model.by_type.vulnerability) do
  -- embargoed: only restricted advisories tell of it yet (check decides)
  if v.fields.vex_state and not v.verdict.embargoed then vex[#vex + 1] = vex_vulnerability(v, all, vex_tree, vex_seen) end
end
if #vex > 0 then
  local id = model.product.name .. " VEX " .. (model.product.version or model.build_date)
  local tracking_id = (id:gsub("%s+", "-"))
  local doc = common_document("csaf_vex", model.product.name .. ": vulnerability exploitability (VEX)", nil)
  doc.notes = { { category = "summary", title = "About this document",
                  text = "The exploitability of every assessed vulnerability in each release of " .. model.product.name ..
                         ", from the manufacturer's vulnerability records." } }
  local full = { document = doc, product_tree = vex_tree, vulnerabilities = vex }
  -- Stable tracking (build --previous-csaf): the document as published last
  -- time, compared without its tracking. Unchanged: its tracking as it was.
  -- Changed: the next version, a revision of the build date, the first
  -- release date kept. Never published: version 1 of the build date.
  local today = csaf.timestamp(model.build_date)
  local prev = model.previous_csaf[tracking_id]
  local tracking = { id = tracking_id, status = "final" }
  if prev then
    local history = {}
    for i, r in ipairs(prev.revision_history) do
      history[i] = { date = r.date, number = r.number, summary = r.summary }
    end
    if prev.content .. "\n" == json.encode(full) then
      tracking.version = prev.version
      tracking.initial_release_date = prev.initial_release_date or today
      tracking.current_release_date = prev.current_release_date or today
    else
      local n = (math.tointeger(tonumber(prev.version)) or #history) + 1
      history[#history + 1] = { date = today, number = tostring(n),
                                summary = "VEX statements changed since version " .. prev.version }
      tracking.version = tostring(n)
      tracking.initial_release_date = prev.initial_release_date or today
      tracking.current_release_date = today
    end
    tracking.revision_history = history
  else
    tracking.version = "1"
    tracking.initial_release_date = today
    tracking.current_release_date = today
    tracking.revision_history = { { date = today, number = "1", summary = "VEX of the dossier as of its build date" } }
  end
  doc.tracking = tracking
  publish(full)
end
