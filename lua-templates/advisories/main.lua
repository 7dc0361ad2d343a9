-- advisories/main.lua: the security advisories for customers (JSP2 F.5), a
-- public output: an HTML bulletin per advisory record, an index of them
-- and an Atom feed, under public/advisories/. The CSAF documents are the csaf
-- output; the facts both need are in csaf/lib.lua.
local lib = import("advisories/lib.lua")

local function page(path, template, title, ctx)
  ctx.page = path
  ctx.title = title
  write(path, render("advisories/layout.html", { page = path, title = title, body = render(template, ctx), adv = ctx.adv }))
end

local advisories = lib.by_date()
if #advisories == 0 then return end -- a dossier without advisories publishes none
write("public/advisories/style.css", render("common/style.css"))
page("public/advisories/index.html", "advisories/index.html", "Security advisories", { advisories = advisories })
for _, adv in ipairs(advisories) do
  page("public/advisories/" .. adv.id .. ".html", "advisories/bulletin.html", adv.id .. " " .. adv.title, { adv = adv })
end
write("public/advisories/feed.atom", render("advisories/feed.atom", { advisories = advisories }))
