/* Several threads of one process, each with its own connection (as the worker
 * threads of `allot serve` have), write and read one SQLite database at once: the
 * file stays sound and no line is lost or doubled (SPEC.md §2 "Optimistic
 * concurrency", docs/storage.md).  Before the WAL shim kept each -wal buffer to its
 * own connection, a reader's shared-memory barrier could write a writer's half-
 * filled buffer: "database disk image is malformed" within a few hundred commits. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "app/bootstrap.h"
#include "persistence/sqlite_uow.h"
#include "tmpdb.h"

#define WRITERS 4
#define READERS 3
#define PER_WRITER 1000

static TmpDb db;
static atomic_int failures;
static atomic_bool writing;
static char first_error[ALLOT_ERR_MAX];

static void note_failure(const char *msg)
{
    if (atomic_fetch_add(&failures, 1) == 0)
        snprintf(first_error, sizeof first_error, "%s", msg);
}

static void *writer(void *arg)
{
    int k = (int)(intptr_t)arg;
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    if (sqlite_uow_open(db.path, NULL, &uow, &err) != ALLOT_OK) {
        note_failure(err.msg);
        return NULL;
    }
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    for (int i = 0; i < PER_WRITER; i++) {
        char oid[32];
        snprintf(oid, sizeof oid, "w%d-%d", k, i);
        Command c = command_allocate(oid, i % 2 ? "LAMP" : "DESK", 1);
        if (bus_handle(bus, &c, NULL, &err) != ALLOT_OK)
            note_failure(err.msg);
    }
    bus_free(bus);
    uow_free(uow);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    Views *v;
    ErrBuf err = {{0}};
    if (sqlite_views_open(db.path, &v, &err) != ALLOT_OK) {
        note_failure(err.msg);
        return NULL;
    }
    EventRow rows[64];
    ViewPage page = {.limit = 64};
    while (atomic_load(&writing)) {
        int64_t last = 0;
        size_t n = 0;
        if (views_latest_event_id(v, &last, &err) != ALLOT_OK ||
            views_events(v, last > 64 ? last - 64 : 0, &page, rows, &n, &err) != ALLOT_OK)
            note_failure(err.msg);
    }
    views_free(v);
    return NULL;
}

Test(sqlite_threads, threads_with_a_connection_each_keep_the_database_sound)
{
    tmpdb_init(&db);
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(db.path, NULL, &uow, &err), ALLOT_OK, "%s", err.msg);
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    Command b1 = command_create_batch("B1", "LAMP", WRITERS * PER_WRITER, ALLOT_NO_ETA);
    Command b2 = command_create_batch("B2", "DESK", WRITERS * PER_WRITER / 4, ALLOT_NO_ETA);
    cr_assert_eq(bus_handle(bus, &b1, NULL, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(bus_handle(bus, &b2, NULL, &err), ALLOT_OK, "%s", err.msg);
    atomic_store(&writing, true);
    pthread_t w[WRITERS], r[READERS];
    for (int i = 0; i < READERS; i++)
        pthread_create(&r[i], NULL, reader, NULL);
    for (int i = 0; i < WRITERS; i++)
        pthread_create(&w[i], NULL, writer, (void *)(intptr_t)i);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(w[i], NULL);
    atomic_store(&writing, false);
    for (int i = 0; i < READERS; i++)
        pthread_join(r[i], NULL);
    cr_assert_eq(atomic_load(&failures), 0, "%d failures, the first: %s", atomic_load(&failures),
                 first_error);
    sqlite3 *c;
    cr_assert_eq(sqlite3_open(db.path, &c), SQLITE_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(c, "PRAGMA integrity_check", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_prepare_v2(c, "SELECT COUNT(*), COUNT(DISTINCT orderid) FROM lines", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), WRITERS * PER_WRITER);
    cr_assert_eq(sqlite3_column_int(st, 1), WRITERS * PER_WRITER);
    sqlite3_finalize(st);
    sqlite3_close(c);
    bus_free(bus);
    uow_free(uow);
    tmpdb_fini(&db);
}
