/* product_cache.h — the products a SQL unit of work holds between its commands,
 * and what of each is still to be written: shared by the SQLite store
 * (sqlite_uow.c) and the PostgreSQL store (pg_uow.c), which differ in how they
 * load and write an entry, not in how they keep it (SPEC.md §3: a unit of work
 * loads a product once and writes only what changed).
 *
 * Internal to persistence.  Nothing here does I/O. */
#ifndef ALLOT_PERSISTENCE_PRODUCT_CACHE_H
#define ALLOT_PERSISTENCE_PRODUCT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/strmap.h"
#include "domain/product.h"

/* A line to write: its orderid. */
typedef struct DirtyLine {
    AllotId orderid;
    bool cancelled; /* the event was OrderLineCancelled: a later request is new */
} DirtyLine;

/* The per-product aggregates of the products row (schema v2). */
typedef struct Aggregates {
    int64_t nbatches, qty, allocated, bo_lines, bo_qty;
    int32_t next_eta;
} Aggregates;

/* One cached product with its stored identity and its changes since written. */
typedef struct CacheEntry {
    Product *p;           /* owned */
    int64_t id;           /* products.id; 0 = not stored yet */
    int64_t db_version;   /* the version stored, which the version check expects */
    uint64_t verified_tx; /* the transaction in which it was last checked */
    uint64_t stored_seq;  /* SQLite: the product's next_seq when last loaded or
                             written: a line with a seq at or above it is not stored */
    int64_t *batch_ids;   /* batches.id of batch i, for i < nstored */
    size_t nstored, cap_ids;
    uint8_t *bdirty; /* batch i changed since written */
    size_t cap_bdirty;
    DirtyLine *dirty_lines; /* lines touched since written (repeats allowed) */
    size_t ndirty, cap_dirty;
    bool dirty;        /* listed in ProductCache.dirtyv */
    Aggregates stored; /* SQLite: the aggregates stored with db_version (if stored_known) */
    bool stored_known;
    /* an undo removed a batch or put one back in the middle (SPEC.md §1.6): the
     * batches are written by ref, and `removed` (refs) deleted after the lines */
    bool reshaped;
    AllotId *removed;
    size_t nremoved;
} CacheEntry;

typedef struct ProductCache {
    StrMap products;     /* sku → CacheEntry (owned) */
    StrMap pending_refs; /* ref → CacheEntry: batches created but not written yet */
    CacheEntry **dirtyv; /* entries with something to write */
    size_t ndirtyv, capdirtyv;
    size_t dirty_keys; /* sum of the entries' ndirty */
    size_t lines_est;  /* about how many order lines the cache holds (an upper bound) */
} ProductCache;

/* An empty cache; free with product_cache_fini. */
void product_cache_init(ProductCache *c);
/* Frees every entry and the cache's own memory. */
void product_cache_fini(ProductCache *c);
/* Forgets every entry (all of them are stale or about to be).  The caller also
 * clears its repository's seen list (repository_clear_seen). */
void product_cache_clear(ProductCache *c);
/* Forgets the entry of `sku`, if cached, with its place in dirtyv and pending_refs. */
void product_cache_drop(ProductCache *c, const char *sku);
/* Lists `e` among the entries to write (once). */
void product_cache_mark_dirty(ProductCache *c, CacheEntry *e);
/* Notes that the line `orderid` of `e` is to be written. */
void product_cache_mark_line(ProductCache *c, CacheEntry *e, const char *orderid,
                             bool cancelled);

/* A new entry for the product `sku` (owned by the entry), not cached yet. */
CacheEntry *cache_entry_new(const char *sku, int64_t id, int64_t version, uint64_t tx);
/* Frees `e` and its product (NULL is ignored). */
void cache_entry_free(CacheEntry *e);
/* Appends the stored id of the next batch. */
void cache_entry_push_id(CacheEntry *e, int64_t id);
/* Notes that the batch `ref` of `e` is to be written (NULL, "" or unknown: nothing). */
void cache_entry_mark_batch(CacheEntry *e, const char *ref);
/* Nothing of `e` is left to write (its lines and batches are written). */
void cache_entry_clean(CacheEntry *e);

/* The aggregates of the products row for `p` as it is now. */
Aggregates product_aggregates(const Product *p);
/* Drops the events `p` holds (what a failed or replayed command raised). */
void product_drop_pending_events(Product *p);

#endif
