-- mds2/main.lua: the MDS2 form (ANSI/NEMA HN 1-2019) as one print-ready HTML
-- page, mds2/index.html, beside mds2/mds2.xlsx (written by the output's C
-- step). Each answer names the records behind it (a public page: no links into the internal site).
local mds2 = model.mds2
if not mds2 then return end

-- The header block's answers by question ID, for the title area.
local header = {}
for _, q in ipairs(mds2.questions) do
  if q.section == "DOC" then header[q.id] = q.answer end
end

local counts = { records = 0, ["mds2.xml"] = 0, implied = 0, unanswered = 0 }
for _, q in ipairs(mds2.questions) do counts[q.source] = counts[q.source] + 1 end

write("mds2/style.css", render("mds2/style.css"))
write("mds2/index.html", render("mds2/index.html", {
  page = "mds2/index.html", mds2 = mds2, header = header, counts = counts, shown = 6,
}))
