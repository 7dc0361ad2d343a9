-- whitepaper/lib.lua: presentation logic of the whitepaper's directives:
-- control categories in the FDA's order with their titles (the record
-- schema's, as the bundle shows them), the release cadence, the PSIRT
-- contact (common/lib.lua).
local common = import("common/lib.lua")
local M = {}

M.categories, M.category_titles = {}, {}
for _, c in ipairs(common.enum_values("control", "category")) do
  M.categories[#M.categories + 1] = c.value
  M.category_titles[c.value] = c.title
end

-- Days since 1970-01-01 of a YYYY-MM-DD date: the tool's calendar (days).
M.days = days

-- Releases by date, then ID.
function M.releases()
  return sorted(model.by_type.release, function(a, b)
    if a.fields.date ~= b.fields.date then return a.fields.date < b.fields.date end
    return a.id < b.id
  end)
end

-- The cadence: {count, routine, out_of_cycle, mean_days (between
-- consecutive releases, nil with fewer than two), deployments (sorted names)}.
function M.cadence()
  local list = M.releases()
  local c = { count = #list, routine = 0, out_of_cycle = 0, deployments = {} }
  local seen = {}
  for i, r in ipairs(list) do
    if r.fields.kind == "routine" then c.routine = c.routine + 1 end
    if r.fields.kind == "out-of-cycle" then c.out_of_cycle = c.out_of_cycle + 1 end
    local dep = r.fields.deployment
    if dep and not seen[dep] then
      seen[dep] = true
      c.deployments[#c.deployments + 1] = dep
    end
  end
  table.sort(c.deployments)
  if #list >= 2 then
    c.mean_days = (M.days(list[#list].fields.date) - M.days(list[1].fields.date)) // (#list - 1)
  end
  return c
end

-- The contact for vulnerability reports: role psirt, else the first.
M.psirt = common.contact

return M
