-- sbom/main.lua: the SBOM and VEX for customers (JSP2 F.5), a public output:
-- one CycloneDX 1.6 document in JSON and in XML, with the level of support,
-- the end-of-support dates and the VEX state of each known vulnerability,
-- and a page that shows the same for people, under public/sbom/. Then the
-- documents of every release still supported (model.verdicts.versions):
-- public/sbom/<version>/ holds that version's SBOM (JSON, XML), its VEX
-- (CycloneDX, each vulnerability as it stands in that version) and a page,
-- and public/sbom/versions.html lists them. It sees the public view:
-- internal components and fields never reach it.
local cdx = import("common/cyclonedx.lua")
local json = import("common/json.lua")
local xml = import("sbom/xml.lua")
local versions = model.verdicts.versions
if #model.by_type.component == 0 and #versions == 0 then return end -- nothing to publish
write("public/sbom/style.css", render("common/style.css"))

-- Writes one page: its template renders the content (ctx, with page
-- added), sbom/layout.html the frame (frame: title, version, subtitle).
local function page(path, template, ctx, frame)
  ctx.page = path
  frame.page = path
  frame.body = render(template, ctx)
  write(path, render("sbom/layout.html", frame))
end

if #model.by_type.component > 0 then
  local bom = cdx.bom()
  write("public/sbom/sbom.cdx.json", json.encode(bom))
  write("public/sbom/sbom.cdx.xml", xml.encode(bom))
  page("public/sbom/index.html", "sbom/index.html", { bom = bom },
       { title = "Software bill of materials", version = model.product.version or false,
         subtitle = "Software bill of materials" })
end
for _, sv in ipairs(versions) do
  local dir = "public/sbom/" .. sv.version .. "/"
  local bom
  if sv.sbom ~= "missing" then
    bom = cdx.bom(sv)
    write(dir .. "sbom.cdx.json", json.encode(bom))
    write(dir .. "sbom.cdx.xml", xml.encode(bom))
  end
  local vex = cdx.bom(sv, true)
  write(dir .. "vex.cdx.json", json.encode(vex))
  page(dir .. "index.html", "sbom/version.html", { sv = sv, bom = bom or false, vex = vex },
       { title = "Version " .. sv.version, version = sv.version,
         subtitle = "SBOM and vulnerability status of version " .. sv.version })
end
if #versions > 0 then
  page("public/sbom/versions.html", "sbom/versions.html", { versions = versions },
       { title = "Supported versions", version = false, subtitle = "Supported versions" })
end
