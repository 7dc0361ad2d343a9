/* fuzz_zip.c: libFuzzer target for the ZIP reader of `dossier verify` and
 * `dossier diff` (zip_read in emit/zip.c): the input is written to a file
 * and read as verify reads a bundle's ZIP, every problem reported and every
 * entry inflated within the bounds. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit/bundle.h"

static char path[256];
static unsigned char sink;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void problem(void *ctx, const char *entry, ZipProblem kind, const char *what) {
    (void)ctx;
    (void)kind;
    sink ^= (unsigned char)(strlen(what) + (entry ? strlen(entry) : 0));
}

static bool inflated(void *ctx, const ZipEntry *e, const void *data, size_t n) {
    (void)ctx;
    sink ^= (unsigned char)(e->size + n + (data ? ((const unsigned char *)data)[0] : 0));
    return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/fuzz-%ld-bundle.zip", dir, (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *fp = fopen(path, "wb");
    if (!fp) return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        Arena a;
        arena_init(&a);
        ZipReader r = {NULL, problem, inflated};
        zip_read(&a, fd, path, &r);
        arena_free(&a);
        close(fd);
    }
    unlink(path);
    return 0;
}
