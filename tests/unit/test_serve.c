/* test_serve.c: the loopback server that shows build --pdf's browser the
 * temporary output folder (emit/serve.c): the files below the folder and
 * nothing else, whatever the path says (.., escaped slashes, symbolic
 * links, folders, FIFOs, a wrong prefix or host), GET and HEAD only, the
 * security headers on every answer, and nothing listening once stopped. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "emit/serve.h"
#include "test.h"

#define SCRATCH "tests/tmp/serve"
#define MARKER "SECRET-OUTSIDE-THE-FOLDER"

static void put(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Sends req to the server, returns what came back (heap, NUL-terminated)
 * once it closed the connection, or NULL when it could not connect. */
static char *ask(unsigned port, const char *req) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    struct timeval tv = {5, 0}; /* a hang is a failure, not a stuck suite */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
        close(fd);
        return NULL;
    }
    size_t len = 0, cap = 4096;
    char *out = xmalloc(cap);
    for (ssize_t n; (n = read(fd, out + len, cap - len - 1)) > 0;) {
        len += (size_t)n;
        if (cap - len < 2) out = xrealloc(out, cap *= 2);
    }
    out[len] = 0;
    close(fd);
    return out;
}

/* The status of an answer, 0 when there is none. */
static int status(const char *answer) {
    int code = 0;
    return answer && sscanf(answer, "HTTP/1.%*d %d", &code) == 1 ? code : 0;
}

/* The answer's body: after the blank line ending the headers. */
static const char *body(const char *answer) {
    const char *end = answer ? strstr(answer, "\r\n\r\n") : NULL;
    return end ? end + 4 : "";
}

static unsigned port;
static char host[64], token[64]; /* copies: the server's own go with it */

/* GET (or another method) of target, with the right Host. */
static char *get(const char *method, const char *target) {
    char req[1024];
    snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method,
             target, host);
    return ask(port, req);
}

/* Checks that target is answered with want and never with the marker. */
static void refused(const char *name, const char *target, int want) {
    char *r = get("GET", target);
    char label[256];
    snprintf(label, sizeof label, "server: %s: %d", name, want);
    CHECK(label, status(r) == want);
    snprintf(label, sizeof label, "server: %s: nothing of the file outside", name);
    CHECK(label, r && !strstr(r, MARKER));
    free(r);
}

static void check_open(int root) {
    int fd = serve_open(root, "index.html");
    CHECK("open: a file of the folder", fd >= 0);
    if (fd >= 0) close(fd);
    fd = serve_open(root, "sub/style.css");
    CHECK("open: a file in a subfolder", fd >= 0);
    if (fd >= 0) close(fd);
    fd = serve_open(root, "a%20b.png");
    CHECK("open: an escaped space", fd >= 0);
    if (fd >= 0) close(fd);
    static const char *const malformed[] = {
        "../secret.txt",
        "sub/../../secret.txt",
        "%2e%2e/secret.txt",
        "%2E%2E/secret.txt",
        "sub/%2e%2e/index.html",
        "./index.html",
        "sub%2fstyle.css",
        "sub%2Fstyle.css",
        "sub%5cstyle.css",
        "sub\\style.css",
        "index.html%00.png",
        "%zz",
        "index.html%2",
        "",
        "sub/",
        "sub//style.css",
        "/index.html",
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        errno = 0;
        fd = serve_open(root, malformed[i]);
        char label[128];
        snprintf(label, sizeof label, "open: refused as it stands: '%s'", malformed[i]);
        CHECK(label, fd < 0 && errno == EINVAL);
        if (fd >= 0) close(fd);
    }
    static const char *const unreachable[] = {
        "link.html", "linkdir/secret.txt", "sub/link.css",       "sub",
        "fifo",      "missing.html",       "sub/missing/x.html", "index.html/x",
    };
    for (size_t i = 0; i < sizeof unreachable / sizeof unreachable[0]; i++) {
        fd = serve_open(root, unreachable[i]);
        char label[128];
        snprintf(label, sizeof label, "open: no regular file reached without a link: '%s'",
                 unreachable[i]);
        CHECK(label, fd < 0 && errno != EINVAL && errno != 0);
        if (fd >= 0) close(fd);
    }
    char longname[400];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK("open: a component longer than a name can be", serve_open(root, longname) < 0);
}

static void check_types(void) {
    CHECK_STR("type: html", serve_type("public/whitepaper.html"), "text/html; charset=utf-8");
    CHECK_STR("type: css", serve_type("a/print.css"), "text/css; charset=utf-8");
    CHECK_STR("type: png, any case", serve_type("x.PNG"), "image/png");
    CHECK_STR("type: svg", serve_type("x.svg"), "image/svg+xml");
    CHECK_STR("type: unknown", serve_type("x.bin"), "application/octet-stream");
    CHECK_STR("type: no extension, a dot in a folder", serve_type("a.html/x"),
              "application/octet-stream");
}

static void check_server(const char *root) {
    FolderServer *s = serve_start(root);
    CHECK("server: starts", s != NULL);
    if (!s) return;
    snprintf(host, sizeof host, "%s", serve_host(s));
    CHECK("server: on 127.0.0.1", strncmp(host, "127.0.0.1:", 10) == 0);
    port = (unsigned)atoi(host + 10);
    const char *base = serve_base(s);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "http://%s/", host);
    CHECK("server: base is the host and a prefix",
          strncmp(base, prefix, strlen(prefix)) == 0 && strlen(base) > strlen(prefix) + 16);
    snprintf(token, sizeof token, "%s", base + strlen(prefix) - 1); /* "/TOKEN" */
    char target[512];

    snprintf(target, sizeof target, "%s/index.html", token);
    char *r = get("GET", target);
    CHECK("server: GET a page: 200", status(r) == 200);
    CHECK_STR("server: GET a page: its bytes", body(r), "<h1>page</h1>\n");
    CHECK("server: Content-Type", r && strstr(r, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
    CHECK("server: Content-Security-Policy",
          r && strstr(r, "\r\nContent-Security-Policy: default-src 'self' data:;"));
    CHECK("server: CSP: no plugins", r && strstr(r, "object-src 'none'"));
    CHECK("server: CSP: no framing by another origin", r && strstr(r, "frame-ancestors 'self'"));
    CHECK("server: X-Content-Type-Options",
          r && strstr(r, "\r\nX-Content-Type-Options: nosniff\r\n"));
    free(r);
    r = get("HEAD", target);
    CHECK("server: HEAD: 200 without a body", status(r) == 200 && !*body(r));
    free(r);
    snprintf(target, sizeof target, "%s/sub/style.css", token);
    r = get("GET", target);
    CHECK("server: a stylesheet as text/css",
          status(r) == 200 && strstr(r, "Content-Type: text/css; charset=utf-8"));
    free(r);
    snprintf(target, sizeof target, "%s/a%%20b.png", token);
    r = get("GET", target);
    CHECK("server: an escaped name, as image/png",
          status(r) == 200 && strstr(r, "Content-Type: image/png"));
    free(r);
    snprintf(target, sizeof target, "%s/index.html?x=1", token);
    r = get("GET", target);
    CHECK("server: a query is not part of the name", status(r) == 200);
    free(r);

    static const struct {
        const char *name, *path;
        int status;
    } bad[] = {
        {"..", "/../secret.txt", 400},
        {".. after a folder", "/sub/../../secret.txt", 400},
        {"escaped ..", "/%2e%2e/secret.txt", 400},
        {"escaped slash", "/sub%2Fstyle.css", 400},
        {"escaped backslash", "/sub%5Cstyle.css", 400},
        {"escaped NUL", "/index.html%00", 400},
        {"the folder itself", "/", 400},
        {"a symbolic link to a file outside", "/link.html", 404},
        {"through a symbolic link to a folder", "/linkdir/secret.txt", 404},
        {"a symbolic link inside", "/sub/link.css", 404},
        {"a folder", "/sub", 404},
        {"a FIFO", "/fifo", 404},
        {"a missing file", "/missing.html", 404},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(target, sizeof target, "%s%s", token, bad[i].path);
        refused(bad[i].name, target, bad[i].status);
    }
    refused("without the prefix", "/index.html", 404);
    refused("outside the prefix", "/../secret.txt", 404);
    refused("a wrong prefix", "/00000000000000000000000000000000/index.html", 404);
    snprintf(target, sizeof target, "%.*s/index.html", (int)strlen(token) - 1, token);
    refused("a prefix one short", target, 404);
    snprintf(target, sizeof target, "http://%s%s/../secret.txt", host, token);
    r = get("GET", target);
    CHECK("server: an absolute-form .. : not answered with a file",
          status(r) >= 400 && !strstr(r, MARKER));
    free(r);

    snprintf(target, sizeof target, "%s/index.html", token);
    static const char *const methods[] = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        r = get(methods[i], target);
        char label[64];
        snprintf(label, sizeof label, "server: %s: 405, Allow: GET, HEAD", methods[i]);
        CHECK(label, status(r) == 405 && strstr(r, "\r\nAllow: GET, HEAD\r\n") &&
                         !strstr(r, "<h1>page</h1>"));
        free(r);
    }
    char req[1024];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: dossier.example\r\nConnection: close\r\n\r\n", target);
    r = ask(port, req);
    CHECK("server: another Host: 400", status(r) == 400);
    free(r);
    snprintf(req, sizeof req, "GET %s HTTP/1.0\r\n\r\n", target);
    r = ask(port, req);
    CHECK("server: no Host: 400", status(r) == 400);
    free(r);

    serve_stop(s);
    r = get("GET", "/");
    CHECK("server: nothing listens once stopped", r == NULL);
    free(r);
}

int main(void) {
    fs_remove_tree(SCRATCH);
    fs_mkdirs(SCRATCH "/root/sub");
    put(SCRATCH "/secret.txt", MARKER "\n");
    put(SCRATCH "/root/index.html", "<h1>page</h1>\n");
    put(SCRATCH "/root/sub/style.css", "h1 { color: black }\n");
    put(SCRATCH "/root/a b.png", "\x89PNG\r\n");
    bool setup = symlink("../secret.txt", SCRATCH "/root/link.html") == 0 &&
                 symlink("..", SCRATCH "/root/linkdir") == 0 &&
                 symlink("style.css", SCRATCH "/root/sub/link.css") == 0 &&
                 mkfifo(SCRATCH "/root/fifo", 0600) == 0;
    CHECK("setup: links and a FIFO", setup);
    char *root = realpath(SCRATCH "/root", NULL);
    int fd = root ? open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    CHECK("setup: the folder", fd >= 0);
    if (fd >= 0) {
        check_open(fd);
        close(fd);
    }
    check_types();
    if (root) check_server(root);
    free(root);
    fs_remove_tree(SCRATCH);
    TEST_DONE();
}
