/* test_store.h — fresh, empty stores for the tests that run on every store kind
 * (the follower suite, the service suite on PostgreSQL).  A test executable is
 * linked with one of test_store_sqlite.c (a database file in a temporary folder)
 * or test_store_pg.c (a new database in the throwaway cluster that
 * tests/support/pg_cluster.sh started; exit 77 = skipped when there is none). */
#ifndef ALLOT_TESTS_TEST_STORE_H
#define ALLOT_TESTS_TEST_STORE_H

#include "persistence/store.h"

/* A new, empty store (nothing created yet for SQLite; an empty database for
 * PostgreSQL) into *t.  Aborts the test on failure. */
void test_store_new(StoreTarget *t);

/* Removes what test_store_new made (the folder, or the database). */
void test_store_free(const StoreTarget *t);

#endif
