/* fs.c: the file system as the pipeline needs it: whole-file reads with a
 * size limit, sorted recursive listings that never follow links, mkdir -p
 * and rm -rf. Part of base/. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

bool fs_read_fd(int fd, size_t max, char **data, size_t *len) {
    struct stat st;
    if (fstat(fd, &st) != 0) return false;
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return false;
    }
    if ((size_t)st.st_size > max) {
        errno = EFBIG;
        return false;
    }
    size_t cap = (size_t)st.st_size + 2, n = 0; /* room to see the end of the file */
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max + 1) {
                free(buf);
                errno = EFBIG;
                return false;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            errno = e;
            return false;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return true;
}

/* Reads the open file fd whole, as fs_read, and closes it. */
static bool read_fd(int fd, size_t max, char **data, size_t *len) {
    bool ok = fs_read_fd(fd, max, data, len);
    int e = errno;
    close(fd);
    errno = e;
    return ok;
}

bool fs_read(const char *path, size_t max, char **data, size_t *len) {
    /* O_NONBLOCK: a FIFO put where a file was does not hang the open */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return false;
    return read_fd(fd, max, data, len);
}

bool fs_read_below(const char *root, const char *rel, size_t max, char **data, size_t *len) {
    if (!rel[0] || rel[0] == '/') {
        errno = EINVAL;
        return false;
    }
    int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return false;
    const char *p = rel;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || n >= 256 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.')) {
            close(dir);
            errno = EINVAL;
            return false;
        }
        char part[256];
        memcpy(part, p, n);
        part[n] = 0;
        /* O_NOFOLLOW on every part: a folder swapped for a link is refused (ELOOP) */
        int next = openat(dir, part,
                          O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (slash ? O_DIRECTORY : O_NONBLOCK));
        int e = errno;
        close(dir);
        if (next < 0) {
            errno = e;
            return false;
        }
        if (!slash) return read_fd(next, max, data, len); /* refuses all but a regular file */
        dir = next;
        p = slash + 1;
    }
}

typedef struct List {
    Arena *a;
    const char **items;
    size_t n, cap;
    bool links; /* collect the symbolic links instead of the regular files */
} List;

static void list_walk(List *l, const char *base, const char *rel) {
    char *dir = rel[0] ? fs_join(l->a, base, rel) : (char *)base;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue; /* ., .., and hidden files */
        char *sub = rel[0] ? fs_join(l->a, rel, e->d_name) : arena_strdup(l->a, e->d_name);
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            /* a folder a build made (its stamp inside) is output, never input */
            struct stat stamp;
            char *mark = arena_printf(l->a, "%s/%s", e->d_name, FS_OUTPUT_STAMP);
            if (fstatat(dirfd(d), mark, &stamp, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(stamp.st_mode))
                continue;
            list_walk(l, base, sub);
        } else if (l->links ? S_ISLNK(st.st_mode) : S_ISREG(st.st_mode)) {
            if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 64;
                l->items = arena_grow(l->a, l->items, l->cap, cap, sizeof *l->items);
                l->cap = cap;
            }
            l->items[l->n++] = sub;
        }
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t list(Arena *a, const char *dir, const char ***out, bool links) {
    List l = {a, NULL, 0, 0, links};
    list_walk(&l, dir, "");
    if (l.n > 1) qsort(l.items, l.n, sizeof *l.items, cmp_str);
    *out = l.items;
    return l.n;
}

size_t fs_list(Arena *a, const char *dir, const char ***out) {
    return list(a, dir, out, false);
}

size_t fs_list_links(Arena *a, const char *dir, const char ***out) {
    return list(a, dir, out, true);
}

bool fs_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool fs_write_all(int fd, const void *data, size_t len) {
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += w;
        len -= (size_t)w;
    }
    return true;
}

bool fs_mkdirs(const char *path) {
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            errno = e;
            return false;
        }
        *s = '/';
    }
    bool ok = mkdir(p, 0777) == 0 || errno == EEXIST;
    int e = errno;
    free(p);
    errno = e;
    return ok;
}

bool fs_remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT;
    if (!S_ISDIR(st.st_mode)) return unlink(path) == 0;
    DIR *d = opendir(path);
    if (!d) return false;
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *sub = xmalloc(n);
        snprintf(sub, n, "%s/%s", path, e->d_name);
        if (!fs_remove_tree(sub)) ok = false;
        free(sub);
    }
    closedir(d);
    if (rmdir(path) != 0) ok = false;
    return ok;
}

bool fs_temp_folder(const char *what, char **path) {
    const char *t = getenv("TMPDIR");
    size_t tl = t && t[0] == '/' ? strlen(t) : 0;
    while (tl > 1 && t[tl - 1] == '/')
        tl--;
    if (!tl) t = "/tmp", tl = 4;
    size_t n = tl + strlen(what) + sizeof "/dossier--XXXXXX";
    *path = xmalloc(n);
    snprintf(*path, n, "%.*s/dossier-%s-XXXXXX", (int)tl, t, what);
    return mkdtemp(*path) != NULL;
}

char *fs_join(Arena *a, const char *dir, const char *name) {
    size_t n = strlen(dir);
    if (n && dir[n - 1] == '/') return arena_printf(a, "%s%s", dir, name);
    return arena_printf(a, "%s/%s", dir, name);
}

char *fs_dirname(Arena *a, const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return arena_strdup(a, ".");
    if (slash == path) return arena_strdup(a, "/");
    return arena_strndup(a, path, (size_t)(slash - path));
}
