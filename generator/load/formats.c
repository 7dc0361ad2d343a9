/* formats.c: the input formats, one table. A folder row says what a
 * folder of the dossier holds and how to report a file that is none of
 * it; a format row names a folder, an extension, and the reader that
 * takes a document (JSON and XML readers look at the parsed document and
 * decline what is not theirs, so the first row that takes it wins). The
 * dispatcher reads the file, refuses an empty one, parses it once (JSON
 * located line by line, XML through the tree reader, with the folder's
 * XSD when it has one) and offers it to the rows in order. Adding a
 * format is a reader in a file of its own and a row here. Part of load/. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "standard.h"

typedef enum { SYNTAX_JSON, SYNTAX_XML, SYNTAX_TEXT } Syntax;

typedef struct InputFolder {
    const char *folder;     /* with its slash */
    bool whole;             /* every file in it is an input of this table; else only the rows'
                               extensions are (threats/ also holds Markdown records) */
    bool early;             /* read before the records, which merge with what it gives */
    RuleId rule;            /* the format rule of its findings */
    const char *holds;      /* the formats it holds, for a file nothing reads */
    const char *empty;      /* what an empty file should have been */
    const char *not_object; /* a JSON document that is a list, or NULL: not_json */
    const char *not_json;   /* a JSON document no row takes */
    const char *not_xml;    /* an XML document no row takes: what was expected */
    /* the XSD an XML document of this folder is checked against, or NULL */
    xmlSchema *(*xsd)(Standard *s, const char *rel, const char *data, size_t len,
                      const char **name);
} InputFolder;

typedef struct InputFormat {
    const char *folder, *ext; /* ext lower case, with its dot */
    Syntax syntax;
    /* true when the document was the reader's (read, problems reported) */
    bool (*json)(Standard *s, const char *rel, const Value *root);
    bool (*xml)(Standard *s, const char *rel, const XNode *root);
    void (*text)(Standard *s, const char *rel, const char *data, size_t len);
} InputFormat;

/* ---- the readers as rows call them ------------------------------------------- */

static bool is_cyclonedx(const Value *root) {
    return std_get(root, "bomFormat") != NULL;
}
static bool is_spdx2(const Value *root) {
    return value_get(root, "spdxVersion") != NULL;
}
static const char *context_of(const Value *root) {
    const char *c = std_get(root, "@context");
    return c ? c : "";
}

static bool cdx_sbom_json(Standard *s, const char *rel, const Value *root) {
    if (!is_cyclonedx(root)) return false;
    cyclonedx_json(s, rel, root, true);
    return true;
}
static bool cdx_vex_json(Standard *s, const char *rel, const Value *root) {
    if (!is_cyclonedx(root)) return false;
    cyclonedx_json(s, rel, root, false);
    return true;
}
static bool spdx2_json(Standard *s, const char *rel, const Value *root) {
    if (!is_spdx2(root)) return false;
    spdx_json(s, rel, root);
    return true;
}
static bool spdx3_refused(Standard *s, const char *rel, const Value *root) {
    (void)rel;
    if (!strstr(context_of(root), "spdx.org/rdf/3")) return false;
    rule_report(std_diag(s), RULE_SBOM_FORMAT, root->loc, NULL,
                "SPDX 3 (JSON-LD) is not read yet: write the SBOM as SPDX 2.3 or CycloneDX");
    return true;
}
static bool spdx_misplaced(Standard *s, const char *rel, const Value *root) {
    (void)rel;
    if (!is_spdx2(root)) return false;
    rule_report(std_diag(s), RULE_VEX_FORMAT, root->loc, NULL,
                "an SPDX document is an SBOM: put it in sbom/");
    return true;
}
static bool openvex_json(Standard *s, const char *rel, const Value *root) {
    if (!strstr(context_of(root), "openvex")) return false;
    vex_openvex(s, rel, root);
    return true;
}
static bool csaf_json(Standard *s, const char *rel, const Value *root) {
    const Value *document = value_get(root, "document");
    if (!document || !value_get(document, "csaf_version")) return false;
    vex_csaf(s, rel, root);
    return true;
}
/* A CycloneDX BOM with vulnerabilities[], as Dependency-Track and scanners
 * export their findings: read as VEX about the components it names, so a
 * finding without an analysis is one nobody has assessed yet. */
static bool cdx_findings(Standard *s, const char *rel, const Value *root) {
    if (!is_cyclonedx(root) || !value_get(root, "vulnerabilities")) return false;
    cyclonedx_json(s, rel, root, false);
    return true;
}
static bool scan_report(Standard *s, const char *rel, const Value *root) {
    return scan_json(s, rel, root, NULL);
}
static bool cdx_sbom_xml(Standard *s, const char *rel, const XNode *root) {
    if (strcmp(root->name, "bom") != 0) return false;
    cyclonedx_xml(s, rel, root, true);
    return true;
}
static bool cdx_vex_xml(Standard *s, const char *rel, const XNode *root) {
    if (strcmp(root->name, "bom") != 0) return false;
    cyclonedx_xml(s, rel, root, false);
    return true;
}
/* An earlier release's SBOM (sbom/releases/): read as an SBOM, kept apart
 * from the device's components (standard.c, release_sboms). */
static bool release_json(Standard *s, const char *rel, const Value *root) {
    s->reading_release = true;
    bool taken =
        cdx_sbom_json(s, rel, root) || spdx2_json(s, rel, root) || spdx3_refused(s, rel, root);
    s->reading_release = false;
    return taken;
}
static bool release_xml(Standard *s, const char *rel, const XNode *root) {
    s->reading_release = true;
    bool taken = cdx_sbom_xml(s, rel, root);
    s->reading_release = false;
    return taken;
}
static void release_tag_value(Standard *s, const char *rel, const char *data, size_t len) {
    s->reading_release = true;
    spdx_tag_value(s, rel, data, len);
    s->reading_release = false;
}
static bool junit_xml(Standard *s, const char *rel, const XNode *root) {
    junit_load(s, rel, root);
    return true;
}

/* ---- the tables ------------------------------------------------------------------ */

#define SBOM_HOLDS                                                                                 \
    "CycloneDX (.json, .xml), SPDX 2 (.spdx.json, .spdx) and support supplements (.yaml)"
#define RELEASE_HOLDS                                                                              \
    "the SBOMs of earlier releases, which their release records name: CycloneDX (.json, .xml) "    \
    "and SPDX 2 (.spdx.json, .spdx)"
#define VEX_HOLDS "OpenVEX, CSAF and CycloneDX VEX (.json) and CycloneDX XML (.xml)"
#define SCANS_HOLDS                                                                                \
    "Grype, Trivy and OSV-Scanner JSON reports, CycloneDX with vulnerabilities "                   \
    "(Dependency-Track) and CISA's KEV catalogue (.json)"
#define THREATS_HOLDS                                                                              \
    "threat records (.md) and threat models: OWASP Threat Dragon v1 and v2 and Open Threat "       \
    "Model JSON (.json) and Microsoft Threat Modeling Tool files (.tm7), each with its "           \
    "supplement (.yaml)"

static const InputFolder FOLDERS[] = {
    /* before sbom/: the first folder whose prefix fits takes a file */
    {"sbom/releases/", true, false, RULE_SBOM_FORMAT, RELEASE_HOLDS, "an SBOM (" RELEASE_HOLDS ")",
     "expected a JSON object (a CycloneDX or SPDX document), found a list",
     "not an SBOM: expected a CycloneDX document (\"bomFormat\": \"CycloneDX\") or an SPDX 2 "
     "document (\"spdxVersion\")",
     "expected a CycloneDX <bom> root element", std_cdx_xsd},
    {"sbom/", true, false, RULE_SBOM_FORMAT, SBOM_HOLDS, "an SBOM (" SBOM_HOLDS ")",
     "expected a JSON object (a CycloneDX or SPDX document), found a list",
     "not an SBOM: expected a CycloneDX document (\"bomFormat\": \"CycloneDX\") or an SPDX 2 "
     "document (\"spdxVersion\")",
     "expected a CycloneDX <bom> root element", std_cdx_xsd},
    {"vex/", true, false, RULE_VEX_FORMAT, VEX_HOLDS, "a VEX document (" VEX_HOLDS ")",
     "expected a JSON object (an OpenVEX, CSAF or CycloneDX document), found a list",
     "not a VEX document: expected OpenVEX (\"@context\": \"https://openvex.dev/ns/...\"), CSAF "
     "(\"document\": {\"csaf_version\": \"2.0\"}) or CycloneDX (\"bomFormat\")",
     "expected a CycloneDX <bom> root element (XML VEX is CycloneDX)", std_cdx_xsd},
    {"scans/", true, false, RULE_SCAN_FORMAT, SCANS_HOLDS, SCANS_HOLDS, NULL,
     "not a scanner report: expected " SCANS_HOLDS
     " (Grype: \"descriptor\": {\"name\": \"grype\"}; Trivy: \"SchemaVersion\" and \"Results\"; "
     "OSV-Scanner: \"results\" with \"packages\"; CycloneDX: \"bomFormat\" and "
     "\"vulnerabilities\"; KEV: \"catalogVersion\")",
     NULL, NULL},
    {"tests/results/", true, false, RULE_JUNIT_FORMAT, "JUnit XML reports (.xml)",
     "a JUnit XML report (<testsuites> or <testsuite>)", NULL, NULL, NULL, NULL},
    {"threats/", false, true, RULE_THREAT_MODEL_FORMAT, THREATS_HOLDS, "a threat model",
     "expected a JSON object (a Threat Dragon or Open Threat Model document), found a list",
     "not a threat model: expected OWASP Threat Dragon JSON (\"summary\" and \"detail\") or an "
     "Open Threat Model (\"otmVersion\")",
     "expected a Microsoft Threat Modeling Tool <ThreatModel> root element", NULL},
};

static const InputFormat FORMATS[] = {
    {"sbom/releases/", ".json", SYNTAX_JSON, release_json, NULL, NULL},
    {"sbom/releases/", ".xml", SYNTAX_XML, NULL, release_xml, NULL},
    {"sbom/releases/", ".spdx", SYNTAX_TEXT, NULL, NULL, release_tag_value},
    {"sbom/", ".json", SYNTAX_JSON, cdx_sbom_json, NULL, NULL},
    {"sbom/", ".json", SYNTAX_JSON, spdx2_json, NULL, NULL},
    {"sbom/", ".json", SYNTAX_JSON, spdx3_refused, NULL, NULL},
    {"sbom/", ".xml", SYNTAX_XML, NULL, cdx_sbom_xml, NULL},
    {"sbom/", ".spdx", SYNTAX_TEXT, NULL, NULL, spdx_tag_value},
    {"sbom/", ".yaml", SYNTAX_TEXT, NULL, NULL, std_supplement},
    {"sbom/", ".yml", SYNTAX_TEXT, NULL, NULL, std_supplement},
    {"vex/", ".json", SYNTAX_JSON, cdx_vex_json, NULL, NULL},
    {"vex/", ".json", SYNTAX_JSON, spdx_misplaced, NULL, NULL},
    {"vex/", ".json", SYNTAX_JSON, openvex_json, NULL, NULL},
    {"vex/", ".json", SYNTAX_JSON, csaf_json, NULL, NULL},
    {"vex/", ".xml", SYNTAX_XML, NULL, cdx_vex_xml, NULL},
    {"scans/", ".json", SYNTAX_JSON, cdx_findings, NULL, NULL},
    {"scans/", ".json", SYNTAX_JSON, scan_report, NULL, NULL},
    {"tests/results/", ".xml", SYNTAX_XML, NULL, junit_xml, NULL},
    {"threats/", ".json", SYNTAX_JSON, threatdragon_json, NULL, NULL},
    {"threats/", ".json", SYNTAX_JSON, otm_json, NULL, NULL},
    {"threats/", ".tm7", SYNTAX_XML, NULL, tmt_xml, NULL},
    {"threats/", ".yaml", SYNTAX_TEXT, NULL, NULL, threat_supplement},
    {"threats/", ".yml", SYNTAX_TEXT, NULL, NULL, threat_supplement},
};

enum {
    NFOLDERS = sizeof FOLDERS / sizeof FOLDERS[0],
    NFORMATS = sizeof FORMATS / sizeof FORMATS[0]
};

/* ---- the dispatcher ---------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    if (n < k) return false;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)s[n - k + i]) != suffix[i]) return false;
    return true;
}

static bool blank(const char *s, size_t n) {
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i])) return false;
    return true;
}

static const InputFolder *folder_of(const char *rel) {
    for (size_t i = 0; i < NFOLDERS; i++)
        if (strncmp(rel, FOLDERS[i].folder, strlen(FOLDERS[i].folder)) == 0) return &FOLDERS[i];
    return NULL;
}

/* The first row of rel's folder for its extension, or NULL. */
static const InputFormat *first_row(const InputFolder *f, const char *rel) {
    for (size_t i = 0; i < NFORMATS; i++)
        if (strcmp(FORMATS[i].folder, f->folder) == 0 && ends_with(rel, FORMATS[i].ext))
            return &FORMATS[i];
    return NULL;
}

static bool skipped(const char *rel) {
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    return base[0] == '.' || strncmp(base, "README", 6) == 0;
}

const char *input_holds(const char *rel) {
    const InputFolder *f = folder_of(rel);
    return f && !skipped(rel) ? f->holds : NULL;
}

bool input_owns(const char *rel, bool *early) {
    const InputFolder *f = folder_of(rel);
    if (!f) return false;
    if (early) *early = f->early;
    return f->whole || (first_row(f, rel) && !skipped(rel));
}

void input_load(Standard *s, const char *path, const char *rel) {
    const InputFolder *f = folder_of(rel);
    if (!f || skipped(rel)) return;
    const InputFormat *row = first_row(f, rel);
    Diag *d = std_diag(s);
    if (!row) {
        rule_report(d, RULE_UNKNOWN_FILE, (SrcLoc){rel, 0, 0}, NULL, "not read: %s holds %s",
                    f->folder, f->holds);
        return;
    }
    char *data;
    size_t len;
    if (!load_read(std_model(s), path, rel, std_options(s)->max_file_size, &data, &len)) {
        rule_report(d, RULE_FILE_READ, (SrcLoc){rel, 0, 0}, NULL, "cannot read: %s",
                    errno == EFBIG ? "file too large" : strerror(errno));
        return;
    }
    SrcLoc top = {rel, 1, 0};
    /* the tree lives as long as its reader runs: readers copy what they keep */
    Arena scratch;
    arena_init(&scratch);
    if (blank(data, len)) {
        rule_report(d, f->rule, top, NULL, "empty file: expected %s", f->empty);
    } else if (row->syntax == SYNTAX_TEXT) {
        row->text(s, rel, data, len);
    } else if (row->syntax == SYNTAX_JSON) {
        Value *root = json_located(&scratch, d, rel, data, len);
        bool taken = false;
        for (const InputFormat *r = row; root && r < FORMATS + NFORMATS && !taken; r++)
            if (r->json && strcmp(r->folder, f->folder) == 0 && ends_with(rel, r->ext) &&
                (root->kind == VAL_MAP || !f->not_object))
                taken = r->json(s, rel, root);
        if (root && !taken)
            rule_report(d, f->rule, root->loc.line ? root->loc : top, NULL, "%s",
                        root->kind != VAL_MAP && f->not_object ? f->not_object : f->not_json);
    } else {
        const char *schema_name = NULL;
        xmlSchema *schema = f->xsd ? f->xsd(s, rel, data, len, &schema_name) : NULL;
        XNode *root = xtree_parse(&scratch, d, rel, data, len, schema, schema_name);
        bool taken = false;
        for (const InputFormat *r = row; root && r < FORMATS + NFORMATS && !taken; r++)
            if (r->xml && strcmp(r->folder, f->folder) == 0 && ends_with(rel, r->ext))
                taken = r->xml(s, rel, root);
        if (root && !taken)
            rule_report(d, f->rule, (SrcLoc){rel, root->line, 0}, NULL, "%s, found <%s>",
                        f->not_xml, root->name);
    }
    arena_free(&scratch);
    free(data);
}
