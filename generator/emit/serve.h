/* serve.h: the temporary output folder served to the PDF engine over HTTP
 * on 127.0.0.1, so the browser sees that folder and nothing else (an http
 * page cannot load file: URLs). Implemented in serve.c; pdf.c is its user,
 * tests/unit/test_serve.c its test. */
#ifndef DOSSIER_SERVE_H
#define DOSSIER_SERVE_H

typedef struct FolderServer FolderServer;

/* Serves the regular files below the folder root (an absolute path) from a
 * thread of its own, on an ephemeral port of 127.0.0.1, under a random
 * path prefix that only serve_base tells. NULL after a message on stderr
 * (no loopback socket, no thread). Stop with serve_stop. */
FolderServer *serve_start(const char *root);
/* "127.0.0.1:PORT", the only host and port the server answers for. Owned
 * by s. */
const char *serve_host(const FolderServer *s);
/* The URL of the root folder, "http://127.0.0.1:PORT/TOKEN", without a
 * final slash; a file's URL is this, '/', its percent-encoded path. Owned
 * by s. */
const char *serve_base(const FolderServer *s);
/* Stops the server: refuses new connections, closes the open ones, joins
 * its thread, closes the folder and frees s. NULL is allowed. */
void serve_stop(FolderServer *s);

/* The file at path below the folder open as root_fd: path is a URL path
 * as sent, without its leading slash, percent escapes undone per
 * component. Every component is opened with O_NOFOLLOW, so no symbolic
 * link is followed. Returns a descriptor open for reading on a regular
 * file (the caller closes it), or -1 with errno EINVAL for a path that is
 * refused as it stands ("..", ".", an empty component, an escaped '/',
 * '\' or NUL, a bad escape) or another errno (ENOENT, ELOOP, ...) for one
 * that names no regular file reached without a link. */
int serve_open(int root_fd, const char *path);
/* The Content-Type of a file, from its name's extension:
 * "text/html; charset=utf-8", "image/png", ...,
 * "application/octet-stream" for any other. Static. */
const char *serve_type(const char *path);

#endif
