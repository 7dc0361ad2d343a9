/* hashmap.c: the one hash table of the house. Keys are byte strings,
 * copied into the table; values are pointers. Open addressing with linear
 * probing, grown to twice its size at half full, so a lookup or an insert
 * costs the same at any size. Part of base/. */
#include <stdlib.h>
#include <string.h>

#include "base.h"

void hashmap_init(HashMap *m, Arena *a) {
    memset(m, 0, sizeof *m);
    m->arena = a;
}

static void *alloc(HashMap *m, size_t n) {
    if (m->arena) return arena_alloc(m->arena, n);
    void *p = xmalloc(n);
    memset(p, 0, n);
    return p;
}

void hashmap_free(HashMap *m) {
    if (!m->arena) {
        for (size_t i = 0; i < m->cap; i++)
            free((void *)m->slots[i].key);
        free(m->slots);
    }
    memset(m, 0, sizeof *m);
}

/* The slot of key in slots (cap a power of two): where it is, or the free
 * one where it would go. */
static size_t probe(const HashSlot *slots, size_t cap, const void *key, size_t len, uint64_t hash) {
    size_t mask = cap - 1, i = (size_t)hash & mask;
    while (slots[i].key &&
           !(slots[i].hash == hash && slots[i].len == len && memcmp(slots[i].key, key, len) == 0))
        i = (i + 1) & mask;
    return i;
}

void *hashmap_get(const HashMap *m, const void *key, size_t len) {
    if (!m->cap) return NULL;
    const HashSlot *s = &m->slots[probe(m->slots, m->cap, key, len, hash_bytes(key, len))];
    return s->key ? s->val : NULL;
}

static void grow(HashMap *m) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    HashSlot *slots = alloc(m, cap * sizeof *slots);
    if (m->arena) memset(slots, 0, cap * sizeof *slots);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            slots[probe(slots, cap, m->slots[i].key, m->slots[i].len, m->slots[i].hash)] =
                m->slots[i];
    if (!m->arena) free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void *hashmap_put(HashMap *m, const void *key, size_t len, void *val) {
    if ((m->n + 1) * 2 > m->cap) grow(m);
    uint64_t hash = hash_bytes(key, len);
    HashSlot *s = &m->slots[probe(m->slots, m->cap, key, len, hash)];
    if (s->key) return s->val;
    void *copy = m->arena ? arena_alloc(m->arena, len + 1) : xmalloc(len + 1);
    memcpy(copy, key, len);
    ((char *)copy)[len] = 0;
    *s = (HashSlot){copy, len, hash, val};
    m->n++;
    return val;
}

void **hashmap_slot(HashMap *m, const void *key, size_t len) {
    if (!hashmap_get(m, key, len)) hashmap_put(m, key, len, NULL);
    return &m->slots[probe(m->slots, m->cap, key, len, hash_bytes(key, len))].val;
}
