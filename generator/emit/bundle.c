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
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    (c == '.' && p > out && p[-1] != '.');
        if (keep)
            *p++ = c;
        else if (p > out && p[-1] != '-')
            *p++ = '-';
    }
    while (p > out && (p[-1] == '-' || p[-1] == '.'))
        p--;
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

/* Copies every source file of the dossier into premarket/records/: the
 * bytes the load stage read (LoadOptions carry), where a loader read the
 * file those it checked. This stage opens no file of the dossier. */
static bool copy_sources(Arena *a, const Model *m, OutDir *o) {
    bool ok = true;
    for (size_t i = 0; ok && i < m->nsources; i++) {
        const SourceFile *f = &m->sources[i];
        const char *dest = arena_printf(a, PREFIX "records/%s", f->path);
        if (outdir_has(o, dest)) continue; /* copied before the documents were printed */
        if (!f->data) {
            fprintf(stderr, "dossier: cannot read %s/%s: %s\n", m->root, f->path,
                    f->error ? strerror(f->error) : "not read by the load stage");
            return false;
        }
        ok = outdir_write(o, dest, f->data, f->len);
    }
    return ok;
}

static int by_file_path(const void *a, const void *b) {
    return strcmp(((const BundleFile *)a)->path, ((const BundleFile *)b)->path);
}

static const BundleFile *lookup(const BundleFile *files, size_t n, const char *path) {
    BundleFile key = {.path = path};
    return bsearch(&key, files, n, sizeof *files, by_file_path);
}

/* Reads back everything written under premarket/ (paths without the
 * prefix). A copy of a source file that holds the model's bytes points at
 * them, so the dossier's files are in memory once, not twice. */
static bool read_written(Arena *a, const Model *m, OutDir *o, BundleFile **files, size_t *n) {
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
        const SourceFile *src =
            strncmp(out[k].path, "records/", 8) == 0 ? model_source(m, out[k].path + 8) : NULL;
        if (src && src->data && src->len == len && memcmp(src->data, data, len) == 0)
            out[k].data = (const unsigned char *)src->data;
        else
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

/* What bundle_finish looks things up in, each made once, so the bundle's
 * cost grows with its files, records, findings and documents, never with
 * their products: files by path (sorted), each file's hash computed at most
 * once, records by source path, findings by path, documents by path. */
typedef struct Index {
    Arena *a;
    const BundleFile *files;
    size_t n;
    const char **hex;               /* per file, its SHA-256 */
    const BundleFile **record_file; /* per record (Record.order), its source's copy once found */
    bool *record_looked;
    const Record **by_path; /* records with a source path, sorted by it */
    size_t nby_path;
    const Finding **findings; /* findings with a path, sorted by it */
    size_t nfindings;
    json_t *documents; /* documents.json's list (a reference), or NULL */
    struct IndexDoc {
        const char *path;
        json_t *doc;
        size_t at; /* its place in the list: the first of a path twice wins */
    } * docs;      /* its entries sorted by path */
    size_t ndocs;
} Index;

static const char *file_hash(Index *x, const BundleFile *f) {
    return x->hex[f - x->files];
}

/* Every file's SHA-256, by the threads of --jobs at once. */
typedef struct Hashing {
    const BundleFile *files;
    char (*hex)[SHA256_HEX];
    bool *failed;
} Hashing;

static void hash_one(void *ctx, size_t i, int thread) {
    (void)thread;
    Hashing *h = ctx;
    h->failed[i] = !sha256_hex_checked(h->files[i].data, h->files[i].len, h->hex[i]);
}

/* The record as the manifest names it: ID, source file, that file's hash
 * (its copy looked up once per record, not once per document naming it). */
static ManifestRecord manifest_record(Index *x, const Record *r) {
    ManifestRecord mr = {r->id, r->path, "not in the bundle"};
    if (!x->record_looked[r->order]) {
        x->record_looked[r->order] = true;
        x->record_file[r->order] =
            r->path ? lookup(x->files, x->n, arena_printf(x->a, "records/%s", r->path)) : NULL;
    }
    const BundleFile *f = x->record_file[r->order];
    if (f) mr.sha256 = file_hash(x, f);
    return mr;
}

static int by_record_id(const void *a, const void *b) {
    return id_compare(((const ManifestRecord *)a)->id, ((const ManifestRecord *)b)->id);
}

static int by_record_path(const void *a, const void *b) {
    const Record *x = *(const Record *const *)a, *y = *(const Record *const *)b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int by_finding_path(const void *a, const void *b) {
    const Finding *x = *(const Finding *const *)a, *y = *(const Finding *const *)b;
    int c = strcmp(x->loc.path, y->loc.path);
    return c ? c : (x > y) - (x < y);
}

static int by_doc_path(const void *a, const void *b) {
    const struct IndexDoc *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

static bool index_make(Index *x, Arena *a, const Model *m, const Diag *d, const BundleFile *files,
                       size_t n, int threads) {
    memset(x, 0, sizeof *x);
    x->a = a;
    x->files = files;
    x->n = n;
    x->hex = arena_alloc(a, (n + 1) * sizeof *x->hex);
    x->record_file = arena_alloc(a, (m->nrecords + 1) * sizeof *x->record_file);
    x->record_looked = arena_alloc(a, (m->nrecords + 1) * sizeof *x->record_looked);
    Hashing h = {files, arena_alloc(a, (n + 1) * sizeof *h.hex),
                 arena_alloc(a, (n + 1) * sizeof *h.failed)};
    threads_each(n, threads, hash_one, &h);
    for (size_t i = 0; i < n; i++) {
        if (h.failed[i]) {
            fprintf(stderr, "dossier: cannot hash %s for the manifest: out of memory\n",
                    files[i].path);
            return false;
        }
        x->hex[i] = h.hex[i];
    }
    x->by_path = arena_alloc(a, (m->nrecords + 1) * sizeof *x->by_path);
    for (size_t i = 0; i < m->nrecords; i++)
        if (m->records[i]->path) x->by_path[x->nby_path++] = m->records[i];
    qsort(x->by_path, x->nby_path, sizeof *x->by_path, by_record_path);
    x->findings = arena_alloc(a, (d->n + 1) * sizeof *x->findings);
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].loc.path) x->findings[x->nfindings++] = &d->items[i];
    qsort(x->findings, x->nfindings, sizeof *x->findings, by_finding_path);
    const BundleFile *index = lookup(files, n, "documents.json");
    json_t *root = index ? json_loadb((const char *)index->data, index->len, 0, NULL) : NULL;
    json_t *docs = json_object_get(root, "documents");
    if (json_is_array(docs)) {
        x->documents = json_incref(docs);
        x->docs = arena_alloc(a, (json_array_size(docs) + 1) * sizeof *x->docs);
        size_t i;
        json_t *doc;
        json_array_foreach(docs, i, doc) {
            const char *p = json_string_value(json_object_get(doc, "path"));
            if (p) x->docs[x->ndocs++] = (struct IndexDoc){p, doc, i};
        }
        qsort(x->docs, x->ndocs, sizeof *x->docs, by_doc_path);
    }
    json_decref(root);
    return true;
}

/* The first index in a sorted array of n whose key is not below want. */
#define LOWER_BOUND(n, key_at, want, out)                                                          \
    do {                                                                                           \
        size_t lo_ = 0, hi_ = (n);                                                                 \
        while (lo_ < hi_) {                                                                        \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                                   \
            if (strcmp((key_at(mid_)), (want)) < 0)                                                \
                lo_ = mid_ + 1;                                                                    \
            else                                                                                   \
                hi_ = mid_;                                                                        \
        }                                                                                          \
        (out) = lo_;                                                                               \
    } while (0)

/* What the build knows about a source file: checked by dossier with its
 * findings counted, or copied as it is. */
static const char *source_validation(Index *x, const char *rel, size_t nrecords) {
    size_t err = 0, warn = 0, i;
#define FINDING_PATH(k) (x->findings[k]->loc.path)
    LOWER_BOUND(x->nfindings, FINDING_PATH, rel, i);
#undef FINDING_PATH
    for (; i < x->nfindings && strcmp(x->findings[i]->loc.path, rel) == 0; i++) {
        if (x->findings[i]->severity == SEV_ERROR)
            err++;
        else if (x->findings[i]->severity == SEV_WARNING)
            warn++;
    }
    if (nrecords == 0 && err == 0 && warn == 0 && strcmp(rel, "dossier.xml") != 0)
        return "not validated: copied as it is (evidence, diagram or a file no loader reads "
               "records from)";
    if (err || warn)
        return arena_printf(
            x->a, "validated by dossier check: %zu error%s, %zu warning%s (see findings.html)", err,
            err == 1 ? "" : "s", warn, warn == 1 ? "" : "s");
    return "validated by dossier check: read by its loader, its records typed against "
           "schemas/records.xml and "
           "checked; no errors or warnings";
}

/* The records read from the source file rel, into e. */
static void source_records(Index *x, const char *rel, ManifestEntry *e) {
    size_t i, count = 0;
#define RECORD_PATH(k) (x->by_path[k]->path)
    LOWER_BOUND(x->nby_path, RECORD_PATH, rel, i);
#undef RECORD_PATH
    while (i + count < x->nby_path && strcmp(x->by_path[i + count]->path, rel) == 0)
        count++;
    e->records = arena_alloc(x->a, (count + 1) * sizeof *e->records);
    for (size_t k = 0; k < count; k++)
        e->records[e->nrecords++] = manifest_record(x, x->by_path[i + k]);
    e->validation = source_validation(x, rel, count);
}

/* The documents the templates wrote and the records each rests on, from
 * premarket/documents.json. */
static void document_records(Index *x, const Model *m, const BundleFile *doc, ManifestEntry *e,
                             const char **validation) {
    /* a PDF of build --pdf rests on the records of the HTML it was printed from */
    size_t plen = strlen(doc->path), at;
    bool pdf = plen > 4 && strcmp(doc->path + plen - 4, ".pdf") == 0;
    const char *path =
        pdf ? arena_printf(x->a, "%.*s.html", (int)(plen - 4), doc->path) : doc->path;
#define DOC_PATH(k) (x->docs[k].path)
    LOWER_BOUND(x->ndocs, DOC_PATH, path, at);
#undef DOC_PATH
    if (at >= x->ndocs || strcmp(x->docs[at].path, path) != 0) return;
    json_t *d = x->docs[at].doc;
    const char *v = json_string_value(json_object_get(d, "validation"));
    *validation =
        pdf ? arena_printf(x->a, "not validated: printed to PDF by Chromium from %s", path)
        : v ? arena_strdup(x->a, v)
            : "not validated: written by dossier from the records it names";
    json_t *ids = json_object_get(d, "records");
    e->records = arena_alloc(x->a, (json_array_size(ids) + 1) * sizeof *e->records);
    size_t k;
    json_t *id;
    json_array_foreach(ids, k, id) {
        const Record *r = json_string_value(id) ? model_find(m, json_string_value(id)) : NULL;
        if (r) e->records[e->nrecords++] = manifest_record(x, r);
    }
    qsort(e->records, e->nrecords, sizeof *e->records, by_record_id);
}

bool bundle_sources(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o) {
    (void)d;
    (void)e;
    Arena a;
    arena_init(&a);
    bool ok = copy_sources(&a, m, o);
    arena_free(&a);
    return ok;
}

bool bundle_finish(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o) {
    Arena a;
    arena_init(&a);
    BundleFile *files;
    size_t n;
    bool ok = copy_sources(&a, m, o) && read_written(&a, m, o, &files, &n);
    if (!ok) {
        arena_free(&a);
        return false;
    }
    Index x;
    if (!index_make(&x, &a, m, d, files, n, e->threads)) {
        json_decref(x.documents);
        arena_free(&a);
        return false;
    }
    ManifestEntry *entries = arena_alloc(&a, (n + 1) * sizeof *entries);
    for (size_t i = 0; i < n; i++) {
        ManifestEntry *me = &entries[i];
        me->file = &files[i];
        me->sha256 = x.hex[i];
        if (strncmp(files[i].path, "records/", 8) == 0) {
            source_records(&x, files[i].path + 8, me);
        } else {
            const char *v = "not validated: written by dossier (a stylesheet or an index)";
            document_records(&x, m, &files[i], me, &v);
            me->validation = v;
        }
    }
    json_decref(x.documents);
    char *manifest = manifest_json(m, entries, n);
    size_t mlen = strlen(manifest);
    ok = outdir_write(o, PREFIX "manifest.json", manifest, mlen) &&
         outdir_write(o, "manifest.json", manifest, mlen);
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
        if (e->sign_key)
            all[nall++] =
                (BundleFile){"manifest.json.minisig", (const unsigned char *)sig.data, sig.len};
        unsigned char *zip, *old = NULL;
        size_t ziplen, oldlen = 0;
        /* the previous build's ZIP of the same name lends the entries whose
         * bytes did not change (read from the output folder the build
         * replaces, never following a link; anything amiss: not used) */
        const char *name = bundle_zip_name(&a, m);
        if (e->cache && o->final_path &&
            !fs_read_below(o->final_path, name, (size_t)BUNDLE_MAX_TOTAL, (char **)&old, &oldlen))
            old = NULL, oldlen = 0;
        ok = zip_pack_reusing(all, nall, m->build_date, old, oldlen, &zip, &ziplen, NULL,
                              e->threads);
        free(old);
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
