/* Connecting to PostgreSQL, its errors, and the schema migration (pg_conn.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persistence/pg_conn.h"
#include "persistence/pg_store.h"

/* The advisory lock key of the migration: "allot" in ASCII. */
#define MIGRATION_LOCK_KEY "482220961652"

static void where_of(const char *db, const char *host, const char *port, char *out, size_t size)
{
    snprintf(out, size, "database %s on host %s port %s", db && *db ? db : "?",
             host && *host ? host : "localhost", port && *port ? port : "5432");
}

/* The first line of a libpq message, without "ERROR:  " and the newline. */
static void first_line(const char *msg, char *out, size_t size)
{
    if (!msg)
        msg = "";
    if (strncmp(msg, "ERROR:  ", 8) == 0)
        msg += 8;
    else if (strncmp(msg, "FATAL:  ", 8) == 0)
        msg += 8;
    size_t n = strcspn(msg, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(out, msg, n);
    out[n] = '\0';
    if (!out[0])
        snprintf(out, size, "no reason given");
}

void pg_describe(const char *uri, char *out, size_t size)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(uri, &perr);
    PQfreemem(perr);
    const char *db = NULL, *host = NULL, *port = NULL, *user = NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val || !*o->val)
            continue;
        if (strcmp(o->keyword, "dbname") == 0)
            db = o->val;
        else if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "user") == 0)
            user = o->val;
    }
    /* what the URI leaves out: libpq's environment defaults */
    if (!user)
        user = getenv("PGUSER");
    if (!db)
        db = getenv("PGDATABASE");
    if (!db)
        db = user;
    if (!host)
        host = getenv("PGHOST");
    if (!port)
        port = getenv("PGPORT");
    where_of(db, host, port, out, size);
    PQconninfoFree(opts);
}

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

AllotStatus pg_connect(const char *uri, PGconn **out, char where[PG_WHERE_MAX], ErrBuf *err)
{
    *out = NULL;
    /* Keywords are processed in order, the last value kept: a connect timeout of
     * ours first (so that a server that does not answer fails in 10 s rather than
     * with the kernel's TCP timeout, minutes later), then the URI's parameters, which
     * may override it, then the encoding (always UTF-8).  PGCONNECT_TIMEOUT, read by
     * libpq only for a keyword left unset, leaves ours out. */
    const char *keys[] = {"connect_timeout", "dbname", "client_encoding",
                          "fallback_application_name", NULL};
    const char *vals[] = {PG_CONNECT_TIMEOUT_S, uri, "UTF8", "allot", NULL};
    int skip = getenv("PGCONNECT_TIMEOUT") != NULL;
    PGconn *c = PQconnectdbParams(keys + skip, vals + skip, 1);
    if (!c)
        return err_set(err, ALLOT_ESTORAGE, "PostgreSQL: out of memory connecting to %s", uri);
    /* The server's notices (a WARNING or FATAL as it shuts down) are not printed:
     * what they mean reaches the caller as the error of the query they end. */
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    where_of(PQdb(c), PQhost(c), PQport(c), where, PG_WHERE_MAX);
    if (PQstatus(c) != CONNECTION_OK) {
        char why[ALLOT_ERR_MAX];
        const char *m = PQerrorMessage(c);
        /* libpq says "connection to server on socket ... failed: REASON" */
        const char *reason = strstr(m, "failed: ");
        first_line(reason ? reason + 8 : m, why, sizeof why);
        AllotStatus st = err_set(err, ALLOT_ESTORAGE, "cannot connect to PostgreSQL %s: %s", where, why);
        PQfinish(c);
        return st;
    }
    AllotStatus st = pg_exec(c, where, PG_SEARCH_PATH, "connecting", err);
    if (st != ALLOT_OK) {
        PQfinish(c);
        return st;
    }
    *out = c;
    return ALLOT_OK;
}

AllotStatus pg_error(PGconn *c, const PGresult *res, const char *where, const char *doing,
                     bool unique_is_conflict, ErrBuf *err)
{
    char why[ALLOT_ERR_MAX];
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    first_line(res && PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) : PQerrorMessage(c),
               why, sizeof why);
    if (PQstatus(c) == CONNECTION_BAD)
        return err_set(err, ALLOT_ESTORAGE, "lost the connection to PostgreSQL %s (%s): %s", where,
                       doing, why);
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                  (unique_is_conflict && strcmp(state, "23505") == 0)))
        return err_set(err, ALLOT_ECONFLICT, "%s: another writer changed the same data (%s: %s)",
                       where, doing, why);
    return err_set(err, ALLOT_ESTORAGE, "PostgreSQL %s: %s: %s", where, doing, why);
}

AllotStatus pg_exec(PGconn *c, const char *where, const char *sql, const char *doing,
                    ErrBuf *err)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    AllotStatus st = ALLOT_OK;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        st = pg_error(c, r, where, doing, false, err);
    PQclear(r);
    return st;
}

/* The stored version, or 0 when there is no schema `allot` with a version table. */
static AllotStatus stored_version(PGconn *c, const char *where, int *version, ErrBuf *err)
{
    *version = 0;
    /* a scan of the catalog under this statement's snapshot, not the cached catalog
     * (which an advisory lock does not refresh): after waiting for another
     * process's migration, its tables are seen */
    PGresult *r = PQexec(c, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN"
                            " pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                            " WHERE n.nspname = 'allot' AND c.relname = 'schema_version')");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        AllotStatus st = pg_error(c, r, where, "reading the schema version", false, err);
        PQclear(r);
        return st;
    }
    bool exists = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!exists)
        return ALLOT_OK;
    r = PQexec(c, "SELECT coalesce(max(version), 0) FROM allot.schema_version");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        AllotStatus st = pg_error(c, r, where, "reading the schema version", false, err);
        PQclear(r);
        return st;
    }
    *version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return ALLOT_OK;
}

static AllotStatus refuse_newer(const char *where, int stored, ErrBuf *err)
{
    return err_set(err, ALLOT_ESTORAGE,
                   "PostgreSQL %s has allot schema version %d, newer than this allot knows (%d)",
                   where, stored, pg_schema_version);
}

AllotStatus pg_check_schema(PGconn *c, const char *where, ErrBuf *err)
{
    int v;
    AllotStatus st = stored_version(c, where, &v, err);
    if (st != ALLOT_OK)
        return st;
    if (v == 0)
        return err_set(err, ALLOT_ESTORAGE,
                       "PostgreSQL %s holds no allot data (no schema allot; a command that "
                       "writes creates it)", where);
    if (v > pg_schema_version)
        return refuse_newer(where, v, err);
    if (v < pg_schema_version)
        return err_set(err, ALLOT_ESTORAGE,
                       "PostgreSQL %s has allot schema version %d, older than this allot (%d): "
                       "a command that writes brings it up to date", where, v, pg_schema_version);
    return ALLOT_OK;
}

AllotStatus pg_migrate(PGconn *c, const char *where, ErrBuf *err)
{
    int v;
    AllotStatus st = stored_version(c, where, &v, err);
    if (st != ALLOT_OK)
        return st;
    if (v > pg_schema_version)
        return refuse_newer(where, v, err);
    if (v == pg_schema_version)
        return ALLOT_OK;
    const char *doing = "creating the schema allot";
    st = pg_exec(c, where, "BEGIN", doing, err);
    if (st == ALLOT_OK)
        st = pg_exec(c, where, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK_KEY ")", doing, err);
    /* another process may have migrated it while we waited for the lock */
    if (st == ALLOT_OK)
        st = stored_version(c, where, &v, err);
    if (st == ALLOT_OK && v > pg_schema_version)
        st = refuse_newer(where, v, err);
    if (st == ALLOT_OK && v == 0)
        st = pg_exec(c, where,
                     "CREATE SCHEMA IF NOT EXISTS allot;"
                     "CREATE TABLE allot.schema_version (version integer NOT NULL);"
                     "INSERT INTO allot.schema_version VALUES (0)",
                     doing, err);
    for (; st == ALLOT_OK && v < pg_schema_version; v++) {
        char step[64], sql[96];
        snprintf(step, sizeof step, "migrating the schema allot to version %d", v + 1);
        st = pg_exec(c, where, pg_schema_steps[v], step, err);
        snprintf(sql, sizeof sql, "UPDATE allot.schema_version SET version = %d", v + 1);
        if (st == ALLOT_OK)
            st = pg_exec(c, where, sql, step, err);
    }
    if (st == ALLOT_OK)
        st = pg_exec(c, where, "COMMIT", doing, err);
    if (st != ALLOT_OK && PQstatus(c) == CONNECTION_OK)
        PQclear(PQexec(c, "ROLLBACK"));
    return st;
}
