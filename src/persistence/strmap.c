#include "persistence/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/validate.h"
#include "domain/xalloc.h"

struct StrMapSlot {
    AllotId key;
    void *value;  /* NULL: empty or tombstone */
    int state;    /* 0 empty, 1 live, 2 tombstone */
};

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void strmap_init(StrMap *m) { memset(m, 0, sizeof *m); }

void strmap_fini(StrMap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static StrMapSlot *find(const StrMap *m, const char *key)
{
    if (!m->nslots)
        return NULL;
    size_t mask = m->nslots - 1;
    for (size_t i = (size_t)hash_key(key) & mask;; i = (i + 1) & mask) {
        StrMapSlot *s = &m->slots[i];
        if (s->state == 0)
            return NULL;
        if (s->state == 1 && strcmp(s->key, key) == 0)
            return s;
    }
}

void *strmap_get(const StrMap *m, const char *key)
{
    StrMapSlot *s = find(m, key);
    return s ? s->value : NULL;
}

static void insert_fresh(StrMap *m, const char *key, void *value)
{
    size_t mask = m->nslots - 1;
    size_t i = (size_t)hash_key(key) & mask;
    while (m->slots[i].state == 1)
        i = (i + 1) & mask;
    StrMapSlot *s = &m->slots[i];
    if (s->state == 0)
        m->used++;
    size_t n = strnlen(key, ALLOT_ID_MAX);
    memcpy(s->key, key, n);
    s->key[n] = '\0';
    s->value = value;
    s->state = 1;
    m->len++;
}

static void grow(StrMap *m)
{
    StrMapSlot *old = m->slots;
    size_t oldn = m->nslots;
    size_t n = 16;
    while (n < (m->len + 1) * 2)
        n *= 2;
    m->slots = xcalloc(n, sizeof *m->slots);
    m->nslots = n;
    m->len = m->used = 0;
    for (size_t i = 0; i < oldn; i++)
        if (old[i].state == 1)
            insert_fresh(m, old[i].key, old[i].value);
    free(old);
}

void strmap_put(StrMap *m, const char *key, void *value)
{
    StrMapSlot *s = find(m, key);
    if (s) {
        s->value = value;
        return;
    }
    if ((m->used + 1) * 4 >= m->nslots * 3)
        grow(m);
    insert_fresh(m, key, value);
}

void strmap_del(StrMap *m, const char *key)
{
    StrMapSlot *s = find(m, key);
    if (!s)
        return;
    s->state = 2;
    s->value = NULL;
    m->len--;
}

void strmap_clear(StrMap *m)
{
    if (m->used)
        memset(m->slots, 0, m->nslots * sizeof *m->slots);
    m->len = m->used = 0;
}

size_t strmap_capacity(const StrMap *m) { return m->nslots; }

void *strmap_at(const StrMap *m, size_t i)
{
    return m->slots[i].state == 1 ? m->slots[i].value : NULL;
}
