/* lua_state.c: the sandbox of the render stage. One Lua state with a
 * memory cap (its allocator), an instruction budget (a count hook), an
 * allow-listed environment with deterministic pairs, tostring and sort,
 * read-only containers, and errors mapped to template path:line. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "renderer.h"

static const char KEY_GLOBALS = 0;   /* registry: the hidden table the environment reads */
static const char KEY_ENV = 0;       /* registry: the read-only environment */
static const char KEY_FROZEN = 0;    /* registry: metatable of read-only containers */
static const char NIL_MARK = 0;      /* a key that exists with no value */
static const char WITHHELD_MARK = 0; /* a key whose value a public output may not read */

enum { FROZEN_ENV = FROZEN_INDEX + 1 }; /* the environment: its own messages */

/* The first field of every read-only container: recognising one by it
 * and the block's size takes a fraction of a metatable lookup, and it is
 * asked on every read. Only this file makes userdata of this size that
 * start with it (the others the render stage makes start otherwise). */
static const uint64_t FROZEN_MAGIC = 0x646f737369657246ull; /* "dossierF" */

typedef struct Frozen {
    uint64_t magic;
    int kind;
    lua_Integer n; /* arrays: the length */
    const char *what;
    const void *ptr; /* the C object it stands for, if any */
    int unit;        /* cache.c: the dependency unit its content counts to, -1 none */
    int seq;         /* cache.c: its place among the tables of that unit */
} Frozen;

Renderer *renderer_of(lua_State *L) {
    return *(Renderer **)lua_getextraspace(L);
}

/* ---- limits ---------------------------------------------------------------- */

static int chunk_of_source(const char *source) {
    if (strncmp(source, "=tmpl#", 6) != 0) return -1;
    return atoi(source + 6);
}

/* Remembers the innermost template line on the stack: an out-of-memory
 * error unwinds without a message handler, so this is where it is shown.
 * Reading the stack allocates nothing, so the allocator may call this. */
static void sample_position(Renderer *r) {
    lua_Debug ar;
    for (int level = 0; level < 8 && lua_getstack(r->L, level, &ar); level++) {
        if (!lua_getinfo(r->L, "Sl", &ar)) continue;
        int chunk = chunk_of_source(ar.source);
        if (chunk >= 0 && ar.currentline > 0) {
            r->last_chunk = chunk;
            r->last_line = ar.currentline;
            return;
        }
    }
}

/* The allocator refuses to go over the cap; Lua then collects garbage and
 * retries once before raising "not enough memory". */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    Renderer *r = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        pool_free(&r->pool, ptr, old);
        r->mem_used -= old;
        return NULL;
    }
    if (nsize > old && r->mem_used + (nsize - old) > r->mem_cap) {
        if (r->L) sample_position(r);
        return NULL;
    }
    void *p = pool_realloc(&r->pool, ptr, old, nsize);
    r->sys_oom = !p; /* Lua collects and asks once more before it gives up */
    if (!p) return NULL;
    r->mem_used = r->mem_used - old + nsize;
    return p;
}

/* Every RENDER_HOOK_PERIOD instructions: count, remember where the run is
 * (an out-of-memory error carries no position of its own), and stop a run
 * over budget or near the memory cap with an error that has a traceback. */
static void sandbox_hook(lua_State *L, lua_Debug *ar) {
    Renderer *r = renderer_of(L);
    r->steps += RENDER_HOOK_PERIOD;
    if (lua_getinfo(L, "Sl", ar)) {
        int chunk = chunk_of_source(ar->source);
        if (chunk >= 0 && ar->currentline > 0) {
            r->last_chunk = chunk;
            r->last_line = ar->currentline;
        }
    }
    if (r->steps > r->budget) {
        lua_pushfstring(L, "instruction budget of %I instructions exceeded (an endless loop?)",
                        (lua_Integer)r->budget);
        lua_error(L);
    }
    if (r->mem_used > r->mem_cap - r->mem_cap / 16) {
        lua_pushfstring(L, "memory limit of %d MiB exceeded", renderer_limit_mib(r));
        lua_error(L);
    }
}

void sandbox_charge(lua_State *L, lua_Integer units, const char *what) {
    Renderer *r = renderer_of(L);
    unsigned long u = units > 0 ? (unsigned long)units : 0;
    r->steps = r->steps > ULONG_MAX - u ? ULONG_MAX : r->steps + u;
    if (r->steps > r->budget)
        luaL_error(L,
                   "%s: instruction budget of %I instructions exceeded (work done in C counts too)",
                   what, (lua_Integer)r->budget);
}

void sandbox_items(lua_State *L, lua_Integer n, const char *what) {
    Renderer *r = renderer_of(L);
    lua_Integer most = (lua_Integer)(r->mem_cap / 16);
    if (n > most)
        luaL_error(
            L, "%s: %I items is more than a table can hold under the memory limit of %d MiB (%I)",
            what, n, renderer_limit_mib(r), most);
    sandbox_charge(L, n, what);
}

/* The work of sorting n items: n log2 n comparisons. */
static lua_Integer sort_work(lua_Integer n) {
    lua_Integer log = 1;
    while (log < 63 && ((lua_Integer)1 << log) < n)
        log++;
    return n > 0 && n < LUA_MAXINTEGER / log ? n * log : n;
}

static int sandbox_panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    die("internal error: Lua error outside the sandbox: %s", msg ? msg : "?");
}

void sandbox_settle(lua_State *L) {
    lua_gc(L, LUA_GCINC, 0, 0, 0);
    lua_gc(L, LUA_GCGEN, 0, SANDBOX_GC_MAJOR);
}

bool sandbox_open(Renderer *r) {
    r->L = lua_newstate(sandbox_alloc, r);
    if (!r->L) return false;
    *(Renderer **)lua_getextraspace(r->L) = r;
    lua_atpanic(r->L, sandbox_panic);
    /* The instruction budget guards against the dossier's own templates
     * (and applies whenever --lua-budget is given). Lua 5.4 checks a count
     * hook at every VM instruction, which costs about 7% of a site build,
     * so with only the installation's templates, which are tested, there
     * is none; the memory cap holds either way (the allocator). */
    /* Generational collection: the model's tables live for the whole run
     * and most else dies with the page that made it, so young collections
     * seldom walk the model (site of 5,000 records: 7% less peak memory,
     * 1% fewer instructions than incremental). */
    lua_gc(r->L, LUA_GCGEN, 0, SANDBOX_GC_MAJOR);
    if (r->opts.instruction_budget > 0 || (r->opts.user_templates && model_has_templates(r->model)))
        lua_sethook(r->L, sandbox_hook, LUA_MASKCOUNT, RENDER_HOOK_PERIOD);
    r->last_chunk = -1;
    return true;
}

/* ---- errors ---------------------------------------------------------------- */

int sandbox_error_at(lua_State *L, int chunk, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    lua_pushfstring(L, "tmpl#%d:%d: ", chunk, line); /* +1 */
    lua_pushvfstring(L, fmt, ap);                    /* +1 */
    va_end(ap);
    lua_concat(L, 2);
    return lua_error(L);
}

/* Parses "tmpl#N:LINE: " at the start of msg. */
static const char *parse_position(const char *msg, int *chunk, int *line) {
    if (strncmp(msg, "tmpl#", 5) != 0) return NULL;
    char *end;
    long c = strtol(msg + 5, &end, 10);
    if (end == msg + 5 || *end != ':') return NULL;
    const char *p = end + 1;
    long l = strtol(p, &end, 10);
    if (end == p || *end != ':') return NULL;
    *chunk = (int)c;
    *line = (int)l;
    return end[1] == ' ' ? end + 2 : end + 1;
}

static void add_location(luaL_Buffer *b, const Renderer *r, int chunk, int line) {
    luaL_addstring(b, r->chunks[chunk].path);
    lua_pushfstring(b->L, ":%d", line); /* +1 */
    luaL_addvalue(b);                   /* -1 */
}

/* Appends msg with every "tmpl#N" replaced by the path of chunk N. */
static void add_message(luaL_Buffer *b, const Renderer *r, const char *msg) {
    const char *p = msg, *q;
    while ((q = strstr(p, "tmpl#")) != NULL) {
        char *end;
        long c = strtol(q + 5, &end, 10);
        luaL_addlstring(b, p, (size_t)(q - p));
        if (end > q + 5 && c >= 0 && (size_t)c < r->nchunks)
            luaL_addstring(b, r->chunks[c].path);
        else
            luaL_addlstring(b, q, (size_t)(end - q));
        p = end > q + 5 ? end : q + 5;
    }
    luaL_addstring(b, p);
}

typedef struct Frame {
    int chunk, line;
} Frame;

/* The deepest level on the stack, found the way luaL_traceback does. */
static int last_level(lua_State *L) {
    lua_Debug ar;
    int li = 1, le = 1;
    while (lua_getstack(L, le, &ar)) {
        li = le;
        le *= 2;
    }
    while (li < le) {
        int m = (li + le) / 2;
        if (lua_getstack(L, m, &ar))
            li = m + 1;
        else
            le = m;
    }
    return le - 1;
}

/* Collects the template frames of the stack, innermost first, repeats
 * merged; a deep stack (recursion) gives its first and last levels only. */
static size_t collect_frames(lua_State *L, Frame *out, size_t max) {
    enum { FIRST = 16, LAST = 16 };
    int last = last_level(L);
    size_t n = 0;
    for (int level = 0; level <= last && n < max; level++) {
        if (level == FIRST && last - LAST > FIRST) level = last - LAST;
        lua_Debug ar;
        if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "Sl", &ar)) continue;
        int chunk = chunk_of_source(ar.source);
        if (chunk < 0 || ar.currentline <= 0) continue;
        if (n && out[n - 1].chunk == chunk && out[n - 1].line == ar.currentline) continue;
        out[n++] = (Frame){chunk, ar.currentline};
    }
    return n;
}

/* The message handler: turns the error into the text the user sees,
 * "path:line: error: message" and one "  from path:line" per template
 * frame above it, while the stack is still there to read. */
static int message_handler(lua_State *L) {
    Renderer *r = renderer_of(L);
    const char *msg = lua_tostring(L, 1);
    if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    Frame frames[24];
    size_t nframes = collect_frames(L, frames, sizeof frames / sizeof frames[0]);
    int chunk = -1, line = 0;
    size_t from = 0;
    const char *rest = parse_position(msg, &chunk, &line);
    if (rest && (chunk < 0 || (size_t)chunk >= r->nchunks)) rest = NULL;
    if (rest) {
        if (nframes && frames[0].chunk == chunk && frames[0].line == line) from = 1;
    } else if (nframes) {
        rest = msg;
        chunk = frames[0].chunk;
        line = frames[0].line;
        from = 1;
    } else {
        rest = msg;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (chunk >= 0)
        add_location(&b, r, chunk, line);
    else
        luaL_addstring(&b, "dossier");
    luaL_addstring(&b, ": error: ");
    add_message(&b, r, rest);
    for (size_t i = from; i < nframes; i++) {
        luaL_addstring(&b, "\n  from ");
        add_location(&b, r, frames[i].chunk, frames[i].line);
    }
    luaL_pushresult(&b);
    return 1;
}

static void print_located(const Renderer *r, const char *what) {
    if (r->last_chunk >= 0 && (size_t)r->last_chunk < r->nchunks)
        fprintf(stderr, "%s:%d: error: %s\n", r->chunks[r->last_chunk].path, r->last_line, what);
    else
        fprintf(stderr, "dossier: error: %s\n", what);
}

int sandbox_run(Renderer *r, lua_CFunction f, void *arg) {
    lua_State *L = r->L;
    lua_settop(L, 0);
    lua_pushcfunction(L, message_handler);
    lua_pushcfunction(L, f);
    lua_pushlightuserdata(L, arg);
    int status = lua_pcall(L, 1, 0, 1);
    int rc = EXIT_CLEAN;
    if (status == LUA_ERRMEM && r->sys_oom) {
        fprintf(stderr,
                "dossier: out of memory: the system gave the templates no more "
                "(%zu MiB in use)\n",
                r->mem_used >> 20);
        rc = EXIT_USAGE;
    } else if (status == LUA_ERRMEM) {
        char what[64];
        snprintf(what, sizeof what, "memory limit of %d MiB exceeded", renderer_limit_mib(r));
        print_located(r, what);
        rc = EXIT_TEMPLATE;
    } else if (status == LUA_ERRERR) {
        print_located(r, "stack overflow (an endless recursion?)");
        rc = EXIT_TEMPLATE;
    } else if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        fprintf(stderr, "%s\n", msg ? msg : "dossier: error: unknown template error");
        rc = EXIT_TEMPLATE;
    }
    if (status != LUA_OK && r->io_failed) rc = EXIT_USAGE;
    lua_settop(L, 0);
    return rc;
}

/* ---- stable sorting -------------------------------------------------------- */

/* Lua's own table.sort picks random pivots and is not stable: equal
 * elements could come out in a different order on each run. */
typedef bool (*LessFn)(lua_State *L, int a, int b, int cmp);

static bool less_default(lua_State *L, int a, int b, int cmp) {
    (void)cmp;
    return lua_compare(L, a, b, LUA_OPLT);
}

static bool less_call(lua_State *L, int a, int b, int cmp) {
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    lua_pushvalue(L, cmp); /* +1 the comparator */
    lua_pushvalue(L, a);   /* +1 */
    lua_pushvalue(L, b);   /* +1 */
    lua_call(L, 2, 1);     /* -3 +1 */
    bool less = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return less;
}

static int key_rank(lua_State *L, int i) {
    switch (lua_type(L, i)) {
    case LUA_TNUMBER:
        return 0;
    case LUA_TSTRING:
        return 1;
    case LUA_TBOOLEAN:
        return 2;
    default:
        return luaL_error(L, "pairs: keys of type %s have no order", luaL_typename(L, i));
    }
}

/* Numbers, then strings (bytewise), then false and true. */
static bool less_key(lua_State *L, int a, int b, int cmp) {
    (void)cmp;
    int ra = key_rank(L, a), rb = key_rank(L, b);
    if (ra != rb) return ra < rb;
    if (ra == 2) return !lua_toboolean(L, a) && lua_toboolean(L, b);
    if (ra == 0) return lua_compare(L, a, b, LUA_OPLT);
    size_t la, lb;
    const char *sa = lua_tolstring(L, a, &la), *sb = lua_tolstring(L, b, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    return c < 0 || (c == 0 && la < lb);
}

/* Sorts items 1..n of the plain table at t, stably (bottom-up merge sort
 * through a second table). */
static void stable_sort(lua_State *L, int t, lua_Integer n, LessFn less, int cmp) {
    t = lua_absindex(L, t);
    if (cmp) cmp = lua_absindex(L, cmp);
    lua_createtable(L, n > 0 && n < INT32_MAX ? (int)n : 0, 0); /* +1 the other half */
    int src = t, dst = lua_gettop(L);
    for (lua_Integer width = 1; width < n; width *= 2) {
        for (lua_Integer lo = 1; lo <= n; lo += 2 * width) {
            lua_Integer mid = lo + width <= n + 1 ? lo + width : n + 1;
            lua_Integer hi = lo + 2 * width <= n + 1 ? lo + 2 * width : n + 1;
            lua_Integer i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                lua_rawgeti(L, src, i); /* +1 left */
                lua_rawgeti(L, src, j); /* +1 right */
                if (less(L, -1, -2, cmp)) {
                    lua_rawseti(L, dst, k++); /* -1 right */
                    lua_pop(L, 1);
                    j++;
                } else {
                    lua_pop(L, 1);
                    lua_rawseti(L, dst, k++); /* -1 left */
                    i++;
                }
            }
            for (; i < mid; i++) {
                lua_rawgeti(L, src, i);
                lua_rawseti(L, dst, k++);
            }
            for (; j < hi; j++) {
                lua_rawgeti(L, src, j);
                lua_rawseti(L, dst, k++);
            }
        }
        int tmp = src;
        src = dst;
        dst = tmp;
    }
    if (src != t)
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, src, i);
            lua_rawseti(L, t, i);
        }
    lua_pop(L, 1);
}

/* Copies t[1..#t] (metamethods honoured) into a new plain table, after
 * sandbox_items: # of a table can be 2^61 (t[1], t[2], t[4] ... t[2^61]). */
static lua_Integer push_copy(lua_State *L, int t, const char *what) {
    lua_Integer n = luaL_len(L, t);
    sandbox_items(L, n, what);
    sandbox_charge(L, sort_work(n), what);
    lua_createtable(L, n > 0 && n < INT32_MAX ? (int)n : 0, 0); /* +1 */
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, t, i);     /* +1 */
        lua_rawseti(L, -2, i); /* -1 */
    }
    return n;
}

/* Pushes a copy of the array argument 1 sorted, stably, by the function
 * argument 2 when given, else by <; returns its length. */
static lua_Integer push_sorted(lua_State *L, const char *what) {
    luaL_checkany(L, 1);
    int cmp = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TFUNCTION);
        cmp = 2;
    }
    lua_Integer n = push_copy(L, 1, what); /* +1 */
    stable_sort(L, -1, n, cmp ? less_call : less_default, cmp);
    return n;
}

/* table.sort(t [, less]): stable, in place. */
static int f_table_sort(lua_State *L) {
    lua_Integer n = push_sorted(L, "table.sort"); /* +1 */
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i); /* +1 */
        lua_seti(L, 1, i);     /* -1 */
    }
    return 0;
}

/* sorted(t [, less]): a sorted copy of an array (read-only ones too). */
static int f_sorted(lua_State *L) {
    push_sorted(L, "sorted"); /* +1 */
    return 1;
}

/* ---- deterministic replacements of base functions ----------------------- */

/* For an iterator closure over a sorted list of keys (upvalue 1) and the
 * count so far (upvalue 2): counts one on and pushes the next key, false
 * when it is nil (the end). */
static bool push_next_key(lua_State *L) {
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
    lua_pushinteger(L, i);
    lua_copy(L, -1, lua_upvalueindex(2));
    lua_pop(L, 1);
    return lua_rawgeti(L, lua_upvalueindex(1), i) != LUA_TNIL; /* +1 key */
}

static int sorted_keys_next(lua_State *L) {
    if (!push_next_key(L)) return 1; /* +1 key */
    lua_pushvalue(L, -1);
    lua_gettable(L, 1); /* +1 value */
    return 2;
}

/* Pushes an iterator over the keys of table (or frozen hidden table) t in
 * sorted order, skipping keys marked as having no value. */
static void push_sorted_iterator(lua_State *L, int t) {
    t = lua_absindex(L, t);
    lua_newtable(L); /* +1 keys */
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) { /* +1 value */
        bool absent = lua_touserdata(L, -1) == &NIL_MARK || lua_touserdata(L, -1) == &WITHHELD_MARK;
        lua_pop(L, 1);
        if (absent) continue;
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, ++n);
    }
    sandbox_charge(L, sort_work(n), "pairs");
    stable_sort(L, -1, n, less_key, 0);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, sorted_keys_next, 2); /* -2 +1 */
}

/* pairs(t): sorted keys, so output never depends on Lua's hash order. */
static int f_pairs(lua_State *L) {
    if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) { /* +1 */
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    push_sorted_iterator(L, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* tostring(v): never an address, which changes from run to run. */
static int f_tostring(lua_State *L) {
    luaL_checkany(L, 1);
    int t = lua_type(L, 1);
    if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TUSERDATA || t == LUA_TTHREAD ||
        t == LUA_TLIGHTUSERDATA) {
        if (luaL_getmetafield(L, 1, "__tostring") == LUA_TNIL) {
            lua_pushstring(L, frozen_kind(L, 1) >= 0 ? "table" : lua_typename(L, t));
            return 1;
        }
        lua_pop(L, 1);
    }
    luaL_tolstring(L, 1, NULL);
    return 1;
}

/* type(v): read-only containers are tables as far as templates go. */
static int f_type(lua_State *L) {
    luaL_checkany(L, 1);
    lua_pushstring(L, frozen_kind(L, 1) >= 0 ? "table" : luaL_typename(L, 1));
    return 1;
}

/* Calls the library's own function (upvalue 1) with the arguments as
 * they are; returns what it returns. */
static int call_original(lua_State *L) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1)); /* +1 */
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET); /* -(n + 1) +results */
    return lua_gettop(L);
}

/* string.format without %p and without tables or functions as arguments:
 * both would print an address. */
static int f_string_format(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    for (const char *p = fmt; (p = strchr(p, '%')) != NULL;) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        p += strspn(p, "-+ #0123456789.");
        if (*p == 'p')
            return luaL_error(L, "string.format: %%p is not allowed (addresses change every run)");
    }
    int n = lua_gettop(L);
    for (int i = 2; i <= n; i++) {
        int t = lua_type(L, i);
        if (t != LUA_TTABLE && t != LUA_TFUNCTION && t != LUA_TUSERDATA && t != LUA_TTHREAD)
            continue;
        if (luaL_getmetafield(L, i, "__tostring") != LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        return luaL_error(L, "string.format: argument #%d is a %s", i, luaL_typename(L, i));
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, 1);
    return 1;
}

/* string.rep(s, n [, sep]): refused up front when the result cannot fit
 * under the cap; its n copies charged to the budget. Nothing to copy
 * gives "" at once: Lua's own loops n times even then, and with n =
 * math.maxinteger it never ends. */
static int f_string_rep(lua_State *L) {
    Renderer *r = renderer_of(L);
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    double total = ((double)l + (double)lsep) * (double)n;
    double room = (double)(r->mem_cap - r->mem_used);
    if (total > room)
        return luaL_error(L, "string.rep: %f bytes would exceed the memory limit of %d MiB", total,
                          renderer_limit_mib(r));
    sandbox_charge(L, n, "string.rep");
    return call_original(L);
}

/* string.pack(fmt, ...): an item "c<n>" pads its string to n bytes one
 * byte at a time (n up to 2^31), so the padding is checked against the
 * cap and charged first; the digits after every 'c' count, an upper
 * bound whatever the options around them. */
static int f_string_pack(lua_State *L) {
    Renderer *r = renderer_of(L);
    size_t len;
    const char *fmt = luaL_checklstring(L, 1, &len);
    double total = 0;
    for (size_t i = 0; i < len; i++) {
        if (fmt[i] != 'c') continue;
        double n = 0;
        while (i + 1 < len && fmt[i + 1] >= '0' && fmt[i + 1] <= '9')
            n = n * 10 + (fmt[++i] - '0');
        total += n;
    }
    if (total > (double)(r->mem_cap - r->mem_used))
        return luaL_error(L, "string.pack: %f bytes would exceed the memory limit of %d MiB", total,
                          renderer_limit_mib(r));
    sandbox_charge(L, (lua_Integer)total, "string.pack");
    return call_original(L);
}

/* ---- table functions whose loops run in C -------------------------------- */

/* Items from i to j, both included: none when j < i. */
static lua_Integer span(lua_Integer i, lua_Integer j) {
    if (j < i) return 0;
    lua_Unsigned n = (lua_Unsigned)j - (lua_Unsigned)i + 1u;
    return n > (lua_Unsigned)LUA_MAXINTEGER || n == 0 ? LUA_MAXINTEGER : (lua_Integer)n;
}

/* Whether the value at idx has a length Lua's table functions would take:
 * otherwise they raise their own argument error, left to them. */
static bool has_len(lua_State *L, int idx) {
    if (lua_type(L, idx) == LUA_TTABLE) return true;
    if (luaL_getmetafield(L, idx, "__len") == LUA_TNIL) return false; /* +1 when found */
    lua_pop(L, 1);
    return true;
}

/* table.move(a1, f, e, t [, a2]): moves e - f + 1 items. */
static int f_table_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    sandbox_items(L, span(f, e), "table.move");
    return call_original(L);
}

/* table.insert(t, pos, v) shifts #t - pos + 1 items up. */
static int f_table_insert(lua_State *L) {
    if (lua_gettop(L) == 3 && has_len(L, 1)) {
        lua_Integer pos = luaL_checkinteger(L, 2), e = luaL_len(L, 1);
        sandbox_items(L, span(pos, e), "table.insert");
    }
    return call_original(L);
}

/* table.remove(t [, pos]) shifts #t - pos items down. */
static int f_table_remove(lua_State *L) {
    if (has_len(L, 1)) {
        lua_Integer size = luaL_len(L, 1), pos = luaL_optinteger(L, 2, size);
        sandbox_items(L, span(pos, size), "table.remove");
    }
    return call_original(L);
}

/* table.concat(t [, sep [, i [, j]]]) and table.unpack(t [, i [, j]]):
 * items i to j (j = #t by default). */
static int items_from(lua_State *L, int arg, const char *what) {
    if (has_len(L, 1)) {
        lua_Integer i = luaL_optinteger(L, arg, 1);
        lua_Integer j =
            lua_isnoneornil(L, arg + 1) ? luaL_len(L, 1) : luaL_checkinteger(L, arg + 1);
        sandbox_items(L, span(i, j), what);
    }
    return call_original(L);
}

static int f_table_concat(lua_State *L) {
    return items_from(L, 3, "table.concat");
}

static int f_table_unpack(lua_State *L) {
    return items_from(L, 2, "table.unpack");
}

/* ---- read-only containers -------------------------------------------------- */

void frozen_push_nil(lua_State *L) {
    lua_pushlightuserdata(L, (void *)&NIL_MARK);
}

void frozen_push_withheld(lua_State *L) {
    lua_pushlightuserdata(L, (void *)&WITHHELD_MARK);
}

static const Frozen *as_frozen(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TUSERDATA || lua_rawlen(L, idx) != sizeof(Frozen)) return NULL;
    const Frozen *f = lua_touserdata(L, idx);
    return f->magic == FROZEN_MAGIC ? f : NULL;
}

int frozen_kind(lua_State *L, int idx) {
    const Frozen *f = as_frozen(L, idx);
    return f ? f->kind : -1;
}

void frozen_push_hidden(lua_State *L, int idx) {
    lua_getiuservalue(L, idx, 1);
}

void frozen_set_ptr(lua_State *L, int idx, const void *ptr) {
    ((Frozen *)lua_touserdata(L, idx))->ptr = ptr;
}

const void *frozen_ptr(lua_State *L, int idx) {
    const Frozen *f = as_frozen(L, idx);
    return f ? f->ptr : NULL;
}

int frozen_unit(lua_State *L, int idx, int *seq) {
    const Frozen *f = as_frozen(L, idx);
    if (!f) return -1;
    if (seq) *seq = f->seq;
    return f->unit;
}

void frozen_set_unit(lua_State *L, int idx, int unit, int seq) {
    Frozen *f = lua_touserdata(L, idx);
    f->unit = unit;
    f->seq = seq;
}

int frozen_mark(lua_State *L, int idx) {
    const void *p = lua_touserdata(L, idx);
    return p == &NIL_MARK ? 1 : p == &WITHHELD_MARK ? 2 : 0;
}

/* A read of f's content: the page being made depends on its unit (a
 * record's header or the rest of it by the key read). */
static void touch(lua_State *L, const Frozen *f, int key) {
    Renderer *r = renderer_of(L);
    if (!r->track.nframes || f->unit < 0) return;
    int unit = f->unit;
    if (f->kind == FROZEN_RECORD &&
        !(key && lua_type(L, key) == LUA_TSTRING && cache_header_key(lua_tostring(L, key))))
        unit++;
    track_touch(&r->track, unit);
}

void frozen_wrap(lua_State *L, FrozenKind kind, const char *what) {
    lua_Integer n = kind == FROZEN_ARRAY ? (lua_Integer)lua_rawlen(L, -1) : 0;
    Frozen *f = lua_newuserdatauv(L, sizeof *f, 2); /* +1 */
    f->magic = FROZEN_MAGIC;
    f->kind = (int)kind;
    f->n = n;
    f->what = what;
    f->ptr = NULL;
    f->unit = -1;
    f->seq = 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_FROZEN); /* +1 */
    lua_setmetatable(L, -2);                        /* -1 */
    lua_pushvalue(L, -2);                           /* +1 the table */
    lua_setiuservalue(L, -2, 1);                    /* -1 */
    lua_remove(L, -2);                              /* -1 the table */
}

static int f_frozen_index(lua_State *L) {
    Frozen *f = lua_touserdata(L, 1);
    touch(L, f, 2);
    lua_getiuservalue(L, 1, 1); /* +1 hidden */
    if (f->kind == FROZEN_ARRAY) {
        int isint;
        lua_Integer i = lua_tointegerx(L, 2, &isint);
        if (!isint) {
            if (lua_type(L, 2) == LUA_TSTRING)
                return luaL_error(L, "%s is an array: it has no field '%s' (use ipairs or #)",
                                  f->what, lua_tostring(L, 2));
            return luaL_error(L, "%s is an array: index it with whole numbers", f->what);
        }
        if (i < 1 || i > f->n) return 0;
        lua_rawgeti(L, -1, i);
        return 1;
    }
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) == LUA_TNIL && f->kind != FROZEN_INDEX) { /* +1 */
        const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
        if (f->kind == FROZEN_ENV) return luaL_error(L, "undefined name '%s'", key);
        if (f->kind == FROZEN_RECORD && strcmp(key, "body") == 0)
            return luaL_error(
                L,
                "%s has no field 'body': use markdown(record, page) for the HTML of its "
                "prose, or body_markdown for the source",
                f->what);
        return luaL_error(L, "%s has no field '%s'", f->what, key);
    }
    if (lua_touserdata(L, -1) == &NIL_MARK) return 0;
    if (lua_touserdata(L, -1) == &WITHHELD_MARK)
        return luaL_error(L, "%s: '%s' is internal: the public output '%s' cannot use it", f->what,
                          lua_tostring(L, 2),
                          renderer_of(L)->output ? renderer_of(L)->output : "?");
    return 1;
}

static int f_frozen_newindex(lua_State *L) {
    Frozen *f = lua_touserdata(L, 1);
    if (f->kind == FROZEN_ENV)
        return luaL_error(L, "assignment to global '%s' (declare it local)",
                          luaL_optstring(L, 2, "?"));
    return luaL_error(L, "%s is read-only", f->what);
}

static int f_frozen_len(lua_State *L) {
    Frozen *f = lua_touserdata(L, 1);
    touch(L, f, 0);
    if (f->kind != FROZEN_ARRAY)
        return luaL_error(L, "%s is not an array: # needs an array", f->what);
    lua_pushinteger(L, f->n);
    return 1;
}

static int array_next(lua_State *L) {
    Frozen *f = lua_touserdata(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (i > f->n) return 0;
    lua_pushinteger(L, i);
    lua_getiuservalue(L, 1, 1);
    lua_rawgeti(L, -1, i);
    lua_remove(L, -2);
    return 2;
}

/* Keys of a map come out sorted; the sorted list is made once and kept
 * as the second user value. */
static int map_next(lua_State *L) {
    if (!push_next_key(L)) return 1; /* +1 key */
    lua_getiuservalue(L, 1, 1);      /* +1 hidden */
    lua_pushvalue(L, -2);
    lua_rawget(L, -2); /* +1 value */
    lua_remove(L, -2);
    return 2;
}

static int f_frozen_pairs(lua_State *L) {
    Frozen *f = lua_touserdata(L, 1);
    touch(L, f, 0);
    if (f->kind == FROZEN_RECORD && renderer_of(L)->track.nframes && f->unit >= 0)
        track_touch(&renderer_of(L)->track, f->unit); /* both halves */
    if (f->kind == FROZEN_ARRAY) {
        lua_pushcfunction(L, array_next);
        lua_pushvalue(L, 1);
        lua_pushinteger(L, 0);
        return 3;
    }
    if (lua_getiuservalue(L, 1, 2) == LUA_TNIL) { /* +1 cached keys */
        lua_pop(L, 1);
        lua_getiuservalue(L, 1, 1);  /* +1 hidden */
        push_sorted_iterator(L, -1); /* +1 closure(keys, 0) */
        lua_getupvalue(L, -1, 1);    /* +1 keys */
        lua_setiuservalue(L, 1, 2);  /* -1 */
        lua_pop(L, 2);
        lua_getiuservalue(L, 1, 2);
    }
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, map_next, 2); /* -2 +1 */
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int f_frozen_tostring(lua_State *L) {
    Frozen *f = lua_touserdata(L, 1);
    if (f->kind == FROZEN_RECORD) {
        if (renderer_of(L)->track.nframes && f->unit >= 0)
            track_touch(&renderer_of(L)->track, f->unit);
        lua_getiuservalue(L, 1, 1);
        lua_getfield(L, -1, "id");
        return 1;
    }
    if (f->kind == FROZEN_ARRAY)
        lua_pushfstring(L, "%s (%I items)", f->what, f->n);
    else
        lua_pushstring(L, f->what);
    return 1;
}

static const luaL_Reg frozen_meta[] = {
    {"__index", f_frozen_index}, {"__newindex", f_frozen_newindex}, {"__len", f_frozen_len},
    {"__pairs", f_frozen_pairs}, {"__tostring", f_frozen_tostring}, {NULL, NULL},
};

/* ---- the environment -------------------------------------------------------- */

/* What templates may use of the standard libraries: nothing that reaches
 * files, the process, the loader, the garbage collector, metatables or
 * randomness. Names not listed do not exist for templates. */
static const char *const base_allowed[] = {"assert", "error", "ipairs", "select", "tonumber", NULL};
static const char *const string_allowed[] = {"byte", "char",   "find",  "gmatch",   "gsub",
                                             "len",  "lower",  "match", "packsize", "reverse",
                                             "sub",  "unpack", "upper", NULL};
static const char *const table_allowed[] = {"pack", NULL};
static const char *const math_allowed[] = {
    "abs", "ceil",       "exp",  "floor", "fmod", "huge",      "log",  "max", "maxinteger",
    "min", "mininteger", "modf", "pi",    "sqrt", "tointeger", "type", "ult", NULL};
static const char *const utf8_allowed[] = {"char", "charpattern", "codepoint", "codes",
                                           "len",  "offset",      NULL};

/* Copies the listed fields of the table at src into the table on top. */
static void copy_fields(lua_State *L, int src, const char *const *names) {
    for (const char *const *n = names; *n; n++) {
        lua_getfield(L, src, *n); /* +1 */
        lua_setfield(L, -2, *n);  /* -1 */
    }
}

/* Opens library name into the real globals and pushes it. */
static void open_lib(lua_State *L, const char *name, lua_CFunction open) {
    luaL_requiref(L, name, open, 1); /* +1 */
}

void sandbox_init(lua_State *L) {
    open_lib(L, LUA_GNAME, luaopen_base);
    int base = lua_gettop(L);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    int string = lua_gettop(L);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    int table = lua_gettop(L);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    int math = lua_gettop(L);
    open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
    int utf8 = lua_gettop(L);

    luaL_newmetatable(L, "read-only table"); /* +1 */
    luaL_setfuncs(L, frozen_meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_FROZEN); /* -1 */

    lua_newtable(L); /* +1 the hidden globals */
    int g = lua_gettop(L);
    copy_fields(L, base, base_allowed);
    lua_pushcfunction(L, f_pairs);
    lua_setfield(L, g, "pairs");
    lua_pushcfunction(L, f_tostring);
    lua_setfield(L, g, "tostring");
    lua_pushcfunction(L, f_type);
    lua_setfield(L, g, "type");
    lua_pushcfunction(L, f_sorted);
    lua_setfield(L, g, "sorted");

    lua_newtable(L); /* +1 string, as templates see it */
    copy_fields(L, string, string_allowed);
    lua_getfield(L, string, "format");
    lua_pushcclosure(L, f_string_format, 1);
    lua_setfield(L, -2, "format");
    lua_getfield(L, string, "rep");
    lua_pushcclosure(L, f_string_rep, 1);
    lua_setfield(L, -2, "rep");
    lua_getfield(L, string, "pack");
    lua_pushcclosure(L, f_string_pack, 1);
    lua_setfield(L, -2, "pack");
    /* Methods on strings ("x"):upper() read this table, not the library
     * (which has dump); and getmetatable("") gives nothing away. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1); /* +1 the string metatable */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    frozen_wrap(L, FROZEN_MAP, "the string library");
    lua_setfield(L, g, "string"); /* -1 */

    lua_newtable(L);
    copy_fields(L, table, table_allowed);
    lua_pushcfunction(L, f_table_sort);
    lua_setfield(L, -2, "sort");
    /* the others that loop in C, each charged for its items first */
    static const luaL_Reg table_bounded[] = {
        {"concat", f_table_concat}, {"insert", f_table_insert}, {"move", f_table_move},
        {"remove", f_table_remove}, {"unpack", f_table_unpack}, {NULL, NULL},
    };
    for (const luaL_Reg *f = table_bounded; f->name; f++) {
        lua_getfield(L, table, f->name); /* +1 Lua's own */
        lua_pushcclosure(L, f->func, 1); /* -1 +1 */
        lua_setfield(L, -2, f->name);    /* -1 */
    }
    frozen_wrap(L, FROZEN_MAP, "the table library");
    lua_setfield(L, g, "table");

    lua_newtable(L);
    copy_fields(L, math, math_allowed);
    frozen_wrap(L, FROZEN_MAP, "the math library");
    lua_setfield(L, g, "math");

    lua_newtable(L);
    copy_fields(L, utf8, utf8_allowed);
    frozen_wrap(L, FROZEN_MAP, "the utf8 library");
    lua_setfield(L, g, "utf8");

    lua_pushvalue(L, g);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_GLOBALS);
    lua_pushvalue(L, g);
    frozen_wrap(L, FROZEN_MAP, "the environment");
    ((Frozen *)lua_touserdata(L, -1))->kind = FROZEN_ENV;
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_ENV);
    lua_settop(L, base - 1);
}

void sandbox_push_env(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_ENV);
}

void sandbox_push_globals(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_GLOBALS);
}

void sandbox_set_global(lua_State *L, const char *name, lua_CFunction f) {
    sandbox_push_globals(L);   /* +1 */
    lua_pushcfunction(L, f);   /* +1 */
    lua_setfield(L, -2, name); /* -1 */
    lua_pop(L, 1);
}
