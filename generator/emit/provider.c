/* provider.c: finishes the csaf output (emit stage). The templates wrote the
 * CSAF documents under public/csaf/.well-known/csaf/white/<year>/; this step adds
 * what the CSAF 2.0 provider rules (spec section 7) ask beside them: a
 * .sha256 and a .sha512 file per document (libsodium), index.txt and
 * changes.csv (newest first), all from the bytes already written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "emit.h"

static const char WHITE[] = "public/csaf/.well-known/csaf/white/";

typedef struct Document {
    const char *rel;     /* relative to the white/ folder: 2024/adv-2024-001.json */
    const char *current; /* document.tracking.current_release_date */
} Document;

/* Newest first; the path breaks a tie so the order never depends on the run. */
static int cmp_changes(const void *pa, const void *pb) {
    const Document *a = pa, *b = pb;
    int c = strcmp(b->current, a->current);
    return c ? c : strcmp(a->rel, b->rel);
}

static int cmp_paths(const void *pa, const void *pb) {
    return strcmp(((const Document *)pa)->rel, ((const Document *)pb)->rel);
}

static void hex(char *out, const unsigned char *bytes, size_t n) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = 0;
}

/* Writes path.sha256 and path.sha512 in the sha256sum format: digest, two
 * blanks, the file's own name. */
static bool write_hashes(OutDir *o, const char *path, const unsigned char *data, size_t len) {
    unsigned char d256[crypto_hash_sha256_BYTES], d512[crypto_hash_sha512_BYTES];
    char h[2 * crypto_hash_sha512_BYTES + 1];
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    crypto_hash_sha256(d256, data, len);
    crypto_hash_sha512(d512, data, len);
    StrBuf sb;
    sb_init(&sb);
    hex(h, d256, sizeof d256);
    sb_printf(&sb, "%s  %s\n", h, name);
    bool ok = outdir_write(o, arena_printf(&o->arena, "%s.sha256", path), sb.data, sb.len);
    sb_reset(&sb);
    hex(h, d512, sizeof d512);
    sb_printf(&sb, "%s  %s\n", h, name);
    ok = ok && outdir_write(o, arena_printf(&o->arena, "%s.sha512", path), sb.data, sb.len);
    sb_free(&sb);
    return ok;
}

/* The current_release_date of the CSAF document in data (arena copy), or
 * NULL after a message. */
static const char *current_release(OutDir *o, const char *path, const char *data, size_t len) {
    json_error_t err;
    json_t *doc = json_loadb(data, len, 0, &err);
    if (!doc) {
        fprintf(stderr,
                "dossier: %s: not JSON (%s at line %d); the csaf templates wrote it wrong\n", path,
                err.text, err.line);
        return NULL;
    }
    const char *date = json_string_value(json_object_get(
        json_object_get(json_object_get(doc, "document"), "tracking"), "current_release_date"));
    const char *copy = date ? arena_strdup(&o->arena, date) : NULL;
    json_decref(doc);
    if (!copy) fprintf(stderr, "dossier: %s: no document.tracking.current_release_date\n", path);
    return copy;
}

bool provider_finish(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o) {
    if (sodium_init() < 0) {
        fprintf(stderr, "dossier: libsodium cannot start\n");
        return false;
    }
    size_t n = 0, nfiles = o->nfiles;
    Document *docs = arena_alloc(&o->arena, (nfiles + 1) * sizeof *docs);
    const size_t prefix = sizeof WHITE - 1;
    for (size_t i = 0; i < nfiles; i++) {
        const char *path = o->files[i].path;
        size_t len = strlen(path);
        if (strncmp(path, WHITE, prefix) != 0 || len < prefix + 5 ||
            strcmp(path + len - 5, ".json") != 0)
            continue;
        char *data;
        size_t size;
        const char *full = fs_join(&o->arena, o->tmp_path, path);
        if (!fs_read(full, (size_t)1 << 30, &data, &size)) {
            fprintf(stderr, "dossier: cannot read back %s: %s\n", full, strerror(errno));
            return false;
        }
        const char *current = current_release(o, path, data, size);
        bool ok = current && write_hashes(o, path, (const unsigned char *)data, size);
        free(data);
        if (!ok) return false;
        docs[n++] = (Document){path + prefix, current};
    }
    if (n == 0) return true; /* nothing published: no provider folder either */
    StrBuf sb;
    sb_init(&sb);
    qsort(docs, n, sizeof *docs, cmp_paths);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s\n", docs[i].rel);
    bool ok = outdir_write(o, arena_printf(&o->arena, "%sindex.txt", WHITE), sb.data ? sb.data : "",
                           sb.len);
    sb_reset(&sb);
    qsort(docs, n, sizeof *docs, cmp_changes);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "\"%s\",\"%s\"\n", docs[i].rel, docs[i].current);
    ok = ok && outdir_write(o, arena_printf(&o->arena, "%schanges.csv", WHITE),
                            sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return ok;
}
