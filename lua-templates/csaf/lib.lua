-- csaf/lib.lua: what only the CSAF documents need: the publisher, the
-- product tree (the releases as products), the products of the device's
-- parts, the notes and identification of a vulnerability. What they share
-- with the bulletins (advisories/) is in common/csaf.lua. Runs over the
-- public view of the model.
local csaf = import("common/csaf.lua")
local M = {}

-- The prose of r (its Markdown) for a CSAF note, which customers read
-- outside the dossier: each [ID] it names becomes the record's title with
-- the ID in parentheses when the public view has that record, else the ID
-- alone (an internal record's title never leaves). The title itself when
-- the record has no prose.
function M.note_text(r)
  if r.body_markdown == "" then return r.title end
  local named = {}
  for _, m in ipairs(r.mentions) do named[m.id] = m end
  return (r.body_markdown:gsub("%[([%u][%u%d]*%-[%w%.%-]+)%]", function(id)
    local m = named[id]
    if m then return m.title .. " (" .. id .. ")" end
    return id
  end))
end

function M.publisher()
  return { category = "vendor", name = csaf.vendor(), namespace = csaf.base_url() }
end

-- The product ID of a release, and the IDs of a list of releases (nil when empty).
function M.ids(list)
  if #list == 0 then return nil end
  local ids = {}
  for i, r in ipairs(list) do ids[i] = r.id end
  return ids
end

-- The product tree: vendor -> product name -> one product_version branch
-- per release; the product's version from dossier.xml is added when no
-- release has it.
function M.product_tree()
  local p = model.product
  local versions = {}
  for _, r in ipairs(csaf.releases()) do
    versions[#versions + 1] = {
      category = "product_version", name = r.fields.version,
      product = { product_id = r.id, name = p.name .. " " .. r.fields.version },
    }
  end
  if p.version and not csaf.release_of(p.version) then
    versions[#versions + 1] = {
      category = "product_version", name = p.version,
      product = { product_id = "VERSION-" .. p.version, name = p.name .. " " .. p.version },
    }
  end
  if #versions == 0 then error("the dossier has no releases and dossier.xml no product version: CSAF needs a product") end
  return {
    branches = { {
      category = "vendor", name = csaf.vendor(),
      branches = { { category = "product_name", name = p.name, branches = versions } },
    } },
  }
end

-- The product's parts (assets with part: true) as products of the given
-- releases: each part a product of its own (its asset ID) that is a
-- default component of each release, added to tree once; returns the
-- IDs of those combined products ("REL-3.0.0:AST-005") for parts in
-- release order, nil when there are none.
function M.part_products(tree, seen, parts, releases)
  local ids = {}
  for _, r in ipairs(releases) do
    for _, part in ipairs(parts) do
      if not seen[part.id] then
        seen[part.id] = true
        tree.full_product_names = tree.full_product_names or {}
        table.insert(tree.full_product_names, { product_id = part.id, name = part.title })
      end
      local pid = r.id .. ":" .. part.id
      if not seen[pid] then
        seen[pid] = true
        tree.relationships = tree.relationships or {}
        table.insert(tree.relationships, {
          category = "default_component_of", product_reference = part.id, relates_to_product_reference = r.id,
          full_product_name = { product_id = pid, name = part.title .. " in " .. model.product.name .. " " .. r.fields.version },
        })
      end
      ids[#ids + 1] = pid
    end
  end
  if #ids == 0 then return nil end
  return ids
end

-- The statement on the parts a vulnerability does not affect: a threat of
-- category impact for their products (CSAF's VEX profile wants one for
-- every product known not to be affected), nil when there are none.
function M.parts_impact(v, ids)
  if not ids then return nil end
  local names = {}
  for i, p in ipairs(v.verdict.parts_affected) do names[i] = p.title end
  return { category = "impact", product_ids = ids,
           details = "The vulnerability is in " .. table.concat(names, ", ") .. " only; these parts do not contain it." }
end

-- Every product ID of the tree, in tree order.
function M.all_ids()
  local ids = {}
  for _, b in ipairs(M.product_tree().branches[1].branches[1].branches) do ids[#ids + 1] = b.product.product_id end
  return ids
end

-- CSAF 2.0 has no score object for CVSS v4.0: its vector and the score the check stage
-- computed travel as a note of category "other", nil without a vector that parses
function M.cvss4_note(v)
  local vd = v.verdict
  if not vd or not vd.cvss4_rating then return nil end
  return { category = "other", title = "CVSS v4.0",
           text = ("Score %.1f (%s, %s), from the vector %s"):format(vd.cvss4_score, vd.cvss4_rating:upper(),
                                                                      vd.cvss4_nomenclature, v.fields.cvss4_vector) }
end

-- The vulnerability's identification: cve when it has a CVE ID, else ids.
function M.vuln_ids(v, out)
  if v.id:find("^CVE%-%d%d%d%d%-%d%d%d%d+$") then
    out.cve = v.id
  else
    out.ids = { { system_name = csaf.vendor() .. " vulnerability ID", text = v.id } }
  end
  return out
end

-- What an advisory and the VEX say alike of a vulnerability: its
-- identification, title and description (and its CVSS v4.0 note); also
-- the description's text.
function M.vulnerability(v)
  local out = M.vuln_ids(v, {})
  out.title = v.title
  local text = M.note_text(v)
  out.notes = { { category = "description", title = "Vulnerability description", text = text } }
  local v4 = M.cvss4_note(v)
  if v4 then out.notes[#out.notes + 1] = v4 end
  return out, text
end

return M
