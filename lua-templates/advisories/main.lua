-- advisories/main.lua: the security advisories for customers (JSP2 F.5), a
-- public output: an HTML bulletin per advisory record, an index of them
-- and an Atom feed, under public/advisories/; a bulletin restricted by its
-- TLP label under restricted/advisories/<label>/, listed nowhere public. The CSAF documents are the csaf
-- output; the facts both need are in common/csaf.lua.
local lib = import("advisories/lib.lua")

local function page(path, template, title, ctx)
  ctx.page = path
  ctx.title = title
  write(path, render("advisories/layout.html", { page = path, title = title, body = render(template, ctx), adv = ctx.adv,
                                                 folder = lib.folder(ctx.adv) }))
end

-- The public pages list and link the public advisories only.
local advisories = lib.by_date()
if #advisories > 0 then
  write("public/advisories/style.css", render("common/style.css"))
  page("public/advisories/index.html", "advisories/index.html", "Security advisories", { advisories = advisories })
  for _, adv in ipairs(advisories) do
    page("public/advisories/" .. adv.id .. ".html", "advisories/bulletin.html", adv.id .. " " .. adv.title, { adv = adv })
  end
  write("public/advisories/feed.atom", render("advisories/feed.atom", { advisories = advisories }))
end

-- A restricted advisory's bulletin, in the folder of its TLP label with
-- its own style sheet, since that folder is served apart from public/.
local styled = {}
for _, adv in ipairs(lib.csaf.restricted()) do
  local folder = lib.folder(adv)
  if not styled[folder] then
    styled[folder] = true
    write(folder .. "style.css", render("common/style.css"))
  end
  page(folder .. adv.id .. ".html", "advisories/bulletin.html", adv.id .. " " .. adv.title, { adv = adv })
end
