/* json.c: JSON documents as located values. jansson parses; it keeps no
 * positions, so a locator walks the text beside the parsed tree and gives
 * every key and string its line and column. Every JSON reader of the load
 * stage (SBOMs, VEX, scanner reports, threat models) reads through it.
 * Part of load/. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "load.h"

/* ---- JSON: jansson parses, a locator finds each key's line ---------------- */

/* jansson keeps no positions. Walking the parsed tree in document order
 * (jansson keeps object keys in insertion order), the locator finds each
 * key as the next "key": in the text, and each string in an array as the
 * next "string": a quote inside a JSON string is always escaped, so the
 * pattern cannot match inside one. A key written with escapes is not found;
 * from there on values keep the last line found. */
typedef struct Locator {
    const char *path, *pos, *end, *line_start;
    int line;
    bool lost;
} Locator;

static void locator_move(Locator *l, const char *to) {
    for (const char *p = l->pos; p < to;) {
        const char *nl = memchr(p, '\n', (size_t)(to - p));
        if (!nl) break;
        l->line++;
        l->line_start = nl + 1;
        p = nl + 1;
    }
    l->pos = to;
}

static SrcLoc locator_here(const Locator *l) {
    return (SrcLoc){l->path, l->line, (int)(l->pos - l->line_start) + 1};
}

/* Finds "s" (n bytes) from the cursor, followed by a colon when key, else by
 * a comma or a closing bracket; searches at most window bytes. */
static bool locator_find(Locator *l, const char *s, size_t n, bool key, size_t window) {
    const char *end = l->end;
    if (window && (size_t)(end - l->pos) > window) end = l->pos + window;
    for (const char *p = l->pos; p + n + 2 <= end;) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q || q + n + 2 > end) return false;
        if ((q == l->pos || q[-1] != '\\') && memcmp(q + 1, s, n) == 0 && q[n + 1] == '"') {
            const char *after = q + n + 2;
            while (after < end &&
                   (*after == ' ' || *after == '\t' || *after == '\n' || *after == '\r'))
                after++;
            if (after < end && (key ? *after == ':' : (*after == ',' || *after == ']'))) {
                locator_move(l, q);
                return true;
            }
        }
        p = q + 1;
    }
    return false;
}

static bool plain_json_string(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] < 0x20 || s[i] == '/') return false;
    return true;
}

static Value *json_value(Locator *l, Arena *a, json_t *j, SrcLoc loc) {
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        Value *v = value_new(a, VAL_MAP, loc);
        const char *key;
        json_t *item;
        bool first = true;
        json_object_foreach(j, key, item) {
            size_t n = strlen(key);
            if (!l->lost && !locator_find(l, key, n, true, 0)) l->lost = true;
            SrcLoc kl = locator_here(l);
            if (first && loc.line == 0) v->loc = kl;
            first = false;
            value_push(a, v, arena_strndup(a, key, n), kl, json_value(l, a, item, kl));
        }
        if (v->loc.line == 0) v->loc = locator_here(l);
        return v;
    }
    case JSON_ARRAY: {
        Value *v = value_new(a, VAL_LIST, loc);
        size_t i;
        json_t *item;
        json_array_foreach(j, i, item) {
            SrcLoc il = {l->path, 0, 0};
            if (json_is_string(item)) {
                const char *t = json_string_value(item);
                size_t n = json_string_length(item);
                if (!l->lost && plain_json_string(t, n) && locator_find(l, t, n, false, 1 << 16))
                    il = locator_here(l);
                else
                    il = loc;
            } else if (!json_is_object(item)) {
                il = loc;
            }
            value_push(a, v, NULL, il, json_value(l, a, item, il));
        }
        return v;
    }
    case JSON_STRING:
        return value_scalar(a, loc, json_string_value(j), json_string_length(j));
    case JSON_INTEGER: {
        char buf[32];
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        return value_scalar(a, loc, buf, strlen(buf));
    }
    case JSON_REAL: {
        char buf[40];
        snprintf(buf, sizeof buf, "%.15g", json_real_value(j));
        return value_scalar(a, loc, buf, strlen(buf));
    }
    case JSON_TRUE:
        return value_scalar(a, loc, "true", 4);
    case JSON_FALSE:
        return value_scalar(a, loc, "false", 5);
    case JSON_NULL:
        break;
    }
    return value_new(a, VAL_NULL, loc);
}

Value *json_located(Arena *a, Diag *d, const char *rel, const char *data, size_t len) {
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, len -= 3; /* a BOM */
    json_error_t err;
    json_t *j = json_loadb(data, len, 0, &err);
    if (!j) {
        SrcLoc loc = {rel, err.line > 0 ? err.line : 1, err.column > 0 ? err.column : 0};
        rule_report(d, RULE_JSON_SYNTAX, loc, NULL, "not valid JSON: %s", err.text);
        return NULL;
    }
    Locator l = {rel, data, data + len, data, 1, false};
    Value *v = json_value(&l, a, j, (SrcLoc){rel, 0, 0});
    json_decref(j);
    return v;
}
