-- sbom/xml.lua: a CycloneDX document built by common/cyclonedx.lua (the JSON
-- shape) written in the XML format of the same version. The XML schema wants
-- its elements in a fixed order, so each object kind lists its children in
-- that order; what a kind does not list is not written.
local M = {}

local out

local function text(s) return escape_xml(tostring(s)) end

local function leaf(indent, name, value)
  if value ~= nil then out[#out + 1] = indent .. "<" .. name .. ">" .. text(value) .. "</" .. name .. ">\n" end
end

local function open(indent, name, attrs)
  local a = {}
  for _, kv in ipairs(attrs or {}) do
    if kv[2] ~= nil then a[#a + 1] = " " .. kv[1] .. '="' .. text(kv[2]) .. '"' end
  end
  out[#out + 1] = indent .. "<" .. name .. table.concat(a) .. ">\n"
end

local function close(indent, name) out[#out + 1] = indent .. "</" .. name .. ">\n" end

-- <name> holding one child per item of items, each written by
-- child(indent of the children, item); nothing when items is nil.
local function list(indent, name, items, child)
  if not items then return end
  open(indent, name)
  for _, x in ipairs(items) do child(indent .. "  ", x) end
  close(indent, name)
end

-- A child for list: the element name with the item as its text.
local function leaves(name)
  return function(indent, value) leaf(indent, name, value) end
end

local function entity(indent, name, e)
  if not e then return end
  open(indent, name)
  leaf(indent .. "  ", "name", e.name)
  for _, u in ipairs(e.url or {}) do leaf(indent .. "  ", "url", u) end
  close(indent, name)
end

local function properties(indent, props)
  list(indent, "properties", props, function(i, p)
    out[#out + 1] = i .. '<property name="' .. text(p.name) .. '">' .. text(p.value) .. "</property>\n"
  end)
end

local function component(indent, c)
  local i = indent .. "  "
  open(indent, "component", { { "type", c.type }, { "bom-ref", c["bom-ref"] } })
  entity(i, "supplier", c.supplier)
  entity(i, "manufacturer", c.manufacturer)
  leaf(i, "group", c.group)
  leaf(i, "name", c.name)
  leaf(i, "version", c.version)
  leaf(i, "description", c.description)
  list(i, "hashes", c.hashes, function(ii, h)
    out[#out + 1] = ii .. '<hash alg="' .. text(h.alg) .. '">' .. text(h.content) .. "</hash>\n"
  end)
  list(i, "licenses", c.licenses, function(at, l)
    if l.expression then
      leaf(at, "expression", l.expression)
    else
      open(at, "license")
      if l.license.id then leaf(at .. "  ", "id", l.license.id) else leaf(at .. "  ", "name", l.license.name) end
      close(at, "license")
    end
  end)
  leaf(i, "cpe", c.cpe)
  leaf(i, "purl", c.purl)
  properties(i, c.properties)
  close(indent, "component")
end

local function vulnerability(indent, v)
  local i, ii = indent .. "  ", indent .. "    "
  open(indent, "vulnerability", { { "bom-ref", v["bom-ref"] } })
  leaf(i, "id", v.id)
  if v.source then
    open(i, "source")
    leaf(ii, "name", v.source.name)
    leaf(ii, "url", v.source.url)
    close(i, "source")
  end
  list(i, "ratings", v.ratings, function(at, r)
    open(at, "rating")
    leaf(at .. "  ", "score", r.score)
    leaf(at .. "  ", "severity", r.severity)
    leaf(at .. "  ", "method", r.method)
    leaf(at .. "  ", "vector", r.vector)
    close(at, "rating")
  end)
  list(i, "cwes", v.cwes, leaves("cwe"))
  leaf(i, "description", v.description)
  leaf(i, "recommendation", v.recommendation)
  local a = v.analysis
  if a then
    open(i, "analysis")
    leaf(ii, "state", a.state)
    leaf(ii, "justification", a.justification)
    list(ii, "responses", a.response, leaves("response"))
    leaf(ii, "detail", a.detail)
    close(i, "analysis")
  end
  list(i, "affects", v.affects, function(at, t)
    open(at, "target")
    leaf(at .. "  ", "ref", t.ref)
    close(at, "target")
  end)
  properties(i, v.properties)
  close(indent, "vulnerability")
end

-- The XML text of bom, ending with a line break.
function M.encode(bom)
  out = {}
  out[1] = '<?xml version="1.0" encoding="UTF-8"?>\n'
  open("", "bom", { { "xmlns", "http://cyclonedx.org/schema/bom/" .. bom.specVersion },
                    { "serialNumber", bom.serialNumber }, { "version", bom.version } })
  local m = bom.metadata
  open("  ", "metadata")
  leaf("    ", "timestamp", m.timestamp)
  open("    ", "tools")
  list("      ", "components", m.tools.components, component)
  close("    ", "tools")
  component("    ", m.component)
  entity("    ", "manufacturer", m.manufacturer)
  entity("    ", "supplier", m.supplier)
  close("  ", "metadata")
  list("  ", "components", bom.components, component)
  open("  ", "dependencies")
  for _, d in ipairs(bom.dependencies) do
    if d.dependsOn and d.dependsOn[1] then
      open("    ", "dependency", { { "ref", d.ref } })
      for _, on in ipairs(d.dependsOn) do out[#out + 1] = '      <dependency ref="' .. text(on) .. '"/>\n' end
      close("    ", "dependency")
    else
      out[#out + 1] = '    <dependency ref="' .. text(d.ref) .. '"/>\n'
    end
  end
  close("  ", "dependencies")
  list("  ", "vulnerabilities", bom.vulnerabilities, vulnerability)
  close("", "bom")
  local s = table.concat(out)
  out = nil
  return s
end

return M
