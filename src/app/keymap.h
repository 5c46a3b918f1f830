/* keymap.h — a small string → uint64 hash map (open addressing, linear probing)
 * for the what-if sandbox (sandbox_uow.c, sandbox_views.c).
 *
 * Keys are copied (any length); values are plain numbers (an index, a row key).
 * No deletion: the sandbox only ever adds.  Zero-initialise or keymap_init;
 * keymap_fini frees everything.
 */
#ifndef ALLOT_APP_KEYMAP_H
#define ALLOT_APP_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct KeyMapSlot {
    char *key; /* owned; NULL = empty */
    uint64_t value;
} KeyMapSlot;

typedef struct KeyMap {
    KeyMapSlot *slots;
    size_t nslots; /* a power of two, or 0 */
    size_t len;
} KeyMap;

void keymap_init(KeyMap *m);
void keymap_fini(KeyMap *m);
/* True and *value set if `key` is present. */
bool keymap_get(const KeyMap *m, const char *key, uint64_t *value);
/* Sets `key` to `value`, replacing any. */
void keymap_put(KeyMap *m, const char *key, uint64_t value);
/* Two-part key "a\x1fb" for (sku, orderid) pairs, into buf (cut to size). */
char *keymap_pair(const char *a, const char *b, char *buf, size_t size);

#endif
