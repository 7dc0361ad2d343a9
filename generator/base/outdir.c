/* outdir.c: atomic output folders. Everything is written into a fresh
 * temporary folder beside the final one; commit swaps it into place and
 * only then removes the previous output, so a failed build leaves the
 * earlier output untouched. A folder the tool made carries a stamp file
 * listing what it wrote; the tool replaces only an empty folder or a
 * stamped one that holds nothing else, never the dossier or a work tree.
 * Part of base/: render writes its pages here and emit its files. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

static const char stamp_header[] =
    "dossier output folder: made by `dossier build`, replaced whole by the next build.\n"
    "A build refuses to replace it once it holds a file not listed below.\n";

enum { STAMP_MAX = 256 << 20 }; /* bytes of a stamp worth reading: 1 M paths of 256 bytes */

/* A sibling of final_path named final.TAG-PID-N that does not exist yet. */
static char *unique_sibling(const char *final_path, const char *tag) {
    size_t n = strlen(final_path) + 64;
    char *p = xmalloc(n);
    for (unsigned i = 0;; i++) {
        snprintf(p, n, "%s.%s-%ld-%u", final_path, tag, (long)getpid(), i);
        struct stat st;
        if (lstat(p, &st) != 0 && errno == ENOENT) return p;
    }
}

/* The paths a stamp lists, sorted; NULL when dir has no stamp (a regular
 * file, not a link) or it is not one this tool wrote. */
typedef struct StampList {
    char *data;
    char **paths;
    size_t n;
} StampList;

static int by_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool stamp_read(const char *dir, StampList *sl) {
    memset(sl, 0, sizeof *sl);
    size_t n = strlen(dir) + sizeof OUTDIR_STAMP + 2;
    char *path = xmalloc(n);
    snprintf(path, n, "%s/%s", dir, OUTDIR_STAMP);
    size_t len;
    bool ok = fs_read(path, STAMP_MAX, &sl->data, &len);
    free(path);
    if (!ok) return false;
    size_t hlen = sizeof stamp_header - 1;
    if (len < hlen || memcmp(sl->data, stamp_header, hlen) != 0) {
        free(sl->data);
        sl->data = NULL;
        return false;
    }
    size_t cap = 0;
    for (char *p = sl->data + hlen; *p;) {
        char *e = strchr(p, '\n');
        if (e) *e = 0;
        if (*p) {
            if (sl->n == cap) {
                cap = cap ? cap * 2 : 256;
                sl->paths = xrealloc(sl->paths, cap * sizeof *sl->paths);
            }
            sl->paths[sl->n++] = p;
        }
        if (!e) break;
        p = e + 1;
    }
    if (sl->n > 1) qsort(sl->paths, sl->n, sizeof *sl->paths, by_str);
    return true;
}

static void stamp_free(StampList *sl) {
    free(sl->paths);
    free(sl->data);
}

/* Walks dir (relative prefix rel): true when every entry is a folder
 * holding something or a regular file the stamp lists. Otherwise false with
 * the first entry that is not the tool's in *stranger (heap). Links are
 * never followed. */
static bool only_ours(const char *dir, const char *rel, const StampList *sl, char **stranger) {
    DIR *d = opendir(dir);
    if (!d) {
        *stranger = xstrdup(rel[0] ? rel : ".");
        return false;
    }
    bool ok = true, any = false;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        any = true;
        size_t n = strlen(dir) + strlen(rel) + strlen(e->d_name) + 3;
        char *full = xmalloc(n), *sub = xmalloc(n);
        snprintf(full, n, "%s/%s", dir, e->d_name);
        snprintf(sub, n, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        struct stat st;
        if (lstat(full, &st) != 0) {
            ok = false;
        } else if (S_ISDIR(st.st_mode)) {
            ok = only_ours(full, sub, sl, stranger);
        } else if (S_ISREG(st.st_mode)) {
            const char *key = sub;
            ok =
                strcmp(sub, OUTDIR_STAMP) == 0 ||
                (sl && sl->n && bsearch(&key, sl->paths, sl->n, sizeof *sl->paths, by_str) != NULL);
        } else {
            ok = false;
        }
        if (!ok && !*stranger) *stranger = xstrdup(sub);
        free(full);
        free(sub);
    }
    closedir(d);
    if (ok && !any && rel[0]) {
        *stranger = xstrdup(rel); /* an empty folder: the tool writes none */
        ok = false;
    }
    return ok;
}

/* True when path is dir itself or lies below it (both resolved). */
static bool path_within(const char *path, const char *dir) {
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/') return true;
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

static const char *const work_tree_marks[] = {".git", ".hg", ".svn", ".bzr", "_darcs", ".fslckout"};

/* May the existing folder final (a real folder, not a link) be replaced by
 * a new output? Says why not on stderr. dossier_real is the resolved
 * dossier folder, or NULL. */
static bool replaceable(const char *final, const char *dossier_real) {
    char *real = realpath(final, NULL);
    if (!real) {
        fprintf(stderr, "dossier: cannot resolve %s: %s\n", final, strerror(errno));
        return false;
    }
    bool ok = true;
    if (dossier_real && path_within(dossier_real, real)) {
        fprintf(stderr,
                "dossier: refusing to write the output to %s: it %s the dossier; "
                "choose another folder with -o\n",
                final, strcmp(real, dossier_real) == 0 ? "is" : "contains");
        ok = false;
    }
    for (size_t i = 0; ok && i < sizeof work_tree_marks / sizeof *work_tree_marks; i++) {
        size_t n = strlen(final) + strlen(work_tree_marks[i]) + 2;
        char *mark = xmalloc(n);
        snprintf(mark, n, "%s/%s", final, work_tree_marks[i]);
        struct stat st;
        if (lstat(mark, &st) == 0) {
            fprintf(stderr,
                    "dossier: refusing to replace %s: it is the root of a version-control "
                    "work tree (it holds %s); choose another folder with -o\n",
                    final, work_tree_marks[i]);
            ok = false;
        }
        free(mark);
    }
    if (ok) {
        StampList sl;
        bool stamped = stamp_read(final, &sl);
        char *stranger = NULL;
        if (!only_ours(final, "", stamped ? &sl : NULL, &stranger)) {
            if (stamped)
                fprintf(stderr,
                        "dossier: refusing to replace %s: it holds %s, which no build wrote there; "
                        "move it away or choose another folder with -o\n",
                        final, stranger);
            else
                fprintf(stderr,
                        "dossier: refusing to replace %s: it is not empty and was not made by "
                        "dossier build (no %s in it, and it holds %s); choose an empty or new "
                        "folder with -o\n",
                        final, OUTDIR_STAMP, stranger);
            ok = false;
        }
        free(stranger);
        if (stamped) stamp_free(&sl);
    }
    free(real);
    return ok;
}

/* True when name is base.TAG-PID-N for a TAG of tags and a PID that no
 * longer runs. */
static bool stale_sibling(const char *name, const char *base, const char *tag) {
    size_t b = strlen(base), t = strlen(tag);
    if (strncmp(name, base, b) != 0 || name[b] != '.' || strncmp(name + b + 1, tag, t) != 0 ||
        name[b + 1 + t] != '-')
        return false;
    char *end;
    long pid = strtol(name + b + 2 + t, &end, 10);
    if (end == name + b + 2 + t || *end != '-' || pid <= 0) return false;
    if (pid == (long)getpid()) return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Folders an interrupted build left beside final: a previous output moved
 * aside is put back when final is missing, temporary folders are removed.
 * Only folders carrying the stamp are touched. */
static void recover_siblings(const char *final) {
    char *parent = xstrdup(final);
    char *slash = strrchr(parent, '/');
    const char *base = final;
    if (slash) {
        base = final + (slash - parent) + 1;
        if (slash == parent)
            slash[1] = 0;
        else
            *slash = 0;
    } else {
        strcpy(parent, ".");
    }
    DIR *d = opendir(parent);
    if (!d) {
        free(parent);
        return;
    }
    /* collected first: renaming while reading a folder may show an entry twice */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!stale_sibling(e->d_name, base, "old") && !stale_sibling(e->d_name, base, "tmp"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, by_str);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(parent) + strlen(names[i]) + 2;
        char *path = xmalloc(len);
        snprintf(path, len, "%s/%s", parent, names[i]);
        struct stat st;
        StampList sl;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && stamp_read(path, &sl)) {
            stamp_free(&sl);
            bool old = strstr(names[i] + strlen(base), ".old-") == names[i] + strlen(base);
            if (old && lstat(final, &st) != 0 && errno == ENOENT && rename(path, final) == 0)
                fprintf(stderr,
                        "dossier: %s was missing after an interrupted build; put back the "
                        "previous output from %s\n",
                        final, names[i]);
            else if (!fs_remove_tree(path))
                fprintf(stderr,
                        "dossier: warning: cannot remove %s, left by an interrupted build: %s\n",
                        path, strerror(errno));
        }
        free(path);
        free(names[i]);
    }
    free(names);
    free(parent);
}

/* Writes the stamp into the folder dir: the header, then the paths of
 * files (sorted), one a line. */
static bool stamp_write(const char *dir, const OutFile *files, size_t nfiles) {
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, stamp_header);
    const char **paths = xmalloc((nfiles + 1) * sizeof *paths);
    for (size_t i = 0; i < nfiles; i++)
        paths[i] = files[i].path;
    qsort(paths, nfiles, sizeof *paths, by_str);
    for (size_t i = 0; i < nfiles; i++) {
        sb_puts(&sb, paths[i]);
        sb_putc(&sb, '\n');
    }
    free(paths);
    size_t n = strlen(dir) + sizeof OUTDIR_STAMP + 2;
    char *path = xmalloc(n);
    snprintf(path, n, "%s/%s", dir, OUTDIR_STAMP);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
    bool ok = fd >= 0 && fs_write_all(fd, sb.data, sb.len);
    if (fd >= 0 && close(fd) != 0) ok = false;
    if (!ok) fprintf(stderr, "dossier: cannot write %s: %s\n", path, strerror(errno));
    free(path);
    sb_free(&sb);
    return ok;
}

OutDir *outdir_begin(const char *final_path, const char *dossier_dir) {
    size_t n = strlen(final_path);
    while (n > 1 && final_path[n - 1] == '/')
        n--;
    char *final = xmalloc(n + 1);
    memcpy(final, final_path, n);
    final[n] = 0;
    char *parent = xstrdup(final);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = 0;
        if (!fs_mkdirs(parent)) {
            fprintf(stderr, "dossier: cannot create %s: %s\n", parent, strerror(errno));
            free(parent);
            free(final);
            return NULL;
        }
    } else {
        strcpy(parent, slash ? "/" : ".");
    }
    /* an output inside the dossier is allowed: its stamp keeps the load stage
     * out of it (fs_list), so the next build does not read it as input */
    char *dossier_real = dossier_dir ? realpath(dossier_dir, NULL) : NULL;
    bool ok = true;
    free(parent);
    if (ok) recover_siblings(final);
    struct stat st;
    if (ok && lstat(final, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            fprintf(stderr,
                    "dossier: %s is a symbolic link; not replacing it (name the folder itself)\n",
                    final);
            ok = false;
        } else if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr, "dossier: %s exists and is not a folder; not replacing it\n", final);
            ok = false;
        } else {
            ok = replaceable(final, dossier_real);
        }
    }
    if (!ok) {
        free(dossier_real);
        free(final);
        return NULL;
    }
    char *tmp = unique_sibling(final, "tmp");
    if (mkdir(tmp, 0777) != 0) {
        fprintf(stderr, "dossier: cannot create %s: %s\n", tmp, strerror(errno));
        free(tmp);
        free(dossier_real);
        free(final);
        return NULL;
    }
    if (!stamp_write(tmp, NULL, 0)) {
        fs_remove_tree(tmp);
        free(tmp);
        free(dossier_real);
        free(final);
        return NULL;
    }
    OutDir *o = xmalloc(sizeof *o);
    memset(o, 0, sizeof *o);
    arena_init(&o->arena);
    o->final_path = final;
    o->tmp_path = tmp;
    o->dossier_real = dossier_real;
    return o;
}

/* A path relative to the output root: no absolute path, no empty, "." or
 * ".." part, no backslash or control character, and not the stamp. */
static bool safe_relpath(const char *rel) {
    if (!rel[0] || rel[0] == '/' || strcmp(rel, OUTDIR_STAMP) == 0) return false;
    for (const char *c = rel; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\') return false;
    for (const char *p = rel; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        if (!e) break;
        p = e + 1;
    }
    return true;
}

bool outdir_has(const OutDir *o, const char *relpath) {
    return o->seen.cap && hashmap_sget(&o->seen, relpath) != NULL;
}

/* Adds relpath to the set of written paths; false if it was there. */
static bool seen_add(OutDir *o, const char *relpath) {
    if (!o->seen.arena) hashmap_init(&o->seen, &o->arena);
    size_t before = o->seen.n;
    hashmap_sput(&o->seen, relpath, o);
    return o->seen.n > before;
}

static void add_file(OutDir *o, const char *relpath, size_t size) {
    if (o->nfiles == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        o->files = xrealloc(o->files, cap * sizeof *o->files);
        o->cap = cap;
    }
    o->files[o->nfiles].path = arena_strdup(&o->arena, relpath);
    o->files[o->nfiles].size = size;
    o->nfiles++;
}

bool outdir_write(OutDir *o, const char *relpath, const void *data, size_t len) {
    if (!safe_relpath(relpath)) {
        fprintf(
            stderr,
            "dossier: refusing to write '%s': output paths must stay inside the output folder\n",
            relpath);
        return false;
    }
    if (o->scope && !o->scope->allows(o->scope, relpath)) {
        fprintf(stderr, "dossier: refusing to write '%s': the %s output writes only under %s\n",
                relpath, o->scope->name, o->scope->folder);
        return false;
    }
    if (!seen_add(o, relpath)) {
        fprintf(stderr, "dossier: %s written twice in one build\n", relpath);
        return false;
    }
    char *path = fs_join(&o->arena, o->tmp_path, relpath);
    char *dir = fs_dirname(&o->arena, path);
    if (!o->made_dir || strcmp(dir, o->made_dir) != 0) {
        if (!fs_mkdirs(dir)) {
            fprintf(stderr, "dossier: cannot create %s: %s\n", dir, strerror(errno));
            return false;
        }
        o->made_dir = dir;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 || !fs_write_all(fd, data, len) || close(fd) != 0) {
        fprintf(stderr, "dossier: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    add_file(o, relpath, len);
    return true;
}

bool outdir_adopt(OutDir *o, const char *relpath, size_t size) {
    if (!safe_relpath(relpath) || !seen_add(o, relpath)) {
        fprintf(stderr, "dossier: %s written twice in one build\n", relpath);
        return false;
    }
    add_file(o, relpath, size);
    return true;
}

static void outdir_free(OutDir *o) {
    free(o->files);
    free(o->final_path);
    free(o->tmp_path);
    free(o->dossier_real);
    arena_free(&o->arena);
    free(o);
}

/* Puts the temporary folder at final with the two renames of old: the
 * previous output aside to *old first. A kill between them leaves the
 * previous output in *old, stamped, which the next build puts back. */
static bool commit_by_renames(OutDir *o, bool had_old, char **old) {
    if (had_old) {
        *old = unique_sibling(o->final_path, "old");
        if (rename(o->final_path, *old) != 0) {
            fprintf(stderr, "dossier: cannot move the previous %s aside: %s\n", o->final_path,
                    strerror(errno));
            return false;
        }
    }
    if (rename(o->tmp_path, o->final_path) != 0) {
        fprintf(stderr, "dossier: cannot move the new output into %s: %s\n", o->final_path,
                strerror(errno));
        if (had_old && rename(*old, o->final_path) != 0)
            fprintf(stderr, "dossier: the previous output is kept in %s\n", *old);
        return false;
    }
    return true;
}

bool outdir_commit(OutDir *o) {
    if (!stamp_write(o->tmp_path, o->files, o->nfiles)) {
        outdir_abort(o);
        return false;
    }
    struct stat st;
    bool had_old = lstat(o->final_path, &st) == 0;
    /* the folder may have changed since outdir_begin looked: look again */
    if (had_old && (!S_ISDIR(st.st_mode) || !replaceable(o->final_path, o->dossier_real))) {
        if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
            fprintf(stderr, "dossier: %s is no longer a folder; not replacing it\n", o->final_path);
        outdir_abort(o);
        return false;
    }
    char *old = NULL;
    bool done = false;
#ifdef RENAME_EXCHANGE
    /* one atomic step where the system has it: the new output and the old
     * trade places, so final_path never stops existing */
    if (had_old &&
        renameat2(AT_FDCWD, o->tmp_path, AT_FDCWD, o->final_path, RENAME_EXCHANGE) == 0) {
        old = o->tmp_path;
        o->tmp_path = NULL;
        done = true;
    } else if (!had_old &&
               renameat2(AT_FDCWD, o->tmp_path, AT_FDCWD, o->final_path, RENAME_NOREPLACE) == 0) {
        done = true;
    } else if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP &&
               !(had_old && errno == ENOENT)) {
        fprintf(stderr, "dossier: cannot move the new output into %s: %s\n", o->final_path,
                strerror(errno));
        outdir_abort(o);
        return false;
    }
#endif
    if (!done && !commit_by_renames(o, had_old, &old)) {
        free(old);
        outdir_abort(o);
        return false;
    }
    if (had_old && !fs_remove_tree(old))
        fprintf(stderr, "dossier: warning: could not remove the previous output kept in %s\n", old);
    free(old);
    outdir_free(o);
    return true;
}

void outdir_abort(OutDir *o) {
    if (o->tmp_path) fs_remove_tree(o->tmp_path);
    outdir_free(o);
}
