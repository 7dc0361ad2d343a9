/* prose.c: IDs inside Markdown. Before a body is parsed, a link reference
 * definition is appended for each known ID it mentions, so [THR-004] and
 * [the replay][THR-004] become links (URL "dossier:THR-004") by cmark-gfm's
 * own rules; a bracketed ID-shaped token left as text names no record.
 * Each body is rendered to HTML once, here, and its parsed document freed:
 * the HTML (links still "dossier:ID", made relative per page by
 * render/markdown.c) takes a fraction of the parsed tree's memory.
 * Part of model/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "model.h"
#include "rules.h"

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
            while (q < end && q - p < 80 && *q != ']' && *q != '[' && *q != '\n' && *q != ' ')
                q++;
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

/* Renders doc to HTML (free with pooled_mem.free). Raw HTML nodes are
 * swapped for text (inline) or code blocks (blocks) while rendering, so
 * record authors cannot inject markup; the swap is undone before returning,
 * leaving doc as it was. */
static char *html_of(void *doc, cmark_mem *doc_mem, size_t *len) {
    size_t n = 0, cap = 0;
    cmark_node **raw = NULL;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);
        if (ev != CMARK_EVENT_ENTER ||
            (type != CMARK_NODE_HTML_BLOCK && type != CMARK_NODE_HTML_INLINE))
            continue;
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
        shown[i] =
            cmark_node_new_with_mem(block ? CMARK_NODE_CODE_BLOCK : CMARK_NODE_TEXT, doc_mem);
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
    for (size_t i = 0; i < n; i++) {
        cmark_node_replace(shown[i], raw[i]);
        cmark_node_free(shown[i]);
    }
    free(raw);
    return html;
}

const char *prose_html(Arena *a, void *doc, size_t *len) {
    return prose_html_mem(a, doc, &pooled_mem, len);
}

const char *prose_html_mem(Arena *a, void *doc, void *mem, size_t *len) {
    char *html = html_of(doc, mem, len);
    const char *copy = arena_strndup(a, html, *len);
    pooled_mem.free(html);
    return copy;
}

void *prose_mem(void) {
    return &pooled_mem;
}

/* ---- one body: parsed into bytes, then applied --------------------------- */

/* Parsing a body yields bytes, the same whether this process or a child
 * parsed it (prose_parse_all): u32 the record's order, u64 the HTML's
 * length (UINT64_MAX: no body) and the HTML, u32 the number of prose links
 * and each link (u32 the target's order, a place), u32 the number of
 * bracketed IDs naming no record and each (a place, u32 length, the ID).
 * A place is i32 line and i32 column in the record's file; line 0 stands
 * for the record's own place. */

static void put_u32(StrBuf *b, uint32_t v) {
    sb_append(b, (const char *)&v, sizeof v);
}
static void put_i32(StrBuf *b, int32_t v) {
    sb_append(b, (const char *)&v, sizeof v);
}
static void put_u64(StrBuf *b, uint64_t v) {
    sb_append(b, (const char *)&v, sizeof v);
}

static void put_place(StrBuf *b, const Mention *mt) {
    put_i32(b, mt ? mt->loc.line : 0);
    put_i32(b, mt ? mt->loc.col : 0);
}

/* The bracketed ID-shaped tokens left in a text node: they named no record. */
static void scan_text(Model *m, const Mention *ms, size_t nms, const char *text, StrBuf *dangling,
                      uint32_t *ndangling) {
    for (const char *p = strchr(text, '['); p; p = strchr(p + 1, '[')) {
        const char *q = strchr(p + 1, ']');
        if (!q) break;
        size_t len = (size_t)(q - p - 1);
        if (!id_shaped(p + 1, len)) continue;
        const char *id = arena_strndup(m->arena, p + 1, len);
        if (model_find(m, id)) continue;
        put_place(dangling, mention_of(ms, nms, p + 1, len));
        put_u32(dangling, (uint32_t)len);
        sb_append(dangling, id, len);
        (*ndangling)++;
    }
}

/* Parses r's body and appends its bytes to out. Changes nothing of the
 * model but its arena. */
static void scan(Model *m, Record *r, StrBuf *out) {
    put_u32(out, (uint32_t)r->order);
    if (!r->body || r->body_len == 0) {
        put_u64(out, UINT64_MAX);
        put_u32(out, 0);
        put_u32(out, 0);
        return;
    }
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

    StrBuf links, dangling;
    sb_init(&links);
    sb_init(&dangling);
    uint32_t nlinks = 0, ndangling = 0;
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
                if (to && to != r) {
                    put_u32(&links, (uint32_t)to->order);
                    put_place(&links, mention_of(ms, nms, url + 8, strlen(url + 8)));
                    nlinks++;
                }
            }
        } else if (type == CMARK_NODE_TEXT) {
            const char *lit = cmark_node_get_literal(node);
            if (lit && strchr(lit, '[')) scan_text(m, ms, nms, lit, &dangling, &ndangling);
        }
    }
    cmark_iter_free(it);
    size_t hlen;
    char *html = html_of(doc, &pooled_mem, &hlen);
    cmark_node_free(doc);
    put_u64(out, hlen);
    sb_append(out, html, hlen);
    pooled_mem.free(html);
    put_u32(out, nlinks);
    sb_append(out, links.data, links.len);
    put_u32(out, ndangling);
    sb_append(out, dangling.data, dangling.len);
    sb_free(&links);
    sb_free(&dangling);
}

/* Reads v from *p (not past end); false when the bytes end first. */
static bool get(const char **p, const char *end, void *v, size_t n) {
    if ((size_t)(end - *p) < n) return false;
    memcpy(v, *p, n);
    *p += n;
    return true;
}

/* Walks one record's bytes at *p: with apply, stores the HTML, records the
 * links and reports the dangling IDs of the record. False when the bytes are
 * not a whole result for a record of m (apply is then never set). */
static bool take(Model *m, Diag *d, const char **p, const char *end, bool apply) {
    uint32_t order, n;
    uint64_t hlen;
    if (!get(p, end, &order, sizeof order) || order >= m->nrecords ||
        !get(p, end, &hlen, sizeof hlen))
        return false;
    Record *r = m->records[order];
    if (hlen != UINT64_MAX) {
        if ((uint64_t)(end - *p) < hlen) return false;
        if (apply) {
            r->body_html = arena_strndup(m->arena, *p, (size_t)hlen);
            r->body_html_len = (size_t)hlen;
        }
        *p += hlen;
    }
    if (!get(p, end, &n, sizeof n)) return false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t to;
        int32_t line, col;
        if (!get(p, end, &to, sizeof to) || to >= m->nrecords || !get(p, end, &line, sizeof line) ||
            !get(p, end, &col, sizeof col))
            return false;
        if (apply)
            model_link_prose(m, r, m->records[to], line ? (SrcLoc){r->path, line, col} : r->loc);
    }
    if (!get(p, end, &n, sizeof n)) return false;
    for (uint32_t i = 0; i < n; i++) {
        int32_t line, col;
        uint32_t len;
        if (!get(p, end, &line, sizeof line) || !get(p, end, &col, sizeof col) ||
            !get(p, end, &len, sizeof len) || (size_t)(end - *p) < len)
            return false;
        if (apply) {
            SrcLoc at = line ? (SrcLoc){r->path, line, col} : r->loc;
            char *id = arena_strndup(m->arena, *p, len);
            const Unloaded *u = model_find_unloaded(m, id);
            if (u)
                rule_report(d, RULE_DANGLING_UNLOADED, at, r->id,
                            "reference [%s] in the prose: %s did not load: see %s:%d [%s], which "
                            "this follows from",
                            id, id, u->loc.path, u->loc.line, u->rule);
            else
                rule_report(d, RULE_DANGLING_REF, at, r->id,
                            "reference [%s] in the prose names no record", id);
        }
        *p += len;
    }
    return true;
}

/* ---- bounds: what a body may cost ------------------------------------------------ */

/* A GFM table's delimiter row (|---|:--:|): its number of columns, else 0. */
static size_t delimiter_columns(const char *s, size_t n) {
    size_t cols = 0, dashes = 0, pipes = 0;
    bool cell = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '|') {
            pipes++;
            if (cell) cols++;
            cell = false;
        } else if (c == '-') {
            dashes++;
            cell = true;
        } else if (c != ':' && c != ' ' && c != '\t' && c != '\r') {
            return 0;
        }
    }
    if (cell) cols++;
    return dashes && (pipes || cols > 1) ? cols : 0;
}

size_t prose_table_cells(const char *s, size_t n) {
    /* cmark-gfm gives every row of a table as many cells as its delimiter
     * row has columns, however short the row: a few bytes a row can make a
     * million cells. Counted here before any parsing: columns times rows. */
    size_t cells = 0, cols = 0;
    for (size_t i = 0; i < n;) {
        const char *e = memchr(s + i, '\n', n - i);
        size_t len = e ? (size_t)(e - (s + i)) : n - i;
        bool blank = true;
        for (size_t k = 0; k < len && blank; k++)
            if (s[i + k] != ' ' && s[i + k] != '\t' && s[i + k] != '\r') blank = false;
        if (blank)
            cols = 0;
        else if (cols)
            cells += cols;
        else if ((cols = delimiter_columns(s + i, len)) != 0)
            cells += 2 * cols; /* the header too */
        i += len + 1;
    }
    return cells;
}

/* Leaves out (with a prose-size finding) a body that would cost more than
 * the bounds allow: the whole of it is never parsed. */
static void prose_bound(Diag *d, Record *r) {
    if (!r->body || !r->body_len) return;
    SrcLoc at = {r->path, r->body_line > 0 ? r->body_line : 1, 1};
    if (r->body_len > PROSE_MAX_BYTES) {
        rule_report(d, RULE_PROSE_SIZE, at, r->id,
                    "the prose is %zu bytes, over the limit of %d MiB a record: it is left out; "
                    "split it or move the text into an evidence file",
                    r->body_len, PROSE_MAX_BYTES >> 20);
    } else {
        size_t cells = prose_table_cells(r->body, r->body_len);
        if (cells <= PROSE_MAX_TABLE_CELLS) return;
        rule_report(d, RULE_PROSE_SIZE, at, r->id,
                    "the prose's tables have %zu cells, over the limit of %d a record: it is left "
                    "out; move large tables into an evidence file (CSV)",
                    cells, PROSE_MAX_TABLE_CELLS);
    }
    r->body = "";
    r->body_len = 0;
}

void prose_parse(Model *m, Diag *d, Record *r) {
    prose_bound(d, r);
    StrBuf b;
    sb_init(&b);
    scan(m, r, &b);
    const char *p = b.data;
    if (!take(m, d, &p, b.data + b.len, true)) die("internal error: prose_parse");
    sb_free(&b);
}

/* ---- every body, in several processes --------------------------------------- */

enum { PROSE_MAX_JOBS = 64, PROSE_MIN_PER_JOB = 128 };

/* Parses the bodies of shard k (records k, k + jobs, ...) into out. */
static void scan_shard(Model *m, int k, int jobs, StrBuf *out) {
    for (size_t i = (size_t)k; i < m->nrecords; i += (size_t)jobs)
        scan(m, m->records[i], out);
}

/* Whether b holds exactly the results of shard k, in order. */
static bool whole_shard(Model *m, const StrBuf *b, int k, int jobs) {
    const char *p = b->data ? b->data : "", *end = p + b->len;
    for (size_t i = (size_t)k; i < m->nrecords; i += (size_t)jobs) {
        uint32_t order;
        if ((size_t)(end - p) < sizeof order) return false;
        memcpy(&order, p, sizeof order);
        if (order != i || !take(m, NULL, &p, end, false)) return false;
    }
    return p == end;
}

/* Reads all of f into b; false on a read error. */
static bool read_all(FILE *f, StrBuf *b) {
    char buf[65536];
    size_t n;
    rewind(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_append(b, buf, n);
    return !ferror(f);
}

typedef struct Share {
    Model *m;
    int jobs;
} Share;

/* A child's share: the bytes of its shard into its file, nothing else. */
static int parse_share(int k, void **files, void *arg) {
    const Share *sh = arg;
    StrBuf b;
    sb_init(&b);
    scan_shard(sh->m, k, sh->jobs, &b);
    bool ok = fs_write_all(fileno((FILE *)files[0]), b.data ? b.data : "", b.len);
    sb_free(&b);
    return ok ? 0 : 1;
}

void prose_parse_all(Model *m, Diag *d, int jobs) {
    for (size_t i = 0; i < m->nrecords; i++)
        prose_bound(d, m->records[i]);
    if (jobs > PROSE_MAX_JOBS) jobs = PROSE_MAX_JOBS;
    if ((size_t)jobs > m->nrecords / PROSE_MIN_PER_JOB)
        jobs = (int)(m->nrecords / PROSE_MIN_PER_JOB);
    if (jobs <= 1) {
        for (size_t i = 0; i < m->nrecords; i++)
            prose_parse(m, d, m->records[i]);
        return;
    }
    cmark_gfm_core_extensions_ensure_registered();
    Worker w[PROSE_MAX_JOBS];
    StrBuf parts[PROSE_MAX_JOBS];
    Share share = {m, jobs};
    int started = workers_start(w, jobs, 1, parse_share, &share);
    for (int k = 0; k < jobs; k++)
        sb_init(&parts[k]);
    scan_shard(m, 0, jobs, &parts[0]);
    workers_wait(w, started);
    /* A shard whose process did not start, failed or sent broken bytes is
     * parsed here: the result is the same, only slower. */
    for (int k = 1; k < jobs; k++) {
        bool ok = k < started && w[k].status == 0 && read_all(w[k].file[0], &parts[k]) &&
                  whole_shard(m, &parts[k], k, jobs);
        if (!ok) {
            parts[k].len = 0;
            scan_shard(m, k, jobs, &parts[k]);
        }
    }
    workers_close(w, jobs);
    const char *at[PROSE_MAX_JOBS], *end[PROSE_MAX_JOBS];
    for (int k = 0; k < jobs; k++) {
        at[k] = parts[k].data ? parts[k].data : "";
        end[k] = at[k] + parts[k].len;
    }
    for (size_t i = 0; i < m->nrecords; i++) {
        int k = (int)(i % (size_t)jobs);
        if (!take(m, d, &at[k], end[k], true)) die("internal error: prose_parse_all");
    }
    for (int k = 0; k < jobs; k++)
        sb_free(&parts[k]);
}
