/* heap.c: malloc's heap set up for the build's way of allocating. A build
 * touches a few hundred MB of fresh memory, and on a virtual machine each
 * first touch of a 4 KiB page is a fault that costs far more than on bare
 * metal (measured at 5,000 synthetic records: 109,000 faults, a quarter of
 * the build's CPU time). So the heap grows in steps of several MiB, is not
 * given back to the system while the build runs, keeps blocks of up to
 * 32 MiB in the heap rather than in mappings of their own (a mapping is
 * faulted page by page again each time), and is marked for transparent
 * huge pages as it grows, where the system allows them on request (Linux's
 * "madvise" setting): one fault per 2 MiB. glibc does the last itself only
 * when the environment asks (GLIBC_TUNABLES=glibc.malloc.hugetlb=1), so
 * heap_grown, called by the allocators that take memory in large steps
 * (the arena, the small-block pool), marks what the heap gained since.
 * Nothing here changes what is allocated, only how the system backs it.
 * Part of base/. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base.h"

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_PLAIN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_PLAIN 1
#endif
#endif
#ifndef HEAP_PLAIN
#define HEAP_PLAIN 0
#endif

enum {
    HEAP_STEP = 8 << 20,   /* the heap grows by at least this much */
    HEAP_KEEP = 64 << 20,  /* free memory at its top kept up to this */
    HEAP_MAPPED = 32 << 20 /* blocks larger than this get a mapping of their own */
};

static uintptr_t advised; /* the heap's end when last marked */

void heap_start(void) {
    if (HEAP_PLAIN) return;
    mallopt(M_TOP_PAD, HEAP_STEP);
    mallopt(M_TRIM_THRESHOLD, HEAP_KEEP);
    mallopt(M_MMAP_THRESHOLD, HEAP_MAPPED);
    heap_grown();
}

void heap_grown(void) {
#ifdef MADV_HUGEPAGE
    if (HEAP_PLAIN) return;
    uintptr_t end = (uintptr_t)sbrk(0), page = (uintptr_t)sysconf(_SC_PAGESIZE);
    if (end == (uintptr_t)-1 || end <= advised) return;
    uintptr_t from = (advised ? advised : end) & ~(page - 1);
    if (from == end) from = end - page;
    /* only a hint: where the system refuses, pages stay 4 KiB */
    (void)madvise((void *)from, end - from, MADV_HUGEPAGE);
    advised = end;
#endif
}
