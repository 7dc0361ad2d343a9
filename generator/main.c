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
#include "base/rules.h"
#include "check/check.h"
#include "emit/emit.h"
#include "emit/pdf.h"
#include "load/load.h"
#include "model/model.h"
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
    const char *pubkey;            /* verify --pubkey: minisign public key */
    const char *period;            /* build --period FROM..TO: the postmarket report's period */
    const char *dir2;              /* diff: the NEW dossier (dir is OLD) */
    const char *diff_format;       /* diff --format: text, json or html */
    bool xsd, markdown;
    bool pdf;  /* build --pdf: print the documents to PDF too */
    long jobs; /* --jobs: processes parsing prose and rendering the site, 0 = one per CPU */
} Options;

static const char usage_text[] =
    "usage: dossier COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  check [DIR]            check the dossier in DIR (default .) and print findings\n"
    "  build [DIR] [-o OUT]   check, then write the outputs into OUT (default output/<name>):\n"
    "                         the site, the premarket bundle, the postmarket report, ...\n"
    "  trace ID [DIR]         print the chain up and down from a record\n"
    "  new DIR                write a small valid dossier to start from\n"
    "  schema --markdown|--xsd  print the record reference or the XML record schema\n"
    "  rules --markdown       print the rule reference\n"
    "  diff OLD NEW [--format text|json|html]  what changed between two dossier folders\n"
    "                         or premarket bundles; exit 1 when anything did\n"
    "  verify BUNDLE [--pubkey KEY.pub]  recompute every hash of a premarket bundle (ZIP or\n"
    "                         folder) against its manifest, check its signature\n"
    "\n"
    "options:\n"
    "  --format text|json|sarif|junit   findings format of check (default text)\n"
    "  --fail-on error|warning|note|none  lowest severity that fails (default error)\n"
    "  -o, --output DIR       output folder of build\n"
    "  --only LIST            outputs to build, comma-separated (default: all)\n"
    "  --min-support-coverage PCT  fail when fewer components have known support data\n"
    "  --lua-budget N         Lua instructions a template output may run (default 2e9)\n"
    "  --lua-memory MIB       Lua heap a template output may use (default 256)\n"
    "  --max-document MIB     size of one file a template may write (default 128)\n"
    "  --max-output MIB       size of all the files the templates of a build may write\n"
    "                         (default 1024)\n"
    "  --cyclonedx-schemas DIR  check, build: validate CycloneDX XML SBOMs against the\n"
    "                         official bom-1.x.xsd in DIR (also DOSSIER_CYCLONEDX_SCHEMAS);\n"
    "                         violations are sbom-schema warnings\n"
    "  --mds2-catalogue FILE  the MDS2 form's official wording instead of the project's\n"
    "                         paraphrase: a TSV (id, section_code, section_name, question)\n"
    "                         or the maker's copy of the form's workbook (.xlsx)\n"
    "  --sign KEY             build: sign manifest.json with a minisign secret key\n"
    "                         (made with `minisign -G -W`)\n"
    "  --pubkey KEY.pub       verify: the minisign public key the manifest must be signed with\n"
    "  --period FROM..TO      build: the postmarket report's period, both days included\n"
    "                         (default: the 365 days up to the build date)\n"
    "  -j, --jobs N           check, build: processes that parse the records' prose and\n"
    "                         render the outputs, all at once (default: one per CPU, at\n"
    "                         most 8); the findings and the output are the same whatever N\n"
    "  --pdf                  build: print the bundle's and the customer documents to PDF\n"
    "                         with Chromium (DOSSIER_CHROMIUM, else chromium on PATH)\n"
    "  -q, --quiet            print nothing but errors\n"
    "  -v, --verbose          print progress and timings\n"
    "  -h, --help             this text;  --version  the version\n"
    "\n"
    "exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or system error,\n"
    "3 template error. See dossier(1).\n";

static int usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);

static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("dossier: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'dossier --help'.\n", stderr);
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

/* The options that take a value, and the commands each applies to. */
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
    OPT_JOBS
} OptId;

static const struct {
    const char *flag;
    OptId id;
    const char *commands; /* space-separated */
} value_options[] = {
    {"--format", OPT_FORMAT, "check diff"},
    {"--fail-on", OPT_FAIL_ON, "check build"},
    {"--output", OPT_OUTPUT, "build"},
    {"-o", OPT_OUTPUT, "build"},
    {"--only", OPT_ONLY, "build"},
    {"--lua-budget", OPT_LUA_BUDGET, "build"},
    {"--lua-memory", OPT_LUA_MEMORY, "build"},
    {"--max-document", OPT_MAX_DOCUMENT, "build"},
    {"--max-output", OPT_MAX_OUTPUT, "build"},
    {"--mds2-catalogue", OPT_MDS2_CATALOGUE, "build"},
    {"--cyclonedx-schemas", OPT_CDX_SCHEMAS, "check build"},
    {"--sign", OPT_SIGN, "build"},
    {"--pubkey", OPT_PUBKEY, "verify"},
    {"--period", OPT_PERIOD, "build"},
    {"--min-support-coverage", OPT_MIN_COVERAGE, "check build"},
    {"--jobs", OPT_JOBS, "check build"},
    {"-j", OPT_JOBS, "check build"},
};

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

/* Sets the option id of Options from val; false after a usage message. */
static bool set_value_option(Options *o, OptId id, const char *flag, const char *val) {
    long n;
    switch (id) {
    case OPT_FORMAT:
        if (strcmp(o->command, "diff") == 0) {
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
    const char *positional[2] = {NULL, NULL};
    size_t npos = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        bool matched = false;
        for (size_t k = 0; k < sizeof value_options / sizeof value_options[0] && !matched; k++) {
            int r = take_value(argc, argv, &i, value_options[k].flag, &val);
            if (r < 0) return false;
            if (r == 0) continue;
            matched = true;
            if (!word_in(o->command, value_options[k].commands))
                return usage_error("%s applies to: %s", value_options[k].flag,
                                   value_options[k].commands),
                       false;
            if (!set_value_option(o, value_options[k].id, value_options[k].flag, val)) return false;
        }
        if (matched) continue;
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->verbosity = 0;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbosity = 2;
        } else if (strcmp(a, "--xsd") == 0) {
            o->xsd = true;
        } else if (strcmp(a, "--markdown") == 0) {
            o->markdown = true;
        } else if (strcmp(a, "--pdf") == 0) {
            if (strcmp(o->command, "build") != 0)
                return usage_error("--pdf applies to: build"), false;
            o->pdf = true;
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
    if (strcmp(o->command, "trace") == 0) {
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

/* Without --jobs: one process per CPU, at most 8. */
static long default_jobs(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : n;
}

static bool run_pipeline(Run *run, const Options *o) {
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
    LoadOptions lo = {schemas, MAX_FILE, cdx};
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
    progress(o, "checking");
    run->model.min_support_coverage = o->min_coverage;
    run->model.verdicts = check_run(&run->model, &run->diag);
    diag_sort(&run->diag);
    return true;
}

static void run_free(Run *run) {
    diag_free(&run->diag);
    arena_free(&run->arena);
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
    if (!run_pipeline(&run, o)) {
        run_free(&run);
        return EXIT_USAGE;
    }
    StrBuf sb;
    sb_init(&sb);
    report_write(&sb, &run.diag, o->format, o->dir,
                 o->verbosity == 0 && o->format == REPORT_TEXT ? SEV_ERROR : SEV_NOTE);
    fwrite(sb.data ? sb.data : "", 1, sb.len, stdout);
    fflush(stdout); /* the report before the summary, also when both go to one file */
    sb_free(&sb);
    print_summary(&run.diag, o);
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

/* Without --period, the postmarket report covers the year up to the build date. */
static const char *default_period(Arena *a, int64_t build_date) {
    char from[16], to[16];
    date_format(build_date - 364, from);
    date_format(build_date, to);
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

static int cmd_build(const Options *o) {
    const OutputDef *outputs[64];
    size_t noutputs = 0;
    if (output_count > 64 || !select_outputs(o->only, outputs, &noutputs)) return EXIT_USAGE;
    Run run;
    if (!run_pipeline(&run, o)) {
        run_free(&run);
        return EXIT_USAGE;
    }
    StrBuf sb;
    sb_init(&sb);
    report_write(&sb, &run.diag, REPORT_TEXT, o->dir, o->verbosity >= 1 ? SEV_WARNING : SEV_ERROR);
    fwrite(sb.data ? sb.data : "", 1, sb.len, stderr);
    sb_free(&sb);
    print_summary(&run.diag, o);
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
        .period = o->period ? o->period : default_period(&run.arena, run.model.build_date),
        .pdf = o->pdf,
    };
    EmitOptions eo = {.dossier_dir = o->dir, .sign_key = o->sign};
    Renderer *renderer = NULL;
    int jobs = (int)(o->jobs ? o->jobs : default_jobs());
    int rc = render_open(&run.model, &run.diag, &ro, &renderer);
    RenderJob *rj = arena_alloc(&run.arena, (noutputs + 1) * sizeof *rj);
    for (size_t i = 0; i < noutputs; i++)
        rj[i] = (RenderJob){outputs[i]->name,   outputs[i]->public,
                            outputs[i]->shards, outputs[i],
                            outputs[i]->weight, outputs[i]->finish ? finish_job : NULL};
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
        if (rc == EXIT_CLEAN && !pdf_output(pdf, &run.model, outputs[i]->name, od, first))
            rc = EXIT_USAGE;
        if (rc == EXIT_CLEAN && outputs[i]->finish && !finish_job(&fc, i)) rc = EXIT_USAGE;
    }
    if (renderer) render_close(renderer);
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

/* Prints the links of r in one direction, depth first, each record once;
 * what came from the records escaped for the terminal (scratch from a). */
static void trace_walk(Arena *a, const Record *r, bool down, int depth, const Record **seen,
                       size_t *nseen) {
    if (depth > 12) return;
    size_t n = down ? r->nout : r->nin;
    for (size_t i = 0; i < n; i++) {
        const Link *l = down ? r->out[i] : r->in[i];
        if (l->prose) continue;
        const Record *next = down ? l->to : l->from;
        bool again = false;
        for (size_t k = 0; k < *nseen; k++)
            if (seen[k] == next) again = true;
        printf("%*s%s %s  %s  (%s:%d)%s\n", depth * 2, "", link_name(l, down),
               text_printable(a, next->id), text_printable(a, next->title),
               text_printable(a, next->loc.path), next->loc.line, again ? "  [shown above]" : "");
        if (again) continue;
        seen[(*nseen)++] = next;
        trace_walk(a, next, down, depth + 1, seen, nseen);
    }
}

static int cmd_trace(const Options *o) {
    Run run;
    if (!run_pipeline(&run, o)) {
        run_free(&run);
        return EXIT_USAGE;
    }
    Arena *a = &run.arena;
    const Record *r = model_find(&run.model, o->id);
    if (!r) {
        fprintf(stderr, "dossier: no record %s in %s\n", text_printable(a, o->id),
                text_printable(a, o->dir));
        run_free(&run);
        return EXIT_USAGE;
    }
    const Record **seen = arena_alloc(a, (run.model.nrecords + 1) * sizeof *seen);
    size_t nseen = 1;
    seen[0] = r;
    printf("%s  %s  [%s]  (%s:%d)\n", text_printable(a, r->id), text_printable(a, r->title),
           text_printable(a, r->type->name), text_printable(a, r->loc.path), r->loc.line);
    printf("down:\n");
    trace_walk(a, r, true, 1, seen, &nseen);
    nseen = 1;
    printf("up:\n");
    trace_walk(a, r, false, 1, seen, &nseen);
    for (size_t i = 0; i < run.diag.n; i++) {
        const Finding *f = &run.diag.items[i];
        if (f->record && strcmp(f->record, r->id) == 0)
            printf("finding: %s: [%s] %s\n", severity_name(f->severity), f->rule,
                   text_printable(a, f->message));
    }
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
            "dossier: %s holds no dossier.xml: diff takes two dossier folders, premarket bundles "
            "(ZIP or unzipped) or build output folders\n",
            text_printable(a, dir));
    return NULL;
}

/* diff itself: tmp is the private folder ZIPs are unpacked into, or NULL
 * when neither side is a ZIP. */
static int diff_run(const Options *o, const char *tmp) {
    const char *format = o->diff_format ? o->diff_format : "text";
    Run old, new;
    Options oo = *o, no = *o;
    Arena a;
    arena_init(&a);
    oo.dir = dossier_folder(&a, o->dir, tmp, "old");
    no.dir = oo.dir ? dossier_folder(&a, o->dir2, tmp, "new") : NULL;
    if (!no.dir) oo.dir = NULL;
    bool ok_old = no.dir && run_pipeline(&old, &oo);
    bool ok_new = ok_old && run_pipeline(&new, &no);
    int rc = EXIT_USAGE;
    if (ok_new) {
        StrBuf sb;
        sb_init(&sb);
        bool changed = false;
        diff_write(&sb, &old.model, &new.model, format, o->dir, o->dir2, &changed);
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

static int cmd_diff(const Options *o) {
    const char *format = o->diff_format ? o->diff_format : "text";
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
        return usage_error("diff --format takes text, json or html, not '%s'", format);
    if (!fs_is_file(o->dir) && !fs_is_file(o->dir2)) return diff_run(o, NULL);
    /* a ZIP is unpacked into a private folder of TMPDIR (else /tmp) */
    const char *t = getenv("TMPDIR");
    size_t tl = t && t[0] == '/' ? strlen(t) : 0;
    while (tl > 1 && t[tl - 1] == '/')
        tl--;
    Arena a;
    arena_init(&a);
    char *tmp = arena_printf(&a, "%.*s/dossier-diff-XXXXXX", tl ? (int)tl : 4, tl ? t : "/tmp");
    int rc = EXIT_USAGE;
    if (!mkdtemp(tmp))
        fprintf(stderr, "dossier: cannot create a temporary folder %s: %s\n", tmp, strerror(errno));
    else
        rc = diff_in_child(o, tmp);
    arena_free(&a);
    return rc;
}

static int cmd_verify(const Options *o) {
    return bundle_verify(o->dir, o->pubkey);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("dossier %s\n", DOSSIER_VERSION);
        return EXIT_CLEAN;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return EXIT_CLEAN;
        }
    Options o = {.command = cmd};
    static const struct {
        const char *name;
        int (*fn)(const Options *);
    } commands[] = {{"check", cmd_check},   {"build", cmd_build},   {"trace", cmd_trace},
                    {"new", cmd_new},       {"schema", cmd_schema}, {"rules", cmd_rules},
                    {"verify", cmd_verify}, {"diff", cmd_diff}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0) {
            if (!parse_args(argc, argv, &o)) return EXIT_USAGE;
            return commands[i].fn(&o);
        }
    return usage_error("unknown command '%s'", cmd);
}
