/* base.h: the layer every stage stands on: arena, strings, string builder,
 * source locations, diagnostics, files, dates and natural ID order.
 * Implemented in arena.c, strbuf.c, diag.c, fs.c, util.c, hashmap.c,
 * outdir.c, workers.c, heap.c, threads.c.
 * Out of memory aborts with a message, so no caller checks for NULL. */
#ifndef DOSSIER_BASE_H
#define DOSSIER_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(a, b)
#define NORETURN
#endif

/* Exit codes of the tool, documented once here and in docs/dossier.1. */
enum {
    EXIT_CLEAN = 0,    /* no finding at or above the failing level */
    EXIT_FINDINGS = 1, /* findings at or above the failing level */
    EXIT_USAGE = 2,    /* usage, I/O or other system error */
    EXIT_TEMPLATE = 3, /* a template failed: syntax, runtime, sandbox */
};

/* ---- arena.c ---------------------------------------------------------- */

/* A bump allocator: everything allocated from it lives until arena_free.
 * One arena per run owns the model; scratch arenas are reset per file. */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;
    size_t total; /* bytes handed out, for the benchmark */
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
/* Frees everything but keeps the newest block for what comes next: a
 * scratch arena used once per item costs no malloc per item. */
void arena_reset(Arena *a);
/* Returns zeroed memory aligned for any type; never NULL. */
void *arena_alloc(Arena *a, size_t size);
/* Copies n bytes and a terminating NUL into the arena. */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Grows an arena-owned array: returns a copy of old with room for newcap items. */
void *arena_grow(Arena *a, void *old, size_t oldcap, size_t newcap, size_t itemsize);

/* Heap helpers that abort on out of memory (for library-adjacent code). */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* malloc's heap set up for a build (heap.c): heap_start once, before the
 * input is read; heap_grown after taking a large block, to mark what the
 * heap gained for transparent huge pages. */
void heap_start(void);
void heap_grown(void);

/* fn(ctx, i, thread) for every i below n, by up to `threads` threads at
 * once, the caller among them (threads.c); thread numbers the one running
 * it (0 to threads_clamp(threads) - 1), for state of its own. fn may touch
 * nothing but item i and its thread's state: no arena, pool or die(). */
void threads_each(size_t n, int threads, void (*fn)(void *ctx, size_t i, int thread), void *ctx);
int threads_clamp(int threads);

/* ---- pool.c ------------------------------------------------------------ */

/* Small blocks (up to POOL_MAX_SMALL bytes) in size classes, reused after
 * pool_free; the caller says each block's size. Zero-initialise a Pool. */
enum { POOL_MAX_SMALL = 512 };
typedef struct Pool {
    void *free[POOL_MAX_SMALL / 16]; /* a free list per class */
    char *cur, *end;                 /* the rest of the newest slab */
    void **slabs;
    size_t nslabs, slab_cap;
} Pool;

void *pool_alloc(Pool *p, size_t n);
void pool_free(Pool *p, void *b, size_t n);
void *pool_realloc(Pool *p, void *b, size_t old, size_t n);
/* After a fork, in each process: later blocks come from fresh slabs. The
 * free lists' blocks lie on pages the processes share; a block taken from
 * them and written would make the system copy its whole page. */
void pool_forked(Pool *p);
void pool_destroy(Pool *p);

/* ---- strbuf.c --------------------------------------------------------- */

/* A growable byte buffer on the C heap; always NUL-terminated. */
typedef struct StrBuf {
    char *data;
    size_t len, cap;
} StrBuf;

void sb_init(StrBuf *sb);
void sb_free(StrBuf *sb);
void sb_reset(StrBuf *sb);
void sb_append(StrBuf *sb, const char *s, size_t n);
void sb_puts(StrBuf *sb, const char *s);
void sb_putc(StrBuf *sb, char c);
void sb_printf(StrBuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
/* Escapers append s (n bytes) escaped for the named context. */
void sb_escape_html(StrBuf *sb, const char *s, size_t n);
void sb_escape_xml(StrBuf *sb, const char *s, size_t n);
void sb_escape_json(StrBuf *sb, const char *s, size_t n); /* without quotes */
void sb_json_string(StrBuf *sb, const char *s);           /* with quotes */
void sb_escape_csv(StrBuf *sb, const char *s);            /* RFC 4180 field */
/* For a terminal: every byte a terminal could obey instead of showing
 * (C0 controls, DEL, C1 controls, ESC) and every byte of malformed UTF-8
 * as a visible escape: \n \r \t, \u0085 for C1, else \x1b; the line
 * feed kept when keep_newlines (a multi-line report). Backslashes as they are. */
void sb_escape_text(StrBuf *sb, const char *s, size_t n, bool keep_newlines);

/* ---- diag.c ----------------------------------------------------------- */

/* Where a loaded value came from. path is relative to the dossier root
 * when inside it; line and col are 1-based, 0 when unknown. */
typedef struct SrcLoc {
    const char *path;
    int line, col;
} SrcLoc;

typedef enum Severity { SEV_NOTE = 0, SEV_WARNING = 1, SEV_ERROR = 2, SEV_NONE = 3 } Severity;

/* One finding: a problem in the input or a gap in the dossier. */
typedef struct Finding {
    SrcLoc loc;
    Severity severity;
    const char *rule;    /* stable rule ID, see model/rules.def */
    const char *message; /* one sentence, no trailing period */
    const char *record;  /* ID of the record concerned, or NULL */
} Finding;

/* The one sink every stage reports into. Owns copies of everything. */
typedef struct Diag {
    Arena arena;
    Finding *items;
    size_t n, cap;
    const char *root; /* dossier root, to shorten paths */
} Diag;

void diag_init(Diag *d);
void diag_free(Diag *d);
/* Records a finding; path in loc is copied. Stages do not call it: they
 * report through rule_report (model/rules.h), which gives the severity of
 * the rule's row. */
void diag_vadd(Diag *d, Severity sev, SrcLoc loc, const char *rule, const char *record,
               const char *fmt, va_list ap) PRINTF_LIKE(6, 0);
size_t diag_count(const Diag *d, Severity at_least);
/* Sorts findings by path, line, column, rule, message: the output order. */
void diag_sort(Diag *d);
const char *severity_name(Severity s);
/* Parses "error", "warning", "note", "none"; returns false if unknown. */
bool severity_parse(const char *s, Severity *out);

/* ---- fs.c ------------------------------------------------------------- */

/* Reads a whole file into a heap buffer (NUL-terminated). Returns false and
 * sets errno on failure; *len gets the size. Refuses files over max bytes. */
bool fs_read(const char *path, size_t max, char **data, size_t *len);
/* The same from an open file descriptor (a regular file), which it leaves open. */
bool fs_read_fd(int fd, size_t max, char **data, size_t *len);
/* As fs_read, for the file rel below the folder root, opening every part of
 * rel without following a symbolic link (a link anywhere on the way: ELOOP
 * or ENOTDIR) and refusing "..", "." and empty parts (EINVAL), so nothing
 * outside root is read even if the folder changes meanwhile. */
bool fs_read_below(const char *root, const char *rel, size_t max, char **data, size_t *len);
/* The stamp file at the root of every folder `dossier build` makes (emit/
 * outdir.c writes it); the listings below never enter a folder holding it. */
#define FS_OUTPUT_STAMP ".dossier-output"
/* The record of what the pages of a build read (render/cache.c), beside the stamp. */
#define FS_OUTPUT_CACHE ".dossier-cache"
/* Lists regular files below dir (recursively, not following symlinks, not
 * entering hidden folders nor the folders a build made), paths relative to
 * dir, sorted bytewise. Returns count; *out is arena-owned. */
size_t fs_list(Arena *a, const char *dir, const char ***out);
/* The symbolic links below dir, as fs_list lists files (which it never
 * follows). */
size_t fs_list_links(Arena *a, const char *dir, const char ***out);
bool fs_is_dir(const char *path);
bool fs_is_file(const char *path);
/* Writes all len bytes to fd, again after EINTR; false with errno set. */
bool fs_write_all(int fd, const void *data, size_t len);
/* mkdir -p; returns false with errno set. */
bool fs_mkdirs(const char *path);
/* rm -rf; returns false with errno set on the first failure. */
bool fs_remove_tree(const char *path);
/* Makes a private folder (mkdtemp: mode 0700) dossier-WHAT-XXXXXX in
 * TMPDIR when that is an absolute path, else in /tmp. *path is the
 * folder made or, when it returns false with errno set, the name tried
 * (for the message); heap, the caller frees it either way. */
bool fs_temp_folder(const char *what, char **path);
/* Joins two path parts with one slash. Arena-owned. */
char *fs_join(Arena *a, const char *dir, const char *name);
/* Directory part of path (arena-owned), "." if none. */
char *fs_dirname(Arena *a, const char *path);

/* ---- util.c ----------------------------------------------------------- */

/* Compares IDs in natural order: THR-2 < THR-10, then bytewise. */
int id_compare(const char *a, const char *b);
/* True when s looks like a record ID: PREFIX-rest, PREFIX upper letters. */
bool id_shaped(const char *s, size_t n);
/* Parses YYYY-MM-DD into days since 1970-01-01; false if not a real date. */
bool date_parse(const char *s, int64_t *days);
/* Formats days since epoch as YYYY-MM-DD into buf (at least 16 bytes). */
void date_format(int64_t days, char *buf);
/* s as sb_escape_text shows it on one line: arena-owned, or s itself when
 * it has nothing to escape; NULL stays NULL. */
const char *text_printable(Arena *a, const char *s);
/* s with every run of white space made one blank, trimmed; arena-owned. */
char *text_one_line(Arena *a, const char *s);
/* Edit distance between two short names (99 past 40 bytes), for "did you mean". */
size_t name_distance(const char *a, const char *b);
/* FNV-1a, for hash tables only (never for integrity: see emit/). */
uint64_t hash_bytes(const char *s, size_t n);

/* ---- hashmap.c: the one hash table ------------------------------------------ */

/* Byte-string keys (copied in) to pointers. With an arena, everything comes
 * from it and nothing needs freeing; without, hashmap_free frees it. */
typedef struct HashSlot {
    const void *key; /* NULL: free */
    size_t len;
    uint64_t hash;
    void *val;
} HashSlot;

typedef struct HashMap {
    Arena *arena;
    HashSlot *slots;
    size_t cap, n;
} HashMap;

void hashmap_init(HashMap *m, Arena *a);
void hashmap_free(HashMap *m);
/* The value under key, NULL when absent (or stored as NULL). */
void *hashmap_get(const HashMap *m, const void *key, size_t len);
/* Puts key -> val when key is absent and returns val; when present,
 * changes nothing and returns the value it holds. */
void *hashmap_put(HashMap *m, const void *key, size_t len, void *val);
/* The value slot of key, made (NULL) when absent: read or set it in place;
 * valid until the next put. */
void **hashmap_slot(HashMap *m, const void *key, size_t len);
/* The same keyed by a NUL-terminated string. */
static inline void *hashmap_sget(const HashMap *m, const char *key) {
    return hashmap_get(m, key, strlen(key));
}
static inline void *hashmap_sput(HashMap *m, const char *key, void *val) {
    return hashmap_put(m, key, strlen(key), val);
}

/* ---- outdir.c: the atomic output folder ------------------------------------- */

/* An OutDir is a temporary folder beside the final output; files are
 * written into it and the whole folder is moved into place only on
 * outdir_commit, so a failed build leaves the earlier output untouched. */

/* What the templates of one output may write: while an OutDir holds one,
 * outdir_write refuses a path it does not allow (emit/outputs.c makes one
 * per output; render/ sets it around the output's templates). */
typedef struct OutScope {
    const char *name;   /* the output, for the message */
    const char *folder; /* where it writes, for the message */
    bool (*allows)(const struct OutScope *s, const char *path);
    const void *def; /* what allows decides by */
} OutScope;

typedef struct OutFile {
    const char *path; /* relative to the output root */
    size_t size;
} OutFile;

typedef struct OutDir {
    Arena arena;
    char *final_path;
    char *tmp_path;
    OutFile *files;
    size_t nfiles, cap;
    HashMap seen;   /* the set of written paths, private to outdir.c */
    char *made_dir; /* the folder outdir_write last made sure of (pages come folder by folder) */
    char *dossier_real; /* the resolved dossier folder, never to be replaced, or NULL */
    /* the output whose templates are writing (outdir_write refuses paths
     * it does not allow), or NULL while trusted C steps write */
    const struct OutScope *scope;
} OutDir;

/* The stamp file at the root of every output folder: a header, then every
 * path the build wrote. Only a folder carrying it (and nothing it does not
 * list) or an empty one is ever replaced. */
#define OUTDIR_STAMP FS_OUTPUT_STAMP

/* Creates a fresh temporary folder beside final_path, after putting back or
 * removing what an interrupted build left beside it. Refuses (NULL, with a
 * message on stderr) a final_path that is a link or a file, that is or holds
 * dossier_dir (may be NULL), that is a version-control work tree root, or
 * that is a non-empty folder not made by a build or holding a file no build
 * wrote. Inside the dossier is allowed: the stamp keeps the load stage out.
 * The caller frees with commit or abort. */
OutDir *outdir_begin(const char *final_path, const char *dossier_dir);
/* Writes one file; relpath must be relative, with no "..", "." or empty
 * parts. Returns false with a message on stderr on any failure. */
bool outdir_write(OutDir *o, const char *relpath, const void *data, size_t len);
/* Whether relpath was written into o already. */
bool outdir_has(const OutDir *o, const char *relpath);
/* Records a file another process wrote into the temporary folder (build
 * --jobs). False with a message if the path was written already. */
bool outdir_adopt(OutDir *o, const char *relpath, size_t size);
/* Writes the stamp and moves the temporary folder into place: one atomic
 * exchange where the system has it, else two renames (the previous output
 * is removed only after the new one is in place); frees o. False on failure, in
 * which case the previous output is still there. */
bool outdir_commit(OutDir *o);
/* Removes the temporary folder and frees o. */
void outdir_abort(OutDir *o);

/* ---- workers.c: the one fork-and-merge scheme ------------------------------- */
/* This process (worker 0) and n - 1 forked copies of it, each doing its
 * share of one piece of work and sending bytes back through temporary
 * files, which the parent reads after the children end. Processes, not
 * threads: a child has its own copy of everything. Used by the prose
 * parsing (model/prose.c) and the rendering of --jobs (render/shard.c). */
enum { WORKER_FILES = 3 };
typedef struct Worker {
    int pid;
    void *file[WORKER_FILES]; /* FILE *: the child writes, the parent reads (rewound) */
    int status;               /* the child's exit status, -1 when a signal ended it */
    int signal;               /* that signal */
} Worker;
/* What a child runs: its share k (1 .. n-1) with its files; the return value
 * is its exit status. It must flush what it writes to the files. */
typedef int (*WorkerFn)(int k, void **files, void *arg);
/* Flushes stdio (nothing buffered is written twice), then forks workers 1,
 * 2, ... up to n - 1, each with nfiles temporary files; a child runs fn
 * and _exit()s with its result, no atexit handler run. Returns the number
 * of workers running counting this one: when a file or a fork cannot be
 * made it stops there, and the caller does the missing shares itself. */
int workers_start(Worker *w, int n, int nfiles, WorkerFn fn, void *arg);
/* Waits for workers 1 .. started - 1 and sets their status; rewinds their
 * files for reading. */
void workers_wait(Worker *w, int started);
/* Closes the files of workers 1 .. n - 1 (those that did not start too). */
void workers_close(Worker *w, int n);

#endif
