-- sbom/main.lua: the SBOM and VEX for customers (JSP2 F.5), a public output:
-- one CycloneDX 1.6 document in JSON and in XML, with the level of support,
-- the end-of-support dates and the VEX state of each known vulnerability,
-- and a page that shows the same for people, under public/sbom/. Then the
-- documents of every release still supported (model.verdicts.versions):
-- public/sbom/<version>/ holds that version's SBOM (JSON, XML), its VEX
-- (CycloneDX, each vulnerability as it stands in that version) and a page,
-- and public/sbom/versions.html lists them. It sees the public view:
-- internal components and fields never reach it.
local cdx = import("sbom/cyclonedx.lua")
local json = import("common/json.lua")
local xml = import("sbom/xml.lua")
local versions = model.verdicts.versions
if #model.by_type.component == 0 and #versions == 0 then return end -- nothing to publish
write("public/sbom/style.css", render("common/style.css"))
if #model.by_type.component > 0 then
  local bom = cdx.bom()
  write("public/sbom/sbom.cdx.json", json.encode(bom))
  write("public/sbom/sbom.cdx.xml", xml.encode(bom))
  local page = "public/sbom/index.html"
  write(page, render("sbom/index.html", { page = page, bom = bom }))
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
  local page = dir .. "index.html"
  write(page, render("sbom/version.html", { page = page, sv = sv, bom = bom or false, vex = vex }))
end
if #versions > 0 then
  local page = "public/sbom/versions.html"
  write(page, render("sbom/versions.html", { page = page, versions = versions }))
end
