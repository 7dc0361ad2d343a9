/* verify.c: `dossier verify` (emit/). A premarket bundle as its ZIP, as
 * the unzipped folder, or as the output folder a build wrote (premarket/,
 * the ZIP, and the manifest and its signature beside them), any part of
 * which may be hostile: every entry accounted for, every hash recomputed,
 * no link followed and nothing but a regular file opened, the ZIP held to
 * what zip_pack writes, all within the bounds of bundle.h. What it prints
 * that came from the bundle is escaped for the terminal. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"

/* The file a build puts at the root of the folders it makes (outdir.c), so
 * that it replaces only those; it is in no manifest. */
#define STAMP OUTDIR_STAMP
#define MANIFEST "manifest.json"
#define SIGNATURE "manifest.json.minisig"
enum { MAX_MANIFEST = 32 << 20, MAX_SIGNATURE = 64 << 10, CHUNK = 64 * 1024 };

/* A file of a bundle: its path inside the bundle, size and SHA-256. */
typedef struct Entry {
    const char *path;
    uint64_t size;
    char sha256[65];
    uint16_t dos_date, dos_time; /* a ZIP entry's */
    bool listed;                 /* named by the manifest */
} Entry;

/* One bundle: a folder or a ZIP. */
typedef struct Bundle {
    const char *where; /* put before the paths it prints: "", "OUT/premarket/", "OUT/x.zip:" */
    bool zip;
    bool read; /* it could be read (else its problems were said) */
    Entry *entries;
    size_t n, cap;
    StrBuf manifest, signature; /* the bytes of the two files at its root */
    bool has_manifest, has_signature;
    json_t *root;   /* the manifest, parsed */
    size_t matched; /* files whose hash and size match the manifest */
} Bundle;

typedef struct Verify {
    Arena a;
    size_t problems;
    bool refused;   /* a bound met: not everything was read */
    bool failed;    /* a system error (exit 2) */
    uint64_t total; /* bytes read so far, for BUNDLE_MAX_TOTAL */
    size_t files;   /* entries seen so far, for BUNDLE_MAX_FILES */
    /* the ZIP entry being inflated */
    Bundle *cur;
    size_t cur_index;
    bool cur_open;
    Sha256 hash;
    StrBuf *keep;
    size_t keep_max;
    bool keep_over;
} Verify;

void verify_line(size_t *problems, bool problem, const char *fmt, ...) {
    StrBuf sb, out;
    sb_init(&sb);
    sb_init(&out);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    sb_escape_text(&out, sb.data, sb.len, false);
    sb_putc(&out, '\n');
    fwrite(out.data, 1, out.len, stdout);
    sb_free(&sb);
    sb_free(&out);
    if (problem) ++*problems;
}

/* One line of verify's report on the bundle; a problem counts against it. */
#define say(v, problem, ...) verify_line(&(v)->problems, problem, __VA_ARGS__)

static void refuse(Verify *v, const char *where, const char *why) {
    say(v, true, "refused: %s: %s; not read further", where, why);
    v->refused = true;
}

static Entry *add_entry(Verify *v, Bundle *b, const char *path) {
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        b->entries = arena_grow(&v->a, b->entries, b->cap, cap, sizeof *b->entries);
        b->cap = cap;
    }
    Entry *e = &b->entries[b->n++];
    memset(e, 0, sizeof *e);
    e->path = arena_strdup(&v->a, path);
    return e;
}

static int by_path(const void *a, const void *b) {
    return strcmp(((const Entry *)a)->path, ((const Entry *)b)->path);
}

static Entry *find_entry(const Bundle *b, const char *path) {
    Entry key = {.path = path};
    return b->n ? bsearch(&key, b->entries, b->n, sizeof *b->entries, by_path) : NULL;
}

static const char *file_kind(mode_t mode) {
    return S_ISFIFO(mode)   ? "a FIFO"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a file";
}

/* ---- folders --------------------------------------------------------------- */

/* Reads the regular file name of the folder dirfd (lstat said ls) and
 * hashes it; its bytes also go to keep, up to keep_max. Opened without
 * following a link and without blocking, and it must still be the file
 * lstat saw. False when a bound is met or on a system error. */
static bool hash_file(Verify *v, int dirfd, const char *name, const char *shown,
                      const struct stat *ls, Entry *e, StrBuf *keep, size_t keep_max,
                      bool *too_big) {
    if ((uint64_t)ls->st_size > BUNDLE_MAX_FILE) {
        refuse(v, shown,
               arena_printf(&v->a, "%lld bytes; a bundle file has at most %llu",
                            (long long)ls->st_size, (unsigned long long)BUNDLE_MAX_FILE));
        return false;
    }
    if (v->total + (uint64_t)ls->st_size > BUNDLE_MAX_TOTAL) {
        refuse(v, shown,
               arena_printf(&v->a, "the bundle's files pass %llu bytes in all",
                            (unsigned long long)BUNDLE_MAX_TOTAL));
        return false;
    }
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                strerror(errno));
        if (fd >= 0) close(fd);
        v->failed = true;
        return false;
    }
    if (!S_ISREG(st.st_mode) || st.st_ino != ls->st_ino || st.st_dev != ls->st_dev) {
        close(fd);
        say(v, true, "changed while being read: %s", shown);
        return true;
    }
    Sha256 h = {0};
    sha256_start(&h);
    unsigned char *buf = xmalloc(CHUNK);
    uint64_t got = 0;
    bool ok = true;
    for (;;) {
        ssize_t r = read(fd, buf, CHUNK);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                    strerror(errno));
            v->failed = true;
            ok = false;
            break;
        }
        if (r == 0) break;
        got += (uint64_t)r;
        if (got > BUNDLE_MAX_FILE || v->total + got > BUNDLE_MAX_TOTAL) { /* it grew while read */
            refuse(v, shown, "grew past the bounds while read");
            ok = false;
            break;
        }
        sha256_add(&h, buf, (size_t)r);
        if (keep && got <= keep_max)
            sb_append(keep, (const char *)buf, (size_t)r);
        else if (keep)
            *too_big = true;
    }
    free(buf);
    close(fd);
    if (ok) sha256_end(&h, e->sha256);
    sha256_free(&h);
    if (!ok) return false;
    v->total += got;
    e->size = got;
    return true;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names in the folder dirfd, sorted bytewise, hidden ones too; NULL
 * after a message on a system error or when there are more than a bundle
 * holds. */
static const char **list_names(Verify *v, int dirfd, const char *shown, size_t *n) {
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                strerror(errno));
        if (fd >= 0) close(fd);
        v->failed = true;
        return NULL;
    }
    const char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (++v->files > BUNDLE_MAX_FILES) {
            refuse(v, shown,
                   arena_printf(&v->a, "more than %d entries; a bundle has at most that many",
                                BUNDLE_MAX_FILES));
            closedir(d);
            return NULL;
        }
        if (count == cap) {
            size_t c = cap ? cap * 2 : 32;
            names = arena_grow(&v->a, names, cap, c, sizeof *names);
            cap = c;
        }
        names[count++] = arena_strdup(&v->a, de->d_name);
    }
    closedir(d);
    if (count > 1) qsort(names, count, sizeof *names, by_name);
    *n = count;
    return names ? names : arena_alloc(&v->a, sizeof *names);
}

/* Every entry below the folder dirfd into b: regular files hashed, folders
 * walked, anything else (a link, a FIFO, a device) said and never opened.
 * rel is the folder's path inside the bundle ("" at its root). */
static void walk(Verify *v, Bundle *b, int dirfd, const char *rel, int depth) {
    const char *shown_dir = arena_printf(&v->a, "%s%s", b->where, rel);
    size_t n;
    const char **names = list_names(v, dirfd, *shown_dir ? shown_dir : ".", &n);
    if (!names) return;
    if (n == 0 && *rel) say(v, true, "not in the manifest: %s (an empty folder)", shown_dir);
    for (size_t i = 0; i < n && !v->refused && !v->failed; i++) {
        const char *path = arena_printf(&v->a, "%s%s", rel, names[i]);
        const char *shown = arena_printf(&v->a, "%s%s", b->where, path);
        struct stat st;
        if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
            fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                    strerror(errno));
            v->failed = true;
        } else if (S_ISDIR(st.st_mode)) {
            if (depth + 1 > BUNDLE_MAX_DEPTH) {
                refuse(v, shown,
                       arena_printf(&v->a, "folders more than %d deep", BUNDLE_MAX_DEPTH));
                return;
            }
            int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                        strerror(errno));
                v->failed = true;
                return;
            }
            walk(v, b, sub, arena_printf(&v->a, "%s/", path), depth + 1);
            close(sub);
        } else if (S_ISLNK(st.st_mode)) {
            say(v, true, "symbolic link, not followed: %s", shown);
        } else if (!S_ISREG(st.st_mode)) {
            say(v, true, "not a regular file, not opened: %s (%s)", shown, file_kind(st.st_mode));
        } else {
            bool top = !*rel, is_manifest = top && strcmp(names[i], MANIFEST) == 0,
                 is_signature = top && strcmp(names[i], SIGNATURE) == 0, too_big = false;
            StrBuf *keep = is_manifest ? &b->manifest : is_signature ? &b->signature : NULL;
            Entry e = {0};
            if (!hash_file(v, dirfd, names[i], shown, &st, &e, keep,
                           is_manifest ? MAX_MANIFEST : MAX_SIGNATURE, &too_big))
                return;
            if (!e.sha256[0]) continue; /* changed while read, said */
            Entry *added = add_entry(v, b, path);
            added->size = e.size;
            memcpy(added->sha256, e.sha256, sizeof e.sha256);
            if (too_big)
                say(v, true,
                    "refused: %s: larger than dossier writes one (%d bytes); not read as one",
                    shown, is_manifest ? MAX_MANIFEST : MAX_SIGNATURE);
            else if (is_manifest)
                b->has_manifest = true;
            else if (is_signature)
                b->has_signature = true;
        }
    }
}

/* Reads the bundle folder dirfd into b. */
static void read_folder(Verify *v, Bundle *b, int dirfd) {
    walk(v, b, dirfd, "", 0);
    b->read = !v->failed;
    if (b->n > 1) qsort(b->entries, b->n, sizeof *b->entries, by_path);
}

/* ---- ZIPs ------------------------------------------------------------------- */

static void zip_problem(void *ctx, const char *entry, ZipProblem kind, const char *what) {
    Verify *v = ctx;
    const char *word = kind == ZIP_DEPARTS  ? "not as dossier writes it"
                       : kind == ZIP_UNSAFE ? "unsafe"
                                            : "refused";
    if (entry)
        say(v, true, "%s: %s%s: %s", word, v->cur->where, entry, what);
    else
        say(v, true, "%s: %.*s: %s", word, (int)strlen(v->cur->where) - 1, v->cur->where, what);
    if (kind == ZIP_REFUSED) v->refused = true;
}

static bool zip_data(void *ctx, const ZipEntry *ze, const void *data, size_t n) {
    Verify *v = ctx;
    Bundle *b = v->cur;
    if (!v->cur_open || v->cur_index != ze->index) {
        v->cur_open = true;
        v->cur_index = ze->index;
        sha256_start(&v->hash);
        bool is_manifest = strcmp(ze->name, MANIFEST) == 0,
             is_signature = strcmp(ze->name, SIGNATURE) == 0;
        v->keep = is_manifest ? &b->manifest : is_signature ? &b->signature : NULL;
        if (v->keep) sb_reset(v->keep);
        v->keep_max = is_manifest ? MAX_MANIFEST : MAX_SIGNATURE;
        v->keep_over = false;
    }
    if (data) {
        sha256_add(&v->hash, data, n);
        if (v->keep && v->keep->len + n <= v->keep_max)
            sb_append(v->keep, (const char *)data, n);
        else if (v->keep)
            v->keep_over = true;
        return true;
    }
    v->cur_open = false;
    Entry *e = add_entry(v, b, ze->name);
    e->size = ze->size;
    e->dos_date = ze->dos_date;
    e->dos_time = ze->dos_time;
    sha256_end(&v->hash, e->sha256);
    if (v->keep && v->keep_over) {
        say(v, true, "refused: %s%s: larger than dossier writes one (%zu bytes); not read as one",
            b->where, ze->name, v->keep_max);
        sb_reset(v->keep);
    } else if (v->keep == &b->manifest) {
        b->has_manifest = !b->has_manifest; /* a name twice is said by zip_read; keep neither */
    } else if (v->keep == &b->signature) {
        b->has_signature = !b->has_signature;
    }
    return true;
}

/* Reads the ZIP open on fd into b; label names it in messages. */
static void read_zip(Verify *v, Bundle *b, int fd, const char *label) {
    v->cur = b;
    v->cur_open = false;
    ZipReader r = {v, zip_problem, zip_data};
    ZipResult res = zip_read(&v->a, fd, label, &r);
    if (res == ZIP_READ_FAILED) v->failed = true;
    b->read = res == ZIP_READ_OK || res == ZIP_READ_PROBLEMS;
    if (b->n > 1) qsort(b->entries, b->n, sizeof *b->entries, by_path);
}

/* ---- against the manifest ------------------------------------------------ */

/* Parses b's manifest; false after saying why when it is none. */
static bool load_manifest(Verify *v, Bundle *b, const char *name) {
    json_error_t jerr;
    if (b->has_manifest)
        b->root = json_loadb(b->manifest.data ? b->manifest.data : "", b->manifest.len,
                             JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_array(json_object_get(b->root, "files"))) {
        say(v, true, "%s: %s", name,
            b->has_manifest ? "its manifest.json is not a dossier manifest"
                            : "no manifest.json: not a dossier bundle");
        json_decref(b->root);
        b->root = NULL;
        return false;
    }
    return true;
}

/* Every file the manifest lists against b's files, every record's hash
 * against its source file, and every file of b listed. */
static void check_manifest(Verify *v, Bundle *b) {
    json_t *list = json_object_get(b->root, "files");
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const char *p = json_string_value(json_object_get(item, "path"));
        const char *want = json_string_value(json_object_get(item, "sha256"));
        json_t *size = json_object_get(item, "size");
        if (!p || !want || !json_is_integer(size)) {
            say(v, true, "%smanifest.json: entry %zu has no path, sha256 or size", b->where, i + 1);
            continue;
        }
        Entry *e = find_entry(b, p);
        if (!e) {
            say(v, true, "missing: %s%s", b->where, p);
            continue;
        }
        if (e->listed) {
            say(v, true, "listed twice in the manifest: %s%s", b->where, p);
            continue;
        }
        e->listed = true;
        if (strcmp(e->sha256, want) != 0 || json_integer_value(size) < 0 ||
            (uint64_t)json_integer_value(size) != e->size) {
            say(v, true, "changed: %s%s (sha256 %s, size %llu; the manifest says %s, %lld)",
                b->where, p, e->sha256, (unsigned long long)e->size, want,
                (long long)json_integer_value(size));
            continue;
        }
        b->matched++;
    }
    const char *id;
    json_t *rec;
    json_object_foreach(json_object_get(b->root, "records"), id, rec) {
        const char *rp = json_string_value(json_object_get(rec, "path"));
        const char *want = json_string_value(json_object_get(rec, "sha256"));
        const Entry *e = rp ? find_entry(b, arena_printf(&v->a, "records/%s", rp)) : NULL;
        if (!e || !want || strcmp(e->sha256, want) != 0)
            say(v, true, "record %s: its hash in the manifest does not match %srecords/%s", id,
                b->where, rp ? rp : "(no path)");
    }
    for (size_t k = 0; k < b->n; k++) {
        const char *p = b->entries[k].path;
        if (b->entries[k].listed || strcmp(p, MANIFEST) == 0 || strcmp(p, SIGNATURE) == 0) continue;
        say(v, true, "not in the manifest: %s%s", b->where, p);
    }
    if (!b->zip) return;
    /* every entry dated the build date at 00:00, as zip_pack dates them */
    const char *bd = json_string_value(json_object_get(b->root, "build_date"));
    int64_t days;
    if (!bd || !date_parse(bd, &days)) {
        say(v, true, "%smanifest.json: no build date", b->where);
        return;
    }
    uint16_t want = zip_dos_date(days);
    for (size_t k = 0; k < b->n; k++) {
        const Entry *e = &b->entries[k];
        if (e->dos_date == want && e->dos_time == 0) continue;
        say(v, true,
            "not as dossier writes it: %s%s: dated %04d-%02d-%02d %02d:%02d:%02d; dossier dates "
            "every entry "
            "the build date, %s 00:00:00",
            b->where, e->path, (e->dos_date >> 9) + 1980, (e->dos_date >> 5) & 15, e->dos_date & 31,
            e->dos_time >> 11, (e->dos_time >> 5) & 63, (e->dos_time & 31) * 2, bd);
    }
}

/* Checks the signature of b's manifest with pubkey; false when it does not verify. */
static bool check_signature(Verify *v, const Bundle *b, const char *pubkey) {
    if (!pubkey) {
        if (b->has_signature)
            say(v, false, "signature: present, not checked (give --pubkey KEY.pub)");
        return true;
    }
    const char *why;
    bool good = false;
    if (!b->has_signature)
        why = "the bundle is not signed (no manifest.json.minisig)";
    else if (!b->has_manifest)
        why = "there is no manifest to check it over";
    else
        good = sign_verify(&v->a, pubkey, b->signature.data, b->signature.len, b->manifest.data,
                           b->manifest.len, &why);
    say(v, false, "%s: %s", good ? "signature" : "signature BAD", why);
    return good;
}

static int verdict(Verify *v, const char *what, size_t matched, size_t listed, const char *pubkey,
                   bool sig_good, const char *agree) {
    if (v->failed) return EXIT_USAGE;
    if (v->problems || !sig_good)
        say(v, false, "%s: FAILED: %zu problem%s (%zu files listed in the manifest)%s", what,
            v->problems, v->problems == 1 ? "" : "s", listed,
            sig_good ? "" : "; the signature does not verify");
    else
        say(v, false, "%s: OK: %zu files match the manifest%s%s", what, matched, agree,
            pubkey ? ", signature good" : "");
    return v->problems || !sig_good ? EXIT_FINDINGS : EXIT_CLEAN;
}

static size_t listed(const Bundle *b) {
    return json_array_size(json_object_get(b->root, "files"));
}

/* ---- the three forms ------------------------------------------------------ */

static int verify_one(Verify *v, Bundle *b, const char *path, const char *pubkey) {
    bool whole = b->read && !v->refused; /* after a refusal, "missing" would be noise */
    if (whole && load_manifest(v, b, path)) check_manifest(v, b);
    bool sig_good = whole ? check_signature(v, b, pubkey) : !pubkey;
    return verdict(v, path, b->matched, listed(b), pubkey, sig_good, "");
}

/* Reads the regular file name at the root dirfd, at most max bytes, into out. */
static bool read_small(Verify *v, int dirfd, const char *name, const char *shown, size_t max,
                       StrBuf *out) {
    struct stat st;
    bool too_big = false;
    Entry e = {0};
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !hash_file(v, dirfd, name, shown, &st, &e, out, max, &too_big))
        return false;
    if (too_big)
        say(v, true, "refused: %s: larger than dossier writes one (%zu bytes); not read", shown,
            max);
    return e.sha256[0] && !too_big;
}

/* Counts the files below the folder dirfd of another output (the site, the
 * MDS2 form, ...), which no manifest covers: nothing is opened, but links,
 * FIFOs, devices and hidden names are problems here too. */
static size_t scan_other(Verify *v, int dirfd, const char *shown_dir, int depth) {
    size_t n, files = 0;
    const char **names = list_names(v, dirfd, shown_dir, &n);
    for (size_t i = 0; names && i < n && !v->refused && !v->failed; i++) {
        const char *shown = arena_printf(&v->a, "%s/%s", shown_dir, names[i]);
        struct stat st;
        if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
            fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                    strerror(errno));
            v->failed = true;
        } else if (S_ISLNK(st.st_mode)) {
            say(v, true, "symbolic link, not followed: %s", shown);
        } else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            say(v, true, "not a regular file, not opened: %s (%s)", shown, file_kind(st.st_mode));
        } else if (names[i][0] == '.' &&
                   !(S_ISDIR(st.st_mode) && strcmp(names[i], ".well-known") == 0)) {
            /* the one hidden name an output writes: the CSAF provider's .well-known/ (RFC 8615) */
            say(v, true, "not in the manifest: %s (hidden; no output writes it)", shown);
        } else if (S_ISREG(st.st_mode)) {
            files++;
        } else if (depth + 1 > BUNDLE_MAX_DEPTH) {
            refuse(v, shown, arena_printf(&v->a, "folders more than %d deep", BUNDLE_MAX_DEPTH));
        } else {
            int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                        strerror(errno));
                v->failed = true;
                continue;
            }
            files += scan_other(v, sub, shown, depth + 1);
            close(sub);
        }
    }
    return files;
}

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n > k && strcmp(s + n - k, tail) == 0;
}

static bool same_bytes(const StrBuf *x, const StrBuf *y) {
    return x->len == y->len && (x->len == 0 || memcmp(x->data, y->data, x->len) == 0);
}

/* The ZIP and the folder hold the same files with the same bytes. */
static void check_agreement(Verify *v, const Bundle *folder, const Bundle *zip) {
    size_t i = 0, k = 0;
    while (i < folder->n || k < zip->n) {
        int c = i == folder->n ? 1
                : k == zip->n  ? -1
                               : strcmp(folder->entries[i].path, zip->entries[k].path);
        if (c < 0)
            say(v, true, "not in the ZIP: %s%s", folder->where, folder->entries[i++].path);
        else if (c > 0)
            say(v, true, "not in premarket/: %s%s", zip->where, zip->entries[k++].path);
        else {
            if (strcmp(folder->entries[i].sha256, zip->entries[k].sha256) != 0)
                say(v, true, "the ZIP and premarket/ differ: %s (%s%s, %s%s)",
                    folder->entries[i].path, folder->where, folder->entries[i].path, zip->where,
                    zip->entries[k].path);
            i++;
            k++;
        }
    }
}

/* The output folder of a build: premarket/, the ZIP named from the
 * product, the manifest and its signature beside them, the stamp, and the
 * other outputs, which no manifest covers. */
static int verify_output(Verify *v, const char *out, int root, const char *pubkey) {
    const char *base = arena_printf(&v->a, "%s%s", out, out[strlen(out) - 1] == '/' ? "" : "/");
    Bundle folder = {.where = arena_printf(&v->a, "%spremarket/", base)}, zip = {.zip = true};
    sb_init(&folder.manifest);
    sb_init(&folder.signature);
    sb_init(&zip.manifest);
    sb_init(&zip.signature);
    int pfd = openat(root, "premarket", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (pfd < 0) {
        fprintf(stderr, "dossier: cannot read %spremarket: %s\n", text_printable(&v->a, base),
                strerror(errno));
        return EXIT_USAGE;
    }
    read_folder(v, &folder, pfd);
    close(pfd);
    bool have = folder.read && load_manifest(v, &folder, arena_printf(&v->a, "%spremarket", base));
    json_t *product = json_object_get(folder.root, "product");
    const char *zipname =
        have ? bundle_zip_name_of(&v->a, json_string_value(json_object_get(product, "name")),
                                  json_string_value(json_object_get(product, "version")))
             : NULL;
    if (zipname) zip.where = arena_printf(&v->a, "%s%s:", base, zipname);

    StrBuf beside, beside_sig;
    sb_init(&beside);
    sb_init(&beside_sig);
    bool seen_zip = false, seen_manifest = false, seen_sig = false;
    size_t n, others = 0;
    StrBuf other_names;
    sb_init(&other_names);
    const char **names = v->failed ? NULL : list_names(v, root, out, &n);
    for (size_t i = 0; names && i < n && !v->failed; i++) {
        const char *name = names[i], *shown = arena_printf(&v->a, "%s%s", base, name);
        struct stat st;
        if (fstatat(root, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                    strerror(errno));
            v->failed = true;
        } else if (strcmp(name, "premarket") == 0) {
            continue; /* read above */
        } else if (S_ISLNK(st.st_mode)) {
            say(v, true, "symbolic link, not followed: %s", shown);
        } else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            say(v, true, "not a regular file, not opened: %s (%s)", shown, file_kind(st.st_mode));
        } else if (strcmp(name, STAMP) == 0 && S_ISREG(st.st_mode)) {
            continue; /* the build's mark; never opened */
        } else if (zipname && strcmp(name, zipname) == 0 && S_ISREG(st.st_mode)) {
            seen_zip = true;
            int fd = openat(root, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) {
                fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                        strerror(errno));
                v->failed = true;
                continue;
            }
            read_zip(v, &zip, fd, shown);
            close(fd);
            if (v->failed) { /* not a ZIP at all: here a problem of the output folder, not a system
                                error */
                v->failed = false;
                say(v, true, "not a ZIP dossier can read: %s", shown);
            }
        } else if (strcmp(name, MANIFEST) == 0 && S_ISREG(st.st_mode)) {
            seen_manifest = read_small(v, root, name, shown, MAX_MANIFEST, &beside);
        } else if (strcmp(name, SIGNATURE) == 0 && S_ISREG(st.st_mode)) {
            seen_sig = read_small(v, root, name, shown, MAX_SIGNATURE, &beside_sig);
            if (!folder.has_signature)
                say(v, true, "not in the manifest: %s (the bundle is not signed)", shown);
        } else if (strcmp(name, FS_OUTPUT_CACHE) == 0 && S_ISREG(st.st_mode)) {
            others++; /* the build's cache: another output's, not the bundle's */
        } else if (name[0] == '.') {
            say(v, true, "not in the manifest: %s (hidden; only %s and %s may be here)", shown,
                STAMP, FS_OUTPUT_CACHE);
        } else if (ends_with(name, ".zip") || ends_with(name, ".minisig")) {
            /* no output writes a ZIP or a signature here but the bundle's */
            say(v, true, "not the bundle's: %s (its ZIP is %s, its signature %s)", shown,
                zipname ? zipname : "unknown", SIGNATURE);
        } else {
            size_t before = others;
            if (S_ISREG(st.st_mode))
                others++;
            else {
                int sub = openat(root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0) {
                    fprintf(stderr, "dossier: cannot read %s: %s\n", text_printable(&v->a, shown),
                            strerror(errno));
                    v->failed = true;
                    continue;
                }
                others += scan_other(v, sub, shown, 1);
                close(sub);
            }
            if (others > before && other_names.len < 60)
                sb_printf(&other_names, "%s%s%s", other_names.len ? ", " : "", name,
                          S_ISDIR(st.st_mode) ? "/" : "");
            else if (others > before && !strstr(other_names.data, "..."))
                sb_puts(&other_names, ", ...");
        }
        if (v->refused) break;
    }

    if (have && !v->refused && !v->failed) {
        check_manifest(v, &folder);
        if (!seen_zip)
            say(v, true, "missing: %s%s (the bundle's ZIP)", base, zipname);
        else if (zip.read && load_manifest(v, &zip, arena_printf(&v->a, "%s%s", base, zipname))) {
            check_manifest(v, &zip);
            if (!same_bytes(&zip.manifest, &folder.manifest))
                say(v, true, "changed: %smanifest.json (differs from %smanifest.json)", zip.where,
                    folder.where);
            if (zip.has_signature != folder.has_signature ||
                !same_bytes(&zip.signature, &folder.signature))
                say(v, true, "changed: %s%s (differs from %s%s)", zip.where, SIGNATURE,
                    folder.where, SIGNATURE);
            check_agreement(v, &folder, &zip);
        }
        if (!seen_manifest)
            say(v, true, "missing: %s%s", base, MANIFEST);
        else if (!same_bytes(&beside, &folder.manifest))
            say(v, true, "changed: %s%s (differs from the manifest in the bundle)", base, MANIFEST);
        if (folder.has_signature && !seen_sig)
            say(v, true, "missing: %s%s", base, SIGNATURE);
        else if (seen_sig && folder.has_signature && !same_bytes(&beside_sig, &folder.signature))
            say(v, true, "changed: %s%s (differs from the signature in the bundle)", base,
                SIGNATURE);
    }
    if (others)
        say(v, false,
            "not covered by the manifest, not checked: %zu files of the build's other outputs (%s)",
            others, other_names.data);
    /* the signature of what is shipped: the ZIP's, which must equal the others */
    const Bundle *signed_one = seen_zip && zip.read && zip.has_manifest ? &zip : &folder;
    bool sig_good = have && !v->failed ? check_signature(v, signed_one, pubkey) : !pubkey;
    if (!v->failed && !v->refused) v->problems += provider_verify(out, &v->failed);
    int rc = verdict(v, out, folder.matched, listed(&folder), pubkey, sig_good,
                     zipname ? arena_printf(&v->a, " in premarket/ and in %s, which agree", zipname)
                             : "");
    sb_free(&beside);
    sb_free(&beside_sig);
    sb_free(&other_names);
    json_decref(folder.root);
    json_decref(zip.root);
    sb_free(&folder.manifest);
    sb_free(&folder.signature);
    sb_free(&zip.manifest);
    sb_free(&zip.signature);
    return rc;
}

int bundle_verify(const char *path, const char *pubkey) {
    if (sodium_init() < 0) die("libsodium cannot start");
    Verify v = {0};
    arena_init(&v.a);
    struct stat st;
    int rc = EXIT_USAGE;
    const char *shown = text_printable(&v.a, path);
    if (stat(path, &st) != 0) {
        fprintf(stderr, "dossier: cannot read %s: %s\n", shown, strerror(errno));
    } else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "dossier: %s is %s, neither a ZIP nor a folder; not opened\n", shown,
                file_kind(st.st_mode));
    } else {
        int fd =
            open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
        struct stat p, m;
        if (fd < 0) {
            fprintf(stderr, "dossier: cannot read %s: %s\n", shown, strerror(errno));
        } else if (S_ISDIR(st.st_mode) && fstatat(fd, "premarket", &p, AT_SYMLINK_NOFOLLOW) == 0 &&
                   S_ISDIR(p.st_mode) &&
                   fstatat(fd, "premarket/" MANIFEST, &m, AT_SYMLINK_NOFOLLOW) == 0 &&
                   S_ISREG(m.st_mode)) {
            rc = verify_output(&v, path, fd, pubkey);
        } else if (S_ISDIR(st.st_mode) && !pubkey &&
                   fstatat(fd, "public/csaf/.well-known/csaf", &p, AT_SYMLINK_NOFOLLOW) == 0 &&
                   S_ISDIR(p.st_mode)) {
            /* an output built without the bundle (--only csaf): its signatures alone */
            size_t problems = provider_verify(path, &v.failed);
            rc = v.failed ? EXIT_USAGE : problems ? EXIT_FINDINGS : EXIT_CLEAN;
            say(&v, false, "%s: %s", path, problems ? "FAILED" : "OK");
        } else {
            Bundle b = {.where = "", .zip = !S_ISDIR(st.st_mode)};
            sb_init(&b.manifest);
            sb_init(&b.signature);
            if (b.zip) {
                b.where = arena_printf(&v.a, "%s:", path);
                read_zip(&v, &b, fd, path);
                b.where = "";
            } else {
                read_folder(&v, &b, fd);
            }
            rc = v.failed ? EXIT_USAGE : verify_one(&v, &b, path, pubkey);
            json_decref(b.root);
            sb_free(&b.manifest);
            sb_free(&b.signature);
        }
        if (fd >= 0) close(fd);
    }
    sha256_free(&v.hash);
    arena_free(&v.a);
    return rc;
}

bool bundle_unpack(const char *zip, const char *dir) {
    return zip_unpack(zip, dir);
}
