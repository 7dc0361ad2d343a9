/* test_standard_corpus.c: the standard-format readers against the official
 * corpora in ../shared/corpus (see its SOURCES.tsv): the CycloneDX
 * conformance suite 1.4 to 1.7 in XML and JSON (every valid file loads with
 * no error; every invalid one loads without harm, most of them reported),
 * the SPDX 2 examples, the OpenVEX samples, the CSAF examples, and the JUnit
 * files ctest and gotestsum write. Skipped by name when the corpus is absent.
 * Each file is read alone, as the only file of an empty dossier. */
#include <stdlib.h>
#include <time.h>

#include "base/base.h"
#include "load/load.h"
#include "load/standard.h"
#include "model/model.h"
#include "test.h"

static Schema schema;
static Arena schema_arena;

typedef struct Outcome {
    size_t errors, warnings, records;
    const char *first; /* the first error, for the log */
} Outcome;

/* Loads one file as rel (sbom/..., vex/... or tests/results/...). */
static Outcome load_one(const char *path, const char *rel) {
    Arena a;
    Diag d;
    Model m;
    arena_init(&a);
    diag_init(&d);
    model_init(&m, &a, &schema, ".");
    m.product.name = "Corpus Device";
    m.product.date = "2025-01-01";
    LoadOptions lo = {"schemas", 1 << 26, NULL, NULL, false};
    Standard *s = standard_new(&m, &d, &lo);
    input_load(s, path, rel);
    standard_finish(s);
    model_finish(&m, &d);
    Outcome o = {0};
    static char first[512];
    for (size_t i = 0; i < d.n; i++) {
        if (d.items[i].severity == SEV_ERROR) {
            if (!o.errors)
                snprintf(first, sizeof first, "%s:%d: [%s] %s", d.items[i].loc.path,
                         d.items[i].loc.line, d.items[i].rule, d.items[i].message),
                    o.first = first;
            o.errors++;
        } else if (d.items[i].severity == SEV_WARNING) {
            o.warnings++;
        }
    }
    o.records = m.nrecords;
    diag_free(&d);
    arena_free(&a);
    return o;
}

static bool starts(const char *s, const char *p) {
    return strncmp(s, p, strlen(p)) == 0;
}

static bool ends(const char *s, const char *p) {
    size_t n = strlen(s), k = strlen(p);
    return n >= k && strcmp(s + n - k, p) == 0;
}

static void cyclonedx(const char *corpus) {
    static const char *const versions[] = {"1.4", "1.5", "1.6", "1.7"};
    for (size_t v = 0; v < 4; v++) {
        Arena a;
        arena_init(&a);
        const char *dir = arena_printf(&a, "%s/cyclonedx-spec-tests/%s", corpus, versions[v]);
        const char **files;
        size_t n = fs_list(&a, dir, &files);
        size_t valid = 0, valid_ok = 0, invalid = 0, reported = 0, records = 0;
        for (size_t i = 0; i < n; i++) {
            if (!ends(files[i], ".xml") && !ends(files[i], ".json")) continue;
            const char *path = arena_printf(&a, "%s/%s", dir, files[i]);
            Outcome o = load_one(path, arena_printf(&a, "sbom/%s", files[i]));
            if (starts(files[i], "valid-")) {
                valid++;
                records += o.records;
                if (o.errors == 0)
                    valid_ok++;
                else
                    printf("# %s/%s: %s\n", versions[v], files[i], o.first);
            } else {
                invalid++;
                if (o.errors || o.warnings) reported++;
            }
        }
        char name[160];
        snprintf(name, sizeof name,
                 "corpus: CycloneDX %s: all %zu valid files load without error (%zu records)",
                 versions[v], valid, records);
        CHECK(name, valid > 0 && valid_ok == valid);
        snprintf(name, sizeof name,
                 "corpus: CycloneDX %s: %zu invalid files load without harm, %zu of them reported",
                 versions[v], invalid, reported);
        CHECK(name, invalid > 0);
        arena_free(&a);
    }
}

/* Every file of a corpus folder whose name passes keep loads as rel_dir/name
 * with no error and gives at least min_records records in all. */
static void folder(const char *corpus, const char *sub, const char *rel_dir,
                   bool (*keep)(const char *), const char *what, size_t min_records) {
    Arena a;
    arena_init(&a);
    const char *dir = arena_printf(&a, "%s/%s", corpus, sub);
    const char **files;
    size_t n = fs_list(&a, dir, &files);
    size_t count = 0, ok = 0, records = 0;
    for (size_t i = 0; i < n; i++) {
        if (!keep(files[i])) continue;
        count++;
        Outcome o = load_one(arena_printf(&a, "%s/%s", dir, files[i]),
                             arena_printf(&a, "%s/%s", rel_dir, files[i]));
        records += o.records;
        if (o.errors == 0)
            ok++;
        else
            printf("# %s/%s: %s\n", sub, files[i], o.first);
    }
    char name[160];
    snprintf(name, sizeof name, "corpus: %s: all %zu load without error (%zu records)", what, count,
             records);
    CHECK(name, count > 0 && ok == count && records >= min_records);
    arena_free(&a);
}

static bool spdx2(const char *f) {
    return (ends(f, ".spdx") || ends(f, ".json")) && strstr(f, "spdx2.") != NULL;
}

static bool spdx3(const char *f) {
    return ends(f, ".json") && strstr(f, "spdx3") != NULL;
}

static bool csaf_vex(const char *f) {
    return starts(f, "csaf_csaf_vex_") && ends(f, ".json");
}

static bool csaf_advisory(const char *f) {
    return (starts(f, "csaf_rhsa") || starts(f, "csaf_bsi") || starts(f, "csaf_cisco")) &&
           ends(f, ".json");
}

static bool json(const char *f) {
    return ends(f, ".json");
}

static bool xml(const char *f) {
    return ends(f, ".xml");
}

/* SPDX 3 is not read yet: each file gets one clear finding, no crash. */
static void spdx3_refused(const char *corpus) {
    Arena a;
    arena_init(&a);
    const char *dir = arena_printf(&a, "%s/spdx", corpus);
    const char **files;
    size_t n = fs_list(&a, dir, &files), count = 0, refused = 0;
    for (size_t i = 0; i < n; i++) {
        if (!spdx3(files[i])) continue;
        count++;
        Outcome o = load_one(arena_printf(&a, "%s/%s", dir, files[i]),
                             arena_printf(&a, "sbom/%s", files[i]));
        if (o.errors == 1 && strstr(o.first, "SPDX 3")) refused++;
    }
    char name[128];
    snprintf(name, sizeof name, "corpus: SPDX 3: each of %zu files is refused with one clear error",
             count);
    CHECK(name, count > 0 && refused == count);
    arena_free(&a);
}

int main(void) {
    const char *shared = getenv("SHARED");
    Arena a;
    arena_init(&a);
    const char *corpus = arena_printf(&a, "%s/corpus", shared && *shared ? shared : "../shared");
    if (!fs_is_dir(corpus)) {
        SKIP("corpus: CycloneDX, SPDX, OpenVEX, CSAF and JUnit corpora",
             "../shared/corpus is absent");
        arena_free(&a);
        TEST_DONE();
    }
    Diag d;
    diag_init(&d);
    arena_init(&schema_arena);
    if (!schema_load(&schema_arena, &d, "schemas/records.xml", &schema)) return 1;
    clock_t start = clock();
    if (fs_is_dir(arena_printf(&a, "%s/cyclonedx-spec-tests", corpus)))
        cyclonedx(corpus);
    else
        SKIP("corpus: CycloneDX conformance suite", "cyclonedx-spec-tests is absent");
    if (fs_is_dir(arena_printf(&a, "%s/spdx", corpus))) {
        folder(corpus, "spdx", "sbom", spdx2, "SPDX 2 examples (JSON and tag-value)", 20);
        spdx3_refused(corpus);
    } else {
        SKIP("corpus: SPDX examples", "spdx is absent");
    }
    if (fs_is_dir(arena_printf(&a, "%s/openvex", corpus)))
        folder(corpus, "openvex", "vex", json, "OpenVEX samples (0.0.1 and 0.2.0)", 0);
    else
        SKIP("corpus: OpenVEX samples", "openvex is absent");
    if (fs_is_dir(arena_printf(&a, "%s/csaf", corpus))) {
        folder(corpus, "csaf", "vex", csaf_vex, "CSAF VEX examples", 0);
        folder(corpus, "csaf", "vex", csaf_advisory, "CSAF advisories read as VEX", 0);
    } else {
        SKIP("corpus: CSAF examples", "csaf is absent");
    }
    if (fs_is_dir(arena_printf(&a, "%s/junit-generated", corpus)))
        folder(corpus, "junit-generated", "tests/results", xml, "JUnit from ctest and gotestsum",
               0);
    else
        SKIP("corpus: JUnit from ctest and gotestsum", "junit-generated is absent");
    printf("# corpus read in %.0f ms of CPU\n",
           (double)(clock() - start) * 1000.0 / CLOCKS_PER_SEC);
    diag_free(&d);
    arena_free(&schema_arena);
    arena_free(&a);
    TEST_DONE();
}
