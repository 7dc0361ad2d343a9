/* zip.c: deterministic ZIP archives with libzip, built in memory: sorted
 * entries, the build date as every entry's DOS date, fixed Unix mode and
 * nothing else that varies; and reading a ZIP that may be hostile, for
 * `dossier verify` and `dossier diff`: its directory parsed here and
 * compared with libzip's reading, every departure from what zip_pack
 * writes reported, and what it may inflate to bounded before and while it
 * is inflated. Part of emit/; zip.h is included here and in xlsx.c only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "bundle.h"

static int by_path(const void *a, const void *b) {
    return strcmp(((const BundleFile *)a)->path, ((const BundleFile *)b)->path);
}

uint16_t zip_dos_date(int64_t days) {
    char buf[16];
    date_format(days, buf);
    int y = atoi(buf), m = atoi(buf + 5), d = atoi(buf + 8);
    if (y < 1980) y = 1980, m = 1, d = 1;
    if (y > 2107) y = 2107;
    return (uint16_t)(((y - 1980) << 9) | (m << 5) | d);
}

/* Deflate's level, chosen by measurement on the benchmark's bundle of 5,000
 * records (5,026 entries, 14.0 MB; callgrind, each entry deflated as below):
 * level 1 1.11e9 instructions for 3.61 MB, 3 1.15e9 for 3.57 MB, 4 1.48e9
 * for 3.46 MB, 6 1.63e9 for 3.44 MB (9, earlier, twice 6 for 0.9% less).
 * Levels 1 to 3 take the first match; 4 and up look further for a longer
 * one, which costs 0.3e9 instructions here for 3% of the ZIP's size. */
enum { ZIP_LEVEL = 3 };

/* An entry deflated here, before libzip sees it: one raw deflate stream
 * for each memory level serves every entry of its size (reset between
 * them, where libzip would set up a compressor per entry), and libzip,
 * told the method, sizes and CRC-32, copies the bytes as they are. The
 * memory level grows with the entry up to zlib's largest: a reset clears
 * the stream's hash table, and one sized for the entry (256 slots for the
 * median entry of 750 bytes, not 65,536) keeps that cost in proportion.
 * Measured on the benchmark's bundle of 5,000 records (5,026 entries, 14.0
 * MB, at level 6): 0.58e9 fewer instructions than zlib's largest level for every
 * entry, for a ZIP 0.13% larger (3,444,611 bytes against 3,440,007). */
enum { MEM_LEVELS = MAX_MEM_LEVEL + 1 };

static int mem_level(size_t len) {
    int level = 1;
    while (level < MAX_MEM_LEVEL && ((size_t)1 << (level + 7)) < len)
        level++;
    return level;
}

typedef struct Packed {
    unsigned char *data;   /* the deflated bytes */
    size_t len, size, off; /* their length, the entry's, where a read is */
    uint32_t crc;
} Packed;

static zip_int64_t packed_source(void *ud, void *buf, zip_uint64_t n, zip_source_cmd_t cmd) {
    Packed *p = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        p->off = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t k = p->len - p->off < n ? p->len - p->off : (size_t)n;
        memcpy(buf, p->data + p->off, k);
        p->off += k;
        return (zip_int64_t)k;
    }
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = buf;
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC |
                    ZIP_STAT_ENCRYPTION_METHOD;
        st->size = p->size;
        st->comp_size = p->len;
        st->comp_method = ZIP_CM_DEFLATE;
        st->encryption_method = ZIP_EM_NONE;
        st->crc = p->crc;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        memset(buf, 0, 2 * sizeof(int)); /* nothing of ours fails */
        return 2 * sizeof(int);
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    default:
        return -1;
    }
}

static uint32_t crc_of(const unsigned char *data, size_t len) {
    uLong crc = crc32(0L, Z_NULL, 0);
    for (size_t off = 0; off < len;) { /* crc32 takes a uInt length */
        uInt step = len - off > (1u << 30) ? (1u << 30) : (uInt)(len - off);
        crc = crc32(crc, data + off, step);
        off += step;
    }
    return (uint32_t)crc;
}

/* Deflates data into p with zs (reset first); false when zlib or malloc
 * fails (out of memory: nothing else can go wrong with a stream of our
 * own). Runs in the threads of threads_each: no xmalloc, no die(). */
static bool deflate_entry(z_stream *zs, const unsigned char *data, size_t len, Packed *p) {
    if (deflateReset(zs) != Z_OK) return false;
    size_t cap = deflateBound(zs, (uLong)len) + 16;
    if (!(p->data = malloc(cap))) return false;
    p->size = len;
    p->crc = crc_of(data, len);
    zs->next_in = (Bytef *)data;
    zs->next_out = p->data;
    int rc = Z_OK;
    size_t in_left = len;
    while (rc == Z_OK) {
        uInt step = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
        zs->avail_in = step;
        zs->avail_out = (uInt)(cap - (size_t)(zs->next_out - p->data));
        rc = deflate(zs, step == in_left ? Z_FINISH : Z_NO_FLUSH);
        in_left -= step - zs->avail_in;
    }
    p->len = (size_t)(zs->next_out - p->data);
    return rc == Z_STREAM_END;
}

/* Whether the libzip call that failed with e ran out of memory. libzip 1.7
 * says so (ZIP_ER_MEMORY, zlib's Z_MEM_ERROR, ENOMEM); or says nothing where
 * malloc failed (buffer_new, _zip_string_new copying an entry's name) and
 * errno, cleared before the call, is ENOMEM; or, where the deflate state
 * cannot be allocated, files ENOMEM under ZIP_ER_MULTIDISK (it passes
 * ZIP_ET_SYS as the error code). */
static bool out_of_memory(zip_error_t *e) {
    int code = zip_error_code_zip(e), sys = zip_error_code_system(e);
    switch (code) {
    case ZIP_ER_MEMORY:
        return true;
    case ZIP_ER_OK:
        return errno == ENOMEM;
    case ZIP_ER_MULTIDISK:
        return sys == ENOMEM;
    }
    switch (zip_error_system_type(e)) {
    case ZIP_ET_SYS:
        return sys == ENOMEM;
    case ZIP_ET_ZLIB:
        return sys == Z_MEM_ERROR;
    }
    return false;
}

const char *zip_reason(zip_error_t *e) {
    if (out_of_memory(e)) return "out of memory";
    if (zip_error_code_zip(e) == ZIP_ER_OK) return "libzip gave no reason";
    return zip_error_strerror(e);
}

/* The previous build's ZIP, to take entries from: opened read-only over
 * its bytes, which must outlive it. NULL if it does not open cleanly. */
static zip_t *open_old(const unsigned char *old, size_t len) {
    if (!old || !len) return NULL;
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(old, len, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) : NULL;
    if (!za && src) zip_source_free(src);
    zip_error_fini(&err);
    return za;
}

/* Index of f's entry in old when it holds f's bytes exactly: the same
 * name, size and CRC-32, deflated, and inflated (CRC checked by libzip at
 * its end) to the same bytes. -1 otherwise. Inflating costs a fraction of
 * deflating, and the entry's compressed bytes are then copied as they are:
 * what the same deflate at the same level made of the same bytes. */
static zip_int64_t reusable(zip_t *old, const BundleFile *f) {
    zip_int64_t idx = zip_name_locate(old, f->path, ZIP_FL_ENC_RAW);
    zip_stat_t st;
    if (idx < 0 || zip_stat_index(old, (zip_uint64_t)idx, 0, &st) != 0) return -1;
    uint32_t crc = crc_of(f->data, f->len);
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_CRC) ||
        !(st.valid & ZIP_STAT_COMP_METHOD) || st.size != f->len || st.crc != crc ||
        st.comp_method != ZIP_CM_DEFLATE ||
        (st.valid & ZIP_STAT_ENCRYPTION_METHOD && st.encryption_method != ZIP_EM_NONE))
        return -1;
    zip_file_t *zf = zip_fopen_index(old, (zip_uint64_t)idx, 0);
    if (!zf) return -1;
    unsigned char buf[16384], extra;
    bool same = true;
    for (size_t off = 0; same && off < f->len;) {
        size_t want = f->len - off < sizeof buf ? f->len - off : sizeof buf;
        zip_int64_t got = zip_fread(zf, buf, want);
        same = got == (zip_int64_t)want && memcmp(buf, f->data + off, want) == 0;
        off += want;
    }
    same = same && zip_fread(zf, &extra, 1) == 0; /* the end, where libzip checks the CRC */
    zip_fclose(zf);
    return same ? idx : -1;
}

bool zip_pack(BundleFile *files, size_t n, int64_t build_date, unsigned char **out,
              size_t *outlen) {
    return zip_pack_reusing(files, n, build_date, NULL, 0, out, outlen, NULL, 1);
}

/* The entries to deflate, dealt to threads: each thread has its own stream
 * per memory level, set up when it first needs one. */
typedef struct Deflating {
    const BundleFile *files;
    const zip_int64_t *from; /* an entry of the previous ZIP, or -1: deflate */
    Packed *packed;
    bool *failed;
    z_stream (*zs)[MEM_LEVELS];
    bool (*started)[MEM_LEVELS];
} Deflating;

static void deflate_one(void *ctx, size_t i, int thread) {
    Deflating *d = ctx;
    if (d->from[i] >= 0) return;
    int ml = mem_level(d->files[i].len);
    z_stream *zs = &d->zs[thread][ml];
    bool *started = &d->started[thread][ml];
    if (!*started) {
        memset(zs, 0, sizeof *zs);
        *started =
            deflateInit2(zs, ZIP_LEVEL, Z_DEFLATED, -MAX_WBITS, ml, Z_DEFAULT_STRATEGY) == Z_OK;
    }
    d->failed[i] =
        !*started || !deflate_entry(zs, d->files[i].data, d->files[i].len, &d->packed[i]);
}

bool zip_pack_reusing(BundleFile *files, size_t n, int64_t build_date, const unsigned char *old,
                      size_t oldlen, unsigned char **out, size_t *outlen, size_t *reused,
                      int threads) {
    qsort(files, n, sizeof *files, by_path);
    zip_t *oldza = open_old(old, oldlen);
    if (reused) *reused = 0;
    zip_error_t err;
    zip_error_init(&err);
    errno = 0;
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &err) : NULL;
    if (!za) {
        fprintf(stderr, "dossier: cannot start a ZIP: %s\n", zip_reason(&err));
        if (src) zip_source_free(src);
        zip_error_fini(&err);
        if (oldza) zip_discard(oldza);
        return false;
    }
    zip_source_keep(src); /* survives zip_close, so the bytes can be read back */
    zip_uint16_t date = zip_dos_date(build_date);
    Packed *packed = xmalloc((n + 1) * sizeof *packed);
    memset(packed, 0, (n + 1) * sizeof *packed);
    zip_int64_t *froms = xmalloc((n + 1) * sizeof *froms);
    bool *failed = xmalloc((n + 1) * sizeof *failed), ok = true;
    for (size_t i = 0; i < n; i++) {
        froms[i] = oldza ? reusable(oldza, &files[i]) : -1;
        failed[i] = false;
    }
    /* every entry deflated at once by the threads, each on its own, so the
     * bytes are the same whatever their number */
    threads = threads_clamp(threads);
    Deflating dfl = {files,
                     froms,
                     packed,
                     failed,
                     xmalloc((size_t)threads * sizeof *dfl.zs),
                     xmalloc((size_t)threads * sizeof *dfl.started)};
    memset(dfl.started, 0, (size_t)threads * sizeof *dfl.started);
    threads_each(n, threads, deflate_one, &dfl);
    for (int t = 0; t < threads; t++)
        for (int ml = 0; ml < MEM_LEVELS; ml++)
            if (dfl.started[t][ml]) deflateEnd(&dfl.zs[t][ml]);
    free(dfl.zs);
    free(dfl.started);
    for (size_t i = 0; ok && i < n; i++) {
        errno = 0;
        zip_int64_t from = froms[i];
        if (failed[i]) {
            fprintf(stderr, "dossier: cannot deflate %s for the ZIP: out of memory\n",
                    files[i].path);
            ok = false;
            break;
        }
        zip_source_t *s =
            from >= 0 ? zip_source_zip(za, oldza, (zip_uint64_t)from, ZIP_FL_COMPRESSED, 0, -1)
                      : zip_source_function(za, packed_source, &packed[i]);
        zip_int64_t idx = s ? zip_file_add(za, files[i].path, s, ZIP_FL_ENC_UTF_8) : -1;
        zip_uint64_t k = (zip_uint64_t)idx;
        ok = idx >= 0 && zip_file_set_dostime(za, k, 0, date, 0) == 0 &&
             zip_file_set_external_attributes(za, k, 0, ZIP_OPSYS_UNIX, 0100644u << 16) == 0 &&
             zip_set_file_compression(za, k, ZIP_CM_DEFLATE, ZIP_LEVEL) == 0;
        if (ok && from >= 0 && reused) (*reused)++;
        if (!ok)
            fprintf(stderr, "dossier: cannot add %s to the ZIP: %s\n", files[i].path,
                    zip_reason(zip_get_error(za)));
        if (idx < 0 && s) zip_source_free(s);
    }
    free(froms);
    free(failed);
    errno = 0;
    if (ok && zip_close(za) != 0) {
        fprintf(stderr, "dossier: cannot write the ZIP: %s\n", zip_reason(zip_get_error(za)));
        ok = false;
    }
    if (!ok) {
        zip_discard(za); /* before the bytes its sources name are freed */
        zip_source_free(src);
    }
    for (size_t i = 0; i < n; i++)
        free(packed[i].data);
    free(packed);
    if (oldza) zip_discard(oldza);
    if (!ok) return false;
    errno = 0;
    ok = zip_source_open(src) == 0 && zip_source_seek(src, 0, SEEK_END) == 0;
    zip_int64_t size = ok ? zip_source_tell(src) : -1;
    ok = size >= 0 && zip_source_seek(src, 0, SEEK_SET) == 0;
    unsigned char *buf = xmalloc(size > 0 ? (size_t)size : 1);
    if (ok && size > 0 && zip_source_read(src, buf, (zip_uint64_t)size) != size) ok = false;
    if (!ok)
        fprintf(stderr, "dossier: cannot read the ZIP back from memory: %s\n",
                zip_reason(zip_source_error(src)));
    zip_source_close(src);
    zip_source_free(src);
    if (!ok) {
        free(buf);
        return false;
    }
    *out = buf;
    *outlen = (size_t)size;
    return true;
}

/* ---- reading a ZIP that may be hostile -------------------------------- */

enum {
    EOCD_SIZE = 22,    /* the end record, before its comment */
    CENTRAL_SIZE = 46, /* a central directory header, before its name */
    LOCAL_SIZE = 30,   /* a local header, before its name */
    MAX_COMMENT = 65535,
    MAX_CENTRAL = 16 * 1024 * 1024, /* 65,535 entries with names of 200 bytes and more */
    CHUNK = 64 * 1024,
    UNIX_HOST = 3,
    FLAG_ENCRYPTED = 0x0001,
    FLAG_DESCRIPTOR = 0x0008,
    FLAG_STRONG = 0x0040,
    FLAG_LEVEL = 0x0006,
    FLAG_UTF8 = 0x0800, /* the only flags zip_pack's entries carry */
};
#define FILE_ATTRIBUTES (0100644u << 16) /* a regular file, rw-r--r--, and no DOS attributes */

static uint16_t le16(const unsigned char *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool read_at(int fd, void *buf, size_t n, uint64_t off) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0) errno = EIO; /* shorter than its directory says */
            return false;
        }
        got += (size_t)r;
    }
    return true;
}

/* One entry of the central directory as stored, with where its data lies. */
typedef struct RawEntry {
    ZipEntry e;
    size_t name_len; /* as stored: more than strlen(e.name) when the name holds a NUL */
    uint16_t made_by, flags, method, internal;
    uint32_t csize, external, offset;
    uint64_t data_end;
    bool folder; /* its name ends in '/' */
    bool opaque; /* cannot be inflated: encrypted, or a method dossier does not read */
} RawEntry;

typedef struct Reader {
    Arena *a;
    const ZipReader *r;
    const char *label;
    RawEntry *entries;
    size_t n;
    bool refused, problems;
} Reader;

static void report(Reader *rd, const RawEntry *re, ZipProblem kind, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

static void report(Reader *rd, const RawEntry *re, ZipProblem kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    StrBuf sb;
    sb_init(&sb);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    rd->problems = true;
    if (kind == ZIP_REFUSED) rd->refused = true;
    rd->r->problem(rd->r->ctx, re ? re->e.name : NULL, kind, sb.data);
    sb_free(&sb);
}

/* "mode 120777 (a symbolic link)": what the external attributes say. */
static const char *mode_words(Arena *a, uint16_t made_by, uint32_t external) {
    if (made_by >> 8 != UNIX_HOST)
        return arena_printf(a, "attributes 0x%08x of host %u", external, made_by >> 8);
    unsigned mode = external >> 16;
    const char *type;
    switch (mode & 0170000) {
    case 0100000:
        type = "a regular file";
        break;
    case 0120000:
        type = "a symbolic link";
        break;
    case 0040000:
        type = "a folder";
        break;
    case 0020000:
        type = "a character device";
        break;
    case 0060000:
        type = "a block device";
        break;
    case 0010000:
        type = "a FIFO";
        break;
    case 0140000:
        type = "a socket";
        break;
    case 0:
        type = "no file type";
        break;
    default:
        type = "an unknown file type";
        break;
    }
    return arena_printf(
        a, "mode %06o (%s%s%s%s)%s", mode, type, mode & 04000 ? ", setuid" : "",
        mode & 02000 ? ", setgid" : "", mode & 01000 ? ", sticky" : "",
        external & 0xFFFF ? arena_printf(a, " and DOS attributes 0x%04x", external & 0xFFFF) : "");
}

/* The name's parts: no empty, "." or ".." part, no leading slash, no
 * backslash, no NUL. A trailing slash makes it a folder entry. */
static void check_name(Reader *rd, RawEntry *re) {
    const char *name = re->e.name;
    size_t n = strlen(name);
    const char *why = NULL;
    if (n != re->name_len)
        why = "a NUL byte in its name";
    else if (n == 0)
        why = "an empty name";
    else if (name[0] == '/')
        why = "an absolute name";
    else if (strchr(name, '\\'))
        why = "a backslash in its name (a folder separator on Windows)";
    re->folder = n > 0 && name[n - 1] == '/';
    size_t end = re->folder ? n - 1 : n;
    for (size_t p = 0; !why && p <= end;) {
        const char *slash = memchr(name + p, '/', end - p);
        size_t len = slash ? (size_t)(slash - (name + p)) : end - p;
        if (len == 2 && name[p] == '.' && name[p + 1] == '.')
            why = "'..' in its name";
        else if (len == 0 || (len == 1 && name[p] == '.'))
            why = "an empty or '.' part in its name";
        p += len + 1;
        if (!slash) break;
    }
    if (why) {
        report(rd, re, ZIP_UNSAFE, "%s", why);
    } else if (re->folder) {
        report(rd, re, ZIP_DEPARTS, "a folder entry; dossier writes files only");
    }
}

static int by_name(const void *a, const void *b) {
    return strcmp((*(const RawEntry *const *)a)->e.name, (*(const RawEntry *const *)b)->e.name);
}

static int by_offset(const void *a, const void *b) {
    uint32_t x = (*(const RawEntry *const *)a)->offset, y = (*(const RawEntry *const *)b)->offset;
    return x < y ? -1 : x > y;
}

/* Names twice, and a name that is a file and the folder of another. */
static void check_names_together(Reader *rd) {
    RawEntry **sorted = arena_alloc(rd->a, (rd->n + 1) * sizeof *sorted);
    for (size_t i = 0; i < rd->n; i++)
        sorted[i] = &rd->entries[i];
    qsort(sorted, rd->n, sizeof *sorted, by_name);
    for (size_t i = 1; i < rd->n; i++)
        if (strcmp(sorted[i - 1]->e.name, sorted[i]->e.name) == 0)
            report(rd, sorted[i], ZIP_UNSAFE, "its name appears twice");
    for (size_t i = 0; i < rd->n; i++) {
        const char *name = sorted[i]->e.name;
        for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
            RawEntry key = {.e.name = arena_strndup(rd->a, name, (size_t)(s - name))}, *k = &key;
            RawEntry **hit = bsearch(&k, sorted, rd->n, sizeof *sorted, by_name);
            if (hit && !(*hit)->folder) {
                report(rd, sorted[i], ZIP_UNSAFE,
                       "'%s' is a file in the ZIP and a folder in this name", key.e.name);
                break;
            }
        }
    }
}

/* What one central directory header says, against what zip_pack writes. */
static void check_entry(Reader *rd, RawEntry *re, uint16_t extra_len, uint16_t comment_len,
                        uint16_t disk) {
    check_name(rd, re);
    if (re->made_by >> 8 != UNIX_HOST)
        report(rd, re, ZIP_DEPARTS, "made by host %u; dossier writes Unix (3) entries",
               re->made_by >> 8);
    if (re->flags & (FLAG_ENCRYPTED | FLAG_STRONG)) {
        re->opaque = true;
        report(rd, re, ZIP_UNSAFE, "encrypted; not read");
    }
    if (re->flags & FLAG_DESCRIPTOR)
        report(rd, re, ZIP_REFUSED, "a data descriptor, which dossier never writes");
    uint16_t other = re->flags & (uint16_t) ~(FLAG_ENCRYPTED | FLAG_STRONG | FLAG_DESCRIPTOR |
                                              FLAG_LEVEL | FLAG_UTF8);
    if (other)
        report(rd, re, ZIP_DEPARTS, "general-purpose flags 0x%04x, which dossier never sets",
               other);
    if (re->method != ZIP_CM_STORE && re->method != ZIP_CM_DEFLATE) {
        re->opaque = true;
        report(rd, re, ZIP_UNSAFE,
               "compressed with method %u; dossier writes deflate (8) only; not read", re->method);
    }
    if (extra_len)
        report(rd, re, ZIP_DEPARTS, "%u bytes of extra fields; dossier writes none", extra_len);
    if (comment_len)
        report(rd, re, ZIP_DEPARTS, "a comment of %u bytes; dossier writes none", comment_len);
    if (re->internal)
        report(rd, re, ZIP_DEPARTS, "internal attributes 0x%04x; dossier writes 0", re->internal);
    if (!re->folder && (re->made_by >> 8 != UNIX_HOST || re->external != FILE_ATTRIBUTES))
        report(rd, re, ZIP_DEPARTS, "%s; dossier writes mode 100644 (a regular file, rw-r--r--)",
               mode_words(rd->a, re->made_by, re->external));
    if (disk) report(rd, re, ZIP_REFUSED, "starts on disk %u of a ZIP in several parts", disk);
    if (re->csize == UINT32_MAX || re->e.size == UINT32_MAX)
        report(rd, re, ZIP_REFUSED, "ZIP64 sizes, which dossier never writes");
    else if (re->method == ZIP_CM_STORE && re->csize != re->e.size)
        report(rd, re, ZIP_REFUSED, "stored, yet %u bytes in the ZIP for %llu bytes", re->csize,
               (unsigned long long)re->e.size);
}

/* The stated sizes against the bounds, before anything is inflated. */
static void check_bounds(Reader *rd, uint64_t file_size) {
    uint64_t total = 0;
    for (size_t i = 0; i < rd->n; i++) {
        RawEntry *re = &rd->entries[i];
        uint64_t size = re->e.size;
        if (size > BUNDLE_MAX_FILE)
            report(rd, re, ZIP_REFUSED,
                   "would inflate to %llu bytes; a bundle file has at most %llu",
                   (unsigned long long)size, (unsigned long long)BUNDLE_MAX_FILE);
        else if (size > BUNDLE_RATIO_FLOOR && size > (uint64_t)re->csize * BUNDLE_MAX_RATIO)
            report(rd, re, ZIP_REFUSED, "would inflate %u bytes to %llu, more than %d to 1",
                   re->csize, (unsigned long long)size, BUNDLE_MAX_RATIO);
        total += size;
    }
    if (total > BUNDLE_MAX_TOTAL)
        report(rd, NULL, ZIP_REFUSED,
               "its entries would inflate to %llu bytes in all; a bundle has at most %llu",
               (unsigned long long)total, (unsigned long long)BUNDLE_MAX_TOTAL);
    else if (total > BUNDLE_RATIO_FLOOR && total > file_size * BUNDLE_MAX_RATIO)
        report(rd, NULL, ZIP_REFUSED, "%llu bytes would inflate to %llu, more than %d to 1",
               (unsigned long long)file_size, (unsigned long long)total, BUNDLE_MAX_RATIO);
}

/* Each local header against its central one, and the entries laid out as
 * zip_pack lays them: from the start, one after the other, none over
 * another, the central directory right after the last. */
static void check_layout(Reader *rd, int fd, uint32_t central_offset) {
    RawEntry **order = arena_alloc(rd->a, (rd->n + 1) * sizeof *order);
    for (size_t i = 0; i < rd->n; i++)
        order[i] = &rd->entries[i];
    qsort(order, rd->n, sizeof *order, by_offset);
    uint64_t expect = 0;
    for (size_t i = 0; i < rd->n && !rd->refused; i++) {
        RawEntry *re = order[i];
        unsigned char h[LOCAL_SIZE];
        if ((uint64_t)re->offset + LOCAL_SIZE > central_offset ||
            !read_at(fd, h, LOCAL_SIZE, re->offset) || le32(h) != 0x04034b50) {
            report(rd, re, ZIP_REFUSED, "no local header where the central directory says");
            break;
        }
        uint16_t nlen = le16(h + 26), xlen = le16(h + 28);
        char *name = arena_alloc(rd->a, (size_t)nlen + 1);
        if (!read_at(fd, name, nlen, (uint64_t)re->offset + LOCAL_SIZE) || nlen != re->name_len ||
            memcmp(name, re->e.name, nlen) != 0) {
            report(rd, re, ZIP_REFUSED, "its local header names another file ('%s')", name);
            break;
        }
        if (le16(h + 6) != re->flags || le16(h + 8) != re->method ||
            le16(h + 10) != re->e.dos_time || le16(h + 12) != re->e.dos_date ||
            le32(h + 18) != re->csize || le32(h + 22) != re->e.size) {
            report(rd, re, ZIP_REFUSED, "its local header and the central directory disagree");
            break;
        }
        if (xlen)
            report(rd, re, ZIP_DEPARTS,
                   "%u bytes of extra fields in its local header; dossier writes none", xlen);
        uint64_t start = (uint64_t)re->offset + LOCAL_SIZE + nlen + xlen;
        re->data_end = start + re->csize;
        if (re->data_end > central_offset) {
            report(rd, re, ZIP_REFUSED, "its data runs into the central directory");
            break;
        }
        if (re->offset < expect) {
            report(rd, re, ZIP_REFUSED,
                   "its data overlaps that of '%s' (a way to make a small ZIP inflate to "
                   "much)",
                   order[i - 1]->e.name);
            break;
        }
        if (re->offset > expect)
            report(rd, re, ZIP_DEPARTS, "%llu bytes before it that belong to no entry",
                   (unsigned long long)(re->offset - expect));
        expect = re->data_end;
    }
    if (!rd->refused && expect < central_offset)
        report(rd, NULL, ZIP_DEPARTS,
               "%llu bytes before the central directory that belong to no entry",
               (unsigned long long)(central_offset - expect));
}

/* Parses the end record and the central directory into rd->entries.
 * False when fd holds no ZIP at all (said on stderr). */
static bool read_directory(Reader *rd, int fd, uint64_t size, uint32_t *central_offset) {
    size_t tail =
        size < (uint64_t)EOCD_SIZE + MAX_COMMENT ? (size_t)size : (size_t)EOCD_SIZE + MAX_COMMENT;
    unsigned char *t = arena_alloc(rd->a, tail);
    if (!read_at(fd, t, tail, size - tail)) {
        fprintf(stderr, "dossier: cannot read %s: %s\n", rd->label, strerror(errno));
        return false;
    }
    size_t pos = tail, any = tail;
    for (size_t i = tail - EOCD_SIZE + 1; i-- > 0;) {
        if (memcmp(t + i, "PK\5\6", 4) != 0) continue;
        if (any == tail) any = i;
        if (i + EOCD_SIZE + le16(t + i + 20) == tail) {
            pos = i;
            break;
        }
    }
    if (pos == tail && any == tail) {
        fprintf(stderr, "dossier: %s is not a ZIP (no end of central directory)\n", rd->label);
        return false;
    }
    if (pos == tail) {
        report(rd, NULL, ZIP_REFUSED, "bytes after the end of the ZIP, which dossier never writes");
        return true;
    }
    const unsigned char *e = t + pos;
    uint64_t eocd = size - tail + pos;
    uint16_t n = le16(e + 10), comment = le16(e + 20);
    uint32_t csize = le32(e + 12), coff = le32(e + 16);
    if (comment)
        report(rd, NULL, ZIP_DEPARTS, "an archive comment of %u bytes; dossier writes none",
               comment);
    if (n == 0xFFFF || csize == UINT32_MAX || coff == UINT32_MAX)
        report(rd, NULL, ZIP_REFUSED, "ZIP64, which dossier never writes");
    else if (le16(e + 4) || le16(e + 6) || le16(e + 8) != n)
        report(rd, NULL, ZIP_REFUSED, "a ZIP in several parts, which dossier never writes");
    else if (csize > MAX_CENTRAL)
        report(rd, NULL, ZIP_REFUSED, "a central directory of %u bytes; dossier reads at most %d",
               csize, MAX_CENTRAL);
    else if ((uint64_t)coff + csize != eocd)
        report(rd, NULL, ZIP_REFUSED,
               "the central directory does not end where its end record begins");
    if (rd->refused) return true;
    unsigned char *c = arena_alloc(rd->a, (size_t)csize + 1);
    if (!read_at(fd, c, csize, coff)) {
        fprintf(stderr, "dossier: cannot read %s: %s\n", rd->label, strerror(errno));
        return false;
    }
    rd->entries = arena_alloc(rd->a, ((size_t)n + 1) * sizeof *rd->entries);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *h = c + off;
        if (off + CENTRAL_SIZE > csize || le32(h) != 0x02014b50) break;
        uint16_t nlen = le16(h + 28), xlen = le16(h + 30), clen = le16(h + 32);
        if (off + CENTRAL_SIZE + nlen + xlen + clen > csize) break;
        RawEntry *re = &rd->entries[rd->n++];
        re->e.index = i;
        re->e.name = arena_strndup(rd->a, (const char *)h + CENTRAL_SIZE, nlen);
        re->name_len = nlen;
        re->made_by = le16(h + 4);
        re->flags = le16(h + 8);
        re->method = le16(h + 10);
        re->e.dos_time = le16(h + 12);
        re->e.dos_date = le16(h + 14);
        re->csize = le32(h + 20);
        re->e.size = le32(h + 24);
        re->internal = le16(h + 36);
        re->external = le32(h + 38);
        re->offset = le32(h + 42);
        check_entry(rd, re, xlen, clen, le16(h + 34));
        off += CENTRAL_SIZE + nlen + xlen + clen;
    }
    if (rd->n != n || off != csize)
        report(rd, NULL, ZIP_REFUSED,
               "the central directory does not hold the %u entries its end record says", n);
    *central_offset = coff;
    return true;
}

/* Inflates the entries in directory order, at most their stated size each. */
static ZipResult read_data(Reader *rd, zip_t *za) {
    unsigned char *buf = xmalloc(CHUNK);
    ZipResult res = ZIP_READ_OK;
    for (size_t i = 0; i < rd->n && res == ZIP_READ_OK; i++) {
        RawEntry *re = &rd->entries[i];
        if (re->folder || re->opaque) continue;
        errno = 0;
        zip_file_t *zf = zip_fopen_index(za, i, 0);
        if (!zf && out_of_memory(zip_get_error(za))) die("out of memory reading a ZIP");
        if (!zf) {
            report(rd, re, ZIP_UNSAFE, "cannot be read: %s", zip_reason(zip_get_error(za)));
            continue;
        }
        uint64_t got = 0;
        bool whole = true;
        for (;;) {
            errno = 0;
            zip_int64_t k = zip_fread(zf, buf, CHUNK);
            if (k < 0 && out_of_memory(zip_file_get_error(zf))) die("out of memory reading a ZIP");
            if (k < 0) {
                report(rd, re, ZIP_UNSAFE, "cannot be inflated: %s",
                       zip_reason(zip_file_get_error(zf)));
                whole = false;
                break;
            }
            if (k == 0) break;
            got += (uint64_t)k;
            if (got > re->e.size) {
                report(rd, re, ZIP_REFUSED, "inflates past its stated %llu bytes; stopped there",
                       (unsigned long long)re->e.size);
                whole = false;
                break;
            }
            if (!rd->r->data(rd->r->ctx, &re->e, buf, (size_t)k)) {
                res = ZIP_READ_FAILED;
                whole = false;
                break;
            }
        }
        zip_fclose(zf);
        if (rd->refused) res = ZIP_READ_REFUSED;
        if (!whole) continue;
        if (got != re->e.size)
            report(rd, re, ZIP_UNSAFE, "inflates to %llu bytes, not its stated %llu",
                   (unsigned long long)got, (unsigned long long)re->e.size);
        else if (!rd->r->data(rd->r->ctx, &re->e, NULL, 0))
            res = ZIP_READ_FAILED;
    }
    free(buf);
    return res;
}

ZipResult zip_read(Arena *a, int fd, const char *label, const ZipReader *r) {
    Reader rd = {.a = a, .r = r, .label = text_printable(a, label)};
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "dossier: cannot read %s: %s\n", rd.label, strerror(errno));
        return ZIP_READ_FAILED;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "dossier: %s is not a regular file; not read\n", rd.label);
        return ZIP_READ_FAILED;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (size < EOCD_SIZE) {
        fprintf(stderr, "dossier: %s is not a ZIP (%llu bytes)\n", rd.label,
                (unsigned long long)size);
        return ZIP_READ_FAILED;
    }
    if (size > (uint64_t)UINT32_MAX + EOCD_SIZE + MAX_COMMENT) {
        report(&rd, NULL, ZIP_REFUSED, "%llu bytes, more than a ZIP without ZIP64 holds",
               (unsigned long long)size);
        return ZIP_READ_REFUSED;
    }
    uint32_t central = 0;
    if (!read_directory(&rd, fd, size, &central)) return ZIP_READ_FAILED;
    if (!rd.refused) check_names_together(&rd);
    if (!rd.refused) check_bounds(&rd, size);
    if (!rd.refused) check_layout(&rd, fd, central);
    if (rd.refused) return ZIP_READ_REFUSED;

    /* libzip reads it next: it must see the same entries under the same names */
    int dfd = dup(fd), err = 0;
    zip_t *za = dfd >= 0 ? zip_fdopen(dfd, ZIP_RDONLY | ZIP_CHECKCONS, &err) : NULL;
    if (!za && err == ZIP_ER_MEMORY) die("out of memory reading a ZIP");
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, dfd >= 0 ? err : ZIP_ER_OPEN);
        report(&rd, NULL, ZIP_REFUSED, "libzip cannot read it: %s", zip_reason(&ze));
        zip_error_fini(&ze);
        if (dfd >= 0) close(dfd); /* still ours when zip_fdopen fails */
        return ZIP_READ_REFUSED;
    }
    bool same = zip_get_num_entries(za, 0) == (zip_int64_t)rd.n;
    for (size_t i = 0; same && i < rd.n; i++) {
        const char *name = zip_get_name(za, i, ZIP_FL_ENC_RAW);
        same = name && strcmp(name, rd.entries[i].e.name) == 0;
    }
    ZipResult res = ZIP_READ_REFUSED;
    if (!same)
        report(&rd, NULL, ZIP_REFUSED, "libzip reads its directory otherwise than dossier does");
    else
        res = read_data(&rd, za);
    zip_discard(za);
    if (res == ZIP_READ_OK && rd.refused) res = ZIP_READ_REFUSED;
    if (res == ZIP_READ_OK && rd.problems) res = ZIP_READ_PROBLEMS;
    return res;
}

/* ---- unpacking for diff -------------------------------------------------- */

typedef struct Unpack {
    Arena *a;
    const char *label, *dir;
    bool refused;
    int fd; /* the file being written, -1 between entries */
} Unpack;

static void unpack_problem(void *ctx, const char *entry, ZipProblem kind, const char *what) {
    Unpack *u = ctx;
    if (kind == ZIP_DEPARTS)
        return; /* not as dossier writes it, but safe to unpack: diff compares contents */
    u->refused = true;
    if (entry)
        fprintf(stderr, "dossier: %s: refusing to write '%s': %s\n", u->label,
                text_printable(u->a, entry), text_printable(u->a, what));
    else
        fprintf(stderr, "dossier: %s: refusing it: %s\n", u->label, text_printable(u->a, what));
}

static bool unpack_data(void *ctx, const ZipEntry *e, const void *data, size_t n) {
    Unpack *u = ctx;
    if (u->refused) return false; /* nothing is written from a ZIP with an unsafe entry */
    if (u->fd < 0) {
        /* check_name allowed no '..', no absolute name, no empty part: the path stays below dir */
        char *path = fs_join(u->a, u->dir, e->name);
        if (!fs_mkdirs(fs_dirname(u->a, path)) ||
            (u->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
            fprintf(stderr, "dossier: cannot write %s: %s\n", text_printable(u->a, path),
                    strerror(errno));
            return false;
        }
    }
    if (data && !fs_write_all(u->fd, data, n)) {
        fprintf(stderr, "dossier: cannot write %s: %s\n", text_printable(u->a, e->name),
                strerror(errno));
        return false;
    }
    if (!data) {
        int rc = close(u->fd);
        u->fd = -1;
        if (rc != 0) {
            fprintf(stderr, "dossier: cannot write %s: %s\n", text_printable(u->a, e->name),
                    strerror(errno));
            return false;
        }
    }
    return true;
}

bool zip_unpack(const char *path, const char *dir) {
    Arena a;
    arena_init(&a);
    Unpack u = {.a = &a, .label = text_printable(&a, path), .dir = dir, .fd = -1};
    ZipReader r = {&u, unpack_problem, unpack_data};
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    ZipResult res = ZIP_READ_FAILED;
    if (fd < 0)
        fprintf(stderr, "dossier: cannot read %s: %s\n", u.label, strerror(errno));
    else
        res = zip_read(&a, fd, path, &r);
    if (fd >= 0) close(fd);
    if (u.fd >= 0) close(u.fd);
    bool ok = (res == ZIP_READ_OK || res == ZIP_READ_PROBLEMS) && !u.refused;
    if (u.refused) fprintf(stderr, "dossier: %s: not unpacked\n", u.label);
    arena_free(&a);
    return ok;
}
