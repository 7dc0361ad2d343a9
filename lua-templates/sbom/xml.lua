-- sbom/xml.lua: a CycloneDX document built by sbom/cyclonedx.lua (the JSON
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

local function entity(indent, name, e)
  if not e then return end
  open(indent, name)
  leaf(indent .. "  ", "name", e.name)
  for _, u in ipairs(e.url or {}) do leaf(indent .. "  ", "url", u) end
  close(indent, name)
end

local function properties(indent, props)
  if not props then return end
  open(indent, "properties")
  for _, p in ipairs(props) do
    out[#out + 1] = indent .. '  <property name="' .. text(p.name) .. '">' .. text(p.value) .. "</property>\n"
  end
  close(indent, "properties")
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
  if c.hashes then
    open(i, "hashes")
    for _, h in ipairs(c.hashes) do
      out[#out + 1] = i .. '  <hash alg="' .. text(h.alg) .. '">' .. text(h.content) .. "</hash>\n"
    end
    close(i, "hashes")
  end
  if c.licenses then
    open(i, "licenses")
    for _, l in ipairs(c.licenses) do
      if l.expression then
        leaf(i .. "  ", "expression", l.expression)
      else
        open(i .. "  ", "license")
        if l.license.id then leaf(i .. "    ", "id", l.license.id) else leaf(i .. "    ", "name", l.license.name) end
        close(i .. "  ", "license")
      end
    end
    close(i, "licenses")
  end
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
  if v.ratings then
    open(i, "ratings")
    for _, r in ipairs(v.ratings) do
      open(ii, "rating")
      leaf(ii .. "  ", "score", r.score)
      leaf(ii .. "  ", "severity", r.severity)
      leaf(ii .. "  ", "method", r.method)
      leaf(ii .. "  ", "vector", r.vector)
      close(ii, "rating")
    end
    close(i, "ratings")
  end
  if v.cwes then
    open(i, "cwes")
    for _, c in ipairs(v.cwes) do leaf(ii, "cwe", c) end
    close(i, "cwes")
  end
  leaf(i, "description", v.description)
  leaf(i, "recommendation", v.recommendation)
  local a = v.analysis
  if a then
    open(i, "analysis")
    leaf(ii, "state", a.state)
    leaf(ii, "justification", a.justification)
    if a.response then
      open(ii, "responses")
      for _, r in ipairs(a.response) do leaf(ii .. "  ", "response", r) end
      close(ii, "responses")
    end
    leaf(ii, "detail", a.detail)
    close(i, "analysis")
  end
  open(i, "affects")
  for _, t in ipairs(v.affects) do
    open(ii, "target")
    leaf(ii .. "  ", "ref", t.ref)
    close(ii, "target")
  end
  close(i, "affects")
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
  open("      ", "components")
  for _, t in ipairs(m.tools.components) do component("        ", t) end
  close("      ", "components")
  close("    ", "tools")
  component("    ", m.component)
  entity("    ", "manufacturer", m.manufacturer)
  entity("    ", "supplier", m.supplier)
  close("  ", "metadata")
  if bom.components then
    open("  ", "components")
    for _, c in ipairs(bom.components) do component("    ", c) end
    close("  ", "components")
  end
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
  if bom.vulnerabilities then
    open("  ", "vulnerabilities")
    for _, v in ipairs(bom.vulnerabilities) do vulnerability("    ", v) end
    close("  ", "vulnerabilities")
  end
  close("", "bom")
  local s = table.concat(out)
  out = nil
  return s
end

return M
