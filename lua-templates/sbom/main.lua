-- sbom/main.lua: the SBOM and VEX for customers (JSP2 F.5), a public output:
-- one CycloneDX 1.6 document in JSON and in XML, with the level of support,
-- the end-of-support dates and the VEX state of each known vulnerability,
-- and a page that shows the same for people, under public/sbom/. It sees the
-- public view: internal components and fields never reach it.
if #model.by_type.component == 0 then return end -- no SBOM, nothing to publish
local bom = import("sbom/cyclonedx.lua").bom()
write("public/sbom/sbom.cdx.json", import("common/json.lua").encode(bom))
write("public/sbom/sbom.cdx.xml", import("sbom/xml.lua").encode(bom))
write("public/sbom/style.css", render("common/style.css"))
local page = "public/sbom/index.html"
write(page, render("sbom/index.html", { page = page, bom = bom }))
