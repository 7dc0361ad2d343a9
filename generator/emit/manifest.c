/* manifest.c: the evidence manifest of the premarket bundle: every file
 * with its SHA-256, size, the records it was produced from with their own
 * hashes, and its validation state. `dossier verify` reads it back
 * (verify.c). Part of emit/. */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

char *manifest_json(const Model *m, const ManifestEntry *entries, size_t n) {
    char date[16];
    date_format(m->build_date, date);
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("dossier-manifest/1"));
    json_object_set_new(root, "build_date", json_string(date));
    json_t *product = json_object();
    json_object_set_new(product, "name",
                        m->product.name ? json_string(m->product.name) : json_null());
    json_object_set_new(product, "version",
                        m->product.version ? json_string(m->product.version) : json_null());
    json_object_set_new(root, "product", product);
    json_object_set_new(root, "hash", json_string("sha256"));
    json_t *list = json_array();
    json_t *records = json_object(); /* by ID: each record once, with its source file's hash */
    for (size_t i = 0; i < n; i++) {
        const ManifestEntry *e = &entries[i];
        json_t *f = json_object();
        json_object_set_new(f, "path", json_string(e->file->path));
        json_object_set_new(f, "sha256", json_string(e->sha256));
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
