/* threads.c: one loop over independent items, run by several threads at
 * once, for the C steps whose items share nothing (each ZIP entry
 * deflated, each file hashed). Each item is done by exactly one thread and
 * what it writes is that item's own, so the result is the same whatever the
 * number of threads. The calling thread takes part, so a thread that cannot
 * start only leaves its items to the others. Only code that touches no
 * state of the tool's but its item's may run here: no arena, no pool, no
 * die(). Part of base/. */
#include <pthread.h>
#include <stdatomic.h>

#include "base.h"

enum { MAX_THREADS = 64 };

typedef struct Loop {
    size_t n;
    atomic_size_t next;
    void (*fn)(void *ctx, size_t i, int thread);
    void *ctx;
} Loop;

typedef struct Seat {
    Loop *loop;
    int thread;
} Seat;

static void take_items(Loop *l, int thread) {
    for (;;) {
        size_t i = atomic_fetch_add(&l->next, 1);
        if (i >= l->n) return;
        l->fn(l->ctx, i, thread);
    }
}

static void *seat_run(void *arg) {
    Seat *s = arg;
    take_items(s->loop, s->thread);
    return NULL;
}

int threads_clamp(int threads) {
    return threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
}

void threads_each(size_t n, int threads, void (*fn)(void *ctx, size_t i, int thread), void *ctx) {
    threads = threads_clamp(threads);
    if ((size_t)threads > n) threads = n ? (int)n : 1;
    Loop l = {.n = n, .fn = fn, .ctx = ctx};
    atomic_init(&l.next, 0);
    pthread_t tid[MAX_THREADS];
    Seat seat[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (int t = 1; t < threads; t++) {
        seat[t] = (Seat){&l, t};
        started[t] = pthread_create(&tid[t], NULL, seat_run, &seat[t]) == 0;
    }
    take_items(&l, 0);
    for (int t = 1; t < threads; t++)
        if (started[t]) pthread_join(tid[t], NULL);
}
