/* whitepaper.c: splits whitepaper.md into Markdown runs and directive
 * lines ({{controls category=cryptography}}), with lines and columns for
 * the findings. Part of model/: the load stage parses, the check stage and
 * the render stage both use the parsed form (m->whitepaper). */
#include <stdlib.h>
#include <string.h>

#include "whitepaper.h"

const WhitepaperDirective whitepaper_directives[] = {
    {"controls",
     {"category", NULL},
     "The controls (of one FDA category, or all by category): statement and status."},
    {"logging", {NULL}, "The logging controls: what the device records and where it goes."},
    {"interfaces",
     {"asset", NULL},
     "Interfaces of the assets (or of one asset): protocols, ports, authentication."},
    {"sbom",
     {NULL},
     "SBOM summary: components, suppliers, level of support and end-of-support dates."},
    {"updates",
     {NULL},
     "Update process and cadence from the releases: versions, dates, kinds, deployment."},
    {"end-of-support", {NULL}, "End-of-support dates of the releases and the components."},
    {"cvd", {NULL}, "How to report a vulnerability: the PSIRT contact and the CVD policy."},
    {"record", {"id", NULL}, "One record by ID: its title and prose (a control's statement)."},
    {NULL, {NULL}, NULL},
};

const WhitepaperDirective *whitepaper_directive(const char *name) {
    for (const WhitepaperDirective *d = whitepaper_directives; d->name; d++)
        if (strcmp(d->name, name) == 0) return d;
    return NULL;
}

const char *whitepaper_option(const WhitepaperBlock *b, const char *key) {
    for (size_t i = 0; i < b->noptions; i++)
        if (strcmp(b->options[i].key, key) == 0) return b->options[i].value;
    return NULL;
}

static bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

static bool is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* Parses the inside of {{ }} (s, n bytes, starting at column col) into b. */
static void parse_directive(Arena *a, const char *s, size_t n, int col, WhitepaperBlock *b) {
    size_t i = 0, cap = 0;
    while (i < n && is_blank(s[i]))
        i++;
    size_t start = i;
    while (i < n && is_word(s[i]))
        i++;
    if (i == start) {
        b->syntax_error = "a directive starts with its name: {{controls category=cryptography}}";
        b->directive = "";
        return;
    }
    b->directive = arena_strndup(a, s + start, i - start);
    for (;;) {
        while (i < n && is_blank(s[i]))
            i++;
        if (i >= n) return;
        size_t k = i;
        while (i < n && is_word(s[i]))
            i++;
        if (i == k || i >= n || s[i] != '=') {
            b->syntax_error = "options are key=value or key=\"several words\"";
            return;
        }
        const char *key = arena_strndup(a, s + k, i - k);
        i++;
        size_t v = i, vlen;
        if (i < n && s[i] == '"') {
            const char *close = memchr(s + i + 1, '"', n - i - 1);
            if (!close) {
                b->syntax_error = "a quoted value has no closing quote";
                return;
            }
            v = i + 1;
            vlen = (size_t)(close - (s + v));
            i = (size_t)(close - s) + 1;
        } else {
            while (i < n && !is_blank(s[i]))
                i++;
            vlen = i - v;
        }
        if (b->noptions == cap) {
            b->options = arena_grow(a, b->options, cap, cap ? cap * 2 : 4, sizeof *b->options);
            cap = cap ? cap * 2 : 4;
        }
        b->options[b->noptions++] =
            (WhitepaperOption){key, arena_strndup(a, s + v, vlen), col + (int)k};
    }
}

void whitepaper_parse(Arena *a, const char *text, size_t len, Whitepaper *out) {
    size_t cap = 0;
    out->blocks = NULL;
    out->nblocks = 0;
    const char *p = text, *end = text + len, *run = text;
    int line = 1, run_line = 1;
    char fence = 0;
    size_t fence_len = 0;
#define PUSH(blk)                                                                                  \
    do {                                                                                           \
        if (out->nblocks == cap) {                                                                 \
            out->blocks = arena_grow(a, out->blocks, cap, cap ? cap * 2 : 8, sizeof *out->blocks); \
            cap = cap ? cap * 2 : 8;                                                               \
        }                                                                                          \
        out->blocks[out->nblocks++] = (blk);                                                       \
    } while (0)
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        size_t n = (size_t)((eol ? eol : end) - p);
        if (n && p[n - 1] == '\r') n--;
        size_t i = 0;
        while (i < n && i < 4 && p[i] == ' ')
            i++;
        if (i < 4 && i + 3 <= n &&
            (p[i] == '`' || p[i] == '~')) { /* a code fence opens or closes */
            size_t k = i;
            while (k < n && p[k] == p[i])
                k++;
            if (k - i >= 3) {
                if (!fence) {
                    fence = p[i];
                    fence_len = k - i;
                } else if (p[i] == fence && k - i >= fence_len) {
                    fence = 0;
                }
            }
        } else if (!fence) {
            size_t s = 0, e = n;
            while (s < n && is_blank(p[s]))
                s++;
            while (e > s && is_blank(p[e - 1]))
                e--;
            if (e - s >= 4 && p[s] == '{' && p[s + 1] == '{' && p[e - 1] == '}' &&
                p[e - 2] == '}') {
                if (p > run)
                    PUSH(((WhitepaperBlock){
                        .line = run_line, .markdown = run, .len = (size_t)(p - run)}));
                WhitepaperBlock b = {.line = line};
                parse_directive(a, p + s + 2, e - s - 4, (int)s + 3, &b);
                PUSH(b);
                run = next;
                run_line = line + 1;
            }
        }
        p = next;
        line++;
    }
    if (end > run)
        PUSH(((WhitepaperBlock){.line = run_line, .markdown = run, .len = (size_t)(end - run)}));
#undef PUSH
}
