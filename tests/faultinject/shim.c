/* shim.c: a fault-injection shim for the tests (LD_PRELOAD). It makes one
 * kind of call fail, with the errno asked for, from the Nth call of that
 * kind on, or only on paths that contain a given text:
 *
 *   FAULT_CALL   open, write, rename, renameat2, mkdir, malloc, fork (the
 *                fork fails with EAGAIN) or forkkill (the fork succeeds
 *                and the child ends at once by SIGKILL)
 *   FAULT_AT     the first call that fails, counting from 1 (default 1)
 *   FAULT_PATH   only calls whose path contains this (open, rename, mkdir)
 *   FAULT_TIMES  how many calls fail from there (default: all that follow)
 *   FAULT_ERRNO  ENOSPC (default), EIO, EACCES or EROFS; malloc fails
 *                with ENOMEM
 *   FAULT_REPORT a file to which, at exit, the number of calls of the
 *                FAULT_CALL kind is written (with FAULT_AT 0: none fails)
 *   FAULT_ARM_PATH  calls are neither counted nor failed until an open()
 *                of a path containing this (the dossier's folder, opened
 *                once the schemas are compiled), so the points a test picks
 *                fall in the build, not in libxml2 compiling an XSD
 *   FAULT_NO_EXCHANGE  set: renameat2 answers EINVAL, as on a file system
 *                without atomic exchange, so the two-rename path runs
 *
 * Built by tests/cases/faults.sh; not part of dossier. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long count;

static int fault_errno(void) {
    const char *e = getenv("FAULT_ERRNO");
    if (!e || strcmp(e, "ENOSPC") == 0) return ENOSPC;
    if (strcmp(e, "EIO") == 0) return EIO;
    if (strcmp(e, "EACCES") == 0) return EACCES;
    if (strcmp(e, "EROFS") == 0) return EROFS;
    return ENOSPC;
}

/* Whether this call of kind `call` on path (may be NULL) fails. */
static int armed = -1; /* -1: not known yet */

static int fails(const char *call, const char *path) {
    if (armed < 0) armed = getenv("FAULT_ARM_PATH") == NULL;
    if (!armed) return 0;
    const char *which = getenv("FAULT_CALL");
    if (!which || strcmp(which, call) != 0) return 0;
    const char *part = getenv("FAULT_PATH");
    if (part && (!path || !strstr(path, part))) return 0;
    const char *at = getenv("FAULT_AT");
    long first = at ? atol(at) : 1;
    if (++count < first || first <= 0) return 0;
    const char *times = getenv("FAULT_TIMES");
    if (times && count >= first + atol(times)) return 0;
    errno = fault_errno();
    return 1;
}

int open(const char *path, int flags, ...) {
    static int (*real)(const char *, int, ...);
    if (!real) real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (armed <= 0) {
        const char *arm = getenv("FAULT_ARM_PATH");
        armed = !arm || (path && strstr(path, arm));
    }
    if ((flags & O_CREAT) && fails("open", path)) return -1;
    return real(path, flags, mode);
}

ssize_t write(int fd, const void *buf, size_t n) {
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (fd > 2 && fails("write", NULL)) return -1;
    return real(fd, buf, n);
}

int rename(const char *from, const char *to) {
    static int (*real)(const char *, const char *);
    if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (fails("rename", to)) return -1;
    return real(from, to);
}

int renameat2(int from_dir, const char *from, int to_dir, const char *to, unsigned flags) {
    static int (*real)(int, const char *, int, const char *, unsigned);
    if (!real) real = (int (*)(int, const char *, int, const char *, unsigned))dlsym(RTLD_NEXT, "renameat2");
    if (getenv("FAULT_NO_EXCHANGE")) {
        errno = EINVAL;
        return -1;
    }
    if (fails("renameat2", to)) return -1;
    return real(from_dir, from, to_dir, to, flags);
}

int mkdir(const char *path, mode_t mode) {
    static int (*real)(const char *, mode_t);
    if (!real) real = (int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "mkdir");
    if (fails("mkdir", path)) return -1;
    return real(path, mode);
}

pid_t fork(void) {
    static pid_t (*real)(void);
    if (!real) real = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
    if (fails("fork", NULL)) {
        errno = EAGAIN;
        return -1;
    }
    int kill_child = fails("forkkill", NULL);
    pid_t pid = real();
    if (pid == 0 && kill_child) raise(SIGKILL);
    return pid;
}

/* malloc through glibc's own entry, so the shim needs no dlsym (which
 * allocates) to find it. */
extern void *__libc_malloc(size_t n);

void *malloc(size_t n) {
    static int inside;
    if (!inside) {
        inside = 1;
        int f = fails("malloc", NULL);
        inside = 0;
        if (f) {
            errno = ENOMEM; /* what a failing malloc sets, whatever FAULT_ERRNO says */
            return NULL;
        }
    }
    return __libc_malloc(n);
}

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("FAULT_REPORT");
    if (!path) return;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    char buf[32];
    int n = 0;
    long c = count;
    char tmp[32];
    do tmp[n++] = (char)('0' + c % 10); while ((c /= 10) > 0);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n++] = '\n';
    write(fd, buf, (size_t)n);
    close(fd);
}
