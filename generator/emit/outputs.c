/* outputs.c: the table of outputs `dossier build` can write. Each output is
 * a folder of templates (lua-templates/<name>/main.lua) rendered into the
 * build's output folder, then, where it needs one, a C step that finishes
 * it (packing, hashing, signing). Part of emit/. */
#include <stdio.h>
#include <string.h>

#include "emit.h"

const OutputDef output_table[] = {
    {"site", "static site: index, a page per record, traceability matrix, findings", false, NULL,
     NULL, true, NULL, 1, true, NULL},
    {"mds2",
     "the MDS2 form (ANSI/NEMA HN 1-2019) for procurement: XLSX and print-ready HTML, each answer "
     "with the records behind it, and the form of every other supported release",
     true, mds2_finish, NULL, false, "mds2/", 1, false, NULL},
    {"advisories",
     "security advisories for customers: an HTML bulletin per advisory, an index, an Atom feed",
     true, NULL, NULL, false, "public/advisories/", 1, false, "restricted/advisories/"},
    {"csaf",
     "CSAF 2.0 advisories and VEX in the provider folder layout, with SHA-256 and SHA-512 files",
     true, provider_finish, NULL, false, "public/csaf/", 1, false, "restricted/csaf/"},
    {"sbom",
     "the SBOM and VEX for customers: CycloneDX 1.6 in JSON and XML with support dates and the VEX "
     "state "
     "of each known vulnerability, and a page that shows the same; the SBOM, VEX and page of every "
     "supported release",
     true, NULL, NULL, false, "public/sbom/", 1, false, NULL},
    {"whitepaper",
     "the security whitepaper for customers: whitepaper.md with data from the records, print-ready "
     "HTML",
     true, NULL, NULL, false, "public/whitepaper", 1, false, NULL},
    {"bundle",
     "the premarket bundle: premarket/ (documents by FDA item, 524B/eSTAR checklist, source "
     "records), "
     "its ZIP, manifest.json with every file's SHA-256 (signed with --sign)",
     false, bundle_finish, bundle_sources, false, "premarket/", 8, true, NULL},
    {"postmarket",
     "the postmarket report of a period (--period, default the year up to the build date): F.1-F.5 "
     "activity, the 30/60-day timelines, the FDA metrics by severity",
     false, NULL, NULL, false, "postmarket/", 1, false, NULL},
};
const size_t output_count = sizeof output_table / sizeof output_table[0];

const OutputDef *output_find(const char *name, size_t len) {
    for (size_t i = 0; i < output_count; i++)
        if (strlen(output_table[i].name) == len && strncmp(output_table[i].name, name, len) == 0)
            return &output_table[i];
    return NULL;
}

/* The bundle's files at the root of the output, written by its C step. */
static bool bundle_root_file(const char *path) {
    if (strcmp(path, "manifest.json") == 0 || strcmp(path, "manifest.json.minisig") == 0)
        return true;
    size_t n = strlen(path);
    return n > 14 && strcmp(path + n - 14, "-premarket.zip") == 0 && !strchr(path, '/');
}

bool output_may_write(const OutputDef *def, const char *path) {
    if (def->restricted && strncmp(path, def->restricted, strlen(def->restricted)) == 0)
        return true;
    if (def->folder) return strncmp(path, def->folder, strlen(def->folder)) == 0;
    /* an output without a folder of its own (the site) has what no other claims */
    for (size_t i = 0; i < output_count; i++) {
        const char *f = output_table[i].folder;
        if (f && strncmp(path, f, strlen(f)) == 0) return false;
    }
    return strncmp(path, "public/", 7) != 0 && strncmp(path, "restricted/", 11) != 0 &&
           !bundle_root_file(path);
}

static bool scope_allows(const OutScope *s, const char *path) {
    return output_may_write(s->def, path);
}

const OutScope *output_scope(const OutputDef *def) {
    static OutScope scopes[sizeof output_table / sizeof output_table[0]];
    static char both[sizeof output_table / sizeof output_table[0]][96];
    size_t i = (size_t)(def - output_table);
    if (!scopes[i].name) {
        const char *where = def->folder ? def->folder : "the site's own paths";
        if (def->folder && def->restricted) {
            snprintf(both[i], sizeof both[i], "%s and %s", def->folder, def->restricted);
            where = both[i];
        }
        scopes[i] = (OutScope){def->name, where, scope_allows, def};
    }
    return &scopes[i];
}
