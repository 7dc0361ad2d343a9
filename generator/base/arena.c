/* arena.c: the bump allocator that owns the model, and heap helpers that
 * abort on out of memory. Part of base/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

struct ArenaBlock {
    ArenaBlock *next;
    size_t used, cap;
    max_align_t data[]; /* aligned payload */
};

enum { ARENA_BLOCK = 64 * 1024 };

void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("dossier: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory (%zu bytes)", n);
    return p;
}

void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) die("out of memory (%zu bytes)", n);
    return p;
}

char *xstrdup(const char *s) {
    size_t n = strlen(s);
    char *p = xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

void arena_init(Arena *a) {
    a->head = NULL;
    a->total = 0;
}

/* Frees the chain of blocks from b on. */
static void free_blocks(ArenaBlock *b) {
    while (b) {
        ArenaBlock *next = b->next;
        free(b);
        b = next;
    }
}

void arena_free(Arena *a) {
    free_blocks(a->head);
    a->head = NULL;
    a->total = 0;
}

/* size bytes aligned to align (a power of two) from the current block, or
 * a new one. Large requests get a block of their own, placed behind the
 * current one so that the current one keeps serving small requests. */
static void *bump(Arena *a, size_t size, size_t align) {
    ArenaBlock *b = a->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at > b->cap || b->cap - at < size) {
        size_t cap = size > ARENA_BLOCK / 2 ? size : ARENA_BLOCK;
        b = xmalloc(sizeof(ArenaBlock) + cap);
        heap_grown();
        b->used = 0;
        b->cap = cap;
        if (size > ARENA_BLOCK / 2 && a->head) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
        at = 0;
    }
    b->used = at + size;
    a->total += size;
    return (char *)b->data + at;
}

void arena_reset(Arena *a) {
    ArenaBlock *keep = a->head;
    if (!keep) return;
    free_blocks(keep->next);
    keep->next = NULL;
    keep->used = 0;
    a->total = 0;
}

void *arena_alloc(Arena *a, size_t size) {
    /* aligned for any object (its alignment, not its size: 16 bytes, not 32) */
    if (size == 0) size = 1;
    void *p = bump(a, size, _Alignof(max_align_t));
    memset(p, 0, size);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
    /* strings need no alignment: packed, a short one costs its length */
    char *p = bump(a, n + 1, 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(Arena *a, const char *s) {
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(Arena *a, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) die("bad format string");
    char *p = bump(a, (size_t)n + 1, 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void *arena_grow(Arena *a, void *old, size_t oldcap, size_t newcap, size_t itemsize) {
    void *p = arena_alloc(a, newcap * itemsize);
    if (old && oldcap) memcpy(p, old, oldcap * itemsize);
    return p;
}
