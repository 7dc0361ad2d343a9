/* outdir.c: atomic output folders. Everything is written into a fresh
 * temporary folder beside the final one; commit swaps it into place and
 * only then removes the previous output, so a failed build leaves the
 * earlier output untouched. Part of emit/. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"

static char *unique_sibling(const char *final_path, const char *tag) {
    size_t n = strlen(final_path) + 64;
    char *p = xmalloc(n);
    for (unsigned i = 0;; i++) {
        snprintf(p, n, "%s.%s-%ld-%u", final_path, tag, (long)getpid(), i);
        struct stat st;
        if (lstat(p, &st) != 0 && errno == ENOENT) return p;
    }
}

OutDir *outdir_begin(const char *final_path) {
    size_t n = strlen(final_path);
    while (n > 1 && final_path[n - 1] == '/') n--;
    char *final = xmalloc(n + 1);
    memcpy(final, final_path, n);
    final[n] = 0;
    struct stat st;
    if (lstat(final, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "dossier: %s exists and is not a folder; not replacing it\n", final);
        free(final);
        return NULL;
    }
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
    }
    free(parent);
    char *tmp = unique_sibling(final, "tmp");
    if (mkdir(tmp, 0777) != 0) {
        fprintf(stderr, "dossier: cannot create %s: %s\n", tmp, strerror(errno));
        free(tmp);
        free(final);
        return NULL;
    }
    OutDir *o = xmalloc(sizeof *o);
    memset(o, 0, sizeof *o);
    arena_init(&o->arena);
    o->final_path = final;
    o->tmp_path = tmp;
    return o;
}

static bool safe_relpath(const char *rel) {
    if (!rel[0] || rel[0] == '/') return false;
    for (const char *p = rel; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return false;
        if (memchr(p, '\\', n)) return false;
        if (!e) break;
        p = e + 1;
    }
    return true;
}

/* Adds relpath to the set of written paths; false if it was there. */
static bool seen_add(OutDir *o, const char *relpath) {
    if (o->nseen * 2 >= o->nslots) {
        size_t n = o->nslots ? o->nslots * 2 : 1024;
        const char **slots = arena_alloc(&o->arena, n * sizeof *slots);
        for (size_t i = 0; i < o->nslots; i++) {
            if (!o->slots[i]) continue;
            size_t j = (size_t)hash_bytes(o->slots[i], strlen(o->slots[i])) & (n - 1);
            while (slots[j]) j = (j + 1) & (n - 1);
            slots[j] = o->slots[i];
        }
        o->slots = slots;
        o->nslots = n;
    }
    size_t j = (size_t)hash_bytes(relpath, strlen(relpath)) & (o->nslots - 1);
    for (; o->slots[j]; j = (j + 1) & (o->nslots - 1))
        if (strcmp(o->slots[j], relpath) == 0) return false;
    o->slots[j] = arena_strdup(&o->arena, relpath);
    o->nseen++;
    return true;
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
        fprintf(stderr, "dossier: refusing to write '%s': output paths must stay inside the output folder\n",
                relpath);
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
    arena_free(&o->arena);
    free(o);
}

bool outdir_commit(OutDir *o) {
    char *old = NULL;
    struct stat st;
    bool had_old = lstat(o->final_path, &st) == 0;
    if (had_old) {
        old = unique_sibling(o->final_path, "old");
        if (rename(o->final_path, old) != 0) {
            fprintf(stderr, "dossier: cannot move the previous %s aside: %s\n", o->final_path, strerror(errno));
            free(old);
            outdir_abort(o);
            return false;
        }
    }
    if (rename(o->tmp_path, o->final_path) != 0) {
        fprintf(stderr, "dossier: cannot move the new output into %s: %s\n", o->final_path, strerror(errno));
        if (had_old && rename(old, o->final_path) != 0)
            fprintf(stderr, "dossier: the previous output is kept in %s\n", old);
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
    fs_remove_tree(o->tmp_path);
    outdir_free(o);
}
