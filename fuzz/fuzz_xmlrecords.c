/* fuzz_xmlrecords.c: libFuzzer target for dossier.xml, read as the loader
 * reads it (libxml2 with no network, no DTD, no entities, then the XSD and
 * the product's fields): the input is written as dossier.xml of an
 * otherwise empty dossier folder and loaded whole. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "load/load.h"
static char dir[256], file[300];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    fuzz_load_schema();
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/fuzz-dossier-%ld", tmp, (long)getpid());
    mkdir(dir, 0777);
    snprintf(file, sizeof file, "%s/dossier.xml", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *fp = fopen(file, "wb");
    if (!fp) return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    FuzzRun f;
    fuzz_begin(&f, dir);
    LoadOptions lo = {"schemas", 1 << 26, NULL, NULL, false};
    load_dossier(&f.m, &f.d, &lo);
    fuzz_end(&f);
    return 0;
}
