#include "app/keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void keymap_init(KeyMap *m) { memset(m, 0, sizeof *m); }

void keymap_fini(KeyMap *m)
{
    for (size_t i = 0; i < m->nslots; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static size_t find_slot(const KeyMapSlot *slots, size_t nslots, const char *key)
{
    size_t mask = nslots - 1, i = (size_t)hash(key) & mask;
    while (slots[i].key && strcmp(slots[i].key, key) != 0)
        i = (i + 1) & mask;
    return i;
}

bool keymap_get(const KeyMap *m, const char *key, uint64_t *value)
{
    if (!m->nslots)
        return false;
    size_t i = find_slot(m->slots, m->nslots, key);
    if (!m->slots[i].key)
        return false;
    if (value)
        *value = m->slots[i].value;
    return true;
}

static void grow(KeyMap *m)
{
    size_t n = m->nslots ? m->nslots * 2 : 16;
    KeyMapSlot *slots = xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < m->nslots; i++)
        if (m->slots[i].key)
            slots[find_slot(slots, n, m->slots[i].key)] = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->nslots = n;
}

void keymap_put(KeyMap *m, const char *key, uint64_t value)
{
    if ((m->len + 1) * 4 > m->nslots * 3)
        grow(m);
    size_t i = find_slot(m->slots, m->nslots, key);
    if (!m->slots[i].key) {
        m->slots[i].key = xstrdup(key);
        m->len++;
    }
    m->slots[i].value = value;
}

char *keymap_pair(const char *a, const char *b, char *buf, size_t size)
{
    snprintf(buf, size, "%s\x1f%s", a, b);
    return buf;
}
