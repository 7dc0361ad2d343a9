/* bundle.c: the C step of the premarket output (emit/). After the templates
 * wrote premarket/, it copies the dossier's files into premarket/records/,
 * writes the manifest in the bundle and beside it, signs it when asked and
 * packs premarket/ into <product>-<version>-premarket.zip. */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

#define PREFIX "premarket/"

/* "Norvale Cadence 3.2.0" -> "norvale-cadence-3.2.0": letters, digits, dots
 * and single dashes only, so the name can never leave the output folder. */
static char *slug(Arena *a, const char *s) {
    size_t n = strlen(s);
    char *out = arena_alloc(a, n + 1), *p = out;
    for (; *s; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '.' && p > out && p[-1] != '.');
        if (keep) *p++ = c;
        else if (p > out && p[-1] != '-') *p++ = '-';
    }
    while (p > out && (p[-1] == '-' || p[-1] == '.')) p--;
    *p = 0;
    return out;
}

const char *bundle_zip_name_of(Arena *a, const char *product, const char *version) {
    const char *n = slug(a, product ? product : ""), *v = slug(a, version ? version : "");
    return arena_printf(a, "%s-%s-premarket.zip", *n ? n : "dossier", *v ? v : "unversioned");
}

const char *bundle_zip_name(Arena *a, const Model *m) {
    return bundle_zip_name_of(a, m->product.name, m->product.version);
}

/* True for a path with a part that starts with a dot (.git, .DS_Store). */
static bool hidden(const char *path) {
    for (const char *p = path; *p; p++)
        if (*p == '.' && (p == path || p[-1] == '/')) return true;
    return false;
}

/* True when path is dir or lies below it. */
static bool below(const char *path, const char *dir) {
    size_t n = dir ? strlen(dir) : 0;
    return n && strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

/* Copies every source file of the dossier into premarket/records/, except
 * hidden files and the output folder when it lies inside the dossier. */
static bool copy_sources(Arena *a, const EmitOptions *e, OutDir *o) {
    const char **names;
    size_t n = fs_list(a, e->dossier_dir, &names);
    char *out_real = realpath(o->final_path, NULL), *tmp_real = realpath(o->tmp_path, NULL);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        if (hidden(names[i])) continue;
        const char *src = fs_join(a, e->dossier_dir, names[i]);
        char *real = realpath(src, NULL);
        bool inside_out = real && (below(real, out_real) || below(real, tmp_real));
        free(real);
        if (inside_out) continue;
        char *data;
        size_t len;
        if (!fs_read(src, (size_t)1 << 30, &data, &len)) {
            fprintf(stderr, "dossier: cannot read %s: %s\n", src, strerror(errno));
            ok = false;
            break;
        }
        ok = outdir_write(o, arena_printf(a, PREFIX "records/%s", names[i]), data, len);
        free(data);
    }
    free(out_real);
    free(tmp_real);
    return ok;
}

static int by_file_path(const void *a, const void *b) {
    return strcmp(((const BundleFile *)a)->path, ((const BundleFile *)b)->path);
}

static const BundleFile *lookup(const BundleFile *files, size_t n, const char *path) {
    BundleFile key = {.path = path};
    return bsearch(&key, files, n, sizeof *files, by_file_path);
}

/* Reads back everything written under premarket/ (paths without the prefix). */
static bool read_written(Arena *a, OutDir *o, BundleFile **files, size_t *n) {
    BundleFile *out = arena_alloc(a, (o->nfiles + 1) * sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < o->nfiles; i++) {
        const char *p = o->files[i].path;
        if (strncmp(p, PREFIX, strlen(PREFIX)) != 0) continue;
        const char *full = fs_join(a, o->tmp_path, p);
        char *data;
        size_t len;
        if (!fs_read(full, (size_t)1 << 30, &data, &len)) {
            fprintf(stderr, "dossier: cannot read back %s: %s\n", full, strerror(errno));
            return false;
        }
        out[k].path = p + strlen(PREFIX);
        out[k].data = (unsigned char *)arena_strndup(a, data, len);
        out[k].len = len;
        free(data);
        k++;
    }
    qsort(out, k, sizeof *out, by_file_path);
    *files = out;
    *n = k;
    return true;
}

/* The record as the manifest names it: ID, source file, that file's hash. */
static ManifestRecord manifest_record(Arena *a, const Record *r, const BundleFile *files, size_t n) {
    ManifestRecord mr = {r->id, r->path, "not in the bundle"};
    const BundleFile *f = r->path ? lookup(files, n, arena_printf(a, "records/%s", r->path)) : NULL;
    if (f) {
        char *hex = arena_alloc(a, 65);
        manifest_sha256_hex(f->data, f->len, hex);
        mr.sha256 = hex;
    }
    return mr;
}

static int by_record_id(const void *a, const void *b) {
    return id_compare(((const ManifestRecord *)a)->id, ((const ManifestRecord *)b)->id);
}

/* What the build knows about a source file: checked by dossier with its
 * findings counted, or copied as it is. */
static const char *source_validation(Arena *a, const Model *m, const Diag *d, const char *rel, size_t nrecords) {
    size_t err = 0, warn = 0;
    for (size_t i = 0; i < d->n; i++) {
        const Finding *f = &d->items[i];
        if (!f->loc.path || strcmp(f->loc.path, rel) != 0) continue;
        if (f->severity == SEV_ERROR) err++;
        else if (f->severity == SEV_WARNING) warn++;
    }
    if (nrecords == 0 && err == 0 && warn == 0 && strcmp(rel, "dossier.xml") != 0)
        return "not validated: copied as it is (evidence, diagram or a file no loader reads records from)";
    if (err || warn)
        return arena_printf(a, "validated by dossier check: %zu error%s, %zu warning%s (see findings.html)", err,
                            err == 1 ? "" : "s", warn, warn == 1 ? "" : "s");
    return "validated by dossier check: read by its loader, its records typed against schemas/records.xml and "
           "checked; no errors or warnings";
}

/* The documents the templates wrote and the records each rests on, from
 * premarket/documents.json. */
static void document_records(Arena *a, const Model *m, const BundleFile *files, size_t n, const BundleFile *doc,
                             ManifestEntry *e, const char **validation) {
    const BundleFile *index = lookup(files, n, "documents.json");
    json_t *root = index ? json_loadb((const char *)index->data, index->len, 0, NULL) : NULL;
    json_t *docs = json_object_get(root, "documents");
    /* a PDF of build --pdf rests on the records of the HTML it was printed from */
    size_t plen = strlen(doc->path);
    bool pdf = plen > 4 && strcmp(doc->path + plen - 4, ".pdf") == 0;
    const char *path = pdf ? arena_printf(a, "%.*s.html", (int)(plen - 4), doc->path) : doc->path;
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        const char *p = json_string_value(json_object_get(d, "path"));
        if (!p || strcmp(p, path) != 0) continue;
        const char *v = json_string_value(json_object_get(d, "validation"));
        *validation = pdf ? arena_printf(a, "not validated: printed to PDF by Chromium from %s", path)
                      : v ? arena_strdup(a, v) : "not validated: written by dossier from the records it names";
        json_t *ids = json_object_get(d, "records");
        e->records = arena_alloc(a, (json_array_size(ids) + 1) * sizeof *e->records);
        size_t k;
        json_t *id;
        json_array_foreach(ids, k, id) {
            const Record *r = json_string_value(id) ? model_find(m, json_string_value(id)) : NULL;
            if (r) e->records[e->nrecords++] = manifest_record(a, r, files, n);
        }
        qsort(e->records, e->nrecords, sizeof *e->records, by_record_id);
        break;
    }
    json_decref(root);
}

bool bundle_finish(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o) {
    Arena a;
    arena_init(&a);
    BundleFile *files;
    size_t n;
    bool ok = copy_sources(&a, e, o) && read_written(&a, o, &files, &n);
    if (!ok) {
        arena_free(&a);
        return false;
    }
    ManifestEntry *entries = arena_alloc(&a, (n + 1) * sizeof *entries);
    for (size_t i = 0; i < n; i++) {
        ManifestEntry *me = &entries[i];
        me->file = &files[i];
        if (strncmp(files[i].path, "records/", 8) == 0) {
            const char *rel = files[i].path + 8;
            size_t count = 0;
            for (size_t k = 0; k < m->nrecords; k++)
                if (m->records[k]->path && strcmp(m->records[k]->path, rel) == 0) count++;
            me->records = arena_alloc(&a, (count + 1) * sizeof *me->records);
            for (size_t k = 0; k < m->nrecords; k++)
                if (m->records[k]->path && strcmp(m->records[k]->path, rel) == 0)
                    me->records[me->nrecords++] = manifest_record(&a, m->records[k], files, n);
            me->validation = source_validation(&a, m, d, rel, count);
        } else {
            const char *v = "not validated: written by dossier (a stylesheet or an index)";
            document_records(&a, m, files, n, &files[i], me, &v);
            me->validation = v;
        }
    }
    char *manifest = manifest_json(m, entries, n);
    size_t mlen = strlen(manifest);
    ok = outdir_write(o, PREFIX "manifest.json", manifest, mlen) && outdir_write(o, "manifest.json", manifest, mlen);
    StrBuf sig;
    sb_init(&sig);
    if (ok && e->sign_key) {
        ok = sign_minisign(e->sign_key, "manifest.json", m->build_date, manifest, mlen, &sig) &&
             outdir_write(o, PREFIX "manifest.json.minisig", sig.data, sig.len) &&
             outdir_write(o, "manifest.json.minisig", sig.data, sig.len);
    }
    if (ok) {
        BundleFile *all = arena_alloc(&a, (n + 2) * sizeof *all);
        memcpy(all, files, n * sizeof *all);
        all[n] = (BundleFile){"manifest.json", (const unsigned char *)manifest, mlen};
        size_t nall = n + 1;
        if (e->sign_key) all[nall++] = (BundleFile){"manifest.json.minisig", (const unsigned char *)sig.data, sig.len};
        unsigned char *zip;
        size_t ziplen;
        ok = zip_pack(all, nall, m->build_date, &zip, &ziplen);
        if (ok) {
            ok = outdir_write(o, bundle_zip_name(&a, m), zip, ziplen);
            free(zip);
        }
    }
    sb_free(&sig);
    free(manifest);
    arena_free(&a);
    return ok;
}
