-- bundle/lib.lua: helpers of the premarket bundle and the postmarket
-- report: dates as day numbers, numbers for table cells, prose links into
-- the bundle. The FDA metrics (model.verdicts.metrics, and the period's in
-- model.verdicts.postmarket.metrics), fix dates (a vulnerability's
-- verdict.fixed_date), deployment (model.verdicts.deployment) and which
-- records fall in the postmarket report's period are the check stage's.
-- Verdicts (the checklist, latest results, residual risk, which anomalies
-- are unresolved) are the check stage's, in model.verdicts and
-- record.verdict; nothing here decides one.
local M = {}

-- Dates as day numbers: the tool's one calendar (days, base/util.c),
-- named here for the templates that use lib.
M.days = days

-- Rendered prose (a safe HTML value from markdown or markdown_text for a
-- page at the bundle's root) with each link to a record's site page turned
-- into a link to its source file in records/, since the bundle has no
-- record pages. Returns plain HTML for {{{ }}}: only href values that name
-- a known record are replaced, by an escaped path.
function M.prose(html)
  local s = tostring(html)
  return (s:gsub('href="([%w_%-]+)/([^"/]+)%.html"', function(plural, id)
    local r = model.index[id]
    if r and r.plural == plural then return 'href="records/' .. escape_html(r.path) .. '"' end
    return nil
  end))
end

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

-- "12.5" / "12": a number for a table cell.
function M.num(x)
  if x == nil then return "–" end
  if x == math.floor(x) then return string.format("%d", math.floor(x)) end
  return string.format("%.1f", x)
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
