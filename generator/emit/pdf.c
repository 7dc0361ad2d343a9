/* pdf.c: `dossier build --pdf` (emit/). After an output's templates wrote
 * its HTML into the temporary output folder, each document among them is
 * printed by a headless Chromium, one process per document (a few at a
 * time), run without a shell, with a fresh profile and a time limit, and
 * shown the folder only through serve.c's loopback server; the PDFs go
 * beside their HTML through outdir_write, in document order, before any C
 * step packs or hashes the folder. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pdf.h"
#include "serve.h"

extern char **environ;

enum {
    DEFAULT_TIMEOUT = 120, /* seconds per document */
    MAX_PARALLEL = 4, /* Chromiums at a time without DOSSIER_PDF_JOBS: each is a whole browser */
};

struct PdfEngine {
    char *program; /* the Chromium executable */
    char *scratch; /* a private folder for profiles, PDFs and stderr */
    int timeout;   /* seconds per document */
    bool verbose;
    int parallel;     /* documents printed at a time */
    unsigned count;   /* documents started, numbering their scratch files */
    unsigned printed; /* documents printed */
    double seconds;   /* time spent printing */
};

/* Which files of an output are documents to print: the HTML files it wrote
 * directly under a folder, its index.html (a table of contents whose links
 * lead to HTML) only where with_index says so. The site is for browsers and
 * has no entry. */
static const struct {
    const char *output, *folder;
    bool with_index;
} printed[] = {
    {"bundle", "premarket/", false},
    {"postmarket", "postmarket/", true},
    {"mds2", "mds2/", true},
    {"whitepaper", "public/", true},
    {"advisories", "public/advisories/", false},
};

static const char *const engine_names[] = {"chromium", "chromium-browser", "google-chrome",
                                           "google-chrome-stable"};

static bool executable(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* name itself when it holds a slash, else its first executable on PATH;
 * heap or NULL. */
static char *find_program(const char *name) {
    if (strchr(name, '/')) return executable(name) ? xstrdup(name) : NULL;
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        size_t len = (n ? n : 1) + strlen(name) + 2;
        char *cand = xmalloc(len);
        snprintf(cand, len, "%.*s/%s", n ? (int)n : 1, n ? p : ".", name);
        if (executable(cand)) return cand;
        free(cand);
        p += n + (p[n] == ':');
    }
    return NULL;
}

PdfEngine *pdf_open(bool verbose) {
    char *program = NULL;
    const char *env = getenv("DOSSIER_CHROMIUM");
    if (env && *env) {
        program = find_program(env);
        if (!program) {
            fprintf(
                stderr,
                "dossier: --pdf: DOSSIER_CHROMIUM names '%s', which is not an executable program; "
                "nothing was written\n",
                env);
            return NULL;
        }
    } else {
        for (size_t i = 0; !program && i < sizeof engine_names / sizeof engine_names[0]; i++)
            program = find_program(engine_names[i]);
        if (!program) {
            fprintf(stderr,
                    "dossier: --pdf needs Chromium to print with, and none was found: install it "
                    "(Debian: apt-get install chromium), put chromium, chromium-browser or "
                    "google-chrome "
                    "on PATH, or name the program in DOSSIER_CHROMIUM; nothing was written\n");
            return NULL;
        }
    }
    char *scratch;
    if (!fs_temp_folder("pdf", &scratch)) {
        fprintf(stderr, "dossier: --pdf: cannot create a scratch folder %s: %s\n", scratch,
                strerror(errno));
        free(scratch);
        free(program);
        return NULL;
    }
    PdfEngine *e = xmalloc(sizeof *e);
    memset(e, 0, sizeof *e);
    e->program = program;
    e->scratch = scratch;
    e->verbose = verbose;
    e->timeout = DEFAULT_TIMEOUT;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    e->parallel = cpus < 1 ? 1 : cpus > MAX_PARALLEL ? MAX_PARALLEL : (int)cpus;
    const char *jobs = getenv("DOSSIER_PDF_JOBS");
    if (jobs && *jobs) {
        char *end;
        long v = strtol(jobs, &end, 10);
        if (!*end && v >= 1 && v <= 16)
            e->parallel = (int)v;
        else
            fprintf(stderr,
                    "dossier: warning: DOSSIER_PDF_JOBS takes a number from 1 to 16, not '%s'; "
                    "using %d\n",
                    jobs, e->parallel);
    }
    const char *t = getenv("DOSSIER_PDF_TIMEOUT");
    if (t && *t) {
        char *end;
        long v = strtol(t, &end, 10);
        if (!*end && v > 0 && v <= 3600)
            e->timeout = (int)v;
        else
            fprintf(stderr,
                    "dossier: warning: DOSSIER_PDF_TIMEOUT takes seconds from 1 to 3600, not '%s'; "
                    "using %d\n",
                    t, DEFAULT_TIMEOUT);
    }
    return e;
}

void pdf_close(PdfEngine *e) {
    if (!e) return;
    if (e->verbose && e->printed)
        fprintf(stderr, "dossier: printed %u PDF%s in %.1f s, %d at a time\n", e->printed,
                e->printed == 1 ? "" : "s", e->seconds, e->parallel);
    fs_remove_tree(e->scratch);
    free(e->scratch);
    free(e->program);
    free(e);
}

/* The URL of a file of the output folder on the server: base, '/', the
 * path with bytes other than unreserved ones and '/' percent-encoded. */
static char *file_url(Arena *a, const char *base, const char *rel) {
    StrBuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s/", base);
    for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
        unsigned char c = *p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
        if (plain)
            sb_putc(&sb, (char)c);
        else
            sb_printf(&sb, "%%%02X", c);
    }
    char *url = arena_strdup(a, sb.data);
    sb_free(&sb);
    return url;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The last lines of Chromium's stderr worth showing: its D-Bus complaints
 * in a container are noise. Arena-owned, maybe empty. */
static const char *last_words(Arena *a, const char *path) {
    char *data;
    size_t len;
    if (!fs_read(path, 1 << 20, &data, &len)) return "";
    const char *keep[3] = {NULL, NULL, NULL};
    size_t lens[3] = {0, 0, 0};
    for (char *line = data; line < data + len;) {
        char *nl = memchr(line, '\n', (size_t)(data + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(data + len - line);
        if (n && !memmem(line, n, "dbus", 4) && !memmem(line, n, "bytes written to file", 21)) {
            memmove(keep, keep + 1, 2 * sizeof *keep);
            memmove(lens, lens + 1, 2 * sizeof *lens);
            keep[2] = line;
            lens[2] = n;
        }
        line += n + 1;
    }
    StrBuf sb;
    sb_init(&sb);
    for (int i = 0; i < 3; i++)
        if (keep[i]) sb_printf(&sb, "\n  chromium: %.*s", (int)lens[i], keep[i]);
    free(data);
    char *out = arena_strdup(a, sb.data ? sb.data : "");
    sb_free(&sb);
    return out;
}

/* One document being printed. */
typedef struct Job {
    const char *rel;      /* the HTML, relative to the output root */
    const char *pdf_path; /* where Chromium writes the PDF */
    const char *profile;  /* its fresh --user-data-dir */
    const char *errlog;   /* its standard error */
    pid_t pid;            /* while it runs, else 0 */
    double start, took;
    char *data; /* the PDF once read (heap) */
    size_t len;
} Job;

/* Starts the engine on the HTML of j, served by s, in its own process
 * group so a time-out ends Chromium's helpers too. False with *why set. */
static bool job_start(PdfEngine *e, Arena *a, const FolderServer *s, Job *j, const char **why) {
    char *argv[] = {
        e->program,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        /* offline: a document that names a web resource prints without it,
         * the same on every machine, and leaks nothing; of the whole
         * network only the server's own port resolves (loopback bypasses
         * the proxy; every other port of 127.0.0.1 is NOTFOUND too) */
        "--proxy-server=127.0.0.1:1",
        arena_printf(a, "--host-resolver-rules=MAP %s %s, MAP * ~NOTFOUND", serve_host(s),
                     serve_host(s)),
        arena_printf(a, "--user-data-dir=%s", j->profile),
        "--no-pdf-header-footer",
        arena_printf(a, "--print-to-pdf=%s", j->pdf_path),
        file_url(a, serve_base(s), j->rel),
        NULL,
    };
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, j->errlog, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    int err = posix_spawn(&j->pid, e->program, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (err) {
        j->pid = 0;
        *why = arena_printf(a, "cannot run %s: %s", e->program, strerror(err));
        return false;
    }
    j->start = now();
    return true;
}

/* Stops a job still running: its whole process group, then reaps it and
 * removes its profile. */
static void job_end(Job *j) {
    kill(-j->pid, SIGKILL);
    waitpid(j->pid, NULL, 0);
    j->pid = 0;
    fs_remove_tree(j->profile);
}

/* Checks on a running job: 0 still running, 1 finished with its PDF read
 * into j->data, -1 failed (stopped, *why set). */
static int job_poll(PdfEngine *e, Arena *a, Job *j, const char **why) {
    int status = 0;
    pid_t r = waitpid(j->pid, &status, WNOHANG);
    if (r == 0 && now() - j->start <= e->timeout) return 0;
    if (r < 0 && errno == EINTR) return 0;
    if (r == 0) {
        job_end(j);
        *why = arena_printf(a, "no PDF after %d s (DOSSIER_PDF_TIMEOUT)%s", e->timeout,
                            last_words(a, j->errlog));
        return -1;
    }
    if (r < 0) {
        *why = arena_printf(a, "lost track of %s: %s", e->program, strerror(errno));
        j->pid = 0;
        fs_remove_tree(j->profile);
        return -1;
    }
    kill(-r, SIGKILL); /* helpers that outlived the browser, if any */
    j->pid = 0;
    fs_remove_tree(j->profile);
    j->took = now() - j->start;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *why = WIFEXITED(status) ? arena_printf(a, "%s exited %d%s", e->program,
                                                WEXITSTATUS(status), last_words(a, j->errlog))
                                 : arena_printf(a, "%s ended by signal %d%s", e->program,
                                                WTERMSIG(status), last_words(a, j->errlog));
        return -1;
    }
    if (!fs_read(j->pdf_path, (size_t)1 << 30, &j->data, &j->len) || j->len < 5 ||
        memcmp(j->data, "%PDF-", 5) != 0) {
        *why = arena_printf(a, "%s wrote no PDF%s", e->program, last_words(a, j->errlog));
        return -1;
    }
    unlink(j->pdf_path);
    return 1;
}

/* Sets the PDF's /CreationDate and /ModDate (D:YYYYMMDDHHmmSS, the clock
 * when Chromium printed) to the build date at midnight UTC, in place and at
 * the same length, so the cross-reference offsets stay right. */
static void set_dates(char *pdf, size_t len, int64_t build_date) {
    char day[16], digits[15];
    date_format(build_date, day); /* YYYY-MM-DD */
    snprintf(digits, sizeof digits, "%.4s%.2s%.2s000000", day, day + 5, day + 8);
    static const char *const keys[] = {"/CreationDate (D:", "/ModDate (D:"};
    for (size_t k = 0; k < 2; k++) {
        size_t kl = strlen(keys[k]);
        for (char *p = pdf; (p = memmem(p, len - (size_t)(p - pdf), keys[k], kl));) {
            p += kl;
            if ((size_t)(p - pdf) + 14 > len) break;
            bool all_digits = true;
            for (int i = 0; i < 14; i++)
                if (p[i] < '0' || p[i] > '9') all_digits = false;
            if (all_digits) memcpy(p, digits, 14);
        }
    }
}

static bool hex8(const char *p) {
    for (int i = 0; i < 8; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
              (p[i] >= 'A' && p[i] <= 'F')))
            return false;
    return true;
}

/* One entry of the tagged PDF's /IDTree: "(nodeXXXXXXXX) OBJ 0 R". */
typedef struct IdEntry {
    char old[8], new[8]; /* the key's digits before and after */
    long object;         /* the structure element it names */
} IdEntry;

static int by_object(const void *a, const void *b) {
    long x = ((const IdEntry *)a)->object, y = ((const IdEntry *)b)->object;
    return x < y ? -1 : x > y;
}

static int by_old_key(const void *a, const void *b) {
    return memcmp(((const IdEntry *)a)->old, ((const IdEntry *)b)->old, 8);
}

/* The body of object n ("n 0 obj" at a line start), or NULL. */
static char *pdf_object(char *pdf, size_t len, long n) {
    char key[32];
    int kl = snprintf(key, sizeof key, "\n%ld 0 obj", n);
    char *p = memmem(pdf, len, key, (size_t)kl);
    return p ? p + kl : NULL;
}

/* The first s in [from, end), or NULL: PDF bytes hold NULs, so no strstr. */
static char *find(char *from, const char *end, const char *s) {
    return from && from < end ? memmem(from, (size_t)(end - from), s, strlen(s)) : NULL;
}

/* The tagged PDF's structure elements carry IDs "(nodeXXXXXXXX)" taken from
 * the browser's DOM node ids, which are handed out lazily and so differ from
 * run to run, in value and in order. Their objects do not: each ID becomes
 * the rank of the object it names in the /IDTree (1, 2, ... at the same
 * width), the tree's entries are put back in key order with its /Limits,
 * and every reference (/ID, /Headers) follows, all in place, so the
 * offsets stay right. A tree not laid out as Chromium 156 writes it (one
 * leaf, under at most one /Kids) is left alone. */
static void renumber_nodes(char *pdf, size_t len) {
    const char *stop = pdf + len;
    char *p = find(pdf, stop, "/IDTree ");
    char *leaf = p ? pdf_object(pdf, len, strtol(p + 8, NULL, 10)) : NULL;
    char *leaf_end = find(leaf, stop, "endobj");
    char *kids = find(leaf, leaf_end, "/Kids [");
    if (kids) {
        char *end;
        long kid = strtol(kids + 7, &end, 10);
        if (strncmp(end, " 0 R]", 5) != 0) return; /* more than one kid */
        leaf = pdf_object(pdf, len, kid);
        leaf_end = find(leaf, stop, "endobj");
    }
    char *names = find(leaf, leaf_end, "/Names [");
    char *close = find(names, leaf_end, "]");
    if (!close) return;
    names += 8;
    size_t n = 0, cap = 0;
    IdEntry *ids = NULL;
    for (char *q = names; q < close;) {
        char *end;
        if (strncmp(q, "(node", 5) != 0 || !hex8(q + 5) || q[13] != ')') break;
        long object = strtol(q + 14, &end, 10);
        if (strncmp(end, " 0 R", 4) != 0) break;
        if (n == cap) ids = xrealloc(ids, (cap = cap ? cap * 2 : 256) * sizeof *ids);
        memcpy(ids[n].old, q + 5, 8);
        ids[n++].object = object;
        q = end + 4;
        if (*q == ' ') q++;
    }
    StrBuf sb;
    sb_init(&sb);
    qsort(ids, n, sizeof *ids, by_object);
    for (size_t i = 0; i < n; i++) {
        char digits[24];
        snprintf(digits, sizeof digits, "%08zu", i + 1);
        memcpy(ids[i].new, digits, 8);
        sb_printf(&sb, "%s(node%.8s) %ld 0 R", i ? " " : "", ids[i].new, ids[i].object);
    }
    if (n == 0 || n > 99999999 || sb.len != (size_t)(close - names)) { /* not the layout expected */
        sb_free(&sb);
        free(ids);
        return;
    }
    char first[9], last[9];
    memcpy(first, ids[0].new, 8);
    memcpy(last, ids[n - 1].new, 8);
    first[8] = last[8] = 0;
    qsort(ids, n, sizeof *ids, by_old_key);
    for (char *q = pdf; (q = memmem(q, len - (size_t)(q - pdf), "(node", 5)); q += 5) {
        if ((size_t)(q - pdf) + 14 > len || !hex8(q + 5) || q[13] != ')') continue;
        IdEntry key;
        memcpy(key.old, q + 5, 8);
        IdEntry *found = bsearch(&key, ids, n, sizeof *ids, by_old_key);
        if (found) memcpy(q + 5, found->new, 8);
    }
    memcpy(names, sb.data, sb.len); /* the entries in the order of their new keys */
    char *limits = find(leaf, names, "/Limits [(node");
    if (limits && hex8(limits + 14) && strncmp(limits + 22, ") (node", 7) == 0 &&
        hex8(limits + 29)) {
        memcpy(limits + 14, first, 8);
        memcpy(limits + 29, last, 8);
    }
    sb_free(&sb);
    free(ids);
}

/* The relative URL of output path to from the page at output path from. */
static const char *relative(Arena *a, const char *from, const char *to) {
    size_t common = 0; /* length of the folders both share, with their slashes */
    for (size_t i = 0; from[i] && from[i] == to[i]; i++)
        if (from[i] == '/') common = i + 1;
    StrBuf sb;
    sb_init(&sb);
    for (const char *p = from + common; (p = strchr(p, '/')); p++)
        sb_puts(&sb, "../");
    sb_puts(&sb, to + common);
    const char *out = arena_strdup(a, sb.data ? sb.data : "");
    sb_free(&sb);
    return out;
}

/* One rewrite of a PDF string's contents: the len bytes at at become text,
 * delta bytes longer. */
typedef struct Edit {
    size_t at, len;
    const char *text;
    long delta;
} Edit;

static int by_position(const void *a, const void *b) {
    size_t x = ((const Edit *)a)->at, y = ((const Edit *)b)->at;
    return x < y ? -1 : x > y;
}

/* Adds an edit for every PDF string that starts with prefix, a URL below
 * the output folder: as a link, relative to the PDF at pdf_rel; as a
 * title, only its last path segment. */
static void find_urls(Arena *a, const char *pdf, size_t len, const char *prefix, bool title,
                      const char *pdf_rel, Edit **edits, size_t *nedits) {
    const char *needle = arena_printf(a, "%s(%s/", title ? "/Title " : "", prefix);
    size_t nl = strlen(needle);
    for (const char *p = pdf; (p = memmem(p, len - (size_t)(p - pdf), needle, nl));) {
        const char *start = p + nl;
        const char *close = memchr(start, ')', len - (size_t)(start - pdf));
        if (!close) break;
        const char *target = arena_strndup(a, start, (size_t)(close - start));
        const char *slash = strrchr(target, '/');
        const char *text = title ? (slash ? slash + 1 : target) : relative(a, pdf_rel, target);
        const char *string = p + (title ? strlen("/Title (") : 1); /* the string's first byte */
        *edits = xrealloc(*edits, (*nedits + 1) * sizeof **edits);
        size_t at = (size_t)(string - pdf), n = (size_t)(close - string);
        (*edits)[(*nedits)++] = (Edit){at, n, text, (long)strlen(text) - (long)n};
        p = close;
    }
}

/* Chromium turns every relative link into an absolute URL of the server
 * that showed it the temporary output folder (base): a link that leads
 * nowhere once the build is over, and bytes that change with the server's
 * port and path. Rewrites each such URI into the link relative to the
 * PDF's own folder (which PDF readers resolve against the PDF's location),
 * and a /Title that is the document's URL (Chromium's title for a page
 * without one, without "http://") into the file's name, as Chromium
 * titles a file: page; then shifts the cross-reference table by what each
 * rewrite added or removed. Returns a heap copy in *out; false (and *out
 * untouched) when the file is not laid out as expected. */
static bool relative_links(Arena *a, const char *pdf, size_t len, const char *base,
                           const char *pdf_rel, char **out, size_t *outlen) {
    Edit *edits = NULL;
    size_t nedits = 0;
    find_urls(a, pdf, len, base, false, pdf_rel, &edits, &nedits);
    const char *scheme_end = strstr(base, "://");
    find_urls(a, pdf, len, scheme_end ? scheme_end + 3 : base, true, pdf_rel, &edits, &nedits);
    if (nedits) qsort(edits, nedits, sizeof *edits, by_position);
    StrBuf sb;
    sb_init(&sb);
    size_t copied = 0;
    for (size_t i = 0; i < nedits; i++) {
        sb_append(&sb, pdf + copied, edits[i].at - copied);
        sb_puts(&sb, edits[i].text);
        copied = edits[i].at + edits[i].len;
    }
    sb_append(&sb, pdf + copied, len - copied);
    /* the classic table Chromium writes: "xref", subsections of 20-byte
     * entries, "trailer ... startxref OFFSET %%EOF" */
    const char *sx = NULL;
    for (const char *p = pdf; (p = memmem(p, len - (size_t)(p - pdf), "startxref", 9)); p += 9)
        sx = p;
    long xref = sx ? strtol(sx + 9, NULL, 10) : -1;
    bool ok = xref > 0 && (size_t)xref + 4 < len && memcmp(pdf + xref, "xref", 4) == 0;
    long shift_total = 0;
    for (size_t i = 0; i < nedits; i++)
        shift_total += edits[i].delta;
    char *q = ok ? sb.data + xref + shift_total + 4 : NULL;
    while (ok) {
        while (*q == '\r' || *q == '\n' || *q == ' ')
            q++;
        if (strncmp(q, "trailer", 7) == 0) break;
        char *end;
        strtol(q, &end, 10);
        long count = end > q ? strtol(end, &end, 10) : -1;
        if (count < 0) {
            ok = false;
            break;
        }
        while (*end == '\r' || *end == '\n' || *end == ' ')
            end++;
        q = end;
        for (long k = 0; ok && k < count; k++, q += 20) {
            if ((size_t)(q + 20 - sb.data) > sb.len || (q[17] != 'n' && q[17] != 'f'))
                ok = false;
            else if (q[17] == 'n') {
                long off = strtol(q, NULL, 10), moved = off;
                for (size_t i = 0; i < nedits; i++)
                    if (edits[i].at < (size_t)off) moved += edits[i].delta;
                char digits[16];
                snprintf(digits, sizeof digits, "%010ld", moved);
                memcpy(q, digits, 10);
            }
        }
    }
    if (ok) {
        /* the startxref number last: its width may change */
        size_t tail = (size_t)(sx - pdf) + (size_t)shift_total;
        StrBuf fixed;
        sb_init(&fixed);
        sb_append(&fixed, sb.data, tail);
        sb_printf(&fixed, "startxref\n%ld\n%%%%EOF\n", xref + shift_total);
        *out = fixed.data;
        *outlen = fixed.len;
    }
    sb_free(&sb);
    free(edits);
    return ok;
}

static bool is_document(const char *path, const char *folder, bool with_index) {
    size_t fl = strlen(folder), pl = strlen(path);
    if (strncmp(path, folder, fl) != 0 || strchr(path + fl, '/')) return false;
    if (pl < fl + 6 || strcmp(path + pl - 5, ".html") != 0) return false;
    return with_index || strcmp(path + fl, "index.html") != 0;
}

bool pdf_prints(const char *output) {
    for (size_t t = 0; t < sizeof printed / sizeof printed[0]; t++)
        if (strcmp(printed[t].output, output) == 0) return true;
    return false;
}

bool pdf_output(PdfEngine *e, const Model *m, const char *output, OutDir *o, size_t first) {
    size_t t;
    for (t = 0; t < sizeof printed / sizeof printed[0]; t++)
        if (strcmp(printed[t].output, output) == 0) break;
    if (t == sizeof printed / sizeof printed[0]) return true;
    Arena a;
    arena_init(&a);
    char *root = realpath(o->tmp_path, NULL);
    if (!root) {
        fprintf(stderr, "dossier: --pdf: cannot resolve %s: %s\n", o->tmp_path, strerror(errno));
        arena_free(&a);
        return false;
    }
    size_t end = o->nfiles; /* outdir_write below appends to o->files */
    Job *jobs = arena_alloc(&a, (end - first + 1) * sizeof *jobs);
    size_t njobs = 0;
    for (size_t i = first; i < end; i++) {
        if (!is_document(o->files[i].path, printed[t].folder, printed[t].with_index)) continue;
        Job *j = &jobs[njobs++];
        unsigned n = e->count++;
        j->rel = o->files[i].path;
        j->pdf_path = arena_printf(&a, "%s/document-%u.pdf", e->scratch, n);
        j->profile = arena_printf(&a, "%s/profile-%u", e->scratch, n);
        j->errlog = arena_printf(&a, "%s/stderr-%u.txt", e->scratch, n);
    }
    /* the browser sees the folder only through the server, which is
     * stopped (its thread joined) before this returns */
    FolderServer *server = njobs ? serve_start(root) : NULL;
    if (njobs && !server) {
        free(root);
        arena_free(&a);
        return false;
    }
    /* up to e->parallel documents at a time; the PDFs are written in
     * document order once all are printed */
    double start = now();
    size_t next = 0, running = 0, done = 0;
    const char *why = NULL, *failed = NULL;
    while (!failed && done < njobs) {
        while (!failed && running < (size_t)e->parallel && next < njobs) {
            if (job_start(e, &a, server, &jobs[next], &why))
                running++;
            else
                failed = jobs[next].rel;
            next++;
        }
        bool finished = false;
        for (size_t k = 0; !failed && k < next; k++) {
            if (jobs[k].pid <= 0) continue;
            int r = job_poll(e, &a, &jobs[k], &why);
            if (r == 0) continue;
            running--;
            finished = true;
            if (r < 0)
                failed = jobs[k].rel;
            else
                done++;
        }
        struct timespec nap = {0, 20 * 1000 * 1000};
        if (!failed && !finished) nanosleep(&nap, NULL);
    }
    bool ok = !failed;
    if (failed) fprintf(stderr, "dossier: --pdf: cannot print %s: %s\n", failed, why);
    for (size_t k = 0; k < njobs; k++)
        if (jobs[k].pid > 0) job_end(&jobs[k]); /* the others, when one failed */
    const char *base = server ? arena_strdup(&a, serve_base(server)) : "";
    serve_stop(server);
    for (size_t k = 0; k < njobs; k++) {
        Job *j = &jobs[k];
        if (!ok || !j->data) {
            free(j->data);
            continue;
        }
        set_dates(j->data, j->len, m->build_date);
        renumber_nodes(j->data, j->len);
        char *linked;
        size_t linked_len;
        if (relative_links(&a, j->data, j->len, base, j->rel, &linked, &linked_len)) {
            free(j->data);
            j->data = linked;
            j->len = linked_len;
        } else {
            fprintf(stderr,
                    "dossier: warning: --pdf: %s: links left as Chromium wrote them (an unexpected "
                    "cross-reference table)\n",
                    j->rel);
        }
        size_t rl = strlen(j->rel);
        const char *pdf_rel = arena_printf(&a, "%.*s.pdf", (int)(rl - 5), j->rel);
        ok = outdir_write(o, pdf_rel, j->data, j->len);
        free(j->data);
        if (ok && e->verbose) fprintf(stderr, "dossier: printed %s (%.2f s)\n", pdf_rel, j->took);
    }
    e->printed += done;
    e->seconds += now() - start;
    free(root);
    arena_free(&a);
    return ok;
}
