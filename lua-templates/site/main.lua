-- site/main.lua: the static site of a dossier. Decides which pages exist
-- and renders each through layout.html; the look is in the templates and
-- style.css, the traceability logic in lib.lua. Run by the render stage.
local lib = import("site/lib.lua")

-- Renders template into the layout and writes it as page. With build
-- --jobs several processes render the site, each the pages of its shard
-- (this_shard); the others are skipped before any work. ctx may be a
-- function that makes it, so that a process skipping the page never does.
local function page(path, template, title, ctx, crumbs)
  if not this_shard(path) then return end
  if type(ctx) == "function" then ctx = ctx() end
  ctx.page = path
  ctx.title = title
  local body = render(template, ctx)
  write(path, render("site/layout.html", {
    page = path, title = title, body = body, crumbs = crumbs or {},
  }))
end

if this_shard("style.css") then write("style.css", render("common/style.css")) end

page("index.html", "site/index.html", "Overview", {})

for _, t in ipairs(model.types) do
  local records = model.by_type[t.name]
  local list = t.plural .. "/index.html"
  page(list, "site/type.html", lib.plural_title(t), { type = t, records = records },
       { { "Overview", "index.html" } })
  for _, r in ipairs(records) do
    page(r.page, "site/record.html", r.id .. " " .. r.title, { record = r },
         { { "Overview", "index.html" }, { lib.plural_title(t), list } })
  end
end

page("matrix.html", "site/matrix.html", "Traceability matrix", function() return { matrix = lib.matrix() } end,
     { { "Overview", "index.html" } })
if this_shard("matrix.js") then write("matrix.js", render("site/matrix.js")) end
if this_shard("matrix.csv") then write("matrix.csv", render("common/matrix.csv", { matrix = lib.matrix() })) end
page("sbom.html", "site/sbom.html", "Software bill of materials", {}, { { "Overview", "index.html" } })
page("findings.html", "common/findings.html", "Findings", function() return { groups = lib.findings_by_severity(), record_link = "site/finding_record.html" } end,
     { { "Overview", "index.html" } })
