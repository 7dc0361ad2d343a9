/* preview.c: `dossier serve`, the preview loop (emit/). Builds the dossier
 * into its output folder, serves that folder on 127.0.0.1 (libmicrohttpd,
 * its own thread), watches the dossier with inotify and builds again after
 * every change. Each build is the installed binary itself, run as
 * `dossier build DIR -o OUT --fail-on none` in a child process: the same
 * sandbox, limits, output-folder safety and atomic swap as any build, so a
 * failed build leaves the last good output in place and serve keeps
 * serving it. Every HTML page gets one script, /__dossier/live.js, which
 * polls /__dossier/state: it reloads the page when a build finished and
 * shows the current findings, or the error of a failed build, as a banner.
 * Files are opened per request below the output folder (serve_open: no
 * "..", no link followed), so a swapped folder is seen at once. Stops
 * cleanly on SIGINT, SIGTERM and SIGHUP (the terminal closing). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "emit.h"
#include "serve.h"

enum {
    MAX_MESSAGES = 64 * 1024,        /* of a build's stderr kept for the banner */
    MAX_PAGE = 64 * 1024 * 1024,     /* an HTML page read to add the script */
    MAX_WATCHES = 8192,              /* folders of the dossier watched */
    QUIET_MS = 150,                  /* no change for this long: build */
    PREVIEW_CONNECTIONS = 64,        /* a few browser tabs */
    PREVIEW_CONNECTION_SECONDS = 60, /* an idle connection is closed after this */
};

/* What a page may load: its own origin's files (the site's, and live.js)
 * and fetch /__dossier/state. */
static const char CSP[] =
    "default-src 'self' data:; script-src 'self'; style-src 'self' 'unsafe-inline' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'";

static const char LIVE_JS[] =
    "// dossier serve: reloads the page after each build and shows the findings.\n"
    "(function () {\n"
    "  var seen = null;\n"
    "  function show(s) {\n"
    "    var b = document.getElementById('dossier-preview');\n"
    "    if (!b) {\n"
    "      b = document.createElement('div');\n"
    "      b.id = 'dossier-preview';\n"
    "      b.setAttribute('role', 'status');\n"
    "      b.style.cssText = 'position:sticky;top:0;z-index:1000;padding:.4rem .8rem;"
    "font:14px system-ui,sans-serif;border-bottom:1px solid #8a96a3';\n"
    "      document.body.insertBefore(b, document.body.firstChild);\n"
    "    }\n"
    "    b.className = s.ok ? 'dossier-preview-ok' : 'dossier-preview-failed';\n"
    "    b.style.background = s.ok ? (s.errors ? '#fff4e0' : '#eef6ee') : '#fde7e7';\n"
    "    b.textContent = '';\n"
    "    var line = document.createElement('strong');\n"
    "    line.textContent = s.ok ? ('Preview: ' + s.summary) :\n"
    "      ('The last build failed; this is the last good output. ' + s.summary);\n"
    "    b.appendChild(line);\n"
    "    if (s.messages) {\n"
    "      var d = document.createElement('details');\n"
    "      if (!s.ok) d.open = true;\n"
    "      var m = document.createElement('summary');\n"
    "      m.textContent = s.ok ? 'Findings' : 'What the build said';\n"
    "      var p = document.createElement('pre');\n"
    "      p.style.cssText = 'white-space:pre-wrap;max-height:40vh;overflow:auto;margin:.3rem 0';\n"
    "      p.textContent = s.messages;\n"
    "      d.appendChild(m);\n"
    "      d.appendChild(p);\n"
    "      b.appendChild(d);\n"
    "    }\n"
    "  }\n"
    "  function poll() {\n"
    "    fetch('/__dossier/state', {cache: 'no-store'}).then(function (r) { return r.json(); })\n"
    "      .then(function (s) {\n"
    "        if (seen !== null && s.generation !== seen) { location.reload(); return; }\n"
    "        seen = s.generation;\n"
    "        show(s);\n"
    "      }).catch(function () {}).finally(function () { setTimeout(poll, 400); });\n"
    "  }\n"
    "  poll();\n"
    "})();\n";

typedef struct Preview {
    const PreviewOptions *o;
    char out[PATH_MAX]; /* the output folder, absolute */
    char host[2][64];   /* 127.0.0.1:PORT, localhost:PORT: the only Host values answered */
    pthread_mutex_t lock;
    unsigned long generation; /* builds that changed the output, or failed */
    bool ok;                  /* the last build succeeded */
    char *summary;            /* "2 errors, 1 warning, 0 notes" or why the build failed */
    char *messages;           /* what the last build printed (findings, errors) */
    int wd_dir[MAX_WATCHES];
    char *wd_path[MAX_WATCHES];
    size_t nwatches;
} Preview;

static volatile sig_atomic_t stop_signal;
static int wake_pipe[2] = {-1, -1};

static void on_signal(int sig) {
    stop_signal = sig;
    if (wake_pipe[1] >= 0) {
        int saved = errno;
        (void)!write(wake_pipe[1], "x", 1);
        errno = saved;
    }
}

/* ---- builds ------------------------------------------------------------------ */

/* Runs `dossier build` in a child with its stderr to a pipe; fills the
 * state under the lock. Returns the child's exit code (-1: not started). */
static int build(Preview *p) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    exe[n] = 0;
    char jobs[24];
    snprintf(jobs, sizeof jobs, "%ld", p->o->jobs);
    char *argv[12];
    size_t k = 0;
    argv[k++] = exe;
    argv[k++] = "build";
    argv[k++] = (char *)p->o->dir;
    argv[k++] = "-o";
    argv[k++] = p->out;
    argv[k++] = "--fail-on";
    argv[k++] = "none";
    if (p->o->jobs > 0) {
        argv[k++] = "--jobs";
        argv[k++] = jobs;
    }
    argv[k] = NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        execv(exe, argv);
        _exit(127);
    }
    close(fds[1]);
    StrBuf said;
    sb_init(&said);
    char buf[4096];
    ssize_t got;
    while ((got = read(fds[0], buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR && !stop_signal) continue;
            if (errno == EINTR) kill(pid, SIGTERM); /* serve is stopping: so is the build */
            if (errno != EINTR) break;
            continue;
        }
        if (said.len < MAX_MESSAGES)
            sb_append(&said, buf,
                      (size_t)got < MAX_MESSAGES - said.len ? (size_t)got
                                                            : MAX_MESSAGES - said.len);
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    int rc = WIFEXITED(status) ? WEXITSTATUS(status)
                               : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    sb_putc(&said, 0);
    said.len--;
    /* the build's own count line, "dossier: 2 errors, 1 warning, 0 notes" */
    const char *count = NULL;
    for (const char *q = said.data; q && (q = strstr(q, "dossier: ")); q++)
        if (strstr(q, " error") && strstr(q, " warning") && strchr(q, ',') &&
            (size_t)(strchr(q, '\n') ? strchr(q, '\n') - q : (ptrdiff_t)strlen(q)) < 80) {
            count = q + 9;
            break;
        }
    char summary[256];
    size_t clen = count ? strcspn(count, "\n") : 0;
    if (rc == 0)
        snprintf(summary, sizeof summary, "%.*s (findings.html lists them)", (int)clen,
                 count ? count : "built");
    else
        snprintf(summary, sizeof summary, "The build exited with status %d.", rc);
    pthread_mutex_lock(&p->lock);
    p->generation++;
    p->ok = rc == 0;
    free(p->summary);
    free(p->messages);
    p->summary = strdup(summary);
    p->messages = strdup(said.data ? said.data : "");
    pthread_mutex_unlock(&p->lock);
    if (p->o->verbosity >= 1) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        fprintf(stderr, "dossier serve: %02d:%02d:%02d %s%s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
                rc == 0 ? "built: " : "build failed: ", rc == 0 ? summary : "");
        if (rc != 0) fputs(said.data ? said.data : "", stderr);
    }
    sb_free(&said);
    return rc;
}

/* ---- the server --------------------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
                             const char *type) {
    if (!r) return MHD_NO;
    bool ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) == MHD_YES &&
              MHD_add_response_header(r, "Content-Security-Policy", CSP) == MHD_YES &&
              MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
              MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES &&
              MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES;
    enum MHD_Result queued = ok ? MHD_queue_response(c, status, r) : MHD_NO;
    MHD_destroy_response(r);
    return queued;
}

static enum MHD_Result text_reply(struct MHD_Connection *c, unsigned status, const char *text,
                                  const char *type) {
    return reply(c, status,
                 MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY),
                 type);
}

static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s) {
    return strlen(s);
}

static enum MHD_Result state_reply(Preview *p, struct MHD_Connection *c) {
    json_t *o = json_object();
    pthread_mutex_lock(&p->lock);
    json_object_set_new(o, "generation", json_integer((json_int_t)p->generation));
    json_object_set_new(o, "ok", json_boolean(p->ok));
    json_object_set_new(o, "summary", json_string(p->summary ? p->summary : ""));
    json_t *m = json_string(p->messages ? p->messages : "");
    json_object_set_new(o, "messages", m ? m : json_string("(not UTF-8)"));
    const char *s = p->summary ? p->summary : "";
    json_object_set_new(o, "errors", json_boolean(p->ok && strncmp(s, "0 errors", 8) != 0));
    pthread_mutex_unlock(&p->lock);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text) return MHD_NO;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) free(text);
    return reply(c, MHD_HTTP_OK, r, "application/json");
}

/* An HTML page with live.js added before </head> (else at the start). */
static enum MHD_Result page_reply(struct MHD_Connection *c, int fd, size_t size) {
    static const char tag[] = "<script src=\"/__dossier/live.js\" defer></script>";
    char *buf = size < MAX_PAGE ? malloc(size + sizeof tag) : NULL;
    size_t got = 0;
    while (buf && got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(fd);
    if (!buf || got != size) {
        free(buf);
        return text_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the page\n",
                          "text/plain; charset=utf-8");
    }
    size_t at = 0;
    for (size_t i = 0; i + 7 <= got; i++)
        if (strncasecmp(buf + i, "</head>", 7) == 0) {
            at = i;
            break;
        }
    memmove(buf + at + sizeof tag - 1, buf + at, got - at);
    memcpy(buf + at, tag, sizeof tag - 1);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(got + sizeof tag - 1, buf, MHD_RESPMEM_MUST_FREE);
    if (!r) free(buf);
    return reply(c, MHD_HTTP_OK, r, "text/html; charset=utf-8");
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **state) {
    Preview *p = cls;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return text_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET and HEAD only\n",
                          "text/plain; charset=utf-8");
    /* only the names of this machine's loopback: a page elsewhere that
     * points a name of its own at 127.0.0.1 is refused */
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!host || (strcmp(host, p->host[0]) != 0 && strcmp(host, p->host[1]) != 0))
        return text_reply(c, MHD_HTTP_BAD_REQUEST, "wrong host\n", "text/plain; charset=utf-8");
    if (strcmp(url, "/__dossier/state") == 0) return state_reply(p, c);
    if (strcmp(url, "/__dossier/live.js") == 0)
        return text_reply(c, MHD_HTTP_OK, LIVE_JS, "text/javascript; charset=utf-8");
    if (url[0] != '/')
        return text_reply(c, MHD_HTTP_BAD_REQUEST, "refused path\n", "text/plain; charset=utf-8");
    const char *path = url + 1;
    char index[PATH_MAX];
    size_t ul = strlen(path);
    if (ul == 0 || path[ul - 1] == '/') { /* a folder: its index.html */
        if (ul + 11 >= sizeof index)
            return text_reply(c, MHD_HTTP_NOT_FOUND, "not found\n", "text/plain; charset=utf-8");
        snprintf(index, sizeof index, "%sindex.html", path);
        path = index;
    }
    int root = open(p->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd = root >= 0 ? serve_open(root, path) : -1;
    int err = errno;
    if (root >= 0) close(root);
    if (fd < 0 && err != EINVAL && strncmp(serve_type(path), "text/html", 9) == 0)
        /* a page the last build did not write (its record broke, say): a page
         * of its own with the banner, which reloads once the record is back */
        return text_reply(c, MHD_HTTP_NOT_FOUND,
                          "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<title>Not in this build</title>\n"
                          "<script src=\"/__dossier/live.js\" defer></script>\n</head>\n<body>\n"
                          "<main>\n<h1>Not in this build</h1>\n<p>The last build wrote no such "
                          "page: its record may not have loaded (the banner says why). This page "
                          "reloads when a build writes it. <a href=\"/\">The overview</a>.</p>\n"
                          "</main>\n</body>\n</html>\n",
                          "text/html; charset=utf-8");
    if (fd < 0)
        return err == EINVAL
                   ? text_reply(c, MHD_HTTP_BAD_REQUEST, "refused path\n",
                                "text/plain; charset=utf-8")
                   : text_reply(c, MHD_HTTP_NOT_FOUND, "not found\n", "text/plain; charset=utf-8");
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return text_reply(c, MHD_HTTP_NOT_FOUND, "not found\n", "text/plain; charset=utf-8");
    }
    const char *type = serve_type(path);
    if (strncmp(type, "text/html", 9) == 0) return page_reply(c, fd, (size_t)st.st_size);
    struct MHD_Response *r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
    if (!r) close(fd);
    return reply(c, MHD_HTTP_OK, r, type);
}

/* ---- watching ------------------------------------------------------------------ */

/* Watches dir and every folder below it but hidden ones and the output
 * folder (its own swaps are no change of the dossier). */
static void watch_tree(Preview *p, int ino, const char *dir) {
    if (p->nwatches >= MAX_WATCHES) return;
    char real[PATH_MAX];
    if (!realpath(dir, real) || strcmp(real, p->out) == 0) return;
    int wd = inotify_add_watch(ino, dir,
                               IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                   IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW);
    if (wd < 0) return;
    p->wd_dir[p->nwatches] = wd;
    p->wd_path[p->nwatches++] = strdup(dir);
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        if (e->d_name[0] == '.' || e->d_type != DT_DIR)
            continue; /* a link is DT_LNK: not followed */
        char sub[PATH_MAX];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) < sizeof sub)
            watch_tree(p, ino, sub);
    }
    if (dh) closedir(dh);
}

static const char *watched_path(const Preview *p, int wd) {
    for (size_t i = 0; i < p->nwatches; i++)
        if (p->wd_dir[i] == wd) return p->wd_path[i];
    return NULL;
}

/* Reads the events waiting; true when one is a change of the dossier. A
 * new folder is watched too. */
static bool drain(Preview *p, int ino) {
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool changed = false;
    for (;;) {
        ssize_t n = read(ino, buf, sizeof buf);
        if (n <= 0) break;
        for (char *q = buf; q < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)q;
            q += sizeof *e + e->len;
            if (e->len && e->name[0] == '.') continue; /* editors' swap files, .git */
            if (e->mask & IN_IGNORED) continue;
            const char *dir = watched_path(p, e->wd);
            if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)) && dir && e->len) {
                char sub[PATH_MAX];
                snprintf(sub, sizeof sub, "%s/%s", dir, e->name);
                watch_tree(p, ino, sub);
            }
            changed = true;
        }
    }
    return changed;
}

/* ---- the loop ---------------------------------------------------------------------- */

static void preview_free(Preview *p, int ino) {
    if (ino >= 0) close(ino);
    for (size_t i = 0; i < p->nwatches; i++)
        free(p->wd_path[i]);
    p->nwatches = 0;
    free(p->summary);
    free(p->messages);
    p->summary = p->messages = NULL;
    pthread_mutex_destroy(&p->lock);
}

int preview_run(const PreviewOptions *o) {
    Preview p;
    memset(&p, 0, sizeof p);
    p.o = o;
    pthread_mutex_init(&p.lock, NULL);
    /* an empty folder is one every build may fill (docs/hardening.md) */
    if ((!fs_mkdirs(o->out) && errno != EEXIST) || !realpath(o->out, p.out)) {
        fprintf(stderr, "dossier serve: cannot create %s: %s\n", o->out, strerror(errno));
        return EXIT_USAGE;
    }
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return EXIT_USAGE;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (ino < 0) {
        fprintf(stderr, "dossier serve: cannot watch %s: %s\n", o->dir, strerror(errno));
        return EXIT_USAGE;
    }
    watch_tree(&p, ino, o->dir);
    if (p.nwatches == 0) {
        fprintf(stderr, "dossier serve: cannot watch %s: not a folder\n", o->dir);
        preview_free(&p, ino);
        return EXIT_USAGE;
    }

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((uint16_t)o->port);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, answer, &p, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT, (unsigned)PREVIEW_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)PREVIEW_CONNECTION_SECONDS,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info || info->port == 0) {
        fprintf(stderr,
                "dossier serve: cannot listen on 127.0.0.1:%ld (in use? --port N, or 0 "
                "for any free port)\n",
                o->port);
        if (d) MHD_stop_daemon(d);
        preview_free(&p, ino);
        return EXIT_USAGE;
    }
    snprintf(p.host[0], sizeof p.host[0], "127.0.0.1:%u", (unsigned)info->port);
    snprintf(p.host[1], sizeof p.host[1], "localhost:%u", (unsigned)info->port);

    int first = build(&p);
    if (first == EXIT_USAGE || first < 0) { /* refused (the output folder) or could not start */
        MHD_stop_daemon(d);
        fputs(p.messages ? p.messages : "", stderr);
        preview_free(&p, ino);
        return EXIT_USAGE;
    }
    printf("dossier serve: http://%s/ (the output folder %s; Ctrl-C stops)\n", p.host[0], o->out);
    fflush(stdout);

    while (!stop_signal) {
        struct pollfd fds[2] = {{ino, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
        if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
        if (stop_signal) break;
        if (!(fds[0].revents & POLLIN)) continue;
        bool changed = drain(&p, ino);
        /* wait until the editor is done: no event for QUIET_MS */
        for (;;) {
            struct pollfd q[2] = {{ino, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
            int r = poll(q, 2, QUIET_MS);
            if (r <= 0 || stop_signal) break;
            if (q[0].revents & POLLIN) changed = drain(&p, ino) || changed;
            if (q[1].revents & POLLIN) break;
        }
        if (changed && !stop_signal) build(&p);
    }
    MHD_stop_daemon(d);
    preview_free(&p, ino);
    if (o->verbosity >= 1) fprintf(stderr, "dossier serve: stopped\n");
    return EXIT_CLEAN;
}
