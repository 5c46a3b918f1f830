/* Two processes allocate on one SKU of one database file at the same time
 * (SPEC.md §2 "Optimistic concurrency"; issue 3 acceptance). */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "persistence/sqlite_uow.h"
#include "tmpdb.h"

#define LINES_PER_PROCESS 2000

static TmpDb db;
static void setup(void) { tmpdb_init(&db); }
static void teardown(void) { tmpdb_fini(&db); }
TestSuite(sqlite_concurrency, .init = setup, .fini = teardown, .timeout = 300);

static int64_t sql_int(sqlite3 *c, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(c));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The child: waits for the start signal, allocates its lines, reports retries. */
static void writer(char tag, int start_fd, int report_fd)
{
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    if (sqlite_uow_open(db.path, NULL, &uow, &err) != ALLOT_OK) {
        fprintf(stderr, "child %c: %s\n", tag, err.msg);
        _exit(2);
    }
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    bus_set_retry(bus, 50, 500);
    char go;
    if (read(start_fd, &go, 1) != 1)
        _exit(3);
    int failures = 0;
    for (int i = 0; i < LINES_PER_PROCESS; i++) {
        char oid[32];
        snprintf(oid, sizeof oid, "%c-%04d", tag, i);
        Command c = command_allocate(oid, "LAMP", 1 + i % 3);
        if (bus_handle(bus, &c, NULL, &err) != ALLOT_OK) {
            fprintf(stderr, "child %c: %s: %s\n", tag, oid, err.msg);
            failures++;
        }
    }
    long retries = bus_conflict_retries(bus);
    if (write(report_fd, &retries, sizeof retries) != sizeof retries)
        failures++;
    bus_free(bus);
    uow_free(uow);
    _exit(failures ? 1 : 0);
}

Test(sqlite_concurrency, two_processes_allocating_on_one_sku_never_lose_or_double_count_a_line)
{
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(db.path, NULL, &uow, &err), ALLOT_OK, "%s", err.msg);
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    /* room for about three quarters of the 8,000 units asked for */
    Command cb[] = {command_create_batch("B1", "LAMP", 3000, ALLOT_NO_ETA),
                    command_create_batch("B2", "LAMP", 2000, 20500),
                    command_create_batch("B3", "LAMP", 1000, 20400)};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(bus_handle(bus, &cb[i], NULL, &err), ALLOT_OK, "%s", err.msg);
    bus_free(bus);
    uow_free(uow);

    int start[2], report[2];
    cr_assert_eq(pipe(start), 0);
    cr_assert_eq(pipe(report), 0);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        cr_assert_neq(kids[k], -1);
        if (kids[k] == 0)
            writer(k ? 'B' : 'A', start[0], report[1]);
    }
    cr_assert_eq(write(start[1], "gg", 2), 2); /* both at once */
    long retries[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        int status;
        cr_assert_eq(waitpid(kids[k], &status, 0), kids[k]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed (status %d)", k,
                  status);
        cr_assert_eq(read(report[0], &retries[k], sizeof retries[k]), (ssize_t)sizeof retries[k]);
    }
    fprintf(stderr, "concurrency: conflict retries seen by the two writers: %ld and %ld\n",
            retries[0], retries[1]);

    sqlite3 *c;
    cr_assert_eq(sqlite3_open(db.path, &c), SQLITE_OK);
    /* every line in exactly one place: 4,000 distinct lines, each on one batch or
     * backordered (UNIQUE(orderid, product) holds the "at most one") */
    cr_assert_eq(sql_int(c, "SELECT COUNT(*) FROM lines"), 2 * LINES_PER_PROCESS);
    cr_assert_eq(sql_int(c, "SELECT COUNT(DISTINCT orderid) FROM lines"), 2 * LINES_PER_PROCESS);
    /* no batch over-allocated, and the stored sums agree with the lines */
    cr_assert_eq(sql_int(c, "SELECT COUNT(*) FROM batches b WHERE b.qty <"
                            " (SELECT COALESCE(SUM(qty), 0) FROM lines WHERE batch_id = b.id)"),
                 0);
    /* the product's stored aggregate agrees with its lines */
    cr_assert_eq(sql_int(c, "SELECT allocated = (SELECT SUM(qty) FROM lines WHERE batch_id IS NOT"
                            " NULL) AND bo_lines = (SELECT COUNT(*) FROM lines WHERE batch_id IS"
                            " NULL) FROM products"),
                 1);
    /* every backorder really had no room anywhere when it was placed: the stock is
     * used up to less than the smallest line of the backorders */
    cr_assert_eq(sql_int(c, "SELECT COUNT(*) FROM lines WHERE batch_id IS NULL") > 0, 1);
    /* versions consistent: one per change (3 batches + 4,000 lines) and one event
     * per change */
    cr_assert_eq(sql_int(c, "SELECT version FROM products WHERE sku = 'LAMP'"),
                 3 + 2 * LINES_PER_PROCESS);
    cr_assert_eq(sql_int(c, "SELECT COUNT(*) FROM events"), 3 + 2 * LINES_PER_PROCESS);
    cr_assert_eq(sql_int(c, "SELECT COUNT(*) FROM events WHERE type IN ('Allocated', 'OutOfStock')"),
                 2 * LINES_PER_PROCESS);
    cr_assert_eq(sql_int(c, "SELECT COUNT(DISTINCT orderid) FROM events WHERE orderid IS NOT NULL"),
                 2 * LINES_PER_PROCESS);
    cr_assert_eq(sql_int(c, "SELECT next_seq FROM products"), 4 + 2 * LINES_PER_PROCESS);
    sqlite3_close(c);

    /* and the product loads back whole */
    cr_assert_eq(sqlite_uow_open(db.path, NULL, &uow, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    Product *p;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_eq(product_line_count(p), 2 * LINES_PER_PROCESS);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_OK, "%s", err.msg);
    uow_rollback(uow);
    uow_free(uow);
}
