/* whitepaper.h: whitepaper.md of a dossier, prose written by people with
 * directives that pull data from the model. A directive is a line of its
 * own, outside fenced code: {{name key=value key="two words"}}. The text
 * between directives stays Markdown. Implemented in whitepaper.c; parsed
 * once by the load stage (load/dossier.c, into m->whitepaper), checked by
 * check/rules_advisory.c, rendered by lua-templates/whitepaper/. */
#ifndef DOSSIER_WHITEPAPER_H
#define DOSSIER_WHITEPAPER_H

#include "model.h"

typedef struct WhitepaperOption {
    const char *key, *value;
    int col; /* 1-based column of the key */
} WhitepaperOption;

/* A run of Markdown (directive NULL) or one directive. Arena-owned. */
typedef struct WhitepaperBlock {
    int line;             /* 1-based line it starts on */
    const char *markdown; /* the Markdown text, when not a directive */
    size_t len;
    const char *directive; /* the directive's name */
    WhitepaperOption *options;
    size_t noptions;
    const char *syntax_error; /* a malformed directive: why, else NULL */
} WhitepaperBlock;

typedef struct Whitepaper {
    const char *path; /* "whitepaper.md", relative to the dossier */
    WhitepaperBlock *blocks;
    size_t nblocks;
} Whitepaper;

/* The directives a whitepaper may use, with their options; NULL-terminated. */
typedef struct WhitepaperDirective {
    const char *name;
    const char *options[4]; /* allowed option keys, NULL-terminated */
    const char *doc;
} WhitepaperDirective;
extern const WhitepaperDirective whitepaper_directives[];

/* Splits text into blocks (arena-owned; Markdown runs point into text,
 * which must live as long). Never fails: a malformed directive becomes a
 * block with syntax_error set. */
void whitepaper_parse(Arena *a, const char *text, size_t len, Whitepaper *out);
/* The definition of a directive name, or NULL. */
const WhitepaperDirective *whitepaper_directive(const char *name);
/* The value of option key in b, or NULL. */
const char *whitepaper_option(const WhitepaperBlock *b, const char *key);

#endif
