/* shard.c: the outputs of a build rendered by several processes (build
 * --jobs). After the model and the Lua state are built, jobs - 1 children
 * are forked; each renders the outputs dealt to it whole, and its shard of
 * a sharded output (the site), where write() keeps only the paths whose
 * hash falls in its shard (render_in_shard). A child sends back the files
 * it wrote (job, size and path, NUL-terminated, in a temporary file) and
 * its messages (its stderr, another temporary file); the parent adds the
 * files to the output folder and shows the messages in process order. Processes, not threads: a
 * child has its own copy of everything, so nothing of the render stage needs to be thread-safe.
 * Part of render/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "renderer.h"

enum { MAX_JOBS = 64 };

/* The files of a child (Worker.file): its stderr; the files it wrote,
 * "job\tsize\tpath\0" each; what its cached pages read (cache.c). */
enum { F_ERR, F_FILES, F_CACHE };

/* What a child needs to render its share. */
typedef struct Share {
    Renderer *r;
    const RenderJob *jobs;
    size_t n;
    int *proc, *shard, nshards;
    OutDir *o;
    void *ctx;
    size_t **owner, *cap;
    bool caching;
} Share;

/* The child's stderr, copied to ours. */
static void show(FILE *f) {
    char buf[4096];
    size_t n;
    rewind(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, stderr);
}

/* The path of the main.lua of an output, for a message; the name if none. */
static const char *main_lua(const Renderer *r, const char *output) {
    size_t nlen = strlen(output);
    for (size_t i = 0; i < r->nchunks; i++) {
        const char *name = r->chunks[i].name;
        if (strncmp(name, output, nlen) == 0 && strcmp(name + nlen, "/main.lua") == 0)
            return r->chunks[i].path;
    }
    return output;
}

/* ---- every output of a build at once ------------------------------------------ */

/* Deals the non-sharded jobs to the processes: the heaviest first (ties in
 * job order), each to the least loaded process (ties: the lowest number);
 * this one (0) starts a share behind, as it also gathers the others'
 * files. proc[i] gets the process of job i; the same for the same jobs. */
static void deal(const RenderJob *jobs, size_t n, int nprocs, int *proc) {
    long load[MAX_JOBS] = {0};
    load[0] = 1;
    bool *done = xmalloc((n + 1) * sizeof *done);
    memset(done, 0, (n + 1) * sizeof *done);
    for (size_t i = 0; i < n; i++)
        proc[i] = 0;
    for (;;) {
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            if (done[i] || jobs[i].shards) continue;
            int w = jobs[i].weight > 0 ? jobs[i].weight : 1,
                bw = best < n && jobs[best].weight > 0 ? jobs[best].weight : 1;
            if (best == n || w > bw) best = i;
        }
        if (best == n) break;
        int p = 0;
        for (int k = 1; k < nprocs; k++)
            if (load[k] < load[p]) p = k;
        proc[best] = p;
        load[p] += jobs[best].weight > 0 ? jobs[best].weight : 1;
        done[best] = true;
    }
    free(done);
}

/* Runs the share of process p: its shard of every sharded job, and the
 * jobs it owns whole. owner[] gets the job of every file it writes (by
 * index in o->files, from `from`); the first failure is returned. */
/* Which processes share the sharded jobs: those dealt no heavy job (weight
 * over 1), or all when every one has one. shard[p] gets process p's shard
 * number, -1 for none; returns the number of shards. */
static int split(const RenderJob *jobs, size_t n, const int *proc, int nprocs, int *shard) {
    bool heavy[MAX_JOBS] = {false};
    for (size_t i = 0; i < n; i++)
        if (!jobs[i].shards && jobs[i].weight > 1) heavy[proc[i]] = true;
    int light = 0;
    for (int p = 0; p < nprocs; p++)
        light += !heavy[p];
    int k = 0;
    for (int p = 0; p < nprocs; p++)
        shard[p] = light == 0 || !heavy[p] ? k++ : -1;
    return k;
}

static int run_share(Renderer *r, const RenderJob *jobs, size_t n, const int *proc,
                     const int *shard, int nshards, OutDir *o, int p, void *ctx, size_t **owner,
                     size_t *cap) {
    int rc = EXIT_CLEAN;
    for (size_t i = 0; i < n && rc == EXIT_CLEAN; i++) {
        if (jobs[i].shards ? shard[p] < 0 : proc[i] != p) continue;
        size_t start = o->nfiles;
        o->scope = jobs[i].scope;
        r->shard = jobs[i].shards ? shard[p] : 0;
        r->nshards = jobs[i].shards ? nshards : 1;
        r->cache_run = jobs[i].cache;
        rc = render_run(r, jobs[i].output, jobs[i].public, o);
        r->cache_run = false;
        r->shard = 0;
        r->nshards = 1;
        o->scope = NULL; /* the C step that finishes an output is the tool's own */
        if (rc == EXIT_CLEAN && jobs[i].finish && !jobs[i].finish(ctx, i)) rc = EXIT_USAGE;
        if (o->nfiles > *cap) {
            *cap = o->nfiles * 2;
            *owner = xrealloc(*owner, *cap * sizeof **owner);
        }
        for (size_t f = start; f < o->nfiles; f++)
            (*owner)[f] = i;
    }
    return rc;
}

/* Adds the files a child wrote ("job\tsize\tpath\0" each) to o, their
 * jobs to owner and their sizes to *total; false after a message. */
static bool adopt_jobs(OutDir *o, FILE *f, size_t n, size_t **owner, size_t *cap, size_t *total,
                       size_t *bytes) {
    rewind(f);
    StrBuf sb;
    sb_init(&sb);
    bool ok = true;
    int ch;
    while (ok && (ch = fgetc(f)) != EOF) {
        sb.len = 0;
        for (; ch != EOF && ch != 0; ch = fgetc(f))
            sb_putc(&sb, (char)ch);
        sb_putc(&sb, 0);
        char *tab1 = strchr(sb.data, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        size_t job = (size_t)strtoull(sb.data, NULL, 10);
        if (ch == EOF || !tab2 || job >= n) {
            fprintf(stderr, "dossier: a rendering process sent a broken file list\n");
            ok = false;
            break;
        }
        size_t size = (size_t)strtoull(tab1 + 1, NULL, 10);
        *total += size;
        bytes[job] += size;
        if (!(ok = outdir_adopt(o, tab2 + 1, size))) break;
        if (o->nfiles > *cap) {
            *cap = o->nfiles * 2;
            *owner = xrealloc(*owner, *cap * sizeof **owner);
        }
        (*owner)[o->nfiles - 1] = job;
    }
    sb_free(&sb);
    return ok;
}

/* A child's share: its stderr into its file, its outputs rendered, then
 * the files it wrote and what its cached pages read sent back. */
static int render_share(int k, void **files, void *arg) {
    Share *sh = arg;
    FILE *err = files[F_ERR], *list = files[F_FILES], *cache = files[F_CACHE];
    if (dup2(fileno(err), STDERR_FILENO) < 0) return EXIT_USAGE;
    pool_forked(&sh->r->pool);
    sh->r->forked = true;
    size_t mine = sh->o->nfiles;
    int rc = run_share(sh->r, sh->jobs, sh->n, sh->proc, sh->shard, sh->nshards, sh->o, k, sh->ctx,
                       sh->owner, sh->cap);
    if (rc == EXIT_CLEAN) {
        for (size_t f = mine; f < sh->o->nfiles; f++)
            fprintf(list, "%zu\t%zu\t%s%c", (*sh->owner)[f], sh->o->files[f].size,
                    sh->o->files[f].path, 0);
        if (sh->caching) cache_send(sh->r, cache);
        if (fflush(list) != 0 || fflush(cache) != 0) rc = EXIT_USAGE;
    }
    fflush(stderr);
    return rc; /* the parent owns the output folder: no atexit handler runs */
}

int render_run_all(Renderer *r, const RenderJob *jobs, size_t n, OutDir *o, int nprocs, void *ctx) {
    if (nprocs > MAX_JOBS) nprocs = MAX_JOBS;
    if (nprocs < 1) nprocs = 1;
    size_t base = o->nfiles, cap = o->nfiles + 256;
    size_t *owner = xmalloc(cap * sizeof *owner);
    for (size_t f = 0; f < base; f++)
        owner[f] = 0; /* written before: counted with the first job */
    int *proc = xmalloc((n + 1) * sizeof *proc), shard[MAX_JOBS];
    deal(jobs, n, nprocs, proc);
    int nshards = split(jobs, n, proc, nprocs, shard);
    bool caching = false;
    for (size_t i = 0; i < n; i++)
        caching = caching || jobs[i].cache;
    if (caching) caching = cache_open(r, o);
    /* a view of the model that more than one process needs is built once,
     * before the fork, and shared; one that a single process needs is
     * built by that process (luamodel_select), at the same time as the
     * others work, instead of before they start */
    bool need[MAX_JOBS][2] = {{false}};
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < nprocs; p++)
            if (jobs[i].shards ? shard[p] >= 0 : proc[i] == p) need[p][jobs[i].public] = true;
    for (int v = 0; v < 2 && nprocs > 1; v++) {
        int users = 0;
        for (int p = 0; p < nprocs; p++)
            users += need[p][v];
        if (users > 1) {
            int prc = render_prepare(r, v == 1);
            if (prc != EXIT_CLEAN) {
                free(owner);
                free(proc);
                return prc;
            }
        }
    }
    if (nprocs > 1) sandbox_settle(r->L);
    Share sh = {r, jobs, n, proc, shard, nshards, o, ctx, &owner, &cap, caching};
    Worker kids[MAX_JOBS];
    int started = workers_start(kids, nprocs, 3, render_share, &sh);
    /* A process that could not start leaves its share to this one: with
     * fewer processes the shares are dealt again, the bytes the same. */
    int procs = started;
    int rc = EXIT_CLEAN;
    if (procs > 1) {
        pool_forked(&r->pool);
        r->forked = true;
    }

    if (procs < nprocs) {
        /* the children that started render for nprocs processes; what the
         * missing ones would have done is done here, share by share */
        for (int p = 0; p < nprocs && rc == EXIT_CLEAN; p++)
            if (p == 0 || p >= procs)
                rc = run_share(r, jobs, n, proc, shard, nshards, o, p, ctx, &owner, &cap);
    } else {
        rc = run_share(r, jobs, n, proc, shard, nshards, o, 0, ctx, &owner, &cap);
    }
    workers_wait(kids, procs);
    for (int k = 1; k < procs; k++)
        if (kids[k].status < 0) {
            fseek(kids[k].file[F_ERR], 0, SEEK_END);
            fprintf(kids[k].file[F_ERR], "dossier: rendering process %d ended by signal %d\n",
                    k + 1, kids[k].signal);
            kids[k].status = EXIT_USAGE;
        }
    for (int k = 1; k < procs; k++) {
        if (rc == EXIT_CLEAN || kids[k].status == EXIT_CLEAN) show(kids[k].file[F_ERR]);
        if (rc == EXIT_CLEAN && kids[k].status != EXIT_CLEAN) rc = kids[k].status;
    }
    size_t theirs = 0;
    size_t *bytes = xmalloc((n + 1) * sizeof *bytes);
    memset(bytes, 0, (n + 1) * sizeof *bytes);
    for (int k = 1; k < procs && rc == EXIT_CLEAN; k++)
        if (!adopt_jobs(o, kids[k].file[F_FILES], n, &owner, &cap, &theirs, bytes) ||
            (caching && !cache_receive(r, kids[k].file[F_CACHE])))
            rc = EXIT_USAGE;
    if (rc == EXIT_CLEAN && theirs > r->max_output - r->written) {
        /* no one process passed it: name the main.lua of the output the others wrote most of */
        size_t most = 0;
        for (size_t i = 1; i < n; i++)
            if (bytes[i] > bytes[most]) most = i;
        fprintf(stderr,
                "%s: error: the files the templates of this build wrote come to more than %zu MiB "
                "(build --max-output MIB)\n",
                n ? main_lua(r, jobs[most].output) : "dossier", r->max_output >> 20);
        rc = EXIT_TEMPLATE;
    }
    free(bytes);
    if (rc == EXIT_CLEAN) r->written += theirs;
    workers_close(kids, nprocs);
    free(owner);
    free(proc);
    return rc;
}
