-- bundle/main.lua: the documents of the premarket bundle, laid out by the
-- FDA premarket documentation items (guidance Appendix 4), under premarket/.
-- Each is a print-ready HTML page naming the records it rests on; the C
-- step (emit/bundle.c) adds the source records, the manifest and the ZIP.
local lib = import("bundle/lib.lua")
local by = model.by_type
local P = "premarket/"

local function all(...) return lib.union(...) end
local components = by.component

-- item, file, title, template, records: one entry per document.
local documents = {
  { "1", "01-security-risk-management-report.html", "Security risk management report", "bundle/risk_report.html",
    all(by.threat, by.control, by.test, by.vulnerability, by.anomaly) },
  { "1a", "01a-threat-model.html", "Threat model", "bundle/threat_model.html", all(by.threat, by.asset, by.view) },
  { "1b", "01b-risk-assessment.html", "Cybersecurity risk assessment", "bundle/risk_assessment.html", all(by.threat) },
  { "1c", "01c-sbom.html", "Software bill of materials and support", "bundle/sbom.html", all(components) },
  { "1d", "01d-vulnerability-assessment.html", "Vulnerability assessment", "bundle/vulnerabilities.html",
    all(by.vulnerability, components) },
  { "1e", "01e-unresolved-anomalies.html", "Unresolved anomalies", "bundle/anomalies.html", all(by.anomaly) },
  { "1f", "01f-traceability.html", "Traceability", "bundle/traceability.html",
    all(by.threat, by.control, by.test, by.vulnerability, components) },
  { "2", "02-metrics.html", "Measures and metrics", "bundle/metrics.html", all(by.vulnerability, by.release) },
  { "3, 5", "03-architecture-views.html", "Architecture views", "bundle/views.html", all(by.view) },
  { "4", "04-security-controls.html", "Security controls by category", "bundle/controls.html", all(by.control) },
  { "6", "06-testing.html", "Cybersecurity testing", "bundle/testing.html", all(by.test) },
  { "7", "07-labeling.html", "Labeling", "bundle/labeling.html", all(by.labeling, by.advisory) },
  { "8", "08-management-plan.html", "Cybersecurity management plan", "bundle/plan.html",
    all(by.signal, by.release, by.advisory, by.incident) },
}
-- build --previous: the changes since the last submission (modified devices,
-- guidance section VII), resting on the records added and changed; without
-- it the document is left out and the index says why.
if model.changes then
  local changed = {}
  for _, x in ipairs(model.changes.added) do changed[#changed + 1] = x.record end
  for _, x in ipairs(model.changes.changed) do changed[#changed + 1] = x.record end
  documents[#documents + 1] = { "VII", "09-modified-device-changes.html", "Changes since the last submission",
    "bundle/changes.html", lib.union(changed) }
end

local items = lib.checklist()
local checklist_records = {}
for _, i in ipairs(items) do checklist_records[#checklist_records + 1] = i.records end

-- Each file is made only when this_shard says so: a build into the folder
-- of an earlier one takes a file whose inputs did not change from it
-- (render/cache.c); make is called only then.
local function file(path, make)
  if this_shard(P .. path) then write(P .. path, make()) end
end

local index = {}
local function page(path, template, title, ctx, records, item)
  index[#index + 1] = { path = path, title = title, item = item, records = records }
  file(path, function()
    if type(ctx) == "function" then ctx = ctx() end -- made only for a file that is made
    ctx.page = path
    ctx.title = title
    ctx.records = records
    local body = render(template, ctx)
    return render("bundle/layout.html", { page = path, title = title, body = body, records = records, item = item })
  end)
end

for _, d in ipairs(documents) do
  page(d[2], d[4], d[3], { item = d[1] }, d[5], d[1])
end
page("checklist.html", "bundle/checklist.html", "524B and eSTAR checklist", { items = items },
     lib.union(table.unpack(checklist_records)), nil)
file("checklist.json", function() return render("bundle/checklist.json", { items = items }) end)
local common = import("common/lib.lua")
local finding_records = {}
for _, f in ipairs(model.findings) do
  if f.record then finding_records[#finding_records + 1] = f.record end
end
page("findings.html", "common/findings.html", "Findings of the checks",
     function() return { groups = common.findings_by_severity(), record_link = "bundle/rec.html" } end, lib.union(finding_records), nil)
index[#index + 1] = { path = "checklist.json", title = "524B and eSTAR checklist (JSON)", records = lib.union(table.unpack(checklist_records)) }
if #components > 0 then
  file("sbom.cdx.json", function() return import("bundle/sbom.lua").document() end)
  index[#index + 1] = { path = "sbom.cdx.json", title = "SBOM (CycloneDX 1.6)", records = all(components, by.vulnerability),
    validation = "not validated at build time; dossier's tests check this output against the official CycloneDX 1.6 JSON schema" }
end
file("traceability.csv", function() return render("common/matrix.csv", { matrix = common.matrix() }) end)
index[#index + 1] = { path = "traceability.csv", title = "Traceability matrix (CSV)", records = all(by.threat, by.control, by.test) }
if #components > 0 then
  file("component-traceability.csv", function() return render("bundle/component_chain.csv") end)
  index[#index + 1] = { path = "component-traceability.csv", title = "Component traceability (CSV)",
    records = all(by.asset, components, by.vulnerability, by.release) }
end
file("style.css", function() return render("common/style.css") .. render("common/print.css") end)
page("index.html", "bundle/index.html", "Premarket cybersecurity documentation",
     { documents = documents, items = items }, {}, nil)
file("documents.json", function() return render("bundle/documents.json", { documents = index }) end)
