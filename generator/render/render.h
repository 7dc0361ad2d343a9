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
#include "../emit/emit.h"
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
    const char *period;            /* build --period FROM..TO (checked), templates' `period`; NULL: "" */
    bool pdf;                      /* build --pdf: the documents will also be PDFs (templates' `pdf`) */
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
void render_close(Renderer *r);

/* shard.c: render_run with jobs processes (fork): this one and jobs - 1
 * children, each writing the paths of its shard (this_shard() in the
 * templates). The same files and bytes as one process. A child's messages
 * reach stderr in shard order, the first failure's only; the files the
 * children wrote are added to o. Returns like render_run. */
int render_run_jobs(Renderer *r, const char *output, bool public, OutDir *o, int jobs);

#endif
