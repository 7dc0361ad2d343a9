-- bundle/lib.lua: helpers of the premarket bundle and the postmarket
-- report: dates as day numbers, the FDA metrics (share patched, time to
-- patch, time to field; mean and median by severity) and findings by rule.
-- Which records fall in the postmarket report's period, and its 30/60-day,
-- triage and deployment states, are the check stage's
-- (model.verdicts.postmarket).
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

-- The date a vulnerability was fixed: its own fixed date, else the earliest
-- date of the releases that fix it; and the release, when one did.
function M.fixed_date(v)
  local best, rel = v.fields.fixed, nil
  for _, r in ipairs(v.rel.fixed_in) do
    if r.fields.date and (not best or r.fields.date < best) then best, rel = r.fields.date, r end
  end
  if not rel then
    for _, r in ipairs(v.rel.fixed_in) do
      if r.fields.date == best then rel = r end
    end
  end
  return best, rel
end

M.field_threshold = 90 -- percent of installed devices that counts as "deployed"

-- Days from a release's date to the first deployment figure at or above
-- the threshold, or nil; plus the highest figure seen.
function M.time_to_field(release)
  local start = M.days(release.fields.date)
  local peak
  local entries = sorted(release.fields.deployed or {}, function(a, b) return a.date < b.date end)
  for _, e in ipairs(entries) do
    if not peak or e.percent > peak then peak = e.percent end
    if start and e.percent >= M.field_threshold then return M.days(e.date) - start, peak end
  end
  return nil, peak
end

local function stats(values)
  if #values == 0 then return { n = 0 } end
  local s = sorted(values)
  local sum = 0
  for _, x in ipairs(s) do sum = sum + x end
  local median
  if #s % 2 == 1 then median = s[(#s + 1) // 2] else median = (s[#s // 2] + s[#s // 2 + 1]) / 2 end
  return { n = #s, mean = sum / #s, median = median, min = s[1], max = s[#s] }
end

-- "12.5" / "12": a number for a table cell.
function M.num(x)
  if x == nil then return "–" end
  if x == math.floor(x) then return string.format("%d", math.floor(x)) end
  return string.format("%.1f", x)
end

M.severities = { "catastrophic", "critical", "serious", "minor", "negligible", "unknown" }

-- The FDA metrics over vulnerabilities (default: every one not marked
-- not_affected): per severity and over all, the share patched, the days
-- from identification to patch and from patch to field deployment.
function M.metrics(vulns)
  local groups, order = {}, {}
  local function group(name)
    if not groups[name] then
      groups[name] = { severity = name, total = 0, patched = 0, to_patch = {}, to_field = {}, records = {} }
    end
    return groups[name]
  end
  local all = group("all")
  for _, v in ipairs(vulns) do
    if v.fields.vex_state ~= "not_affected" then
      local g = group(v.fields.severity or "unknown")
      for _, gg in ipairs({ g, all }) do
        gg.total = gg.total + 1
        gg.records[#gg.records + 1] = v
      end
      local fixed, rel = M.fixed_date(v)
      local d0, d1 = M.days(v.fields.discovered), M.days(fixed)
      if fixed then
        for _, gg in ipairs({ g, all }) do gg.patched = gg.patched + 1 end
      end
      if d0 and d1 then
        for _, gg in ipairs({ g, all }) do gg.to_patch[#gg.to_patch + 1] = d1 - d0 end
      end
      if rel then
        local t = M.time_to_field(rel)
        if t then
          for _, gg in ipairs({ g, all }) do gg.to_field[#gg.to_field + 1] = t end
        end
      end
    end
  end
  for _, s in ipairs(M.severities) do
    if groups[s] then order[#order + 1] = groups[s] end
  end
  order[#order + 1] = all
  for _, g in ipairs(order) do
    g.share = g.total > 0 and (100 * g.patched / g.total) or nil
    g.patch_stats = stats(g.to_patch)
    g.field_stats = stats(g.to_field)
  end
  return order
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
