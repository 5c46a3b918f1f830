/* A process killed with SIGKILL in the middle of bulk work leaves a sound file
 * holding all of the work or none (SPEC.md §3 "Bulk work"; issue 3 acceptance). */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "persistence/sqlite_uow.h"
#include "tmpdb.h"

#define COMMANDS 100000
#define SKUS 100

static TmpDb db;
static void setup(void) { tmpdb_init(&db); }
static void teardown(void) { tmpdb_fini(&db); }
TestSuite(sqlite_crash, .init = setup, .fini = teardown, .timeout = 600);

static int64_t sql_int(sqlite3 *c, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(c));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The child: one bulk unit of work of COMMANDS Allocates; says "half" after half of
 * them and "end" just before committing. */
static void bulk_child(int fd)
{
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    if (sqlite_uow_open(db.path, NULL, &uow, &err) != ALLOT_OK)
        _exit(2);
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    if (uow_bulk_begin(uow, &err) != ALLOT_OK)
        _exit(3);
    for (int i = 0; i < COMMANDS; i++) {
        if (i == COMMANDS / 2 && write(fd, "h", 1) != 1)
            _exit(4);
        char oid[32], sku[32];
        snprintf(oid, sizeof oid, "o%06d", i);
        snprintf(sku, sizeof sku, "SKU%03d", i % SKUS);
        Command c = command_allocate(oid, sku, 1);
        if (bus_handle(bus, &c, NULL, &err) != ALLOT_OK)
            _exit(5);
    }
    if (write(fd, "e", 1) != 1)
        _exit(4);
    if (uow_bulk_end(uow, true, &err) != ALLOT_OK)
        _exit(6);
    bus_free(bus);
    uow_free(uow);
    _exit(0);
}

static void seed(void)
{
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(db.path, NULL, &uow, &err), ALLOT_OK, "%s", err.msg);
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
    for (int s = 0; s < SKUS; s++) {
        char ref[32], sku[32];
        snprintf(ref, sizeof ref, "B%03d", s);
        snprintf(sku, sizeof sku, "SKU%03d", s);
        Command c = command_create_batch(ref, sku, COMMANDS / SKUS / 2, ALLOT_NO_ETA);
        cr_assert_eq(bus_handle(bus, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
    }
    cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
    bus_free(bus);
    uow_free(uow);
}

/* Kills the bulk child when it says `when` (plus delay_us), then checks the file. */
static void kill_and_check(char when, long delay_us)
{
    seed();
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t kid = fork();
    cr_assert_neq(kid, -1);
    if (kid == 0) {
        close(fds[0]);
        bulk_child(fds[1]);
    }
    close(fds[1]);
    char c = 0;
    while (c != when)
        cr_assert_eq(read(fds[0], &c, 1), 1, "the child ended before '%c'", when);
    if (delay_us) {
        struct timespec ts = {0, delay_us * 1000};
        nanosleep(&ts, NULL);
    }
    kill(kid, SIGKILL);
    int status;
    cr_assert_eq(waitpid(kid, &status, 0), kid);
    bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;

    sqlite3 *conn;
    cr_assert_eq(sqlite3_open(db.path, &conn), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(conn, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    int64_t lines = sql_int(conn, "SELECT COUNT(*) FROM lines");
    int64_t events = sql_int(conn, "SELECT COUNT(*) FROM events");
    int64_t versions = sql_int(conn, "SELECT SUM(version) FROM products");
    sqlite3_close(conn);
    fprintf(stderr, "crash at '%c'+%ldus: %s; lines %lld, events %lld\n", when, delay_us,
            killed ? "killed" : "finished first", (long long)lines, (long long)events);
    if (lines == 0) {
        cr_assert_eq(events, SKUS);
        cr_assert_eq(versions, SKUS);
    } else {
        cr_assert_eq(lines, COMMANDS, "part of the work survived");
        cr_assert_eq(events, SKUS + COMMANDS);
        cr_assert_eq(versions, SKUS + COMMANDS);
    }
    if (when == 'h')
        cr_assert(killed && lines == 0);
}

Test(sqlite_crash, a_kill_in_the_middle_of_bulk_work_leaves_none_of_it)
{
    kill_and_check('h', 0);
}

Test(sqlite_crash, a_kill_while_bulk_work_commits_leaves_all_or_none_of_it)
{
    kill_and_check('e', 20000);
}
