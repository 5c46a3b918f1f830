/* test_store.h for PostgreSQL: a new database in the throwaway cluster that
 * tests/support/pg_cluster.sh started for this test executable (PGHOST is its
 * socket folder), dropped afterwards.  Test support may use libpq directly. */
#include "test_store.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_pg.h"

void test_pg_exec(const char *dbname, const char *sql)
{
    char conninfo[256];
    snprintf(conninfo, sizeof conninfo, "dbname=%s", dbname);
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "test_pg_exec: %s", PQerrorMessage(c));
        abort();
    }
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "test_pg_exec: %s: %s", sql, PQerrorMessage(c));
        abort();
    }
    PQclear(r);
    PQfinish(c);
}

long long test_pg_scalar(const char *dbname, const char *sql)
{
    char conninfo[256];
    snprintf(conninfo, sizeof conninfo, "dbname=%s", dbname);
    PGconn *c = PQconnectdb(conninfo);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        fprintf(stderr, "test_pg_scalar: %s: %s", sql, PQerrorMessage(c));
        abort();
    }
    long long v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(c);
    return v;
}

void test_store_new(StoreTarget *t)
{
    if (!getenv("ALLOT_TEST_PG_DIR")) {
        fprintf(stderr, "test_store_new: no throwaway cluster: run me through "
                        "tests/support/pg_cluster.sh\n");
        abort();
    }
    static unsigned n;
    char name[64], sql[128];
    snprintf(name, sizeof name, "allot_test_%ld_%u", (long)getpid(), n++);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    test_pg_exec("postgres", sql);
    char uri[128];
    snprintf(uri, sizeof uri, "postgresql:///%s", name);
    ErrBuf err = {{0}};
    if (store_target(uri, t, &err) != ALLOT_OK) {
        fprintf(stderr, "test_store_new: %s\n", err.msg);
        abort();
    }
}

const char *test_pg_dbname(const StoreTarget *t)
{
    const char *slash = strrchr(t->where, '/');
    return slash ? slash + 1 : t->where;
}

void test_store_free(const StoreTarget *t)
{
    char sql[sizeof t->where + 64]; /* the name is part of the URI */
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", test_pg_dbname(t));
    test_pg_exec("postgres", sql);
}
