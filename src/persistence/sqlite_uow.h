/* sqlite_uow.h — the SQLite Repository and UnitOfWork (SPEC.md §2, §3), the
 * default store of allot, and its read model (views.h).
 *
 * One connection per unit of work, in WAL mode with synchronous=NORMAL, a busy
 * timeout (default 5000 ms) and foreign keys on.  The schema is created on first
 * open and migrated forward by its stored version (schema/NNNN_*.sql).
 *
 * Each unit of work is one `BEGIN IMMEDIATE` transaction.  Commit writes only what
 * changed in each product seen (derived from the product's pending events: lines
 * inserted / moved / deleted, batches inserted / changed), checks the product's
 * version with `UPDATE products ... WHERE id = ? AND version = ?` (0 rows:
 * ALLOT_ECONFLICT naming the SKU, everything rolled back) and appends the events to
 * the `events` table in the same transaction.  Products stay cached between units
 * of work and are reused when their stored version has not moved.
 *
 * Bulk work (uow_bulk_begin/_end) is one outer transaction; products stay in an
 * identity map across the nested units of work and their rows are written at
 * bulk_end (or when the map grows large), all inside the one transaction.  On a
 * small store bulk work runs with foreign keys off and checks every reference with
 * PRAGMA foreign_key_check before its commit, refusing the whole work (ALLOT_ESTORAGE)
 * if one dangles (docs/storage.md "Unit of work").
 */
#ifndef ALLOT_PERSISTENCE_SQLITE_UOW_H
#define ALLOT_PERSISTENCE_SQLITE_UOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/ports.h"
#include "app/relay_store.h"
#include "app/unit_of_work.h"
#include "app/views.h"

#define ALLOT_BUSY_TIMEOUT_MS 5000

/* Opens (creating if missing, with its directory) the database at `path` and
 * brings its schema up to date.  `clock` (not owned; NULL = clock_system()) stamps
 * events.  On success *out is a new unit of work; free with uow_free.
 * On a full disk an existing database is opened read-only: units of work read,
 * and a commit that would write (and bulk_begin) fails with ALLOT_ESTORAGE
 * "database PATH: disk full (...)" (SPEC.md §4: reads still work, a write that
 * fails for space says so).
 * Errors: ALLOT_ESTORAGE with a message naming the path: the directory cannot be
 * created, the file cannot be opened or written, is not a database (corrupt), has
 * a schema newer than this program, or stays locked past the busy timeout. */
AllotStatus sqlite_uow_open(const char *path, Clock *clock, UnitOfWork **out, ErrBuf *err);

/* As sqlite_uow_open, for a database that must already be there with the current
 * schema: it creates no file (no -wal or -shm either) and migrates nothing, so that
 * a long-running process opening the store again (allot serve's workers) finds a
 * file removed or moved away gone instead of starting a new empty database.
 * Errors: ALLOT_ESTORAGE "no database at PATH", a schema other than the current
 * one, and those of sqlite_uow_open. */
AllotStatus sqlite_uow_open_existing(const char *path, Clock *clock, UnitOfWork **out,
                                     ErrBuf *err);

/* Resolves the database path of SPEC.md §3 into `out` (`size` bytes): `cli_path`
 * (--db; may be NULL) if given, else $ALLOT_DB, else $XDG_DATA_HOME/allot/allot.db,
 * else $HOME/.local/share/allot/allot.db.  The directory is created by
 * sqlite_uow_open, not here.  Errors: ALLOT_ESTORAGE (no HOME to fall back on, or
 * the path does not fit). */
AllotStatus sqlite_db_path(const char *cli_path, char *out, size_t size, ErrBuf *err);

/* The read model on the unit of work's own connection: it sees what is committed
 * (and, inside a unit of work, what that unit wrote).  Owned by the unit of work:
 * do not views_free it; valid until uow_free. */
Views *sqlite_uow_views(UnitOfWork *uow);

/* The read model on a connection of its own (for a TUI beside a writer).  The
 * database must exist with the current schema (on a full disk it is opened
 * read-only, which is all views need).  Free with views_free.
 * Errors: ALLOT_ESTORAGE naming the path. */
AllotStatus sqlite_views_open(const char *path, Views **out, ErrBuf *err);

/* The read model on a read-only connection of its own, for commands that only read
 * (export, events): it creates no file or folder and works on a file the user may
 * only read.  Free with views_free.  Errors: ALLOT_ESTORAGE "no database at PATH"
 * when the file does not exist; "PATH is a directory"; the system's reason; a
 * schema other than the current one. */
AllotStatus sqlite_views_open_readonly(const char *path, Views **out, ErrBuf *err);

/* The outbox relay's position and lease (app/relay_store.h) in the database at
 * `path`, which must exist with the current schema (open a unit of work first), on
 * a connection of its own.  Free with relay_store_free.  Errors: ALLOT_ESTORAGE
 * naming the path.  Entry points reach it through persistence/store.h. */
AllotStatus sqlite_relay_open(const char *path, RelayStore **out, ErrBuf *err);

/* The path the unit of work was opened on. */
const char *sqlite_uow_path(UnitOfWork *uow);

/* Sets the busy timeout of the connection (milliseconds, >= 0). */
void sqlite_uow_set_busy_timeout(UnitOfWork *uow, int ms);

/* How to wait while another process holds the database's lock, instead of the
 * busy timeout (SPEC.md §5: "A write that must wait for another process's lock
 * never freezes the screen"): SQLite calls back about every 100 ms, after sleeping
 * 100 ms, with the time waited so far; `wait` returns true to go on waiting, false
 * to give up — the step then fails with ALLOT_ESTORAGE "database PATH is locked by
 * another process (…: gave up waiting)" and nothing is written.  The TUI draws
 * "waiting for another writer (N s)…" there and gives up on Esc. */
typedef struct SqliteBusyWait {
    bool (*wait)(void *ctx, int64_t waited_ms);
    void *ctx;
} SqliteBusyWait;

/* Installs `w` (not copied: the caller keeps it alive until it installs NULL, which
 * puts the busy timeout ALLOT_BUSY_TIMEOUT_MS back). */
void sqlite_uow_set_busy_wait(UnitOfWork *uow, const SqliteBusyWait *w);

/* Installs `n` (unit_of_work.h; not copied: the caller keeps it alive until it
 * installs NULL): told when bulk work writes its rows out (at its end, or midway
 * when its rows grow past the cache's bound) and when it commits. */
void sqlite_uow_set_write_notice(UnitOfWork *uow, const BulkWriteNotice *n);

#endif
