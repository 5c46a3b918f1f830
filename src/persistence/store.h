/* store.h — choosing and opening the store (SPEC.md §3, §3.1): the one module that
 * every entry point (the CLI, the TUI shell, the demo, `allot serve`) uses to turn
 * `--db` / `ALLOT_DB` into a unit of work, read models and a follower of the event
 * log.  Entry points include this header, never a store's own.
 *
 *   - a `postgresql://…` or `postgres://…` connection URI selects the PostgreSQL
 *     store (libpq also reads the usual PG* variables: PGHOST, PGPORT, PGUSER,
 *     PGPASSWORD, PGDATABASE, PGPASSFILE, …, for what the URI leaves out, so
 *     `postgresql://` alone means "libpq's defaults");
 *   - anything else is the path of a SQLite database file, as before.
 *
 * Typical use:
 *
 *     StoreTarget t;
 *     store_target(cli_db_arg, &t, &err);          // --db, else ALLOT_DB, else default
 *     store_open(&t, clock, &uow, &views, &err);   // read-write; views owned by uow
 *     ... bootstrap(uow, ...) ...
 *     uow_free(uow);
 */
#ifndef ALLOT_PERSISTENCE_STORE_H
#define ALLOT_PERSISTENCE_STORE_H

#include <stdbool.h>

#include "app/follower.h"
#include "app/ports.h"
#include "app/relay_store.h"
#include "app/unit_of_work.h"
#include "app/views.h"

typedef enum StoreKind {
    STORE_SQLITE,
    STORE_POSTGRES,
} StoreKind;

typedef struct StoreTarget {
    StoreKind kind;
    char where[4096]; /* SQLite: the database path; PostgreSQL: the connection URI */
    char label[4096]; /* for messages and the TUI's top bar: the path, or the
                         database, host and port (never a password) */
} StoreTarget;

/* Resolves the store of SPEC.md §3: `db_arg` (--db; NULL or "" = not given), else
 * $ALLOT_DB, else $XDG_DATA_HOME/allot/allot.db, else
 * $HOME/.local/share/allot/allot.db.  Nothing is opened or created.
 * Errors: ALLOT_ESTORAGE (no HOME to fall back on; the value does not fit). */
AllotStatus store_target(const char *db_arg, StoreTarget *out, ErrBuf *err);

/* True if `db` (a --db value) is a PostgreSQL connection URI. */
bool store_is_postgres_uri(const char *db);

/* True if `t` names a SQLite database file that does not exist yet (store_open
 * would create it).  False for an existing file or a PostgreSQL URI.  For commands
 * that only read, to create nothing (issue 15: `import --dry-run`). */
bool store_is_missing(const StoreTarget *t);

/* Opens the store for reading and writing: creates it when missing (SQLite: the
 * file and its folder; PostgreSQL: the tables in schema `allot` of an existing
 * database) and migrates its schema forward.  `clock` (not owned; NULL =
 * clock_system()) stamps events.  *uow is new (free with uow_free); *views (may be
 * NULL if not wanted) is the read model on the same connection, owned by the unit
 * of work.  Errors: ALLOT_ESTORAGE with a message naming the path, or the host, port
 * and database (cannot connect, wrong password, no such database, no permission,
 * a schema newer than this program: nothing created). */
AllotStatus store_open(const StoreTarget *t, Clock *clock, UnitOfWork **uow, Views **views,
                       ErrBuf *err);

/* As store_open, for a store opened before by this process (a server's worker
 * opening it again): the store must be there, nothing is created.  SQLite: the file
 * must exist with the current schema, else ALLOT_ESTORAGE "no database at PATH" and
 * no file is made (a database moved or removed under a running server is an error,
 * not a new empty database); PostgreSQL: as store_open (the database itself is
 * never created). */
AllotStatus store_reopen(const StoreTarget *t, Clock *clock, UnitOfWork **uow, Views **views,
                         ErrBuf *err);

typedef enum StoreAccess {
    STORE_READ_ONLY,  /* creates nothing (export, events, summary); the store must exist */
    STORE_READ_WRITE, /* a second connection beside a writer (the TUI's screens) */
} StoreAccess;

/* A read model on a connection of its own; free with views_free.  Errors:
 * ALLOT_ESTORAGE: "no database at PATH" (SQLite, read-only), a schema other than
 * the current one, the store cannot be reached (message as store_open). */
AllotStatus store_open_views(const StoreTarget *t, StoreAccess access, Views **out,
                             ErrBuf *err);

/* Installs `n` (app/unit_of_work.h BulkWriteNotice; not copied: kept alive by the
 * caller until it installs NULL) on `uow`, opened by store_open from `t`: told when
 * bulk work writes its rows and commits, for a progress line.  SQLite only; a
 * PostgreSQL store tells nothing (yet).  No errors. */
void store_set_write_notice(const StoreTarget *t, UnitOfWork *uow, const BulkWriteNotice *n);

/* A follower of the event log (app/follower.h) on a read-only connection of its
 * own, starting at `start`.  Free with follower_free.  Errors: as store_open_views
 * with STORE_READ_ONLY. */
AllotStatus store_follow(const StoreTarget *t, const FollowStart *start, EventFollower **out,
                         ErrBuf *err);

/* The outbox relay's position and lease (app/relay_store.h) on a connection of its
 * own; the store must exist (store_open first).  Free with relay_store_free.
 * Errors: as store_open_views with STORE_READ_WRITE. */
AllotStatus store_open_relay(const StoreTarget *t, RelayStore **out, ErrBuf *err);

/* What `allot copy` copied. */
typedef struct CopyCounts {
    long long products, batches, lines, events;
} CopyCounts;

/* `allot copy FROM TO` (SPEC.md §3.1): every product, batch, order line and event
 * of `from` (which must exist) into `to` (created when missing; it must hold no
 * product and no event), as stored — versions, seq counters, need dates and
 * moments of first request, the event log with ids, times and provenance, the next
 * command id — in one transaction on each side: all or nothing.  The outbox
 * relays' positions are not copied (they name places in `from`'s log); a SQLite
 * `to` this call created is removed again when the copy fails.  Errors:
 * ALLOT_EINVALID (the same store on both sides; `to` holds data), ALLOT_ESTORAGE
 * (either store, named). */
AllotStatus store_copy(const StoreTarget *from, const StoreTarget *to, CopyCounts *counts,
                       ErrBuf *err);

#endif
