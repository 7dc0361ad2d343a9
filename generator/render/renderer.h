/* renderer.h: private to render/. The Renderer (one sandboxed Lua state,
 * the model tables, the compiled templates) and what the files of the
 * render stage share. Sections name the file that implements them.
 * Nothing here is for other stages: they use render.h. */
#ifndef DOSSIER_RENDERER_H
#define DOSSIER_RENDERER_H

#include <stdio.h>

#include <lauxlib.h>
#include <lua.h>

#include "render.h"

enum {
    RENDER_MAX_DEPTH = 32,     /* nested render/include calls */
    RENDER_HOOK_PERIOD = 1000, /* VM instructions between two hook calls */
};

/* The output context of a template, from its file extension: what {{ }}
 * escapes for. Safe values carry the context they are safe in. */
typedef enum Escape { ESC_TEXT, ESC_HTML, ESC_XML, ESC_JSON, ESC_CSV } Escape;

/* A loaded chunk: a template, main.lua or a module. Its Lua chunk name is
 * "=tmpl#<index>", so error positions map back to path exactly however
 * long the path is. Arena-owned. */
typedef struct Chunk {
    const char *name; /* "site/record.html", as asked for */
    const char *path; /* the file, as shown to the user */
    Escape escape;
    bool is_lua; /* main.lua or a module: Lua source, not a template */
} Chunk;

/* ---- cache.c: what each page read, for the incremental build ----------- */

/* The reads of one page (or of what runs between pages, or of a memo or
 * module being made): the dependency units it touched, repeats allowed. */
typedef struct TrackFrame {
    int *units;
    size_t n, cap;
    unsigned epoch;   /* stamp of this frame in Tracker.stamp */
    bool uncacheable; /* it used something no unit stands for */
    const char *path; /* a page's frame: the path this_shard opened it for */
} TrackFrame;

typedef struct Tracker {
    TrackFrame *frames; /* frames[0]: the main.lua run outside pages */
    size_t nframes, cap;
    unsigned *stamp; /* per unit: the epoch of the frame that last added it */
    size_t nunits;
    unsigned epoch;
} Tracker;

/* Adds unit to the innermost frame (once per frame, mostly). */
static inline void track_touch_slow(Tracker *t, int unit);
static inline void track_touch(Tracker *t, int unit) {
    if (t->nframes && (size_t)unit < t->nunits && t->stamp[unit] != t->frames[t->nframes - 1].epoch)
        track_touch_slow(t, unit);
}

struct RenderCache;

struct Renderer {
    lua_State *L;
    Arena arena;   /* chunk names, paths, sources: lives as long as L */
    Arena scratch; /* markdown.c: reset at the start of each call */
    const Model *model;
    const Diag *diag;
    RenderOptions opts;
    OutDir *out;        /* set during render_run */
    const char *output; /* "site", during render_run */
    bool public;        /* the audience of the view in use: public outputs
                           see no internal record and cannot read internal fields */
    size_t mem_used, mem_cap;
    size_t mem_views; /* what the model's views took: added to the cap, not the templates' */
    Pool pool;        /* lua_state.c: the blocks of L */
    unsigned long steps, budget;
    size_t max_document, max_output; /* render.c: limits of write() */
    size_t written;                  /* bytes write() wrote in this build, this process's
                                        share (shard.c adds the other processes' after) */
    bool io_failed;                  /* outdir_write failed: exit 2, message printed */
    bool sys_oom;                    /* the system, not the cap, refused Lua memory: exit 2 */
    int last_chunk, last_line;       /* sampled by the hook, for out-of-memory */
    Chunk *chunks;
    size_t nchunks, chunk_cap;
    int active[RENDER_MAX_DEPTH + 1]; /* chunks being rendered, outermost first */
    int depth;
    bool forked;        /* shard.c: the processes of --jobs share the pages of what is built */
    int shard, nshards; /* shard.c: this process writes the paths whose hash
                           modulo nshards is shard (nshards 1: every path) */
    Tracker track;      /* cache.c: frames while a cached output renders */
    struct RenderCache *cache; /* cache.c: NULL until a build asks for it */
    bool cache_run;            /* the output being rendered is cached page by page */
};

static inline void track_touch_slow(Tracker *t, int unit) {
    TrackFrame *f = &t->frames[t->nframes - 1];
    t->stamp[unit] = f->epoch;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->units = xrealloc(f->units, f->cap * sizeof *f->units);
    }
    f->units[f->n++] = unit;
}

/* ---- render.c ---------------------------------------------------------- */

/* Whether the path of plen bytes is written by this process (shard.c). */
bool render_in_shard(const Renderer *r, const char *path, size_t plen);

/* ---- lua_state.c: the sandbox ------------------------------------------ */

/* The Renderer that owns L (kept in L's extra space). */
Renderer *renderer_of(lua_State *L);
/* Creates r->L with the allocator and hook that enforce the limits.
 * False (nothing to clean up) if Lua cannot start. */
bool sandbox_open(Renderer *r);
/* Lua's generational collector, told what the views are. A major
 * collection (one that walks every object) starts when the heap has grown
 * SANDBOX_GC_MAJOR percent since the last; when it frees little, as where
 * most of the heap is the model's views, Lua 5.4 takes it as bad and walks
 * every object at each later step until the heap shrinks. sandbox_settle,
 * after a view is built (the collector stopped meanwhile: all of it lives)
 * and before the fork of build --jobs, collects once and makes everything
 * alive old, so young collections alone follow: nothing writes to the
 * views' pages, which the processes of --jobs share until one writes. A
 * view built after the fork is aged by young collections instead: a full
 * one would write to the shared objects too. */
enum { SANDBOX_GC_MAJOR = 300 };
void sandbox_settle(lua_State *L);
/* Runs f(arg) under lua_pcall with the traceback handler. On an error,
 * prints "path:line: error: message" and the template stack on stderr and
 * returns EXIT_TEMPLATE (or EXIT_USAGE after an I/O failure). */
int sandbox_run(Renderer *r, lua_CFunction f, void *arg);
/* Opens the allowed libraries and builds the environment table, left in
 * the registry; call inside sandbox_run before anything else. */
void sandbox_init(lua_State *L);
/* Pushes the read-only global environment that chunks get as _ENV. */
void sandbox_push_env(lua_State *L);
/* Pushes the hidden table the environment reads from (for env lookups). */
void sandbox_push_globals(lua_State *L);
/* Adds a C function to the environment (during setup only). */
void sandbox_set_global(lua_State *L, const char *name, lua_CFunction f);
/* Raises an error located at chunk:line (not at the caller). */
int sandbox_error_at(lua_State *L, int chunk, int line, const char *fmt, ...);
/* Charges units of work done in C (about one VM instruction's worth each)
 * to the instruction budget, which a count hook cannot see; raises, naming
 * what (a function such as "table.move"), when the budget is spent. */
void sandbox_charge(lua_State *L, lua_Integer units, const char *what);
/* The same for a C loop over n items of a table: raises when n is more
 * than a table could hold under the memory cap (16 bytes an item), which
 * no real table has (a length of 2^61 from a few sparse keys), then
 * charges n. */
void sandbox_items(lua_State *L, lua_Integer n, const char *what);

/* Read-only containers: a userdata whose one user value is the hidden table
 * it reads from; they act like tables (index, #, ipairs, pairs in sorted
 * key order) but cannot be changed, and ask for an unknown key in a
 * strict map is an error (a typo in a template fails the build). */
typedef enum FrozenKind {
    FROZEN_ARRAY,  /* 1..n */
    FROZEN_MAP,    /* strict: only the keys it was built with */
    FROZEN_RECORD, /* a strict map that stands for a record */
    FROZEN_INDEX,  /* lookups: an unknown key gives nil */
} FrozenKind;

/* The marker for a key that exists with no value (an absent optional
 * field): store it in a hidden map so the key is known but reads as nil. */
void frozen_push_nil(lua_State *L);
/* The marker for a key a public output may not read (an internal field):
 * reading it raises an error naming the key, the map and the output;
 * pairs skips it. */
void frozen_push_withheld(lua_State *L);
/* Replaces the table on top of the stack with a frozen view of it. what
 * names it in error messages and must outlive L (static or arena). */
void frozen_wrap(lua_State *L, FrozenKind kind, const char *what);
/* The kind of the frozen value at idx, or -1 if it is not one. */
int frozen_kind(lua_State *L, int idx);
/* Pushes the hidden table of the frozen value at idx (to fill it). */
void frozen_push_hidden(lua_State *L, int idx);
/* Ties the frozen value at idx to the C object it stands for (a Record). */
void frozen_set_ptr(lua_State *L, int idx, const void *ptr);
/* The C object of the frozen value at idx, NULL if none or not frozen. */
const void *frozen_ptr(lua_State *L, int idx);
/* cache.c's bookkeeping on a frozen value: its unit (-1 none or not
 * frozen; *seq its place in the unit, may be NULL), setting it. */
int frozen_unit(lua_State *L, int idx, int *seq);
void frozen_set_unit(lua_State *L, int idx, int unit, int seq);
/* 1 for the no-value marker at idx, 2 for the withheld marker, else 0. */
int frozen_mark(lua_State *L, int idx);

/* ---- cache.c ----------------------------------------------------------- */

/* Whether key of a record belongs to its header (ID, title, type, page:
 * what lists and links show), a unit apart from the rest of the record. */
bool cache_header_key(const char *key);
/* Whether the output being rendered keeps track of what its pages read. */
static inline bool cache_tracking(const Renderer *r) {
    return r->track.nframes > 0;
}
/* The units of the records and modules (for markdown, href, import):
 * marks the innermost frame as depending on something the cache cannot
 * name, so its page is always made again. */
void cache_uncacheable(Renderer *r);
/* The unit of every record ID and type there is (prose links resolve against it). */
void cache_touch_ids(Renderer *r);
/* this_shard for a cached output: whether the page at path must be made
 * (opening its frame), or was taken from the previous build (false). Raises
 * on a write error as write() does. */
bool cache_page_begin(lua_State *L, const char *path, size_t plen);
/* write() of path with data: closes its frame and keeps its record. */
void cache_page_end(Renderer *r, const char *path, const void *data, size_t len);
/* Whether path was taken from the previous build (write() then skips it). */
bool cache_carried(Renderer *r, const char *path);
/* Frames for memo() and import(): open one, close it (its units join the
 * frame around it and are returned, a heap array the caller keeps), and
 * replay units kept from before into the innermost frame. */
void cache_frame_push(Renderer *r);
int *cache_frame_pop(Renderer *r, size_t *n, bool *uncacheable);
void cache_replay(Renderer *r, const int *units, size_t n, bool uncacheable);
/* Before the outputs of a build: hashes the units of the internal view and
 * reads the previous build's record from o's final folder. False (and
 * no cache) with --no-cache, a dossier's own templates, or an error. */
bool cache_open(Renderer *r, OutDir *o);
/* Around the main.lua of a cached output (inside the protected call). */
void cache_run_begin(lua_State *L);
void cache_run_end(Renderer *r);
/* A child process sends its records to the parent, which takes them. */
void cache_send(Renderer *r, FILE *f);
bool cache_receive(Renderer *r, FILE *f);
void cache_close(Renderer *r);
/* template.c: forgets the modules import() ran for the view in use, so a
 * cached output runs them again with their reads tracked. */
void template_reset_modules(lua_State *L);
/* memo(store, key, fn): store[key], made by fn() the first time; the
 * reads fn made count for every page that asks again. */
int cache_memo(lua_State *L);
/* ---- the template API, bound by render.c's one table -------------------- */

/* template.c */
int tpl_render(lua_State *L);
int tpl_include(lua_State *L);
int tpl_import(lua_State *L);
int tpl_escape_html(lua_State *L);
int tpl_escape_xml(lua_State *L);
int tpl_escape_json(lua_State *L);
int tpl_csv_field(lua_State *L);
int tpl_safe_context(lua_State *L);
/* markdown.c */
int tpl_markdown(lua_State *L);
int tpl_markdown_text(lua_State *L);

/* Registers what memo() needs (during setup). */
void cache_init(lua_State *L);

/* ---- template.c: the compiler, the cache, escaping, safe values --------- */

/* Turns template text into Lua source that appends to a buffer, keeping
 * every template line on the same Lua line. False with *err_line and
 * *err_msg (static text) on a template syntax error. */
bool template_compile(StrBuf *out, const char *src, size_t len, int *err_line,
                      const char **err_msg);
/* Pushes the safe value of s in context esc: output raw by {{ }} in a
 * template of the same context, escaped in any other. */
void safe_push(lua_State *L, Escape esc, const char *s, size_t len);
/* Replaces the string on top of the stack with its safe value. */
void safe_wrap(lua_State *L, Escape esc);
/* The text of the safe value at idx (NULL if it is not one); *esc gets its context. */
const char *safe_get(lua_State *L, int idx, size_t *len, Escape *esc);
/* Appends s escaped for esc to b. */
void escape_add(luaL_Buffer *b, Escape esc, const char *s, size_t len);
/* Registers render, include, import and the escapers in the environment. */
void template_init(lua_State *L);
/* Loads <output>/main.lua (user folder first) and pushes it as a function. */
void template_push_main(lua_State *L, const char *output);

/* ---- luamodel.c: the model as read-only tables -------------------------- */

/* Prepares the model tables; the views are built by luamodel_select. */
void luamodel_init(lua_State *L, const Model *m, const Diag *d);
/* Makes the view for an audience the global `model`, building it on first
 * use: the full view (records, types, findings, product) or the public one
 * (no internal record in any array, index or link list, internal fields
 * withheld so reading one is an error, no findings). Sets the Renderer's
 * public flag, which luamodel_push_record follows. */
void luamodel_select(lua_State *L, bool public);
/* Pushes the record object of rec in the view in use (nil when the
 * record is internal and the view public). */
void luamodel_push_record(lua_State *L, const Record *rec);
/* The Record behind the value at idx, or NULL if it is not a record. */
const Record *luamodel_record(lua_State *L, int idx);

/* ---- markdown.c: Markdown to safe HTML ---------------------------------- */

/* Registers markdown(record, page, level) and markdown_text(text, page, level). */
void markdown_init(lua_State *L);

/* ---- render.c: the output helpers -------------------------------------- */

/* The page of a record in the site: "<plural>/<ID>.html". */
void render_add_page_of(luaL_Buffer *b, const Record *rec);
/* Appends to b the URL of to (a path in the output) as seen from page
 * from (a path in the output, "" for the root). Raises on a bad path. */
void render_add_relurl(lua_State *L, luaL_Buffer *b, const char *from, const char *to);
/* True when p is a clean relative path: no "..", ".", empty parts,
 * backslashes, leading slash or NUL. */
bool render_clean_path(const char *p, size_t len);

/* The templates' own memory limit in MiB, as --lua-memory gave it: the
 * cap without the model's views. */
static inline int renderer_limit_mib(const struct Renderer *r) {
    return (int)((r->mem_cap - r->mem_views) >> 20);
}

#endif
