-- common/lib.lua: presentation helpers more than one output uses, so no
-- output reaches into another's folder: badge tones and verdict words, the
-- traceability matrix by threat, the findings by severity, numbers and
-- dates for table cells, the security contact, the titles of enum values
-- (from the record schema). Every verdict, count and group is the check
-- stage's (model.verdicts, record.verdict, model.finding_groups); nothing
-- here decides one.
local M = {}

-- Dates as day numbers: the tool's one calendar (days, base/util.c).
M.days = days

-- "12.5" / "12": a number for a table cell.
function M.num(x)
  if x == nil then return "–" end
  if x == math.floor(x) then return string.format("%d", math.floor(x)) end
  return string.format("%.1f", x)
end

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

-- The tone of an enum value's badge: good, bad, caution or plain. Colour
-- is never the only signal: the badge always shows the value.
local tones = {
  pass = "good", implemented = "good", acceptable = "good", final = "good", closed = "good",
  fixed = "good", not_affected = "good", controlled = "good", none = "good", negligible = "good",
  remote = "good",
  fail = "bad", error = "bad", ["not-acceptable"] = "bad", uncontrolled = "bad", catastrophic = "bad",
  critical = "bad", high = "bad", affected = "bad", open = "bad",
  partial = "caution", planned = "caution", manual = "caution", skipped = "caution",
  ["not-run"] = "caution", draft = "caution", interim = "caution", serious = "caution",
  medium = "caution", unknown = "caution", under_investigation = "caution", contained = "caution",
  warning = "caution", note = "plain",
  ["actively-maintained"] = "good", ["no-longer-maintained"] = "caution", abandoned = "bad",
}
function M.tone(value)
  return tones[value] or "plain"
end

-- A record's verdict state in words, and the tone of its badge: words and
-- tone only; the state is the check stage's (record.verdict).
local verdict_words = {
  ["no-result"] = "no result", ["not-run"] = "not run", ["past-end-of-support"] = "past end of support",
  ["ending-soon"] = "end of support within a year", ["not-affected"] = "not affected",
  ["under-investigation"] = "under investigation", ["no-longer-maintained"] = "no longer maintained",
  incomplete = "not verified: a test did not pass in its latest result", failed = "not verified: a test failed",
  untested = "not verified: no test", manual = "verified by a manual result only",
}
function M.verdict_words(state)
  return verdict_words[state] or state
end
local verdict_tones = {
  verified = "pass", mitigated = "pass", accepted = "pass", supported = "pass", resolved = "pass",
  fixed = "pass", ["not-affected"] = "pass", pass = "pass",
  failed = "fail", untested = "fail", incomplete = "skipped", open = "open", unresolved = "partial",
  ["past-end-of-support"] = "fail", ["ending-soon"] = "partial", ["no-result"] = "not-run",
}
function M.verdict_tone(state)
  return verdict_tones[state] or state
end

-- The latest result of a test as the check stage chose it (its results
-- entry), or nil.
function M.latest_result(test)
  return test.verdict and test.verdict.latest
end

-- The traceability matrix as the check stage built it (model.verdicts.matrix:
-- rows threat -> control -> test -> latest result, gaps marked and
-- numbered), grouped by threat for the page, plus the controls and tests
-- that trace to nothing.
local made = {} -- memo() store: what is made once and shared by pages
function M.matrix()
  return memo(made, "matrix", function()
  local groups, rows = {}, model.verdicts.matrix
  local g
  for _, r in ipairs(rows) do
    if not g or g.threat ~= r.threat then
      g = { threat = r.threat, rows = {}, accepted = r.threat.fields.accepted }
      groups[#groups + 1] = g
    end
    g.rows[#g.rows + 1] = r
  end
  local untraced_controls, untested = {}, {}
  for _, control in ipairs(model.by_type.control) do
    if #control.rel.mitigates == 0 then untraced_controls[#untraced_controls + 1] = control end
  end
  for _, test in ipairs(model.by_type.test) do
    if #test.rel.verifies == 0 then untested[#untested + 1] = test end
  end
  return {
    groups = groups, rows = rows, gaps = model.verdicts.gaps,
    untraced_controls = untraced_controls, unlinked_tests = untested,
  }
  end)
end

-- The findings by severity (errors first), then by rule in name order:
-- {severity, title, count, rules = {{rule, findings}}}, grouped and counted
-- in C (model.finding_groups) from the list `dossier check` counts.
function M.findings_by_severity()
  return model.finding_groups
end

-- Counts of the findings by severity name: {error, warning, note}.
function M.finding_counts()
  return model.finding_counts
end

-- The contact for security reports: the one of role psirt, else the first.
function M.contact()
  local first
  for _, c in ipairs(model.product.contacts) do
    if c.role == "psirt" then return c end
    first = first or c
  end
  return first
end

-- The values of an enum field of a record type in schema order, each
-- {value, title}: the titles are the schema's (records.xml, titles=).
local enums = {}
function M.enum_values(type_name, field)
  return memo(enums, type_name .. "." .. field, function()
    local out = {}
    for _, f in ipairs(model.types_by_name[type_name].fields) do
      if f.name == field then
        for _, v in ipairs(f.values) do out[#out + 1] = { value = v, title = f.titles[v] } end
      end
    end
    return out
  end)
end

-- The records of a type by the values of one of its enum fields, in
-- schema order: each {value, title, records}, records those of the type
-- whose field has that value (sorted by ID; possibly none).
function M.by_enum(type_name, field)
  local out = {}
  for i, e in ipairs(M.enum_values(type_name, field)) do
    local list = {}
    for _, r in ipairs(model.by_type[type_name]) do
      if r.fields[field] == e.value then list[#list + 1] = r end
    end
    out[i] = { value = e.value, title = e.title, records = list }
  end
  return out
end

return M
