/* model.h: the record types (read from schemas/records.xml), loaded values,
 * typed records, links and backlinks: the traceability graph.
 * Implemented in schema.c (record-type definitions), value.c (loaded values),
 * model.c (index, links, backlinks, freezing) and prose.c (IDs in Markdown).
 * After model_finish the model is frozen: later stages only read it. */
#ifndef DOSSIER_MODEL_H
#define DOSSIER_MODEL_H

#include "../base/base.h"
#include "verdict.h"

/* ---- value.c: what a loader produced, before typing --------------------- */

typedef enum ValueKind { VAL_NULL, VAL_SCALAR, VAL_LIST, VAL_MAP } ValueKind;

/* A loaded value with its location. Scalars keep their text; lists keep
 * items; maps keep keys (in input order) and items. Arena-owned. */
typedef struct Value {
    ValueKind kind;
    SrcLoc loc;
    const char *text; /* VAL_SCALAR: the scalar's text, NUL-terminated */
    size_t len;       /* VAL_SCALAR: bytes in text */
    size_t n;         /* VAL_LIST, VAL_MAP: number of items */
    struct Value **items;
    const char **keys; /* VAL_MAP: key per item */
    SrcLoc *key_locs;  /* VAL_MAP: location of each key */
} Value;

Value *value_new(Arena *a, ValueKind kind, SrcLoc loc);
Value *value_scalar(Arena *a, SrcLoc loc, const char *text, size_t len);
/* Appends to a list or map (key NULL for lists); grows in the arena. */
void value_push(Arena *a, Value *v, const char *key, SrcLoc key_loc, Value *item);
/* Looks a key up in a map; NULL if absent or v is not a map. */
const Value *value_get(const Value *v, const char *key);

/* ---- schema.c: record types, defined once in schemas/records.xml -------- */

typedef enum FieldKind {
    FK_STRING, /* one line of text */
    FK_TEXT,   /* prose, Markdown */
    FK_DATE,   /* YYYY-MM-DD */
    FK_INT,
    FK_NUMBER,
    FK_BOOL,
    FK_ENUM,   /* one of values */
    FK_LINK,   /* one ID of target type(s) */
    FK_LINKS,  /* a list of IDs of target type(s) */
    FK_LIST,   /* a list of strings */
    FK_ENTRY,  /* a map with sub-fields */
    FK_ENTRIES /* a list of maps with sub-fields */
} FieldKind;

typedef struct RecordType RecordType;

typedef struct FieldDef {
    const char *name;
    FieldKind kind;
    bool required;
    bool internal;       /* never reaches a public output */
    bool bookkeeping;    /* where a value came from, or derived: diff shows it only with --all */
    const char *doc;     /* one sentence for the record reference */
    const char **values; /* FK_ENUM: allowed values */
    size_t nvalues;
    const char **titles;  /* FK_ENUM: each value in words (nvalues of them), or NULL */
    const char **targets; /* FK_LINK(S): allowed target type names */
    size_t ntargets;
    const char *inverse;  /* FK_LINK(S): name of the link seen from the target */
    const char *pattern;  /* FK_STRING: optional shape, documented */
    struct FieldDef *sub; /* FK_ENTRY/FK_ENTRIES: sub-fields */
    size_t nsub;
    int index; /* position in its type's field array */
} FieldDef;

struct RecordType {
    const char *name;      /* "threat" */
    const char *title;     /* "Threat" */
    const char *plural;    /* "threats": also the folder records live in */
    const char **prefixes; /* "THR-"; vulnerability has "CVE-" and "VUL-" */
    size_t nprefixes;
    const char *doc;
    FieldDef *fields; /* common fields first, then the type's own */
    size_t nfields;
    int index;       /* position in Schema.types */
    int trace_level; /* its place on the chains trace follows (records.xml, attribute trace) */
};

typedef struct Schema {
    RecordType *types;
    size_t ntypes;
} Schema;

/* Reads and validates schemas/records.xml (against records-schema.xsd beside it).
 * Problems go to diag; returns false if the schema is unusable. Arena-owned. */
bool schema_load(Arena *a, Diag *d, const char *path, Schema *out);
const RecordType *schema_type(const Schema *s, const char *name);
/* The type whose folder (plural) is name, or NULL. */
const RecordType *schema_type_by_folder(const Schema *s, const char *folder);
/* The type whose ID prefix starts id, or NULL. */
const RecordType *schema_type_for_id(const Schema *s, const char *id);
const FieldDef *schema_field(const RecordType *t, const char *name);
const FieldDef *schema_subfield(const FieldDef *f, const char *name);
const char *field_kind_name(FieldKind k);

/* ---- schema_out.c: what is written from the schema ------------------------ */

/* The XSD of XML record files (schemas/records-file.xsd). */
void schema_write_xsd(StrBuf *sb, const Schema *s);
/* The record reference (docs/records.md). */
void schema_write_markdown(StrBuf *sb, const Schema *s);

/* ---- model.c: records, links, index -------------------------------------- */

typedef struct Record Record;

/* A link from one record to another, as written (or as the inverse of one
 * written on the other side). */
typedef struct Link {
    Record *from;
    const FieldDef *field; /* the field on from's type that holds it */
    Record *to;
    SrcLoc loc; /* where the ID was written */
    bool prose; /* a [ID] reference inside Markdown, field NULL */
} Link;

/* A typed field value of a record; value keeps the loaded form and location. */
typedef struct FieldValue {
    const FieldDef *def;
    const Value *value;
} FieldValue;

struct Record {
    const RecordType *type;
    const char *id;
    const char *title;
    const char *path;   /* source file, relative to the dossier root */
    SrcLoc loc;         /* where the record starts (its id) */
    FieldValue *fields; /* one slot per type field, value NULL when absent */
    const char *body;   /* Markdown prose, may be "" */
    size_t body_len;
    int body_line;         /* line of the body's first line in path */
    const char *body_html; /* the body as HTML, links "dossier:ID" (prose.c); NULL without a body */
    size_t body_html_len;
    bool internal; /* the whole record is internal */
    Link **out;    /* links from this record, sorted */
    size_t nout;
    Link **in; /* links to this record (backlinks), sorted */
    size_t nin;
    size_t order; /* position in Model.records (model_finish), to sort links by */
};

/* Product-level facts from dossier.xml. Strings are arena-owned, may be NULL. */
typedef struct Contact {
    const char *role, *name, *email, *url, *phone;
} Contact;

typedef struct Justification {
    const char *kind;  /* "control-category" or "architecture-view" */
    const char *name;  /* category or view kind */
    const char *state; /* "not-applicable", "unknown", "manual" */
    const char *reason;
    SrcLoc loc;
} Justification;

/* One row of the risk acceptance matrix (dossier.xml riskAcceptance): the
 * exploitabilities at which a residual risk of that severity is acceptable. */
typedef struct RiskRow {
    const char *severity;        /* a threat severity value */
    const char **exploitability; /* exploitability values, NULL-terminated */
    SrcLoc loc;
} RiskRow;

typedef struct Product {
    const char *name, *version, *description, *intended_use, *use_environment;
    const char *manufacturer, *manufacturer_address, *manufacturer_url;
    const char *cyber_device; /* "yes" / "no" (524B(c) determination) */
    const char *cyber_device_reason;
    SrcLoc cyber_device_loc; /* the <cyberDevice> element */
    const char *date;        /* the dossier's date, YYYY-MM-DD */
    const char *cvd_policy_url;
    const char *guidance_edition; /* <guidance edition="YYYY-MM-DD">, or NULL */
    SrcLoc guidance_loc;
    const char **models;
    size_t nmodels;
    Contact *contacts;
    size_t ncontacts;
    Justification *justifications;
    size_t njustifications;
    bool risk_matrix;   /* dossier.xml has a riskAcceptance element */
    RiskRow *risk_rows; /* its rows, in file order */
    size_t nrisk_rows;
    SrcLoc risk_loc;
    SrcLoc loc;
} Product;

/* A regular file of the dossier as the load stage listed it, with the bytes
 * a loader read and checked; later stages use these bytes, never the file
 * again, so what is bundled is what was checked. */
typedef struct SourceFile {
    const char *path; /* relative to the root */
    /* arena-owned, NUL-terminated: what a loader read, or (LoadOptions
     * carry) the file as it was read at the end of loading; NULL when
     * neither read it */
    const char *data;
    size_t len;
    int error; /* data NULL: the errno of the load stage's read, 0 when none was tried */
} SourceFile;

/* The largest file the build carries as it is (into the bundle's
 * records/): the load stage reads none larger for that. */
#define SOURCE_MAX_FILE ((size_t)1 << 30)
/* The largest template or Lua file of the dossier's templates/ the load
 * stage reads for the render stage. */
#define TEMPLATE_MAX_FILE ((size_t)4 << 20)

/* A record file that did not load (its front matter or its fields were
 * broken), under the ID its file name gives: links and references to
 * that ID point at the file's own error instead of being dangling. */
typedef struct Unloaded {
    const char *id;
    SrcLoc loc;       /* the file's first error */
    const char *rule; /* that error's rule */
} Unloaded;

/* A component of an SBOM of an earlier release (sbom/releases/, read by
 * load/standard.c): the device's component record of the same identity
 * (purl, else group/name@version) when the current SBOMs list it too, else
 * the fields the release's SBOM gives (name, version, supplier, purl, ...)
 * under an ID of its own (CMP- and its name and version). */
typedef struct ReleaseComponent {
    const Record *record; /* NULL when the current SBOMs do not list it */
    const Value *fields;  /* record NULL: a map in the component record's field names */
    const char *id;       /* record's ID, else its own */
} ReleaseComponent;

/* One SBOM file of an earlier release: its path relative to the dossier
 * (sbom/releases/...) and its components, in the file's order. A release
 * names it in its sbom field. */
typedef struct ReleaseSbom {
    const char *path;
    ReleaseComponent *components;
    size_t ncomponents;
} ReleaseSbom;

/* A CSAF document published last time (build --previous-csaf, load/previous.c). */
typedef struct PreviousRevision {
    const char *date, *number, *summary;
} PreviousRevision;
typedef struct PreviousCsaf {
    const char *tracking_id, *path;
    const char *version, *initial, *current; /* tracking as it was */
    PreviousRevision *revisions;
    size_t nrevisions;
    const char *content; /* the document less its tracking, as common/json.lua writes JSON */
} PreviousCsaf;

typedef struct Model {
    Arena *arena;
    const Schema *schema;
    const char *root; /* the dossier folder as given */
    Product product;
    Record **records; /* all records, sorted by id */
    size_t nrecords;
    Record ***by_type; /* per schema type index: records of that type, sorted */
    size_t *nby_type;
    Link **links; /* every link, sorted by from, field, to */
    size_t nlinks;
    int64_t build_date; /* days since epoch: SOURCE_DATE_EPOCH or product.date */
    /* the postmarket report's period, both days included (build --period,
     * else the 365 days up to the build date); period_to 0: none */
    int64_t period_from, period_to;
    int min_support_coverage; /* percent of components with known support data
                                 below which check fails (--min-support-coverage), -1 none */
    struct Mds2 *mds2;        /* the MDS2 form (load/mds2.c, mds2.c), NULL without a catalogue */
    HashMap index;            /* ID -> Record, private to model.c */
    int jobs;           /* processes that may parse prose (prose_parse_all); 0 or 1: this one */
    Link **prose_links; /* found by prose.c, merged by model_finish */
    size_t nprose_links, prose_cap;
    bool frozen;
    const Verdicts *verdicts; /* set once the check stage has judged (check_run), else NULL */
    SourceFile *sources; /* every regular file below root (hidden ones and links left out), sorted
                            by path */
    size_t nsources;
    /* The symbolic links in or at templates/ ("templates", "templates/site"),
     * never followed: a template reached through one is refused by name. */
    const char **template_links;
    size_t ntemplate_links;
    /* whitepaper.md as the load stage parsed it; NULL when the dossier has
     * none or it was not usable (the load stage said why) */
    const struct Whitepaper *whitepaper;
    bool product_broken;         /* dossier.xml did not load (or is not valid): the rules, which
                                    all read it, do not run, so its own error stands alone */
    PreviousCsaf *previous_csaf; /* build --previous-csaf: what was published last time */
    size_t nprevious_csaf;
    const char **spdx_ids; /* schemas/spdx-license-ids.txt, sorted without regard to case */
    size_t nspdx_ids;
    Unloaded *unloaded; /* in load order; few */
    size_t nunloaded, unloaded_cap;
    const struct Changes *changes; /* build --previous: what changed since OLD, else NULL */
    ReleaseSbom *release_sboms;    /* the SBOMs under sbom/releases/, by path */
    size_t nrelease_sboms;
} Model;

/* One changed field of a record present in both. A list field has the
 * items added and removed (plus, minus) besides the whole values. */
typedef struct FieldChange {
    const char *id, *field, *old, *new;
    const char **plus, **minus;
    size_t nplus, nminus;
} FieldChange;

/* A record in both whose verdict (model/verdict.h) changed (model/changes.c). */
typedef struct VerdictChange {
    const Record *record;
    const char *old, *new, *rule;
} VerdictChange;

/* A control, test or component the change touches, and how: "added",
 * "removed", "changed" or "verdict changed". */
typedef struct Affected {
    const Record *record;
    const char *how;
} Affected;

/* What changed from an old model to a new one (model/changes.c). */
typedef struct Changes {
    Arena *a;
    bool all; /* --all: bookkeeping fields too */
    VerdictChange *verdicts;
    size_t nverdicts;
    const Record **changed; /* records in both with a change shown */
    size_t nchanged;
    const Record **added, **removed;
    size_t nadded, nremoved;
    FieldChange *changes;
    size_t nchanges;
    const char **upgraded; /* "name: old -> new" */
    size_t nupgraded;
    const Record **accepted, **new_vulns, **closed_vulns;
    size_t naccepted, nnew_vulns, nclosed_vulns;
    FieldChange *product;
    size_t nproduct;
    FieldChange *support; /* support and end_of_support of components in both */
    size_t nsupport;
    Affected *affected; /* controls, tests and components added, removed, changed or whose
                           verdict changed: by type (control, test, component), then ID */
    size_t naffected;
    size_t *nadded_by_type, *nremoved_by_type, *nchanged_by_type; /* per schema type */
    /* the old side: its product and where it came from (the OLD argument's file name) */
    const char *old_file, *old_name, *old_version, *old_date;
    const char *old_arg, *new_arg; /* dossier diff: OLD and NEW as given, else NULL */
} Changes;

/* The changes from old to new, both checked (their verdicts are compared),
 * in a; all compares the bookkeeping fields too; old_file names the old
 * side (its file name is kept). The records it points at are old's and
 * new's: both outlive it. */
Changes *changes_compute(Arena *a, const Model *old, const Model *new, bool all,
                         const char *old_file);

/* Records to write as Markdown files (dossier import): load/register.c
 * reads them from a register, emit/import.c writes them. */
typedef struct ImportRow {
    const char *id;
    const Value *fields; /* the front matter: field -> value, located at the register's cells */
    const char *body;    /* the prose, "" without one */
    int row;             /* the spreadsheet's row number */
} ImportRow;
typedef struct ImportSet {
    const RecordType *type;
    ImportRow *rows; /* the rows that typed into a record, in register order */
    size_t n;
} ImportSet;

void model_init(Model *m, Arena *a, const Schema *s, const char *root);
/* Adds a record; a duplicate ID is reported to diag and the record dropped.
 * The model takes the record (arena-owned). */
void model_add(Model *m, Diag *d, Record *r);
/* Resolves every link field, builds inverses and backlinks, parses prose,
 * sorts everything and freezes the model. Problems go to diag. */
void model_finish(Model *m, Diag *d);
Record *model_find(const Model *m, const char *id);
/* Notes that the record file at path did not load, its first error being
 * d's findings from index first on; the ID is the file name's stem when it
 * has the shape of one. */
void model_unloaded(Model *m, const Diag *d, size_t first, const char *path);
/* What a licence string of a component is: "id" (an SPDX licence ID; *canon
 * its spelling in the list), "expression" (SPDX operators or parentheses)
 * or "name" (anything else, LicenseRef- included). */
const char *model_license_kind(const Model *m, const char *s, const char **canon);
/* The file that would have held id, when it did not load; else NULL. */
const Unloaded *model_find_unloaded(const Model *m, const char *id);
/* The dossier file at path (relative to the root), or NULL when the load
 * stage did not list it. */
const SourceFile *model_source(const Model *m, const char *path);
/* Whether the dossier has templates of its own (a file below templates/). */
bool model_has_templates(const Model *m);
/* The symbolic link in templates/ that path (templates/...) is or lies
 * below, or NULL. */
const char *model_template_link(const Model *m, const char *path);
/* The value of a field by name, or NULL when absent. */
const Value *record_field(const Record *r, const char *name);
/* The audience policy, the one place it is decided: true when field f of
 * r must not reach a public output (internal in the schema, or named in the
 * record's internal_fields). A wholly internal record is r->internal. */
bool record_field_internal(const Record *r, const FieldDef *f);
/* record_field and record_str as a public output sees them: NULL when the
 * record or the field is internal. */
const Value *record_field_public(const Record *r, const char *name);
const char *record_str_public(const Record *r, const char *name);
/* The scalar text of a field, or NULL when absent or not a scalar. */
const char *record_str(const Record *r, const char *name);
/* Records of a type (sorted by id); *n gets the count. */
Record **model_of_type(const Model *m, const char *type, size_t *n);
/* The name a link has when seen from the record at from_side ("mitigated_by"
 * from the threat, "mitigates" from the control). */
const char *link_name(const Link *l, bool from_side);

/* ---- mds2.c: the MDS2 form (ANSI/NEMA HN 1-2019) -------------------------- */

/* An answer on the form: Yes, No, N/A, See Note, or a text (the header). */
typedef enum Mds2Value {
    MDS2_NONE,
    MDS2_YES,
    MDS2_NO,
    MDS2_NA,
    MDS2_SEE_NOTE,
    MDS2_TEXT
} Mds2Value;
/* Where an answer came from, in the order they are tried. */
typedef enum Mds2Source {
    MDS2_DERIVED,   /* the records (or dossier.xml) decide it */
    MDS2_HUMAN,     /* mds2.xml */
    MDS2_IMPLIED,   /* N/A because the question it depends on says so */
    MDS2_UNANSWERED /* nobody: a finding */
} Mds2Source;

/* One row of the catalogue (schemas/mds2-questions.tsv), in form order. */
typedef struct Mds2Question {
    const char *id, *section, *section_name;
    const char *text; /* the project's wording, or the maker's (--mds2-catalogue) */
    bool text_answer; /* answered with a text (DOC-1 to DOC-7), not a choice */
    const char *gate; /* applies only when question gate is answered gate_value */
    Mds2Value gate_value;
} Mds2Question;

/* An answer as written in mds2.xml, before it is merged. */
typedef struct Mds2Given {
    const char *id;
    Mds2Value value;
    const char *text; /* MDS2_TEXT: the answer */
    const char *note; /* may be NULL */
    const char **record_ids;
    SrcLoc *record_locs;
    size_t nrecords;
    SrcLoc loc;
} Mds2Given;

/* The answer to one question, with the records that justify it. */
typedef struct Mds2Answer {
    const Mds2Question *question;
    Mds2Value value;
    Mds2Source source;
    const char *text;  /* MDS2_TEXT only */
    const char *note;  /* may be NULL */
    const char *basis; /* what decided it, in words ("controls in category logging") */
    Record **records;  /* provenance, sorted by ID */
    size_t nrecords;
    SrcLoc loc;             /* the mds2.xml answer, else dossier.xml or the first record */
    const Mds2Given *given; /* the mds2.xml answer, also when the records decided */
} Mds2Answer;

typedef struct Mds2 {
    Mds2Question *questions; /* catalogue order */
    Mds2Answer *answers;     /* answers[i] answers questions[i] */
    size_t n;
    Mds2Given *given; /* mds2.xml, in file order */
    size_t ngiven;
    bool has_file;         /* the dossier has an mds2.xml (even a broken one) */
    int file_line;         /* the line of its <mds2> element, 0 if unknown */
    const char *wording;   /* the file the question texts come from */
    bool official_wording; /* from --mds2-catalogue */
} Mds2;

/* Merges the three sources into m->mds2->answers: the records first, then
 * mds2.xml, then N/A implied by a question it depends on. Reports nothing
 * (the loader checked mds2.xml); run once the build date is known (DOC-7)
 * and before the check stage. Nothing when m->mds2 is NULL. */
void mds2_resolve(Model *m);
/* The answers that differ in the form of one release of the device: DOC-3
 * and DOC-4 name its version (when the records gave them), SBOM-1 to
 * SBOM-2.4 are judged over its n components (cs), or, without an SBOM of
 * it (has_sbom false), SBOM-1 is No and the rest N/A. *nout gets how many;
 * in m's arena; NULL without a form. Run by the check stage
 * (check/versions.c) for each supported release. */
Mds2Answer *mds2_for_version(const Model *m, const char *version, const ReleaseComponent *cs,
                             size_t n, bool has_sbom, size_t *nout);
/* The question (and its index) with that ID, or NULL. */
const Mds2Question *mds2_question(const Mds2 *f, const char *id, size_t *index);
/* "Yes", "No", "N/A", "See Note", "" (text or none). */
const char *mds2_value_name(Mds2Value v);
/* Parses "yes", "no", "n/a", "see-note" (as in mds2.xml); false if unknown. */
bool mds2_value_parse(const char *s, Mds2Value *out);
const char *mds2_source_name(Mds2Source s);

/* ---- prose.c: IDs inside Markdown ----------------------------------------- */

/* Parses r->body with cmark-gfm, with a link reference definition appended
 * for every known ID (URL "dossier:ID"), records prose links and reports
 * bracketed ID-shaped tokens that name no record. */
void prose_parse(Model *m, Diag *d, Record *r);
/* What one record's prose may cost: its bytes, and the cells of its GFM
 * tables (cmark-gfm pads every row to the delimiter row's columns). A body
 * over either is left out with a prose-size finding. Parsing takes about 40
 * bytes of memory a byte of prose, so at most 160 MiB a record. */
enum { PROSE_MAX_BYTES = 4 << 20, PROSE_MAX_TABLE_CELLS = 200000 };
/* The cells the tables of s would have once parsed (an upper bound). */
size_t prose_table_cells(const char *s, size_t n);
/* prose_parse for every record, the parsing shared among jobs processes
 * (forked; a shard whose process fails is parsed here); the same model and
 * findings whatever jobs is. */
void prose_parse_all(Model *m, Diag *d, int jobs);
/* Records a [ID] reference found in prose (for prose.c, before freezing). */
void model_link_prose(Model *m, Record *from, Record *to, SrcLoc loc);
/* Attaches the GitHub extensions bodies are parsed with to a cmark_parser *. */
void prose_attach_extensions(void *parser);
/* Renders a parsed cmark document to HTML in a, raw HTML shown as text. */
const char *prose_html(Arena *a, void *doc, size_t *len);
/* The same for a document parsed with the allocator mem (a cmark_mem *)
 * instead of prose_mem(): the nodes that stand in for raw HTML must come
 * from the allocator of the document they go into. */
const char *prose_html_mem(Arena *a, void *doc, void *mem, size_t *len);
/* The allocator cmark-gfm parses with (a cmark_mem *): small blocks from a
 * pool (base/pool.c) rather than one malloc per node. */
void *prose_mem(void);

#endif
