/* render.c: the entry points of the render stage and the helpers an
 * output's main.lua uses to write files: write, relurl, href, page_of.
 * Opens the sandbox, builds the model tables once, runs <output>/main.lua
 * per output. C writes the files; Lua only decides what goes in them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../model/whitepaper.h"
#include "renderer.h"

static const char KEY_WRITTEN = 0;    /* registry: path -> true, files of this output */
static const char KEY_WHITEPAPER = 0; /* registry: what whitepaper() returns, once made */

enum { DEFAULT_MEMORY_CAP = 256u << 20, DEFAULT_MAX_DOCUMENT = 128u << 20 };
static const size_t DEFAULT_MAX_OUTPUT = (size_t)1 << 30;
static const unsigned long DEFAULT_BUDGET = 2000000000ul;

/* ---- paths ------------------------------------------------------------------------ */

bool render_clean_path(const char *p, size_t len) {
    if (len == 0 || p[0] == '/' || memchr(p, 0, len) || memchr(p, '\\', len)) return false;
    const char *end = p + len;
    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        if (!slash) break;
        p = slash + 1;
        if (p == end) return false;
    }
    return true;
}

void render_add_page_of(luaL_Buffer *b, const Record *rec) {
    luaL_addstring(b, rec->type->plural);
    luaL_addchar(b, '/');
    luaL_addstring(b, rec->id);
    luaL_addstring(b, ".html");
}

void render_add_relurl(lua_State *L, luaL_Buffer *b, const char *from, const char *to) {
    size_t tolen = strcspn(to, "#");
    if (*from && !render_clean_path(from, strlen(from)))
        luaL_error(L, "bad page path '%s' (a path in the output such as threats/THR-1.html)", from);
    if (!render_clean_path(to, tolen))
        luaL_error(L, "bad link target '%s' (a path in the output such as controls/index.html)",
                   to);
    size_t fdir = 0, tdir = 0;
    for (size_t i = 0; from[i]; i++)
        if (from[i] == '/') fdir = i + 1;
    for (size_t i = 0; i < tolen; i++)
        if (to[i] == '/') tdir = i + 1;
    size_t common = 0;
    for (size_t i = 0; i < fdir && i < tdir && from[i] == to[i]; i++)
        if (from[i] == '/') common = i + 1;
    for (size_t i = common; i < fdir; i++)
        if (from[i] == '/') luaL_addstring(b, "../");
    luaL_addstring(b, to + common);
}

/* ---- helpers for main.lua and templates --------------------------------------------- */

/* relurl(from_page, to_path): the relative URL of to_path from from_page. */
static int f_relurl(lua_State *L) {
    const char *from = luaL_checkstring(L, 1);
    const char *to = luaL_checkstring(L, 2);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    render_add_relurl(L, &b, from, to);
    luaL_pushresult(&b);
    return 1;
}

/* name_uuid(text): "urn:uuid:..." derived from the SHA-256 of the text, so
 * the same name gives the same serial number in every build. Laid out as
 * RFC 4122 variant and version 5, the name-based kind (CycloneDX accepts
 * versions 1 to 5 only), with SHA-256 in place of SHA-1. */
static int f_name_uuid(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const unsigned char *)s, n);
    d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);
    d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
    char out[64] = "urn:uuid:";
    char *p = out + 9;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
        p += snprintf(p, 3, "%02x", d[i]);
    }
    lua_pushstring(L, out);
    return 1;
}

/* The header of the record at idx counts for the page (its ID and folder). */
static void touch_header(lua_State *L, int idx) {
    Renderer *r = renderer_of(L);
    int unit = frozen_unit(L, idx, NULL);
    if (cache_tracking(r) && unit >= 0) track_touch(&r->track, unit);
}

static const Record *check_record(lua_State *L, int idx) {
    const Record *rec = luamodel_record(L, idx);
    if (!rec) luaL_argerror(L, idx, "a record");
    touch_header(L, idx);
    return rec;
}

/* page_of(record): "<plural>/<ID>.html", the record's page in the site. */
static int f_page_of(lua_State *L) {
    const Record *rec = check_record(L, 1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    render_add_page_of(&b, rec);
    luaL_pushresult(&b);
    return 1;
}

/* href(from_page, record_or_path): relurl to a record's page or a path. */
static int f_href(lua_State *L) {
    const char *from = luaL_checkstring(L, 1);
    const Record *rec = luamodel_record(L, 2);
    const char *to;
    if (rec) touch_header(L, 2);
    if (rec && renderer_of(L)->public) {
        /* a public document cannot link into the internal site: like a prose
         * reference in the public view, the record's ID becomes an anchor */
        lua_pushfstring(L, "#%s", rec->id);
        return 1;
    }
    if (rec) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        render_add_page_of(&b, rec);
        luaL_pushresult(&b);
        to = lua_tostring(L, -1);
    } else {
        to = luaL_checkstring(L, 2);
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    render_add_relurl(L, &b, from, to);
    luaL_pushresult(&b);
    return 1;
}

/* write(path, content): one file of the output; content is a string or a
 * safe value (what render returns). Each path once; no file over
 * max_document bytes, nor more than max_output bytes in all. */
static int f_write(lua_State *L) {
    Renderer *r = renderer_of(L);
    size_t plen, len;
    const char *path = luaL_checklstring(L, 1, &plen);
    const char *data = safe_get(L, 2, &len, NULL);
    if (!data) data = luaL_checklstring(L, 2, &len);
    if (plen > 1024 || !render_clean_path(path, plen))
        return luaL_error(
            L, "write: bad path '%s' (a relative path inside the output, without '..')", path);
    if (!r->out) return luaL_error(L, "write: no output is being rendered");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_WRITTEN);
    if (lua_getfield(L, -1, path) != LUA_TNIL)
        return luaL_error(L, "write: %s is written twice", path);
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, path);
    if (len > r->max_document)
        return luaL_error(L,
                          "write: %s would be %I bytes, more than the %I MiB a document may have "
                          "(build --max-document MIB)",
                          path, (lua_Integer)len, (lua_Integer)(r->max_document >> 20));
    if (!render_in_shard(r, path, plen)) return 0; /* another process writes it */
    if (cache_carried(r, path)) return 0;          /* taken from the previous build */
    if (len > r->max_output - r->written)
        return luaL_error(
            L,
            "write: %s would bring what the templates of this build wrote to more than %I MiB "
            "(build --max-output MIB)",
            path, (lua_Integer)(r->max_output >> 20));
    r->written += len;
    if (!outdir_write(r->out, path, data, len)) {
        r->io_failed = true;
        return luaL_error(L, "write: %s could not be written", path);
    }
    if (cache_tracking(r)) cache_page_end(r, path, data, len);
    return 0;
}

bool render_in_shard(const Renderer *r, const char *path, size_t plen) {
    return r->nshards <= 1 || hash_bytes(path, plen) % (uint64_t)r->nshards == (uint64_t)r->shard;
}

/* this_shard(path): whether this process writes path. With build --jobs N
 * an output that allows it is rendered by N processes, each writing the
 * paths of its shard; write() skips the others, and a main.lua that asks
 * first skips rendering them too. */
/* license(s): "id", "expression" or "name", and the text to write (an
 * ID in the SPDX list's spelling). */
static int f_license(lua_State *L) {
    const char *s = luaL_checkstring(L, 1), *canon;
    cache_uncacheable(renderer_of(L)); /* the model's licence list: no unit */
    lua_pushstring(L, model_license_kind(renderer_of(L)->model, s, &canon));
    lua_pushstring(L, canon);
    return 2;
}

static int f_this_shard(lua_State *L) {
    size_t plen;
    const char *path = luaL_checklstring(L, 1, &plen);
    lua_pushboolean(L, cache_page_begin(L, path, plen));
    return 1;
}

/* days(date): the days since 1970-01-01 of a YYYY-MM-DD date, nil for
 * anything else (base's date_parse, the one calendar of the tool). */
static int f_days(lua_State *L) {
    int64_t days;
    if (lua_type(L, 1) == LUA_TSTRING && date_parse(lua_tostring(L, 1), &days))
        lua_pushinteger(L, (lua_Integer)days);
    else
        lua_pushnil(L);
    return 1;
}

/* date_of(days): the YYYY-MM-DD date of a day number days() gave. */
static int f_date_of(lua_State *L) {
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= -719468 && n <= 2932896, 1, "a day between the years 0 and 9999");
    char buf[16];
    date_format((int64_t)n, buf);
    lua_pushstring(L, buf);
    return 1;
}

/* is_record(v), is_array(v): what a read-only value stands for. */
static int f_is_record(lua_State *L) {
    lua_pushboolean(L, luamodel_record(L, 1) != NULL);
    return 1;
}

static int f_is_array(lua_State *L) {
    lua_pushboolean(L, frozen_kind(L, 1) == FROZEN_ARRAY || lua_type(L, 1) == LUA_TTABLE);
    return 1;
}

/* whitepaper(): nil when the dossier has no whitepaper.md, else its blocks
 * in order: {line, markdown} for prose, {line, directive, options} for a
 * directive line (options: key -> value). Malformed directives raise; the
 * check stage has reported them with their lines already. */
static int f_whitepaper(lua_State *L) {
    Renderer *r = renderer_of(L);
    cache_uncacheable(r); /* whitepaper.md is no unit of the view */
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_WHITEPAPER) != LUA_TNIL) { /* +1 */
        if (!lua_toboolean(L, -1)) lua_pushnil(L);                        /* false: there is none */
        return 1;
    }
    lua_pop(L, 1);
    /* parsed by the load stage; the table made once */
    const Whitepaper *w = r->model->whitepaper;
    if (!w) {
        lua_pushboolean(L, 0);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_WHITEPAPER);
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, (int)w->nblocks, 0);
    for (size_t i = 0; i < w->nblocks; i++) {
        const WhitepaperBlock *b = &w->blocks[i];
        if (b->syntax_error)
            return luaL_error(L, "whitepaper.md:%d: malformed directive: %s", b->line,
                              b->syntax_error);
        lua_createtable(L, 0, 4);
        lua_pushinteger(L, b->line);
        lua_setfield(L, -2, "line");
        if (b->directive) {
            lua_pushstring(L, b->directive);
            lua_setfield(L, -2, "directive");
            lua_createtable(L, 0, (int)b->noptions);
            for (size_t k = 0; k < b->noptions; k++) {
                lua_pushstring(L, b->options[k].value);
                lua_setfield(L, -2, b->options[k].key);
            }
            frozen_wrap(L, FROZEN_INDEX, "the options of a whitepaper directive");
            lua_setfield(L, -2, "options");
        } else {
            lua_pushlstring(L, b->markdown, b->len);
            lua_setfield(L, -2, "markdown");
        }
        frozen_wrap(L, FROZEN_INDEX, "a whitepaper block");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    frozen_wrap(L, FROZEN_ARRAY, "the blocks of whitepaper.md");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_WHITEPAPER);
    return 1;
}

/* The template API: every function dossier adds to what templates and
 * main.lua may call (docs/templates.md lists them), beside the allowed
 * parts of Lua's own library that lua_state.c gives the sandbox. */
/* clang-format off */
static const luaL_Reg template_api[] = {
    /* templates (template.c, markdown.c) */
    {"render", tpl_render},
    {"include", tpl_include},
    {"import", tpl_import},
    {"escape_html", tpl_escape_html},
    {"escape_xml", tpl_escape_xml},
    {"escape_json", tpl_escape_json},
    {"csv_field", tpl_csv_field},
    {"safe_context", tpl_safe_context},
    {"markdown", tpl_markdown},
    {"markdown_text", tpl_markdown_text},
    /* files and links (here, cache.c) */
    {"write", f_write},
    {"this_shard", f_this_shard},
    {"memo", cache_memo},
    {"relurl", f_relurl},
    {"page_of", f_page_of},
    {"href", f_href},
    /* values */
    {"is_record", f_is_record},
    {"is_array", f_is_array},
    {"name_uuid", f_name_uuid},
    {"license", f_license},
    {"whitepaper", f_whitepaper},
    {"days", f_days},
    {"date_of", f_date_of},
    {NULL, NULL},
};
/* clang-format on */

/* ---- entry points ------------------------------------------------------------------ */

static int open_protected(lua_State *L) {
    Renderer *r = lua_touserdata(L, 1);
    sandbox_init(L);
    template_init(L);
    markdown_init(L);
    cache_init(L);
    sandbox_push_globals(L);
    luaL_setfuncs(L, template_api, 0);
    lua_pop(L, 1);
    luamodel_init(L, r->model, r->diag);
    return 0;
}

static int run_protected(lua_State *L) {
    Renderer *r = lua_touserdata(L, 1);
    luamodel_select(L, r->public);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_WRITTEN);
    sandbox_push_globals(L);
    lua_pushstring(L, r->output);
    lua_setfield(L, -2, "output");
    lua_pushstring(L, r->opts.period ? r->opts.period : ""); /* build --period, "" without */
    lua_setfield(L, -2, "period");
    lua_pushboolean(L, r->opts.pdf); /* build --pdf: each document gets a PDF beside it */
    lua_setfield(L, -2, "pdf");
    lua_pushstring(L, r->opts.version ? r->opts.version : ""); /* the tool's, for SBOM tools */
    lua_setfield(L, -2, "dossier_version");
    lua_pop(L, 1);
    bool cached =
        r->cache_run && r->cache && !r->public && cache_tracking(r) == false && r->track.nunits > 0;
    if (cached) {
        template_reset_modules(L);
        cache_run_begin(L);
    }
    template_push_main(L, r->output);
    lua_call(L, 0, 0);
    if (cached) cache_run_end(r);
    return 0;
}

int render_open(const Model *m, const Diag *d, const RenderOptions *opts, Renderer **out) {
    *out = NULL;
    Renderer *r = xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    arena_init(&r->arena);
    arena_init(&r->scratch);
    r->model = m;
    r->diag = d;
    r->opts = *opts;
    /* The default cap is there to stop a runaway template, not a large
     * dossier: 256 MiB hold the model's tables of 2,000 records with room to
     * spare, and each record beyond adds 32 KiB (20,000 records: 818 MiB). */
    size_t extra = m->nrecords > 2000 ? (m->nrecords - 2000) * ((size_t)32 << 10) : 0;
    r->mem_cap = opts->memory_cap ? opts->memory_cap : DEFAULT_MEMORY_CAP + extra;
    r->budget =
        opts->instruction_budget > 0 ? (unsigned long)opts->instruction_budget : DEFAULT_BUDGET;
    r->max_document = opts->max_document ? opts->max_document : DEFAULT_MAX_DOCUMENT;
    r->max_output = opts->max_output ? opts->max_output : DEFAULT_MAX_OUTPUT;
    if (!sandbox_open(r)) {
        fprintf(stderr, "dossier: cannot start Lua: out of memory\n");
        render_close(r);
        return EXIT_USAGE;
    }
    int rc = sandbox_run(r, open_protected, r);
    if (rc != EXIT_CLEAN) {
        render_close(r);
        return rc;
    }
    *out = r;
    return EXIT_CLEAN;
}

static int prepare_protected(lua_State *L) {
    Renderer *r = lua_touserdata(L, 1);
    luamodel_select(L, r->public);
    return 0;
}

int render_prepare(Renderer *r, bool public) {
    r->public = public;
    r->steps = 0;
    r->depth = 0;
    r->last_chunk = -1;
    return sandbox_run(r, prepare_protected, r);
}

int render_run(Renderer *r, const char *output, bool public, OutDir *o) {
    r->public = public;
    r->out = o;
    r->output = output;
    r->steps = 0;
    r->depth = 0;
    r->last_chunk = -1;
    int rc = sandbox_run(r, run_protected, r);
    r->out = NULL;
    return rc;
}

static Renderer *volatile left_at_exit; /* volatile: a store never read is not dropped */

void render_leave(Renderer *r) {
    left_at_exit = r;
}

void render_close(Renderer *r) {
    if (!r) return;
    cache_close(r);
    if (r->L) lua_close(r->L);
    pool_destroy(&r->pool);
    arena_free(&r->scratch);
    arena_free(&r->arena);
    free(r);
}

int render_output(const Model *m, const Diag *d, const RenderOptions *opts, OutDir *o) {
    Renderer *r;
    int rc = render_open(m, d, opts, &r);
    if (rc != EXIT_CLEAN) return rc;
    rc = render_run(r, opts->output ? opts->output : "site", false, o);
    render_close(r);
    return rc;
}
