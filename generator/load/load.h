/* load.h: the load stage. Reads the dossier folder (dossier.xml, Markdown
 * records with YAML front matter, the project's XML record files) into the
 * model, keeping file:line:col for every value. Implemented in dossier.c
 * (the folder walk and dossier.xml), frontmatter.c (YAML via libyaml),
 * xmlrecords.c (XML records via libxml2) and typing.c (values against the
 * record-type schema). Problems go to the diagnostics sink; loading goes on
 * past a bad file so every problem is reported at once. */
#ifndef DOSSIER_LOAD_H
#define DOSSIER_LOAD_H

#include "../base/base.h"
#include "../model/model.h"
#include "../model/rules.h"

typedef struct LoadOptions {
    const char *schema_dir; /* where dossier.xsd and records-file.xsd live */
    size_t max_file_size;   /* bytes; larger files are refused */
    /* the folder of the official CycloneDX XSDs (bom-1.x.xsd, spdx.xsd)
     * that CycloneDX XML in sbom/ and vex/ is validated against
     * (--cyclonedx-schemas, else DOSSIER_CYCLONEDX_SCHEMAS, as main.c
     * resolves them); NULL or "": none */
    const char *cyclonedx_schemas;
    /* build --previous-csaf: the CSAF documents published last time, or NULL */
    const char *previous_csaf;
    /* an output carries the dossier's files as they are (the bundle): the
     * load stage also reads every file no loader read (SourceFile.data),
     * so no later stage opens one */
    bool carry;
} LoadOptions;

/* Reads the dossier file rel (relative to m->root) as fs_read_below does,
 * following no link, and keeps its bytes in the model's source list, where
 * later stages (the bundle) take them from: they open no file of the
 * dossier. A rel the load stage did not
 * list (a reader given one file, as the unit tests and fuzz targets do) is
 * read from path. Returns a heap copy the caller frees, or false with
 * errno set. */
bool load_read(Model *m, const char *path, const char *rel, size_t max, char **data, size_t *len);

/* json.c: parses JSON text (a leading byte-order mark allowed) into
 * values in a (owned by it) located in rel: each key and string at its
 * line and column. NULL, with a json-syntax finding, when it is not JSON. */
Value *json_located(Arena *a, Diag *d, const char *rel, const char *data, size_t len);

/* Reads the register at path (CSV, or .xlsx: its first worksheet), named rel
 * in findings, through the mapping at map_path (YAML: type, columns, body,
 * values, header_row) into out; problems are findings located at the cell
 * (register-format, and the typing rules of the record type). False, said
 * on stderr, when a file cannot be read at all. Everything is in a. */
bool register_import(Arena *a, Diag *d, const Schema *schema, const char *path, const char *rel,
                     const char *map_path, size_t max, ImportSet *out);

/* Loads everything below root into m (which the caller initialised) and
 * finishes the model. Returns false on a system error (already reported);
 * input problems are findings in d and still return true. */
bool load_dossier(Model *m, Diag *d, const LoadOptions *o);
/* The templates folder dir read into m as the dossier's templates/: its
 * files replace the model's sources below templates/, each read without
 * following a link, up to TEMPLATE_MAX_FILE (a file that cannot be read
 * keeps the reason in its error), and the links in or at dir are kept so
 * the render stage can refuse a template reached through one. Called by
 * load_dossier for root/templates; the render stage reads no file of the
 * dossier. */
void load_templates(Model *m, const char *dir);

/* previous.c: reads the CSAF VEX documents below dir (build
 * --previous-csaf) into m->previous_csaf; false (after a finding) when dir
 * is not a folder. */
bool load_previous_csaf(Model *m, Diag *d, const char *dir, size_t max_file);

/* Splits a Markdown file into YAML front matter and body and parses the
 * front matter into a VAL_MAP. Returns NULL (with findings) when the front
 * matter is missing or broken. *body / *body_line get the prose. */
Value *frontmatter_parse(Arena *a, Diag *d, const char *path, const char *text, size_t len,
                         const char **body, size_t *body_len, int *body_line);
/* Parses a whole YAML file (the SBOM support supplement) into arena-owned
 * values with file:line:col; an empty file is VAL_NULL. Returns NULL, with
 * yaml-syntax findings, when it is not valid YAML. */
Value *frontmatter_yaml(Arena *a, Diag *d, const char *path, const char *text, size_t len);

/* Types the loaded map v as a record of type t (fields checked against the
 * schema, unknown fields and bad values reported). Returns NULL if the
 * record has no usable id. */
Record *typing_record(Arena *a, Diag *d, const RecordType *t, const char *path, const Value *v,
                      SrcLoc where);

/* mds2.c: reads schemas/mds2-questions.tsv into m->mds2 (every question
 * unanswered until mds2_resolve runs), then mds2.xml of the dossier
 * (validated against schemas/mds2.xsd; problems are findings). Call once
 * the model is finished. Returns false, reported on stderr, when the
 * catalogue is unusable. */
bool mds2_load(Model *m, Diag *d, const LoadOptions *o);
/* Replaces the question texts by those of the maker's copy of the official
 * form: a TSV with columns id, section_code, section_name, question, or a
 * workbook (.xlsx) whose rows start with question IDs, the text in the next
 * cell. False, reported on stderr, when the file cannot be used. */
bool mds2_load_wording(Model *m, const char *path, size_t max_file_size);

#endif
