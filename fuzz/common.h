/* common.h: what the fuzz targets share: the record schema, loaded once
 * from the project root, and a fresh model per input. */
#ifndef DOSSIER_FUZZ_COMMON_H
#define DOSSIER_FUZZ_COMMON_H

#include "model/model.h"

static Schema fuzz_schema;

/* Loads schemas/records.xml once; the targets run from the project root. */
static void fuzz_load_schema(void) {
    static Arena arena;
    Diag d;
    diag_init(&d);
    arena_init(&arena);
    if (!schema_load(&arena, &d, "schemas/records.xml", &fuzz_schema)) die("fuzz: run from the project root");
    diag_free(&d);
}

typedef struct FuzzRun {
    Arena a;
    Diag d;
    Model m;
} FuzzRun;

static void fuzz_begin(FuzzRun *f, const char *root) {
    arena_init(&f->a);
    diag_init(&f->d);
    model_init(&f->m, &f->a, &fuzz_schema, root);
    f->m.product.name = "Fuzz Device";
    f->m.product.date = "2025-01-01";
}

static void fuzz_end(FuzzRun *f) {
    diag_free(&f->d);
    arena_free(&f->a);
}

#endif
