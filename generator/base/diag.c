/* diag.c: the one sink for findings from every stage, and their order.
 * Part of base/. */
#include <stdlib.h>
#include <string.h>

#include "base.h"

void diag_init(Diag *d) {
    memset(d, 0, sizeof *d);
    arena_init(&d->arena);
}

void diag_free(Diag *d) {
    free(d->items);
    arena_free(&d->arena);
    memset(d, 0, sizeof *d);
}

void diag_vadd(Diag *d, Severity sev, SrcLoc loc, const char *rule, const char *record,
               const char *fmt, va_list ap) {
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->items = xrealloc(d->items, d->cap * sizeof *d->items);
    }
    StrBuf sb;
    sb_init(&sb);
    sb_vprintf(&sb, fmt, ap);
    Finding *f = &d->items[d->n++];
    f->loc.path = loc.path ? arena_strdup(&d->arena, loc.path) : NULL;
    f->loc.line = loc.line;
    f->loc.col = loc.col;
    f->severity = sev;
    f->rule = arena_strdup(&d->arena, rule);
    f->record = record ? arena_strdup(&d->arena, record) : NULL;
    f->message = arena_strndup(&d->arena, sb.data, sb.len);
    sb_free(&sb);
}

size_t diag_count(const Diag *d, Severity at_least) {
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].severity >= at_least) n++;
    return n;
}

static int strcmp_null(const char *a, const char *b) {
    if (!a || !b) return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int finding_cmp(const void *pa, const void *pb) {
    const Finding *a = pa, *b = pb;
    int c = strcmp_null(a->loc.path, b->loc.path);
    if (c) return c;
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col) return a->loc.col < b->loc.col ? -1 : 1;
    if ((c = strcmp(a->rule, b->rule))) return c;
    return strcmp(a->message, b->message);
}

void diag_sort(Diag *d) {
    if (d->n > 1) qsort(d->items, d->n, sizeof *d->items, finding_cmp);
}

const char *severity_name(Severity s) {
    switch (s) {
    case SEV_NOTE:
        return "note";
    case SEV_WARNING:
        return "warning";
    case SEV_ERROR:
        return "error";
    case SEV_NONE:
        return "none";
    }
    return "?";
}

bool severity_parse(const char *s, Severity *out) {
    static const Severity all[] = {SEV_NOTE, SEV_WARNING, SEV_ERROR, SEV_NONE};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(s, severity_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}
