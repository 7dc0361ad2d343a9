-- postmarket/main.lua: the postmarket report for one period (build
-- --period FROM..TO, else the year up to the build date): JSP2 F.1-F.5 as
-- the check stage judged them over the period (model.verdicts.postmarket:
-- which records fall in it, triage against targets, the 30/60-day states,
-- fix and deployment times, the fleet by version, end of support), as
-- print-ready HTML and CSV. Nothing here decides; the FDA metrics are
-- bundle/lib.lua's, shared with the premarket bundle, over the
-- vulnerabilities the check stage found discovered in the period.
local lib = import("common/lib.lua")
local pm = model.verdicts.postmarket

local ctx = {
  pm = pm, from = pm.from, to = pm.to, metrics = pm.metrics, page = "postmarket/index.html",
  title = "Postmarket cybersecurity report " .. pm.from .. " to " .. pm.to,
}
write("postmarket/index.html", render("postmarket/report.html", ctx))
write("postmarket/metrics.csv", render("postmarket/metrics.csv", ctx))
write("postmarket/style.css", render("common/style.css") .. render("common/print.css"))
