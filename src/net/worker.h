/* worker.h — one unit of work, read model and bus per thread (src/net/serve.h).
 *
 * Each thread that touches the store asks the pool for its own Worker, opened on
 * first use through the injected ServeStores, for its reads (and its commands on a
 * store with several writers, see worker_handle); the pool keeps every worker it
 * opened and closes them all at worker_pool_free, after the threads have stopped.
 */
#ifndef ALLOT_NET_WORKER_H
#define ALLOT_NET_WORKER_H

#include "app/message_bus.h"
#include "app/unit_of_work.h"
#include "app/views.h"
#include "net/serve.h"
#include "net/stats.h"

typedef struct Worker {
    UnitOfWork *uow;
    Views *views;
    MessageBus *bus; /* bootstrapped over uow with the stores' notifier, clock, logger */
} Worker;

typedef struct WorkerPool WorkerPool;

/* A pool over `stores` that counts the commands it runs in `stats` (neither owned;
 * both must outlive the pool). */
WorkerPool *worker_pool_new(ServeStores *stores, NetStats *stats);

/* The calling thread's worker, opened now if it has none.  Owned by the pool.
 * Errors: those of ServeStoresOps.open (ALLOT_ESTORAGE). */
AllotStatus worker_pool_get(WorkerPool *pool, Worker **out, ErrBuf *err);

/* Runs `cmd` through the bus (bus_handle): on worker `w` (this thread's), or, when
 * the store takes one writer at a time (ServeStores.one_writer: SQLite), in turn
 * with every other thread on one shared unit of work, used under a lock (its
 * product cache stays warm; per-thread units of work would each reload a product
 * that another had just changed).  Same results and errors as bus_handle. */
AllotStatus worker_handle(WorkerPool *pool, Worker *w, const Command *cmd, CommandResult *res,
                          ErrBuf *err);

/* Runs `fn(writer, ctx, err)` with the worker that worker_handle would run a
 * command on (the shared one of a one-writer store, under its lock; else `w`): for
 * queries that read products in a unit of work (atp, promise), which on SQLite
 * takes the write lock.  Returns fn's status, or ALLOT_ESTORAGE when the shared
 * worker cannot be opened. */
AllotStatus worker_run(WorkerPool *pool, Worker *w,
                       AllotStatus (*fn)(Worker *writer, void *ctx, ErrBuf *err), void *ctx,
                       ErrBuf *err);

/* Closes the calling thread's worker (after a storage error: the next
 * worker_pool_get opens a fresh one). */
void worker_pool_discard(WorkerPool *pool);

/* Closes every worker.  No thread may use one any more.  NULL is ignored. */
void worker_pool_free(WorkerPool *pool);

#endif
