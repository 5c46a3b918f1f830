/* strmap.h — a string → pointer hash map (open addressing) for persistence/.
 * Keys are copied (at most ALLOT_ID_MAX bytes); values are not owned. */
#ifndef ALLOT_PERSISTENCE_STRMAP_H
#define ALLOT_PERSISTENCE_STRMAP_H

#include <stddef.h>

typedef struct StrMapSlot StrMapSlot;

typedef struct StrMap {
    StrMapSlot *slots;
    size_t nslots; /* a power of two, or 0 */
    size_t len;    /* live keys */
    size_t used;   /* live keys + tombstones */
} StrMap;

void strmap_init(StrMap *m);
void strmap_fini(StrMap *m);
/* The value of `key`, or NULL. */
void *strmap_get(const StrMap *m, const char *key);
/* Sets `key` to `value` (non-NULL), replacing any. */
void strmap_put(StrMap *m, const char *key, void *value);
/* Removes `key` if present. */
void strmap_del(StrMap *m, const char *key);
void strmap_clear(StrMap *m);
/* Iteration: for (size_t i = 0; i < strmap_capacity(m); i++) if ((v = strmap_at(m, i))) ... */
size_t strmap_capacity(const StrMap *m);
void *strmap_at(const StrMap *m, size_t i);

#endif
