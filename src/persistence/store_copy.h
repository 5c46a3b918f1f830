/* store_copy.h — `allot copy FROM TO` (SPEC.md §3.1): a whole store, rows as they
 * are stored, from one store into an empty one of either kind, keeping what the
 * read model alone does not show: product versions and seq counters, batch
 * creation orders, every line's place, seq, need date and moment of first request,
 * the event log with its ids, times and provenance, and the next command id.  So
 * `export` of both sides is byte-identical and any later command has the same
 * outcome on both.  Internal to persistence/ (store.h's store_copy is the entry).
 *
 * A source (sqlite_copy.c, pg_copy.c) reads its store in one read transaction and
 * hands its rows to a sink in this order: every product, every batch (by product,
 * creation order), every order line, every event by id, then finish.  A sink writes
 * them into its store in one transaction: all or nothing.
 */
#ifndef ALLOT_PERSISTENCE_STORE_COPY_H
#define ALLOT_PERSISTENCE_STORE_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/status.h"
#include "domain/validate.h"
#include "persistence/store.h"

typedef struct CopyProduct {
    AllotId sku;
    int64_t version;
    int64_t next_seq;
} CopyProduct;

typedef struct CopyBatch {
    AllotId ref, sku;
    int64_t qty;
    int32_t eta; /* ALLOT_NO_ETA = in the warehouse */
    int64_t seq;
} CopyBatch;

typedef struct CopyLine {
    AllotId orderid, sku;
    int64_t qty, seq;
    int64_t requested;
    int32_t need;     /* ALLOT_NO_DATE = none */
    AllotId batchref; /* "" = a backorder */
} CopyLine;

/* An event row as stored: every column of COPY_EVENT_COLS as text, NULL where the
 * store keeps NULL (new_line as "0" / "1"), so the log is copied exactly. */
#define COPY_EVENT_COLS                                                                  \
    "id, at, type, sku, orderid, batchref, to_ref, qty, old_qty, new_qty, eta, old_eta," \
    " new_eta, need, requested, seq, new_line, command_id, actor, undoes"
enum { COPY_EVENT_NCOLS = 20, COPY_EVENT_NEW_LINE = 16 };
typedef struct CopyEvent {
    const char *v[COPY_EVENT_NCOLS]; /* not owned: valid during the sink's call */
} CopyEvent;

typedef struct StoreSink StoreSink;

typedef struct StoreSinkOps {
    AllotStatus (*product)(StoreSink *s, const CopyProduct *p, ErrBuf *err);
    AllotStatus (*batch)(StoreSink *s, const CopyBatch *b, ErrBuf *err);
    AllotStatus (*line)(StoreSink *s, const CopyLine *l, ErrBuf *err);
    AllotStatus (*event)(StoreSink *s, const CopyEvent *e, ErrBuf *err);
    /* Commits everything (the next command id at least `next_command_id`), or rolls
     * it all back when !commit. */
    AllotStatus (*finish)(StoreSink *s, int64_t next_command_id, bool commit, ErrBuf *err);
    void (*destroy)(StoreSink *s);
} StoreSinkOps;

struct StoreSink {
    const StoreSinkOps *ops;
};

/* Reads the SQLite store at `path` (it must exist) into `sink`, calling every op
 * but finish.  *next_command_id: the store's next command id.  Errors:
 * ALLOT_ESTORAGE naming the path; the sink's. */
AllotStatus sqlite_copy_out(const char *path, StoreSink *sink, CopyCounts *counts,
                            int64_t *next_command_id, ErrBuf *err);

/* A sink into the SQLite store at `path` (created when missing), which must hold
 * no product and no event.  Errors: ALLOT_ESTORAGE; ALLOT_EINVALID "… already holds
 * data". */
AllotStatus sqlite_copy_in(const char *path, StoreSink **out, ErrBuf *err);

/* The same for PostgreSQL (pg_copy.c). */
AllotStatus pg_copy_out(const char *uri, StoreSink *sink, CopyCounts *counts,
                        int64_t *next_command_id, ErrBuf *err);
AllotStatus pg_copy_in(const char *uri, StoreSink **out, ErrBuf *err);

#endif
