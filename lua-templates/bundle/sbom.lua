-- bundle/sbom.lua: sbom.cdx.json of the premarket bundle, the CycloneDX 1.6
-- document of common/cyclonedx.lua over the whole model (the customer SBOM is
-- the same document over the public view).
local M = {}

function M.document()
  return import("common/json.lua").encode(import("common/cyclonedx.lua").bom())
end

return M
