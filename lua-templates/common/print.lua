-- common/print.lua: the running header and footer of printed documents. A
-- print-ready layout sets them as CSS custom properties in the style
-- attribute of its <html>; the @page rules of its stylesheet show them in
-- the page margins with var(). Used by bundle, postmarket, mds2,
-- whitepaper and advisories; see docs/pdf.md.
local M = {}

-- s as a CSS string: quotes, backslashes and control characters as hex
-- escapes (the attribute's own escaping is the template's, for HTML).
function M.css_string(s)
  local body = tostring(s or ""):gsub('[%c"\\]', function(c) return string.format("\\%x ", c:byte()) end)
  return '"' .. body .. '"'
end

-- The product as the running header names it: name and version.
function M.product()
  local p = model.product
  return (p.name or "") .. (p.version and (" " .. p.version) or "")
end

-- The value of <html style="...">: t.title (the document), t.id (its
-- identifier) and t.revision; the product comes from the model.
function M.running(t)
  return "--doc-product: " .. M.css_string(M.product()) .. "; --doc-title: " .. M.css_string(t.title)
    .. "; --doc-id: " .. M.css_string(t.id) .. "; --doc-rev: " .. M.css_string(t.revision)
end

return M
