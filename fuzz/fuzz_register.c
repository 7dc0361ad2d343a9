/* fuzz_register.c: libFuzzer target for the registers dossier import reads.
 * The input is written to a CSV file and read through the mapping of
 * tests/fixtures/register/ as dossier import reads it: the CSV parser, the
 * header and columns, value translations, list splitting and typing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "load/load.h"

static char path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    fuzz_load_schema();
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/fuzz-%ld-register.csv", dir, (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *fp = fopen(path, "wb");
    if (!fp) return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    FuzzRun f;
    fuzz_begin(&f, ".");
    ImportSet set;
    register_import(&f.a, &f.d, &fuzz_schema, path, "register.csv",
                    "tests/fixtures/register/risks-map.yaml", 1 << 26, &set);
    fuzz_end(&f);
    unlink(path);
    return 0;
}
