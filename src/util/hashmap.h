/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A hash map from byte strings to size_t values (open addressing, linear
 * probing). Keys are copied. Used to intern the equivalence-class keys of the
 * cluster verb and to index names, addresses and UUIDs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_hashmap_entry {
    uint64_t hash;
    char *key; /* NULL: empty slot */
    size_t klen;
    size_t value;
};

struct mc_hashmap {
    struct mc_hashmap_entry *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

uint64_t mc_hash_bytes(const void *data, size_t len);
/* The value of key, in *ret (may be NULL); false when absent. */
bool mc_hashmap_get(const struct mc_hashmap *m, const void *key, size_t klen, size_t *ret);
/* Set key to value (replacing). */
void mc_hashmap_put(struct mc_hashmap *m, const void *key, size_t klen, size_t value);
/* Get, or put value when absent; returns the value now in the map. */
size_t mc_hashmap_intern(struct mc_hashmap *m, const void *key, size_t klen, size_t value);
void mc_hashmap_clear(struct mc_hashmap *m);
static inline bool mc_hashmap_get_str(const struct mc_hashmap *m, const char *s, size_t *ret)
{
    return mc_hashmap_get(m, s, __builtin_strlen(s), ret);
}
