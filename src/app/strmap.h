/* strmap.h — the project's one string → value hash map (open addressing, linear
 * probing, FNV-1a): the SQLite store's product cache, the what-if sandbox's
 * indexes, an import's keys and moves.
 *
 * Keys are copied (any length; owned by the map).  A value is either a number
 * (strmap_put / strmap_get: an index, a line number, packed places) or a pointer
 * (strmap_put_ptr / strmap_get_ptr: not owned, never freed by the map); a map
 * holds one kind, as its user decides.  Zero-initialise or strmap_init;
 * strmap_fini frees the keys and the slots.  Allocation failure aborts (xalloc.h).
 */
#ifndef ALLOT_APP_STRMAP_H
#define ALLOT_APP_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct StrMapSlot StrMapSlot;

typedef struct StrMap {
    StrMapSlot *slots;
    size_t nslots; /* a power of two, or 0 */
    size_t len;    /* live keys */
    size_t used;   /* live keys + deleted ones not yet reclaimed */
} StrMap;

void strmap_init(StrMap *m);
void strmap_fini(StrMap *m);

/* True and *value set (value may be NULL) if `key` is present. */
bool strmap_get(const StrMap *m, const char *key, uint64_t *value);
/* Sets `key` to `value`, replacing any. */
void strmap_put(StrMap *m, const char *key, uint64_t value);

/* The pointer put for `key`, or NULL when absent. */
void *strmap_get_ptr(const StrMap *m, const char *key);
/* Sets `key` to `ptr` (non-NULL, not owned), replacing any. */
void strmap_put_ptr(StrMap *m, const char *key, void *ptr);

/* Removes `key` if present. */
void strmap_del(StrMap *m, const char *key);
/* Removes every key (the slots stay allocated). */
void strmap_clear(StrMap *m);

/* Iteration over the live keys in slot order (no order to rely on):
 *     for (size_t i = 0; strmap_next(m, &i, &key, &value, NULL);) ...
 * Each of key, value, ptr may be NULL; *ptr is the value as a pointer.  The map
 * must not change during the loop. */
bool strmap_next(const StrMap *m, size_t *i, const char **key, uint64_t *value, void **ptr);

/* Two-part key "a\x1fb" (an order line's orderid and sku) into buf (cut to size);
 * returns buf. */
char *strmap_pair(const char *a, const char *b, char *buf, size_t size);

#endif
