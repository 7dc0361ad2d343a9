-- bundle/lib.lua: helpers of the premarket bundle and the postmarket
-- report: dates as day numbers, numbers for table cells, prose links into
-- the bundle. The FDA metrics (model.verdicts.metrics, and the period's in
-- model.verdicts.postmarket.metrics), fix dates (a vulnerability's
-- verdict.fixed_date), deployment (model.verdicts.deployment) and which
-- records fall in the postmarket report's period are the check stage's.
-- Verdicts (the checklist, latest results, residual risk, which anomalies
-- are unresolved) are the check stage's, in model.verdicts and
-- record.verdict; nothing here decides one.
local common = import("common/lib.lua")
local M = {}

-- Shared with the postmarket report (common/lib.lua): dates as day
-- numbers, numbers for table cells, prose with record links into the bundle.
M.days = common.days
M.num = common.num
M.prose = common.prose

-- Appends the records of every array in lists to one array (repeats kept out).
function M.union(...)
  local seen, out = {}, {}
  for _, list in ipairs({ ... }) do
    for _, r in ipairs(list) do
      if not seen[r.id] then
        seen[r.id] = true
        out[#out + 1] = r
      end
    end
  end
  return out
end

-- The 524B / eSTAR checklist as the check stage judged it
-- (model.verdicts.checklist: ref, question, state, detail, rules, records).
function M.checklist()
  return model.verdicts.checklist
end

-- Counts of checklist states, as the check stage counted them.
function M.checklist_counts()
  return model.verdicts.checklist_counts
end

M.state_titles = {
  pass = "pass", fail = "fail", ["not-applicable"] = "not applicable", unknown = "unknown", manual = "manual",
}
M.state_tones = { pass = "good", fail = "bad", ["not-applicable"] = "plain", unknown = "caution", manual = "caution" }

return M
