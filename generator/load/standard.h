/* standard.h: the readers of standard evidence formats, private to load/.
 * formats.c reads the files under sbom/, vex/, scans/, tests/results/ and
 * the threat models in threats/ (JSON through json.c, XML through xtree.c)
 * and hands each document to its reader; standard.c holds what the readers
 * share and, at the end, has components.c, vex.c, scan.c and junit.c turn
 * what they found into component, vulnerability and test records. Readers: cyclonedx.c
 * (CycloneDX 1.2 to 1.7, XML and JSON), spdx.c (SPDX 2.x, JSON and tag-value), vex.c (OpenVEX, CSAF
 * VEX), junit.c (JUnit XML reports). Everything they keep is in the model arena. */
#ifndef DOSSIER_LOAD_STANDARD_H
#define DOSSIER_LOAD_STANDARD_H

#include "load.h"
#include "xml.h"

typedef struct Standard Standard;
typedef struct StdSbom StdSbom;
typedef struct StdStatement StdStatement;
typedef struct StdCase StdCase;
typedef struct ThreatImport ThreatImport;

/* ---- standard.c: the entry points dossier.c calls ----------------------- */

/* Starts collecting standard-format evidence for m. Owned by the caller
 * until standard_finish, which frees it. */
Standard *standard_new(Model *m, Diag *d, const LoadOptions *o);
/* formats.c: true when rel (a path relative to the dossier) is an input
 * of the format table: any file of a folder it owns whole (sbom/, vex/,
 * scans/, tests/results/), or a file of a format row's extension in a
 * folder it shares (threat models in threats/). *early (when not NULL) is
 * set when the file must be read before the records. */
bool input_owns(const char *rel, bool *early);
/* formats.c: what the folder of rel holds, for a file of it nothing reads
 * (a note names them); NULL when the table has no such folder. */
const char *input_holds(const char *rel);
/* formats.c: reads one such file (path on disk, rel for findings) through
 * the row that takes it; problems are findings. */
void input_load(Standard *s, const char *path, const char *rel);
/* Turns everything read into records (components, generated vulnerabilities
 * and tests), attaches VEX statements, supplements and JUnit results to the
 * records already loaded, adds derived links, and frees s. Call after every
 * other file is loaded and before model_finish. */
void standard_finish(Standard *s);

/* ---- standard.c: what readers hand over --------------------------------- */

/* One component as an SBOM lists it. fields is a map in the component
 * record's own field names (name, version, supplier, purl, ...), each value
 * located in the SBOM; components.c adds the ID and the derived fields. */
typedef struct StdComponent {
    Value *fields;
    const char *bom_ref; /* CycloneDX bom-ref or SPDX ID, NULL if none */
    SrcLoc loc;
    bool excluded;  /* CycloneDX scope excluded: not shipped, but a known reference */
    size_t merged;  /* components.c: 1 + index of the device component it is part of, 0 if none */
    Record *record; /* the component record it became (standard_finish) */
} StdComponent;

/* One edge of an SBOM's dependency graph, by document-local reference. */
typedef struct StdDependency {
    const char *from, *to;
    SrcLoc loc;
} StdDependency;

/* One SBOM document (a CycloneDX BOM, also a stand-alone CycloneDX VEX, or
 * an SPDX document). */
struct StdSbom {
    const char *path;
    const char *format;              /* "CycloneDX 1.6 JSON", for messages */
    const char *serial;              /* CycloneDX serial number without urn:uuid:, or NULL */
    bool shipped;                    /* under sbom/: its components are the device's */
    bool release;                    /* under sbom/releases/: an earlier release's, not shipped */
    const Value *author, *timestamp; /* NTIA document elements, or NULL */
    /* the subject (metadata.component, SPDX DESCRIBES): not a component */
    const char **subject_refs, **subject_names;
    size_t nsubject_refs, nsubject_names;
    StdComponent *components;
    size_t ncomponents, components_cap;
    StdDependency *deps;
    size_t ndeps, deps_cap;
    bool has_graph;        /* the document has a dependency section at all */
    struct StdIndex *refs; /* components.c: components by bom-ref, built on first use */
};

/* A version or a range of versions of a product, as CycloneDX's
 * affects[].versions gives them. */
typedef struct StdVersion {
    const char *version; /* an exact version, or NULL */
    const char *range;   /* a vers: range, or NULL */
    const char *status;  /* affected (the default), unaffected or unknown */
    SrcLoc loc;
} StdVersion;

/* A product or component a VEX statement names, in every form it gives. */
typedef struct StdProduct {
    const char *ref; /* CycloneDX bom-ref or BOM-Link, or NULL */
    const char *purl, *cpe, *name;
    const char **subcomponents; /* purls or names inside the product (OpenVEX) */
    size_t nsubcomponents;
    StdVersion *versions; /* CycloneDX affects[].versions; none: every version */
    size_t nversions;
} StdProduct;

/* One VEX statement: a vulnerability, the products it is about, a status. */
struct StdStatement {
    const char *vulnerability; /* as written, never NULL */
    const char **aliases;
    size_t naliases;
    const char *state;         /* not_affected, affected, fixed, under_investigation; NULL: none */
    const char *justification; /* one of the five VEX justifications, or NULL */
    const char *as_written;    /* the file's own state and justification when mapped, or NULL */
    const char *detail;
    const char **responses;
    size_t nresponses;
    const char *timestamp; /* as written, or NULL */
    StdProduct *products;
    size_t nproducts;
    StdSbom *sbom; /* the CycloneDX document it is part of, or NULL */
    /* CycloneDX only: what a generated vulnerability record can carry */
    const char *cvss_vector, *cvss_score, *cwe;
    const char *cvss4_vector, *cvss4_score; /* a CVSS v4.0 rating, when given */
    SrcLoc loc;
};

/* One run of one JUnit test case. */
struct StdCase {
    const char *classname, *name; /* never NULL, may be "" */
    const char *result;           /* pass, fail, error, skipped or not-run */
    const char *note;             /* failure message, skip reason, or NULL */
    const char *timestamp;        /* the report's, as written, or NULL */
    const char *verifies;         /* IDs from verifies properties, or NULL */
    SrcLoc verifies_loc;
    const char *test; /* a TST- ID from a test property, or NULL */
    SrcLoc test_loc;
    const char *category, *tool, *tool_version, *release;
    SrcLoc loc;
};

/* Adds an SBOM document read from rel; the reader fills it in. */
StdSbom *std_sbom_add(Standard *s, const char *rel, const char *format, bool shipped);
/* Appends an empty component to b (fields an empty map at loc). */
StdComponent *std_component_add(Standard *s, StdSbom *b, SrcLoc loc);
void std_dependency_add(StdSbom *b, const char *from, const char *to, SrcLoc loc);
/* Appends a statement (copied; its arrays must already be arena-owned). */
void std_statement_add(Standard *s, const StdStatement *st);
/* Appends a test-case run (copied). */
void std_case_add(Standard *s, const StdCase *c);

/* ---- standard.c: helpers the readers share ------------------------------ */

Model *std_model(Standard *s);
Diag *std_diag(Standard *s);
const LoadOptions *std_options(Standard *s);
Arena *std_arena(Standard *s);
/* The text of a scalar with something besides blanks, else NULL. */
const char *std_str(const Value *v);
/* std_str of a map's key. */
const char *std_get(const Value *map, const char *key);
/* The items of v as an array: a list's items, or v itself when it is one
 * value (XML writes a one-item list as a plain element). *n gets the count.
 * The one-item array lasts for the next 15 calls: enough for nested loops. */
const Value *const *std_items(const Value *v, size_t *n);
/* Sets key in a component field map to a copy of text, located at loc;
 * does nothing when text is NULL or blank. */
void std_field(Standard *s, Value *map, const char *key, const char *text, SrcLoc loc);
/* Appends a copy of text to the list under key in map (created if absent). */
void std_field_push(Standard *s, Value *map, const char *key, const char *text, SrcLoc loc);
/* The date part (YYYY-MM-DD) of an ISO 8601 date or timestamp into out[11];
 * false when it does not start with a real date. */
bool std_date(const char *s, char *out);
/* Seconds since 1970 of an ISO 8601 timestamp (a date alone is midnight;
 * a zone offset is applied, no zone is taken as UTC); false if unreadable. */
bool std_time(const char *s, int64_t *secs);
/* A copy of s without leading and trailing blanks, in the arena. */
const char *std_trim(Standard *s, const char *text);
/* An arena-owned array of copies of the n strings in items. */
const char **std_strings(Standard *s, const char *const *items, size_t n);
/* Maps a CycloneDX analysis state and justification onto the VEX states
 * and justifications the model uses; *as_written gets the original words
 * when they differ. Returns false (with a vex-format finding) when state is
 * not a CycloneDX state. */
bool std_cdx_analysis(Standard *s, const char *state, const char *justification, SrcLoc loc,
                      StdStatement *st);

/* ---- standard.c: what the finishing steps share ------------------------ */

/* A hash index from strings to items; a key may hold several items (each
 * once). Zero-initialise; heap-owned, std_index_free releases it. */
typedef struct StdIndexEntry {
    const char *key;
    void *item;
    size_t next; /* 1 + index of the next entry with the same key, 0 at the end */
} StdIndexEntry;

typedef struct StdIndex {
    StdIndexEntry *entries;
    size_t n, cap;
    HashMap first; /* key -> 1 + index of its first entry */
    void **found;  /* the result of the last lookup */
    size_t nfound, found_cap;
} StdIndex;

/* Adds item under key (key must outlive the index). */
void std_index_put(StdIndex *x, const char *key, void *item);
/* The items under key, in the order added; *n gets the count. The array is
 * x's and valid until the next lookup. */
void *const *std_index_get(StdIndex *x, const char *key, size_t *n);
void std_index_free(StdIndex *x);

/* Everything read so far; the finishing steps in vex.c and junit.c read
 * the arrays. Heap arrays, freed by standard_finish. */
struct Standard {
    Model *m;
    Diag *d;
    const LoadOptions *o;
    StdSbom **sboms;
    size_t nsboms, sboms_cap;
    StdStatement *statements;
    size_t nstatements, statements_cap;
    StdCase *cases;
    size_t ncases, cases_cap;
    const Value **supplements; /* root value of each supplement file */
    size_t nsupplements, supplements_cap;
    bool any_shipped;          /* some SBOM under sbom/ was read */
    bool reading_release;      /* formats.c: the file being read is under sbom/releases/ */
    StdIndex *components;      /* component records by purl, CPE, name@version */
    StdIndex *ids;             /* IDs handed out by std_new_id, not yet in the model */
    struct StdAppend *appends; /* values to add to records' list fields */
    size_t nappends, appends_cap;
    HashMap append_index;    /* (record, field) -> 1 + index in appends */
    const char *cdx_schemas; /* folder of the official CycloneDX XSDs, or NULL */
    xmlSchema *cdx_xsd[10];  /* compiled bom-1.N.xsd by N, loaded on first use */
    bool cdx_tried[10];      /* bom-1.N.xsd was looked for (and reported when missing) */
    StdIndex *kev;           /* CISA KEV catalogue: CVE ID (upper case) -> date added */
    ThreatImport *threats;   /* threatmodel.c: what the threat models gave, or NULL */
};

/* Queues item to be appended to the list field of r (links, lists and
 * entries alike) once standard_finish is done with r. */
void std_append(Standard *s, Record *r, const char *field, Value *item);
/* An unused record ID: prefix, then the parts joined with '-', every run
 * of characters an ID cannot hold made one '-'; "-2", "-3" when taken. */
const char *std_new_id(Standard *s, const char *prefix, const char *const *parts, size_t nparts);
/* A scalar value copied into the model arena. */
Value *std_scalar(Standard *s, SrcLoc loc, const char *text);
/* "path:line" of loc, for source fields. */
const char *std_where(Standard *s, SrcLoc loc);

/* ---- components.c: the device's components ------------------------------ */

/* The component records a reference names: a purl (qualifiers optional), a
 * CPE or name@version (group/name@version). *n gets the count; the array
 * is owned by s. */
Record *const *std_match(Standard *s, const char *ref, size_t *n);
/* The component record a document-local reference names in b: a bom-ref,
 * an SPDX ID, or a CycloneDX BOM-Link into another SBOM. *subject is set
 * when it names the document's subject (the device) instead. */
Record *std_sbom_ref(Standard *s, StdSbom *b, const char *ref, bool *subject);
/* True when name (any case) names the device: the product's name (with or
 * without version or manufacturer), a model, or an SBOM's subject. */
bool std_device(Standard *s, const char *name);
/* Makes the component records: the shipped SBOMs' entries merged by
 * identity (purl, else group/name@version) and given IDs, the supplements
 * applied, the dependency graph as depends_on (and sbom-dependencies where
 * it leaves components out), then indexes them with the components written
 * by hand and links the assets and vulnerabilities that name them. Called
 * by standard_finish, after the threat models' records and before vex.c. */
void components_finish(Standard *s);

/* scan.c: a scanner report (Grype, Trivy, OSV-Scanner) or the KEV
 * catalogue under scans/; false when root is none of them. */
bool scan_json(Standard *s, const char *rel, const Value *root, const char *file_time);
/* Notes a CVE of the KEV catalogue with the day CISA added it. */
void std_kev_add(Standard *s, const char *cve, const char *day, SrcLoc loc);
/* Sets field kev of every vulnerability record the catalogue lists (by ID
 * or alias) and gives none yet. */
void scan_finish(Standard *s);

/* vex.c: attaches the statements to vulnerability records (generating a
 * record for a vulnerability that reaches a component and has none) and to
 * the components they name. */
void vex_finish(Standard *s);
/* junit.c: turns the test-case runs into results of test records. */
void junit_finish(Standard *s);

/* ---- vers.c: versions and vers ranges ------------------------------------- */

typedef enum VersMatch { VERS_IN, VERS_OUT, VERS_UNSUPPORTED } VersMatch;

/* True when v is made of letters, digits and dots only: a version the tool
 * compares (pre-release, epoch and build marks differ per scheme). */
bool vers_comparable(const char *v);
/* Orders two comparable versions: numbers and words between dots, numbers
 * by value, words before numbers, a missing part as 0 (1.0 == 1.0.0). */
int vers_compare(const char *a, const char *b);
/* Whether version lies in the vers range; VERS_UNSUPPORTED with *why (a
 * static phrase) for a shape or a version the tool does not evaluate. */
VersMatch vers_contains(const char *range, const char *version, const char **why);

/* ---- the readers --------------------------------------------------------- */

/* cyclonedx.c: a CycloneDX BOM as JSON (already parsed into values) or as
 * an XML document. shipped: read from sbom/ (components are the device's)
 * rather than vex/ (only its vulnerabilities count). */
void cyclonedx_json(Standard *s, const char *rel, const Value *root, bool shipped);
void cyclonedx_xml(Standard *s, const char *rel, const XNode *root, bool shipped);
/* spdx.c: an SPDX 2.x document as JSON values or as tag-value text. */
void spdx_json(Standard *s, const char *rel, const Value *root);
/* standard.c: the official XSD of the CycloneDX version an XML document
 * declares (*name its file name), when a folder of schemas was given. */
xmlSchema *std_cdx_xsd(Standard *s, const char *rel, const char *data, size_t len,
                       const char **name);
/* components.c: a support supplement (a .yaml file in sbom/), applied by
 * components_finish. */
void std_supplement(Standard *s, const char *rel, const char *data, size_t len);
void spdx_tag_value(Standard *s, const char *rel, const char *text, size_t len);
/* vex.c: OpenVEX (0.0.1 and 0.2.0) and CSAF 2.0 documents as JSON values. */
void vex_openvex(Standard *s, const char *rel, const Value *root);
void vex_csaf(Standard *s, const char *rel, const Value *root);
/* junit.c: a JUnit XML report (root <testsuites> or <testsuite>). */
void junit_load(Standard *s, const char *rel, const XNode *root);

/* ---- threatmodel.c: threat models in threats/ --------------------------- */

/* Threat Dragon v1 and v2 JSON, and the Open Threat Model: false when the
 * document is not one (nothing reported). */
bool threatdragon_json(Standard *s, const char *rel, const Value *root);
bool otm_json(Standard *s, const char *rel, const Value *root);
/* The mapping every threat-model reader shares: records made from a
 * model's elements, keyed by (model file, type, the tool's ID); the same
 * key gives the same record. */
typedef struct Imported Imported;
/* A diagram element as an asset of kind (software, data, service, ...). */
Imported *tm_element(Standard *s, const char *model, const char *key, const char *name,
                     const char *kind, const char *description, bool out_of_scope, SrcLoc loc);
/* The record made for the tool's ID key of type, or NULL. */
Imported *tm_find(Standard *s, const char *model, const char *type, const char *key);
/* A data flow: an interface of to, connected_to on from (both ways when both). */
void tm_flow(Standard *s, Imported *from, Imported *to, const char *name, const char *description,
             const char *protocol, bool encrypted, bool public_net, bool both, SrcLoc loc);
/* A threat on the non elements on[] (NULLs skipped); category a STRIDE word. */
Imported *tm_threat(Standard *s, const char *model, const char *key, const char *title,
                    const char *category, const char *description, Imported **on, size_t non,
                    SrcLoc loc);
/* A control from a mitigation's text, mitigating thr (when not NULL) with
 * status implemented, planned or not-applicable. */
Imported *tm_control(Standard *s, const char *model, const char *key, const char *text,
                     const char *status, Imported *thr, SrcLoc loc);
/* A diagram as a view. */
Imported *tm_view(Standard *s, const char *model, const char *key, const char *title,
                  const char *description, SrcLoc loc);
/* Adds to's ID to the link list field of from, once. */
void tm_link(Standard *s, Imported *from, const char *field, const Imported *to, SrcLoc loc);
/* Adds a tag (a trust boundary or zone) to the record. */
void tm_tag(Standard *s, Imported *im, const char *tag, SrcLoc loc);
/* tmt.c: a Microsoft Threat Modeling Tool model (.tm7, its XML). */
bool tmt_xml(Standard *s, const char *rel, const XNode *root);
/* A supplement (.yaml beside a model of the same name): kept until
 * threats_prepare applies it. */
void threat_supplement(Standard *s, const char *rel, const char *data, size_t len);
/* Applies the supplements and indexes the imported records by ID; call
 * once every model and supplement is read, before the Markdown records. */
void threats_prepare(Standard *s);
/* A Markdown record's front matter (of a record of type) with what the
 * imported record of the same ID gives and it lacks; a value both give
 * differently is a threat-model-conflict warning, the Markdown's wins.
 * *body gets the imported description (NULL if none). */
Value *threats_merge(Standard *s, const char *type, Value *front, const char **body);
/* Adds every imported record no Markdown record took; frees the import. */
void threats_finish(Standard *s);

#endif
