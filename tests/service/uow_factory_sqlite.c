/* The service suite on the SQLite unit of work (persistence/sqlite_uow.h): each
 * store is a fresh database file in a temporary directory of its own. */
#include "uow_factory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/views.h"
#include "persistence/sqlite_uow.h"

typedef struct {
    UnitOfWork *uow;
    char dir[256];
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
    const char *base = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/allot-service-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(s->dir))
        abort();
    char path[300];
    snprintf(path, sizeof path, "%s/allot.db", s->dir);
    ErrBuf err = {{0}};
    if (sqlite_uow_open(path, NULL, &s->uow, &err) != ALLOT_OK) {
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
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", stores[i].dir);
        if (system(cmd) != 0)
            fprintf(stderr, "test_uow_free: could not remove %s\n", stores[i].dir);
        stores[i].uow = NULL;
        return;
    }
}

void test_uow_events(UnitOfWork *uow, EventVec *out)
{
    event_vec_clear(out);
    Views *v = sqlite_uow_views(uow);
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
