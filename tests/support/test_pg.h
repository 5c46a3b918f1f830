/* test_pg.h — helpers of test_store_pg.c for the PostgreSQL tests: SQL on a
 * database of the throwaway cluster (tests/support/pg_cluster.sh). */
#ifndef ALLOT_TESTS_TEST_PG_H
#define ALLOT_TESTS_TEST_PG_H

#include "persistence/store.h"

/* Runs `sql` on database `dbname`; aborts on error. */
void test_pg_exec(const char *dbname, const char *sql);
/* The one value `sql` returns, as a number; aborts on error. */
long long test_pg_scalar(const char *dbname, const char *sql);
/* The database name of a target made by test_store_new. */
const char *test_pg_dbname(const StoreTarget *t);

#endif
