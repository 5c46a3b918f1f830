#include "app/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

/* key NULL: never used; key == DELETED: removed (probing goes on past it). */
struct StrMapSlot {
    char *key;
    uint64_t value;
};

static char deleted_mark;
#define DELETED (&deleted_mark)

static bool live(const StrMapSlot *s) { return s->key && s->key != DELETED; }

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    /* FNV's low bits, which pick the slot, hardly depend on the first bytes: keys
     * like "order-00012345" would crowd together.  A final mix (MurmurHash3's
     * fmix64) spreads them. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

void strmap_init(StrMap *m) { memset(m, 0, sizeof *m); }

static void free_keys(StrMap *m)
{
    for (size_t i = 0; i < m->nslots; i++)
        if (live(&m->slots[i]))
            free(m->slots[i].key);
}

void strmap_fini(StrMap *m)
{
    free_keys(m);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static StrMapSlot *find(const StrMap *m, const char *key)
{
    if (!m->nslots)
        return NULL;
    size_t mask = m->nslots - 1;
    for (size_t i = (size_t)hash(key) & mask;; i = (i + 1) & mask) {
        StrMapSlot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (s->key != DELETED && strcmp(s->key, key) == 0)
            return s;
    }
}

bool strmap_get(const StrMap *m, const char *key, uint64_t *value)
{
    const StrMapSlot *s = find(m, key);
    if (s && value)
        *value = s->value;
    return s != NULL;
}

void *strmap_get_ptr(const StrMap *m, const char *key)
{
    const StrMapSlot *s = find(m, key);
    return s ? (void *)(uintptr_t)s->value : NULL;
}

/* Places an owned key known to be absent into the first free or deleted slot. */
static void insert_fresh(StrMap *m, char *key, uint64_t value)
{
    size_t mask = m->nslots - 1, i = (size_t)hash(key) & mask;
    while (live(&m->slots[i]))
        i = (i + 1) & mask;
    if (!m->slots[i].key)
        m->used++;
    m->slots[i] = (StrMapSlot){key, value};
    m->len++;
}

/* Rehashes the live keys into a table at least twice their number (deleted
 * slots are reclaimed). */
static void grow(StrMap *m)
{
    StrMapSlot *old = m->slots;
    size_t oldn = m->nslots, n = 16;
    while (n < (m->len + 1) * 2)
        n *= 2;
    m->slots = xcalloc(n, sizeof *m->slots);
    m->nslots = n;
    m->len = m->used = 0;
    for (size_t i = 0; i < oldn; i++)
        if (live(&old[i]))
            insert_fresh(m, old[i].key, old[i].value);
    free(old);
}

void strmap_put(StrMap *m, const char *key, uint64_t value)
{
    StrMapSlot *s = find(m, key);
    if (s) {
        s->value = value;
        return;
    }
    if ((m->used + 1) * 4 > m->nslots * 3)
        grow(m);
    insert_fresh(m, xstrdup(key), value);
}

void strmap_put_ptr(StrMap *m, const char *key, void *ptr)
{
    strmap_put(m, key, (uint64_t)(uintptr_t)ptr);
}

void strmap_del(StrMap *m, const char *key)
{
    StrMapSlot *s = find(m, key);
    if (!s)
        return;
    free(s->key);
    s->key = DELETED;
    m->len--;
}

void strmap_clear(StrMap *m)
{
    if (!m->used)
        return;
    free_keys(m);
    memset(m->slots, 0, m->nslots * sizeof *m->slots);
    m->len = m->used = 0;
}

bool strmap_next(const StrMap *m, size_t *i, const char **key, uint64_t *value, void **ptr)
{
    for (; *i < m->nslots; (*i)++) {
        const StrMapSlot *s = &m->slots[*i];
        if (!live(s))
            continue;
        if (key)
            *key = s->key;
        if (value)
            *value = s->value;
        if (ptr)
            *ptr = (void *)(uintptr_t)s->value;
        (*i)++;
        return true;
    }
    return false;
}

char *strmap_pair(const char *a, const char *b, char *buf, size_t size)
{
    snprintf(buf, size, "%s\x1f%s", a, b);
    return buf;
}
