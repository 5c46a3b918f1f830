/* pg_conn.h — connection helpers shared by the PostgreSQL store's files
 * (pg_conn.c, pg_uow.c, pg_views.c, pg_follower.c).  Internal to persistence/. */
#ifndef ALLOT_PERSISTENCE_PG_CONN_H
#define ALLOT_PERSISTENCE_PG_CONN_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/status.h"

/* pg_schema_steps[i] brings the schema `allot` from version i to i + 1
 * (schema/pg/NNNN_*.sql, compiled in by schema/embed.cmake). */
extern const char *const pg_schema_steps[];
extern const int pg_schema_version;

#define PG_WHERE_MAX 512

/* Seconds a connection attempt waits for the server unless the URI's
 * connect_timeout or PGCONNECT_TIMEOUT says otherwise (docs/postgresql.md). */
#define PG_CONNECT_TIMEOUT_S "10"

/* Connects to `uri` (client_encoding UTF8, application_name allot, a connect
 * timeout of PG_CONNECT_TIMEOUT_S) and puts
 * "database D on host H port P" into `where`.  Errors: ALLOT_ESTORAGE naming them
 * with the server's reason (no server, wrong password, no such database). */
AllotStatus pg_connect(const char *uri, PGconn **out, char where[PG_WHERE_MAX], ErrBuf *err);

/* The error of a failed command (`res` may be NULL) as an AllotStatus:
 * ALLOT_ECONFLICT for SQLSTATE 40001 (serialization), 40P01 (deadlock) and, when
 * `unique_is_conflict`, 23505 (a key another writer took); else ALLOT_ESTORAGE.
 * The message names `where`, what was being `doing` and the server's reason; a lost
 * connection says so. */
AllotStatus pg_error(PGconn *c, const PGresult *res, const char *where, const char *doing,
                     bool unique_is_conflict, ErrBuf *err);

/* Runs `sql` (no parameters, any result discarded).  Errors: as pg_error. */
AllotStatus pg_exec(PGconn *c, const char *where, const char *sql, const char *doing,
                    ErrBuf *err);

/* Brings the schema forward to pg_schema_version (creating it in an empty
 * database), under an advisory lock so that two processes do it once.  Errors:
 * ALLOT_ESTORAGE (no permission, a schema newer than this program, a step failed:
 * nothing changed). */
AllotStatus pg_migrate(PGconn *c, const char *where, ErrBuf *err);

/* Checks, creating nothing, that the schema exists at the current version.
 * Errors: ALLOT_ESTORAGE "… holds no allot data", a newer or older version. */
AllotStatus pg_check_schema(PGconn *c, const char *where, ErrBuf *err);

/* What every connection runs first: unqualified names are the schema allot's (the
 * read model's SQL, sql_views.c, is the SQLite store's). */
#define PG_SEARCH_PATH "SET search_path = allot"

/* The first key of allot's advisory locks on products (ASCII "allo"; the second
 * is hashtext(sku)): a unit of work holds a product's lock shared while it works
 * on it, or exclusive when the product met a conflict lately, so that a hot
 * product's writers queue instead of retrying (pg_uow.c). */
#define PG_LOCK_CLASS "1634495599"

/* The channel that commits notify and followers listen on (SPEC.md §3.1). */
#define PG_EVENTS_CHANNEL "allot_events"

#endif
