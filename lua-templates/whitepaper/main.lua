-- whitepaper/main.lua: the security whitepaper for customers, a public
-- output: whitepaper.md of the dossier (prose by people) with every
-- directive line ({{controls category=cryptography}}) replaced by data from
-- the model, as one print-ready HTML file, public/whitepaper.html. Shadow
-- any template here from the dossier's templates/whitepaper/.
local blocks = whitepaper()
if not blocks then return end -- no whitepaper.md, no whitepaper

local page = "public/whitepaper.html"
-- Directive name -> template and fixed options; logging is the controls
-- directive for one category.
local directives = {
  controls = { "whitepaper/controls.html" },
  logging = { "whitepaper/controls.html", category = "logging" },
  interfaces = { "whitepaper/interfaces.html" },
  sbom = { "whitepaper/sbom.html" },
  updates = { "whitepaper/updates.html" },
  ["end-of-support"] = { "whitepaper/end_of_support.html" },
  cvd = { "whitepaper/cvd.html" },
  record = { "whitepaper/record.html" },
}

local parts = {}
for _, b in ipairs(blocks) do
  if b.directive then
    local d = directives[b.directive]
    if not d then error("whitepaper.md:" .. b.line .. ": unknown directive '" .. b.directive .. "'") end
    parts[#parts + 1] = render(d[1], {
      page = page, line = b.line,
      category = d.category or b.options.category,
      asset = b.options.asset, id = b.options.id,
    })
  else
    parts[#parts + 1] = markdown_text(b.markdown, page, 1)
  end
end
local body = parts[1] or ""
for i = 2, #parts do body = body .. parts[i] end
write(page, render("whitepaper/layout.html", { page = page, body = body }))
