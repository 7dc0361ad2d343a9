/* render.h: the render stage. One Lua 5.4 state per run, sandboxed: the
 * frozen model is built once as read-only tables, templates (text with
 * embedded Lua) are compiled once and looked up first in the dossier's
 * templates/ then in lua-templates/. An output (site, bundle, ...) is a
 * folder of templates whose main.lua decides which files to write.
 * Implemented in lua_state.c (sandbox, limits), template.c (compiler),
 * luamodel.c (the model as tables), markdown.c (cmark-gfm to safe HTML) and render.c
 * (these entry points, the output helpers). The template
 * language and the model as templates see it: docs/templates.md. */
#ifndef DOSSIER_RENDER_H
#define DOSSIER_RENDER_H

#include "../base/base.h"
#include "../model/model.h"

typedef struct RenderOptions {
    const char *user_templates;    /* <dossier>/templates, may not exist */
    const char *default_templates; /* lua-templates/ of the installation */
    const char *output;            /* output folder name: "site" */
    long instruction_budget;       /* VM instructions per output; 0 = default (2e9) */
    size_t memory_cap;             /* bytes of Lua heap; 0 = default (256 MiB) */
    size_t max_document;           /* bytes of one file write() writes; 0 = default (128 MiB) */
    size_t max_output;             /* bytes write() writes in all, over every output of
                                      the Renderer (a build); 0 = default (1 GiB) */
    const char *period;  /* build --period FROM..TO (checked), templates' `period`; NULL: "" */
    bool pdf;            /* build --pdf: the documents will also be PDFs (templates' `pdf`) */
    const char *version; /* dossier's version (templates' `dossier_version`); NULL: "" */
    bool cache; /* keep OUT/.dossier-cache and take unchanged pages from the previous build */
} RenderOptions;

/* Renders one output of m (with the findings in d) into o. Returns
 * EXIT_CLEAN, EXIT_TEMPLATE (template error: reported on stderr as
 * template-path:line: message) or EXIT_USAGE (I/O error, reported). */
int render_output(const Model *m, const Diag *d, const RenderOptions *opts, OutDir *o);

/* For several outputs in one run: the sandbox and the model tables are
 * built once by render_open, then render_run renders one output each
 * (opts->output is ignored; the instruction budget is per output). A
 * public output sees the public view of the model: internal records are
 * absent and reading an internal field is a template error (exit 3).
 * render_open returns EXIT_CLEAN with *out set, or an exit code (reported)
 * with *out NULL. After a failed render_run only render_close is allowed.
 * The Renderer keeps pointers to m, d and the option strings. */
typedef struct Renderer Renderer;
int render_open(const Model *m, const Diag *d, const RenderOptions *opts, Renderer **out);
int render_run(Renderer *r, const char *output, bool public, OutDir *o);
/* Builds the view of the model an audience sees now rather than at its
 * first output, so processes forked after it share it. Returns like
 * render_run. */
int render_prepare(Renderer *r, bool public);
/* For a process about to end: nothing freed, where freeing the Lua state
 * object by object writes to every page it holds (0.1 s at 5,000 records,
 * those pages write-protected since the fork of --jobs); the system takes
 * the memory back at exit. It stays reachable, so a leak checker counts
 * it in use, not lost. */
void render_leave(Renderer *r);
void render_close(Renderer *r);
/* The pages of the cached outputs this build made and took unchanged
 * from the previous build (render/cache.c). */
void cache_stats(const Renderer *r, size_t *made, size_t *carried);
/* Writes OUT/.dossier-cache, what the pages of the cached outputs read,
 * once after every output of the build; true without a cache. */
bool cache_write(Renderer *r, OutDir *o);

/* One output of a build for render_run_all: its templates, then the C step
 * that finishes it (packing, hashing), if any. */
typedef struct RenderJob {
    const char *output;
    bool public;
    bool shards;           /* split across the processes, page by page */
    const OutScope *scope; /* o->scope while its templates write */
    int weight;            /* its rough share of the work (0: 1), to balance the processes */
    /* The C step after the templates, in the process that rendered them
     * (never for a sharded job); false after a message on stderr. */
    bool (*finish)(void *ctx, size_t job);
    bool cache; /* its pages made again only when what they read changed (render/cache.c) */
} RenderJob;

/* Renders every job with up to nprocs processes at once (fork): a sharded
 * job is split across the processes dealt no heavy job (weight over 1), or
 * across all when each has one; every other job runs whole, templates
 * and finish, in one process (the heaviest first, each to the least loaded
 * process; this one counts a share more, as it gathers the rest), so the outputs of a build
 * overlap. The same files and bytes whatever nprocs; each process keeps the
 * output limits for what it writes and the files of all must keep them
 * together. A child's messages reach stderr in process order. Returns the
 * first failure (as render_run) or EXIT_CLEAN. */
int render_run_all(Renderer *r, const RenderJob *jobs, size_t n, OutDir *o, int nprocs, void *ctx);

#endif
