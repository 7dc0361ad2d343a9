/* manifest.c: the evidence manifest of the premarket bundle (every file
 * with its SHA-256, size, the records it was produced from with their own
 * hashes, and its validation state) and `dossier verify`, which recomputes
 * every hash of a bundle and checks its signature. Part of emit/. */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

void manifest_sha256_hex(const void *data, size_t len, char *hex) {
    unsigned char h[crypto_hash_sha256_BYTES];
    if (sodium_init() < 0) die("libsodium cannot start");
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

static int by_path(const void *a, const void *b) {
    return strcmp(((const BundleFile *)a)->path, ((const BundleFile *)b)->path);
}

/* The file at path in files, which read_bundle sorted by path. */
static const BundleFile *find_file(const BundleFile *files, size_t n, const char *path) {
    BundleFile key = {.path = path};
    return n ? bsearch(&key, files, n, sizeof *files, by_path) : NULL;
}

/* Reads a bundle: the entries of a ZIP, or the files below a folder. */
static bool read_bundle(Arena *a, const char *path, BundleFile **files, size_t *n) {
    if (!fs_is_dir(path)) return zip_unpack(a, path, files, n);
    const char **names;
    size_t count = fs_list(a, path, &names);
    BundleFile *out = arena_alloc(a, (count ? count : 1) * sizeof *out);
    for (size_t i = 0; i < count; i++) {
        char *data;
        size_t len;
        const char *full = fs_join(a, path, names[i]);
        if (!fs_read(full, (size_t)1 << 31, &data, &len)) {
            fprintf(stderr, "dossier: cannot read %s: %s\n", full, strerror(errno));
            return false;
        }
        out[i].path = names[i];
        out[i].data = (unsigned char *)arena_strndup(a, data, len);
        out[i].len = len;
        free(data);
    }
    *files = out;
    *n = count;
    return true;
}

int bundle_verify(const char *path, const char *pubkey) {
    Arena a;
    arena_init(&a);
    BundleFile *files;
    size_t n;
    /* the build's output folder: verify its premarket/, and the manifest beside it */
    const char *beside = NULL;
    if (fs_is_dir(path) && fs_is_file(fs_join(&a, path, "premarket/manifest.json"))) {
        beside = fs_join(&a, path, "manifest.json");
        path = fs_join(&a, path, "premarket");
    }
    if (!read_bundle(&a, path, &files, &n)) {
        arena_free(&a);
        return EXIT_USAGE;
    }
    qsort(files, n, sizeof *files, by_path);
    const BundleFile *mf = find_file(files, n, "manifest.json");
    json_error_t jerr;
    json_t *root = mf ? json_loadb((const char *)mf->data, mf->len, 0, &jerr) : NULL;
    json_t *list = root ? json_object_get(root, "files") : NULL;
    if (!json_is_array(list)) {
        fprintf(stderr, "dossier: %s: %s\n", path,
                mf ? "manifest.json is not a dossier manifest" : "no manifest.json: not a dossier bundle");
        json_decref(root);
        arena_free(&a);
        return EXIT_FINDINGS;
    }
    size_t bad = 0, checked = 0;
    bool *listed = arena_alloc(&a, (n ? n : 1) * sizeof *listed);
    size_t i;
    json_t *entry;
    json_array_foreach(list, i, entry) {
        const char *p = json_string_value(json_object_get(entry, "path"));
        const char *want = json_string_value(json_object_get(entry, "sha256"));
        json_int_t size = json_integer_value(json_object_get(entry, "size"));
        if (!p || !want) {
            printf("%s: manifest entry %zu has no path or sha256\n", path, i + 1);
            bad++;
            continue;
        }
        const BundleFile *f = find_file(files, n, p);
        if (!f) {
            printf("missing: %s\n", p);
            bad++;
            continue;
        }
        listed[f - files] = true;
        char got[65];
        manifest_sha256_hex(f->data, f->len, got);
        checked++;
        if (strcmp(got, want) != 0 || (json_int_t)f->len != size) {
            printf("changed: %s (sha256 %s, size %zu; the manifest says %s, %lld)\n", p, got, f->len, want,
                   (long long)size);
            bad++;
        }
    }
    /* each record's own hash must be that of its source file in the bundle */
    const char *id;
    json_t *rec;
    json_object_foreach(json_object_get(root, "records"), id, rec) {
        const char *rp = json_string_value(json_object_get(rec, "path"));
        const char *want = json_string_value(json_object_get(rec, "sha256"));
        const BundleFile *f = rp ? find_file(files, n, arena_printf(&a, "records/%s", rp)) : NULL;
        char got[65];
        if (f && want) manifest_sha256_hex(f->data, f->len, got);
        if (!f || !want || strcmp(got, want) != 0) {
            printf("record %s: its hash in the manifest does not match records/%s\n", id, rp ? rp : "(no path)");
            bad++;
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (listed[k] || strcmp(files[k].path, "manifest.json") == 0 ||
            strcmp(files[k].path, "manifest.json.minisig") == 0)
            continue;
        printf("not in the manifest: %s\n", files[k].path);
        bad++;
    }
    if (beside) {
        char *data = NULL;
        size_t len = 0;
        if (!fs_read(beside, (size_t)1 << 30, &data, &len) || len != mf->len || memcmp(data, mf->data, len) != 0) {
            printf("changed: %s (differs from the manifest in the bundle)\n", beside);
            bad++;
        }
        free(data);
    }
    const BundleFile *sig = find_file(files, n, "manifest.json.minisig");
    bool sig_bad = false;
    if (pubkey) {
        const char *why;
        if (!sig) {
            why = "the bundle is not signed (no manifest.json.minisig)";
            sig_bad = true;
        } else {
            sig_bad = !sign_verify(&a, pubkey, (const char *)sig->data, sig->len, mf->data, mf->len, &why);
        }
        printf("%s: %s\n", sig_bad ? "signature BAD" : "signature", why);
    } else if (sig) {
        printf("signature: present, not checked (give --pubkey KEY.pub)\n");
    }
    if (bad || sig_bad)
        printf("%s: FAILED: %zu difference%s from the manifest (%zu files listed)%s\n", path, bad,
               bad == 1 ? "" : "s", json_array_size(list), sig_bad ? "; the signature does not verify" : "");
    else
        printf("%s: OK: %zu files match the manifest%s\n", path, checked, pubkey ? ", signature good" : "");
    json_decref(root);
    arena_free(&a);
    return bad || sig_bad ? EXIT_FINDINGS : EXIT_CLEAN;
}

char *manifest_json(const Model *m, const ManifestEntry *entries, size_t n) {
    char date[16];
    date_format(m->build_date, date);
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("dossier-manifest/1"));
    json_object_set_new(root, "build_date", json_string(date));
    json_t *product = json_object();
    json_object_set_new(product, "name", m->product.name ? json_string(m->product.name) : json_null());
    json_object_set_new(product, "version", m->product.version ? json_string(m->product.version) : json_null());
    json_object_set_new(root, "product", product);
    json_object_set_new(root, "hash", json_string("sha256"));
    json_t *list = json_array();
    json_t *records = json_object(); /* by ID: each record once, with its source file's hash */
    for (size_t i = 0; i < n; i++) {
        const ManifestEntry *e = &entries[i];
        char hex[65];
        manifest_sha256_hex(e->file->data, e->file->len, hex);
        json_t *f = json_object();
        json_object_set_new(f, "path", json_string(e->file->path));
        json_object_set_new(f, "sha256", json_string(hex));
        json_object_set_new(f, "size", json_integer((json_int_t)e->file->len));
        json_object_set_new(f, "validation", json_string(e->validation));
        json_t *recs = json_array();
        for (size_t k = 0; k < e->nrecords; k++) {
            json_array_append_new(recs, json_string(e->records[k].id));
            if (json_object_get(records, e->records[k].id)) continue;
            json_t *r = json_object();
            json_object_set_new(r, "path", json_string(e->records[k].path));
            json_object_set_new(r, "sha256", json_string(e->records[k].sha256));
            json_object_set_new(records, e->records[k].id, r);
        }
        json_object_set_new(f, "records", recs);
        json_array_append_new(list, f);
    }
    json_object_set_new(root, "files", list);
    json_object_set_new(root, "records", records);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    json_decref(root);
    if (!text) die("out of memory writing the manifest");
    size_t len = strlen(text);
    char *out = xmalloc(len + 2);
    memcpy(out, text, len);
    out[len] = '\n';
    out[len + 1] = 0;
    free(text);
    return out;
}

char *bundle_unzip(const char *zip) {
    char tmpl[] = "/tmp/dossier-diff-XXXXXX";
    if (!mkdtemp(tmpl)) {
        fprintf(stderr, "dossier: cannot create a temporary folder: %s\n", strerror(errno));
        return NULL;
    }
    Arena a;
    arena_init(&a);
    BundleFile *files;
    size_t n;
    char *dir = arena_printf(&a, "%s/bundle", tmpl);
    OutDir *o = NULL;
    /* outdir_write refuses entries that would land outside the folder */
    bool ok = zip_unpack(&a, zip, &files, &n) && (o = outdir_begin(dir, NULL)) != NULL;
    for (size_t i = 0; ok && i < n; i++) ok = outdir_write(o, files[i].path, files[i].data, files[i].len);
    if (o && ok) ok = outdir_commit(o);
    else if (o) outdir_abort(o);
    char *out = ok ? xstrdup(dir) : NULL;
    if (!ok) fs_remove_tree(tmpl);
    arena_free(&a);
    return out;
}
