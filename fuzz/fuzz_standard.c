/* fuzz_standard.c: libFuzzer target for the evidence readers. The input is
 * written to a file named like the format FUZZ_REL says (set at compile
 * time: sbom/x.cdx.json, sbom/x.cdx.xml, sbom/x.spdx.json, sbom/x.spdx,
 * vex/x.openvex.json, vex/x.csaf.json, scans/x.json, threats/x.json,
 * threats/x.tm7, tests/results/x.xml)
 * and loaded as dossier loads it: CycloneDX, SPDX, OpenVEX, CSAF VEX,
 * scanner reports and the KEV catalogue, threat models, or JUnit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "load/load.h"
#include "load/standard.h"

#ifndef FUZZ_REL
#error "FUZZ_REL names the file the input is loaded as"
#endif

static char path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    fuzz_load_schema();
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    const char *base = strrchr(FUZZ_REL, '/');
    snprintf(path, sizeof path, "%s/fuzz-%ld-%s", dir, (long)getpid(), base ? base + 1 : FUZZ_REL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *fp = fopen(path, "wb");
    if (!fp) return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    FuzzRun f;
    fuzz_begin(&f, ".");
    LoadOptions lo = {"schemas", 1 << 26, NULL, NULL, false};
    Standard *s = standard_new(&f.m, &f.d, &lo);
    input_load(s, path, FUZZ_REL);
    standard_finish(s);
    model_finish(&f.m, &f.d);
    fuzz_end(&f);
    unlink(path);
    return 0;
}
