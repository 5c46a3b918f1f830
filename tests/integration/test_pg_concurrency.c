/* Four writer processes allocate 2,000 lines each on one hot SKU of one PostgreSQL
 * database at the same time (SPEC.md §3.1; issue 10 acceptance): every line in
 * exactly one place, no batch over-allocated, versions consistent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "test_pg.h"
#include "test_store.h"

#define WRITERS 4
#define LINES_PER_PROCESS 2000

static StoreTarget target;
static void setup(void) { test_store_new(&target); }
static void teardown(void) { test_store_free(&target); }
TestSuite(pg_concurrency, .init = setup, .fini = teardown, .timeout = 600);

/* The child: waits for the start signal, allocates its lines, reports retries. */
static void writer(char tag, int start_fd, int report_fd)
{
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    if (store_open(&target, NULL, &uow, NULL, &err) != ALLOT_OK) {
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

Test(pg_concurrency, four_processes_allocating_on_one_sku_never_lose_or_double_count_a_line)
{
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    cr_assert_eq(store_open(&target, NULL, &uow, NULL, &err), ALLOT_OK, "%s", err.msg);
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    /* room for about three quarters of the 16,000 units asked for */
    Command cb[] = {command_create_batch("B1", "LAMP", 6000, ALLOT_NO_ETA),
                    command_create_batch("B2", "LAMP", 4000, 20500),
                    command_create_batch("B3", "LAMP", 2000, 20400)};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(bus_handle(bus, &cb[i], NULL, &err), ALLOT_OK, "%s", err.msg);
    bus_free(bus);
    uow_free(uow);

    int start[2], report[2];
    cr_assert_eq(pipe(start), 0);
    cr_assert_eq(pipe(report), 0);
    pid_t kids[WRITERS];
    for (int k = 0; k < WRITERS; k++) {
        fflush(NULL);
        kids[k] = fork();
        cr_assert_neq(kids[k], -1);
        if (kids[k] == 0)
            writer((char)('A' + k), start[0], report[1]);
    }
    cr_assert_eq(write(start[1], "gggg", WRITERS), WRITERS); /* all at once */
    long retries[WRITERS] = {0}, total = 0;
    for (int k = 0; k < WRITERS; k++) {
        int status;
        cr_assert_eq(waitpid(kids[k], &status, 0), kids[k]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed (status %d)", k,
                  status);
        cr_assert_eq(read(report[0], &retries[k], sizeof retries[k]), (ssize_t)sizeof retries[k]);
        total += retries[k];
    }
    fprintf(stderr, "pg concurrency: conflict retries seen by the %d writers: %ld %ld %ld %ld "
                    "(total %ld for %d lines)\n",
            WRITERS, retries[0], retries[1], retries[2], retries[3], total,
            WRITERS * LINES_PER_PROCESS);

    const char *d = test_pg_dbname(&target);
    long long n = WRITERS * LINES_PER_PROCESS;
    /* every line in exactly one place (the primary key holds "at most one") */
    cr_assert_eq(test_pg_scalar(d, "SELECT count(*) FROM allot.lines"), n);
    cr_assert_eq(test_pg_scalar(d, "SELECT count(DISTINCT orderid) FROM allot.lines"), n);
    /* no batch over-allocated */
    cr_assert_eq(test_pg_scalar(d, "SELECT count(*) FROM allot.batches b WHERE b.qty <"
                                   " (SELECT coalesce(sum(qty), 0) FROM allot.lines WHERE batch_id = b.id)"),
                 0);
    cr_assert_eq(test_pg_scalar(d, "SELECT (allocated = (SELECT sum(qty) FROM allot.lines WHERE"
                                   " batch_id IS NOT NULL) AND bo_lines = (SELECT count(*) FROM"
                                   " allot.lines WHERE batch_id IS NULL))::int FROM allot.products"),
                 1);
    cr_assert_gt(test_pg_scalar(d, "SELECT count(*) FROM allot.lines WHERE batch_id IS NULL"), 0);
    /* versions consistent: one per change, one event per change */
    cr_assert_eq(test_pg_scalar(d, "SELECT version FROM allot.products WHERE sku = 'LAMP'"), 3 + n);
    cr_assert_eq(test_pg_scalar(d, "SELECT count(*) FROM allot.events"), 3 + n);
    cr_assert_eq(test_pg_scalar(d, "SELECT count(DISTINCT orderid) FROM allot.events"
                                   " WHERE orderid IS NOT NULL"), n);
    cr_assert_eq(test_pg_scalar(d, "SELECT next_seq FROM allot.products"), 4 + n);

    cr_assert_eq(store_open(&target, NULL, &uow, NULL, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    Product *p;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_eq(product_line_count(p), (size_t)n);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_OK, "%s", err.msg);
    uow_rollback(uow);
    uow_free(uow);
}
