-- site/lib.lua: presentation logic shared by the site's templates: names
-- for people, badge tones, the traceability matrix grouped by threat and
-- findings grouped for the gap report. The verdicts themselves are the
-- check stage's (model.verdicts, record.verdict).
local M = {}

-- "attack_vector" -> "Attack vector" (kept: field names repeat on every page)
local humane = {}
function M.humanize(name)
  local h = humane[name]
  if not h then
    h = name:gsub("_", " "):gsub("^%l", string.upper)
    humane[name] = h
  end
  return h
end

-- "Architecture views", "Threats": the type's title made plural.
function M.plural_title(t)
  if t.title:find(" ") then return (t.title:gsub("%S+$", t.plural)) end
  return (t.plural:gsub("^%l", string.upper))
end

-- u when it is a web address (http or https), else nil: a URL from the
-- dossier becomes a link only when it cannot run script.
function M.web_url(u)
  if u and (u:find("^https?://") ) then return u end
  return nil
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

M.severities = { "error", "warning", "note" }
M.severity_titles = { error = "Errors", warning = "Warnings", note = "Notes" }

-- Findings by severity (error first), then by rule: an array of
-- {severity, count, rules = {{rule, findings}}}; rules in name order.
function M.findings_by_severity()
  local groups = {}
  for _, sev in ipairs(M.severities) do
    local by_rule, names, count = {}, {}, 0
    for _, f in ipairs(model.findings) do
      if f.severity == sev then
        if not by_rule[f.rule] then
          by_rule[f.rule] = {}
          names[#names + 1] = f.rule
        end
        local list = by_rule[f.rule]
        list[#list + 1] = f
        count = count + 1
      end
    end
    table.sort(names)
    local rules = {}
    for _, name in ipairs(names) do rules[#rules + 1] = { rule = name, findings = by_rule[name] } end
    groups[#groups + 1] = { severity = sev, title = M.severity_titles[sev], count = count, rules = rules }
  end
  return groups
end

-- Counts of findings by severity name.
function M.finding_counts(findings)
  local counts = { error = 0, warning = 0, note = 0 }
  for _, f in ipairs(findings) do counts[f.severity] = (counts[f.severity] or 0) + 1 end
  return counts
end

-- The fields of a type worth a column in its list: required enums, dates
-- and one-line strings (never id or title), at most four.
function M.list_columns(t)
  local cols = {}
  for _, f in ipairs(t.fields) do
    if #cols < 4 and f.required and f.name ~= "id" and f.name ~= "title"
       and (f.kind == "enum" or f.kind == "date" or f.kind == "string") then
      cols[#cols + 1] = f
    end
  end
  return cols
end

-- The folder of an output path, with its slash: "threats/" for
-- "threats/THR-1.html", "" for "index.html".
local function folder(page)
  return page:match("^(.*/)") or ""
end

-- The pages the header's navigation links to: on those the navigation
-- marks the current one, so each gets its own.
local nav_pages = { ["index.html"] = true, ["matrix.html"] = true, ["findings.html"] = true, ["sbom.html"] = true }
for _, t in ipairs(model.types) do nav_pages[t.plural .. "/index.html"] = true end

-- The header's navigation for page (site/nav.html). It differs between
-- pages only by the depth of their folder and on the pages it links to, so
-- it is rendered once per folder and kept.
local navs = {}
function M.nav(page)
  local key = nav_pages[page] and page or folder(page)
  return memo(navs, key, function() return render("site/nav.html", { page = page }) end)
end

-- A link to record r from page (site/record_link.html). Its URL is relative
-- to the page's folder, so it is rendered once per folder and record.
local record_links = {}
function M.record_link(page, r)
  local dir = folder(page)
  local by = record_links[dir]
  if not by then
    by = {}
    record_links[dir] = by
  end
  return memo(by, r.id, function() return render("site/record_link.html", { record = r, page = page }) end)
end

-- The fields a record page shows in its field list, in schema order: all
-- but id, title and links (those are in the traceability section), each
-- {def, name, kind, label}. Made once per type.
local shown = {}
function M.shown_fields(t)
  return memo(shown, t.name, function()
    local list = {}
    for _, f in ipairs(t.fields) do
      if f.name ~= "id" and f.name ~= "title" and f.kind ~= "links" and f.kind ~= "link" then
        list[#list + 1] = { def = f, name = f.name, kind = f.kind, label = M.humanize(f.name) }
      end
    end
    return list
  end)
end

-- Link and backlink objects grouped by name: {{name, records}} in order.
function M.group_links(links)
  local groups, by = {}, {}
  for _, l in ipairs(links) do
    local g = by[l.name]
    if not g then
      g = { name = l.name, records = {} }
      by[l.name] = g
      groups[#groups + 1] = g
    end
    g.records[#g.records + 1] = l.record
  end
  return groups
end

return M
