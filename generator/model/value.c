/* value.c: loaded values (scalars, lists, maps) with their locations, as
 * the loaders produce them before typing. Part of model/. */
#include <string.h>

#include "model.h"

Value *value_new(Arena *a, ValueKind kind, SrcLoc loc) {
    Value *v = arena_alloc(a, sizeof *v);
    v->kind = kind;
    v->loc = loc;
    return v;
}

Value *value_scalar(Arena *a, SrcLoc loc, const char *text, size_t len) {
    Value *v = value_new(a, VAL_SCALAR, loc);
    v->text = arena_strndup(a, text, len);
    v->len = len;
    return v;
}

void value_push(Arena *a, Value *v, const char *key, SrcLoc key_loc, Value *item) {
    /* capacity is 4, or the next power of two at or above n */
    size_t n = v->n;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        size_t cap = n ? n * 2 : 4;
        v->items = arena_grow(a, v->items, n, cap, sizeof *v->items);
        if (v->kind == VAL_MAP) {
            v->keys = arena_grow(a, v->keys, n, cap, sizeof *v->keys);
            v->key_locs = arena_grow(a, v->key_locs, n, cap, sizeof *v->key_locs);
        }
    }
    v->items[n] = item;
    if (v->kind == VAL_MAP) {
        v->keys[n] = key;
        v->key_locs[n] = key_loc;
    }
    v->n = n + 1;
}

const Value *value_get(const Value *v, const char *key) {
    if (!v || v->kind != VAL_MAP) return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (v->keys[i][0] == key[0] && strcmp(v->keys[i], key) == 0) return v->items[i];
    return NULL;
}
