/* The PostgreSQL store on a real server (a throwaway cluster of its own:
 * tests/support/pg_cluster.sh --tcp): the book's concurrency test, the follower
 * across commits out of id order, migrations, faults (SPEC.md §3.1; issue 10). */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "persistence/pg_conn.h"
#include "test_pg.h"
#include "test_store.h"

static StoreTarget target;
static ErrBuf err;

static void setup(void) { test_store_new(&target); }
static void teardown(void) { test_store_free(&target); }
TestSuite(pg_store, .init = setup, .fini = teardown, .timeout = 120);

static const char *db(void) { return test_pg_dbname(&target); }

static UnitOfWork *open_uow(void)
{
    UnitOfWork *u;
    cr_assert_eq(store_open(&target, NULL, &u, NULL, &err), ALLOT_OK, "%s", err.msg);
    return u;
}

static void must(MessageBus *bus, Command c)
{
    cr_assert_eq(bus_handle(bus, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

/* The book's own test (ch. 7, "test_concurrent_updates_to_version_are_not_allowed"):
 * two units of work load the same product, both allocate, exactly one commits. */
Test(pg_store, two_units_of_work_allocating_on_one_product_only_one_commits)
{
    UnitOfWork *a = open_uow(), *b = open_uow();
    MessageBus *bus = bootstrap(a, NULL, NULL, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    long long v0 = test_pg_scalar(db(), "SELECT version FROM allot.products WHERE sku = 'LAMP'");
    Product *pa, *pb;
    cr_assert_eq(uow_begin(a, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(uow_begin(b, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(repository_get(uow_products(a), "LAMP", &pa, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(repository_get(uow_products(b), "LAMP", &pb, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(product_allocate(pa, "o1", 3, ALLOT_NO_DATE, 1, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(pb, "o2", 3, ALLOT_NO_DATE, 2, NULL, &err), ALLOT_OK);
    cr_assert_eq(uow_commit(a, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(uow_commit(b, &err), ALLOT_ECONFLICT, "%s", err.msg);
    cr_assert(strstr(err.msg, "LAMP") || strstr(err.msg, "another writer"), "%s", err.msg);
    cr_assert_eq(test_pg_scalar(db(), "SELECT version FROM allot.products WHERE sku = 'LAMP'"),
                 v0 + 1);
    cr_assert_eq(test_pg_scalar(db(), "SELECT count(*) FROM allot.lines"), 1);
    cr_assert_eq(test_pg_scalar(db(), "SELECT count(*) FROM allot.lines WHERE orderid = 'o1'"), 1);
    cr_assert_eq(test_pg_scalar(db(), "SELECT count(*) FROM allot.events WHERE type = 'Allocated'"), 1);
    /* the loser retried through the bus lands on the new version */
    MessageBus *bus_b = bootstrap(b, NULL, NULL, NULL);
    must(bus_b, command_allocate("o2", "LAMP", 3));
    cr_assert_eq(test_pg_scalar(db(), "SELECT version FROM allot.products WHERE sku = 'LAMP'"),
                 v0 + 2);
    bus_free(bus_b);
    bus_free(bus);
    uow_free(a);
    uow_free(b);
}

/* SPEC.md §3.1: a follower never misses an event whose id is lower than one it has
 * read but that committed later. */
Test(pg_store, a_follower_gets_an_event_that_commits_after_one_with_a_higher_id)
{
    UnitOfWork *u = open_uow();
    MessageBus *bus = bootstrap(u, NULL, NULL, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    FollowStart start = {.from = FOLLOW_AFTER_ID, .id = 0};
    EventFollower *f;
    cr_assert_eq(store_follow(&target, &start, &f, &err), ALLOT_OK, "%s", err.msg);
    EventRow rows[16];
    size_t n;
    for (int i = 0; i < 100; i++) {
        cr_assert_eq(follower_read(f, rows, 16, &n, &err), ALLOT_OK, "%s", err.msg);
        if (n)
            break;
        follower_wait(f, 100, &err);
    }
    cr_assert_eq(n, 1);
    /* another writer takes the next id and stays open ... */
    char conninfo[128];
    snprintf(conninfo, sizeof conninfo, "dbname=%s", db());
    PGconn *other = PQconnectdb(conninfo);
    cr_assert_eq(PQstatus(other), CONNECTION_OK);
    PQclear(PQexec(other, "BEGIN"));
    PGresult *r = PQexec(other, "INSERT INTO allot.events (at, type, sku, batchref, qty, eta)"
                                " VALUES (0, 'BatchCreated', 'DESK', 'D1', 5, NULL) RETURNING id");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(other));
    long long low = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    /* ... while this one takes a higher id and commits first */
    must(bus, command_allocate("o1", "LAMP", 3));
    long long high = test_pg_scalar(db(), "SELECT max(id) FROM allot.events");
    cr_assert_gt(high, low);
    cr_assert_eq(follower_read(f, rows, 16, &n, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(n, 0, "handed out id %lld before the older transaction ended", (long long)rows[0].id);
    /* a reader that follows by id sees the higher id now and would skip the lower */
    Views *v;
    cr_assert_eq(store_open_views(&target, STORE_READ_ONLY, &v, &err), ALLOT_OK, "%s", err.msg);
    ViewPage page = {.limit = 16};
    EventRow byid[16];
    cr_assert_eq(views_events(v, 1, &page, byid, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(byid[0].id, high);
    PQclear(PQexec(other, "COMMIT"));
    PQfinish(other);
    cr_assert_eq(views_events(v, high, &page, byid, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 0, "by id, the late commit is lost");
    views_free(v);
    /* the follower hands out both, the late one included, each once */
    size_t got = 0;
    for (int i = 0; i < 100 && got < 2; i++) {
        cr_assert_eq(follower_wait(f, 100, &err), ALLOT_OK, "%s", err.msg);
        cr_assert_eq(follower_read(f, rows + got, 16 - got, &n, &err), ALLOT_OK, "%s", err.msg);
        got += n;
    }
    cr_assert_eq(got, 2);
    cr_assert_eq(rows[0].id, low);
    cr_assert_eq(rows[1].id, high);
    cr_assert_lt(rows[0].tx, rows[1].tx);
    cr_assert_eq(follower_read(f, rows, 16, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 0);
    follower_free(f);
    bus_free(bus);
    uow_free(u);
}

Test(pg_store, two_processes_opening_a_fresh_database_at_once_migrate_it_once)
{
    pid_t kids[4];
    for (int i = 0; i < 4; i++) {
        fflush(NULL);
        kids[i] = fork();
        cr_assert_neq(kids[i], -1);
        if (kids[i] == 0) {
            UnitOfWork *u;
            ErrBuf e;
            int rc = store_open(&target, NULL, &u, NULL, &e) == ALLOT_OK ? 0 : 3;
            if (rc)
                fprintf(stderr, "child: %s\n", e.msg);
            else
                uow_free(u);
            _exit(rc);
        }
    }
    for (int i = 0; i < 4; i++) {
        int status;
        cr_assert_eq(waitpid(kids[i], &status, 0), kids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d failed", i);
    }
    cr_assert_eq(test_pg_scalar(db(), "SELECT count(*) FROM allot.schema_version"), 1);
    /* the newest version this program knows (schema/pg/NNNN_*.sql) */
    cr_assert_eq(test_pg_scalar(db(), "SELECT version FROM allot.schema_version"),
                 pg_schema_version);
}

Test(pg_store, a_schema_newer_than_the_program_is_refused)
{
    uow_free(open_uow());
    test_pg_exec(db(), "UPDATE allot.schema_version SET version = 99");
    UnitOfWork *u;
    cr_assert_eq(store_open(&target, NULL, &u, NULL, &err), ALLOT_ESTORAGE);
    cr_assert(strstr(err.msg, "version 99"), "%s", err.msg);
    cr_assert(strstr(err.msg, db()), "%s", err.msg);
    Views *v;
    cr_assert_eq(store_open_views(&target, STORE_READ_ONLY, &v, &err), ALLOT_ESTORAGE);
    cr_assert(strstr(err.msg, "newer"), "%s", err.msg);
}

static void expect_refused(const char *uri, const char *reason, const char *names[])
{
    StoreTarget t;
    cr_assert_eq(store_target(uri, &t, &err), ALLOT_OK);
    UnitOfWork *u = NULL;
    cr_assert_eq(store_open(&t, NULL, &u, NULL, &err), ALLOT_ESTORAGE, "%s", uri);
    cr_assert_eq(allot_status_exit_code(ALLOT_ESTORAGE), 3);
    cr_assert(strstr(err.msg, reason), "%s", err.msg);
    for (int i = 0; names[i]; i++)
        cr_assert(strstr(err.msg, names[i]), "%s lacks %s", err.msg, names[i]);
}

Test(pg_store, a_missing_database_is_a_storage_error_naming_host_port_and_database)
{
    const char *names[] = {"database nosuchdb", "host ", "port ", NULL};
    expect_refused("postgresql:///nosuchdb", "does not exist", names);
}

Test(pg_store, a_server_that_is_not_running_is_a_storage_error_naming_it)
{
    char uri[256];
    snprintf(uri, sizeof uri, "postgresql:///somedb?host=%s/nowhere&port=5999",
             getenv("ALLOT_TEST_PG_DIR"));
    const char *names[] = {"database somedb", "nowhere", "port 5999", NULL};
    expect_refused(uri, "No such file", names);
}

Test(pg_store, a_wrong_password_is_a_storage_error_naming_it)
{
    const char *port = getenv("ALLOT_TEST_PG_TCP_PORT");
    cr_assert(port, "the cluster listens on TCP for this test (pg_cluster.sh --tcp)");
    test_pg_exec("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                             "'planner') THEN CREATE ROLE planner LOGIN PASSWORD 'right'; END IF; END $$");
    char uri[256];
    snprintf(uri, sizeof uri, "postgresql://planner:wrong@127.0.0.1:%s/%s", port, db());
    const char *names[] = {"127.0.0.1", port, db(), NULL};
    expect_refused(uri, "password authentication failed", names);
    cr_assert_null(strstr(err.msg, "wrong"), "the password is never shown: %s", err.msg);
    cr_assert_eq(test_pg_scalar(db(), "SELECT count(*) FROM pg_namespace WHERE nspname = 'allot'"), 0);
}

Test(pg_store, no_permission_on_the_schema_is_a_storage_error_and_creates_nothing)
{
    test_pg_exec("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                             "'clerk') THEN CREATE ROLE clerk LOGIN; END IF; END $$");
    char sql[256];
    snprintf(sql, sizeof sql, "REVOKE CREATE ON DATABASE %s FROM PUBLIC", db());
    test_pg_exec("postgres", sql);
    char uri[256];
    snprintf(uri, sizeof uri, "postgresql://clerk@/%s", db());
    const char *names[] = {db(), "host ", "port ", NULL};
    expect_refused(uri, "permission denied", names);
    cr_assert_eq(test_pg_scalar(db(), "SELECT count(*) FROM pg_namespace WHERE nspname = 'allot'"), 0);
    /* the schema made by its owner, but no USAGE granted: also refused, nothing made */
    uow_free(open_uow());
    const char *names2[] = {db(), NULL};
    expect_refused(uri, "permission denied", names2);
}

static AllotStatus many_products(MessageBus *bus, void *ctx, ErrBuf *e)
{
    int n = *(int *)ctx;
    for (int i = 0; i < n; i++) {
        char ref[32], sku[32];
        snprintf(ref, sizeof ref, "B%d", i);
        snprintf(sku, sizeof sku, "SKU%05d", i);
        Command c = command_create_batch(ref, sku, 10, ALLOT_NO_ETA);
        AllotStatus st = bus_handle(bus, &c, NULL, e);
        if (st != ALLOT_OK)
            return st;
    }
    return ALLOT_OK;
}

/* An import of 10,000 SKUs loads more products in its one transaction than the
 * server's lock table holds (max_locks_per_transaction x max_connections): bulk
 * work takes no advisory lock per product. */
Test(pg_store, bulk_work_on_ten_thousand_products_commits_whole)
{
    UnitOfWork *u = open_uow();
    MessageBus *bus = bootstrap(u, NULL, NULL, NULL);
    int n = 10000;
    cr_assert_eq(bus_bulk(bus, many_products, &n, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(test_pg_scalar(db(), "SELECT count(*) FROM allot.products"), n);
    cr_assert_eq(test_pg_scalar(db(), "SELECT count(*) FROM allot.events"), n);
    bus_free(bus);
    uow_free(u);
}
