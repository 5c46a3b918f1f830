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
    pthread_key_t key; /* this thread's Slot */
    pthread_mutex_t lock;
    Slot *all;         /* every slot opened, for worker_pool_free */
};

WorkerPool *worker_pool_new(ServeStores *stores)
{
    WorkerPool *p = xcalloc(1, sizeof *p);
    p->stores = stores;
    if (pthread_key_create(&p->key, NULL) != 0)
        abort();
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

AllotStatus worker_pool_get(WorkerPool *pool, Worker **out, ErrBuf *err)
{
    Slot *s = pthread_getspecific(pool->key);
    if (s) {
        *out = &s->w;
        return ALLOT_OK;
    }
    UnitOfWork *uow;
    Views *views;
    ServeStores *st = pool->stores;
    AllotStatus r = st->ops->open(st, &uow, &views, err);
    if (r != ALLOT_OK)
        return r;
    s = xcalloc(1, sizeof *s);
    s->w.uow = uow;
    s->w.views = views;
    s->w.bus = bootstrap(uow, st->notifier, st->clock, st->logger);
    pthread_mutex_lock(&pool->lock);
    s->next = pool->all;
    pool->all = s;
    pthread_mutex_unlock(&pool->lock);
    pthread_setspecific(pool->key, s);
    *out = &s->w;
    return ALLOT_OK;
}

static void slot_close(WorkerPool *pool, Slot *s)
{
    bus_free(s->w.bus);
    pool->stores->ops->close(pool->stores, s->w.uow, s->w.views);
    free(s);
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
    pthread_key_delete(pool->key);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
