/* markdown.c: Markdown to safe HTML for templates. A record's body (rendered
 * by model/prose.c) or a text field (rendered here once) is HTML with raw
 * HTML shown as text; its "dossier:ID" links are made relative to the page
 * being written. Part of render/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "renderer.h"

static const char KEY_TEXTS = 0; /* registry: Markdown text -> its HTML, links unresolved */
static const char OUTGROWN = 0;  /* the error that stops a parse at the memory cap */

enum {
    MARKDOWN_MAX_TEXT = 128 << 10,   /* bytes of Markdown one markdown_text call renders */
    MARKDOWN_MAX_PIPES = 1000,       /* '|' on one line: a table row's cells */
    MARKDOWN_MAX_MEMORY = 64u << 20, /* bytes cmark-gfm may hold for one call */
};

/* ---- a parse that counts against the memory cap ------------------------------ */

/* cmark-gfm has no way out of a failed allocation and takes memory in
 * proportion to no simple measure of its input: 100 KB of table rows padded
 * to a wide header take 3 GB, and an e-mail autolink costs a thousand
 * times its bytes. So a parse of template-given text allocates through
 * this allocator, which counts every block against what the memory cap
 * leaves (at most MARKDOWN_MAX_MEMORY) and, past it, stops the parse with a Lua error (OUTGROWN)
 * from inside cmark; the parse runs under its own lua_pcall, and every block it held (each on a
 * list) is freed after. cmark's allocator takes no context, hence the one parse in progress here:
 * the render stage is single-threaded. */
typedef union Block {
    struct {
        union Block *prev, *next;
        size_t size;
    } h;
    max_align_t align;
} Block;

typedef struct Parse {
    lua_State *L;
    size_t used, room; /* bytes held, and what the cap leaves */
    bool counting;     /* false once parsed: rendering the HTML allocates little */
    Block list;        /* every block held, a ring through list */
    /* the job, for parse_protected */
    const Model *model;
    Arena *arena;
    const char *src;
    size_t len;
    const char *html;
    size_t hlen;
} Parse;

static Parse *parse_now;

static void *md_take(Block *old, size_t n) {
    Parse *p = parse_now;
    size_t was = old ? old->h.size : 0;
    if (n > SIZE_MAX - sizeof(Block) || (p->counting && n > was && p->used - was + n > p->room)) {
        lua_pushlightuserdata(p->L, (void *)&OUTGROWN); /* allocates nothing */
        lua_error(p->L);
    }
    if (old) { /* unlinked first: realloc may move it */
        old->h.prev->h.next = old->h.next;
        old->h.next->h.prev = old->h.prev;
    }
    Block *b = realloc(old, sizeof(Block) + n);
    if (!b) die("out of memory");
    b->h.size = n;
    b->h.next = p->list.h.next;
    b->h.prev = &p->list;
    p->list.h.next->h.prev = b;
    p->list.h.next = b;
    p->used = p->used - was + n;
    return b + 1;
}

static void *md_calloc(size_t count, size_t size) {
    size_t n = size && count > SIZE_MAX / size ? SIZE_MAX : count * size;
    void *q = md_take(NULL, n);
    memset(q, 0, n);
    return q;
}

static void *md_realloc(void *q, size_t n) {
    return md_take(q ? (Block *)q - 1 : NULL, n);
}

static void md_free(void *q) {
    if (!q) return;
    Block *b = (Block *)q - 1;
    b->h.prev->h.next = b->h.next;
    b->h.next->h.prev = b->h.prev;
    parse_now->used -= b->h.size;
    free(b);
}

static cmark_mem counted_mem = {md_calloc, md_realloc, md_free};

/* Under lua_pcall: parses p->src with the counting allocator and renders
 * it to HTML (p->html, arena-owned). */
static int parse_protected(lua_State *L) {
    Parse *p = lua_touserdata(L, 1);
    cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &counted_mem);
    prose_attach_extensions(parser);
    cmark_parser_feed(parser, p->src, p->len);
    cmark_node *doc = cmark_parser_finish(parser);
    cmark_parser_free(parser);
    p->counting = false;
    p->html = prose_html_mem(p->arena, doc, &counted_mem, &p->hlen);
    cmark_node_free(doc);
    return 0;
}

/* Parses text as a record body is parsed: a link reference definition is
 * appended for every [ID] that names a record, so it becomes a link.
 * Raises when the parse outgrows what the memory cap leaves. */
static const char *render_text(lua_State *L, Renderer *r, const char *text, size_t len,
                               size_t *outlen) {
    Arena *a = &r->scratch;
    StrBuf src;
    sb_init(&src);
    sb_append(&src, text, len);
    sb_puts(&src, "\n\n");
    for (const char *p = memchr(text, '[', len); p;
         p = memchr(p + 1, '[', len - (size_t)(p + 1 - text))) {
        const char *q = p + 1;
        while (q < text + len && q - p < 80 && *q != ']' && *q != '[' && *q != '\n' && *q != ' ')
            q++;
        if (q >= text + len || *q != ']' || !id_shaped(p + 1, (size_t)(q - p - 1))) continue;
        char *id = arena_strndup(a, p + 1, (size_t)(q - p - 1));
        if (model_find(r->model, id)) sb_printf(&src, "[%s]: dossier:%s\n", id, id);
        if (p + 1 >= text + len) break;
    }
    size_t room = r->mem_cap > r->mem_used ? r->mem_cap - r->mem_used : 0;
    Parse p = {.L = L,
               .room = room < MARKDOWN_MAX_MEMORY ? room : MARKDOWN_MAX_MEMORY,
               .counting = true,
               .model = r->model,
               .arena = a,
               .src = src.data,
               .len = src.len};
    p.list.h.next = p.list.h.prev = &p.list;
    parse_now = &p;
    lua_pushcfunction(L, parse_protected); /* +1 */
    lua_pushlightuserdata(L, &p);          /* +1 */
    int status = lua_pcall(L, 1, 0, 0);    /* -2, +1 on an error */
    sb_free(&src);
    while (p.list.h.next != &p.list)
        md_free(p.list.h.next + 1); /* what a stopped parse held */
    parse_now = NULL;
    if (status == LUA_OK) {
        *outlen = p.hlen;
        return p.html;
    }
    if (lua_touserdata(L, -1) == &OUTGROWN)
        luaL_error(L,
                   "markdown_text: rendering %I bytes of Markdown takes more than %d MiB of memory "
                   "(a call "
                   "may use %d MiB, and no more than the memory limit of %d MiB leaves)",
                   (lua_Integer)len, (int)(p.room >> 20), (int)(MARKDOWN_MAX_MEMORY >> 20),
                   renderer_limit_mib(r));
    lua_error(L); /* anything else, as it came */
    return NULL;
}

/* Refuses, before cmark-gfm sees it, Markdown that takes it too long:
 * over MARKDOWN_MAX_TEXT bytes, or a line with more than
 * MARKDOWN_MAX_PIPES '|' (its time grows with the square of a table row's
 * cells: 65,000 in one row took 18 s). Then charges the parse to the
 * instruction budget: n + (n/8)^2 for n bytes, since some inputs take
 * time that grows with the square of their length. */
static void check_text(lua_State *L, const char *text, size_t len) {
    if (len > MARKDOWN_MAX_TEXT)
        luaL_error(L, "markdown_text: %I bytes of Markdown, more than the %d one call renders",
                   (lua_Integer)len, (int)MARKDOWN_MAX_TEXT);
    int line = 1, pipes = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            line++;
            pipes = 0;
        } else if (text[i] == '|' && ++pipes > MARKDOWN_MAX_PIPES) {
            luaL_error(L,
                       "markdown_text: line %d of the text has more than %d '|', more table cells "
                       "than a row "
                       "may have",
                       line, (int)MARKDOWN_MAX_PIPES);
        }
    }
    lua_Integer k = (lua_Integer)len / 8;
    sandbox_charge(L, (lua_Integer)len + k * k, "markdown_text");
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
        luaL_error(L,
                   "bad page '%s': the path of the page being written, such as threats/THR-1.html",
                   page);
    return page;
}

/* markdown_text(text [, page [, level]]): a text field's Markdown as safe
 * HTML; level is the level its top headings get (default 1). */
int tpl_markdown_text(lua_State *L) {
    Renderer *r = renderer_of(L);
    if (lua_isnoneornil(L, 1)) {
        safe_push(L, ESC_HTML, "", 0);
        return 1;
    }
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    cache_touch_ids(r); /* which [ID] is a link */
    const char *page = opt_page(L, 2);
    int level = opt_level(L, 3);
    lua_settop(L, 2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_TEXTS); /* 3 */
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 3) == LUA_TNIL) { /* 4 */
        lua_pop(L, 1);
        check_text(L, text, len);
        arena_free(&r->scratch);
        arena_init(&r->scratch);
        size_t hlen = 0;
        const char *html = render_text(L, r, text, len, &hlen);
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
int tpl_markdown(lua_State *L) {
    if (lua_type(L, 1) == LUA_TSTRING || lua_isnoneornil(L, 1)) return tpl_markdown_text(L);
    const Record *rec = luamodel_record(L, 1);
    if (!rec) return luaL_argerror(L, 1, "a record or a string");
    Renderer *r = renderer_of(L);
    int unit = frozen_unit(L, 1, NULL);
    if (cache_tracking(r) && unit >= 0) {
        track_touch(&r->track, unit + 1); /* the body is in the rest of the record */
        cache_touch_ids(r);
    }
    const char *page = opt_page(L, 2);
    int level = opt_level(L, 3);
    if (rec->body_html)
        push_resolved(L, rec->body_html, rec->body_html_len, page);
    else
        safe_push(L, ESC_HTML, "", 0);
    shift_headings(L, level);
    return 1;
}

void markdown_init(lua_State *L) {
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_TEXTS);
}
