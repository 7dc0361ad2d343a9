-- site/lib.lua: presentation logic of the site's templates: names for
-- people, list columns, navigation and record links made once per folder.
-- What other outputs share (badge tones, verdict words, the matrix by
-- threat, the findings by severity) is common/lib.lua's, named here too.
-- The verdicts themselves are the check stage's (model.verdicts,
-- record.verdict).
local common = import("common/lib.lua")
local M = {}
for _, name in ipairs({ "tone", "verdict_words", "verdict_tone", "latest_result", "matrix",
                        "findings_by_severity", "finding_counts" }) do
  M[name] = common[name]
end

-- "attack_vector" -> "Attack vector" (kept: field names repeat on every page)
local humane = {}
function M.humanize(name)
  local h = humane[name]
  if not h then
    h = name:gsub("_", " "):gsub("^%l", string.upper)
    humane[name] = h
  end
  return h
end

-- "Architecture views", "Threats": the type's title made plural.
function M.plural_title(t)
  if t.title:find(" ") then return (t.title:gsub("%S+$", t.plural)) end
  return (t.plural:gsub("^%l", string.upper))
end

-- u when it is a web address (http or https), else nil: a URL from the
-- dossier becomes a link only when it cannot run script.
function M.web_url(u)
  if u and (u:find("^https?://") ) then return u end
  return nil
end

-- The fields of a type worth a column in its list: required enums, dates
-- and one-line strings (never id or title), at most four.
function M.list_columns(t)
  local cols = {}
  for _, f in ipairs(t.fields) do
    if #cols < 4 and f.required and f.name ~= "id" and f.name ~= "title"
       and (f.kind == "enum" or f.kind == "date" or f.kind == "string") then
      cols[#cols + 1] = f
    end
  end
  return cols
end

-- The folder of an output path, with its slash: "threats/" for
-- "threats/THR-1.html", "" for "index.html".
local function folder(page)
  return page:match("^(.*/)") or ""
end

-- The pages the header's navigation links to: on those the navigation
-- marks the current one, so each gets its own.
local nav_pages = { ["index.html"] = true, ["matrix.html"] = true, ["findings.html"] = true, ["sbom.html"] = true }
for _, t in ipairs(model.types) do nav_pages[t.plural .. "/index.html"] = true end

-- The header's navigation for page (site/nav.html). It differs between
-- pages only by the depth of their folder and on the pages it links to, so
-- it is rendered once per folder and kept.
local navs = {}
function M.nav(page)
  local key = nav_pages[page] and page or folder(page)
  return memo(navs, key, function() return render("site/nav.html", { page = page }) end)
end

-- A link to record r from page (site/record_link.html). Its URL is relative
-- to the page's folder, so it is rendered once per folder and record.
local record_links = {}
function M.record_link(page, r)
  local dir = folder(page)
  local by = record_links[dir]
  if not by then
    by = {}
    record_links[dir] = by
  end
  return memo(by, r.id, function() return render("site/record_link.html", { record = r, page = page }) end)
end

-- The fields a record page shows in its field list, in schema order: all
-- but id, title and links (those are in the traceability section), each
-- {def, name, kind, label}. Made once per type.
local shown = {}
function M.shown_fields(t)
  return memo(shown, t.name, function()
    local list = {}
    for _, f in ipairs(t.fields) do
      if f.name ~= "id" and f.name ~= "title" and f.kind ~= "links" and f.kind ~= "link" then
        list[#list + 1] = { def = f, name = f.name, kind = f.kind, label = M.humanize(f.name) }
      end
    end
    return list
  end)
end

-- Link and backlink objects grouped by name: {{name, records}} in order.
function M.group_links(links)
  local groups, by = {}, {}
  for _, l in ipairs(links) do
    local g = by[l.name]
    if not g then
      g = { name = l.name, records = {} }
      by[l.name] = g
      groups[#groups + 1] = g
    end
    g.records[#g.records + 1] = l.record
  end
  return groups
end

return M
