/* markdown.c: Markdown to safe HTML for templates. A record's body (rendered
 * by model/prose.c) or a text field (rendered here once) is HTML with raw
 * HTML shown as text; its "dossier:ID" links are made relative to the page
 * being written. Part of render/. */
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "renderer.h"

static const char KEY_TEXTS = 0; /* registry: Markdown text -> its HTML, links unresolved */

/* Parses text as a record body is parsed: a link reference definition is
 * appended for every [ID] that names a record, so it becomes a link. */
static const char *render_text(Arena *a, const Model *m, const char *text, size_t len, size_t *outlen) {
    StrBuf src;
    sb_init(&src);
    sb_append(&src, text, len);
    sb_puts(&src, "\n\n");
    for (const char *p = memchr(text, '[', len); p; p = memchr(p + 1, '[', len - (size_t)(p + 1 - text))) {
        const char *q = p + 1;
        while (q < text + len && q - p < 80 && *q != ']' && *q != '[' && *q != '\n' && *q != ' ') q++;
        if (q >= text + len || *q != ']' || !id_shaped(p + 1, (size_t)(q - p - 1))) continue;
        char *id = arena_strndup(a, p + 1, (size_t)(q - p - 1));
        if (model_find(m, id)) sb_printf(&src, "[%s]: dossier:%s\n", id, id);
        if (p + 1 >= text + len) break;
    }
    cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, prose_mem());
    prose_attach_extensions(parser);
    cmark_parser_feed(parser, src.data, src.len);
    cmark_node *doc = cmark_parser_finish(parser);
    cmark_parser_free(parser);
    sb_free(&src);
    const char *html = prose_html(a, doc, outlen);
    cmark_node_free(doc);
    return html;
}

/* Pushes html with every href="dossier:ID" made the relative URL of ID's
 * page as seen from page, as a safe HTML value. An ID that names no record
 * (the checker reports it) links to "#ID", and so does every ID in a public
 * output, whose pages may carry such anchors. */
static void push_resolved(lua_State *L, const char *html, size_t len, const char *page) {
    const Model *m = renderer_of(L)->model;
    static const char marker[] = "href=\"dossier:";
    const char *end = html + len, *p = html;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (;;) {
        const char *q = strstr(p, marker);
        if (!q) break;
        const char *id = q + sizeof marker - 1;
        const char *close = memchr(id, '"', (size_t)(end - id));
        if (!close) break;
        luaL_addlstring(&b, p, (size_t)(id - p) - 8); /* up to href=" */
        char key[256];
        size_t idlen = (size_t)(close - id);
        const Record *rec = NULL;
        if (idlen < sizeof key) {
            memcpy(key, id, idlen);
            key[idlen] = 0;
            rec = model_find(m, key);
            /* a public page links no record page: the site is internal */
            if (renderer_of(L)->public) rec = NULL;
        }
        if (rec) {
            char target[600];
            snprintf(target, sizeof target, "%s/%s.html", rec->type->plural, rec->id);
            render_add_relurl(L, &b, page, target);
        } else {
            luaL_addchar(&b, '#');
            luaL_addlstring(&b, id, idlen);
        }
        p = close;
    }
    luaL_addlstring(&b, p, (size_t)(end - p));
    luaL_pushresult(&b);
    safe_wrap(L, ESC_HTML);
}

/* Replaces the safe HTML on top with one whose headings start at level
 * top (a "# x" becomes <h{top}>), so prose fits under the page's own
 * headings. cmark writes headings as bare <hN> and </hN>; text never
 * holds them unescaped. */
static void shift_headings(lua_State *L, int top) {
    if (top <= 1) return;
    size_t len;
    const char *html = safe_get(L, -1, &len, NULL), *end = html + len, *p = html;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    while (p < end) {
        const char *q = memchr(p, '<', (size_t)(end - p));
        if (!q) break;
        const char *h = q + 1 + (q + 1 < end && q[1] == '/');
        luaL_addlstring(&b, p, (size_t)(q - p));
        if (h + 2 < end && h[0] == 'h' && h[1] >= '1' && h[1] <= '6' && h[2] == '>') {
            int level = h[1] - '0' + top - 1;
            luaL_addlstring(&b, q, (size_t)(h - q));
            luaL_addchar(&b, 'h');
            luaL_addchar(&b, (char)('0' + (level > 6 ? 6 : level)));
            luaL_addchar(&b, '>');
            p = h + 3;
        } else {
            luaL_addchar(&b, '<');
            p = q + 1;
        }
    }
    luaL_addlstring(&b, p, (size_t)(end - p));
    luaL_pushresult(&b);
    lua_remove(L, -2);
    safe_wrap(L, ESC_HTML);
}

static int opt_level(lua_State *L, int idx) {
    lua_Integer level = luaL_optinteger(L, idx, 1);
    luaL_argcheck(L, level >= 1 && level <= 6, idx, "a heading level from 1 to 6");
    return (int)level;
}

static const char *opt_page(lua_State *L, int idx) {
    size_t len;
    const char *page = luaL_optlstring(L, idx, "", &len);
    if (len && !render_clean_path(page, len))
        luaL_error(L, "bad page '%s': the path of the page being written, such as threats/THR-1.html", page);
    return page;
}

/* markdown_text(text [, page [, level]]): a text field's Markdown as safe
 * HTML; level is the level its top headings get (default 1). */
static int f_markdown_text(lua_State *L) {
    Renderer *r = renderer_of(L);
    if (lua_isnoneornil(L, 1)) {
        safe_push(L, ESC_HTML, "", 0);
        return 1;
    }
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *page = opt_page(L, 2);
    int level = opt_level(L, 3);
    lua_settop(L, 2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_TEXTS); /* 3 */
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 3) == LUA_TNIL) { /* 4 */
        lua_pop(L, 1);
        arena_free(&r->scratch);
        arena_init(&r->scratch);
        size_t hlen;
        const char *html = render_text(&r->scratch, r->model, text, len, &hlen);
        lua_pushlstring(L, html, hlen);
        lua_pushvalue(L, 1);
        lua_pushvalue(L, -2);
        lua_rawset(L, 3);
    }
    size_t hlen;
    const char *html = lua_tolstring(L, 4, &hlen);
    push_resolved(L, html, hlen, page);
    shift_headings(L, level);
    return 1;
}

/* markdown(record [, page [, level]]): the record's prose as safe HTML;
 * with a string instead of a record, the same as markdown_text. */
static int f_markdown(lua_State *L) {
    if (lua_type(L, 1) == LUA_TSTRING || lua_isnoneornil(L, 1)) return f_markdown_text(L);
    const Record *rec = luamodel_record(L, 1);
    if (!rec) return luaL_argerror(L, 1, "a record or a string");
    const char *page = opt_page(L, 2);
    int level = opt_level(L, 3);
    if (rec->body_html) push_resolved(L, rec->body_html, rec->body_html_len, page);
    else safe_push(L, ESC_HTML, "", 0);
    shift_headings(L, level);
    return 1;
}

void markdown_init(lua_State *L) {
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_TEXTS);
    sandbox_set_global(L, "markdown", f_markdown);
    sandbox_set_global(L, "markdown_text", f_markdown_text);
}
