/* main.c: the command line. Parses options and runs the pipeline
 * load -> model -> check -> render -> emit for each command; the exit codes
 * are those of base.h (0 clean, 1 findings, 2 usage or system, 3 template). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base.h"
#include "check/check.h"
#include "emit/emit.h"
#include "emit/pdf.h"
#include "load/load.h"
#include "model/model.h"
#include "model/rules.h"
#include "render/render.h"

#ifndef DOSSIER_VERSION
#define DOSSIER_VERSION "0.1.0"
#endif
#ifndef DOSSIER_DATADIR
#define DOSSIER_DATADIR "/usr/local/share/dossier"
#endif

enum { MAX_FILE = 64 * 1024 * 1024 };

typedef struct Options {
    const char *command;
    const char *dir;
    const char *out;
    const char *id;
    const char *only;
    ReportFormat format;
    Severity fail_on;
    int verbosity;                 /* 0 quiet, 1 normal, 2 verbose */
    long lua_budget;               /* VM instructions per output, 0 = the default */
    long lua_memory;               /* MiB of Lua heap, 0 = the default */
    long max_document;             /* MiB of one file a template writes, 0 = the default */
    long max_output;               /* MiB templates write in one build, 0 = the default */
    int min_coverage;              /* --min-support-coverage, -1 when not given */
    const char *mds2_catalogue;    /* the maker's copy of the MDS2 wording, or NULL */
    const char *cyclonedx_schemas; /* --cyclonedx-schemas: the official CycloneDX XSDs, or NULL */
    const char *sign;              /* build --sign: minisign secret key */
    const char *previous_csaf;     /* build --previous-csaf: last published CSAF documents */
    const char *previous;          /* build --previous: the last submission (bundle or folder) */
    const char *csaf_sign;         /* build --csaf-sign: armored OpenPGP secret key */
    const char *csaf_passphrase;   /* build --csaf-sign-passphrase-file */
    const char *pubkey;            /* verify --pubkey: minisign public key */
    const char *period;            /* build --period FROM..TO: the postmarket report's period */
    const char *dir2;              /* diff: the NEW dossier (dir is OLD) */
    const char *diff_format;       /* diff --format: text, json or html */
    bool xsd, markdown;
    bool pdf;        /* build --pdf: print the documents to PDF too */
    long jobs;       /* --jobs: processes parsing prose and rendering the site, 0 = one per CPU */
    long depth;      /* trace --depth: links followed from the record, 0 = the default */
    bool down, up;   /* trace --down / --up: one direction only */
    bool all;        /* diff --all: the bookkeeping fields too */
    bool no_cache;   /* build --no-cache: every page made, no OUT/.dossier-cache */
    long port;       /* serve --port, -1 when not given */
    bool trace_json; /* trace --format json */
    const char *register_file; /* import: the register (CSV or XLSX) */
    const char *map;           /* import --map: which column is which field */
    const char *sarif_root;    /* check --sarif-root: the repository root SARIF paths start at */
    bool dry_run, force;       /* import --dry-run, --force */
} Options;

/* The options: each once, with the commands it applies to ("" for every
 * one) and its help; the parser, the global help and each command's help
 * are made from this table. */
typedef enum OptId {
    OPT_FORMAT,
    OPT_FAIL_ON,
    OPT_OUTPUT,
    OPT_ONLY,
    OPT_LUA_BUDGET,
    OPT_LUA_MEMORY,
    OPT_MAX_DOCUMENT,
    OPT_MAX_OUTPUT,
    OPT_MDS2_CATALOGUE,
    OPT_CDX_SCHEMAS,
    OPT_SIGN,
    OPT_PUBKEY,
    OPT_PERIOD,
    OPT_MIN_COVERAGE,
    OPT_JOBS,
    OPT_DEPTH,
    OPT_PORT,
    OPT_PREVIOUS_CSAF,
    OPT_PREVIOUS,
    OPT_MAP,
    OPT_SARIF_ROOT,
    OPT_CSAF_SIGN,
    OPT_CSAF_PASSPHRASE,
    /* flags without a value */
    OPT_QUIET,
    OPT_VERBOSE,
    OPT_XSD,
    OPT_MARKDOWN,
    OPT_PDF,
    OPT_DOWN,
    OPT_UP,
    OPT_ALL,
    OPT_NO_CACHE,
    OPT_DRY_RUN,
    OPT_FORCE,
    OPT_HELP
} OptId;

typedef struct OptDef {
    const char *flag;       /* "--output" */
    const char *short_flag; /* "-o", or NULL */
    const char *arg;        /* the value's name, NULL for a flag */
    OptId id;
    const char *commands; /* space-separated; "" for every command */
    const char *help;     /* lines separated by \n */
} OptDef;

static const OptDef options[] = {
    {"--format", NULL, "FORMAT", OPT_FORMAT, "check diff trace",
     "check: text, json, sarif or junit (default text);\n"
     "diff: text, json or html; trace: text or json"},
    {"--fail-on", NULL, "LEVEL", OPT_FAIL_ON, "check build",
     "error, warning, note or none: the lowest severity that fails\n(default error)"},
    {"--output", "-o", "DIR", OPT_OUTPUT, "build serve",
     "the output folder (default output/<name>)"},
    {"--port", NULL, "N", OPT_PORT, "serve",
     "the port on 127.0.0.1 (default 8000; 0: any free one)"},
    {"--only", NULL, "LIST", OPT_ONLY, "build",
     "the outputs to build, comma-separated (default: all)"},
    {"--min-support-coverage", NULL, "PCT", OPT_MIN_COVERAGE, "check build",
     "fail when fewer components have known support data"},
    {"--lua-budget", NULL, "N", OPT_LUA_BUDGET, "build",
     "Lua instructions a template output may run (default 2e9)"},
    {"--lua-memory", NULL, "MIB", OPT_LUA_MEMORY, "build",
     "Lua heap a template output may use besides the model's views (default 256)"},
    {"--max-document", NULL, "MIB", OPT_MAX_DOCUMENT, "build",
     "size of one file a template may write (default 128)"},
    {"--max-output", NULL, "MIB", OPT_MAX_OUTPUT, "build",
     "size of all the files the templates of a build may write\n(default 1024)"},
    {"--cyclonedx-schemas", NULL, "DIR", OPT_CDX_SCHEMAS, "check build",
     "validate CycloneDX XML SBOMs against the official bom-1.x.xsd\n"
     "in DIR (also DOSSIER_CYCLONEDX_SCHEMAS); violations are\nsbom-schema warnings"},
    {"--mds2-catalogue", NULL, "FILE", OPT_MDS2_CATALOGUE, "build",
     "the MDS2 form's official wording instead of the project's\n"
     "paraphrase: a TSV (id, section_code, section_name, question)\n"
     "or the maker's copy of the form's workbook (.xlsx)"},
    {"--sign", NULL, "KEY", OPT_SIGN, "build",
     "sign manifest.json with a minisign secret key\n(made with `minisign -G -W`)"},
    {"--previous-csaf", NULL, "DIR", OPT_PREVIOUS_CSAF, "build",
     "the CSAF documents published last time (a provider folder or an\n"
     "earlier output): unchanged ones keep their version and dates, changed\n"
     "ones get a new revision"},
    {"--previous", NULL, "OLD", OPT_PREVIOUS, "build",
     "the last submission (its premarket bundle ZIP, unzipped bundle,\n"
     "build output or dossier folder): the bundle gains a document of\n"
     "the changes since (modified devices, guidance section VII)"},
    {"--csaf-sign", NULL, "KEYFILE", OPT_CSAF_SIGN, "build",
     "sign every CSAF document with an OpenPGP secret key (an armored\n"
     "export) through GPGME, in a keyring of its own: a .asc beside each\n"
     "document, the public key in the folder, role csaf_trusted_provider"},
    {"--csaf-sign-passphrase-file", NULL, "FILE", OPT_CSAF_PASSPHRASE, "build",
     "the passphrase of the --csaf-sign key: the first line of FILE"},
    {"--pubkey", NULL, "KEY.pub", OPT_PUBKEY, "verify",
     "the minisign public key the manifest must be signed with"},
    {"--period", NULL, "FROM..TO", OPT_PERIOD, "build",
     "the postmarket report's period, both days included\n"
     "(default: the 365 days up to the build date)"},
    {"--jobs", "-j", "N", OPT_JOBS, "check build serve",
     "processes that parse the records' prose and render the\n"
     "outputs, all at once, and threads that hash and deflate the\n"
     "bundle's files (default: one per CPU, at most 8); the\n"
     "findings and the output are the same whatever N"},
    {"--pdf", NULL, NULL, OPT_PDF, "build",
     "print the bundle's and the customer documents to PDF with\n"
     "Chromium (DOSSIER_CHROMIUM, else chromium on PATH)"},
    {"--depth", NULL, "N", OPT_DEPTH, "trace",
     "links followed from the record (default 3: threat, controls,\ntests and their results)"},
    {"--down", NULL, NULL, OPT_DOWN, "trace",
     "only what the record leads to: controls, tests, fixes, advisories"},
    {"--up", NULL, NULL, OPT_UP, "trace",
     "only what leads to the record: the assets, threats or components\nit serves"},
    {"--all", NULL, NULL, OPT_ALL, "diff",
     "also the bookkeeping fields: which SBOM file or line a value came\n"
     "from, when a tool wrote it, what is derived from other records"},
    {"--no-cache", NULL, NULL, OPT_NO_CACHE, "build",
     "make every page, and keep no OUT/.dossier-cache (by default a\n"
     "page whose inputs did not change is taken from the previous build)"},
    {"--sarif-root", NULL, "DIR", OPT_SARIF_ROOT, "check",
     "with --format sarif: paths relative to DIR, the repository root\n"
     "code scanning resolves them against (default: the working folder)"},
    {"--map", NULL, "FILE", OPT_MAP, "import",
     "the mapping (YAML): the record type, which column gives which\n"
     "field, the column of the prose, and value translations"},
    {"--dry-run", NULL, NULL, OPT_DRY_RUN, "import", "list the files it would write; write none"},
    {"--force", NULL, NULL, OPT_FORCE, "import", "replace record files that exist"},
    {"--xsd", NULL, NULL, OPT_XSD, "schema", "print the XML Schema of record files"},
    {"--markdown", NULL, NULL, OPT_MARKDOWN, "schema rules", "print the reference in Markdown"},
    {"--quiet", "-q", NULL, OPT_QUIET, "", "print nothing but errors"},
    {"--verbose", "-v", NULL, OPT_VERBOSE, "", "print progress and timings"},
    {"--help", "-h", NULL, OPT_HELP, "", "this help; `dossier COMMAND --help` for one command"},
};

static int cmd_check(const Options *o);
static int cmd_build(const Options *o);
static int cmd_trace(const Options *o);
static int cmd_new(const Options *o);
static int cmd_schema(const Options *o);
static int cmd_rules(const Options *o);
static int cmd_diff(const Options *o);
static int cmd_verify(const Options *o);
static int cmd_serve(const Options *o);
static int cmd_mds2(const Options *o);
static int cmd_import(const Options *o);

/* The commands: what `dossier --help` lists and `dossier COMMAND --help`
 * explains, with an example. */
typedef struct Command {
    const char *name;
    int (*fn)(const Options *);
    const char *synopsis; /* after "dossier " */
    const char *summary;  /* lines separated by \n */
    const char *text;     /* what `COMMAND --help` says beyond the summary */
    const char *example;
} Command;

static const Command commands[] = {
    {"check", cmd_check, "check [DIR]", "check the dossier in DIR (default .) and print findings",
     "Loads every record, SBOM, test report and VEX file of the dossier, runs\n"
     "every rule (dossier rules --markdown lists them) and prints the findings.\n"
     "Exit 1 when a finding is at or above --fail-on: the gate for CI.",
     "dossier check examples/infusion-pump --format sarif > findings.sarif"},
    {"build", cmd_build, "build [DIR] [-o OUT]",
     "check, then write the outputs into OUT (default output/<name>):\n"
     "the site, the premarket bundle, the postmarket report, ...",
     "Checks first and stops on findings at or above --fail-on. The outputs are\n"
     "written aside and moved into place only when every one succeeded; OUT must\n"
     "be new, empty, or a folder an earlier build wrote.",
     "dossier build examples/infusion-pump -o output/infusion-pump --only site,bundle"},
    {"trace", cmd_trace, "trace ID [DIR]",
     "what protects a record and whether it works, and what it serves",
     "Down: from a threat to the controls that mitigate it, the tests that\n"
     "verify them and their latest results; from a component to its\n"
     "vulnerabilities, their assessment, the releases that fix them and the\n"
     "advisories. Up: the assets, threats or components it serves. Each line\n"
     "gives the record's state as the check stage judged it, and the findings\n"
     "on the record follow.",
     "dossier trace THR-010 examples/infusion-pump --depth 2"},
    {"serve", cmd_serve, "serve [DIR] [-o OUT]",
     "build, serve the output on 127.0.0.1 and build again on every\nchange, reloading the open "
     "pages",
     "The preview loop: builds DIR into OUT as build does (findings do not stop\n"
     "it), serves OUT on http://127.0.0.1:PORT/ and watches DIR. After every\n"
     "change it builds again; the open pages reload and show the findings in a\n"
     "banner. A build that fails keeps the last good output served and the\n"
     "banner shows why. Ctrl-C stops it.",
     "dossier serve examples/minimal --port 8000"},
    {"mds2", cmd_mds2, "mds2 [DIR]",
     "print an mds2.xml listing every MDS2 question the records leave open",
     "Checks the dossier, then prints to standard output an mds2.xml with every\n"
     "question of the MDS2 form (ANSI/NEMA HN 1-2019) that neither the records\n"
     "nor the dossier's mds2.xml answer, grouped by section, each with its text\n"
     "and a commented answer to fill in. Save it as DIR/mds2.xml when the\n"
     "dossier has none, or copy the answers into the one it has.",
     "dossier mds2 my-device > my-device/mds2.xml"},
    {"import", cmd_import, "import REGISTER --map MAP [DIR]",
     "write records from a threat or risk register (CSV or XLSX) once",
     "Reads the register (a CSV file, or the first worksheet of an XLSX\n"
     "workbook) through MAP, which names the record type and which column\n"
     "gives which field, and writes one Markdown record per row into DIR's\n"
     "folder for the type. A conversion, done once: the records are then the\n"
     "dossier's. A value the type refuses is reported at its cell and nothing\n"
     "is written; an existing record is not replaced unless --force. See\n"
     "docs/import.md.",
     "dossier import risks.xlsx --map risks-map.yaml my-device --dry-run"},
    {"new", cmd_new, "new DIR", "write a small valid dossier to start from",
     "Copies the minimal example into DIR, which must not exist.",
     "dossier new my-device && dossier check my-device"},
    {"schema", cmd_schema, "schema --markdown|--xsd",
     "print the record reference or the XML record schema",
     "The record types and their fields, from schemas/records.xml: as the\n"
     "Markdown reference (docs/records.md) or as the XSD of XML record files.",
     "dossier schema --xsd > records-file.xsd"},
    {"rules", cmd_rules, "rules --markdown", "print the rule reference",
     "Every rule check can raise, with its severity and what it checks\n(docs/rules.md).",
     "dossier rules --markdown > rules.md"},
    {"diff", cmd_diff, "diff OLD NEW",
     "what changed between two dossier folders or premarket bundles;\nexit 1 when anything did",
     "A summary first (records added, removed and changed per type, and the\n"
     "verdicts that changed: a control no longer verified, a threat no longer\n"
     "mitigated), then each change by field, list fields as the items added\n"
     "and removed. Bookkeeping fields are left out unless --all. OLD and NEW\n"
     "are dossier folders or premarket bundles (ZIP); a ZIP is unpacked, with\n"
     "bounds, into a private temporary folder.",
     "dossier diff release-3.1/ release-3.2/ --format html > changes.html"},
    {"verify", cmd_verify, "verify BUNDLE [--pubkey KEY.pub]",
     "recompute every hash of a premarket bundle (ZIP or folder)\n"
     "against its manifest, check its signature",
     "Exit 0 when every file matches manifest.json and, with --pubkey, the\n"
     "signature holds; 1 when anything differs.",
     "dossier verify output/infusion-pump/premarket.zip --pubkey release.pub"},
};

enum {
    NCOMMANDS = sizeof commands / sizeof commands[0],
    NOPTIONS = sizeof options / sizeof options[0]
};

static bool word_in(const char *word, const char *list);

/* "  left" padded to column 25, then text, its further lines indented. */
static void help_item(FILE *f, const char *left, const char *text) {
    int n = fprintf(f, "  %s", left);
    if (n > 24) {
        fputc('\n', f);
        n = 0;
    }
    fprintf(f, "%*s", 25 - n, "");
    for (const char *p = text; *p; p++) {
        fputc(*p, f);
        if (*p == '\n') fprintf(f, "%25s", "");
    }
    fputc('\n', f);
}

static void help_option(FILE *f, const OptDef *d) {
    char left[96];
    snprintf(left, sizeof left, "%s%s%s%s%s", d->short_flag ? d->short_flag : "",
             d->short_flag ? ", " : "", d->flag, d->arg ? " " : "", d->arg ? d->arg : "");
    help_item(f, left, d->help);
}

static const char exit_text[] =
    "exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or system error,\n"
    "3 template error. See dossier(1).\n";

static void usage(FILE *f) {
    fputs("usage: dossier COMMAND [options]\n\ncommands:\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        help_item(f, commands[i].synopsis, commands[i].summary);
    fputs("\noptions (`dossier COMMAND --help` shows those of one command):\n", f);
    for (size_t i = 0; i < NOPTIONS; i++)
        help_option(f, &options[i]);
    help_item(f, "--version", "the version");
    fputc('\n', f);
    fputs(exit_text, f);
}

static void command_help(FILE *f, const Command *c) {
    fprintf(f, "usage: dossier %s [options]\n\n", c->synopsis);
    size_t n = strlen(c->summary);
    for (const char *p = c->summary; *p; p++)
        fputc(*p == '\n' ? ' ' : *p, f);
    fprintf(f, "%s\n\n%s\n\noptions:\n", n && c->summary[n - 1] == '.' ? "" : ".", c->text);
    for (size_t i = 0; i < NOPTIONS; i++)
        if (!options[i].commands[0] || word_in(c->name, options[i].commands))
            help_option(f, &options[i]);
    fprintf(f, "\nexample:\n  %s\n\n%s", c->example, exit_text);
}

static const Command *find_command(const char *name) {
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0) return &commands[i];
    return NULL;
}

/* The command being run, for the hint after a usage message. */
static const char *help_command;

static int usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);

static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("dossier: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'dossier %s%s--help'.\n", help_command ? help_command : "",
            help_command ? " " : "");
    va_end(ap);
    return EXIT_USAGE;
}

/* Matches "--flag VALUE" or "--flag=VALUE" at argv[*i]; 1 matched, 0 not,
 * -1 the value is missing. */
static int take_value(int argc, char **argv, int *i, const char *flag, const char **val) {
    const char *a = argv[*i];
    size_t n = strlen(flag);
    if (strncmp(a, flag, n) == 0 && a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (strcmp(a, flag) != 0) return 0;
    if (*i + 1 >= argc) {
        usage_error("%s needs a value", flag);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

/* The installation's data folder: lua-templates/, schemas/, examples/.
 * DOSSIER_DATADIR in the environment wins; then the source tree the binary
 * was built in (build/dossier); then <prefix>/share/dossier. */
static const char *find_datadir(Arena *a) {
    const char *env = getenv("DOSSIER_DATADIR");
    if (env && *env) return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *bindir = fs_dirname(a, exe);
        const char *candidates[] = {fs_join(a, bindir, ".."),
                                    fs_join(a, bindir, "../share/dossier")};
        for (size_t i = 0; i < 2; i++)
            if (fs_is_file(fs_join(a, candidates[i], "schemas/records.xml"))) return candidates[i];
    }
    return DOSSIER_DATADIR;
}

static bool word_in(const char *word, const char *list) {
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return true;
    return false;
}

/* A whole number from min to max, or false after a usage message. */
static bool number_arg(const char *flag, const char *val, long min, long max, long *out) {
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (!*val || *end || errno || v < min || v > max) {
        usage_error("%s takes a whole number from %ld to %ld, not '%s'", flag, min, max, val);
        return false;
    }
    *out = v;
    return true;
}

/* A path the option takes: to *out when ok (it names what the option
 * takes), else false after a usage message saying what it takes. */
static bool path_arg(const char *flag, const char *val, bool ok, const char *takes,
                     const char **out) {
    if (!ok) return usage_error("%s takes %s, not '%s'", flag, takes, val), false;
    *out = val;
    return true;
}

/* Sets the option id of Options from val; false after a usage message. */
static bool set_value_option(Options *o, OptId id, const char *flag, const char *val) {
    long n;
    switch (id) {
    case OPT_FORMAT:
        if (strcmp(o->command, "trace") == 0) {
            if (strcmp(val, "text") && strcmp(val, "json"))
                return usage_error("trace --format takes text or json, not '%s'", val), false;
            o->trace_json = strcmp(val, "json") == 0;
        } else if (strcmp(o->command, "diff") == 0) {
            if (strcmp(val, "text") && strcmp(val, "json") && strcmp(val, "html"))
                return usage_error("diff --format takes text, json or html, not '%s'", val), false;
            o->diff_format = val;
        } else if (!report_format_parse(val, &o->format)) {
            return usage_error("unknown format '%s' (text, json, sarif or junit)", val), false;
        }
        return true;
    case OPT_FAIL_ON:
        if (!severity_parse(val, &o->fail_on))
            return usage_error("unknown level '%s' (error, warning, note or none)", val), false;
        return true;
    case OPT_OUTPUT:
        o->out = val;
        return true;
    case OPT_ONLY:
        o->only = val;
        return true;
    case OPT_MDS2_CATALOGUE:
        o->mds2_catalogue = val;
        return true;
    case OPT_CDX_SCHEMAS:
        o->cyclonedx_schemas = val;
        return true;
    case OPT_SIGN:
        o->sign = val;
        return true;
    case OPT_PUBKEY:
        o->pubkey = val;
        return true;
    case OPT_LUA_BUDGET:
        return number_arg(flag, val, 1, 1L << 50, &o->lua_budget);
    case OPT_LUA_MEMORY:
        return number_arg(flag, val, 1, 65536, &o->lua_memory);
    case OPT_MAX_DOCUMENT:
        return number_arg(flag, val, 1, 1L << 20, &o->max_document);
    case OPT_MAX_OUTPUT:
        return number_arg(flag, val, 1, 1L << 20, &o->max_output);
    case OPT_JOBS:
        return number_arg(flag, val, 1, 64, &o->jobs);
    case OPT_DEPTH:
        return number_arg(flag, val, 1, 64, &o->depth);
    case OPT_PREVIOUS_CSAF:
        return path_arg(flag, val, fs_is_dir(val), "a folder", &o->previous_csaf);
    case OPT_PREVIOUS:
        return path_arg(flag, val, fs_is_file(val) || fs_is_dir(val),
                        "a premarket bundle (ZIP or folder) or a dossier folder", &o->previous);
    case OPT_CSAF_SIGN:
        return path_arg(flag, val, fs_is_file(val), "an OpenPGP secret key file", &o->csaf_sign);
    case OPT_CSAF_PASSPHRASE:
        return path_arg(flag, val, fs_is_file(val), "a file", &o->csaf_passphrase);
    case OPT_PORT:
        return number_arg(flag, val, 0, 65535, &o->port);
    case OPT_QUIET:
        o->verbosity = 0;
        return true;
    case OPT_VERBOSE:
        o->verbosity = 2;
        return true;
    case OPT_XSD:
        o->xsd = true;
        return true;
    case OPT_MARKDOWN:
        o->markdown = true;
        return true;
    case OPT_PDF:
        o->pdf = true;
        return true;
    case OPT_DOWN:
        o->down = true;
        return true;
    case OPT_UP:
        o->up = true;
        return true;
    case OPT_ALL:
        o->all = true;
        return true;
    case OPT_NO_CACHE:
        o->no_cache = true;
        return true;
    case OPT_MAP:
        o->map = val;
        return true;
    case OPT_SARIF_ROOT:
        return path_arg(flag, val, fs_is_dir(val), "a folder", &o->sarif_root);
    case OPT_DRY_RUN:
        o->dry_run = true;
        return true;
    case OPT_FORCE:
        o->force = true;
        return true;
    case OPT_HELP:
        return true; /* main has answered it before */
    case OPT_MIN_COVERAGE:
        if (!number_arg(flag, val, 0, 100, &n)) return false;
        o->min_coverage = (int)n;
        return true;
    case OPT_PERIOD: {
        const char *dots = strstr(val, "..");
        int64_t from, to;
        char *first = dots ? strndup(val, (size_t)(dots - val)) : NULL;
        bool good = first && date_parse(first, &from) && date_parse(dots + 2, &to) && from <= to;
        free(first);
        if (!good)
            return usage_error(
                       "--period takes FROM..TO, two real dates YYYY-MM-DD with FROM not after TO, "
                       "not '%s'",
                       val),
                   false;
        o->period = val;
        return true;
    }
    }
    return false;
}

static bool parse_args(int argc, char **argv, Options *o) {
    o->format = REPORT_TEXT;
    o->fail_on = SEV_ERROR;
    o->verbosity = 1;
    o->min_coverage = -1;
    o->port = -1;
    const char *positional[2] = {NULL, NULL};
    size_t npos = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        const OptDef *d = NULL;
        for (size_t k = 0; k < NOPTIONS && !d; k++) {
            const OptDef *c = &options[k];
            if (c->arg) {
                int r = take_value(argc, argv, &i, c->flag, &val);
                if (r == 0 && c->short_flag) r = take_value(argc, argv, &i, c->short_flag, &val);
                if (r < 0) return false;
                if (r > 0) d = c;
            } else if (strcmp(a, c->flag) == 0 ||
                       (c->short_flag && strcmp(a, c->short_flag) == 0)) {
                d = c;
            }
        }
        if (d) {
            if (d->commands[0] && !word_in(o->command, d->commands))
                return usage_error("%s applies to: %s", d->flag, d->commands), false;
            if (!set_value_option(o, d->id, d->flag, val)) return false;
        } else if (a[0] == '-' && a[1]) {
            usage_error("unknown option '%s'", a);
            return false;
        } else if (npos < 2) {
            positional[npos++] = a;
        } else {
            usage_error("unexpected argument '%s'", a);
            return false;
        }
    }
    if (strcmp(o->command, "import") == 0) {
        o->register_file = positional[0];
        o->dir = positional[1];
        if (!o->register_file)
            return usage_error("import needs the register: a CSV or XLSX file"), false;
        if (!o->map)
            return usage_error("import needs --map FILE: which column is which field"), false;
    } else if (strcmp(o->command, "trace") == 0) {
        o->id = positional[0];
        o->dir = positional[1];
        if (!o->id) return usage_error("trace needs a record ID"), false;
    } else if (strcmp(o->command, "diff") == 0) {
        o->dir = positional[0];
        o->dir2 = positional[1];
        if (!o->dir2) return usage_error("diff needs two dossier folders: OLD NEW"), false;
    } else {
        o->dir = positional[0];
        if (positional[1]) return usage_error("unexpected argument '%s'", positional[1]), false;
    }
    if (strcmp(o->command, "verify") == 0 && !positional[0])
        return usage_error("verify needs the bundle: a premarket ZIP or its unzipped folder"),
               false;
    if (!o->dir) o->dir = ".";
    return true;
}

/* Everything one run holds: the arena that owns the model, the findings. */
typedef struct Run {
    Arena arena;
    Schema schema;
    Model model;
    Diag diag;
    const char *datadir;
} Run;

static void progress(const Options *o, const char *what) {
    if (o->verbosity >= 2 || (o->verbosity == 1 && isatty(2)))
        fprintf(stderr, "dossier: %s\n", what);
}

/* The one build date: SOURCE_DATE_EPOCH when set, else the dossier's date. */
static bool set_build_date(Model *m) {
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long secs = strtoll(sde, &end, 10);
        if (*end || errno || secs < 0) {
            fprintf(stderr,
                    "dossier: SOURCE_DATE_EPOCH must be whole seconds since 1970, not '%s'\n", sde);
            return false;
        }
        m->build_date = secs / 86400;
        return true;
    }
    if (m->product.date && date_parse(m->product.date, &m->build_date)) return true;
    m->build_date = 0; /* unknown: the date rules stand aside */
    return false;
}

/* Writes to f the report of the findings of d at or above min. */
static void print_report(FILE *f, const Diag *d, ReportFormat format, const ReportContext *ctx,
                         Severity min) {
    StrBuf sb;
    sb_init(&sb);
    report_write_for(&sb, d, format, ctx, min);
    fwrite(sb.data ? sb.data : "", 1, sb.len, f);
    sb_free(&sb);
}

/* load -> model -> check. Returns false on a system error. */
static void print_load_failure(const Diag *d) {
    StrBuf sb;
    sb_init(&sb);
    report_write(&sb, d, REPORT_TEXT, ".", SEV_NOTE);
    StrBuf shown; /* what the files said, escaped: they may be hostile (verify, diff, trace) */
    sb_init(&shown);
    sb_escape_text(&shown, sb.data ? sb.data : "", sb.len, true);
    fwrite(shown.data ? shown.data : "", 1, shown.len, stderr);
    sb_free(&shown);
    sb_free(&sb);
}

/* The folder dir's path below the folder root, both resolved, with a
 * trailing slash ("" when they are the same); NULL when dir is not inside
 * root. The caller frees it. */
static char *below_root(const char *dir, const char *root) {
    char *d = realpath(dir, NULL), *r = realpath(root, NULL);
    char *out = NULL;
    size_t n = r ? strlen(r) : 0;
    if (d && r && strcmp(r, "/") == 0) n = 0;
    if (d && r && strncmp(d, r, n) == 0 && (d[n] == '/' || d[n] == 0)) {
        const char *rest = d + n + (d[n] == '/');
        out = xmalloc(strlen(rest) + 2);
        strcpy(out, rest);
        if (*rest) strcat(out, "/");
    }
    free(d);
    free(r);
    return out;
}

/* Without --jobs: one process per CPU, at most 8. */
static long default_jobs(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : n;
}

/* The period of build --period (checked when parsed), else the 365 days up
 * to the build date, as days. */
static void period_days(const char *period, int64_t build_date, int64_t *from, int64_t *to) {
    *from = build_date - 364;
    *to = build_date;
    const char *dots = period ? strstr(period, "..") : NULL;
    if (!dots) return;
    char first[16];
    size_t len = (size_t)(dots - period);
    if (len >= sizeof first) return;
    memcpy(first, period, len);
    first[len] = '\0';
    int64_t f, t;
    if (date_parse(first, &f) && date_parse(dots + 2, &t)) {
        *from = f;
        *to = t;
    }
}

/* Loads and checks o->dir into run; false after a message. The caller
 * frees run either way (run_free). carry: an output to build carries the
 * dossier's files (LoadOptions). */
static bool pipeline(Run *run, const Options *o, bool carry) {
    arena_init(&run->arena);
    diag_init(&run->diag);
    run->datadir = find_datadir(&run->arena);
    const char *schemas = fs_join(&run->arena, run->datadir, "schemas");
    if (!schema_load(&run->arena, &run->diag, fs_join(&run->arena, schemas, "records.xml"),
                     &run->schema)) {
        print_load_failure(&run->diag);
        return false;
    }
    model_init(&run->model, &run->arena, &run->schema, o->dir);
    run->model.jobs = (int)(o->jobs ? o->jobs : default_jobs());
    const char *cdx =
        o->cyclonedx_schemas ? o->cyclonedx_schemas : getenv("DOSSIER_CYCLONEDX_SCHEMAS");
    LoadOptions lo = {schemas, MAX_FILE, cdx, o->previous_csaf, carry};
    progress(o, "loading records");
    if (!load_dossier(&run->model, &run->diag, &lo)) {
        print_load_failure(&run->diag);
        return false;
    }
    if (!set_build_date(&run->model) && diag_count(&run->diag, SEV_ERROR) == 0) {
        /* with errors in dossier.xml they are the news; without, say what is missing */
        fprintf(
            stderr,
            "dossier: no build date: set SOURCE_DATE_EPOCH or the date attribute of dossier.xml\n");
        return false;
    }
    if (o->mds2_catalogue && !mds2_load_wording(&run->model, o->mds2_catalogue, MAX_FILE))
        return false;
    mds2_resolve(&run->model); /* now that the build date is known (DOC-7) */
    run->model.min_support_coverage = o->min_coverage;
    period_days(o->period, run->model.build_date, &run->model.period_from, &run->model.period_to);
    if (run->model.product_broken) {
        /* every rule reads dossier.xml: run, they would only repeat its error in other words */
        diag_sort(&run->diag);
        return true;
    }
    progress(o, "checking");
    run->model.verdicts = check_run(&run->model, &run->diag);
    diag_sort(&run->diag);
    return true;
}

static void run_free(Run *run) {
    diag_free(&run->diag);
    arena_free(&run->arena);
}

/* pipeline for a command's own run: on failure the run is freed, so the
 * command has only to return. */
static bool run_pipeline(Run *run, const Options *o, bool carry) {
    if (pipeline(run, o, carry)) return true;
    run_free(run);
    return false;
}

static void print_summary(const Diag *d, const Options *o) {
    if (o->verbosity == 0) return;
    size_t e = 0, w = 0, n = 0;
    for (size_t i = 0; i < d->n; i++) {
        Severity s = d->items[i].severity;
        if (s == SEV_ERROR)
            e++;
        else if (s == SEV_WARNING)
            w++;
        else
            n++;
    }
    fprintf(stderr, "dossier: %zu error%s, %zu warning%s, %zu note%s\n", e, e == 1 ? "" : "s", w,
            w == 1 ? "" : "s", n, n == 1 ? "" : "s");
}

static int cmd_check(const Options *o) {
    Run run;
    if (!run_pipeline(&run, o, false)) return EXIT_USAGE;
    char *prefix = o->sarif_root ? below_root(o->dir, o->sarif_root) : NULL;
    if (o->sarif_root && !prefix) {
        fprintf(stderr, "dossier: %s is not inside the --sarif-root folder %s\n", o->dir,
                o->sarif_root);
        run_free(&run);
        return EXIT_USAGE;
    }
    ReportContext ctx = {o->dir, DOSSIER_VERSION, prefix};
    print_report(stdout, &run.diag, o->format, &ctx,
                 o->verbosity == 0 && o->format == REPORT_TEXT ? SEV_ERROR : SEV_NOTE);
    free(prefix);
    fflush(stdout); /* the report before the summary, also when both go to one file */
    print_summary(&run.diag, o);
    if (run.model.product_broken) {
        fprintf(stderr, "dossier: dossier.xml did not load, so the rules did not run: fix it "
                        "first, then check again\n");
        run_free(&run);
        return EXIT_FINDINGS;
    }
    int rc =
        o->fail_on != SEV_NONE && diag_count(&run.diag, o->fail_on) ? EXIT_FINDINGS : EXIT_CLEAN;
    run_free(&run);
    return rc;
}

static const char *default_output(Arena *a, const char *dir) {
    char *real = realpath(dir, NULL);
    const char *name = real ? strrchr(real, '/') : NULL;
    const char *out = arena_printf(a, "output/%s", name && name[1] ? name + 1 : "dossier");
    free(real);
    return out;
}

/* Parses --only (NULL: every output) into the outputs to build, in table
 * order. False after a usage message. */
static bool select_outputs(const char *only, const OutputDef **out, size_t *n) {
    bool *want = xmalloc(output_count * sizeof *want);
    for (size_t i = 0; i < output_count; i++)
        want[i] = only == NULL;
    for (const char *p = only; p && *p;) {
        size_t len = strcspn(p, ",");
        const OutputDef *def = output_find(p, len);
        if (!def) {
            StrBuf names;
            sb_init(&names);
            for (size_t i = 0; i < output_count; i++)
                sb_printf(&names, "%s%s", i ? ", " : "", output_table[i].name);
            usage_error("--only: unknown output '%.*s' (outputs: %s)", (int)len, p, names.data);
            sb_free(&names);
            free(want);
            return false;
        }
        want[def - output_table] = true;
        p += len + (p[len] == ',');
    }
    *n = 0;
    for (size_t i = 0; i < output_count; i++)
        if (want[i]) out[(*n)++] = &output_table[i];
    free(want);
    if (*n == 0) {
        usage_error("--only names no output");
        return false;
    }
    return true;
}

/* The postmarket report's period as the check stage took it (period_days):
 * FROM..TO, for the templates' `period`. */
static const char *period_text(Arena *a, const Model *m) {
    char from[16], to[16];
    date_format(m->period_from, from);
    date_format(m->period_to, to);
    return arena_printf(a, "%s..%s", from, to);
}

/* What the C step that finishes an output needs, for render_run_all. */
typedef struct FinishCtx {
    const Model *m;
    const Diag *d;
    const EmitOptions *eo;
    OutDir *od;
    const OutputDef *const *outputs;
} FinishCtx;

static bool finish_job(void *ctx, size_t job) {
    FinishCtx *fc = ctx;
    return fc->outputs[job]->finish(fc->m, fc->d, fc->eo, fc->od);
}

static const char *dossier_folder(Arena *a, const char *dir, const char *tmp, const char *part);
static char *private_folder(Arena *a, const char *what);

/* build --previous OLD: the last submission loaded and checked as diff
 * loads it (a ZIP unpacked within verify's bounds into a private folder,
 * removed as soon as the old model is in memory, whatever happened; a
 * stopping signal waits until then), and
 * what changed since into run's model. False after a message naming OLD;
 * *loaded tells whether old is to be freed. */
static bool load_previous(const Options *o, Run *run, Run *old, bool *loaded) {
    Arena a;
    arena_init(&a);
    /* SIGINT, SIGTERM and SIGHUP wait until the private folder is gone */
    sigset_t block, was;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &was);
    char *tmp = fs_is_file(o->previous) ? private_folder(&a, "previous") : NULL;
    bool ok = false;
    if (!fs_is_file(o->previous) || tmp) {
        Options oo = *o;
        oo.dir = dossier_folder(&a, o->previous, tmp, "old");
        oo.previous = NULL;
        oo.previous_csaf = NULL;
        oo.verbosity = 0; /* its findings are not this build's */
        if (oo.dir) {
            *loaded = true;
            ok = pipeline(old, &oo, false);
            if (ok && old->model.product_broken) {
                fprintf(stderr, "dossier: --previous %s: its dossier.xml did not load\n",
                        text_printable(&a, o->previous));
                ok = false;
            }
        }
    }
    if (tmp && !fs_remove_tree(tmp)) {
        fprintf(stderr, "dossier: cannot remove %s: %s\n", tmp, strerror(errno));
        ok = false;
    }
    sigprocmask(SIG_SETMASK, &was, NULL);
    if (ok) {
        run->model.changes =
            changes_compute(&run->arena, &old->model, &run->model, false, o->previous);
        run->model.verdicts = check_changes(&run->model, run->model.verdicts);
    } else
        fprintf(stderr,
                "dossier: build stopped: --previous %s could not be read as the last "
                "submission; nothing was written\n",
                text_printable(&a, o->previous));
    arena_free(&a);
    return ok;
}

static int build_with(const Options *o, Run *old, bool *old_loaded);

static int cmd_build(const Options *o) {
    Run old;
    bool loaded = false;
    int rc = build_with(o, &old, &loaded);
    if (loaded) run_free(&old);
    return rc;
}

static int build_with(const Options *o, Run *old, bool *old_loaded) {
    const OutputDef *outputs[64];
    size_t noutputs = 0;
    if (output_count > 64 || !select_outputs(o->only, outputs, &noutputs)) return EXIT_USAGE;
    if (o->csaf_passphrase && !o->csaf_sign)
        return usage_error("--csaf-sign-passphrase-file goes with --csaf-sign");
    bool csaf = false;
    bool carry = false; /* the bundle copies the dossier's files: the load stage reads them all */
    for (size_t i = 0; i < noutputs; i++) {
        csaf = csaf || strcmp(outputs[i]->name, "csaf") == 0;
        carry = carry || outputs[i]->finish == bundle_finish;
    }
    if (o->csaf_sign && !csaf)
        return usage_error("--csaf-sign signs the csaf output, which --only leaves out");
    Run run;
    if (!run_pipeline(&run, o, carry)) return EXIT_USAGE;
    print_report(stderr, &run.diag, REPORT_TEXT, &(ReportContext){o->dir, NULL, NULL},
                 o->verbosity >= 1 ? SEV_WARNING : SEV_ERROR);
    print_summary(&run.diag, o);
    if (run.model.product_broken) {
        fprintf(stderr, "dossier: build stopped: dossier.xml did not load, so the rules did not "
                        "run; nothing was written\n");
        run_free(&run);
        return EXIT_FINDINGS;
    }
    if (o->fail_on != SEV_NONE && diag_count(&run.diag, o->fail_on)) {
        fprintf(stderr,
                "dossier: build stopped: findings at level %s or above; nothing was written "
                "(--fail-on none builds anyway, for review)\n",
                severity_name(o->fail_on));
        run_free(&run);
        return EXIT_FINDINGS;
    }
    /* an audience marking that is malformed: no public output, whatever --fail-on says */
    bool audience_error = false;
    for (size_t i = 0; i < run.diag.n; i++)
        if (run.diag.items[i].severity == SEV_ERROR &&
            (strcmp(run.diag.items[i].rule, "audience-marking") == 0 ||
             strcmp(run.diag.items[i].rule, "audience-conflict") == 0 ||
             strcmp(run.diag.items[i].rule, "internal-fields") == 0))
            audience_error = true;
    if (audience_error) {
        size_t kept = 0;
        for (size_t i = 0; i < noutputs; i++)
            if (!outputs[i]->public) outputs[kept++] = outputs[i];
        fprintf(stderr, "dossier: no public output is written: a record's audience marking is "
                        "malformed or conflicts with a public document "
                        "(audience-marking, audience-conflict, internal-fields above)\n");
        noutputs = kept;
        if (noutputs == 0) {
            run_free(&run);
            return EXIT_FINDINGS;
        }
    }
    if (o->previous && !load_previous(o, &run, old, old_loaded)) {
        run_free(&run);
        return EXIT_USAGE;
    }
    const char *out = o->out ? o->out : default_output(&run.arena, o->dir);
    /* the engine is looked for only when a chosen output has documents to print */
    bool printing = false;
    for (size_t i = 0; o->pdf && i < noutputs; i++)
        printing = printing || pdf_prints(outputs[i]->name);
    PdfEngine *pdf = NULL;
    OutDir *od = NULL;
    if ((printing && !(pdf = pdf_open(o->verbosity >= 2))) || !(od = outdir_begin(out, o->dir))) {
        pdf_close(pdf);
        run_free(&run);
        return EXIT_USAGE;
    }
    RenderOptions ro = {
        .user_templates = fs_join(&run.arena, o->dir, "templates"),
        .default_templates = fs_join(&run.arena, run.datadir, "lua-templates"),
        .instruction_budget = o->lua_budget,
        .memory_cap = (size_t)o->lua_memory * 1024 * 1024,
        .max_document = (size_t)o->max_document * 1024 * 1024,
        .max_output = (size_t)o->max_output * 1024 * 1024,
        .period = period_text(&run.arena, &run.model),
        .pdf = o->pdf,
        .version = DOSSIER_VERSION,
        .cache = !o->no_cache,
    };
    int jobs = (int)(o->jobs ? o->jobs : default_jobs());
    EmitOptions eo = {.dossier_dir = o->dir,
                      .sign_key = o->sign,
                      .csaf_key = o->csaf_sign,
                      .csaf_passphrase_file = o->csaf_passphrase,
                      .cache = !o->no_cache,
                      .threads = jobs};
    Renderer *renderer = NULL;
    int rc = render_open(&run.model, &run.diag, &ro, &renderer);
    RenderJob *rj = arena_alloc(&run.arena, (noutputs + 1) * sizeof *rj);
    for (size_t i = 0; i < noutputs; i++)
        rj[i] = (RenderJob){outputs[i]->name,   outputs[i]->public,
                            outputs[i]->shards, output_scope(outputs[i]),
                            outputs[i]->weight, outputs[i]->finish ? finish_job : NULL,
                            outputs[i]->cache};
    FinishCtx fc = {&run.model, &run.diag, &eo, od, outputs};
    if (rc == EXIT_CLEAN && !pdf) {
        /* every output at once, over --jobs processes */
        for (size_t i = 0; i < noutputs; i++)
            progress(o, arena_printf(&run.arena, "writing %s", outputs[i]->name));
        rc = render_run_all(renderer, rj, noutputs, od, jobs, &fc);
    }
    /* with --pdf one after another: each output printed before it is finished */
    for (size_t i = 0; rc == EXIT_CLEAN && pdf && i < noutputs; i++) {
        progress(o, arena_printf(&run.arena, "writing %s", outputs[i]->name));
        size_t first = od->nfiles;
        RenderJob one = rj[i];
        one.finish = NULL;
        rc = render_run_all(renderer, &one, 1, od, outputs[i]->shards ? jobs : 1, NULL);
        if (rc == EXIT_CLEAN && outputs[i]->before_print &&
            !outputs[i]->before_print(&run.model, &run.diag, &eo, od))
            rc = EXIT_USAGE;
        if (rc == EXIT_CLEAN && !pdf_output(pdf, &run.model, outputs[i]->name, od, first))
            rc = EXIT_USAGE;
        if (rc == EXIT_CLEAN && outputs[i]->finish && !finish_job(&fc, i)) rc = EXIT_USAGE;
    }
    if (rc == EXIT_CLEAN && renderer && !cache_write(renderer, od)) rc = EXIT_USAGE;
    if (renderer && o->verbosity >= 1) {
        size_t made, carried;
        cache_stats(renderer, &made, &carried);
        if (made + carried)
            fprintf(stderr,
                    "dossier: %zu pages made, %zu taken unchanged from the previous build\n", made,
                    carried);
    }
    if (renderer && rc == EXIT_CLEAN)
        render_leave(renderer); /* the process ends with the build */
    else if (renderer)
        render_close(renderer);
    pdf_close(pdf);
    if (rc != EXIT_CLEAN) {
        outdir_abort(od);
        fprintf(stderr, "dossier: build failed; %s was left as it was\n", out);
        run_free(&run);
        return rc;
    }
    size_t nfiles = od->nfiles;
    if (!outdir_commit(od)) {
        run_free(&run);
        return EXIT_USAGE;
    }
    if (o->verbosity >= 1) fprintf(stderr, "dossier: wrote %zu files to %s\n", nfiles, out);
    run_free(&run);
    return audience_error ? EXIT_FINDINGS : EXIT_CLEAN;
}

static int cmd_trace(const Options *o) {
    Run run;
    if (!run_pipeline(&run, o, false)) return EXIT_USAGE;
    Arena *a = &run.arena;
    const Record *r = model_find(&run.model, o->id);
    if (!r) {
        fprintf(stderr, "dossier: no record %s in %s\n", text_printable(a, o->id),
                text_printable(a, o->dir));
        run_free(&run);
        return EXIT_USAGE;
    }
    TraceOptions to = {(int)o->depth, o->down, o->up, o->trace_json};
    StrBuf sb;
    sb_init(&sb);
    trace_write(&sb, a, &run.model, &run.diag, r, &to);
    fwrite(sb.data ? sb.data : "", 1, sb.len, stdout);
    sb_free(&sb);
    run_free(&run);
    return EXIT_CLEAN;
}

static int copy_tree(Arena *a, const char *from, const char *to) {
    const char **files;
    size_t n = fs_list(a, from, &files);
    if (n == 0) {
        fprintf(stderr, "dossier: nothing to copy in %s\n", from);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < n; i++) {
        char *data;
        size_t len;
        const char *src = fs_join(a, from, files[i]);
        const char *dst = fs_join(a, to, files[i]);
        if (!fs_read(src, MAX_FILE, &data, &len)) {
            fprintf(stderr, "dossier: cannot read %s: %s\n", src, strerror(errno));
            return EXIT_USAGE;
        }
        FILE *f = NULL;
        bool ok = fs_mkdirs(fs_dirname(a, dst)) && (f = fopen(dst, "wx")) &&
                  fwrite(data, 1, len, f) == len;
        if (f && fclose(f) != 0) ok = false;
        free(data);
        if (!ok) {
            fprintf(stderr, "dossier: cannot write %s: %s\n", dst, strerror(errno));
            return EXIT_USAGE;
        }
    }
    return EXIT_CLEAN;
}

static int cmd_new(const Options *o) {
    Arena a;
    arena_init(&a);
    int rc = EXIT_USAGE;
    if (!o->dir || strcmp(o->dir, ".") == 0) {
        usage_error("new needs the folder to create");
    } else if (access(o->dir, F_OK) == 0) {
        fprintf(stderr, "dossier: %s already exists; new writes only into a new folder\n", o->dir);
    } else {
        rc = copy_tree(&a, fs_join(&a, find_datadir(&a), "examples/minimal"), o->dir);
        if (rc == EXIT_CLEAN && o->verbosity)
            fprintf(stderr, "dossier: wrote a new dossier to %s; next: dossier check %s\n", o->dir,
                    o->dir);
    }
    arena_free(&a);
    return rc;
}

static int cmd_schema(const Options *o) {
    Arena a;
    Diag d;
    Schema s;
    arena_init(&a);
    diag_init(&d);
    int rc = EXIT_USAGE;
    if (o->xsd == o->markdown) {
        usage_error("schema takes one of --xsd or --markdown");
    } else if (schema_load(&a, &d, fs_join(&a, find_datadir(&a), "schemas/records.xml"), &s)) {
        StrBuf sb;
        sb_init(&sb);
        if (o->xsd)
            schema_write_xsd(&sb, &s);
        else
            schema_write_markdown(&sb, &s);
        fwrite(sb.data, 1, sb.len, stdout);
        sb_free(&sb);
        rc = EXIT_CLEAN;
    } else {
        fprintf(stderr, "dossier: the record-type schema is broken\n");
    }
    diag_free(&d);
    arena_free(&a);
    return rc;
}

static int cmd_rules(const Options *o) {
    if (!o->markdown) return usage_error("rules takes --markdown");
    StrBuf sb;
    sb_init(&sb);
    rules_markdown(&sb);
    fwrite(sb.data, 1, sb.len, stdout);
    sb_free(&sb);
    return EXIT_CLEAN;
}

/* A dossier folder, or the records/ of a premarket bundle: unzipped, or a
 * ZIP unpacked into the folder part of tmp. NULL after a message when the
 * ZIP cannot be unpacked or no dossier is there. */
static const char *dossier_folder(Arena *a, const char *dir, const char *tmp, const char *part) {
    if (fs_is_file(dir)) {
        const char *into = fs_join(a, tmp, part);
        if (!bundle_unpack(dir, into)) return NULL;
        dir = into;
    }
    /* a dossier, an unzipped bundle (records/ beside manifest.json), or a
     * build's output folder (premarket/records/) */
    const char *candidates[] = {dir, fs_join(a, dir, "records"),
                                fs_join(a, dir, "premarket/records")};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (fs_is_file(fs_join(a, candidates[i], "dossier.xml"))) return candidates[i];
    fprintf(stderr,
            "dossier: %s holds no dossier.xml: expected a dossier folder, a premarket bundle (ZIP "
            "or unzipped) or a build output folder\n",
            text_printable(a, dir));
    return NULL;
}

/* diff --format html: the page rendered by lua-templates/diff/ (or the
 * NEW dossier's templates/diff/) from model.changes, into the private
 * folder tmp, then printed with every control character shown escaped, as
 * the text is: either side may be hostile. */
static int diff_html(const Options *o, Run *old, Run *new, const char *new_dir, const char *tmp) {
    Changes *c = changes_compute(&new->arena, &old->model, &new->model, o->all, o->dir);
    c->old_arg = o->dir;
    c->new_arg = o->dir2;
    new->model.changes = c;
    bool changed = c->nadded || c->nremoved || c->nchanges || c->nproduct;
    OutDir *od = outdir_begin(fs_join(&new->arena, tmp, "html"), NULL);
    if (!od) return EXIT_USAGE;
    RenderOptions ro = {
        .user_templates = fs_join(&new->arena, new_dir, "templates"),
        .default_templates = fs_join(&new->arena, new->datadir, "lua-templates"),
        .version = DOSSIER_VERSION,
    };
    Renderer *r = NULL;
    int rc = render_open(&new->model, &new->diag, &ro, &r);
    if (rc == EXIT_CLEAN) rc = render_run(r, "diff", false, od);
    if (r) render_close(r);
    char *page = NULL;
    size_t len = 0;
    if (rc == EXIT_CLEAN &&
        !fs_read(fs_join(&new->arena, od->tmp_path, "diff.html"), MAX_FILE, &page, &len)) {
        fprintf(stderr, "dossier: the diff templates wrote no diff.html: %s\n", strerror(errno));
        rc = EXIT_TEMPLATE;
    }
    outdir_abort(od);
    if (rc == EXIT_CLEAN) {
        StrBuf sb;
        sb_init(&sb);
        sb_escape_text(&sb, page, len, true);
        fwrite(sb.data ? sb.data : "", 1, sb.len, stdout);
        sb_free(&sb);
        rc = changed ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    free(page);
    return rc;
}

/* diff itself: tmp is the private folder ZIPs are unpacked into (and the
 * HTML page rendered in), or NULL when neither side is a ZIP and the
 * format is not html. */
static int diff_run(const Options *o, const char *tmp) {
    const char *format = o->diff_format ? o->diff_format : "text";
    Run old, new;
    Options oo = *o, no = *o;
    Arena a;
    arena_init(&a);
    oo.dir = dossier_folder(&a, o->dir, tmp, "old");
    no.dir = oo.dir ? dossier_folder(&a, o->dir2, tmp, "new") : NULL;
    if (!no.dir) oo.dir = NULL;
    bool ok_old = no.dir && pipeline(&old, &oo, false);
    bool ok_new = ok_old && pipeline(&new, &no, false);
    int rc = EXIT_USAGE;
    if (ok_new && strcmp(format, "html") == 0) {
        rc = diff_html(o, &old, &new, no.dir, tmp);
    } else if (ok_new) {
        StrBuf sb;
        sb_init(&sb);
        bool changed = false;
        diff_write(&sb, &old.model, &new.model, format, o->dir, o->dir2, o->all, &changed);
        fwrite(sb.data ? sb.data : "", 1, sb.len, stdout);
        sb_free(&sb);
        rc = changed ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    if (ok_old) run_free(&new);
    if (no.dir) run_free(&old);
    arena_free(&a);
    return rc;
}

static volatile sig_atomic_t diff_signal, diff_child;

/* A signal to the parent while the child works: passed on to the child,
 * and raised again once its folder is gone. */
static void diff_forward(int sig) {
    diff_signal = sig;
    if (diff_child > 0) kill((pid_t)diff_child, sig);
}

/* Runs the diff in a child process and removes tmp once the child ended,
 * however it ended: an exit, out of memory (die exits), a crash, a signal.
 * The parent holds nothing but tmp, so nothing it does can fail half-way. */
static int diff_in_child(const Options *o, const char *tmp) {
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa, old[3];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = diff_forward;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < 3; i++)
        sigaction(sigs[i], &sa, &old[i]);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        for (size_t i = 0; i < 3; i++)
            sigaction(sigs[i], &old[i], NULL);
        exit(diff_run(o, tmp));
    }
    int rc = EXIT_USAGE, status = 0;
    if (pid < 0) {
        fprintf(stderr, "dossier: cannot start diff: %s\n", strerror(errno));
    } else {
        diff_child = pid;
        if (diff_signal) kill(pid, diff_signal); /* one that came before the child was known */
        pid_t w;
        while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
        }
        if (w == pid && WIFEXITED(status))
            rc = WEXITSTATUS(status);
        else if (w == pid && WIFSIGNALED(status) && !diff_signal)
            fprintf(stderr, "dossier: diff stopped by signal %d\n", WTERMSIG(status));
    }
    if (!fs_remove_tree(tmp))
        fprintf(stderr, "dossier: cannot remove %s: %s\n", tmp, strerror(errno));
    for (size_t i = 0; i < 3; i++)
        sigaction(sigs[i], &old[i], NULL);
    if (diff_signal) raise(diff_signal);
    return rc;
}

/* A private folder of TMPDIR (else /tmp) for a ZIP to be unpacked into,
 * named after what, in a; NULL after a message. */
static char *private_folder(Arena *a, const char *what) {
    char *made;
    bool ok = fs_temp_folder(what, &made);
    int err = errno;
    char *tmp = arena_strdup(a, made);
    free(made);
    if (ok) return tmp;
    fprintf(stderr, "dossier: cannot create a temporary folder %s: %s\n", tmp, strerror(err));
    return NULL;
}

static int cmd_diff(const Options *o) {
    const char *format = o->diff_format ? o->diff_format : "text";
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
        return usage_error("diff --format takes text, json or html, not '%s'", format);
    if (!fs_is_file(o->dir) && !fs_is_file(o->dir2) && strcmp(format, "html") != 0)
        return diff_run(o, NULL);
    /* a ZIP is unpacked, and the HTML page rendered, into a private folder
     * of TMPDIR (else /tmp) */
    Arena a;
    arena_init(&a);
    char *tmp = private_folder(&a, "diff");
    int rc = tmp ? diff_in_child(o, tmp) : EXIT_USAGE;
    arena_free(&a);
    return rc;
}

static int cmd_verify(const Options *o) {
    return bundle_verify(o->dir, o->pubkey);
}

static int cmd_mds2(const Options *o) {
    Run run;
    if (!run_pipeline(&run, o, false)) return EXIT_USAGE;
    if (!run.model.mds2) {
        fprintf(stderr, "dossier: no MDS2 catalogue (schemas/mds2-questions.tsv) was loaded\n");
        run_free(&run);
        return EXIT_USAGE;
    }
    StrBuf sb;
    sb_init(&sb);
    size_t open = mds2_skeleton(&sb, &run.model);
    fwrite(sb.data, 1, sb.len, stdout);
    sb_free(&sb);
    if (o->verbosity >= 1) fprintf(stderr, "dossier: %zu MDS2 questions are open\n", open);
    run_free(&run);
    return EXIT_CLEAN;
}

static int cmd_import(const Options *o) {
    Arena a;
    Diag d;
    Schema schema;
    arena_init(&a);
    diag_init(&d);
    int rc = EXIT_USAGE;
    ImportSet set;
    if (!fs_is_dir(o->dir)) {
        fprintf(stderr, "dossier: %s is not a dossier folder\n", text_printable(&a, o->dir));
    } else if (!schema_load(&a, &d, fs_join(&a, find_datadir(&a), "schemas/records.xml"),
                            &schema)) {
        print_load_failure(&d);
    } else if (register_import(&a, &d, &schema, o->register_file, o->register_file, o->map,
                               MAX_FILE, &set)) {
        diag_sort(&d);
        print_report(stderr, &d, REPORT_TEXT, &(ReportContext){NULL, NULL, NULL},
                     o->verbosity == 0 ? SEV_ERROR : SEV_NOTE);
        if (diag_count(&d, SEV_ERROR) > 0 || !set.type) {
            fprintf(stderr, "dossier: nothing written: correct the register or the mapping\n");
            rc = EXIT_FINDINGS;
        } else {
            rc = import_write(o->dir, &set, o->register_file, o->dry_run, o->force);
            rc = rc == 0 ? EXIT_CLEAN : rc == 1 ? EXIT_FINDINGS : EXIT_USAGE;
        }
    }
    diag_free(&d);
    arena_free(&a);
    return rc;
}

static int cmd_serve(const Options *o) {
    Arena a;
    arena_init(&a);
    if (!fs_is_dir(o->dir)) {
        fprintf(stderr, "dossier: %s is not a dossier folder\n", text_printable(&a, o->dir));
        arena_free(&a);
        return EXIT_USAGE;
    }
    PreviewOptions po = {o->dir, o->out ? o->out : default_output(&a, o->dir),
                         o->port >= 0 ? o->port : 8000, o->jobs, o->verbosity};
    int rc = preview_run(&po);
    arena_free(&a);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        const Command *c = argc > 2 ? find_command(argv[2]) : NULL;
        if (c)
            command_help(stdout, c);
        else
            usage(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("dossier %s\n", DOSSIER_VERSION);
        return EXIT_CLEAN;
    }
    const Command *c = find_command(cmd);
    if (!c) return usage_error("unknown command '%s'", cmd);
    help_command = c->name;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            command_help(stdout, c);
            return EXIT_CLEAN;
        }
    Options o = {.command = cmd};
    if (!parse_args(argc, argv, &o)) return EXIT_USAGE;
    heap_start();
    digest_start();
    return c->fn(&o);
}
