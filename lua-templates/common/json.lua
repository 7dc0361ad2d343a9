-- common/json.lua: a small JSON writer for the CSAF documents: plain Lua
-- tables in, text out, object keys sorted (pairs is sorted in the sandbox),
-- two-space indentation. A table with an element 1 is an array; build empty
-- arrays and objects never (CSAF wants them left out), except M.EMPTY_ARRAY,
-- written [] (a CycloneDX leaf's dependsOn).
local M = {}
M.EMPTY_ARRAY = {}

local function encode(v, out, indent)
  local t = type(v)
  if t == "string" then
    out[#out + 1] = '"' .. escape_json(v) .. '"'
  elseif t == "number" then
    if math.type(v) == "integer" then out[#out + 1] = string.format("%d", v)
    else out[#out + 1] = string.format("%.14g", v) end
  elseif t == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif t == "table" then
    local inner = indent .. "  "
    if v == M.EMPTY_ARRAY then
      out[#out + 1] = "[]"
    elseif v[1] ~= nil then
      out[#out + 1] = "[\n"
      for i, item in ipairs(v) do
        out[#out + 1] = inner
        encode(item, out, inner)
        out[#out + 1] = i < #v and ",\n" or "\n"
      end
      out[#out + 1] = indent .. "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      if #keys == 0 then error("json: an empty object or array (leave the key out)") end
      out[#out + 1] = "{\n"
      for i, k in ipairs(keys) do
        out[#out + 1] = inner .. '"' .. escape_json(k) .. '": '
        encode(v[k], out, inner)
        out[#out + 1] = i < #keys and ",\n" or "\n"
      end
      out[#out + 1] = indent .. "}"
    end
  else
    error("json: cannot write a " .. t)
  end
end

-- The JSON text of v, ending with a line break.
function M.encode(v)
  local out = {}
  encode(v, out, "")
  out[#out + 1] = "\n"
  return table.concat(out)
end

return M
