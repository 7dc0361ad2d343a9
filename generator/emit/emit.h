/* emit.h: the emit stage: what `dossier build` can write (outputs.c) and
 * the C steps that finish outputs; the output folder they write into is
 * base's OutDir (base/outdir.c). */
#ifndef DOSSIER_EMIT_H
#define DOSSIER_EMIT_H

#include "../base/base.h"
#include "../model/model.h"

/* ---- digest.c ------------------------------------------------------------ */

/* Starts libcrypto's SHA-2 before any input is read: OpenSSL 3 can crash
 * when memory runs out during its own start (a lock it does not check), so
 * it starts while memory is plentiful; its configuration file is not read. */
void digest_start(void);

/* ---- outputs.c: what `dossier build` can write --------------------------- */

/* Options of the C steps that finish outputs. */
typedef struct EmitOptions {
    const char *dossier_dir;          /* the dossier folder as given */
    const char *sign_key;             /* --sign: a minisign secret key file, or NULL */
    const char *csaf_key;             /* --csaf-sign: an armored OpenPGP secret key file, or NULL */
    const char *csaf_passphrase_file; /* --csaf-sign-passphrase-file, or NULL */
    bool cache;  /* not --no-cache: the previous build's ZIP lends its unchanged entries */
    int threads; /* --jobs: threads hashing and deflating the bundle's files (0: one) */
} EmitOptions;

typedef struct OutputDef {
    const char *name; /* the template folder and the --only name */
    const char *doc;  /* one line for --help and the docs */
    bool public;      /* for customers: rendered from the public view of the model */
    /* The C step after the templates ran, or NULL. Returns false after
     * reporting on stderr; the build then fails and writes nothing. */
    bool (*finish)(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o);
    /* With --pdf, the C step that must run before its documents are
     * printed (what they show that the templates do not write), or NULL. */
    bool (*before_print)(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o);
    bool shards; /* rendered by build --jobs processes, each writing its share of the pages */
    /* The path prefix its templates may write under ("mds2/"); NULL: the
     * site, which has the root less every other output's prefix. */
    const char *folder;
    /* A rough share of the work next to the other outputs (0: 1), for
     * dealing them to the --jobs processes; measured by instructions. */
    int weight;
    /* its files made again only when what they read changed (render/cache.c):
     * its main.lua asks this_shard before making each, and keeps no state
     * between them but through memo() and import() */
    bool cache;
    /* A second prefix it may write, outside public/, for what only some
     * customers may see (restricted/advisories/: an advisory whose TLP
     * label restricts it), or NULL. */
    const char *restricted;
} OutputDef;

/* Whether the templates of def may write path: each output writes only
 * under its own folder, so a public output adds nothing to the bundle and
 * an internal one nothing to public/. */
bool output_may_write(const OutputDef *def, const char *path);
/* The same as the scope an OutDir holds while def's templates write. */
const OutScope *output_scope(const OutputDef *def);

/* provider.c: the csaf output's provider folder around the documents the
 * templates wrote: hash files, index.txt, changes.csv, the ROLIE feeds and
 * service document, provider-metadata.json, security.txt and, with
 * e->csaf_key, an OpenPGP signature per document and the public key. */
bool provider_finish(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o);
/* `dossier verify` on a build's output folder out: when it holds the csaf
 * output, checks every document's .asc against the public keys of its
 * openpgp/ folder (GPGME, a temporary keyring), printing each bad or
 * missing signature; returns how many problems. *failed is set when the
 * check could not run (no keyring). A folder without keys or signatures is
 * reported as not signed, not as a problem. */
size_t provider_verify(const char *out, bool *failed);

/* bundle.c: the premarket output's sources, manifest, signature and ZIP.
 * bundle_sources copies the sources alone (premarket/records/: the
 * diagrams and evidence the documents show), before the documents are
 * printed; bundle_finish copies what is not there yet. */
bool bundle_sources(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o);
bool bundle_finish(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o);
/* The ZIP's name, <product>-<version>-premarket.zip in safe characters. Arena-owned. */
const char *bundle_zip_name(Arena *a, const Model *m);
/* One line of `dossier verify`'s report on standard output, escaped for
 * the terminal (names come from the folder verified); a problem adds one
 * to *problems. */
void verify_line(size_t *problems, bool problem, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* verify.c: `dossier verify`: recomputes every hash of the bundle at path
 * (a ZIP, an unzipped folder, or a build's output folder, whose premarket/,
 * ZIP, and the manifest and signature beside them are checked and must
 * agree) against its manifest.json, checks the signature with pubkey (may
 * be NULL), prints each problem: a file that differs, is missing or is not
 * listed, a link, a FIFO or a device (never followed or opened), a ZIP
 * entry unlike those the build writes, a bound met (bundle.h).
 * Returns EXIT_CLEAN, EXIT_FINDINGS on any problem, EXIT_USAGE when the
 * bundle cannot be read. */
int bundle_verify(const char *path, const char *pubkey);
/* Unpacks the bundle ZIP zip into the new, private folder dir within the
 * bounds verify holds a ZIP to, refusing the whole ZIP for an entry that
 * would land outside dir or a name given twice. False after a message on
 * stderr; what was written is left for the caller to remove with dir. */
bool bundle_unpack(const char *zip, const char *dir);
/* diff.c: `dossier diff`: appends what changed from old to new (both
 * checked: their verdicts are compared) to sb as format "text" or "json"
 * (false for any other; "html" is rendered by lua-templates/diff/); all compares the bookkeeping
 * fields too; *changed tells whether records or product facts differ. */
bool diff_write(StrBuf *sb, const Model *old, const Model *new, const char *format,
                const char *old_dir, const char *new_dir, bool all, bool *changed);

/* Every output, in the order they are built. */
extern const OutputDef output_table[];
extern const size_t output_count;
/* The output named by the first len bytes of name, or NULL. */
const OutputDef *output_find(const char *name, size_t len);

/* ---- import.c: records from a register written as Markdown -------------- */

/* Writes each record of set as DIR/<type folder>/<ID>.md (source names the
 * register in messages). An existing file (or an ID twice) stops it before
 * anything is written unless force (a regular file is then replaced); with
 * dry_run it lists what it would write. Returns 0, 1 (refused: said on
 * stderr) or 2 (a system error). */
int import_write(const char *dir, const ImportSet *set, const char *source, bool dry_run,
                 bool force);

/* ---- openpgp.c: OpenPGP through GPGME, in a temporary keyring ----------- */

/* A keyring in a temporary GNUPGHOME of its own (mkdtemp); never the
 * user's. Free with openpgp_close, which stops its gpg-agent and removes
 * the folder. */
typedef struct Openpgp Openpgp;
/* A keyring holding the one secret key of keyfile (armored), unlocked with
 * the first line of passphrase_file (may be NULL), signing as of the build
 * date (days since 1970), or the key's creation when that is later. NULL
 * after a message naming keyfile: unreadable, no or several secret keys,
 * revoked, expired at that date or today, no or a wrong passphrase. */
Openpgp *openpgp_signer(const char *keyfile, const char *passphrase_file, int64_t build_day);
/* An empty keyring to verify with; NULL after a message. */
Openpgp *openpgp_keyring(void);
/* The primary key's fingerprint (40 upper-case hex digits for v4), owned by g. */
const char *openpgp_fingerprint(const Openpgp *g);
/* Appends the armored detached signature of data to asc; false after a message. */
bool openpgp_sign(Openpgp *g, const void *data, size_t len, StrBuf *asc);
/* Appends the signer's armored public key to asc; false after a message. */
bool openpgp_export(Openpgp *g, StrBuf *asc);
/* Imports the keys of data (shown names it in messages) and puts their
 * fingerprints in fprs (at most max); the count, -1 after a message. */
int openpgp_import_public(Openpgp *g, const void *data, size_t len, const char *shown,
                          char fprs[][64], int max);
/* Checks sig, a detached signature of data, against the keys imported: NULL
 * when it holds and every signature is by one of the primary keys fprs,
 * else why not (static or a-owned). */
const char *openpgp_verify(Openpgp *g, Arena *a, const void *data, size_t len, const void *sig,
                           size_t siglen, const char *const *fprs, int nfprs);
void openpgp_close(Openpgp *g);

/* ---- xlsx.c: a one-sheet OOXML workbook in deterministic bytes ------------- */

enum { XLSX_MAX_COLS = 16 };

/* The cell styles of styles.xml; every one wraps text and aligns to the top. */
typedef enum XlsxStyle {
    XLSX_PLAIN,   /* no border */
    XLSX_TITLE,   /* large bold */
    XLSX_HEADER,  /* bold on a tint, bordered: the column headings */
    XLSX_SECTION, /* bold on a tint: a section's heading row */
    XLSX_CELL,    /* bordered */
    XLSX_FLAG,    /* bold on a warm tint, bordered: needs attention */
} XlsxStyle;

typedef struct Xlsx Xlsx;
/* A new empty sheet named sheet; title goes into the document properties.
 * Free with xlsx_free. */
Xlsx *xlsx_new(const char *sheet, const char *title);
void xlsx_free(Xlsx *x);
/* Sets the width of a 0-based column, in characters. */
void xlsx_width(Xlsx *x, int col, double width);
/* Keeps the first rows in view while scrolling. */
void xlsx_freeze(Xlsx *x, int rows);
/* The 1-based row of the column headings: repeated on every printed page,
 * and the filter covers it and the rows below across ncols columns. */
void xlsx_header_row(Xlsx *x, int row, int ncols);
/* Adds a text cell (copied; cut at 32,767 characters) at a 1-based row and
 * 0-based column. Cells come in row, then column order; else a bug (dies). */
void xlsx_cell(Xlsx *x, int row, int col, const char *text, XlsxStyle style);
/* Merges the cells of a row from first_col to last_col into one (the first
 * cell's text shows). */
void xlsx_merge(Xlsx *x, int row, int first_col, int last_col);
/* Appends the .xlsx file to out: entries in sorted order, each dated the
 * build date (days since 1970) at noon. False if libzip fails, with a
 * message on stderr naming the file as name (its path in the output). */
bool xlsx_pack(const Xlsx *x, int64_t build_date, const char *name, StrBuf *out);

/* ---- mds2.c: the MDS2 output's C step -------------------------------------- */

/* Writes mds2/mds2.xlsx: the form's layout (question ID, question, answer,
 * note, the three standards columns left for the maker) and the records that
 * justify each answer, internal records left out. */
bool mds2_finish(const Model *m, const Diag *d, const EmitOptions *e, OutDir *o);
/* An mds2.xml to fill: every question the records and the dossier's
 * mds2.xml leave open, grouped by section, each with its text and a
 * commented answer; returns how many. */
size_t mds2_skeleton(StrBuf *sb, const Model *m);

/* ---- trace.c (emit/): the chain through one record, with the verdicts ---- */

typedef struct TraceOptions {
    int depth;     /* links followed, 0: the default (3) */
    bool down, up; /* one direction; neither or both: both */
    bool json;     /* JSON instead of text */
} TraceOptions;

/* Appends the trace of r (m->verdicts set) and the findings of d on it to
 * sb; what the records say is escaped for a terminal (scratch from a). */
void trace_write(StrBuf *sb, Arena *a, const Model *m, const Diag *d, const Record *r,
                 const TraceOptions *o);

/* ---- preview.c (emit/): dossier serve ---- */

typedef struct PreviewOptions {
    const char *dir; /* the dossier */
    const char *out; /* the output folder every build writes */
    long port;       /* on 127.0.0.1; 0: any free one */
    long jobs;       /* --jobs for each build, 0: its default */
    int verbosity;   /* 0 quiet, 1 a line per build */
} PreviewOptions;

/* Builds, serves and rebuilds on every change until SIGINT, SIGTERM or
 * SIGHUP; then EXIT_CLEAN. EXIT_USAGE (after a message) when it cannot
 * start: no port, no folder to watch, the output folder refused. */
int preview_run(const PreviewOptions *o);

#endif
