/* serve.c: the temporary output folder served to the PDF engine (emit/).
 * A file: page may load any file: URL, so Chromium prints from
 * http://127.0.0.1:PORT/TOKEN/ instead: a page from there cannot load
 * file: URLs at all, and this server hands out only the regular files
 * below the folder, reached without following a symbolic link. HTTP itself
 * is libmicrohttpd's; this file is its only includer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "../base/base.h"
#include "serve.h"

enum {
    TOKEN_BYTES = 16,       /* the random path prefix, as 32 hex digits */
    MAX_CONNECTIONS = 64,   /* a few Chromiums with a few connections each */
    CONNECTION_SECONDS = 60 /* an idle connection is closed after this */
};

/* What a page may load: its own folder's files and data: URLs; styles may
 * be inline (the layouts set the running header on <html style>, the
 * whitepaper carries its stylesheet), scripts may not; no plugin, no
 * <base>, no form, and no framing by another origin. */
static const char CSP[] =
    "default-src 'self' data:; script-src 'self'; style-src 'self' 'unsafe-inline' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

struct FolderServer {
    struct MHD_Daemon *daemon;
    int root;                        /* the folder, open */
    char token[2 * TOKEN_BYTES + 1]; /* hex */
    char host[32];                   /* 127.0.0.1:PORT */
    char base[64 + 2 * TOKEN_BYTES]; /* http://127.0.0.1:PORT/TOKEN */
};

static const struct {
    const char *ext, *type;
} types[] = {
    {"atom", "application/atom+xml"},
    {"avif", "image/avif"},
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"gif", "image/gif"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/vnd.microsoft.icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xml", "application/xml"},
};

const char *serve_type(const char *path) {
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot + 1, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes the path component at *p into name (NUL-terminated) and moves
 * *p past it; false when the component is refused. */
static bool component(const char **p, char name[static 256]) {
    size_t n = 0;
    const char *q = *p;
    for (; *q && *q != '/'; q++) {
        int c = (unsigned char)*q;
        if (c == '%') {
            int hi = hex_digit(q[1]), lo = hi < 0 ? -1 : hex_digit(q[2]);
            if (lo < 0) return false;
            c = hi * 16 + lo;
            q += 2;
        }
        if (c == 0 || c == '/' || c == '\\' || n == 255) return false;
        name[n++] = (char)c;
    }
    name[n] = 0;
    *p = q;
    return n > 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int serve_open(int root_fd, const char *path) {
    int dir = root_fd;
    for (const char *p = path;; p++) {
        char name[256]; /* NAME_MAX + 1 */
        if (!component(&p, name)) {
            if (dir != root_fd) close(dir);
            errno = EINVAL;
            return -1;
        }
        bool last = !*p;
        int flags =
            O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK | O_NOCTTY : O_DIRECTORY);
        int fd = openat(dir, name, flags);
        int err = errno;
        if (dir != root_fd) close(dir);
        if (fd < 0) {
            errno = err;
            return -1;
        }
        if (!last) {
            dir = fd;
            continue;
        }
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            close(fd);
            errno = ENOENT;
            return -1;
        }
        return fd;
    }
}

/* MHD undoes percent escapes in the path before the handler sees it, so
 * "a%2Fb" would arrive as "a/b"; the path is kept as sent instead, and
 * serve_open undoes the escapes per component. */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s) {
    return strlen(s);
}

/* Queues a response with the headers every answer carries; takes r. */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
                             const char *type) {
    if (!r) return MHD_NO;
    bool ok =
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) == MHD_YES &&
        MHD_add_response_header(r, "Content-Security-Policy", CSP) == MHD_YES &&
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
        MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin") == MHD_YES &&
        MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES &&
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES &&
        (status != MHD_HTTP_METHOD_NOT_ALLOWED ||
         MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") == MHD_YES);
    enum MHD_Result queued =
        ok ? MHD_queue_response(c, status, r) : MHD_NO; /* no answer without its headers */
    MHD_destroy_response(r);
    return queued;
}

static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *text) {
    return reply(
        c, status,
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT),
        "text/plain; charset=utf-8");
}

/* One request, on the server's thread: touches only the read-only fields
 * of s and its own stack. */
static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **state) {
    const FolderServer *s = cls;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return refuse(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET and HEAD only\n");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!host || strcmp(host, s->host) != 0) return refuse(c, MHD_HTTP_BAD_REQUEST, "wrong host\n");
    /* "/TOKEN/": compared in full whatever differs, so the time taken
     * tells nothing of it */
    size_t tl = strlen(s->token);
    if (strnlen(url, tl + 2) < tl + 2 || url[0] != '/' || url[tl + 1] != '/')
        return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
    unsigned diff = 0;
    for (size_t i = 0; i < tl; i++)
        diff |= (unsigned char)(url[1 + i] ^ s->token[i]);
    if (diff) return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
    const char *path = url + tl + 2;
    int fd = serve_open(s->root, path);
    if (fd < 0)
        return errno == EINVAL ? refuse(c, MHD_HTTP_BAD_REQUEST, "refused path\n")
                               : refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
    }
    struct MHD_Response *r =
        MHD_create_response_from_fd64((uint64_t)st.st_size, fd); /* owns fd from here */
    if (!r) close(fd);
    return reply(c, MHD_HTTP_OK, r, serve_type(path));
}

FolderServer *serve_start(const char *root) {
    FolderServer *s = xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->root = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->root < 0) {
        fprintf(stderr, "dossier: --pdf: cannot open %s: %s\n", root, strerror(errno));
        free(s);
        return NULL;
    }
    unsigned char bytes[TOKEN_BYTES];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
        fprintf(stderr, "dossier: --pdf: no random bytes for the server's path: %s\n",
                strerror(errno));
        close(s->root);
        free(s);
        return NULL;
    }
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(s->token + 2 * i, 3, "%02x", bytes[i]);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; /* the kernel picks */
    /* its own thread; each option with its value(s) on a line */
    s->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, answer, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_SECONDS, MHD_OPTION_UNESCAPE_CALLBACK,
        keep_escapes, NULL, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
    const union MHD_DaemonInfo *info =
        s->daemon ? MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info || info->port == 0) {
        fprintf(stderr,
                "dossier: --pdf: cannot serve the output folder on 127.0.0.1 to the browser "
                "(libmicrohttpd could not start)\n");
        if (s->daemon) MHD_stop_daemon(s->daemon);
        close(s->root);
        free(s);
        return NULL;
    }
    snprintf(s->host, sizeof s->host, "127.0.0.1:%u", (unsigned)info->port);
    snprintf(s->base, sizeof s->base, "http://%s/%s", s->host, s->token);
    return s;
}

const char *serve_host(const FolderServer *s) {
    return s->host;
}

const char *serve_base(const FolderServer *s) {
    return s->base;
}

void serve_stop(FolderServer *s) {
    if (!s) return;
    MHD_stop_daemon(s->daemon);
    close(s->root);
    free(s);
}
