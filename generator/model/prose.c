/* prose.c: IDs inside Markdown. Before a body is parsed, a link reference
 * definition is appended for each known ID it mentions, so [THR-004] and
 * [the replay][THR-004] become links (URL "dossier:THR-004") by cmark-gfm's
 * own rules; a bracketed ID-shaped token left as text names no record.
 * Each body is rendered to HTML once, here, and its parsed document freed:
 * the HTML (links still "dossier:ID", made relative per page by
 * render/markdown.c) takes a fraction of the parsed tree's memory.
 * Part of model/. */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "model.h"

typedef struct Mention {
    const char *id; /* arena copy of the token inside the brackets */
    SrcLoc loc;
} Mention;

/* Finds every [TOKEN] in the body whose TOKEN is shaped like an ID. */
static size_t scan_mentions(Arena *a, const Record *r, Mention **out) {
    size_t n = 0, cap = 0;
    Mention *items = NULL;
    int line = r->body_line, col = 1;
    const char *s = r->body, *end = r->body + r->body_len;
    for (const char *p = s; p < end; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
            continue;
        }
        if (*p == '[') {
            const char *q = p + 1;
            while (q < end && q - p < 80 && *q != ']' && *q != '[' && *q != '\n' && *q != ' ') q++;
            if (q < end && *q == ']' && id_shaped(p + 1, (size_t)(q - p - 1))) {
                if (n == cap) {
                    size_t nc = cap ? cap * 2 : 8;
                    items = arena_grow(a, items, cap, nc, sizeof *items);
                    cap = nc;
                }
                items[n].id = arena_strndup(a, p + 1, (size_t)(q - p - 1));
                items[n].loc = (SrcLoc){r->path, line, col};
                n++;
            }
        }
        col++;
    }
    *out = items;
    return n;
}

static const Mention *mention_of(const Mention *ms, size_t n, const char *id, size_t len) {
    for (size_t i = 0; i < n; i++)
        if (strlen(ms[i].id) == len && memcmp(ms[i].id, id, len) == 0) return &ms[i];
    return NULL;
}


/* Reports [ID] tokens left in a text node: they named no record. */
static void check_text(Model *m, Diag *d, Record *r, const Mention *ms, size_t nms, const char *text) {
    for (const char *p = strchr(text, '['); p; p = strchr(p + 1, '[')) {
        const char *q = strchr(p + 1, ']');
        if (!q) break;
        size_t len = (size_t)(q - p - 1);
        if (!id_shaped(p + 1, len)) continue;
        const Mention *mt = mention_of(ms, nms, p + 1, len);
        char *id = arena_strndup(m->arena, p + 1, len);
        if (model_find(m, id)) continue;
        diag_add(d, SEV_ERROR, mt ? mt->loc : r->loc, "dangling-ref", r->id,
                 "reference [%s] in the prose names no record", id);
    }
}

/* ---- cmark-gfm's allocator ------------------------------------------------ */

/* A parse allocates a node, a buffer or a string for every few bytes of
 * Markdown; from a pool that costs a free-list pop instead of a malloc.
 * Each block starts with a header that keeps its size (cmark's free does
 * not say it). cmark has no way to handle a failed allocation, so none
 * returns: out of memory ends the program, as cmark's own allocator does. */
enum { MEM_HEADER = 16 };
static Pool mem_pool;

static void *mem_block(size_t n) {
    char *b = pool_alloc(&mem_pool, n + MEM_HEADER);
    if (!b) die("out of memory");
    *(size_t *)b = n;
    return b + MEM_HEADER;
}

static void *mem_calloc(size_t count, size_t size) {
    if (size && count > ((size_t)-1 - MEM_HEADER) / size) die("out of memory");
    void *b = mem_block(count * size);
    memset(b, 0, count * size);
    return b;
}

static void *mem_realloc(void *p, size_t n) {
    if (!p) return mem_block(n);
    char *head = (char *)p - MEM_HEADER;
    size_t old = *(size_t *)head;
    char *b = pool_realloc(&mem_pool, head, old + MEM_HEADER, n + MEM_HEADER);
    if (!b) die("out of memory");
    *(size_t *)b = n;
    return b + MEM_HEADER;
}

static void mem_free(void *p) {
    if (!p) return;
    char *head = (char *)p - MEM_HEADER;
    pool_free(&mem_pool, head, *(size_t *)head + MEM_HEADER);
}

static cmark_mem pooled_mem = {mem_calloc, mem_realloc, mem_free};

static const char *const extension_names[] = {"table", "strikethrough", "autolink", "tasklist"};

void prose_attach_extensions(void *parser) {
    cmark_gfm_core_extensions_ensure_registered();
    for (size_t i = 0; i < sizeof extension_names / sizeof extension_names[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(extension_names[i]);
        if (e) cmark_parser_attach_syntax_extension(parser, e);
    }
}

/* Renders doc to HTML, copied into a. Raw HTML nodes are swapped for text
 * (inline) or code blocks (blocks) while rendering, so record authors
 * cannot inject markup; the swap is undone before returning, leaving doc as
 * it was. */
const char *prose_html(Arena *a, void *doc, size_t *len) {
    size_t n = 0, cap = 0;
    cmark_node **raw = NULL;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);
        if (ev != CMARK_EVENT_ENTER || (type != CMARK_NODE_HTML_BLOCK && type != CMARK_NODE_HTML_INLINE)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            raw = xrealloc(raw, cap * 2 * sizeof *raw);
        }
        raw[n++] = node;
    }
    cmark_iter_free(it);
    cmark_node **shown = raw ? raw + cap : NULL;
    for (size_t i = 0; i < n; i++) {
        bool block = cmark_node_get_type(raw[i]) == CMARK_NODE_HTML_BLOCK;
        const char *lit = cmark_node_get_literal(raw[i]);
        shown[i] = cmark_node_new_with_mem(block ? CMARK_NODE_CODE_BLOCK : CMARK_NODE_TEXT, &pooled_mem);
        cmark_node_set_literal(shown[i], lit ? lit : "");
        cmark_node_replace(raw[i], shown[i]);
    }
    cmark_mem *mem = &pooled_mem;
    cmark_llist *exts = NULL;
    for (size_t i = 0; i < sizeof extension_names / sizeof extension_names[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(extension_names[i]);
        if (e) exts = cmark_llist_append(mem, exts, e);
    }
    char *html = cmark_render_html_with_mem(doc, CMARK_OPT_DEFAULT, exts, mem);
    cmark_llist_free(mem, exts);
    *len = strlen(html);
    const char *copy = arena_strndup(a, html, *len);
    mem->free(html);
    for (size_t i = 0; i < n; i++) {
        cmark_node_replace(shown[i], raw[i]);
        cmark_node_free(shown[i]);
    }
    free(raw);
    return copy;
}

void *prose_mem(void) { return &pooled_mem; }

void prose_parse(Model *m, Diag *d, Record *r) {
    if (!r->body || r->body_len == 0) return;
    cmark_gfm_core_extensions_ensure_registered();
    Mention *ms = NULL;
    size_t nms = scan_mentions(m->arena, r, &ms);

    StrBuf src;
    sb_init(&src);
    sb_append(&src, r->body, r->body_len);
    sb_puts(&src, "\n\n");
    for (size_t i = 0; i < nms; i++) {
        if (!model_find(m, ms[i].id) || mention_of(ms, i, ms[i].id, strlen(ms[i].id))) continue;
        sb_printf(&src, "[%s]: dossier:%s\n", ms[i].id, ms[i].id);
    }
    cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &pooled_mem);
    prose_attach_extensions(parser);
    cmark_parser_feed(parser, src.data, src.len);
    cmark_node *doc = cmark_parser_finish(parser);
    cmark_parser_free(parser);
    sb_free(&src);
    cmark_consolidate_text_nodes(doc);

    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);
        if (type == CMARK_NODE_LINK) {
            const char *url = cmark_node_get_url(node);
            if (url && strncmp(url, "dossier:", 8) == 0) {
                Record *to = model_find(m, url + 8);
                const Mention *mt = mention_of(ms, nms, url + 8, strlen(url + 8));
                if (to && to != r) model_link_prose(m, r, to, mt ? mt->loc : r->loc);
            }
        } else if (type == CMARK_NODE_TEXT) {
            const char *lit = cmark_node_get_literal(node);
            if (lit && strchr(lit, '[')) check_text(m, d, r, ms, nms, lit);
        }
    }
    cmark_iter_free(it);
    r->body_html = prose_html(m->arena, doc, &r->body_html_len);
    cmark_node_free(doc);
}
