/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

uint64_t mc_hash_bytes(const void *data, size_t len)
{
    /* FNV-1a over 8-byte words, then a final mix (splitmix64): fast on long keys. */
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    while (len--)
        h = (h ^ *p++) * 0x100000001b3ull;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

static struct mc_hashmap_entry *find(const struct mc_hashmap *m, uint64_t h, const void *key,
                                     size_t klen)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct mc_hashmap_entry *e = &m->slots[i];
        if (!e->key || (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0))
            return e;
    }
}

static void grow(struct mc_hashmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 16;
    struct mc_hashmap_entry *old = m->slots;
    size_t ocap = m->cap;
    m->slots = mc_xcalloc(ncap, sizeof(*m->slots));
    m->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].key)
            *find(m, old[i].hash, old[i].key, old[i].klen) = old[i];
    free(old);
}

bool mc_hashmap_get(const struct mc_hashmap *m, const void *key, size_t klen, size_t *ret)
{
    if (!m->cap)
        return false;
    const struct mc_hashmap_entry *e = find(m, mc_hash_bytes(key, klen), key, klen);
    if (!e->key)
        return false;
    if (ret)
        *ret = e->value;
    return true;
}

size_t mc_hashmap_intern(struct mc_hashmap *m, const void *key, size_t klen, size_t value)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        grow(m);
    uint64_t h = mc_hash_bytes(key, klen);
    struct mc_hashmap_entry *e = find(m, h, key, klen);
    if (e->key)
        return e->value;
    e->hash = h;
    e->key = mc_xmalloc(klen ? klen : 1);
    memcpy(e->key, key, klen);
    e->klen = klen;
    e->value = value;
    m->n++;
    return value;
}

void mc_hashmap_put(struct mc_hashmap *m, const void *key, size_t klen, size_t value)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        grow(m);
    uint64_t h = mc_hash_bytes(key, klen);
    struct mc_hashmap_entry *e = find(m, h, key, klen);
    if (!e->key) {
        e->hash = h;
        e->key = mc_xmalloc(klen ? klen : 1);
        memcpy(e->key, key, klen);
        e->klen = klen;
        m->n++;
    }
    e->value = value;
}

void mc_hashmap_clear(struct mc_hashmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof(*m));
}
