/* zip.c: deterministic ZIP archives with libzip, built in memory: sorted
 * entries, the build date as every entry's DOS date, fixed Unix mode and
 * nothing else that varies; and reading one back for `dossier verify`.
 * Part of emit/; the only file that includes zip.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "bundle.h"

static int by_path(const void *a, const void *b) {
    return strcmp(((const BundleFile *)a)->path, ((const BundleFile *)b)->path);
}

/* The build date as a DOS date (local time is never consulted): 1980 at the earliest. */
static zip_uint16_t dos_date(int64_t days) {
    char buf[16];
    date_format(days, buf);
    int y = atoi(buf), m = atoi(buf + 5), d = atoi(buf + 8);
    if (y < 1980) y = 1980, m = 1, d = 1;
    if (y > 2107) y = 2107;
    return (zip_uint16_t)(((y - 1980) << 9) | (m << 5) | d);
}

bool zip_pack(BundleFile *files, size_t n, int64_t build_date, unsigned char **out, size_t *outlen) {
    qsort(files, n, sizeof *files, by_path);
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &err) : NULL;
    if (!za) {
        fprintf(stderr, "dossier: cannot start a ZIP: %s\n", zip_error_strerror(&err));
        if (src) zip_source_free(src);
        zip_error_fini(&err);
        return false;
    }
    zip_source_keep(src); /* survives zip_close, so the bytes can be read back */
    zip_uint16_t date = dos_date(build_date);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        zip_source_t *s = zip_source_buffer(za, files[i].data, files[i].len, 0);
        const char *why = s ? NULL : "out of memory"; /* libzip records no error for this one */
        zip_int64_t idx = s ? zip_file_add(za, files[i].path, s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (s) zip_source_free(s);
            ok = false;
        } else {
            zip_uint64_t k = (zip_uint64_t)idx;
            ok = zip_file_set_dostime(za, k, 0, date, 0) == 0 &&
                 zip_file_set_external_attributes(za, k, 0, ZIP_OPSYS_UNIX, 0100644u << 16) == 0 &&
                 zip_set_file_compression(za, k, ZIP_CM_DEFLATE, 9) == 0;
        }
        if (!ok) fprintf(stderr, "dossier: cannot add %s to the ZIP: %s\n", files[i].path, why ? why : zip_strerror(za));
    }
    if (!ok) {
        zip_discard(za);
        zip_source_free(src);
        return false;
    }
    if (zip_close(za) != 0) {
        fprintf(stderr, "dossier: cannot write the ZIP: %s\n", zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        return false;
    }
    ok = zip_source_open(src) == 0 && zip_source_seek(src, 0, SEEK_END) == 0;
    zip_int64_t size = ok ? zip_source_tell(src) : -1;
    ok = size >= 0 && zip_source_seek(src, 0, SEEK_SET) == 0;
    unsigned char *buf = xmalloc(size > 0 ? (size_t)size : 1);
    if (ok && size > 0 && zip_source_read(src, buf, (zip_uint64_t)size) != size) ok = false;
    zip_source_close(src);
    zip_source_free(src);
    if (!ok) {
        free(buf);
        fprintf(stderr, "dossier: cannot read the ZIP back from memory\n");
        return false;
    }
    *out = buf;
    *outlen = (size_t)size;
    return true;
}

bool zip_unpack(Arena *a, const char *path, BundleFile **files, size_t *n) {
    int errcode = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &errcode);
    if (!za) {
        zip_error_t err;
        zip_error_init_with_code(&err, errcode);
        fprintf(stderr, "dossier: cannot open %s as a ZIP: %s\n", path, zip_error_strerror(&err));
        zip_error_fini(&err);
        return false;
    }
    zip_int64_t count = zip_get_num_entries(za, 0);
    BundleFile *out = arena_alloc(a, (size_t)(count > 0 ? count : 1) * sizeof *out);
    size_t k = 0;
    bool ok = true;
    for (zip_int64_t i = 0; ok && i < count; i++) {
        zip_stat_t st;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || !st.name) {
            ok = false;
            break;
        }
        size_t len = strlen(st.name);
        if (len && st.name[len - 1] == '/') continue; /* a folder entry */
        unsigned char *data = arena_alloc(a, (size_t)st.size + 1);
        zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
        ok = zf && zip_fread(zf, data, st.size) == (zip_int64_t)st.size;
        if (zf) zip_fclose(zf);
        out[k].path = arena_strdup(a, st.name);
        out[k].data = data;
        out[k].len = (size_t)st.size;
        k++;
    }
    if (!ok) fprintf(stderr, "dossier: cannot read %s: %s\n", path, zip_strerror(za));
    zip_discard(za);
    *files = out;
    *n = k;
    return ok;
}
