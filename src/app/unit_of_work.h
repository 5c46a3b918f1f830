/* unit_of_work.h — the Repository and UnitOfWork ports (SPEC.md §2, §3).
 *
 * Interfaces as tables of function pointers.  The service layer (handlers, bus)
 * depends only on this header; persistence/ implements it (memory_uow.c, the
 * SQLite one, the CSV folder one).  Arrows point inward: persistence → app → domain.
 *
 * Life of a unit of work, as in the book's `with uow:` block:
 *
 *     uow_begin(uow, &err);                  // starts a transaction
 *     repository_get(uow_products(uow), "LAMP", &p, &err);   // tracked as "seen"
 *     product_allocate(p, ...);
 *     uow_commit(uow, &err);                 // persists every seen product
 *     // or uow_rollback(uow);               // forgets every change
 *
 * A product returned by the repository is owned by the unit of work and stays
 * valid until the next uow_begin, uow_rollback or uow_free.  Nothing is written
 * unless uow_commit succeeds; uow_free without commit rolls back.
 *
 * Bulk work (SPEC.md §3): between uow_bulk_begin and uow_bulk_end many
 * begin/commit pairs run inside one outer transaction: all or nothing.
 */
#ifndef ALLOT_APP_UNIT_OF_WORK_H
#define ALLOT_APP_UNIT_OF_WORK_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/events.h"
#include "domain/product.h"
#include "domain/status.h"

typedef struct Repository Repository;

typedef struct RepositoryOps {
    /* The product `sku`, loaded for change, or *out = NULL if there is none.
     * Errors: ALLOT_ESTORAGE. */
    AllotStatus (*get)(Repository *repo, const char *sku, Product **out, ErrBuf *err);
    /* The product holding batch `ref` (refs are unique across products), or
     * *out = NULL.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*get_by_batchref)(Repository *repo, const char *ref, Product **out,
                                   ErrBuf *err);
    /* Adds a new product; the repository takes ownership.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*add)(Repository *repo, Product *p, ErrBuf *err);
} RepositoryOps;

/* The common part of every repository: the ops and the products seen in the current
 * unit of work (the book's `seen` set).  Implementations embed it. */
struct Repository {
    const RepositoryOps *ops;
    Product **seen; /* not owned: the implementation owns the products */
    size_t nseen, capseen;
};

/* Wrappers that call the implementation and track what was seen.  Same contracts
 * as RepositoryOps. */
AllotStatus repository_get(Repository *repo, const char *sku, Product **out, ErrBuf *err);
AllotStatus repository_get_by_batchref(Repository *repo, const char *ref, Product **out,
                                       ErrBuf *err);
AllotStatus repository_add(Repository *repo, Product *p, ErrBuf *err);
/* Forgets the seen set (implementations call it on begin and rollback). */
void repository_clear_seen(Repository *repo);
void repository_fini(Repository *repo);

typedef struct UnitOfWork UnitOfWork;

/* What bulk work's commit is doing while it writes to the store, for a progress
 * line (issue 15: a large import's write phase shows): `writing` is called as the
 * store begins to write the rows the bulk work made, with `rows` how many it marked
 * (order lines, batches, products), and with rows = -1 as it commits (builds
 * indexes, checks keys, commits).  Called between the steps, never inside a
 * handler. */
typedef struct BulkWriteNotice {
    void (*writing)(void *ctx, long rows);
    void *ctx;
} BulkWriteNotice;

typedef struct UnitOfWorkOps {
    /* Starts a unit of work (inside a bulk one: a nested step).  Errors:
     * ALLOT_ESTORAGE (cannot begin: locked past the timeout, I/O). */
    AllotStatus (*begin)(UnitOfWork *uow, ErrBuf *err);
    /* Persists every seen product and appends their pending events to the event
     * log (events stay in the products for uow_collect_new_events).  Errors:
     * ALLOT_ECONFLICT (a product's version changed underneath: nothing written),
     * ALLOT_ESTORAGE.  After an error the unit of work is rolled back. */
    AllotStatus (*commit)(UnitOfWork *uow, ErrBuf *err);
    /* Forgets every change since begin.  Inside a bulk unit of work this poisons
     * the bulk transaction: uow_bulk_end will refuse to commit it. */
    void (*rollback)(UnitOfWork *uow);
    AllotStatus (*bulk_begin)(UnitOfWork *uow, ErrBuf *err);
    /* Ends bulk work: commits the outer transaction if `commit` and nothing was
     * rolled back inside, else rolls it all back (returning ALLOT_OK after a
     * requested rollback).  Errors: ALLOT_ECONFLICT, ALLOT_ESTORAGE. */
    AllotStatus (*bulk_end)(UnitOfWork *uow, bool commit, ErrBuf *err);
    void (*destroy)(UnitOfWork *uow);
    /* added after the first version: keep new members at the end */
    /* The id of the command that the current unit of work runs (SPEC.md §1.6):
     * > 0, unique and monotonic per store.  The first call after begin reserves
     * the store's next id; later calls in the same unit of work return the same.
     * A commit uses it up (the next unit of work gets a larger one), and also keeps
     * the next id above every order line's `requested` that it writes (a restored
     * line never counts as newer than a later request); a rollback releases it.
     * Errors: ALLOT_ESTORAGE. */
    AllotStatus (*command_id)(UnitOfWork *uow, int64_t *id, ErrBuf *err);
    /* SPEC.md §1.6 Undo, inside a unit of work.  Appends to `out` the events of
     * command `id` (> 0) from the event log, in the order logged (new_line, need,
     * requested and seq as raised); *later receives the smallest id > `id` of a
     * command whose events name one of their SKUs, or 0.  A command unknown to the
     * log appends nothing.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*command_log)(UnitOfWork *uow, int64_t id, EventVec *out, int64_t *later,
                               ErrBuf *err);
    /* The id of the latest command in the event log, or 0.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*latest_command)(UnitOfWork *uow, int64_t *id, ErrBuf *err);
    /* Starts a unit of work that only reads: it ends with rollback (a commit that
     * would write is refused with ALLOT_ESTORAGE, nothing written; one that would
     * not ends it).  It sees the store as last committed and takes no write lock,
     * so a writer in another process does not hold it up (SQLite: a deferred
     * transaction on the WAL).  Inside bulk work: a nested step, as begin.  NULL:
     * the store has no such mode and begin stands for it.  Errors: as begin. */
    AllotStatus (*begin_read)(UnitOfWork *uow, ErrBuf *err);
} UnitOfWorkOps;

struct UnitOfWork {
    const UnitOfWorkOps *ops;
    Repository *products;
};

AllotStatus uow_begin(UnitOfWork *uow, ErrBuf *err);
/* UnitOfWorkOps.begin_read, or begin for a store without it. */
AllotStatus uow_begin_read(UnitOfWork *uow, ErrBuf *err);
AllotStatus uow_commit(UnitOfWork *uow, ErrBuf *err);
void uow_rollback(UnitOfWork *uow);
AllotStatus uow_command_id(UnitOfWork *uow, int64_t *id, ErrBuf *err);
AllotStatus uow_command_log(UnitOfWork *uow, int64_t id, EventVec *out, int64_t *later,
                            ErrBuf *err);
AllotStatus uow_latest_command(UnitOfWork *uow, int64_t *id, ErrBuf *err);
AllotStatus uow_bulk_begin(UnitOfWork *uow, ErrBuf *err);
AllotStatus uow_bulk_end(UnitOfWork *uow, bool commit, ErrBuf *err);
/* Frees the unit of work (rolling back anything uncommitted).  NULL is ignored. */
void uow_free(UnitOfWork *uow);
static inline Repository *uow_products(UnitOfWork *uow) { return uow->products; }

/* The command_log and latest_command of a store whose log is `log` (events in
 * commit order): for the memory and sandbox stores. */
AllotStatus event_log_command(const EventVec *log, int64_t id, EventVec *out, int64_t *later);
int64_t event_log_latest_command(const EventVec *log);

/* Moves the pending events of every seen product to the end of `out`, in the
 * order the products were seen.  The bus calls it after a command's handler. */
void uow_collect_new_events(UnitOfWork *uow, EventVec *out);

#endif
