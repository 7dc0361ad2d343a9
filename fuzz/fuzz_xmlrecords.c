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

#include "load/load.h"
#include "model/model.h"

static Schema schema;
static Arena schema_arena;
static char dir[256], file[300];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    Diag d;
    diag_init(&d);
    arena_init(&schema_arena);
    if (!schema_load(&schema_arena, &d, "schemas/records.xml", &schema)) die("fuzz: run from the project root");
    diag_free(&d);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/fuzz-dossier-%ld", tmp, (long)getpid());
    mkdir(dir, 0777);
    snprintf(file, sizeof file, "%s/dossier.xml", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fopen(file, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    Arena a;
    Diag d;
    Model m;
    arena_init(&a);
    diag_init(&d);
    model_init(&m, &a, &schema, dir);
    LoadOptions lo = {"schemas", 1 << 26};
    load_dossier(&m, &d, &lo);
    prose_free(&m);
    diag_free(&d);
    arena_free(&a);
    return 0;
}
