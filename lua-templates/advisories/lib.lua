-- advisories/lib.lua: presentation logic of the bulletins: advisories
-- newest first, the latest revision, the CSAF file of an advisory and the
-- four items of the FDA's 30-day customer communication.
local csaf = import("common/csaf.lua")
local M = { csaf = csaf }

-- The last revision of an advisory (by date, then number).
function M.latest(adv)
  local revs = csaf.revisions(adv)
  return revs[#revs]
end

-- Published advisories (drafts left out), the most recently revised first;
-- ID breaks a tie.
function M.by_date()
  return sorted(csaf.published(), function(a, b)
    local da, db = M.latest(a).date, M.latest(b).date
    if da ~= db then return da > db end
    return a.id < b.id
  end)
end

-- The path of the advisory's CSAF document in the build output.
function M.csaf_path(adv)
  return (csaf.place(adv, adv.id, adv.fields.published:sub(1, 4)))
end

-- The folder of adv's bulletin: public/advisories/, or for an advisory
-- restricted by its TLP label restricted/advisories/<label>/, which is
-- served only to its recipients.
function M.folder(adv)
  if adv and adv.verdict.state == "restricted" then
    return "restricted/advisories/" .. adv.verdict.csaf_tlp:lower() .. "/"
  end
  return "public/advisories/"
end

-- The contact for security reports: the psirt contact, else the first one.
M.contact = import("common/lib.lua").contact

-- "3.0.0, 3.0.1": the versions of a list of releases.
function M.versions(list)
  local out = {}
  for i, r in ipairs(list) do out[i] = r.fields.version end
  return table.concat(out, ", ")
end

-- The four items the FDA's postmarket guidance expects in a customer
-- communication within 30 days (uncontrolled risk, section VI.B.2):
-- {label, text} each, said from the records.
function M.fda_items(adv)
  local affected, fixed = csaf.advisory_releases(adv)
  local impacts = {}
  for _, v in ipairs(adv.rel.vulnerabilities) do
    impacts[#impacts + 1] = v.id .. ": " .. (csaf.impact(v) or "impact assessment in the vulnerability details below.")
  end
  local work, fix
  if #fixed > 0 then
    work = "The work is complete: the vulnerability is fixed in " .. M.versions(fixed) .. "."
    fix = "The fix is available in " .. M.versions(fixed) .. "; see Remediation."
  else
    work = model.product.manufacturer and (model.product.manufacturer .. " is working to address the risk.")
           or "The manufacturer is working to address the risk."
    fix = "A fix or a defence-in-depth measure is in development; its availability will be communicated in a revision of this advisory."
  end
  return {
    { label = "Vulnerability and impact assessment", text = table.concat(impacts, " ") },
    { label = "Work to address the risk", text = work },
    { label = "Compensating controls", text = adv.fields.workarounds and "See Mitigations and workarounds." or "None are needed or known." },
    { label = "Fix or defence in depth", text = fix },
  }
end

return M
