-- postmarket/main.lua: the postmarket report for one period (build
-- --period FROM..TO): JSP2 F.1-F.5 activity, the FDA 30/60-day timelines of
-- uncontrolled risk and the FDA metrics, as print-ready HTML and CSV. The
-- counting is in bundle/lib.lua, shared with the premarket metrics.
local lib = import("bundle/lib.lua")
local from, to = period:match("^(%d%d%d%d%-%d%d%-%d%d)%.%.(%d%d%d%d%-%d%d%-%d%d)$")
if not from then error("the postmarket report needs build --period FROM..TO, not '" .. period .. "'") end

local function within(date) return date ~= nil and date >= from and date <= to end
local function pick(records, test)
  local out = {}
  for _, r in ipairs(records) do if test(r) then out[#out + 1] = r end end
  return out
end
local by = model.by_type

local signals = pick(by.signal, function(s) return within(s.fields.received) end)
-- vulnerabilities discovered in the period, or open at its start and touched in it
local vulns = pick(by.vulnerability, function(v)
  local fixed = lib.fixed_date(v)
  return within(v.fields.discovered) or within(fixed) or within(lib.communicated_date(v))
end)

-- The 30/60-day status of an uncontrolled-risk vulnerability, as of the
-- period's end: on time, late (how many days) or still open (due date).
local function timeline(v)
  local d0 = lib.days(v.fields.discovered)
  if v.fields.risk ~= "uncontrolled" or not d0 then return nil end
  local function status(done, limit)
    local end_day = lib.days(to)
    local d = lib.days(done)
    if d and d <= lib.days(to) then
      return { days = d - d0, late = d - d0 > limit, date = done }
    end
    return { open = true, late = end_day - d0 > limit, due = d0 + limit }
  end
  return { told = status(lib.communicated_date(v), 30), fixed = status((lib.fixed_date(v)), 60) }
end
local rows = {}
for _, v in ipairs(vulns) do rows[#rows + 1] = { record = v, timeline = timeline(v), fixed = (lib.fixed_date(v)) } end

local eos = pick(by.component, function(c)
  local e = c.fields.end_of_support
  return (e and e:match("^%d%d%d%d%-%d%d%-%d%d$") and e <= to) or c.fields.support == "no-longer-maintained"
    or c.fields.support == "abandoned"
end)
local incidents = pick(by.incident, function(i)
  if within(i.fields.detected) or within(i.fields.closed) then return true end
  return i.fields.detected and i.fields.detected <= to and (not i.fields.closed or i.fields.closed >= from)
end)
local releases = pick(by.release, function(r) return within(r.fields.date) end)
local advisories = pick(by.advisory, function(a)
  if within(a.fields.published) then return true end
  for _, rev in ipairs(a.fields.revisions) do if within(rev.date) then return true end end
  return false
end)
local metrics = lib.metrics(pick(by.vulnerability, function(v) return within(v.fields.discovered) end))

local ctx = {
  from = from, to = to, signals = signals, rows = rows, eos = eos, incidents = incidents,
  releases = releases, advisories = advisories, metrics = metrics, page = "postmarket/index.html",
  title = "Postmarket cybersecurity report " .. from .. " to " .. to,
}
write("postmarket/index.html", render("postmarket/report.html", ctx))
write("postmarket/metrics.csv", render("postmarket/metrics.csv", ctx))
write("postmarket/style.css", render("site/style.css") .. render("bundle/print.css"))
