/* previous.c: build --previous-csaf DIR, the CSAF documents published last
 * time (a provider folder, or the output folder of the build that wrote
 * it), read so that a document whose content did not change keeps its
 * tracking (version, dates, revision history) and one that changed gets a
 * new revision instead of starting again at version 1. Every .json below
 * DIR whose document is CSAF VEX is kept under its tracking ID, with its
 * content (the document less its tracking) written the way the csaf
 * templates write JSON, for them to compare. DIR is read like any hostile
 * input: no link followed, sizes and counts bounded, a file that is not
 * JSON or not CSAF left aside with a warning. Part of load/. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "load.h"

enum { MAX_FILES = 10000, MAX_DOCS = 1000 };

static const char *str_of(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void read_folder(Model *m, Diag *d, const char *dir, size_t max_file);

bool load_previous_csaf(Model *m, Diag *d, const char *dir, size_t max_file) {
    if (!fs_is_dir(dir)) {
        rule_report(d, RULE_CSAF_PREVIOUS, (SrcLoc){dir, 0, 0}, NULL,
                    "--previous-csaf: not a folder");
        return false;
    }
    m->previous_csaf = arena_alloc(m->arena, MAX_DOCS * sizeof *m->previous_csaf);
    /* the documents sit under .well-known/csaf/, which a listing of dir
     * leaves out (hidden): that folder of dir, of its csaf/ (a provider
     * folder's parent) or of public/csaf/ (an output folder), else dir */
    static const char *const roots[] = {".well-known/csaf", "csaf/.well-known/csaf",
                                        "public/csaf/.well-known/csaf", "."};
    for (size_t k = 0; k < sizeof roots / sizeof roots[0]; k++) {
        const char *base = fs_join(m->arena, dir, roots[k]);
        if (!fs_is_dir(base)) continue;
        read_folder(m, d, base, max_file);
        break;
    }
    return true;
}

static void read_folder(Model *m, Diag *d, const char *dir, size_t max_file) {
    const char **files;
    size_t n = fs_list(m->arena, dir, &files);
    if (n > MAX_FILES) n = MAX_FILES;
    for (size_t i = 0; i < n && m->nprevious_csaf < MAX_DOCS; i++) {
        size_t len = strlen(files[i]);
        if (len < 5 || strcmp(files[i] + len - 5, ".json") != 0) continue;
        char *data;
        size_t dl;
        const char *where = fs_join(m->arena, dir, files[i]);
        if (!fs_read_below(dir, files[i], max_file, &data, &dl)) {
            rule_report(d, RULE_CSAF_PREVIOUS, (SrcLoc){where, 0, 0}, NULL,
                        "--previous-csaf: cannot read: %s",
                        errno == EFBIG ? "file too large" : strerror(errno));
            continue;
        }
        json_error_t err;
        json_t *root = json_loadb(data, dl, JSON_REJECT_DUPLICATES, &err);
        free(data);
        json_t *doc = root ? json_object_get(root, "document") : NULL;
        json_t *tracking = doc ? json_object_get(doc, "tracking") : NULL;
        const char *category = doc ? str_of(doc, "category") : NULL;
        if (!root) {
            rule_report(d, RULE_CSAF_PREVIOUS, (SrcLoc){where, err.line, err.column}, NULL,
                        "--previous-csaf: not JSON (%s); left aside", err.text);
            continue;
        }
        if (!category || strcmp(category, "csaf_vex") != 0 || !json_is_object(tracking) ||
            !str_of(tracking, "id")) {
            json_decref(root);
            continue; /* advisories carry their history in their records; other JSON */
        }
        PreviousCsaf *p = &m->previous_csaf[m->nprevious_csaf++];
        memset(p, 0, sizeof *p);
        p->tracking_id = arena_strdup(m->arena, str_of(tracking, "id"));
        p->path = where;
        const char *v = str_of(tracking, "version"),
                   *ini = str_of(tracking, "initial_release_date"),
                   *cur = str_of(tracking, "current_release_date");
        p->version = v ? arena_strdup(m->arena, v) : "1";
        p->initial = ini ? arena_strdup(m->arena, ini) : NULL;
        p->current = cur ? arena_strdup(m->arena, cur) : NULL;
        json_t *hist = json_object_get(tracking, "revision_history");
        size_t nh = json_is_array(hist) ? json_array_size(hist) : 0;
        p->revisions = arena_alloc(m->arena, (nh + 1) * sizeof *p->revisions);
        for (size_t k = 0; k < nh; k++) {
            json_t *r = json_array_get(hist, k);
            const char *date = str_of(r, "date"), *num = str_of(r, "number"),
                       *sum = str_of(r, "summary");
            if (!date || !num || !sum) continue;
            p->revisions[p->nrevisions++] =
                (PreviousRevision){arena_strdup(m->arena, date), arena_strdup(m->arena, num),
                                   arena_strdup(m->arena, sum)};
        }
        /* the content as the csaf templates' JSON writer lays it out, less
         * what depends on the tracking: the tracking itself and the
         * reference to the document's own URL (its folder is the year of
         * the first release) */
        json_object_del(doc, "tracking");
        json_t *refs = json_object_get(doc, "references");
        for (size_t k = json_is_array(refs) ? json_array_size(refs) : 0; k-- > 0;) {
            const char *cat = str_of(json_array_get(refs, k), "category");
            if (cat && strcmp(cat, "self") == 0) json_array_remove(refs, k);
        }
        if (json_is_array(refs) && json_array_size(refs) == 0) json_object_del(doc, "references");
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(14));
        p->content = text ? arena_strdup(m->arena, text) : "";
        free(text);
        json_decref(root);
    }
}
