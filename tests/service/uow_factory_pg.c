/* The service suite on the PostgreSQL unit of work (persistence/pg_store.h through
 * persistence/store.h): each store is a new database in the throwaway cluster of
 * tests/support/pg_cluster.sh. */
#include "uow_factory.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/views.h"
#include "test_store.h"

typedef struct {
    UnitOfWork *uow;
    Views *views;
    StoreTarget target;
} Store;

static Store stores[16];

UnitOfWork *test_uow_new(void)
{
    Store *s = NULL;
    for (size_t i = 0; i < sizeof stores / sizeof *stores && !s; i++)
        if (!stores[i].uow)
            s = &stores[i];
    if (!s)
        abort();
    test_store_new(&s->target);
    ErrBuf err = {{0}};
    if (store_open(&s->target, NULL, &s->uow, &s->views, &err) != ALLOT_OK) {
        fprintf(stderr, "test_uow_new: %s\n", err.msg);
        abort();
    }
    return s->uow;
}

void test_uow_free(UnitOfWork *uow)
{
    for (size_t i = 0; i < sizeof stores / sizeof *stores; i++) {
        if (stores[i].uow != uow || !uow)
            continue;
        uow_free(uow);
        test_store_free(&stores[i].target);
        stores[i].uow = NULL;
        return;
    }
}

void test_uow_events(UnitOfWork *uow, EventVec *out)
{
    event_vec_clear(out);
    Views *v = NULL;
    for (size_t i = 0; i < sizeof stores / sizeof *stores; i++)
        if (stores[i].uow == uow)
            v = stores[i].views;
    if (!v)
        abort();
    EventRow rows[256];
    ViewPage page = {.limit = 256};
    int64_t after = 0;
    for (;;) {
        size_t n;
        ErrBuf err = {{0}};
        if (views_events(v, after, &page, rows, &n, &err) != ALLOT_OK) {
            fprintf(stderr, "test_uow_events: %s\n", err.msg);
            abort();
        }
        for (size_t i = 0; i < n; i++)
            event_vec_push(out, &rows[i].ev);
        if (n < page.limit)
            return;
        after = rows[n - 1].id;
    }
}
