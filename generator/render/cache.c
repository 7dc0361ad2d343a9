/* cache.c: the incremental build. A page of a cached output (the site) is
 * made again only when something it read has changed since the build that
 * wrote it; otherwise its bytes are taken from that build's output.
 *
 * What a page reads is known exactly: every read of the model goes through
 * a read-only container (lua_state.c), and each container belongs to one
 * dependency unit: the header of a record (what lists and links show: ID,
 * title, type, page), the rest of a record, each part of the model beside
 * the records (types, verdicts, findings, ...), the set of record IDs that
 * prose links resolve against. Before rendering, every unit of the view is
 * hashed (BLAKE2b through libsodium, 128 bits) from the containers as templates see
 * them. While a page renders (from this_shard(path) to write(path)) the
 * units it touches are recorded; memo() and import() keep the units of
 * what they made, so a later page served from them depends on the same.
 * What main.lua reads outside pages counts for every page.
 *
 * The record of a build, OUT/.dossier-cache: a key (the binary, the
 * templates, the options), every unit's hash, what main.lua read outside
 * pages, and per page its size, its hash and the units it read. A page is
 * taken over when the key is the same, nothing read outside pages
 * changed, none of its units changed, and the previous output still holds
 * it with that size and hash. The same bytes as a fresh build, which
 * tests/cases/cache.sh compares over a sequence of edits. The cache is
 * off with --no-cache and for a dossier with its own templates (the tool
 * cannot know what state they keep between pages). Part of render/. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <sodium.h>

#include "renderer.h"

enum { HASH = 16 };
static const char CACHE_FILE[] = FS_OUTPUT_CACHE;
static const char MAGIC[] = "dossier-cache 1\n";
static const char KEY_CARRIED = 0; /* registry: path -> true, pages taken over */
static const char MEMO_DEPS[] = "dossier memo units";

typedef struct Entry {
    const char *path;
    size_t size;
    unsigned char hash[HASH];
    int *units; /* units of this build (old entries: mapped, -1 where gone) */
    size_t n;
    bool fresh; /* old entries: every unit unchanged */
} Entry;

/* What the main.lua of one cached output read outside its pages: it counts
 * for every page of that output. */
typedef struct Outside {
    const char *output;
    int *units;
    size_t n, cap;
    bool broken;    /* it read something no unit stands for: no page is taken over */
    bool old_fresh; /* the previous build's record of it is unchanged */
} Outside;

enum { MAX_CACHED_OUTPUTS = 16 };

typedef struct RenderCache {
    Arena a;
    bool on;
    unsigned char key[HASH];
    /* the units of the internal view */
    const char **names;
    unsigned char (*hash)[HASH];
    int *seq;
    size_t nunits, cap;
    /* the previous build */
    bool old_ok; /* the previous build's record read, with the same key */
    Entry *old;
    size_t nold;
    /* this build */
    Entry *ents;
    size_t nents, ecap;
    Outside outs[MAX_CACHED_OUTPUTS];
    size_t nouts;
    size_t carried, made;
} RenderCache;

/* The record of output (made on first use; NULL past the bound). */
static Outside *outside_of(RenderCache *c, const char *output, size_t len) {
    for (size_t i = 0; i < c->nouts; i++)
        if (strlen(c->outs[i].output) == len && memcmp(c->outs[i].output, output, len) == 0)
            return &c->outs[i];
    if (c->nouts == MAX_CACHED_OUTPUTS) return NULL;
    Outside *o = &c->outs[c->nouts++];
    memset(o, 0, sizeof *o);
    o->output = arena_strndup(&c->a, output, len);
    return o;
}

static void outside_add(RenderCache *c, Outside *o, const int *u, size_t n) {
    if (o->n + n > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        while (cap < o->n + n)
            cap *= 2;
        o->units = arena_grow(&c->a, o->units, o->cap, cap, sizeof *o->units);
        o->cap = cap;
    }
    if (n) memcpy(o->units + o->n, u, n * sizeof *u);
    o->n += n;
}

static const char *const HEADER_KEYS[] = {"id",          "title",    "type", "type_title",
                                          "record_type", "internal", "page", "plural"};

bool cache_header_key(const char *key) {
    for (size_t i = 0; i < sizeof HEADER_KEYS / sizeof HEADER_KEYS[0]; i++)
        if (strcmp(key, HEADER_KEYS[i]) == 0) return true;
    return false;
}

/* ---- frames ---------------------------------------------------------------------- */

static void frame_push(Tracker *t, const char *path) {
    if (t->nframes == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->frames = xrealloc(t->frames, t->cap * sizeof *t->frames);
    }
    if (++t->epoch == 0) { /* wrapped: no stamp may look current */
        memset(t->stamp, 0, t->nunits * sizeof *t->stamp);
        t->epoch = 1;
    }
    t->frames[t->nframes++] = (TrackFrame){NULL, 0, 0, t->epoch, false, path};
}

/* Pops the innermost frame; its units also count for the frame around it. */
static TrackFrame frame_pop(Tracker *t) {
    TrackFrame f = t->frames[--t->nframes];
    if (t->nframes) {
        for (size_t i = 0; i < f.n; i++)
            track_touch(t, f.units[i]);
        if (f.uncacheable) t->frames[t->nframes - 1].uncacheable = true;
    }
    return f;
}

/* Pops a page's frame: it does not count for what runs outside pages. */
static TrackFrame frame_drop(Tracker *t) {
    return t->frames[--t->nframes];
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Sorts units and drops repeats; returns the new count. */
static size_t unique(int *u, size_t n) {
    if (n < 2) return n;
    qsort(u, n, sizeof *u, cmp_int);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (u[i] != u[k - 1]) u[k++] = u[i];
    return k;
}

void cache_uncacheable(Renderer *r) {
    if (r->track.nframes) r->track.frames[r->track.nframes - 1].uncacheable = true;
}

void cache_touch_ids(Renderer *r) {
    if (r->track.nframes && r->cache && r->cache->nunits)
        track_touch(&r->track, (int)r->cache->nunits - 1); /* "ids" comes last */
}

void cache_frame_push(Renderer *r) {
    if (r->track.nframes) frame_push(&r->track, NULL);
}

int *cache_frame_pop(Renderer *r, size_t *n, bool *uncacheable) {
    TrackFrame f = frame_pop(&r->track);
    *n = unique(f.units, f.n);
    *uncacheable = f.uncacheable;
    return f.units;
}

void cache_replay(Renderer *r, const int *units, size_t n, bool uncacheable) {
    if (!r->track.nframes) return;
    for (size_t i = 0; i < n; i++)
        track_touch(&r->track, units[i]);
    if (uncacheable) cache_uncacheable(r);
}

/* ---- memo ------------------------------------------------------------------------------ */

/* The units a memo entry was made from: tracked tells whether they were
 * recorded at all (an entry made while nothing was tracked knows none). */
typedef struct MemoDeps {
    size_t n; /* first: no read-only container starts like this (lua_state.c) */
    bool tracked, uncacheable;
    int units[];
} MemoDeps;

void cache_init(lua_State *L) {
    luaL_newmetatable(L, MEMO_DEPS);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

int cache_memo(lua_State *L) {
    Renderer *r = renderer_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_settop(L, 3);
    bool tracking = cache_tracking(r);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 1) == LUA_TTABLE) { /* 4: {value, units} */
        lua_rawgeti(L, 4, 2);
        MemoDeps *d = luaL_testudata(L, -1, MEMO_DEPS);
        if (!d) return luaL_error(L, "memo: the store holds an entry memo did not make");
        if (!tracking || d->tracked) {
            cache_replay(r, d->units, d->n, d->uncacheable);
            lua_rawgeti(L, 4, 1);
            return 1;
        }
        lua_pop(L, 1); /* made before pages were tracked: made again */
    }
    lua_settop(L, 3);
    if (tracking) frame_push(&r->track, NULL);
    lua_pushvalue(L, 3);
    lua_call(L, 0, 1); /* 4: the value; an error ends the output and its frames */
    size_t n = 0;
    bool unc = false;
    int *units = NULL;
    if (tracking) units = cache_frame_pop(r, &n, &unc);
    MemoDeps *d = lua_newuserdatauv(L, sizeof *d + n * sizeof(int), 0); /* 5 */
    d->tracked = tracking;
    d->uncacheable = unc;
    d->n = n;
    if (n) memcpy(d->units, units, n * sizeof(int));
    free(units);
    luaL_setmetatable(L, MEMO_DEPS);
    lua_createtable(L, 2, 0); /* 6 */
    lua_pushvalue(L, 4);
    lua_rawseti(L, 6, 1);
    lua_pushvalue(L, 5);
    lua_rawseti(L, 6, 2);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 6);
    lua_rawset(L, 1);
    lua_pushvalue(L, 4);
    return 1;
}

/* ---- the units of the view ------------------------------------------------------- */

/* BLAKE2b (libsodium) cut to HASH bytes, fed through a buffer: the walk
 * adds a few bytes at a time. */
typedef struct Hasher {
    crypto_generichash_state st;
    size_t n;
    unsigned char buf[4096];
} Hasher;

static void hasher_init(Hasher *h) {
    crypto_generichash_init(&h->st, NULL, 0, HASH);
    h->n = 0;
}

static void hasher_put(Hasher *h, const void *p, size_t n) {
    if (h->n + n > sizeof h->buf) {
        crypto_generichash_update(&h->st, h->buf, h->n);
        h->n = 0;
        if (n > sizeof h->buf) {
            crypto_generichash_update(&h->st, p, n);
            return;
        }
    }
    memcpy(h->buf + h->n, p, n);
    h->n += n;
}

static void hasher_final(Hasher *h, unsigned char *out) {
    crypto_generichash_update(&h->st, h->buf, h->n);
    crypto_generichash_final(&h->st, out, HASH);
}

typedef struct Walk {
    lua_State *L;
    RenderCache *c;
    Hasher *h;
    Hasher *pair; /* a record's header and rest */
    int unit;
    int depth;
} Walk;

static int add_unit(RenderCache *c, const char *name) {
    if (c->nunits == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        c->names = arena_grow(&c->a, c->names, c->cap, cap, sizeof *c->names);
        c->hash = arena_grow(&c->a, c->hash, c->cap, cap, sizeof *c->hash);
        c->seq = arena_grow(&c->a, c->seq, c->cap, cap, sizeof *c->seq);
        c->cap = cap;
    }
    c->names[c->nunits] = arena_strdup(&c->a, name);
    c->seq[c->nunits] = 0;
    memset(c->hash[c->nunits], 0, HASH);
    return (int)c->nunits++;
}

static void put(Walk *w, const void *p, size_t n) {
    hasher_put(w->h, p, n);
}

static void put_tag(Walk *w, char t) {
    put(w, &t, 1);
}

static void put_int(Walk *w, long long v) {
    put(w, &v, sizeof v);
}

static void put_str(Walk *w, const char *s, size_t n) {
    put_int(w, (long long)n);
    put(w, s, n);
}

static void walk_value(Walk *w, int idx);

typedef struct Key {
    int type; /* 0 integer, 1 string, 2 other */
    lua_Integer i;
    const char *s;
    size_t len;
    int slot; /* entries(): the stack slot of its value */
} Key;

static int cmp_key(const void *pa, const void *pb) {
    const Key *a = pa, *b = pb;
    if (a->type != b->type) return a->type - b->type;
    if (a->type == 0) return (a->i > b->i) - (a->i < b->i);
    if (a->type == 1) {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, n);
        return c ? c : (a->len > b->len) - (a->len < b->len);
    }
    return 0;
}

/* The keys of the table at t in a fixed order; the caller frees. */
static Key *sorted_keys(lua_State *L, int t, size_t *n) {
    size_t cap = 16, k = 0;
    Key *keys = xmalloc(cap * sizeof *keys);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (k == cap) keys = xrealloc(keys, (cap *= 2) * sizeof *keys);
        Key *key = &keys[k++];
        *key = (Key){2, 0, NULL, 0, 0};
        if (lua_isinteger(L, -1)) {
            key->type = 0;
            key->i = lua_tointeger(L, -1);
        } else if (lua_type(L, -1) == LUA_TSTRING) {
            key->type = 1;
            key->s = lua_tolstring(L, -1, &key->len); /* the table keeps it */
        }
    }
    qsort(keys, k, sizeof *keys, cmp_key);
    *n = k;
    return keys;
}

/* The entries of the table at t, sorted by key, each key and value left on
 * the stack (the caller resets it): one pass, no lookup by key. */
static Key *entries(lua_State *L, int t, size_t *n) {
    size_t cap = 32, k = 0;
    Key *keys = xmalloc(cap * sizeof *keys);
    lua_pushnil(L);
    while (lua_checkstack(L, 4) && lua_next(L, t)) { /* ... key value */
        if (k == cap) keys = xrealloc(keys, (cap *= 2) * sizeof *keys);
        Key *key = &keys[k++];
        *key = (Key){2, 0, NULL, 0, lua_gettop(L)};
        if (lua_isinteger(L, -2)) {
            key->type = 0;
            key->i = lua_tointeger(L, -2);
        } else if (lua_type(L, -2) == LUA_TSTRING) {
            key->type = 1;
            key->s = lua_tolstring(L, -2, &key->len); /* the stack keeps it */
        }
        lua_pushvalue(L, -2); /* the key again, for lua_next: the pair stays */
    }
    qsort(keys, k, sizeof *keys, cmp_key);
    *n = k;
    return keys;
}

/* The content of the plain table at t: keys in order, then their values. */
static void walk_content(Walk *w, int t) {
    lua_State *L = w->L;
    int top = lua_gettop(L);
    size_t n;
    Key *keys = entries(L, t, &n);
    put_int(w, (long long)n);
    for (size_t i = 0; i < n; i++) {
        if (keys[i].type == 0) {
            put_tag(w, 'k');
            put_int(w, (long long)keys[i].i);
        } else if (keys[i].type == 1) {
            put_tag(w, 'K');
            put_str(w, keys[i].s, keys[i].len);
        } else {
            put_tag(w, '?'); /* no template can name such a key in order */
        }
        walk_value(w, keys[i].slot);
    }
    free(keys);
    lua_settop(L, top);
}

static bool hidden_empty(lua_State *L, int t) {
    lua_pushnil(L);
    if (!lua_next(L, t)) return true;
    lua_pop(L, 2);
    return false;
}

static void walk_value(Walk *w, int idx) {
    lua_State *L = w->L;
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 8) || w->depth > 200) {
        put_tag(w, 'X');
        return;
    }
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        put_tag(w, 'n');
        break;
    case LUA_TBOOLEAN:
        put_tag(w, lua_toboolean(L, idx) ? 'T' : 'F');
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            put_tag(w, 'i');
            put_int(w, (long long)lua_tointeger(L, idx));
        } else {
            lua_Number d = lua_tonumber(L, idx);
            put_tag(w, 'd');
            put(w, &d, sizeof d);
        }
        break;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        put_tag(w, 's');
        put_str(w, s, n);
        break;
    }
    case LUA_TLIGHTUSERDATA:
        put_tag(w, 'm');
        put_int(w, frozen_mark(L, idx));
        break;
    case LUA_TUSERDATA: {
        int kind = frozen_kind(L, idx);
        if (kind < 0) {
            size_t n;
            const char *s = safe_get(L, idx, &n, NULL);
            put_tag(w, s ? 'S' : 'u');
            if (s) put_str(w, s, n);
            break;
        }
        if (kind == FROZEN_RECORD) {
            const Record *rec = frozen_ptr(L, idx);
            put_tag(w, 'R');
            put_str(w, rec->id, strlen(rec->id));
            break;
        }
        int seq, unit = frozen_unit(L, idx, &seq);
        if (unit >= 0 || seq < 0) { /* seen: a reference */
            put_tag(w, 'r');
            put_int(w, kind);
            put_int(w, unit);
            put_int(w, seq);
            break;
        }
        frozen_push_hidden(L, idx);
        int t = lua_gettop(L);
        if (hidden_empty(L, t)) { /* no content to change: no unit */
            frozen_set_unit(L, idx, -1, -1);
            put_tag(w, 'E');
            put_int(w, kind);
        } else {
            frozen_set_unit(L, idx, w->unit, w->c->seq[w->unit]++);
            put_tag(w, 't');
            put_int(w, kind);
            w->depth++;
            if (kind == FROZEN_ARRAY) { /* 1..n, in order */
                lua_Integer n = (lua_Integer)lua_rawlen(L, t);
                put_int(w, (long long)n);
                for (lua_Integer i = 1; i <= n; i++) {
                    lua_rawgeti(L, t, i);
                    walk_value(w, lua_gettop(L));
                    lua_pop(L, 1);
                }
            } else {
                walk_content(w, t);
            }
            w->depth--;
        }
        lua_pop(L, 1);
        break;
    }
    case LUA_TTABLE:
        put_tag(w, 'P');
        w->depth++;
        walk_content(w, idx);
        w->depth--;
        break;
    default:
        put_tag(w, 'f'); /* functions: what they do is the binary's */
        break;
    }
}

/* Hashes the frozen table at idx as unit u (named name). */
static void walk_unit(Walk *w, int idx, const char *name) {
    int u = add_unit(w->c, name);
    Hasher *h = &w->pair[0];
    hasher_init(h);
    w->h = h;
    w->unit = u;
    walk_value(w, idx);
    hasher_final(h, w->c->hash[u]);
}

/* A record: two units, its header and the rest. */
static void walk_record(Walk *w, int idx) {
    lua_State *L = w->L;
    const Record *rec = frozen_ptr(L, idx);
    RenderCache *c = w->c;
    char name[300];
    snprintf(name, sizeof name, "H %s", rec->id);
    int hu = add_unit(c, name);
    snprintf(name, sizeof name, "C %s", rec->id);
    int cu = add_unit(c, name);
    frozen_set_unit(L, idx, hu, 0);
    Hasher *hs = w->pair; /* two, reused from record to record */
    hasher_init(&hs[0]);
    hasher_init(&hs[1]);
    frozen_push_hidden(L, idx);
    int t = lua_gettop(L);
    size_t n;
    Key *keys = sorted_keys(L, t, &n);
    for (size_t i = 0; i < n; i++) {
        if (keys[i].type != 1) continue; /* records have names only */
        bool head = cache_header_key(keys[i].s);
        w->h = &hs[head ? 0 : 1];
        w->unit = head ? hu : cu;
        put_str(w, keys[i].s, keys[i].len);
        lua_pushlstring(L, keys[i].s, keys[i].len);
        lua_rawget(L, t);
        walk_value(w, lua_gettop(L));
        lua_pop(L, 1);
    }
    free(keys);
    lua_pop(L, 1);
    hasher_final(&hs[0], c->hash[hu]);
    hasher_final(&hs[1], c->hash[cu]);
}

/* Pushes model[key] raw from the hidden table at model. */
static int raw_field(lua_State *L, int model, const char *key) {
    lua_pushstring(L, key);
    return lua_rawget(L, model);
}

/* Builds and hashes the units of the view that is the global model now:
 * the schema's types first, then every record, then the rest of the model
 * by key, the model's own map, and "ids" (every record's ID and folder). */
static int units_protected(lua_State *L) {
    Renderer *r = renderer_of(L);
    RenderCache *c = r->cache;
    Hasher *pair = xmalloc(2 * sizeof *pair);
    Walk w = {L, c, NULL, pair, 0, 0};
    sandbox_push_globals(L);
    lua_getfield(L, -1, "model");
    int mobj = lua_gettop(L);
    frozen_push_hidden(L, mobj);
    int model = lua_gettop(L);
    static const char *const first[] = {"types", "types_by_name"};
    for (size_t i = 0; i < 2; i++) {
        raw_field(L, model, first[i]);
        char name[64];
        snprintf(name, sizeof name, "M.%s", first[i]);
        walk_unit(&w, -1, name);
        lua_pop(L, 1);
    }
    raw_field(L, model, "records");
    frozen_push_hidden(L, -1);
    int records = lua_gettop(L);
    for (lua_Integer i = 1; lua_rawgeti(L, records, i) != LUA_TNIL; i++) {
        walk_record(&w, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 3);
    size_t n;
    Key *keys = sorted_keys(L, model, &n);
    for (size_t i = 0; i < n; i++) {
        if (keys[i].type != 1) continue;
        lua_pushlstring(L, keys[i].s, keys[i].len);
        lua_rawget(L, model);
        int seq;
        if (frozen_kind(L, -1) >= 0 && frozen_kind(L, -1) != FROZEN_RECORD &&
            frozen_unit(L, -1, &seq) < 0 && seq >= 0) {
            char *name = arena_printf(&c->a, "M.%.*s", (int)keys[i].len, keys[i].s);
            walk_unit(&w, -1, name);
        }
        lua_pop(L, 1);
    }
    free(keys);
    walk_unit(&w, mobj, "M"); /* the map of the model: build date, references */
    /* ids: what prose links resolve against (model/prose.c, render/markdown.c) */
    int ids = add_unit(c, "ids");
    w.h = &pair[0];
    hasher_init(w.h);
    const Model *m = r->model;
    for (size_t i = 0; i < m->nrecords; i++) {
        put_str(&w, m->records[i]->id, strlen(m->records[i]->id));
        put_str(&w, m->records[i]->type->plural, strlen(m->records[i]->type->plural));
    }
    hasher_final(w.h, c->hash[ids]);
    free(pair);
    return 0;
}

/* ---- the key ------------------------------------------------------------------------ */

static void hash_file(Hasher *h, const char *path, size_t max) {
    char *data;
    size_t len;
    if (fs_read(path, max, &data, &len)) {
        hasher_put(h, &len, sizeof len);
        hasher_put(h, data, len);
        free(data);
    } else {
        hasher_put(h, "-", 1);
    }
}

static void hash_str(Hasher *h, const char *s) {
    size_t n = s ? strlen(s) + 1 : 0;
    hasher_put(h, &n, sizeof n);
    if (s) hasher_put(h, s, n);
}

/* The key of a build: this program, the libraries that shape its bytes,
 * the installation's templates and the options templates see. False when
 * it cannot be made (no cache then). */
static bool make_key(Renderer *r, unsigned char *key) {
    char *self;
    size_t len;
    /* the program itself, whatever link started it (so not fs_read, which follows none) */
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool got = fs_read_fd(fd, (size_t)256 << 20, &self, &len);
    close(fd);
    if (!got) return false;
    Hasher *h = xmalloc(sizeof *h);
    hasher_init(h);
    hasher_put(h, self, len);
    free(self);
    hash_str(h, cmark_version_string());
    hash_str(h, LUA_RELEASE);
    Arena a;
    arena_init(&a);
    const char **files;
    size_t n = fs_list(&a, r->opts.default_templates, &files);
    for (size_t i = 0; i < n; i++) {
        hash_str(h, files[i]);
        hash_file(h, fs_join(&a, r->opts.default_templates, files[i]), TEMPLATE_MAX_FILE);
    }
    arena_free(&a);
    hash_str(h, r->opts.period);
    hash_str(h, r->opts.pdf ? "pdf" : "");
    hash_str(h, r->opts.version);
    hasher_final(h, key);
    free(h);
    return true;
}

/* ---- the previous build's record ---------------------------------------------------- */

static bool hex_decode(const char *s, size_t n, unsigned char *out) {
    size_t bin;
    return n == 2 * HASH && sodium_hex2bin(out, HASH, s, n, NULL, &bin, NULL) == 0 && bin == HASH;
}

static int cmp_entry(const void *a, const void *b) {
    return strcmp(((const Entry *)a)->path, ((const Entry *)b)->path);
}

/* A unit's name and its index, to look names up. */
typedef struct Named {
    const char *name;
    int index;
} Named;

static int cmp_name(const void *a, const void *b) {
    return strcmp(((const Named *)a)->name, ((const Named *)b)->name);
}

/* Reads the next line of [*p, end) into *line (without its newline). */
static bool next_line(const char **p, const char *end, const char **line, size_t *len) {
    if (*p >= end) return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl) return false;
    *line = *p;
    *len = (size_t)(nl - *p);
    *p = nl + 1;
    return true;
}

/* Parses a list of unit numbers "3,17,40" (old numbering) into units
 * mapped to this build (map), all fresh or *fresh false. */
static int *parse_units(Arena *a, const char *s, size_t len, const int *map, const bool *same,
                        size_t nold_units, size_t *n, bool *fresh, bool *ok) {
    size_t count = len ? 1 : 0;
    for (size_t i = 0; i < len; i++)
        count += s[i] == ',';
    int *u = arena_alloc(a, (count + 1) * sizeof *u);
    *n = 0;
    const char *p = s, *end = s + len;
    while (p < end) {
        char *stop;
        unsigned long v = strtoul(p, &stop, 10);
        if (stop == p || v >= nold_units || (stop < end && *stop != ',')) {
            *ok = false;
            return u;
        }
        u[(*n)++] = map[v];
        if (!same[v]) *fresh = false;
        p = stop < end ? stop + 1 : end;
    }
    return u;
}

/* Loads OUT/.dossier-cache; on anything unexpected the cache is ignored
 * (every page made), as if there were none. */
static void load_old(Renderer *r, const char *outdir) {
    RenderCache *c = r->cache;
    char *data;
    size_t len;
    if (!outdir || !fs_read_below(outdir, CACHE_FILE, (size_t)512 << 20, &data, &len)) return;
    const char *p = data, *end = data + len, *line;
    size_t ll;
    bool ok = len > sizeof MAGIC && memcmp(data, MAGIC, sizeof MAGIC - 1) == 0;
    p += sizeof MAGIC - 1;
    unsigned char key[HASH];
    ok = ok && next_line(&p, end, &line, &ll) && ll > 4 && memcmp(line, "key ", 4) == 0 &&
         hex_decode(line + 4, ll - 4, key) && memcmp(key, c->key, HASH) == 0;
    unsigned long nu = 0;
    ok = ok && next_line(&p, end, &line, &ll) && sscanf(line, "units %lu", &nu) == 1 &&
         nu <= (size_t)(end - p);
    int *map = NULL;
    bool *same = NULL;
    Named *sorted = NULL;
    if (ok) {
        map = xmalloc((nu + 1) * sizeof *map);
        same = xmalloc((nu + 1) * sizeof *same);
        sorted = xmalloc((c->nunits + 1) * sizeof *sorted);
        for (size_t k = 0; k < c->nunits; k++)
            sorted[k] = (Named){c->names[k], (int)k};
        qsort(sorted, c->nunits, sizeof *sorted, cmp_name);
    }
    for (unsigned long i = 0; ok && i < nu; i++) {
        unsigned char h[HASH];
        ok = next_line(&p, end, &line, &ll) && ll > 2 * HASH + 1 && line[2 * HASH] == ' ' &&
             hex_decode(line, 2 * HASH, h);
        if (!ok) break;
        char name[320];
        size_t nl = ll - 2 * HASH - 1;
        map[i] = -1;
        same[i] = false;
        if (nl >= sizeof name) continue;
        memcpy(name, line + 2 * HASH + 1, nl);
        name[nl] = 0;
        Named probe = {name, 0};
        const Named *hit = bsearch(&probe, sorted, c->nunits, sizeof *sorted, cmp_name);
        if (!hit) continue;
        map[i] = hit->index;
        same[i] = memcmp(c->hash[hit->index], h, HASH) == 0;
    }
    /* what each output's main.lua read outside its pages: "outside NAME u,u,..."
     * ("!" for none that can be trusted) */
    unsigned long nf = 0;
    bool pages = false;
    while (ok && !pages && next_line(&p, end, &line, &ll)) {
        if (ll >= 8 && memcmp(line, "outside ", 8) == 0) {
            const char *name = line + 8, *sp = memchr(name, ' ', (size_t)(line + ll - name));
            const char *list = sp ? sp + 1 : line + ll;
            Outside *o = outside_of(c, name, (size_t)((sp ? sp : line + ll) - name));
            size_t n;
            bool fresh = !(list < line + ll && *list == '!');
            if (fresh)
                parse_units(&c->a, list, (size_t)(line + ll - list), map, same, nu, &n, &fresh,
                            &ok);
            if (o) o->old_fresh = fresh;
        } else {
            pages = sscanf(line, "pages %lu", &nf) == 1 && nf <= (size_t)(end - p);
            ok = pages;
        }
    }
    ok = ok && pages;
    if (ok) c->old = arena_alloc(&c->a, (nf + 1) * sizeof *c->old);
    for (unsigned long i = 0; ok && i < nf; i++) {
        ok = next_line(&p, end, &line, &ll);
        if (!ok) break;
        /* path \t size \t hash \t units */
        const char *t1 = memchr(line, '\t', ll);
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(line + ll - t1 - 1)) : NULL;
        const char *t3 = t2 ? memchr(t2 + 1, '\t', (size_t)(line + ll - t2 - 1)) : NULL;
        if (!t3 || t3 - t2 - 1 != 2 * HASH || t1 == line) {
            ok = false;
            break;
        }
        Entry *e = &c->old[c->nold++];
        e->path = arena_strndup(&c->a, line, (size_t)(t1 - line));
        e->size = (size_t)strtoull(t1 + 1, NULL, 10);
        ok = hex_decode(t2 + 1, 2 * HASH, e->hash) && render_clean_path(e->path, strlen(e->path));
        e->fresh = true;
        e->units = parse_units(&c->a, t3 + 1, (size_t)(line + ll - t3 - 1), map, same, nu, &e->n,
                               &e->fresh, &ok);
        if (i && strcmp(c->old[i - 1].path, e->path) >= 0) ok = false; /* sorted, once each */
    }
    free(map);
    free(same);
    free(sorted);
    free(data);
    if (!ok) {
        c->nold = 0;
        for (size_t i = 0; i < c->nouts; i++)
            c->outs[i].old_fresh = false;
        return;
    }
    c->old_ok = true;
}

/* ---- pages ---------------------------------------------------------------------------- */

static void add_entry(RenderCache *c, const char *path, size_t size, const unsigned char *hash,
                      const int *units, size_t n) {
    if (c->nents == c->ecap) {
        size_t cap = c->ecap ? c->ecap * 2 : 256;
        c->ents = arena_grow(&c->a, c->ents, c->ecap, cap, sizeof *c->ents);
        c->ecap = cap;
    }
    Entry *e = &c->ents[c->nents++];
    e->path = arena_strdup(&c->a, path);
    e->size = size;
    memcpy(e->hash, hash, HASH);
    e->units = arena_alloc(&c->a, (n + 1) * sizeof *e->units);
    if (n) memcpy(e->units, units, n * sizeof *units);
    e->n = n;
    e->fresh = true;
}

static void hash_bytes16(const void *data, size_t len, unsigned char *out) {
    crypto_generichash(out, HASH, data, len, NULL, 0);
}

/* Takes path over from the previous output when nothing it read changed. */
static bool carry(lua_State *L, Renderer *r, const char *path) {
    RenderCache *c = r->cache;
    Entry probe = {.path = path};
    const Entry *e = bsearch(&probe, c->old, c->nold, sizeof *c->old, cmp_entry);
    if (!e || !e->fresh || e->size > r->max_document ||
        e->size > r->max_output - r->written) /* over a limit: made, so write() says so */
        return false;
    char *data;
    size_t len;
    if (!fs_read_below(r->out->final_path, path, r->max_document, &data, &len)) return false;
    unsigned char h[HASH];
    hash_bytes16(data, len, h);
    if (len != e->size || memcmp(h, e->hash, HASH) != 0) { /* changed since: made again */
        free(data);
        return false;
    }
    bool wrote = outdir_write(r->out, path, data, len);
    free(data);
    if (!wrote) {
        r->io_failed = true;
        luaL_error(L, "write: %s could not be written", path);
    }
    r->written += len;
    add_entry(c, path, len, h, e->units, e->n);
    c->carried++;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CARRIED);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, path);
    lua_pop(L, 1);
    return true;
}

bool cache_page_begin(lua_State *L, const char *path, size_t plen) {
    Renderer *r = renderer_of(L);
    Tracker *t = &r->track;
    if (!t->nframes || !render_in_shard(r, path, plen)) return render_in_shard(r, path, plen);
    TrackFrame *top = &t->frames[t->nframes - 1];
    if (t->nframes > 1 && top->path) { /* a page left open: it keeps no record */
        TrackFrame f = frame_drop(t);
        free(f.units);
    } else if (t->nframes > 1) { /* inside memo() or import(): no page of its own */
        cache_uncacheable(r);
        return true;
    }
    Outside *o = r->output ? outside_of(r->cache, r->output, strlen(r->output)) : NULL;
    if (r->cache->old_ok && o && o->old_fresh && !o->broken && carry(L, r, path)) return false;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CARRIED);
    lua_pushlstring(L, path, plen);
    lua_pushnil(L);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    frame_push(t, arena_strndup(&r->cache->a, path, plen));
    return true;
}

void cache_page_end(Renderer *r, const char *path, const void *data, size_t len) {
    Tracker *t = &r->track;
    if (t->nframes < 2) return;
    TrackFrame *top = &t->frames[t->nframes - 1];
    if (!top->path || strcmp(top->path, path) != 0) return;
    TrackFrame f = frame_drop(t);
    if (!f.uncacheable) {
        unsigned char h[HASH];
        hash_bytes16(data, len, h);
        size_t n = unique(f.units, f.n);
        add_entry(r->cache, path, len, h, f.units, n);
        r->cache->made++;
    }
    free(f.units);
}

bool cache_carried(Renderer *r, const char *path) {
    if (!r->cache || !r->track.nframes) return false;
    lua_State *L = r->L;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_CARRIED);
    bool carried = lua_getfield(L, -1, path) == LUA_TBOOLEAN;
    lua_pop(L, 2);
    return carried;
}

/* ---- a build ------------------------------------------------------------------------- */

static int select_internal(lua_State *L) {
    luamodel_select(L, false);
    return 0;
}

bool cache_open(Renderer *r, OutDir *o) {
    if (!r->opts.cache || r->cache) return r->cache && r->cache->on;
    RenderCache *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    arena_init(&c->a);
    r->cache = c;
    bool own = r->opts.user_templates && model_has_templates(r->model);
    if (own || !make_key(r, c->key)) return false;
    bool was = r->public;
    if (sandbox_run(r, select_internal, r) != EXIT_CLEAN) return false;
    int rc = sandbox_run(r, units_protected, r);
    r->public = was;
    if (rc != EXIT_CLEAN) return false;
    r->track.nunits = c->nunits;
    r->track.stamp = xmalloc((c->nunits + 1) * sizeof *r->track.stamp);
    memset(r->track.stamp, 0, (c->nunits + 1) * sizeof *r->track.stamp);
    load_old(r, o ? o->final_path : NULL);
    c->on = true;
    return true;
}

void cache_run_begin(lua_State *L) {
    Renderer *r = renderer_of(L);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_CARRIED);
    frame_push(&r->track, NULL);
}

void cache_run_end(Renderer *r) {
    RenderCache *c = r->cache;
    while (r->track.nframes > 1) {
        TrackFrame f = frame_drop(&r->track);
        free(f.units);
    }
    if (!r->track.nframes) return;
    TrackFrame f = frame_drop(&r->track);
    Outside *o = outside_of(c, r->output, strlen(r->output));
    if (o) {
        outside_add(c, o, f.units, f.n);
        if (f.uncacheable) o->broken = true; /* what it read outside pages is not known */
    }
    free(f.units);
}

/* A child process's records: "P u,u,..." then "E path\tsize\thash\tu,u,...". */
void cache_send(Renderer *r, FILE *f) {
    RenderCache *c = r->cache;
    if (!c || !c->on) return;
    fprintf(f, "S %zu %zu\n", c->made, c->carried);
    for (size_t k = 0; k < c->nouts; k++) {
        const Outside *o = &c->outs[k];
        fprintf(f, "P %s %s", o->output, o->broken ? "!" : "");
        for (size_t i = 0; i < o->n; i++)
            fprintf(f, "%s%d", i ? "," : "", o->units[i]);
        fputc('\n', f);
    }
    for (size_t i = 0; i < c->nents; i++) {
        char hex[2 * HASH + 1];
        sodium_bin2hex(hex, sizeof hex, c->ents[i].hash, HASH);
        fprintf(f, "E %s\t%zu\t%s\t", c->ents[i].path, c->ents[i].size, hex);
        for (size_t k = 0; k < c->ents[i].n; k++)
            fprintf(f, "%s%d", k ? "," : "", c->ents[i].units[k]);
        fputc('\n', f);
    }
}

bool cache_receive(Renderer *r, FILE *f) {
    RenderCache *c = r->cache;
    if (!c || !c->on) return true;
    rewind(f);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool ok = true;
    bool *same = xmalloc((c->nunits + 1) * sizeof *same);
    int *map = xmalloc((c->nunits + 1) * sizeof *map);
    for (size_t i = 0; i < c->nunits; i++)
        same[i] = true, map[i] = (int)i;
    while (ok && (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n') line[--n] = 0;
        size_t k;
        bool fresh = true;
        size_t made, carried;
        if (n >= 2 && line[0] == 'S' && sscanf(line, "S %zu %zu", &made, &carried) == 2) {
            c->made += made;
            c->carried += carried;
        } else if (n >= 2 && line[0] == 'P') {
            char *name = line + 2, *sp = strchr(name, ' ');
            Outside *o = sp ? outside_of(c, name, (size_t)(sp - name)) : NULL;
            if (!o) {
                ok = false;
                break;
            }
            const char *list = sp + 1;
            if (*list == '!') {
                o->broken = true;
                list++;
            }
            int *u = parse_units(&c->a, list, strlen(list), map, same, c->nunits, &k, &fresh, &ok);
            if (ok) outside_add(c, o, u, k);
        } else if (n >= 2 && line[0] == 'E') {
            char *t1 = strchr(line + 2, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL,
                 *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
            unsigned char h[HASH];
            if (!t3 || !hex_decode(t2 + 1, (size_t)(t3 - t2 - 1), h)) {
                ok = false;
                break;
            }
            *t1 = 0;
            int *u =
                parse_units(&c->a, t3 + 1, strlen(t3 + 1), map, same, c->nunits, &k, &fresh, &ok);
            if (ok) add_entry(c, line + 2, (size_t)strtoull(t1 + 1, NULL, 10), h, u, k);
        } else {
            ok = false;
        }
    }
    free(line);
    free(same);
    free(map);
    if (!ok) fprintf(stderr, "dossier: a rendering process sent a broken cache record\n");
    return ok;
}

static int cmp_outside(const void *a, const void *b) {
    return strcmp((*(const Outside *const *)a)->output, (*(const Outside *const *)b)->output);
}

/* A list of units "3,17,40", written without printf (there are many). */
static void put_units(StrBuf *sb, const int *u, size_t n) {
    char buf[16];
    for (size_t i = 0; i < n; i++) {
        if (i) sb_putc(sb, ',');
        unsigned v = (unsigned)u[i];
        size_t k = sizeof buf;
        do
            buf[--k] = (char)('0' + v % 10);
        while ((v /= 10) != 0);
        sb_append(sb, buf + k, sizeof buf - k);
    }
}

bool cache_write(Renderer *r, OutDir *o) {
    RenderCache *c = r->cache;
    if (!c || !c->on) return true;
    qsort(c->ents, c->nents, sizeof *c->ents, cmp_entry);
    StrBuf sb;
    sb_init(&sb);
    char hex[2 * HASH + 1];
    sb_puts(&sb, MAGIC);
    sodium_bin2hex(hex, sizeof hex, c->key, HASH);
    sb_printf(&sb, "key %s\nunits %zu\n", hex, c->nunits);
    for (size_t i = 0; i < c->nunits; i++) {
        sodium_bin2hex(hex, sizeof hex, c->hash[i], HASH);
        sb_printf(&sb, "%s %s\n", hex, c->names[i]);
    }
    Outside
        *sorted[MAX_CACHED_OUTPUTS]; /* by name: the same file whatever the order of the outputs */
    for (size_t i = 0; i < c->nouts; i++)
        sorted[i] = &c->outs[i];
    qsort(sorted, c->nouts, sizeof *sorted, cmp_outside);
    for (size_t i = 0; i < c->nouts; i++) {
        Outside *out = sorted[i];
        out->n = unique(out->units, out->n);
        if (!out->n && !out->broken) continue; /* not rendered in this build */
        sb_printf(&sb, "outside %s ", out->output);
        if (out->broken)
            sb_putc(&sb, '!');
        else
            put_units(&sb, out->units, out->n);
        sb_putc(&sb, '\n');
    }
    size_t kept = 0;
    for (size_t i = 0; i < c->nents; i++) /* a path twice (never, but then: neither) */
        if (!((i + 1 < c->nents && strcmp(c->ents[i].path, c->ents[i + 1].path) == 0) ||
              (i && strcmp(c->ents[i].path, c->ents[i - 1].path) == 0)))
            c->ents[kept++] = c->ents[i];
    c->nents = kept;
    sb_printf(&sb, "pages %zu\n", c->nents);
    for (size_t i = 0; i < c->nents; i++) {
        sodium_bin2hex(hex, sizeof hex, c->ents[i].hash, HASH);
        sb_printf(&sb, "%s\t%zu\t%s\t", c->ents[i].path, c->ents[i].size, hex);
        put_units(&sb, c->ents[i].units, c->ents[i].n);
        sb_putc(&sb, '\n');
    }
    bool ok = outdir_write(o, CACHE_FILE, sb.data, sb.len);
    sb_free(&sb);
    return ok;
}

void cache_stats(const Renderer *r, size_t *made, size_t *carried) {
    *made = r->cache ? r->cache->made : 0;
    *carried = r->cache ? r->cache->carried : 0;
}

void cache_close(Renderer *r) {
    if (!r->cache) return;
    arena_free(&r->cache->a);
    free(r->cache);
    r->cache = NULL;
    for (size_t i = 0; i < r->track.nframes; i++)
        free(r->track.frames[i].units);
    free(r->track.frames);
    free(r->track.stamp);
    memset(&r->track, 0, sizeof r->track);
}
