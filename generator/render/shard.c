/* shard.c: one output rendered by several processes (build --jobs). After
 * the model and the Lua state are built, jobs - 1 children are forked; each
 * process renders the output with its shard number, and write() keeps only
 * the paths whose hash falls in its shard (render_in_shard). A child sends
 * back the files it wrote (size and path, NUL-terminated, in a temporary
 * file) and its messages (its stderr, another temporary file); the parent
 * adds the files to the output folder and shows the messages in shard
 * order. Processes, not threads: a child has its own copy of everything,
 * so nothing of the render stage needs to be thread-safe. Part of render/. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "renderer.h"

enum { MAX_JOBS = 64 };

typedef struct Child {
    pid_t pid;
    FILE *err;   /* the child's stderr */
    FILE *files; /* "size\tpath\0" per file the child wrote */
    int rc;
} Child;

/* In the child: renders shard k, reports the files, never returns. */
static void child_run(Renderer *r, const char *output, bool public, OutDir *o, Child *c, int k, int jobs) {
    if (dup2(fileno(c->err), STDERR_FILENO) < 0) _exit(EXIT_USAGE);
    r->shard = k;
    r->nshards = jobs;
    size_t first = o->nfiles;
    int rc = render_run(r, output, public, o);
    if (rc == EXIT_CLEAN) {
        for (size_t i = first; i < o->nfiles; i++)
            fprintf(c->files, "%zu\t%s%c", o->files[i].size, o->files[i].path, 0);
        if (fflush(c->files) != 0) rc = EXIT_USAGE;
    }
    fflush(stderr);
    _exit(rc); /* no atexit handlers: the parent owns the output folder */
}

/* The child's stderr, copied to ours. */
static void show(FILE *f) {
    char buf[4096];
    size_t n;
    rewind(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stderr);
}

/* Adds the files a child wrote to o and their sizes to *total; false
 * after a message. */
static bool adopt(OutDir *o, FILE *f, size_t *total) {
    rewind(f);
    StrBuf sb;
    sb_init(&sb);
    bool ok = true;
    int ch;
    while (ok && (ch = fgetc(f)) != EOF) {
        sb.len = 0;
        for (; ch != EOF && ch != 0; ch = fgetc(f)) sb_putc(&sb, (char)ch);
        sb_putc(&sb, 0);
        char *tab = strchr(sb.data, '\t');
        if (ch == EOF || !tab) {
            fprintf(stderr, "dossier: a rendering process sent a broken file list\n");
            ok = false;
            break;
        }
        *tab = 0;
        size_t size = (size_t)strtoull(sb.data, NULL, 10);
        *total += size;
        ok = outdir_adopt(o, tab + 1, size);
    }
    sb_free(&sb);
    return ok;
}

int render_run_jobs(Renderer *r, const char *output, bool public, OutDir *o, int jobs) {
    if (jobs > MAX_JOBS) jobs = MAX_JOBS;
    if (jobs <= 1) return render_run(r, output, public, o);
    Child kids[MAX_JOBS] = {{0}};
    int started = 1;
    fflush(NULL); /* nothing buffered is written twice */
    for (int k = 1; k < jobs; k++) {
        Child *c = &kids[k];
        c->err = tmpfile();
        c->files = tmpfile();
        if (!c->err || !c->files) break;
        c->pid = fork();
        if (c->pid < 0) break;
        if (c->pid == 0) child_run(r, output, public, o, c, k, jobs);
        started++;
    }
    /* A shard whose process could not start is rendered here too, after
     * shard 0, each in a run of its own over the same Lua state. */
    for (int k = started; k < jobs; k++) {
        if (kids[k].err) fclose(kids[k].err);
        if (kids[k].files) fclose(kids[k].files);
        kids[k] = (Child){0};
    }
    r->nshards = jobs;
    int rc = EXIT_CLEAN;
    for (int k = 0; k < jobs && rc == EXIT_CLEAN; k++) {
        if (k > 0 && k < started) continue;
        r->shard = k;
        rc = render_run(r, output, public, o);
    }
    r->shard = 0;
    r->nshards = 1;
    jobs = started; /* the children to wait for */
    for (int k = 1; k < jobs; k++) {
        int status = 0;
        while (waitpid(kids[k].pid, &status, 0) < 0 && errno == EINTR) {}
        if (WIFEXITED(status)) {
            kids[k].rc = WEXITSTATUS(status);
        } else {
            kids[k].rc = EXIT_USAGE;
            fprintf(kids[k].err, "dossier: the process rendering part %d of %s ended by signal %d\n", k + 1,
                    output, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        }
    }
    /* The first failure is the one reported, in shard order; the others
     * usually say the same of the same template. */
    for (int k = 1; k < jobs; k++) {
        if (rc == EXIT_CLEAN || kids[k].rc == EXIT_CLEAN) show(kids[k].err);
        if (rc == EXIT_CLEAN && kids[k].rc != EXIT_CLEAN) rc = kids[k].rc;
    }
    size_t theirs = 0;
    for (int k = 1; k < jobs && rc == EXIT_CLEAN; k++)
        if (!adopt(o, kids[k].files, &theirs)) rc = EXIT_USAGE;
    /* each process kept to the limit with what it wrote itself; together
     * they may not pass it either */
    if (rc == EXIT_CLEAN && theirs > r->max_output - r->written) {
        /* no one write passed it: the output's main.lua wrote the files */
        const char *main_lua = output;
        size_t nlen = strlen(output);
        for (size_t i = 0; i < r->nchunks; i++) {
            const char *name = r->chunks[i].name;
            if (strncmp(name, output, nlen) == 0 && strcmp(name + nlen, "/main.lua") == 0) main_lua = r->chunks[i].path;
        }
        fprintf(stderr, "%s: error: the files the templates of this build wrote come to more than %zu MiB "
                        "(build --max-output MIB)\n", main_lua, r->max_output >> 20);
        rc = EXIT_TEMPLATE;
    }
    if (rc == EXIT_CLEAN) r->written += theirs;
    for (int k = 1; k < jobs; k++) {
        fclose(kids[k].err);
        fclose(kids[k].files);
    }
    return rc;
}
