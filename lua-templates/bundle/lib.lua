-- bundle/lib.lua: the logic of the premarket bundle and the postmarket
-- report: dates as day numbers, the FDA metrics (share patched, time to
-- patch, time to field; mean and median by severity), findings by rule and
-- the 524B / eSTAR checklist. Presentation stays in the templates.
local M = {}

-- "2025-03-01" -> days since 1970-01-01 (proleptic Gregorian), nil if not a date.
function M.days(s)
  if type(s) ~= "string" then return nil end
  local y, m, d = s:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- Days since 1970-01-01 -> "YYYY-MM-DD".
function M.date(n)
  local z = n + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return string.format("%04d-%02d-%02d", yoe + era * 400 + (m <= 2 and 1 or 0), m, d)
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

-- The findings of one rule (or of any rule in a list), in model order.
function M.findings(rules)
  if type(rules) == "string" then rules = { rules } end
  local want, out = {}, {}
  for _, r in ipairs(rules) do want[r] = true end
  for _, f in ipairs(model.findings) do
    if want[f.rule] then out[#out + 1] = f end
  end
  return out
end

-- The IDs of an array of records, sorted as given.
function M.ids(records)
  local out = {}
  for _, r in ipairs(records) do out[#out + 1] = r.id end
  return out
end

-- The records of findings (without repeats), sorted by ID.
function M.finding_records(findings)
  local seen, out = {}, {}
  for _, f in ipairs(findings) do
    if f.record and not seen[f.record.id] then
      seen[f.record.id] = true
      out[#out + 1] = f.record
    end
  end
  return sorted(out, function(a, b) return a.id < b.id end)
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

-- The date customers were told: communicated, else the earliest advisory.
function M.communicated_date(v)
  local best = v.fields.communicated
  for _, a in ipairs(v.rel.advisories) do
    if a.fields.published and (not best or a.fields.published < best) then best = a.fields.published end
  end
  return best
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

-- One checklist item. state: pass, fail, not-applicable, unknown, manual.
local function item(ref, question, state, detail, records)
  return { ref = ref, question = question, state = state, detail = detail, records = records or {} }
end

local function count_text(n, one, many)
  return string.format("%d %s", n, n == 1 and one or many)
end

local function ids_text(records, limit)
  local out = {}
  for i, r in ipairs(records) do
    if i > (limit or 8) then
      out[#out + 1] = string.format("and %d more", #records - (limit or 8))
      break
    end
    out[#out + 1] = r.id
  end
  return table.concat(out, ", ")
end

-- A pass or fail decided by findings of rules over records: fail names the
-- records of the findings.
local function by_findings(ref, question, rules, records, pass_detail, fail_detail)
  local fs = M.findings(rules)
  if #fs > 0 then
    local recs = M.finding_records(fs)
    return item(ref, question, "fail",
      string.format("%s: %s (%s).", fail_detail, count_text(#fs, "finding", "findings"),
        #recs > 0 and ids_text(recs) or "see the findings"), recs)
  end
  return item(ref, question, "pass", pass_detail, records)
end

-- The 524B / eSTAR checklist: every item with its state, why, and the
-- records behind it. Never a silent pass: a pass names what it rests on.
local checklist
function M.checklist()
  if checklist then return checklist end
  local by = model.by_type
  local threats, controls, tests, views = by.threat, by.control, by.test, by.view
  local vulns, anomalies, releases = by.vulnerability, by.anomaly, by.release
  local components = by.component or {}
  local p = model.product
  local items = {}
  local function add(i) items[#items + 1] = i end

  local contradicted = M.findings({ "cyber-device" })
  if #contradicted > 0 then
    add(item("524B(c)", "Is the device a cyber device?", "fail",
      "dossier.xml says no, but the assets' interfaces connect the device (the cyber-device finding)."))
  elseif p.cyber_device == "yes" or p.cyber_device == "no" then
    add(item("524B(c)", "Is the device a cyber device?", "pass",
      "dossier.xml determines: " .. p.cyber_device .. (p.cyber_device_reason and (". " .. p.cyber_device_reason) or "")))
  else
    add(item("524B(c)", "Is the device a cyber device?", "unknown",
      "dossier.xml gives no cyber-device determination (cyberDevice)."))
  end

  if p.cvd_policy_url then
    add(item("524B(b)(1)", "Plan to monitor, identify and address postmarket vulnerabilities, with coordinated vulnerability disclosure",
      "manual", "Attach the cybersecurity management plan (08). The dossier names the CVD policy at " .. p.cvd_policy_url ..
      " and records " .. count_text(#by.signal, "surveillance signal", "surveillance signals") .. ".", by.signal))
  else
    add(item("524B(b)(1)", "Plan to monitor, identify and address postmarket vulnerabilities, with coordinated vulnerability disclosure",
      "fail", "dossier.xml names no coordinated vulnerability disclosure policy (cvd policy=\"…\").", {}))
  end

  local uncontrolled = {}
  for _, v in ipairs(vulns) do
    if v.fields.risk == "uncontrolled" then uncontrolled[#uncontrolled + 1] = v end
  end
  if #uncontrolled == 0 then
    add(item("524B(b)(2)(B); postmarket 30/60 days", "Uncontrolled-risk vulnerabilities communicated within 30 days and fixed within 60 days",
      "not-applicable", "No vulnerability is assessed as uncontrolled risk (" .. count_text(#vulns, "vulnerability", "vulnerabilities") .. " recorded).", vulns))
  else
    add(by_findings("524B(b)(2)(B); postmarket 30/60 days", "Uncontrolled-risk vulnerabilities communicated within 30 days and fixed within 60 days",
      { "uncontrolled-communicated", "uncontrolled-fixed" }, uncontrolled,
      count_text(#uncontrolled, "uncontrolled-risk vulnerability was", "uncontrolled-risk vulnerabilities were") .. " communicated and fixed on time.",
      "Late communication or fix"))
  end

  local routine, ooc = {}, {}
  for _, r in ipairs(releases) do
    if r.fields.kind == "routine" then routine[#routine + 1] = r end
    if r.fields.kind == "out-of-cycle" then ooc[#ooc + 1] = r end
  end
  add(item("524B(b)(2)(A)", "Updates and patches on a reasonably justified regular cycle", "manual",
    "Cite the plan's regular-cycle timeline and its justification. The dossier records " ..
    count_text(#routine, "routine release", "routine releases") .. " and " ..
    count_text(#ooc, "out-of-cycle release", "out-of-cycle releases") .. ".", M.union(routine, ooc)))

  local ntia = M.findings({ "component-ntia" })
  if #components == 0 then
    add(item("524B(b)(3); eSTAR 69", "Software bill of materials (commercial, open-source and off-the-shelf components)",
      "unknown", "No SBOM loaded: the dossier has no sbom/ folder with a CycloneDX or SPDX file."))
  elseif #ntia > 0 then
    add(item("524B(b)(3); eSTAR 69", "Software bill of materials (commercial, open-source and off-the-shelf components)",
      "fail", string.format("%s lack NTIA minimum elements.", count_text(#M.finding_records(ntia), "component", "components")),
      M.finding_records(ntia)))
  else
    add(item("524B(b)(3); eSTAR 69", "Software bill of materials (commercial, open-source and off-the-shelf components)",
      "pass", count_text(#components, "component carries", "components carry") .. " the NTIA minimum elements.", components))
  end

  if #components == 0 then
    add(item("eSTAR 70", "Level of support and end-of-support date of each component", "unknown",
      "No SBOM loaded, so no component's support can be stated."))
  else
    local fail = M.findings({ "component-support", "component-eos-plan" })
    local unknown = M.findings({ "component-support-unknown" })
    if #fail > 0 then
      add(item("eSTAR 70", "Level of support and end-of-support date of each component", "fail",
        count_text(#fail, "finding", "findings") .. " on support data or end-of-support plans: " .. ids_text(M.finding_records(fail)) .. ".",
        M.finding_records(fail)))
    elseif #unknown > 0 then
      add(item("eSTAR 70", "Level of support and end-of-support date of each component", "unknown",
        count_text(#unknown, "component's support is", "components' support is") .. " unknown, each with a reason: " ..
        ids_text(M.finding_records(unknown)) .. ".", M.finding_records(unknown)))
    else
      add(item("eSTAR 70", "Level of support and end-of-support date of each component", "pass",
        "Every component gives its level of support and end-of-support date.", components))
    end
  end

  add(item("eSTAR 71", "Supported operating systems and versions (none past or near end of support)", "manual",
    "The dossier has no field for supported operating systems: list them and attach the evidence."))

  if #threats == 0 then
    add(item("eSTAR 63", "Security risk management report", "fail", "The dossier has no threats."))
  else
    add(by_findings("eSTAR 63", "Security risk management report",
      { "threat-mitigated", "threat-acceptance", "threat-residual-risk" }, threats,
      "Written from " .. count_text(#threats, "threat", "threats") .. ", each mitigated or accepted with rationale (01).",
      "Threats neither mitigated nor accepted, or residual risk not acceptable"))
  end

  if #threats == 0 then
    add(item("eSTAR 64", "Threat model covering all end-to-end elements", "fail", "The dossier has no threats."))
  else
    -- the verdict is check's (asset-threatened); this only presents it
    add(by_findings("eSTAR 64", "Threat model covering all end-to-end elements", { "asset-threatened" },
      M.union(threats, by.asset),
      "Every one of the " .. count_text(#by.asset, "asset", "assets") .. " is named by a threat (01a).",
      "Assets named by no threat"))
  end

  local nostride = {}
  for _, t in ipairs(threats) do
    if not t.fields.stride then nostride[#nostride + 1] = t end
  end
  if #threats > 0 and #nostride == 0 then
    add(item("eSTAR 65", "Threat modeling methodology", "pass", "STRIDE: every threat names its category.", threats))
  else
    add(item("eSTAR 65", "Threat modeling methodology", #threats == 0 and "fail" or "unknown",
      #threats == 0 and "The dossier has no threats." or (count_text(#nostride, "threat gives", "threats give") .. " no STRIDE category: " .. ids_text(nostride) .. "."),
      nostride))
  end

  add(by_findings("eSTAR 66, 76", "The four architecture views (global system, multi-patient harm, updatability/patchability, security use cases)",
    { "architecture-view", "view-content", "diagram-file" }, views,
    count_text(#views, "view", "views") .. " cover the four kinds, or dossier.xml justifies the missing ones (03).",
    "Missing or incomplete architecture views"))

  if #threats == 0 then
    add(item("eSTAR 67, 68", "Cybersecurity risk assessment by exploitability (not probability), with scoring method and acceptance criteria",
      "fail", "The dossier has no threats, so nothing is assessed."))
  else
    add(by_findings("eSTAR 67, 68", "Cybersecurity risk assessment by exploitability (not probability), with scoring method and acceptance criteria",
      { "threat-post-mitigation", "threat-residual-risk" }, threats,
      "Each threat is scored by exploitability before and after controls and by severity of patient harm (01b).",
      "Threats without post-mitigation exploitability or with unacceptable residual risk"))
  end

  if #vulns == 0 and #components == 0 then
    add(item("eSTAR 72", "Assessment of vulnerabilities in the SBOM components, with controls", "unknown",
      "No SBOM loaded and no vulnerability recorded: nothing shows the components were checked for known vulnerabilities."))
  elseif #vulns == 0 then
    add(item("eSTAR 72", "Assessment of vulnerabilities in the SBOM components, with controls", "manual",
      "No vulnerability is recorded against the " .. count_text(#components, "component", "components") ..
      ": attach the scan (KEV included) that found none.", components))
  else
    local fail = M.findings({ "vulnerability-assessment", "vex-justification" })
    local open = M.findings({ "vulnerability-unknown" })
    if #fail > 0 then
      add(item("eSTAR 72", "Assessment of vulnerabilities in the SBOM components, with controls", "fail",
        count_text(#M.finding_records(fail), "vulnerability lacks", "vulnerabilities lack") .. " an assessment: " .. ids_text(M.finding_records(fail)) .. ".",
        M.finding_records(fail)))
    elseif #open > 0 then
      add(item("eSTAR 72", "Assessment of vulnerabilities in the SBOM components, with controls", "unknown",
        "Open assessments: " .. ids_text(M.finding_records(open)) .. ".", M.finding_records(open)))
    else
      add(item("eSTAR 72", "Assessment of vulnerabilities in the SBOM components, with controls", "pass",
        count_text(#vulns, "vulnerability is", "vulnerabilities are") .. " assessed (01d).", vulns))
    end
  end

  if #anomalies == 0 then
    add(item("eSTAR 73", "Assessment of unresolved anomalies", "not-applicable",
      "The dossier records no unresolved anomalies; 01e states that none exist."))
  else
    add(by_findings("eSTAR 73", "Assessment of unresolved anomalies", { "anomaly-cwe" }, anomalies,
      count_text(#anomalies, "anomaly is", "anomalies are") .. " assessed with CWE and security impact (01e).",
      "Anomalies without a CWE"))
  end

  local affected = 0
  for _, v in ipairs(vulns) do
    if v.fields.vex_state ~= "not_affected" then affected = affected + 1 end
  end
  if affected == 0 then
    add(item("eSTAR 74", "Cybersecurity metrics data", "not-applicable",
      "No vulnerability affects the device, so there is nothing to measure yet; the plan (08) says how metrics will be kept.", vulns))
  else
    add(item("eSTAR 74", "Cybersecurity metrics data", "pass",
      "Share patched, time to patch and time to field, by severity, over " .. count_text(affected, "vulnerability", "vulnerabilities") .. " (02).", vulns))
  end

  add(by_findings("eSTAR 75", "Security controls in the eight categories", { "control-category" }, controls,
    count_text(#controls, "control covers", "controls cover") .. " the eight categories, or dossier.xml justifies a category (04).",
    "Categories without an implemented control or justification"))

  local manual = M.findings({ "control-manual" })
  local test_fail = M.findings({ "control-verified", "control-test-failed" })
  local evidence = M.findings({ "evidence-file" })
  local present = {}
  for _, t in ipairs(tests) do present[t.fields.category] = true end
  local missing = {}
  for _, c in ipairs({ "security-requirements", "threat-mitigation", "vulnerability", "penetration" }) do
    if not present[c] then missing[#missing + 1] = c end
  end
  if #test_fail > 0 then
    add(item("eSTAR 77", "Cybersecurity testing and test reports", "fail",
      "Controls without a passing test: " .. ids_text(M.finding_records(test_fail)) .. ".", M.finding_records(test_fail)))
  elseif #evidence > 0 then
    add(item("eSTAR 77", "Cybersecurity testing and test reports", "fail",
      "Evidence files that are not in the dossier: " .. ids_text(M.finding_records(evidence)) .. ".", M.finding_records(evidence)))
  elseif #missing > 0 then
    add(item("eSTAR 77", "Cybersecurity testing and test reports", "fail",
      "No test in the categories: " .. table.concat(missing, ", ") .. ".", tests))
  elseif #manual > 0 then
    add(item("eSTAR 77", "Cybersecurity testing and test reports", "manual",
      "Attach the evidence of the manual results of " .. ids_text(M.finding_records(manual)) .. "; the rest passed (06).", M.finding_records(manual)))
  else
    add(item("eSTAR 77", "Cybersecurity testing and test reports", "pass",
      count_text(#tests, "test", "tests") .. " in all four categories; every implemented control's latest test passed (06).", tests))
  end

  add(item("eSTAR 78", "Cybersecurity management plan with regular-cycle and out-of-cycle patch timelines", "manual",
    "Attach the plan and cite the pages with both timelines and their justification; 08 lists what the dossier records."))
  add(item("VI.A", "Labeling: cybersecurity information for users", "manual",
    "Attach the labeling; 07 lists the fourteen items the FDA recommends and which records speak to each."))

  checklist = items
  return items
end

-- Counts of checklist states.
function M.checklist_counts(items)
  local c = { pass = 0, fail = 0, ["not-applicable"] = 0, unknown = 0, manual = 0 }
  for _, i in ipairs(items) do c[i.state] = c[i.state] + 1 end
  return c
end

M.state_titles = {
  pass = "pass", fail = "fail", ["not-applicable"] = "not applicable", unknown = "unknown", manual = "manual",
}
M.state_tones = { pass = "good", fail = "bad", ["not-applicable"] = "plain", unknown = "caution", manual = "caution" }

return M
