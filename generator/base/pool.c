/* pool.c: a small-block allocator for the libraries that allocate most and
 * in the smallest pieces: Lua (its allocator is told each block's size) and
 * cmark-gfm (pool_mem_*: a header keeps the size). Blocks up to
 * POOL_MAX_SMALL bytes come from 64 KiB slabs in size classes of 16 bytes;
 * a freed block goes on its class's free list and is used again. Larger
 * blocks are malloc's. Nothing is returned to the system before
 * pool_destroy. Not for threads: one pool, one thread.
 *
 * Under AddressSanitizer every block is malloc's, so the sanitizer still
 * sees each one. Part of base/. */
#include <stdlib.h>
#include <string.h>

#include "base.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_PASS_THROUGH 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_PASS_THROUGH 1
#endif
#endif
#ifndef POOL_PASS_THROUGH
#define POOL_PASS_THROUGH 0
#endif

enum { SLAB_SIZE = 64 * 1024, CLASS_STEP = 16 };

static size_t class_of(size_t n) {
    return (n + CLASS_STEP - 1) / CLASS_STEP - 1;
}

/* A fresh block of class c (size (c + 1) * 16), or NULL when out of memory. */
static void *carve(Pool *p, size_t c) {
    size_t size = (c + 1) * CLASS_STEP;
    if ((size_t)(p->end - p->cur) < size) {
        if (p->nslabs == p->slab_cap) {
            size_t cap = p->slab_cap ? p->slab_cap * 2 : 16;
            void **slabs = realloc(p->slabs, cap * sizeof *slabs);
            if (!slabs) return NULL;
            p->slabs = slabs;
            p->slab_cap = cap;
        }
        char *slab = malloc(SLAB_SIZE);
        if (!slab) return NULL;
        heap_grown();
        p->slabs[p->nslabs++] = slab;
        p->cur = slab;
        p->end = slab + SLAB_SIZE;
    }
    void *b = p->cur;
    p->cur += size;
    return b;
}

void *pool_alloc(Pool *p, size_t n) {
    if (POOL_PASS_THROUGH || n == 0 || n > POOL_MAX_SMALL) return malloc(n ? n : 1);
    size_t c = class_of(n);
    void *b = p->free[c];
    if (b) {
        p->free[c] = *(void **)b;
        return b;
    }
    return carve(p, c);
}

void pool_free(Pool *p, void *b, size_t n) {
    if (!b) return;
    if (POOL_PASS_THROUGH || n == 0 || n > POOL_MAX_SMALL) {
        free(b);
        return;
    }
    size_t c = class_of(n);
    *(void **)b = p->free[c];
    p->free[c] = b;
}

void *pool_realloc(Pool *p, void *b, size_t old, size_t n) {
    if (!b) return pool_alloc(p, n);
    if (n == 0) {
        pool_free(p, b, old);
        return NULL;
    }
    bool small_old = !POOL_PASS_THROUGH && old <= POOL_MAX_SMALL;
    bool small_new = !POOL_PASS_THROUGH && n <= POOL_MAX_SMALL;
    if (!small_old && !small_new) return realloc(b, n);
    if (small_old && small_new && class_of(old) == class_of(n)) return b;
    void *nb = pool_alloc(p, n);
    if (!nb) return NULL;
    memcpy(nb, b, old < n ? old : n);
    pool_free(p, b, old);
    return nb;
}

void pool_forked(Pool *p) {
    memset(p->free, 0, sizeof p->free);
    p->cur = p->end = NULL;
}

void pool_destroy(Pool *p) {
    for (size_t i = 0; i < p->nslabs; i++)
        free(p->slabs[i]);
    free(p->slabs);
    memset(p, 0, sizeof *p);
}
