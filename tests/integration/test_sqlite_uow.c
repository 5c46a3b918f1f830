/* The SQLite unit of work on real database files (SPEC.md §2, §3; issue 3). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/bootstrap.h"
#include "app/views.h"
#include "persistence/sqlite_schema.h"
#include "persistence/sqlite_uow.h"
#include "tmpdb.h"

static TmpDb db;
static FixedClock fclock = {{fixed_clock_now}, 1796000000};

static void setup(void) { tmpdb_init(&db); }
static void teardown(void) { tmpdb_fini(&db); }

TestSuite(sqlite_uow, .init = setup, .fini = teardown);

static UnitOfWork *open_uow(void)
{
    UnitOfWork *uow = NULL;
    ErrBuf err = {{0}};
    AllotStatus st = sqlite_uow_open(db.path, &fclock.base, &uow, &err);
    cr_assert_eq(st, ALLOT_OK, "open: %s", err.msg);
    return uow;
}

/* One integer from a query on the database at `path`, on a connection of the
 * test's own. */
static int64_t path_int(const char *path, const char *sql)
{
    sqlite3 *c;
    cr_assert_eq(sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(c));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(c);
    return v;
}

/* One integer from a query on the test's database. */
static int64_t sql_int(const char *sql) { return path_int(db.path, sql); }

static void must(MessageBus *bus, Command c)
{
    ErrBuf err = {{0}};
    AllotStatus st = bus_handle(bus, &c, NULL, &err);
    cr_assert_eq(st, ALLOT_OK, "%s: %s", command_type_name(c.type), err.msg);
}

static int32_t day(const char *ymd)
{
    int32_t d;
    ErrBuf err;
    cr_assert_eq(validate_eta(ymd, &d, &err), ALLOT_OK);
    return d;
}

Test(sqlite_uow, creates_the_schema_on_first_open_in_wal_mode)
{
    UnitOfWork *uow = open_uow();
    cr_assert_eq(sql_int("PRAGMA user_version"), sqlite_schema_version);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'events'"), 1);
    sqlite3 *c;
    sqlite3_open(db.path, &c);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(c, "PRAGMA journal_mode", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(c);
    uow_free(uow);
}

Test(sqlite_uow, creates_a_missing_directory)
{
    char path[400];
    snprintf(path, sizeof path, "%s/deeper/still/allot.db", db.dir);
    UnitOfWork *uow = NULL;
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(path, NULL, &uow, &err), ALLOT_OK, "%s", err.msg);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    uow_free(uow);
}

Test(sqlite_uow, commit_persists_across_reopening_the_file)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    must(bus, command_create_batch("B2", "LAMP", 5, day("2027-01-02")));
    must(bus, command_allocate("o1", "LAMP", 4));
    must(bus, command_allocate("o2", "LAMP", 20)); /* backorder */
    bus_free(bus);
    uow_free(uow);

    uow = open_uow();
    ErrBuf err;
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    Product *p;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_not_null(p);
    cr_assert_eq(product_batch_count(p), 2);
    cr_assert_eq(product_find_batch(p, "B2")->eta, day("2027-01-02"));
    cr_assert_str_eq(product_line_batchref(p, product_find_line(p, "o1")), "B1");
    cr_assert_str_eq(product_line_batchref(p, product_find_line(p, "o2")), "");
    cr_assert_eq(product_find_batch(p, "B1")->allocated, 4);
    cr_assert_eq(product_version(p), 4);
    cr_assert_eq(product_check_invariants(p, &err), ALLOT_OK, "%s", err.msg);
    Product *q;
    cr_assert_eq(repository_get_by_batchref(uow_products(uow), "B2", &q, &err), ALLOT_OK);
    cr_assert_eq(q, p);
    uow_rollback(uow);
    uow_free(uow);
}

Test(sqlite_uow, rolls_back_uncommitted_work_by_default)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    bus_free(bus);
    ErrBuf err;
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    Product *p;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o1", 3, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    uow_free(uow); /* no commit */

    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines"), 0);
    cr_assert_eq(sql_int("SELECT version FROM products WHERE sku = 'LAMP'"), 1);
    uow = open_uow();
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_null(product_find_line(p, "o1"));
    uow_rollback(uow);
    uow_free(uow);
}

Test(sqlite_uow, a_new_unit_of_work_forgets_an_unfinished_one)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ErrBuf err;
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    Product *p;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o1", 3, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    /* begin again without commit: the allocation of o1 is gone */
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_null(product_find_line(p, "o1"));
    cr_assert_eq(uow_commit(uow, &err), ALLOT_OK);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines"), 0);
    bus_free(bus);
    uow_free(uow);
}

Test(sqlite_uow, rolls_back_on_error)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    must(bus, command_allocate("o1", "LAMP", 3));
    int64_t events_before = sql_int("SELECT COUNT(*) FROM events");
    ErrBuf err = {{0}};
    Command bad = command_allocate("o1", "LAMP", 4); /* same line, other qty */
    cr_assert_eq(bus_handle(bus, &bad, NULL, &err), ALLOT_ELINE_QTY_MISMATCH);
    Command dup = command_create_batch("B1", "DESK", 1, ALLOT_NO_ETA);
    cr_assert_eq(bus_handle(bus, &dup, NULL, &err), ALLOT_EDUPLICATE_BATCH);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM products WHERE sku = 'DESK'"), 0);
    cr_assert_eq(sql_int("SELECT qty FROM lines WHERE orderid = 'o1'"), 3);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events"), events_before);
    /* the store still works after the errors */
    must(bus, command_allocate("o2", "LAMP", 2));
    cr_assert_eq(sql_int("SELECT SUM(l.qty) FROM lines l JOIN batches b ON b.id = l.batch_id"
                         " WHERE b.ref = 'B1'"), 5);
    bus_free(bus);
    uow_free(uow);
}

Test(sqlite_uow, stores_events_with_the_change_and_none_on_rollback)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, day("2027-03-04")));
    must(bus, command_allocate("o1", "LAMP", 3));
    must(bus, command_change_batch_qty("B1", 2)); /* o1 deallocated */
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events"), 4);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events WHERE type = 'Deallocated' AND orderid = 'o1'"
                         " AND batchref = 'B1' AND qty = 3 AND sku = 'LAMP'"),
                 1);
    cr_assert_eq(sql_int("SELECT old_qty * 100 + new_qty FROM events WHERE type ="
                         " 'BatchQuantityChanged'"),
                 1002);
    cr_assert_eq(sql_int("SELECT eta FROM events WHERE type = 'BatchCreated'"), day("2027-03-04"));
    cr_assert_eq(sql_int("SELECT MIN(at) = MAX(at) AND MIN(at) = 1796000000 FROM events"), 1);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events WHERE id <= 0"), 0);

    /* a change that is rolled back leaves no event */
    ErrBuf err;
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    Product *p;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_eq(product_change_batch_qty(p, "B1", 50, &err), ALLOT_OK);
    uow_rollback(uow);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events"), 4);
    cr_assert_eq(sql_int("SELECT qty FROM batches WHERE ref = 'B1'"), 2);

    /* events read back through the read model, oldest first */
    EventRow rows[8];
    size_t n;
    ViewPage pg = {.limit = 8};
    cr_assert_eq(views_events(sqlite_uow_views(uow), 0, &pg, rows, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 4);
    cr_assert_eq(rows[0].ev.type, EV_BATCH_CREATED);
    cr_assert_eq(rows[1].ev.type, EV_ALLOCATED);
    cr_assert_eq(rows[2].ev.type, EV_BATCH_QTY_CHANGED);
    cr_assert_eq(rows[3].ev.type, EV_DEALLOCATED);
    cr_assert(rows[0].id < rows[1].id && rows[1].id < rows[2].id && rows[2].id < rows[3].id);
    bus_free(bus);
    uow_free(uow);
}

Test(sqlite_uow, the_version_counts_every_change)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    for (int i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "o%d", i);
        must(bus, command_allocate(id, "LAMP", 1));
    }
    must(bus, command_cancel_line("o2", "LAMP"));
    cr_assert_eq(sql_int("SELECT version FROM products WHERE sku = 'LAMP'"), 7);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines"), 4);
    cr_assert_eq(sql_int("SELECT SUM(qty) FROM lines WHERE batch_id IS NOT NULL"), 4);
    bus_free(bus);
    uow_free(uow);
}

Test(sqlite_uow, sees_changes_made_by_another_connection)
{
    UnitOfWork *a = open_uow(), *b = open_uow();
    MessageBus *ba = bootstrap(a, NULL, &fclock.base, NULL);
    MessageBus *bb = bootstrap(b, NULL, &fclock.base, NULL);
    must(ba, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    must(ba, command_allocate("o1", "LAMP", 4)); /* a caches LAMP */
    must(bb, command_allocate("o2", "LAMP", 4)); /* b changes it */
    must(ba, command_allocate("o3", "LAMP", 4)); /* a must see o2: no room left for o3 */
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE batch_id IS NULL"), 1);
    cr_assert_eq(sql_int("SELECT SUM(l.qty) FROM lines l JOIN batches b ON b.id = l.batch_id"
                         " WHERE b.ref = 'B1'"), 8);
    cr_assert_eq(sql_int("SELECT version FROM products"), 4);
    bus_free(ba);
    bus_free(bb);
    uow_free(a);
    uow_free(b);
}

Test(sqlite_uow, bulk_work_is_all_or_nothing)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    ErrBuf err = {{0}};
    /* committed bulk work */
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    must(bus, command_create_batch("B2", "LAMP", 10, day("2027-01-01")));
    for (int i = 0; i < 30; i++) {
        char id[16];
        snprintf(id, sizeof id, "o%02d", i);
        must(bus, command_allocate(id, "LAMP", 1));
    }
    must(bus, command_change_batch_eta("B2", ALLOT_NO_ETA));
    cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines"), 30);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE batch_id IS NULL"), 10);
    cr_assert_eq(sql_int("SELECT version FROM products"), 33);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events"), 33);

    /* bulk work with a failing step: nothing of it stays */
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
    must(bus, command_create_batch("B3", "DESK", 5, ALLOT_NO_ETA));
    must(bus, command_allocate("p1", "DESK", 2));
    Command bad = command_allocate("p1", "DESK", 3);
    cr_assert_eq(bus_handle(bus, &bad, NULL, &err), ALLOT_ELINE_QTY_MISMATCH);
    cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_ESTORAGE);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM products WHERE sku = 'DESK'"), 0);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events"), 33);

    /* bulk work ended without commit: nothing stays either */
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
    must(bus, command_allocate("o99", "LAMP", 1));
    cr_assert_eq(uow_bulk_end(uow, false, &err), ALLOT_OK);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE orderid = 'o99'"), 0);

    /* and the cache did not keep what was rolled back */
    must(bus, command_allocate("o98", "LAMP", 1));
    cr_assert_eq(sql_int("SELECT version FROM products WHERE sku = 'LAMP'"), 34);
    bus_free(bus);
    uow_free(uow);
}

/* PRAGMA foreign_keys on the unit of work's connection. */
static int64_t foreign_keys_of(UnitOfWork *uow)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(sqlite_uow_connection(uow), "PRAGMA foreign_keys", -1, &st,
                                    NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* A line of a product that does not exist, written on the unit of work's
 * connection inside its transaction; the SQLite result code. */
static int insert_orphan_line(UnitOfWork *uow)
{
    return sqlite3_exec(sqlite_uow_connection(uow),
                        "INSERT INTO lines (orderid, product_id, qty, seq, batch_id, req)"
                        " VALUES ('ghost', 999, 1, 0, NULL, 1)", NULL, NULL, NULL);
}

/* SPEC.md §3: foreign keys hold for bulk work too, whether they are checked per row
 * (a large store) or all at once before the commit (a small one, issue 15). */
Test(sqlite_uow, bulk_work_with_a_dangling_reference_is_refused_whole_either_way)
{
    for (int at_end = 1; at_end >= 0; at_end--) {
        tmpdb_fini(&db);
        tmpdb_init(&db);
        UnitOfWork *uow = open_uow();
        if (!at_end)
            sqlite_uow_set_bulk_fk_check(uow, -1);
        MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
        ErrBuf err = {{0}};
        cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
        cr_assert_eq(foreign_keys_of(uow), at_end ? 0 : 1);
        must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
        must(bus, command_allocate("o1", "LAMP", 2));
        int rc = insert_orphan_line(uow);
        if (at_end) {
            cr_assert_eq(rc, SQLITE_OK);
            cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_ESTORAGE);
            cr_assert(strstr(err.msg, "a row of lines would refer to a missing row of products"),
                      "%s", err.msg);
            cr_assert(strstr(err.msg, db.path), "%s", err.msg);
        } else {
            cr_assert_eq(rc, SQLITE_CONSTRAINT_FOREIGNKEY);
            cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
        }
        cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE orderid = 'ghost'"), 0);
        cr_assert_eq(sql_int("SELECT COUNT(*) FROM products"), at_end ? 0 : 1);
        cr_assert_eq(sql_int("SELECT COUNT(*) FROM events"), at_end ? 0 : 2);
        /* keys are checked per row again after the bulk work */
        cr_assert_eq(foreign_keys_of(uow), 1);
        must(bus, command_create_batch("B2", "DESK", 5, ALLOT_NO_ETA));
        cr_assert_eq(sql_int("SELECT COUNT(*) FROM products WHERE sku = 'DESK'"), 1);
        cr_assert_eq(insert_orphan_line(uow), SQLITE_CONSTRAINT_FOREIGNKEY);
        bus_free(bus);
        uow_free(uow);
    }
}

Test(sqlite_uow, migrates_an_older_schema_by_its_stored_version)
{
    /* A version-1 database with data, as an older allot left it. */
    sqlite3 *c;
    cr_assert_eq(sqlite3_open(db.path, &c), SQLITE_OK);
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_schema_migrate(c, db.path, 1, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(sqlite3_exec(c,
                              "INSERT INTO products VALUES (1, 'LAMP', 3, 4);"
                              "INSERT INTO batches VALUES (1, 1, 'LAMP', 'B1', 10, -2147483648, 1);"
                              "INSERT INTO lines VALUES ('o1', 1, 4, 2, 1, 1);"
                              "INSERT INTO lines VALUES ('o2', 1, 9, 3, NULL, 2);",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(c));
    sqlite3_close(c);
    cr_assert_eq(sql_int("PRAGMA user_version"), 1);

    UnitOfWork *uow = open_uow();
    cr_assert_eq(sql_int("PRAGMA user_version"), sqlite_schema_version);
    ProductRow rows[2];
    size_t n;
    ViewPage pg = {.limit = 2};
    cr_assert_eq(views_products(sqlite_uow_views(uow), false, &pg, NULL, rows, &n, &err), ALLOT_OK,
                 "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_eq(rows[0].qty, 10);
    cr_assert_eq(rows[0].allocated, 4);
    cr_assert_eq(rows[0].backorder_lines, 1);
    cr_assert_eq(rows[0].backorder_qty, 9);
    cr_assert_eq(rows[0].next_eta, ALLOT_NO_ETA);
    /* and the old data works with the new code */
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_change_batch_qty("B1", 13)); /* o2 fits now */
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE batch_id IS NULL"), 0);
    cr_assert_eq(sql_int("SELECT version FROM products"), 4);
    cr_assert_eq(sql_int("SELECT next_seq FROM products"), 4);
    bus_free(bus);
    uow_free(uow);
}

Test(sqlite_uow, refuses_a_schema_newer_than_it_knows)
{
    UnitOfWork *uow = open_uow();
    uow_free(uow);
    sqlite3 *c;
    sqlite3_open(db.path, &c);
    sqlite3_exec(c, "PRAGMA user_version = 999", NULL, NULL, NULL);
    sqlite3_close(c);
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(db.path, NULL, &uow, &err), ALLOT_ESTORAGE);
    cr_assert_null(uow);
    cr_assert(strstr(err.msg, db.path), "%s", err.msg);
    cr_assert(strstr(err.msg, "999"), "%s", err.msg);
}

Test(sqlite_uow, an_unwritable_place_is_a_storage_error_naming_the_path)
{
    /* a regular file where a directory should be: no one can create below it */
    char file[400], path[450];
    snprintf(file, sizeof file, "%s/plain-file", db.dir);
    FILE *f = fopen(file, "w");
    fputs("x", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/allot.db", file);
    UnitOfWork *uow = NULL;
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(path, NULL, &uow, &err), ALLOT_ESTORAGE);
    cr_assert_null(uow);
    cr_assert(strstr(err.msg, path), "%s", err.msg);
    cr_assert_eq(allot_status_exit_code(ALLOT_ESTORAGE), 3);
}

Test(sqlite_uow, a_corrupt_file_is_a_storage_error_naming_the_path)
{
    int fd = open(db.path, O_CREAT | O_WRONLY, 0644);
    char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 3);
    cr_assert_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    close(fd);
    UnitOfWork *uow = NULL;
    ErrBuf err = {{0}};
    cr_assert_eq(sqlite_uow_open(db.path, NULL, &uow, &err), ALLOT_ESTORAGE);
    cr_assert_null(uow);
    cr_assert(strstr(err.msg, db.path), "%s", err.msg);
    Views *v = NULL;
    cr_assert_eq(sqlite_views_open(db.path, &v, &err), ALLOT_ESTORAGE);
    cr_assert_null(v);
}

Test(sqlite_uow, a_database_locked_past_the_timeout_is_a_storage_error_naming_the_path)
{
    UnitOfWork *uow = open_uow();
    sqlite_uow_set_busy_timeout(uow, 100);
    sqlite3 *c;
    sqlite3_open(db.path, &c);
    cr_assert_eq(sqlite3_exec(c, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    ErrBuf err = {{0}};
    Command cb = command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA);
    cr_assert_eq(bus_handle(bus, &cb, NULL, &err), ALLOT_ESTORAGE);
    cr_assert(strstr(err.msg, db.path), "%s", err.msg);
    cr_assert(strstr(err.msg, "locked"), "%s", err.msg);
    sqlite3_exec(c, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(c);
    /* once the lock is gone it works again */
    must(bus, cb);
    bus_free(bus);
    uow_free(uow);
}

/* unit_of_work.h begin_read: no write lock, so another connection's writing does
 * not hold it up; it sees the store as last committed; a commit that would write
 * is refused and writes nothing (issue 15: a dry run while a colleague imports). */
Test(sqlite_uow, a_read_unit_of_work_reads_while_another_connection_writes)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    must(bus, command_allocate("o1", "LAMP", 4));
    sqlite_uow_set_busy_timeout(uow, 100);
    sqlite3 *c;
    cr_assert_eq(sqlite3_open(db.path, &c), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(c, "BEGIN IMMEDIATE; UPDATE batches SET qty = 99;", NULL, NULL,
                              NULL), SQLITE_OK, "%s", sqlite3_errmsg(c));
    ErrBuf err = {{0}};
    for (int round = 0; round < 2; round++) { /* twice: once from the cache */
        cr_assert_eq(uow_begin_read(uow, &err), ALLOT_OK, "%s", err.msg);
        Product *p = NULL;
        cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK, "%s",
                     err.msg);
        cr_assert_not_null(p);
        cr_assert_eq(product_find_batch(p, "B1")->qty, 10, "the last committed state");
        cr_assert_eq(product_line_count(p), 1);
        uow_rollback(uow);
    }
    /* a write in it is refused, and nothing of it is written */
    cr_assert_eq(uow_begin_read(uow, &err), ALLOT_OK, "%s", err.msg);
    Product *p = NULL;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK, "%s", err.msg);
    AllotId ref;
    cr_assert_eq(product_allocate(p, "o2", 1, ALLOT_NO_DATE, 0, ref, &err), ALLOT_OK, "%s",
                 err.msg);
    cr_assert_eq(uow_commit(uow, &err), ALLOT_ESTORAGE);
    cr_assert(strstr(err.msg, "cannot write"), "%s", err.msg);
    sqlite3_exec(c, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(c);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines"), 1);
    /* the write lock of a plain unit of work is still taken */
    cr_assert_eq(sqlite3_open(db.path, &c), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(c, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(uow_begin(uow, &err), ALLOT_ESTORAGE);
    cr_assert(strstr(err.msg, "locked"), "%s", err.msg);
    sqlite3_exec(c, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(c);
    bus_free(bus);
    uow_free(uow);
}

Test(sqlite_uow, resolves_the_default_path_as_the_spec_orders)
{
    char out[512];
    ErrBuf err;
    setenv("ALLOT_DB", "/env/a.db", 1);
    setenv("XDG_DATA_HOME", "/xdg", 1);
    setenv("HOME", "/home/pat", 1);
    cr_assert_eq(sqlite_db_path("/cli/b.db", out, sizeof out, &err), ALLOT_OK);
    cr_assert_str_eq(out, "/cli/b.db");
    cr_assert_eq(sqlite_db_path(NULL, out, sizeof out, &err), ALLOT_OK);
    cr_assert_str_eq(out, "/env/a.db");
    unsetenv("ALLOT_DB");
    cr_assert_eq(sqlite_db_path(NULL, out, sizeof out, &err), ALLOT_OK);
    cr_assert_str_eq(out, "/xdg/allot/allot.db");
    unsetenv("XDG_DATA_HOME");
    cr_assert_eq(sqlite_db_path(NULL, out, sizeof out, &err), ALLOT_OK);
    cr_assert_str_eq(out, "/home/pat/.local/share/allot/allot.db");
    unsetenv("HOME");
    cr_assert_eq(sqlite_db_path(NULL, out, sizeof out, &err), ALLOT_ESTORAGE);
}

/* Plays another writer that bumps LAMP's version between the load and the version
 * check, once: a trigger on the unit of work's own connection fires when the
 * commit appends its first event. */
static void interfere_once(UnitOfWork *uow)
{
    sqlite3 *c = sqlite_uow_connection(uow);
    cr_assert_eq(sqlite3_exec(c,
                              "CREATE TEMP TABLE interfere (n INTEGER);"
                              "INSERT INTO interfere VALUES (1);"
                              "CREATE TEMP TRIGGER other_writer AFTER INSERT ON main.events"
                              " WHEN (SELECT n FROM interfere) > 0 BEGIN"
                              "  UPDATE products SET version = version + 100 WHERE sku = 'LAMP';"
                              "  UPDATE interfere SET n = n - 1;"
                              " END;",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(c));
}

Test(sqlite_uow, a_version_changed_underneath_is_a_conflict_naming_the_sku)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    interfere_once(uow);
    ErrBuf err = {{0}};
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    Product *p;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o1", 3, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(uow_commit(uow, &err), ALLOT_ECONFLICT);
    cr_assert(strstr(err.msg, "LAMP"), "%s", err.msg);
    /* nothing of it was written; the interfering bump was rolled back with it */
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines"), 0);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events"), 1);
    cr_assert_eq(sql_int("SELECT version FROM products"), 1);
    bus_free(bus);
    uow_free(uow);
}

/* How many more commits the "other writer" spoils; outside the transaction, so a
 * rollback does not undo it. */
static int spoil_left;

static void other_writer_turn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc, (void)argv;
    sqlite3_result_int(ctx, spoil_left > 0 ? spoil_left-- : 0);
}

Test(sqlite_uow, the_bus_retries_a_conflicting_command_and_it_lands_once)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    bus_set_retry(bus, 5, 100);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    sqlite3 *c = sqlite_uow_connection(uow);
    cr_assert_eq(sqlite3_create_function(c, "other_writer_turn", 0, SQLITE_UTF8, NULL,
                                         other_writer_turn, NULL, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_exec(c,
                              "CREATE TEMP TRIGGER other_writer AFTER INSERT ON main.events"
                              " WHEN other_writer_turn() > 0 BEGIN"
                              "  UPDATE products SET version = version + 100 WHERE sku = 'LAMP';"
                              " END;",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(c));
    spoil_left = 2; /* two attempts conflict, the third lands */
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    Command a = command_allocate("o1", "LAMP", 3);
    cr_assert_eq(bus_handle(bus, &a, &res, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(res.attempts, 3);
    cr_assert_eq(bus_conflict_retries(bus), 2);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE orderid = 'o1'"), 1);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events WHERE orderid = 'o1'"), 1);
    cr_assert_eq(sql_int("SELECT version FROM products"), 2);
    cr_assert_eq(res.events.len, 1);
    command_result_fini(&res);

    /* a conflict that persists is an error naming the SKU, and nothing is written */
    spoil_left = 1000;
    Command b = command_allocate("o2", "LAMP", 3);
    cr_assert_eq(bus_handle(bus, &b, NULL, &err), ALLOT_ECONFLICT);
    cr_assert(strstr(err.msg, "LAMP"), "%s", err.msg);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE orderid = 'o2'"), 0);
    spoil_left = 0;
    bus_free(bus);
    uow_free(uow);
}

Test(sqlite_uow, a_large_bulk_unit_of_work_commits_whole)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    ErrBuf err = {{0}};
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
    for (int s = 0; s < 50; s++) {
        char ref[16], sku[16];
        snprintf(ref, sizeof ref, "B%02d", s);
        snprintf(sku, sizeof sku, "S%02d", s);
        must(bus, command_create_batch(ref, sku, 1000, ALLOT_NO_ETA));
    }
    for (int i = 0; i < 20000; i++) {
        char oid[16], sku[16];
        snprintf(oid, sizeof oid, "o%05d", i);
        snprintf(sku, sizeof sku, "S%02d", i % 50);
        must(bus, command_allocate(oid, sku, 1 + i % 3));
    }
    cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines"), 20000);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM events"), 20050);
    cr_assert_eq(sql_int("SELECT SUM(version) FROM products"), 20050);
    bus_free(bus);
    uow_free(uow);
}

static void sql_text(const char *sql, char *out, size_t size);

/* The rows of `select` (one table's columns, the table named by `table`) in the
 * database at path_a that are not in the one at path_b, plus those of path_b not
 * in path_a; the row count of path_a in *rows. */
static int64_t rows_differing(const char *path_a, const char *path_b, const char *columns,
                              const char *table, int64_t *rows)
{
    sqlite3 *c;
    cr_assert_eq(sqlite3_open(path_a, &c), SQLITE_OK);
    char sql[1024];
    snprintf(sql, sizeof sql, "ATTACH '%s' AS b", path_b);
    cr_assert_eq(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(c));
    snprintf(sql, sizeof sql,
             "SELECT (SELECT COUNT(*) FROM main.%s),"
             " (SELECT COUNT(*) FROM (SELECT %s FROM main.%s EXCEPT SELECT %s FROM b.%s))"
             " + (SELECT COUNT(*) FROM (SELECT %s FROM b.%s EXCEPT SELECT %s FROM main.%s))",
             table, columns, table, columns, table, columns, table, columns, table);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(c));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    *rows = sqlite3_column_int64(st, 0);
    int64_t differing = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    sqlite3_close(c);
    return differing;
}

/* Bulk work appends its events several at a time: the log it leaves is the one
 * the same commands leave one unit of work each (ids, order, every field). */
Test(sqlite_uow, bulk_work_logs_the_same_events_as_one_command_at_a_time)
{
    char paths[2][sizeof db.path + 8];
    for (int bulk = 0; bulk < 2; bulk++) {
        snprintf(paths[bulk], sizeof paths[bulk], "%s%s", db.path, bulk ? ".b" : "");
        UnitOfWork *uow;
        ErrBuf err = {{0}};
        cr_assert_eq(sqlite_uow_open(paths[bulk], &fclock.base, &uow, &err), ALLOT_OK, "%s",
                     err.msg);
        MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
        if (bulk)
            cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
        must(bus, command_create_batch("B1", "LAMP", 20, ALLOT_NO_ETA));
        must(bus, command_create_batch("B2", "LAMP", 20, day("2027-01-05")));
        for (int i = 0; i < 45; i++) { /* 45 + the batches + the change: not a multiple */
            char oid[16];
            snprintf(oid, sizeof oid, "o%02d", i);
            must(bus, command_allocate(oid, "LAMP", 1));
        }
        must(bus, command_change_batch_qty("B1", 3));
        if (bulk) {
            cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
        }
        bus_free(bus);
        uow_free(uow);
    }
    int64_t rows;
    int64_t differing = rows_differing(paths[0], paths[1],
                                       "id, type, sku, orderid, batchref, to_ref, qty, old_qty,"
                                       " new_qty, eta, old_eta, new_eta, need, requested, seq,"
                                       " new_line, command_id, actor, undoes",
                                       "events", &rows);
    cr_assert_gt(rows, 64);
    cr_assert_eq(differing, 0, "%lld events differ", (long long)differing);
    remove(paths[1]);
}

/* Bulk work writes its new lines several to a statement, in key order among the
 * lines it moves, cancels or requests again: the rows it leaves are the ones the
 * same commands leave one unit of work each (issue 15). */
Test(sqlite_uow, bulk_work_writes_the_same_lines_as_one_command_at_a_time)
{
    char paths[2][sizeof db.path + 8];
    for (int bulk = 0; bulk < 2; bulk++) {
        snprintf(paths[bulk], sizeof paths[bulk], "%s%s", db.path, bulk ? ".b" : "");
        UnitOfWork *uow;
        ErrBuf err = {{0}};
        cr_assert_eq(sqlite_uow_open(paths[bulk], &fclock.base, &uow, &err), ALLOT_OK, "%s",
                     err.msg);
        MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
        must(bus, command_create_batch("B1", "LAMP", 150, ALLOT_NO_ETA));
        must(bus, command_create_batch("B2", "LAMP", 60, day("2027-01-05")));
        must(bus, command_create_batch("C1", "DESK", 500, ALLOT_NO_ETA));
        /* stored before: every third orderid of k000..k119 */
        for (int i = 0; i < 120; i += 3) {
            char oid[16];
            snprintf(oid, sizeof oid, "k%03d", i);
            must(bus, command_allocate(oid, "LAMP", 1));
        }
        if (bulk)
            cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
        /* new lines between the stored ones (runs of two), a run of 70 new ones on
         * two products, stored lines moved by a smaller batch, cancelled, and one
         * cancelled and requested again */
        for (int i = 0; i < 120; i++) {
            char oid[16];
            snprintf(oid, sizeof oid, "k%03d", i);
            if (i % 3)
                must(bus, command_allocate(oid, "LAMP", 1 + i % 2));
        }
        for (int i = 0; i < 70; i++) {
            char oid[16];
            snprintf(oid, sizeof oid, "m%03d", i);
            must(bus, command_allocate(oid, i % 2 ? "DESK" : "LAMP", 1));
        }
        must(bus, command_change_batch_qty("B1", 40));
        must(bus, command_cancel_line("k006", "LAMP"));
        must(bus, command_cancel_line("k009", "LAMP"));
        must(bus, command_cancel_line("m010", "LAMP"));
        must(bus, command_allocate("k009", "LAMP", 2));
        if (bulk)
            cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
        bus_free(bus);
        uow_free(uow);
    }
    int64_t rows;
    int64_t differing = rows_differing(paths[0], paths[1],
                                       "orderid, product_id, qty, seq, batch_id, req, need",
                                       "lines", &rows);
    cr_assert_eq(rows, 40 + 80 + 70 - 2, "%lld lines", (long long)rows);
    cr_assert_eq(differing, 0, "%lld lines differ", (long long)differing);
    cr_assert_gt(path_int(paths[1], "SELECT COUNT(*) FROM lines WHERE batch_id IS NULL"), 0);
    cr_assert_eq(path_int(paths[1], "SELECT COUNT(*) FROM pragma_integrity_check"
                                    " WHERE integrity_check <> 'ok'"), 0);
    remove(paths[1]);
}

/* A command's events are found by their range of ids without an index: for
 * every command, the range holds exactly its events (issue 15, schema v6). */
Test(sqlite_uow, the_events_of_a_command_are_the_range_its_binary_search_finds)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    for (int i = 0; i < 40; i++) {
        char oid[16];
        snprintf(oid, sizeof oid, "o%02d", i);
        must(bus, command_allocate(oid, "LAMP", 1 + i % 2)); /* some wait */
        if (i % 7 == 3)
            must(bus, command_change_batch_qty("B1", 10 + i)); /* several events */
    }
    sqlite3 *c = sqlite_uow_connection(uow);
    /* gaps in the ids, and events from before provenance (command 0) first */
    cr_assert_eq(sqlite3_exec(c, "DELETE FROM events WHERE id % 5 = 0;"
                                 " UPDATE events SET command_id = 0 WHERE id < 4", NULL, NULL,
                              NULL), SQLITE_OK);
    int64_t last = sql_int("SELECT MAX(command_id) FROM events");
    cr_assert_gt(last, 40);
    for (int64_t cmd = 1; cmd <= last + 1; cmd++) {
        int64_t lo, hi;
        ErrBuf err = {{0}};
        cr_assert_eq(sqlite_command_event_range(c, db.path, cmd, &lo, &hi, &err), ALLOT_OK, "%s",
                     err.msg);
        char q[160];
        snprintf(q, sizeof q, "SELECT COUNT(*) FROM events WHERE command_id = %lld", (long long)cmd);
        int64_t n = sql_int(q);
        snprintf(q, sizeof q, "SELECT COUNT(*) FROM events WHERE id >= %lld AND id < %lld",
                 (long long)lo, (long long)hi);
        cr_assert_eq(sql_int(q), n, "command %lld: [%lld, %lld)", (long long)cmd, (long long)lo,
                     (long long)hi);
        snprintf(q, sizeof q, "SELECT COUNT(*) FROM events WHERE id >= %lld AND id < %lld"
                 " AND command_id <> %lld", (long long)lo, (long long)hi, (long long)cmd);
        cr_assert_eq(sql_int(q), 0, "command %lld", (long long)cmd);
    }
    bus_free(bus);
    uow_free(uow);
}

/* A large last write of bulk work builds lines_by_batch after the rows: the index
 * is there afterwards, whole and right (issue 15); a small one into a big table
 * keeps it row by row; both read back the same. */
Test(sqlite_uow, bulk_work_builds_lines_by_batch_after_a_large_write)
{
    UnitOfWork *uow = open_uow();
    sqlite_uow_set_bulk_rebuild(uow, 1000);
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    ErrBuf err = {{0}};
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
    for (int s = 0; s < 20; s++) {
        char ref[16], sku[16];
        snprintf(ref, sizeof ref, "B%02d", s);
        snprintf(sku, sizeof sku, "S%02d", s);
        must(bus, command_create_batch(ref, sku, 150, ALLOT_NO_ETA));
    }
    for (int i = 0; i < 4000; i++) { /* 200 per SKU, 2 each: 75 fit, the rest wait */
        char oid[16], sku[16];
        snprintf(oid, sizeof oid, "o%05d", i);
        snprintf(sku, sizeof sku, "S%02d", i % 20);
        must(bus, command_allocate(oid, sku, 2));
    }
    cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM sqlite_master WHERE name = 'lines_by_batch'"), 1);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines INDEXED BY lines_by_batch"
                         " WHERE batch_id IS NOT NULL"), 20 * 75);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE batch_id IS NULL"), 4000 - 20 * 75);
    /* a small write into the big table: the index row by row */
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
    must(bus, command_create_batch("X1", "S00", 10, ALLOT_NO_ETA));
    cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines INDEXED BY lines_by_batch"
                         " WHERE batch_id IS NOT NULL"), 20 * 75 + 5);
    bus_free(bus);
    uow_free(uow);
    /* what another process loads through the index is what was written */
    uow = open_uow();
    bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_change_batch_qty("B03", 0)); /* its 75 lines wait now */
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE batch_id IS NULL"),
                 4000 - 20 * 75 - 5 + 75);
    cr_assert_eq(sql_int("SELECT allocated FROM products WHERE sku = 'S03'"), 0);
    char ok[16];
    sql_text("PRAGMA integrity_check", ok, sizeof ok);
    cr_assert_str_eq(ok, "ok");
    bus_free(bus);
    uow_free(uow);
}

/* The first row's first column, as text, copied into out. */
static void sql_text(const char *sql, char *out, size_t size)
{
    sqlite3 *c;
    cr_assert_eq(sqlite3_open_v2(db.path, &c, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(c);
}

Test(sqlite_uow, a_line_cancelled_and_requested_again_in_bulk_work_is_newer_than_one_requested_between)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 0, ALLOT_NO_ETA));
    ErrBuf err = {{0}};
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK);
    must(bus, command_allocate("o1", "LAMP", 1));
    must(bus, command_allocate("o2", "LAMP", 1));
    must(bus, command_cancel_line("o1", "LAMP"));
    must(bus, command_allocate("o1", "LAMP", 1)); /* a new request: the newest */
    cr_assert_eq(uow_bulk_end(uow, true, &err), ALLOT_OK, "%s", err.msg);
    char first[64];
    sql_text("SELECT orderid FROM lines WHERE batch_id IS NULL ORDER BY req LIMIT 1", first,
             sizeof first);
    cr_assert_str_eq(first, "o2");
    cr_assert_eq(sql_int("SELECT req FROM lines WHERE orderid = 'o1'"),
                 sql_int("SELECT MAX(id) FROM events WHERE orderid = 'o1'"));
    bus_free(bus);
    uow_free(uow);
}

Test(sqlite_uow, a_change_written_on_the_same_connection_outside_the_unit_of_work_is_seen)
{
    UnitOfWork *uow = open_uow();
    MessageBus *bus = bootstrap(uow, NULL, &fclock.base, NULL);
    must(bus, command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    must(bus, command_allocate("o1", "LAMP", 4)); /* LAMP is cached */
    /* another writer's change, made through this very connection */
    cr_assert_eq(sqlite3_exec(sqlite_uow_connection(uow),
                              "UPDATE batches SET qty = 4 WHERE ref = 'B1';"
                              " UPDATE products SET version = version + 1",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    must(bus, command_allocate("o2", "LAMP", 4)); /* B1 is full now: a backorder */
    cr_assert_eq(sql_int("SELECT COUNT(*) FROM lines WHERE batch_id IS NULL"), 1);
    bus_free(bus);
    uow_free(uow);
}
