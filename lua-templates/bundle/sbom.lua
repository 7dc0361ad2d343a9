-- bundle/sbom.lua: sbom.cdx.json, one CycloneDX 1.6 document: components
-- with NTIA elements and the FDA support properties the loader reads back,
-- the dependency graph, each vulnerability's VEX state. No serial number or
-- clock time, so the bytes are stable.
local json = import("csaf/json.lua")
local M = {}

local types = {
  application = true, framework = true, library = true, container = true, platform = true,
  ["operating-system"] = true, device = true, ["device-driver"] = true, firmware = true, file = true,
}
local states = { not_affected = "not_affected", affected = "exploitable", fixed = "resolved",
  under_investigation = "in_triage" }
local justifications = {
  component_not_present = "code_not_present", vulnerable_code_not_present = "code_not_present",
  vulnerable_code_not_in_execute_path = "code_not_reachable",
  vulnerable_code_cannot_be_controlled_by_adversary = "requires_environment",
  inline_mitigations_already_exist = "protected_by_mitigating_control",
}

local function nonempty(t) if #t > 0 then return t end return nil end

function M.document()
  local p = model.product
  local components, deps = {}, {}
  for _, c in ipairs(model.by_type.component) do
    local f = c.fields
    local props = {}
    if f.support then props[#props + 1] = { name = "cdx:fda:level-of-support", value = f.support } end
    if f.end_of_support then props[#props + 1] = { name = "cdx:fda:end-of-support-date", value = f.end_of_support } end
    if f.support_reason then props[#props + 1] = { name = "dossier:support-reason", value = f.support_reason } end
    local licenses = {}
    for _, l in ipairs(f.licenses or {}) do licenses[#licenses + 1] = { license = { name = l } } end
    components[#components + 1] = {
      ["bom-ref"] = c.id, type = types[f.kind or ""] and f.kind or "library",
      name = f.name or c.title, version = f.version, group = f.group, purl = f.purl, cpe = f.cpe,
      supplier = f.supplier and { name = f.supplier } or nil,
      licenses = nonempty(licenses), properties = nonempty(props),
    }
    local on = {}
    for _, d in ipairs(c.rel.depends_on) do on[#on + 1] = d.id end
    deps[#deps + 1] = { ref = c.id, dependsOn = nonempty(on) }
  end
  local vulns = {}
  for _, v in ipairs(model.by_type.vulnerability) do
    local affects = {}
    for _, c in ipairs(v.rel.sbom_components) do affects[#affects + 1] = { ref = c.id } end
    if #affects > 0 then
      local state = states[v.fields.vex_state or ""]
      vulns[#vulns + 1] = {
        ["bom-ref"] = "vuln-" .. v.id, id = v.id, affects = affects,
        analysis = state and {
          state = state, justification = justifications[v.fields.vex_justification or ""],
        } or nil,
      }
    end
  end
  return json.encode({
    bomFormat = "CycloneDX", specVersion = "1.6", version = 1,
    metadata = {
      timestamp = model.build_date .. "T00:00:00Z",
      tools = { components = { { type = "application", name = "dossier" } } },
      component = { ["bom-ref"] = "device", type = "device", name = p.name or "device", version = p.version },
      supplier = p.manufacturer and { name = p.manufacturer } or nil,
    },
    components = nonempty(components),
    dependencies = nonempty(deps),
    vulnerabilities = nonempty(vulns),
  })
end

return M
