/* pg_store.h — the PostgreSQL store (SPEC.md §3.1): the Repository, UnitOfWork and
 * read model of app/ over libpq, for several planners on several machines.  Entry
 * points reach it through persistence/store.h only.
 *
 * `uri` is a libpq connection URI (`postgresql://user@host:port/dbname?…`, or
 * `postgres://…`); what it leaves out libpq takes from PGHOST, PGPORT, PGUSER,
 * PGPASSWORD, PGDATABASE, PGPASSFILE and the other usual variables.  The tables live
 * in the schema `allot` (schema/pg/NNNN_*.sql, versions mirroring SQLite's),
 * created and migrated forward on open, once even when several processes open a
 * fresh database at the same time.  docs/postgresql.md says how it works.
 *
 * Every error is ALLOT_ESTORAGE with a message naming the database, host and port
 * ("database allot on host db1 port 5432: …"), or ALLOT_ECONFLICT for what the bus
 * retries (a version conflict, SQLSTATE 40001 or 40P01, a key another writer took).
 */
#ifndef ALLOT_PERSISTENCE_PG_STORE_H
#define ALLOT_PERSISTENCE_PG_STORE_H

#include <stddef.h>

#include "app/follower.h"
#include "app/relay_store.h"
#include "app/ports.h"
#include "app/unit_of_work.h"
#include "app/views.h"

/* Connects, brings the schema up to date and returns a new unit of work (free with
 * uow_free).  `clock` (not owned; NULL = clock_system()) stamps events.  Errors:
 * ALLOT_ESTORAGE: the server cannot be reached, the password is wrong, the database
 * does not exist, the user may not create or use the schema `allot`, the schema is
 * newer than this program (nothing is created in any of these cases). */
AllotStatus pg_uow_open(const char *uri, Clock *clock, UnitOfWork **out, ErrBuf *err);

/* The read model on the unit of work's own connection (owned by it). */
Views *pg_uow_views(UnitOfWork *uow);

/* The read model on a connection of its own; the schema must exist and be current
 * (nothing is created).  Free with views_free.  Errors: ALLOT_ESTORAGE as
 * pg_uow_open, and "holds no allot data" when the schema is missing. */
AllotStatus pg_views_open(const char *uri, Views **out, ErrBuf *err);

/* A follower of the event log (app/follower.h) on a connection of its own that
 * LISTENs on `allot_events`, polling as a fallback.  Errors: as pg_views_open. */
AllotStatus pg_follow(const char *uri, const FollowStart *start, EventFollower **out,
                      ErrBuf *err);

/* The outbox relay's position and lease (app/relay_store.h) in allot.relays, on a
 * connection of its own; the schema must be current.  Errors: as pg_views_open. */
AllotStatus pg_relay_open(const char *uri, RelayStore **out, ErrBuf *err);

/* "database D on host H port P" for `uri` (with libpq's defaults), never the
 * password, into `out`. */
void pg_describe(const char *uri, char *out, size_t size);

#endif
