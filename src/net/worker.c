#include "net/worker.h"

#include <pthread.h>
#include <stdlib.h>

#include "app/bootstrap.h"
#include "domain/xalloc.h"

typedef struct Slot {
    Worker w;
    struct Slot *next;
} Slot;

struct WorkerPool {
    ServeStores *stores;
    NetStats *stats;
    pthread_key_t key; /* this thread's Slot */
    pthread_mutex_t lock;
    Slot *all;         /* every slot opened, for worker_pool_free */
    pthread_mutex_t writer; /* held while a command runs, for a one-writer store */
    Slot *shared;           /* a one-writer store's one unit of work for commands */
};

WorkerPool *worker_pool_new(ServeStores *stores, NetStats *stats)
{
    WorkerPool *p = xcalloc(1, sizeof *p);
    p->stores = stores;
    p->stats = stats;
    if (pthread_key_create(&p->key, NULL) != 0)
        abort();
    pthread_mutex_init(&p->lock, NULL);
    pthread_mutex_init(&p->writer, NULL);
    return p;
}

static Slot *slot_open(WorkerPool *pool, ErrBuf *err)
{
    UnitOfWork *uow;
    Views *views;
    ServeStores *st = pool->stores;
    if (st->ops->open(st, &uow, &views, err) != ALLOT_OK)
        return NULL;
    Slot *s = xcalloc(1, sizeof *s);
    s->w.uow = uow;
    s->w.views = views;
    s->w.bus = bootstrap(uow, st->notifier, st->clock, st->logger);
    return s;
}

static void slot_close(WorkerPool *pool, Slot *s)
{
    bus_free(s->w.bus);
    pool->stores->ops->close(pool->stores, s->w.uow, s->w.views);
    free(s);
}

AllotStatus worker_run(WorkerPool *pool, Worker *w,
                       AllotStatus (*fn)(Worker *writer, void *ctx, ErrBuf *err), void *ctx,
                       ErrBuf *err)
{
    if (!pool->stores->one_writer)
        return fn(w, ctx, err);
    /* One writer at a time: every command runs, in turn, on the one shared unit of
     * work, whose connection is only ever used under this lock and whose product
     * cache stays warm (a unit of work per thread would reload a product each time
     * another thread had changed it). */
    pthread_mutex_lock(&pool->writer);
    if (!pool->shared)
        pool->shared = slot_open(pool, err);
    AllotStatus st = pool->shared ? fn(&pool->shared->w, ctx, err) : ALLOT_ESTORAGE;
    if (pool->shared && (st == ALLOT_ESTORAGE || st == ALLOT_EIO)) {
        slot_close(pool, pool->shared);
        pool->shared = NULL;
    }
    pthread_mutex_unlock(&pool->writer);
    return st;
}

typedef struct HandleCtx {
    const Command *cmd;
    CommandResult *res;
} HandleCtx;

static AllotStatus run_on_bus(Worker *writer, void *ctx, ErrBuf *err)
{
    HandleCtx *h = ctx;
    return bus_handle(writer->bus, h->cmd, h->res, err);
}

AllotStatus worker_handle(WorkerPool *pool, Worker *w, const Command *cmd, CommandResult *res,
                          ErrBuf *err)
{
    HandleCtx h = {cmd, res};
    AllotStatus st = worker_run(pool, w, run_on_bus, &h, err);
    stats_command(pool->stats, cmd->type, st, res->attempts);
    return st;
}

AllotStatus worker_pool_get(WorkerPool *pool, Worker **out, ErrBuf *err)
{
    Slot *s = pthread_getspecific(pool->key);
    if (s) {
        *out = &s->w;
        return ALLOT_OK;
    }
    s = slot_open(pool, err);
    if (!s)
        return ALLOT_ESTORAGE;
    pthread_mutex_lock(&pool->lock);
    s->next = pool->all;
    pool->all = s;
    pthread_mutex_unlock(&pool->lock);
    pthread_setspecific(pool->key, s);
    *out = &s->w;
    return ALLOT_OK;
}

void worker_pool_discard(WorkerPool *pool)
{
    Slot *s = pthread_getspecific(pool->key);
    if (!s)
        return;
    pthread_setspecific(pool->key, NULL);
    pthread_mutex_lock(&pool->lock);
    for (Slot **pp = &pool->all; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    }
    pthread_mutex_unlock(&pool->lock);
    slot_close(pool, s);
}

void worker_pool_free(WorkerPool *pool)
{
    if (!pool)
        return;
    for (Slot *s = pool->all, *next; s; s = next) {
        next = s->next;
        slot_close(pool, s);
    }
    if (pool->shared)
        slot_close(pool, pool->shared);
    pthread_key_delete(pool->key);
    pthread_mutex_destroy(&pool->lock);
    pthread_mutex_destroy(&pool->writer);
    free(pool);
}
