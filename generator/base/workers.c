/* workers.c: the one fork-and-merge scheme (base.h): forked copies of this
 * process, each with temporary files to send bytes back, waited for with
 * their exit status or the signal that ended them. Part of base/. */
#include <errno.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"

int workers_start(Worker *w, int n, int nfiles, WorkerFn fn, void *arg) {
    if (nfiles > WORKER_FILES) nfiles = WORKER_FILES;
    for (int k = 0; k < n; k++)
        w[k] = (Worker){0};
    fflush(NULL);
    int started = 1;
    for (int k = 1; k < n; k++) {
        bool files = true;
        for (int f = 0; f < nfiles && files; f++)
            files = (w[k].file[f] = tmpfile()) != NULL;
        if (!files) break;
        pid_t pid = fork();
        if (pid < 0) break;
        if (pid == 0) _exit(fn(k, w[k].file, arg));
        w[k].pid = (int)pid;
        started++;
    }
    return started;
}

void workers_wait(Worker *w, int started) {
    for (int k = 1; k < started; k++) {
        int status = 0;
        while (waitpid((pid_t)w[k].pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (WIFEXITED(status)) {
            w[k].status = WEXITSTATUS(status);
        } else {
            w[k].status = -1;
            w[k].signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        }
        for (int f = 0; f < WORKER_FILES; f++)
            if (w[k].file[f]) rewind(w[k].file[f]);
    }
}

void workers_close(Worker *w, int n) {
    for (int k = 1; k < n; k++)
        for (int f = 0; f < WORKER_FILES; f++)
            if (w[k].file[f]) {
                fclose(w[k].file[f]);
                w[k].file[f] = NULL;
            }
}
