/* provider.c: finishes the csaf output (emit stage). The templates wrote the
 * CSAF documents under public/csaf/.well-known/csaf/white/<year>/; this step adds
 * what the CSAF 2.0 provider rules (spec section 7) ask beside them, all
 * from the bytes already written: a .sha256 and a .sha512 file per document
 * (libsodium), index.txt and changes.csv (newest first), a ROLIE feed and
 * category document per TLP label and the service document,
 * provider-metadata.json and
 * security.txt; with build --csaf-sign, an OpenPGP signature (.asc) per
 * document and the public key (openpgp.c), which make the folder a
 * csaf_trusted_provider. The role is decided here and nowhere else. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "bundle.h"

static const char CSAF[] = "public/csaf/.well-known/csaf/";
static const char WHITE[] = "public/csaf/.well-known/csaf/white/";
/* restricted/csaf/<label>/<year>/<file>.json: the documents whose TLP label
 * is not WHITE (CSAF 2.0 requirement 5: not beside the public ones, access
 * protected), served at /.well-known/csaf/<label>/ to their recipients. */
static const char RESTRICTED[] = "restricted/csaf/";
static const char SECURITY_TXT[] = "public/csaf/.well-known/security.txt";
static const char ROLIE_SCHEMA[] =
    "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json";

typedef struct Document {
    const char *dir;     /* its label's folder in the output: WHITE, restricted/csaf/amber/ */
    const char *label;   /* the folder's label, upper case: WHITE, AMBER */
    const char *rel;     /* relative to dir: 2024/adv-2024-001.json */
    const char *current; /* document.tracking.current_release_date */
    const char *initial; /* document.tracking.initial_release_date */
    const char *id;      /* document.tracking.id */
    const char *title;   /* document.title */
    const char *tlp;     /* document.distribution.tlp.label, WHITE when none */
    /* its ROLIE categories (requirement 17): its document category, then
     * the vendor and product names of its product tree, in tree order */
    const char **terms;
    size_t nterms;
} Document;

/* Newest first; the path breaks a tie so the order never depends on the run. */
static int cmp_changes(const void *pa, const void *pb) {
    const Document *a = pa, *b = pb;
    int c = strcmp(b->current, a->current);
    if (!c) c = strcmp(a->rel, b->rel);
    return c ? c : strcmp(a->dir, b->dir);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_paths(const void *pa, const void *pb) {
    const Document *a = pa, *b = pb;
    int c = strcmp(a->dir, b->dir);
    return c ? c : strcmp(a->rel, b->rel);
}

/* Writes path.sha256 and path.sha512 in the sha256sum format: digest, two
 * blanks, the file's own name. */
static bool write_hashes(OutDir *o, const char *path, const unsigned char *data, size_t len) {
    char h[SHA512_HEX];
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    StrBuf sb;
    sb_init(&sb);
    sha256_hex(data, len, h);
    sb_printf(&sb, "%s  %s\n", h, name);
    bool ok = outdir_write(o, arena_printf(&o->arena, "%s.sha256", path), sb.data, sb.len);
    sb_reset(&sb);
    sha512_hex(data, len, h);
    sb_printf(&sb, "%s  %s\n", h, name);
    ok = ok && outdir_write(o, arena_printf(&o->arena, "%s.sha512", path), sb.data, sb.len);
    sb_free(&sb);
    return ok;
}

static const char *str_at(json_t *o, const char *a, const char *b, const char *c) {
    json_t *v = json_object_get(o, a);
    if (b) v = json_object_get(v, b);
    if (c) v = json_object_get(v, c);
    return json_string_value(v);
}

enum { MAX_TERMS = 64 };

/* Adds to doc's terms the names of the vendor and product_name branches
 * below branches (depth-first, tree order), each once. */
static void add_branch_terms(Arena *a, json_t *branches, Document *doc, int depth) {
    size_t i;
    json_t *b;
    if (depth > 32) return; /* the validator bounds the tree; so do we */
    json_array_foreach(branches, i, b) {
        const char *cat = json_string_value(json_object_get(b, "category"));
        const char *name = json_string_value(json_object_get(b, "name"));
        if (cat && name && (strcmp(cat, "vendor") == 0 || strcmp(cat, "product_name") == 0)) {
            size_t k = 0;
            while (k < doc->nterms && strcmp(doc->terms[k], name) != 0)
                k++;
            if (k == doc->nterms && doc->nterms < MAX_TERMS)
                doc->terms[doc->nterms++] = arena_strdup(a, name);
        }
        add_branch_terms(a, json_object_get(b, "branches"), doc, depth + 1);
    }
}

/* Reads the tracking, title and TLP label of the CSAF document in data into
 * doc (arena copies), and its publisher into *publisher (new reference) if
 * still NULL; false after a message. */
static bool read_document(OutDir *o, const char *path, const char *data, size_t len, Document *doc,
                          json_t **publisher) {
    json_error_t err;
    json_t *root = json_loadb(data, len, 0, &err);
    if (!root) {
        fprintf(stderr,
                "dossier: %s: not JSON (%s at line %d); the csaf templates wrote it wrong\n", path,
                err.text, err.line);
        return false;
    }
    json_t *d = json_object_get(root, "document");
    const char *current = str_at(d, "tracking", "current_release_date", NULL),
               *initial = str_at(d, "tracking", "initial_release_date", NULL),
               *id = str_at(d, "tracking", "id", NULL), *title = str_at(d, "title", NULL, NULL),
               *tlp = str_at(d, "distribution", "tlp", "label");
    json_t *pub = json_object_get(d, "publisher");
    bool ok = current && initial && id && title && json_is_object(pub);
    if (ok) {
        doc->current = arena_strdup(&o->arena, current);
        doc->initial = arena_strdup(&o->arena, initial);
        doc->id = arena_strdup(&o->arena, id);
        doc->title = arena_strdup(&o->arena, title);
        doc->tlp = arena_strdup(&o->arena, tlp ? tlp : "WHITE");
        doc->terms = arena_alloc(&o->arena, MAX_TERMS * sizeof *doc->terms);
        doc->nterms = 0;
        const char *category = str_at(d, "category", NULL, NULL);
        if (category) doc->terms[doc->nterms++] = arena_strdup(&o->arena, category);
        add_branch_terms(
            &o->arena, json_object_get(json_object_get(root, "product_tree"), "branches"), doc, 0);
        if (!*publisher) *publisher = json_deep_copy(pub);
    } else {
        fprintf(stderr,
                "dossier: %s: no document.tracking (id, initial and current release dates), "
                "title or publisher\n",
                path);
    }
    json_decref(root);
    return ok;
}

/* Writes v as the csaf templates write JSON: keys sorted, two-space indent,
 * a final line break. Takes v. */
static bool write_json(OutDir *o, const char *path, json_t *v) {
    char *text = json_dumps(v, JSON_SORT_KEYS | JSON_INDENT(2));
    json_decref(v);
    if (!text) die("out of memory");
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, text);
    sb_putc(&sb, '\n');
    free(text);
    bool ok = outdir_write(o, path, sb.data, sb.len);
    sb_free(&sb);
    return ok;
}

static json_t *link(const char *rel, const char *href) {
    return json_pack("{s:s, s:s}", "rel", rel, "href", href);
}

static json_t *csaf_category(void) {
    return json_pack("{s:s, s:s}", "scheme", "urn:ietf:params:rolie:category:information-type",
                     "term", "csaf");
}

/* "white" for "WHITE": the label in a file name. */
static const char *lower(Arena *a, const char *s) {
    char *l = arena_strdup(a, s);
    for (char *c = l; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    return l;
}

/* The ROLIE feed (RFC 8322, CSAF 2.0 requirement 15) of the documents of
 * one TLP label, newest first like changes.csv; each entry links the
 * document, its hashes and its signature. */
static bool write_feed(OutDir *o, const Document *docs, size_t n, const char *tlp, const char *base,
                       const char *vendor, bool signed_) {
    Arena *a = &o->arena;
    bool white = strcmp(tlp, "WHITE") == 0;
    /* the public feed beside provider-metadata.json; a restricted one in
     * its label's folder, behind the same access control as its documents */
    const char *name = white ? "feed-tlp-white.json"
                             : arena_printf(a, "%s/feed-tlp-%s.json", lower(a, tlp), lower(a, tlp));
    const char *updated = NULL; /* the newest document's: docs are newest first */
    json_t *entries = json_array();
    for (size_t i = 0; i < n; i++) {
        if (strcmp(docs[i].tlp, tlp) != 0) continue;
        if (!updated) updated = docs[i].current;
        const char *url = arena_printf(a, "%s%s/%s", base, lower(a, docs[i].label), docs[i].rel);
        json_t *links = json_array();
        json_array_append_new(links, link("self", url));
        json_array_append_new(links, link("hash", arena_printf(a, "%s.sha256", url)));
        json_array_append_new(links, link("hash", arena_printf(a, "%s.sha512", url)));
        if (signed_)
            json_array_append_new(links, link("signature", arena_printf(a, "%s.asc", url)));
        json_t *terms = json_array();
        for (size_t k = 0; k < docs[i].nterms; k++)
            json_array_append_new(terms, json_pack("{s:s}", "term", docs[i].terms[k]));
        json_array_append_new(
            entries,
            json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:s}}", "id",
                      docs[i].id, "title", docs[i].title, "link", links, "category", terms,
                      "published", docs[i].initial, "updated", docs[i].current, "summary",
                      "content", docs[i].title, "content", "type", "application/json", "src", url,
                      "format", "schema", ROLIE_SCHEMA, "version", "2.0"));
    }
    json_t *feed = json_pack("{s:{s:s, s:s, s:[o], s:[o], s:s, s:o}}", "feed", "id",
                             arena_printf(a, "csaf-feed-tlp-%s", lower(a, tlp)), "title",
                             arena_printf(a, "%s CSAF feed (TLP:%s)", vendor, tlp), "link",
                             link("self", arena_printf(a, "%s%s", base, name)), "category",
                             csaf_category(), "updated", updated, "entry", entries);
    if (!white) {
        /* RFC 8322's category for the label, as the CSAF examples of
         * private feeds give it */
        json_array_append_new(
            json_object_get(json_object_get(feed, "feed"), "category"),
            json_pack("{s:s, s:s}", "scheme", "https://www.first.org/tlp/", "term", tlp));
        return write_json(o, arena_printf(a, "%s%s", RESTRICTED, name), feed);
    }
    return write_json(o, arena_printf(a, "%s%s", CSAF, name), feed);
}

/* The ROLIE category document (RFC 8322; CSAF 2.0 requirement 17) of the
 * feed of one TLP label, beside it: every term its entries carry (document
 * categories, vendor and product names), sorted, so a client can ask for
 * the advisories of one product or only the VEX documents. */
static bool write_categories(OutDir *o, const Document *docs, size_t n, const char *tlp) {
    Arena *a = &o->arena;
    size_t nterms = 0;
    const char **terms = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(docs[i].tlp, tlp) == 0) nterms += docs[i].nterms;
    terms = arena_alloc(a, (nterms + 1) * sizeof *terms);
    nterms = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(docs[i].tlp, tlp) != 0) continue;
        for (size_t k = 0; k < docs[i].nterms; k++) {
            size_t j = 0;
            while (j < nterms && strcmp(terms[j], docs[i].terms[k]) != 0)
                j++;
            if (j == nterms) terms[nterms++] = docs[i].terms[k];
        }
    }
    qsort(terms, nterms, sizeof *terms, cmp_str);
    json_t *list = json_array();
    for (size_t i = 0; i < nterms; i++)
        json_array_append_new(list, json_pack("{s:s}", "term", terms[i]));
    const char *name = arena_printf(a, "category-%s.json", lower(a, tlp));
    const char *path = strcmp(tlp, "WHITE") == 0
                           ? arena_printf(a, "%s%s", CSAF, name)
                           : arena_printf(a, "%s%s/%s", RESTRICTED, lower(a, tlp), name);
    return write_json(o, path, json_pack("{s:{s:o}}", "categories", "category", list));
}

/* security.txt (RFC 9116; CSAF 2.0 requirement 8): the PSIRT contact (else
 * the first contact with an address), expiring a year less a day after the
 * build date, and the CSAF line. None when dossier.xml names no contact. */
static bool write_security_txt(OutDir *o, const Model *m, const char *namespace_,
                               const char *metadata_url) {
    const Contact *c = NULL;
    for (size_t i = 0; i < m->product.ncontacts; i++) {
        const Contact *k = &m->product.contacts[i];
        if (!k->email && !k->url && !k->phone) continue;
        if (!c || (k->role && strcmp(k->role, "psirt") == 0 &&
                   !(c->role && strcmp(c->role, "psirt") == 0)))
            c = k;
    }
    if (!c) return true;
    StrBuf sb;
    sb_init(&sb);
    if (c->email) sb_printf(&sb, "Contact: mailto:%s\n", c->email);
    if (c->url && strncmp(c->url, "https://", 8) == 0) sb_printf(&sb, "Contact: %s\n", c->url);
    if (c->phone) {
        sb_puts(&sb, "Contact: tel:");
        for (const char *p = c->phone; *p; p++)
            if (*p != ' ') sb_putc(&sb, *p);
        sb_putc(&sb, '\n');
    }
    char expires[16];
    date_format(m->build_date + 364, expires);
    sb_printf(&sb, "Expires: %sT00:00:00Z\n", expires);
    sb_printf(&sb, "CSAF: %s\n", metadata_url);
    sb_printf(&sb, "Canonical: %s/.well-known/security.txt\n", namespace_);
    if (m->product.cvd_policy_url && strncmp(m->product.cvd_policy_url, "https://", 8) == 0)
        sb_printf(&sb, "Policy: %s\n", m->product.cvd_policy_url);
    sb_puts(&sb, "Preferred-Languages: en\n");
    bool ok = outdir_write(o, SECURITY_TXT, sb.data, sb.len);
    sb_free(&sb);
    return ok;
}

/* provider-metadata.json (requirement 7): the directory and the ROLIE
 * feeds as distributions, the public key when signed, and the role: a
 * csaf_trusted_provider when every document is signed, else a csaf_provider. */
static bool write_metadata(OutDir *o, const Model *m, json_t *publisher, const char *base,
                           const char **tlps, size_t ntlps, const char *fpr) {
    Arena *a = &o->arena;
    char day[16];
    date_format(m->build_date, day);
    json_t *dist = json_pack("{s:s}", "directory_url", arena_printf(a, "%swhite/", base));
    json_t *feeds = json_array();
    for (size_t i = 0; i < ntlps; i++)
        json_array_append_new(
            feeds,
            json_pack("{s:s, s:s, s:s}", "summary",
                      arena_printf(a, "Every TLP:%s CSAF document of the provider.", tlps[i]),
                      "tlp_label", tlps[i], "url",
                      arena_printf(a, "%sfeed-tlp-%s.json", base, lower(a, tlps[i]))));
    json_t *categories = json_array();
    for (size_t i = 0; i < ntlps; i++)
        json_array_append_new(categories, json_string(arena_printf(a, "%scategory-%s.json", base,
                                                                   lower(a, tlps[i]))));
    json_object_set_new(dist, "rolie",
                        json_pack("{s:o, s:o, s:[s]}", "categories", categories, "feeds", feeds,
                                  "services", arena_printf(a, "%sservice.json", base)));
    json_t *meta = json_pack("{s:s, s:[o], s:s, s:b, s:s, s:b, s:O, s:s}", "canonical_url",
                             arena_printf(a, "%sprovider-metadata.json", base), "distributions",
                             dist, "last_updated", arena_printf(a, "%sT00:00:00.000Z", day),
                             "list_on_CSAF_aggregators", 1, "metadata_version", "2.0",
                             "mirror_on_CSAF_aggregators", 1, "publisher", publisher, "role",
                             fpr ? "csaf_trusted_provider" : "csaf_provider");
    if (fpr)
        json_object_set_new(meta, "public_openpgp_keys",
                            json_pack("[{s:s, s:s}]", "fingerprint", fpr, "url",
                                      arena_printf(a, "%sopenpgp/%s.asc", base, fpr)));
    return write_json(o, arena_printf(a, "%sprovider-metadata.json", CSAF), meta);
}

/* The ROLIE service document (requirement 16): one collection per feed. */
static bool write_service(OutDir *o, const char *base, const char *vendor, const char **tlps,
                          size_t ntlps) {
    Arena *a = &o->arena;
    json_t *collections = json_array();
    for (size_t i = 0; i < ntlps; i++)
        json_array_append_new(
            collections,
            json_pack("{s:s, s:s, s:{s:[o]}}", "title",
                      arena_printf(a, "%s CSAF feed (TLP:%s)", vendor, tlps[i]), "href",
                      arena_printf(a, "%sfeed-tlp-%s.json", base, lower(a, tlps[i])), "categories",
                      "category", csaf_category()));
    json_t *service =
        json_pack("{s:{s:[{s:s, s:o}]}}", "service", "workspace", "title",
                  arena_printf(a, "%s CSAF feeds", vendor), "collection", collections);
    return write_json(o, arena_printf(a, "%sservice.json", CSAF), service);
}

/* "AMBER" for "amber": a folder's label. */
static const char *upper(Arena *a, const char *s) {
    char *u = arena_strdup(a, s);
    for (char *c = u; *c; c++)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
    return u;
}

/* The documents the templates wrote: under white/, and under
 * restricted/csaf/<label>/ (a year folder, then the file). */
static size_t find_documents(OutDir *o, Document *docs) {
    size_t n = 0;
    const size_t nw = sizeof WHITE - 1, nr = sizeof RESTRICTED - 1;
    for (size_t i = 0, nfiles = o->nfiles; i < nfiles; i++) {
        const char *path = o->files[i].path;
        size_t len = strlen(path);
        if (len < 5 || strcmp(path + len - 5, ".json") != 0) continue;
        if (strncmp(path, WHITE, nw) == 0) {
            docs[n++] = (Document){.dir = WHITE, .label = "WHITE", .rel = path + nw};
        } else if (strncmp(path, RESTRICTED, nr) == 0) {
            const char *slash = strchr(path + nr, '/');
            if (!slash || !strchr(slash + 1, '/')) continue;
            const char *label = arena_strndup(&o->arena, path + nr, (size_t)(slash - path - nr));
            docs[n++] = (Document){.dir = arena_printf(&o->arena, "%s%s/", RESTRICTED, label),
                                   .label = upper(&o->arena, label),
                                   .rel = slash + 1};
        }
    }
    return n;
}

/* index.txt (sorted) and changes.csv (newest first) of the documents of
 * one folder, docs[0..n) sorted by path. */
static bool write_lists(OutDir *o, Document *docs, size_t n) {
    StrBuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s\n", docs[i].rel);
    bool ok = outdir_write(o, arena_printf(&o->arena, "%sindex.txt", docs[0].dir),
                           sb.data ? sb.data : "", sb.len);
    sb_reset(&sb);
    qsort(docs, n, sizeof *docs, cmp_changes);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "\"%s\",\"%s\"\n", docs[i].rel, docs[i].current);
    ok = ok && outdir_write(o, arena_printf(&o->arena, "%schanges.csv", docs[0].dir),
                            sb.data ? sb.data : "", sb.len);
    qsort(docs, n, sizeof *docs, cmp_paths);
    sb_free(&sb);
    return ok;
}

bool provider_finish(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o) {
    (void)d;
    Document *docs = arena_alloc(&o->arena, (o->nfiles + 1) * sizeof *docs);
    size_t n = find_documents(o, docs);
    if (n == 0) return true; /* nothing published: no provider folder either */
    qsort(docs, n, sizeof *docs, cmp_paths);
    Openpgp *pgp = NULL;
    if (e->csaf_key && !(pgp = openpgp_signer(e->csaf_key, e->csaf_passphrase_file, m->build_date)))
        return false;
    json_t *publisher = NULL;
    bool ok = true;
    StrBuf asc;
    sb_init(&asc);
    for (size_t i = 0; ok && i < n; i++) {
        const char *path = arena_printf(&o->arena, "%s%s", docs[i].dir, docs[i].rel);
        char *data;
        size_t size;
        const char *full = fs_join(&o->arena, o->tmp_path, path);
        if (!fs_read(full, (size_t)1 << 30, &data, &size)) {
            fprintf(stderr, "dossier: cannot read back %s: %s\n", full, strerror(errno));
            ok = false;
            break;
        }
        ok = read_document(o, path, data, size, &docs[i], &publisher);
        /* a document in another label's folder would reach people its
         * label keeps it from: the public folder holds TLP:WHITE alone */
        if (ok && docs[i].dir != WHITE && strcmp(docs[i].label, "WHITE") == 0) {
            fprintf(stderr,
                    "dossier: %s: a TLP:WHITE document belongs in the public folder, not under "
                    "%s\n",
                    path, RESTRICTED);
            ok = false;
        }
        if (ok && strcmp(docs[i].tlp, docs[i].label) != 0) {
            fprintf(stderr,
                    "dossier: %s: a TLP:%s document in the folder of TLP:%s; the csaf templates "
                    "put it in the wrong place\n",
                    path, docs[i].tlp, docs[i].label);
            ok = false;
        }
        ok = ok && write_hashes(o, path, (const unsigned char *)data, size);
        if (ok && pgp) {
            sb_reset(&asc);
            ok = openpgp_sign(pgp, data, size, &asc) &&
                 outdir_write(o, arena_printf(&o->arena, "%s.asc", path), asc.data, asc.len);
        }
        free(data);
    }
    const char *fpr = pgp ? arena_strdup(&o->arena, openpgp_fingerprint(pgp)) : NULL;
    if (ok && pgp) {
        sb_reset(&asc);
        ok = openpgp_export(pgp, &asc) &&
             outdir_write(o, arena_printf(&o->arena, "%sopenpgp/%s.asc", CSAF, fpr), asc.data,
                          asc.len);
    }
    sb_free(&asc);
    openpgp_close(pgp);
    for (size_t i = 0, k; ok && i < n; i = k) { /* one label's folder at a time */
        for (k = i; k < n && strcmp(docs[k].dir, docs[i].dir) == 0; k++)
            ;
        ok = write_lists(o, docs + i, k - i);
    }
    if (!ok) {
        json_decref(publisher);
        return false;
    }
    /* the provider's URLs are below the publisher's namespace, as in the
     * documents' self references */
    const char *ns = str_at(publisher, "namespace", NULL, NULL),
               *vendor = str_at(publisher, "name", NULL, NULL);
    if (!ns || !vendor) {
        fprintf(stderr, "dossier: %s: the documents' publisher has no name or namespace\n", CSAF);
        json_decref(publisher);
        return false;
    }
    const char *base = arena_printf(&o->arena, "%s/.well-known/csaf/", ns);
    const char **tlps = arena_alloc(&o->arena, (n + 1) * sizeof *tlps);
    size_t ntlps = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < ntlps && strcmp(tlps[k], docs[i].tlp) != 0)
            k++;
        if (k == ntlps) tlps[ntlps++] = docs[i].tlp;
    }
    qsort(tlps, ntlps, sizeof *tlps, cmp_str);
    qsort(docs, n, sizeof *docs, cmp_changes); /* newest first, for the feeds */
    bool white = false;
    for (size_t i = 0; ok && i < ntlps; i++) {
        white = white || strcmp(tlps[i], "WHITE") == 0;
        ok = write_feed(o, docs, n, tlps[i], base, vendor, pgp != NULL) &&
             write_categories(o, docs, n, tlps[i]);
    }
    /* The public files name the public feed alone: a restricted feed is
     * given to its recipients, and nothing public says it exists. */
    const char *public_tlps[] = {"WHITE"};
    if (ok && white) {
        ok = write_service(o, base, vendor, public_tlps, 1) &&
             write_security_txt(o, m, ns,
                                arena_printf(&o->arena, "%sprovider-metadata.json", base)) &&
             write_metadata(o, m, publisher, base, public_tlps, 1, fpr);
    }
    json_decref(publisher);
    return ok;
}

/* ---- dossier verify: the signatures of a provider folder ----------------- */

enum { VERIFY_MAX_DOC = 64 << 20, VERIFY_MAX_SIG = 64 << 10, VERIFY_MAX_KEYS = 16 };

/* The names in the folder rel below root (a real folder, not a link) that
 * are of the kind asked (folders or regular files), sorted; arena-owned. */
static size_t names_in(Arena *a, const char *root, const char *rel, bool folders,
                       const char ***out) {
    const char *path = fs_join(a, root, rel);
    struct stat st;
    *out = NULL;
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    DIR *d = opendir(path);
    if (!d) return 0;
    size_t n = 0, cap = 16;
    const char **names = arena_alloc(a, cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d)) && n < 100000) {
        if (e->d_name[0] == '.') continue;
        if (lstat(fs_join(a, path, e->d_name), &st) != 0) continue;
        if (folders ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) continue;
        if (n == cap) {
            const char **more = arena_alloc(a, 2 * cap * sizeof *more);
            memcpy(more, names, n * sizeof *names);
            names = more;
            cap *= 2;
        }
        names[n++] = arena_strdup(a, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    *out = names;
    return n;
}

static bool has_suffix(const char *s, const char *tail) {
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

size_t provider_verify(const char *out, bool *failed) {
    size_t problems = 0;
    const char *csaf = "public/csaf/.well-known/csaf";
    Arena a;
    arena_init(&a);
    const char *shown = fs_join(&a, out, csaf);
    const char **tlps, **keys;
    size_t ntlps = names_in(&a, out, csaf, true, &tlps);
    const char *keydir = arena_printf(&a, "%s/openpgp", csaf);
    size_t nkeys = names_in(&a, out, keydir, false, &keys);
    Openpgp *pgp = NULL;
    char fprs[VERIFY_MAX_KEYS][64];
    const char *fpr_list[VERIFY_MAX_KEYS];
    int nfprs = 0;
    for (size_t i = 0; i < nkeys && !*failed; i++) {
        if (!has_suffix(keys[i], ".asc")) continue;
        if (!pgp && !(pgp = openpgp_keyring())) {
            *failed = true;
            break;
        }
        const char *rel = arena_printf(&a, "%s/%s", keydir, keys[i]);
        char *data;
        size_t len;
        if (!fs_read_below(out, rel, VERIFY_MAX_SIG, &data, &len)) {
            verify_line(&problems, true, "cannot read the public key %s: %s", fs_join(&a, out, rel),
                        strerror(errno));
            continue;
        }
        int got = openpgp_import_public(pgp, data, len, fs_join(&a, out, rel), fprs + nfprs,
                                        VERIFY_MAX_KEYS - nfprs);
        free(data);
        if (got < 0)
            verify_line(&problems, true, "not an OpenPGP public key: %s", fs_join(&a, out, rel));
        else
            nfprs += got;
    }
    for (int i = 0; i < nfprs; i++)
        fpr_list[i] = fprs[i];
    size_t ndocs = 0, good = 0;
    /* the label folders: the public ones, then the restricted ones (signed
     * by the same key, which the public folder publishes) */
    const char **restricted;
    size_t nrestricted = names_in(&a, out, "restricted/csaf", true, &restricted);
    const char **folders = arena_alloc(&a, (ntlps + nrestricted + 1) * sizeof *folders);
    size_t nfolders = 0;
    for (size_t t = 0; t < ntlps; t++)
        if (strcmp(tlps[t], "openpgp") != 0)
            folders[nfolders++] = arena_printf(&a, "%s/%s", csaf, tlps[t]);
    for (size_t t = 0; t < nrestricted; t++)
        folders[nfolders++] = arena_printf(&a, "restricted/csaf/%s", restricted[t]);
    for (size_t t = 0; t < nfolders && !*failed; t++) {
        const char **years;
        const char *tlp = folders[t];
        size_t nyears = names_in(&a, out, tlp, true, &years);
        for (size_t y = 0; y < nyears && !*failed; y++) {
            const char **files;
            const char *year = arena_printf(&a, "%s/%s", tlp, years[y]);
            size_t nf = names_in(&a, out, year, false, &files);
            for (size_t f = 0; f < nf; f++) {
                if (!has_suffix(files[f], ".json")) continue;
                ndocs++;
                const char *rel = arena_printf(&a, "%s/%s", year, files[f]);
                const char *shown_doc = fs_join(&a, out, rel);
                bool have_sig = false;
                for (size_t k = 0; k < nf && !have_sig; k++)
                    have_sig = strcmp(files[k], arena_printf(&a, "%s.asc", files[f])) == 0;
                if (!have_sig) {
                    if (nfprs) verify_line(&problems, true, "missing signature: %s.asc", shown_doc);
                    continue;
                }
                if (!nfprs) {
                    verify_line(&problems, true,
                                "signature without a public key in %s/openpgp/: %s.asc", shown,
                                shown_doc);
                    continue;
                }
                char *data = NULL, *sig = NULL;
                size_t len, siglen;
                if (!fs_read_below(out, rel, VERIFY_MAX_DOC, &data, &len) ||
                    !fs_read_below(out, arena_printf(&a, "%s.asc", rel), VERIFY_MAX_SIG, &sig,
                                   &siglen)) {
                    verify_line(&problems, true, "cannot read %s or its signature: %s", shown_doc,
                                strerror(errno));
                } else {
                    const char *why =
                        openpgp_verify(pgp, &a, data, len, sig, siglen, fpr_list, nfprs);
                    if (why)
                        verify_line(&problems, true, "bad signature: %s.asc: %s", shown_doc, why);
                    else
                        good++;
                }
                free(data);
                free(sig);
            }
        }
    }
    openpgp_close(pgp);
    if (!*failed && ndocs) {
        if (nfprs)
            verify_line(&problems, false, "%s: %zu of %zu CSAF documents carry a good signature",
                        shown, good, ndocs);
        else if (!problems)
            verify_line(&problems, false, "%s: %zu CSAF documents, not signed", shown, ndocs);
    }
    arena_free(&a);
    return problems;
}
