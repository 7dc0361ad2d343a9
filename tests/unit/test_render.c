/* test_render.c: the render stage on tests/fixtures/load/basic. Each case
 * writes a few templates into a scratch folder, renders output "t" and
 * expects an exit code and a string in an output file or on stderr; then
 * the compiler's line keeping, determinism and the site templates. */
#include <stdlib.h>
#include <unistd.h>

#include <cmark-gfm.h>

#include "base/base.h"
#include "check/check.h"
#include "load/load.h"
#include "model/model.h"
#include "render/render.h"
#include "render/renderer.h"
#include "test.h"

#define SCRATCH "tests/tmp/render"

typedef struct Case {
    const char *name;
    const char *files[6][2]; /* {path below templates/, content}; path NULL ends */
    int rc;
    const char *file; /* output file to look in when rc is 0 */
    const char *want; /* in that file, or on stderr when rc is not 0 */
    const char *not_want;
    long budget;
    size_t memory;
} Case;

static const Case cases[] = {
    /* escaping and raw output */
    {"escape: {{ }} escapes for HTML",
     {{"t/main.lua", "write('a.html', render('t/a.html', {s = [[<a href=\"x\">&'</a>]]}))"},
      {"t/a.html", "<p>{{ s }}</p>"}},
     0,
     "a.html",
     "<p>&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;</p>",
     NULL,
     0,
     0},
    {"escape: {{{ }}} prints raw",
     {{"t/main.lua", "write('a.html', render('t/a.html', {s = '<b>'}))"},
      {"t/a.html", "{{{ s }}}|{{ nil }}|{{ 3 }}"}},
     0,
     "a.html",
     "<b>||3",
     NULL,
     0,
     0},
    {"escape: XML by extension, C0 controls replaced",
     {{"t/main.lua", "write('a.xml', render('t/a.xml', {s = '<\\1&'}))"},
      {"t/a.xml", "<x>{{ s }}</x>"}},
     0,
     "a.xml",
     "<x>&lt;\xEF\xBF\xBD&amp;</x>",
     NULL,
     0,
     0},
    {"escape: JSON by extension",
     {{"t/main.lua", "write('a.json', render('t/a.json', {s = 'say \"hi\"\\n\\\\'}))"},
      {"t/a.json", "{\"s\": \"{{ s }}\"}"}},
     0,
     "a.json",
     "{\"s\": \"say \\\"hi\\\"\\n\\\\\"}",
     NULL,
     0,
     0},
    {"escape: CSV quotes and defuses formulas",
     {{"t/main.lua", "write('a.csv', render('t/a.csv', {a = 'x,y', b = '=1+1', c = 'plain'}))"},
      {"t/a.csv", "{{ a }},{{ b }},{{ c }}"}},
     0,
     "a.csv",
     "\"x,y\",\"'=1+1\",plain",
     NULL,
     0,
     0},
    {"escape: a safe HTML value is escaped again inside JSON",
     {{"t/main.lua", "write('a.json', render('t/a.json', {h = render('t/h.html', {})}))"},
      {"t/a.json", "\"{{ h }}\""},
      {"t/h.html", "<i class=\"x\">i</i>"}},
     0,
     "a.json",
     "\"<i class=\\\"x\\\">i</i>\"",
     NULL,
     0,
     0},
    {"escape: include output passes {{ }} unescaped in the same context",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "<div>{{ include('t/p.html', {n = '<1>'}) }}</div>"},
      {"t/p.html", "<span>{{ n }}</span>"}},
     0,
     "a.html",
     "<div><span>&lt;1&gt;</span></div>",
     NULL,
     0,
     0},
    {"escape: helpers escape_html, escape_json, csv_field",
     {{"t/main.lua", "write('a.txt', escape_html('<') .. escape_json('\"') .. csv_field('a\"b'))"}},
     0,
     "a.txt",
     "&lt;\\\"\"a\"\"b\"",
     NULL,
     0,
     0},
    {"escape: a table cannot be printed",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"}, {"t/a.html", "line 1\n{{ {} }}"}},
     3,
     NULL,
     "t/a.html:2: error: {{ }} cannot print a table value",
     NULL,
     0,
     0},

    /* Markdown */
    {"markdown: ID links relative to the page, from a sub-folder",
     {{"t/main.lua", "write('threats/x.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ markdown(model.index['THR-1'], 'threats/x.html') }}"}},
     0,
     "threats/x.html",
     "<a href=\"../controls/CTL-1.html\">the nonce control</a>",
     NULL,
     0,
     0},
    {"markdown: ID links from the root",
     {{"t/main.lua", "write('x.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ markdown(model.index['AST-1']) }}"}},
     0,
     "x.html",
     "<a href=\"threats/THR-1.html\">THR-1</a>",
     NULL,
     0,
     0},
    {"markdown: raw HTML in prose is shown as text",
     {{"t/main.lua", "write('x.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ markdown_text('Hi <script>alert(1)</script> <b "
                   "onclick=\"x\">b</b>\\n\\n<div>\\nblock\\n</div>\\n') }}"}},
     0,
     "x.html",
     "&lt;script&gt;alert(1)&lt;/script&gt;",
     "<script>",
     0,
     0},
    {"markdown: raw HTML blocks become code blocks",
     {{"t/main.lua", "write('x.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ markdown_text('<div>\\nblock\\n</div>\\n') }}"}},
     0,
     "x.html",
     "<pre><code>&lt;div&gt;",
     "<div>",
     0,
     0},
    {"markdown: javascript: URLs are dropped",
     {{"t/main.lua", "write('x.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ markdown_text('[x](javascript:alert(1))') }}"}},
     0,
     "x.html",
     "<a href=\"\">x</a>",
     "javascript",
     0,
     0},
    {"markdown: IDs in text fields become links, tables render",
     {{"t/main.lua", "write('a/b.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ markdown_text('See [CTL-1].\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |\\n', "
                   "'a/b.html') }}"}},
     0,
     "a/b.html",
     "<a href=\"../controls/CTL-1.html\">CTL-1</a>",
     NULL,
     0,
     0},
    {"markdown: headings start at the level asked for",
     {{"t/main.lua", "write('x.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ markdown_text('# One\\n\\n## Two <h1>\\n\\n###### Six\\n', '', 3) }}"}},
     0,
     "x.html",
     "<h3>One</h3>\n<h4>Two &lt;h1&gt;</h4>\n<h6>Six</h6>",
     NULL,
     0,
     0},
    {"markdown: tables render",
     {{"t/main.lua", "write('x.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ markdown_text('| a | b |\\n|---|---|\\n| 1 | 2 |\\n') }}"}},
     0,
     "x.html",
     "<td>1</td>",
     NULL,
     0,
     0},
    {"escape: joining a string to safe HTML escapes the string",
     {{"t/main.lua", "write('a.html', '<b>' .. render('t/a.html', {}) .. 1)"}, {"t/a.html", "<i>"}},
     0,
     "a.html",
     "&lt;b&gt;<i>1",
     NULL,
     0,
     0},
    {"escape: safe values of two contexts do not mix",
     {{"t/main.lua", "local x = render('t/a.html', {}) .. render('t/a.json', {})"},
      {"t/a.html", "<i>"},
      {"t/a.json", "1"}},
     3,
     NULL,
     "t/main.lua:1: error: cannot join safe html with safe json",
     NULL,
     0,
     0},

    /* the model */
    {"model: shape, sorted arrays, links and backlinks by name",
     {{"t/main.lua",
       "local t = model.index['THR-1']\n"
       "local c = model.index['CTL-1']\n"
       "local out = {#model.records, model.records[1].id, #model.by_type.threat, "
       "#model.by_type.advisory,\n"
       "  t.rel.mitigated_by[1].id, c.rel.mitigates[1].id, c.rel.verified_by[1].id,\n"
       "  t.fields.stride, type(t.fields.assets), t.fields.assets[1], t.type, t.plural, t.page,\n"
       "  #t.mentioned_by, t.mentioned_by[1].id, tostring(t.internal), model.build_date,\n"
       "  model.product.name, model.types[1].name, model.types_by_name.threat.fields[1].name,\n"
       "  t.links[1].name, c.backlinks[1].name, c.backlinks[1].record.id, "
       "tostring(model.index['NOPE'])}\n"
       "write('m.txt', table.concat(out, ' '))"}},
     0,
     "m.txt",
     "5 AST-1 1 0 CTL-1 THR-1 TST-1 tampering table AST-1 threat threats threats/THR-1.html 2 "
     "AST-1 false "
     "1970-01-02 Test Pump asset id assets mitigates THR-1 nil",
     NULL,
     0,
     0},
    {"model: findings per record and in the model",
     {{"t/main.lua", "local f = model.findings[1]\n"
                     "write('f.txt', #model.findings .. ' ' .. f.rule .. ' ' .. f.severity .. ' ' "
                     ".. f.record.id .. ' ' .. f.line .. ' ' .. #model.index['THR-1'].findings)"}},
     0,
     "f.txt",
     "1 dangling-ref error THR-1 11 1",
     NULL,
     0,
     0},
    {"model: records cannot be changed",
     {{"t/main.lua", "model.index['THR-1'].title = 'x'"}},
     3,
     NULL,
     "t/main.lua:1: error: record THR-1 is read-only",
     NULL,
     0,
     0},
    {"model: arrays cannot be changed",
     {{"t/main.lua", "local a = model.records\na[1] = false"}},
     3,
     NULL,
     "t/main.lua:2: error: model.records is read-only",
     NULL,
     0,
     0},
    {"model: fields cannot be changed",
     {{"t/main.lua", "model.index['THR-1'].fields.stride = 'x'"}},
     3,
     NULL,
     "is read-only",
     NULL,
     0,
     0},
    {"model: a misspelt field is an error",
     {{"t/main.lua", "local x = model.index['THR-1'].fields.strdie"}},
     3,
     NULL,
     "t/main.lua:1: error: the fields of THR-1 (a threat) has no field 'strdie'",
     NULL,
     0,
     0},
    {"model: table.sort on the model is refused",
     {{"t/main.lua", "table.sort(model.records, function(a, b) return a.id > b.id end)"}},
     3,
     NULL,
     "read-only",
     NULL,
     0,
     0},
    {"model: sorted() copies",
     {{"t/main.lua", "local s = sorted(model.records, function(a, b) return a.id > b.id "
                     "end)\nwrite('s.txt', s[1].id .. model.records[1].id)"}},
     0,
     "s.txt",
     "TST-1AST-1",
     NULL,
     0,
     0},

    /* determinism */
    {"determinism: pairs visits keys in order",
     {{"t/main.lua",
       "local t = {zeta = 1, alpha = 2, [10] = 3, [2] = 4, mid = 5, [true] = 6}\nlocal o = {}\n"
       "for k in pairs(t) do o[#o + 1] = tostring(k) end\n"
       "for k in pairs(model.index['THR-1'].rel) do o[#o + 1] = k end\n"
       "write('p.txt', table.concat(o, ','))"}},
     0,
     "p.txt",
     "2,10,alpha,mid,zeta,true,analysed_in,anomalies,assets,mentioned_by,mentions,mitigated_by,"
     "tested_by,vulnerabilities",
     NULL,
     0,
     0},
    {"determinism: table.sort is stable",
     {{"t/main.lua",
       "local t = {}\nfor i = 1, 300 do t[i] = {k = i % 3, i = i} end\n"
       "table.sort(t, function(a, b) return a.k < b.k end)\nlocal ok = true\n"
       "for i = 2, #t do if t[i - 1].k == t[i].k and t[i - 1].i > t[i].i then ok = false end end\n"
       "write('s.txt', tostring(ok) .. t[1].i .. ',' .. t[101].i)"}},
     0,
     "s.txt",
     "true3,1",
     NULL,
     0,
     0},
    {"determinism: no addresses from tostring",
     {{"t/main.lua",
       "write('a.txt', tostring({}) .. tostring(tostring) .. tostring(model.records))"}},
     0,
     "a.txt",
     "tablefunctionmodel.records (5 items)",
     NULL,
     0,
     0},
    {"determinism: string.format %p is refused",
     {{"t/main.lua", "local s = string.format('%p', {})"}},
     3,
     NULL,
     "%p is not allowed",
     NULL,
     0,
     0},

    /* errors point into the template */
    {"errors: a runtime error names the template line",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "<p>\n{% local x = nil %}\n{{ 1 }}\n{{ x.y }}\n</p>"}},
     3,
     NULL,
     "t/a.html:4: error: attempt to index a nil value (local 'x')",
     NULL,
     0,
     0},
    {"errors: the include chain is shown",
     {{"t/main.lua", "\nwrite('a.html', render('t/a.html', {}))"},
      {"t/a.html", "a\nb\n{{ include('t/b.html') }}"},
      {"t/b.html", "{{ nope }}"}},
     3,
     NULL,
     "t/b.html:1: error: undefined name 'nope'",
     NULL,
     0,
     0},
    {"errors: the include chain lists the includer",
     {{"t/main.lua", "\nwrite('a.html', render('t/a.html', {}))"},
      {"t/a.html", "a\nb\n{{ include('t/b.html') }}"},
      {"t/b.html", "{{ nope }}"}},
     3,
     NULL,
     "t/a.html:3\n  from ",
     NULL,
     0,
     0},
    {"errors: lines stay right after multi-line tags and comments",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "{# a comment\non two lines #}\n{%\n local a = 1\n local b = 2\n%}\n  {% if a "
                   "then %}\n{{ a\n +\n b }}\n{% end %}\n"
                   "\"quoted\" \\ {{ 'x' }}\r\n{{ nope }}"}},
     3,
     NULL,
     "t/a.html:13: error: undefined name 'nope'",
     NULL,
     0,
     0},
    {"errors: a Lua syntax error in a template",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "one\ntwo\n{% for i = 1, 2 %}\n{% end %}"}},
     3,
     NULL,
     "t/a.html:3: error: 'do' expected",
     NULL,
     0,
     0},
    {"errors: an unclosed tag",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"}, {"t/a.html", "one\n{{ x\n\ntwo"}},
     3,
     NULL,
     "t/a.html:2: error: {{ is never closed with }}",
     NULL,
     0,
     0},
    {"errors: }} inside a Lua string does not close the tag",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ '}}' .. [[}}]] }}{{ #{1, {2}} }}"}},
     0,
     "a.html",
     "}}}}2",
     NULL,
     0,
     0},
    {"errors: a line comment inside a tag ends at the tag",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "{% local a = 1 -- set a %}[{{ a }}]"}},
     0,
     "a.html",
     "[1]",
     NULL,
     0,
     0},
    {"errors: a global assignment in a template",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"}, {"t/a.html", "\n{% x = 1 %}"}},
     3,
     NULL,
     "t/a.html:2: error: assignment to global 'x' (declare it local)",
     NULL,
     0,
     0},
    {"errors: error() with a table",
     {{"t/main.lua", "\n\nerror({})"}},
     3,
     NULL,
     "t/main.lua:3: error: (error object is a table value)",
     NULL,
     0,
     0},

    /* includes and lookup */
    {"include: a template including itself",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "x {{ include('t/a.html') }}"}},
     3,
     NULL,
     "t/a.html:1: error: template t/a.html includes itself (t/a.html -> t/a.html)",
     NULL,
     0,
     0},
    {"include: a cycle of two",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "{{ include('t/b.html') }}"},
      {"t/b.html", "\n{{ include('t/a.html') }}"}},
     3,
     NULL,
     "t/b.html:2: error: template t/a.html includes itself (t/a.html -> t/b.html -> t/a.html)",
     NULL,
     0,
     0},
    {"include: include passes the current ctx by default",
     {{"t/main.lua", "write('a.html', render('t/a.html', {who = 'me'}))"},
      {"t/a.html", "{{ include('t/b.html') }}"},
      {"t/b.html", "[{{ who }}]"}},
     0,
     "a.html",
     "[me]",
     NULL,
     0,
     0},
    {"include: names with .. are refused",
     {{"t/main.lua", "write('a.html', render('../a.html', {}))"}},
     3,
     NULL,
     "t/main.lua:1: error: bad template name",
     NULL,
     0,
     0},
    {"include: absolute names are refused",
     {{"t/main.lua", "write('a.html', render('/etc/passwd', {}))"}},
     3,
     NULL,
     "bad template name",
     NULL,
     0,
     0},
    {"include: names with NUL are refused",
     {{"t/main.lua", "write('a.html', render('t/a.html\\0x', {}))"}},
     3,
     NULL,
     "bad template name",
     NULL,
     0,
     0},
    {"include: a missing template names both folders",
     {{"t/main.lua", "write('a.html', render('t/none.html', {}))"}},
     3,
     NULL,
     "no template 't/none.html' (looked for ",
     NULL,
     0,
     0},
    {"include: the dossier's template shadows the default",
     {{"t/main.lua",
       "write('a.html', render('t/shadow.html', {}) .. render('t/only-default.html'))"},
      {"t/shadow.html", "user"}},
     0,
     "a.html",
     "user+default-only",
     "default-shadow",
     0,
     0},
    {"include: import runs a Lua file once",
     {{"t/main.lua", "local a = import('t/lib.lua')\nlocal b = import('t/lib.lua')\nwrite('a.txt', "
                     "tostring(a == b) .. a.n)"},
      {"t/lib.lua", "return {n = 42}"}},
     0,
     "a.txt",
     "true42",
     NULL,
     0,
     0},

    /* the sandbox */
    {"sandbox: io is not there",
     {{"t/main.lua", "io.write('x')"}},
     3,
     NULL,
     "t/main.lua:1: error: undefined name 'io'",
     NULL,
     0,
     0},
    {"sandbox: os is not there",
     {{"t/main.lua", "\nos.exit(1)"}},
     3,
     NULL,
     "t/main.lua:2: error: undefined name 'os'",
     NULL,
     0,
     0},
    {"sandbox: require is not there",
     {{"t/main.lua", "require('io')"}},
     3,
     NULL,
     "undefined name 'require'",
     NULL,
     0,
     0},
    {"sandbox: load is not there",
     {{"t/main.lua", "load('x = 1')()"}},
     3,
     NULL,
     "undefined name 'load'",
     NULL,
     0,
     0},
    {"sandbox: loadfile, dofile are not there",
     {{"t/main.lua", "dofile('/etc/passwd')"}},
     3,
     NULL,
     "undefined name 'dofile'",
     NULL,
     0,
     0},
    {"sandbox: string.dump is not there",
     {{"t/main.lua", "string.dump(write)"}},
     3,
     NULL,
     "has no field 'dump'",
     NULL,
     0,
     0},
    {"sandbox: no dump through a string's methods",
     {{"t/main.lua", "local d = ('').dump\nd(write)"}},
     3,
     NULL,
     "t/main.lua:2: error: attempt to call a nil value (local 'd')",
     NULL,
     0,
     0},
    {"sandbox: debug is not there",
     {{"t/main.lua", "debug.getinfo(1)"}},
     3,
     NULL,
     "undefined name 'debug'",
     NULL,
     0,
     0},
    {"sandbox: collectgarbage is not there",
     {{"t/main.lua", "collectgarbage()"}},
     3,
     NULL,
     "undefined name 'collectgarbage'",
     NULL,
     0,
     0},
    {"sandbox: getmetatable is not there",
     {{"t/main.lua", "getmetatable('').__index.x = 1"}},
     3,
     NULL,
     "undefined name 'getmetatable'",
     NULL,
     0,
     0},
    {"sandbox: rawset, setmetatable are not there",
     {{"t/main.lua", "setmetatable({}, {})"}},
     3,
     NULL,
     "undefined name 'setmetatable'",
     NULL,
     0,
     0},
    {"sandbox: _G is not there",
     {{"t/main.lua", "_G.x = 1"}},
     3,
     NULL,
     "undefined name '_G'",
     NULL,
     0,
     0},
    {"sandbox: pcall is not there",
     {{"t/main.lua", "pcall(print)"}},
     3,
     NULL,
     "undefined name 'pcall'",
     NULL,
     0,
     0},
    {"sandbox: math.random is not there",
     {{"t/main.lua", "math.random()"}},
     3,
     NULL,
     "the math library has no field 'random'",
     NULL,
     0,
     0},
    {"sandbox: libraries are read-only",
     {{"t/main.lua", "string.upper = nil"}},
     3,
     NULL,
     "the string library is read-only",
     NULL,
     0,
     0},
    {"sandbox: string methods still work",
     {{"t/main.lua", "write('a.txt', ('abc'):upper() .. ('%d'):format(7))"}},
     0,
     "a.txt",
     "ABC7",
     NULL,
     0,
     0},
    {"sandbox: an endless loop hits the budget",
     {{"t/main.lua", "local x = 0\nwhile true do\n  x = x + 1\nend"}},
     3,
     NULL,
     "error: instruction budget of 5000000 instructions exceeded",
     NULL,
     5000000,
     0},
    {"sandbox: an endless loop in a template names the template",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"},
      {"t/a.html", "a\n{% while true do end %}"}},
     3,
     NULL,
     "t/a.html:2: error: instruction budget",
     NULL,
     5000000,
     0},
    {"sandbox: a growing table hits the memory cap",
     {{"t/main.lua", "local t = {}\nlocal i = 0\nwhile true do i = i + 1; t[i] = {i} end"}},
     3,
     NULL,
     "t/main.lua:3: error: memory limit of 32 MiB exceeded",
     NULL,
     0,
     32u << 20},
    {"sandbox: a doubling string hits the memory cap",
     {{"t/main.lua", "local s = 'xxxxxxxxxxxxxxxx'\nfor i = 1, 40 do s = s .. s end"}},
     3,
     NULL,
     "t/main.lua:2: error: memory limit of 32 MiB exceeded",
     NULL,
     0,
     32u << 20},
    {"sandbox: string.rep is refused up front",
     {{"t/main.lua", "local s = ('x'):rep(1 << 40)"}},
     3,
     NULL,
     "t/main.lua:1: error: string.rep:",
     NULL,
     0,
     32u << 20},
    {"sandbox: deep recursion is a clean error",
     {{"t/main.lua", "local function f(n) return 1 + f(n + 1) end\nf(1)"}},
     3,
     NULL,
     "t/main.lua:1: error: stack overflow",
     NULL,
     0,
     0},
    {"sandbox: bytecode is refused",
     {{"t/main.lua", "write('a.html', render('t/a.html', {}))"}, {"t/a.html", "\x1bLuaT\x00junk"}},
     3,
     NULL,
     "t/a.html:1: error: precompiled Lua is refused",
     NULL,
     0,
     0},
    {"sandbox: a bytecode main.lua is refused",
     {{"t/main.lua", "\x1bLua\x00"}},
     3,
     NULL,
     "t/main.lua:1: error: precompiled Lua",
     NULL,
     0,
     0},

    /* writing */
    {"write: a path outside the output is refused",
     {{"t/main.lua", "write('../x', 'a')"}},
     3,
     NULL,
     "write: bad path '../x'",
     NULL,
     0,
     0},
    {"write: twice the same path is refused",
     {{"t/main.lua", "write('x', 'a')\nwrite('x', 'b')"}},
     3,
     NULL,
     "t/main.lua:2: error: write: x is written twice",
     NULL,
     0,
     0},
    {"relurl: paths between folders",
     {{"t/main.lua",
       "write('r.txt', table.concat({relurl('a/b.html', 'c/d.html'), relurl('a/b.html', "
       "'a/e.html'), relurl('', 'x/y.html'),\n"
       "  relurl('a/b/c.html', 'a/d/e.html#f'), relurl('ab/x', 'a/y'), href('threats/x.html', "
       "model.index['CTL-1']), page_of(model.index['THR-1'])}, ' '))"}},
     0,
     "r.txt",
     "../c/d.html e.html x/y.html ../d/e.html#f ../a/y ../controls/CTL-1.html threats/THR-1.html",
     NULL,
     0,
     0},
};

static char *slurp(const char *path) {
    char *data;
    size_t len;
    return fs_read(path, 1 << 26, &data, &len) ? data : NULL;
}

static void spit(Arena *a, const char *dir, const char *rel, const char *content, size_t len) {
    const char *path = fs_join(a, dir, rel);
    fs_mkdirs(fs_dirname(a, path));
    FILE *f = fopen(path, "wb");
    if (!f) die("cannot write %s", path);
    fwrite(content, 1, len, f);
    fclose(f);
}

/* Renders output "t" with user templates in dir/templates and defaults in
 * dir/defaults into dir/out; stderr goes to *err (heap). */
static int render_dir(const Model *m, const Diag *d, const char *dir, const char *output,
                      long budget, size_t memory, char **err) {
    Arena a;
    arena_init(&a);
    const char *errpath = fs_join(&a, dir, "stderr.txt");
    fflush(stderr);
    int saved = dup(2);
    FILE *ef = fopen(errpath, "w");
    dup2(fileno(ef), 2);
    OutDir *o = outdir_begin(fs_join(&a, dir, "out"), NULL);
    /* the load stage reads the templates; render reads no file of the dossier */
    load_templates((Model *)m, fs_join(&a, dir, "templates"));
    RenderOptions ro = {.user_templates = fs_join(&a, dir, "templates"),
                        .default_templates = fs_join(&a, dir, "defaults"),
                        .output = output,
                        .instruction_budget = budget,
                        .memory_cap = memory};
    int rc = render_output(m, d, &ro, o);
    if (rc == EXIT_CLEAN)
        outdir_commit(o);
    else
        outdir_abort(o);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(ef);
    *err = slurp(errpath);
    arena_free(&a);
    return rc;
}

static void run_case(const Model *m, const Diag *d, const Case *c, int index) {
    Arena a;
    arena_init(&a);
    const char *dir = arena_printf(&a, SCRATCH "/case%02d", index);
    fs_remove_tree(dir);
    for (int i = 0; i < 6 && c->files[i][0]; i++) {
        const char *content = c->files[i][1];
        size_t len = strlen(content);
        if (content[0] == '\x1b')
            len += strlen(content + len + 1) + 1; /* keep the NUL of the bytecode case */
        spit(&a, fs_join(&a, dir, "templates"), c->files[i][0], content, len);
    }
    spit(&a, fs_join(&a, dir, "defaults"), "t/shadow.html", "default-shadow", 14);
    spit(&a, fs_join(&a, dir, "defaults"), "t/only-default.html", "+default-only", 13);
    char *err = NULL;
    int rc = render_dir(m, d, dir, "t", c->budget, c->memory, &err);
    char *text =
        rc == 0 && c->file ? slurp(fs_join(&a, dir, arena_printf(&a, "out/%s", c->file))) : NULL;
    const char *where = rc == 0 ? text : err;
    bool ok = rc == c->rc && where && strstr(where, c->want) &&
              (!c->not_want || !strstr(where, c->not_want));
    if (!ok) {
        printf("# %s: exit %d (want %d)\n# stderr: %s\n# file: %s\n", c->name, rc, c->rc,
               err ? err : "(none)", text ? text : "(none)");
    }
    CHECK(c->name, ok);
    free(text);
    free(err);
    arena_free(&a);
}

/* A body's HTML (prose_html) shows raw HTML as text, markdown() resolves
 * its dossier: links, and the parsed document is left exactly as it was. */
static void check_doc_restored(Model *m, const Diag *d) {
    Record *ast = model_find(m, "AST-1");
    const char *saved = ast->body_html;
    size_t saved_len = ast->body_html_len;
    const char *src = "x <b>y</b>\n\n<div>\nz\n</div>\n\nSee [CTL-1].\n\n[CTL-1]: dossier:CTL-1\n";
    /* as prose_parse does: the model's documents are parsed with prose_mem() */
    cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, prose_mem());
    cmark_parser_feed(parser, src, strlen(src));
    cmark_node *doc = cmark_parser_finish(parser);
    cmark_parser_free(parser);
    ast->body_html = prose_html(m->arena, doc, &ast->body_html_len);
    static const Case c = {
        "markdown: a record's raw HTML is text, its links resolved",
        {{"t/main.lua", "write('a/b.html', render('t/a.html', {}))"},
         {"t/a.html", "{{ markdown(model.index['AST-1'], 'a/b.html') }}"}},
        0,
        "a/b.html",
        "x &lt;b&gt;y&lt;/b&gt;</p>\n<pre><code>&lt;div&gt;\nz\n&lt;/div&gt;\n</code></pre>\n"
        "<p>See <a href=\"../controls/CTL-1.html\">CTL-1</a>.</p>",
        NULL,
        0,
        0};
    run_case(m, d, &c, 99);
    size_t html = 0;
    bool url = false;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER) continue;
        if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE ||
            cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK)
            html++;
        if (cmark_node_get_type(n) == CMARK_NODE_LINK)
            url = strcmp(cmark_node_get_url(n), "dossier:CTL-1") == 0;
    }
    cmark_iter_free(it);
    CHECK("markdown: the model's document is left as it was", html == 3 && url);
    cmark_node_free(doc);
    ast->body_html = saved;
    ast->body_html_len = saved_len;
}

/* The compiler keeps every template line on its Lua line. */
static void check_lines_kept(void) {
    static const char *const templates[] = {
        "a\nb\n{{ x }}\nc",
        "{# one\ntwo #}\n{%\nlocal a\n%}\n  {% if a then %}\nx\n{% end %}\n",
        "{{{ y\n}}}\n\"q\" \\ \r\n\x01\n{{ '}}\\n' }}",
        "{% -- a comment %}\n{{ a -- b }}\nz",
    };
    bool ok = true;
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
        StrBuf sb;
        sb_init(&sb);
        int line = 0;
        const char *msg = NULL;
        bool compiled = template_compile(&sb, templates[i], strlen(templates[i]), &line, &msg);
        size_t src = 0, out = 0;
        for (const char *p = templates[i]; *p; p++)
            src += *p == '\n';
        for (size_t k = 0; k < sb.len; k++)
            out += sb.data[k] == '\n';
        if (!compiled || src != out) {
            printf("# template %zu: compiled %d, %zu lines in, %zu out\n%s\n", i, compiled, src,
                   out, sb.data);
            ok = false;
        }
        sb_free(&sb);
    }
    CHECK("compiler: every template line stays on its Lua line", ok);
}

/* The default site renders and the same input gives the same bytes. */
static void check_site(const Model *m, const Diag *d) {
    Arena a;
    arena_init(&a);
    const char *outs[2] = {SCRATCH "/site1", SCRATCH "/site2"};
    int rcs[2];
    for (int i = 0; i < 2; i++) {
        fs_remove_tree(outs[i]);
        OutDir *o = outdir_begin(fs_join(&a, outs[i], "out"), NULL);
        RenderOptions ro = {.default_templates = "lua-templates", .output = "site"};
        rcs[i] = render_output(m, d, &ro, o);
        if (rcs[i] == EXIT_CLEAN)
            outdir_commit(o);
        else
            outdir_abort(o);
    }
    CHECK("site: renders", rcs[0] == 0 && rcs[1] == 0);
    const char **files;
    size_t n = fs_list(&a, fs_join(&a, outs[0], "out"), &files);
    bool same = n > 0;
    for (size_t i = 0; i < n && same; i++) {
        char *x = slurp(fs_join(&a, fs_join(&a, outs[0], "out"), files[i]));
        char *y = slurp(fs_join(&a, fs_join(&a, outs[1], "out"), files[i]));
        same = x && y && strcmp(x, y) == 0;
        free(x);
        free(y);
    }
    CHECK("site: two renders give the same bytes", same);
    char *thr = slurp(SCRATCH "/site1/out/threats/THR-1.html");
    CHECK("site: a record page links its control",
          thr && strstr(thr, "href=\"../controls/CTL-1.html\"") &&
              strstr(thr, "<html lang=\"en\">"));
    CHECK("site: a record page shows its finding", thr && strstr(thr, "dangling-ref"));
    CHECK("site: no script, no external resource",
          thr && !strstr(thr, "<script") && !strstr(thr, "http://") && !strstr(thr, "https://"));
    free(thr);
    char *csv = slurp(SCRATCH "/site1/out/matrix.csv");
    CHECK("site: matrix.csv has the chain and its gap",
          csv &&
              strstr(csv,
                     "THR-1,Replay of commands,CTL-1,Nonces,TST-1,Replay test,pass,2025-05-01,\n"));
    free(csv);
    char *idx = slurp(SCRATCH "/site1/out/index.html");
    CHECK("site: the index shows the build date", idx && strstr(idx, "1970-01-02"));
    free(idx);
    CHECK("site: every type has a list page",
          fs_is_file(SCRATCH "/site1/out/advisories/index.html"));
    arena_free(&a);
}

int main(void) {
    Arena a;
    Diag d;
    Schema s;
    Model m;
    arena_init(&a);
    diag_init(&d);
    if (!schema_load(&a, &d, "schemas/records.xml", &s)) return 1;
    model_init(&m, &a, &s, "tests/fixtures/load/basic");
    LoadOptions lo = {"schemas", 1 << 24, NULL, NULL, false};
    if (!load_dossier(&m, &d, &lo)) return 1;
    diag_sort(&d);
    m.build_date = 1;
    fs_mkdirs(SCRATCH);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&m, &d, &cases[i], (int)i);
    check_doc_restored(&m, &d);
    check_lines_kept();
    m.verdicts = check_run(&m, &d); /* the site presents the check stage's verdicts */
    diag_sort(&d);
    check_site(&m, &d);
    diag_free(&d);
    arena_free(&a);
    TEST_DONE();
}
