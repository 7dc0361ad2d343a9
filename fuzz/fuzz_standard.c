/* fuzz_standard.c: libFuzzer target for the evidence readers. The input is
 * written to a file named like the format FUZZ_REL says (set at compile
 * time: sbom/x.cdx.json, sbom/x.cdx.xml, sbom/x.spdx.json, sbom/x.spdx,
 * vex/x.openvex.json, vex/x.csaf.json, tests/results/x.xml) and loaded as
 * dossier loads it: CycloneDX, SPDX, OpenVEX, CSAF VEX or JUnit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/load.h"
#include "load/standard.h"
#include "model/model.h"

#ifndef FUZZ_REL
#error "FUZZ_REL names the file the input is loaded as"
#endif

static Schema schema;
static Arena schema_arena;
static char path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    Diag d;
    diag_init(&d);
    arena_init(&schema_arena);
    if (!schema_load(&schema_arena, &d, "schemas/records.xml", &schema)) die("fuzz: run from the project root");
    diag_free(&d);
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    const char *base = strrchr(FUZZ_REL, '/');
    snprintf(path, sizeof path, "%s/fuzz-%ld-%s", dir, (long)getpid(), base ? base + 1 : FUZZ_REL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    Arena a;
    Diag d;
    Model m;
    arena_init(&a);
    diag_init(&d);
    model_init(&m, &a, &schema, ".");
    m.product.name = "Fuzz Device";
    m.product.date = "2025-01-01";
    LoadOptions lo = {"schemas", 1 << 26};
    Standard *s = standard_new(&m, &d, &lo);
    standard_load(s, path, FUZZ_REL);
    standard_finish(s);
    model_finish(&m, &d);
    prose_free(&m);
    diag_free(&d);
    arena_free(&a);
    unlink(path);
    return 0;
}
