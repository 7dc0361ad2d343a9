-- mds2/main.lua: the MDS2 form (ANSI/NEMA HN 1-2019) as one print-ready HTML
-- page, mds2/index.html, beside mds2/mds2.xlsx (written by the output's C
-- step). Each answer names the records behind it (a public page: no links into the internal site).
-- Then the form of every other release still supported, mds2/<version>/index.html:
-- the same answers but those the check stage found to differ in it
-- (model.verdicts.versions[i].mds2: its version, its SBOM).
local mds2 = model.mds2
if not mds2 then return end

-- The answers of a release's form by question ID (none: the current form).
local function by_id(list)
  local t = {}
  for _, a in ipairs(list) do t[a.id] = a end
  return t
end

-- The header block's answers by question ID, for the title area, and the
-- count of answers by source.
local function summary(answers)
  local header = {}
  local counts = { records = 0, ["mds2.xml"] = 0, implied = 0, unanswered = 0 }
  for _, asked in ipairs(mds2.questions) do
    local q = answers[asked.id] or asked
    if q.section == "DOC" then header[q.id] = q.answer end
    counts[q.source] = counts[q.source] + 1
  end
  return header, counts
end

write("mds2/style.css", render("mds2/style.css"))
local header, counts = summary({})
write("mds2/index.html", render("mds2/index.html", {
  page = "mds2/index.html", mds2 = mds2, header = header, counts = counts, shown = 6,
  version = model.product.version or false, answers = {}, current = true,
}))
for _, sv in ipairs(model.verdicts.versions) do
  if not sv.current then
    local answers = by_id(sv.mds2)
    local h, c = summary(answers)
    local page = "mds2/" .. sv.version .. "/index.html"
    write(page, render("mds2/index.html", {
      page = page, mds2 = mds2, header = h, counts = c, shown = 6,
      version = sv.version, answers = answers, current = false,
    }))
  end
end
