/* sqlite_schema.h — the versioned SQLite schema (src/persistence/schema/NNNN_*.sql,
 * compiled in by schema/embed.cmake) and the migration that applies it.
 * Internal to persistence/ and its tests. */
#ifndef ALLOT_PERSISTENCE_SQLITE_SCHEMA_H
#define ALLOT_PERSISTENCE_SQLITE_SCHEMA_H

#include <sqlite3.h>
#include <stdbool.h>

#include "app/views.h"
#include "domain/status.h"

/* sqlite_schema_steps[i] brings a database from version i to version i + 1. */
extern const char *const sqlite_schema_steps[];
/* The newest version (the number of steps). */
extern const int sqlite_schema_version;

/* Brings `db` (an open connection to `path`, used in messages) forward to version
 * `target` (<= sqlite_schema_version), reading the stored version from
 * PRAGMA user_version, in one IMMEDIATE transaction.  A database already at or past
 * `target` is left alone.  Errors: ALLOT_ESTORAGE naming the path (locked past the
 * busy timeout, not a database, a step failed: nothing changed). */
AllotStatus sqlite_schema_migrate(sqlite3 *db, const char *path, int target, ErrBuf *err);

/* The stored schema version of `db` into *version.  Errors: ALLOT_ESTORAGE. */
AllotStatus sqlite_schema_stored_version(sqlite3 *db, const char *path, int *version,
                                         ErrBuf *err);



/* ---- connection helpers shared by sqlite_uow.c and sqlite_views.c ---- */

/* Formats a storage error naming `path` and what was being done, from the
 * connection's last error (a locked database reads "is locked by another process",
 * a full disk "database PATH: disk full (DOING)").
 * Returns ALLOT_ESTORAGE. */
AllotStatus sqlite_error(sqlite3 *db, int rc, const char *path, const char *doing, ErrBuf *err);

/* True if `rc` (a result of `db`, which may be NULL) failed for want of space:
 * SQLITE_FULL, or an I/O error whose system error is ENOSPC or EDQUOT. */
bool sqlite_is_disk_full(sqlite3 *db, int rc);

/* Opens `path` (creating the file and its directory when `create`), sets WAL,
 * synchronous=NORMAL, foreign keys and the busy timeout, and (when `create`)
 * migrates the schema to the newest version; without `create` the schema must be
 * current.  When the disk is full and `read_only` is not NULL, an existing
 * database with the current schema is opened read-only instead (as
 * sqlite_connect_readonly) and *read_only set: it can be read, not written.
 * Without `create` nothing is created: a missing file is ALLOT_ESTORAGE "no
 * database at PATH".  Errors: ALLOT_ESTORAGE naming the path ("database PATH: disk
 * full (cannot open)"). */
AllotStatus sqlite_connect(const char *path, bool create, int busy_ms, sqlite3 **out,
                           bool *read_only, ErrBuf *err);

/* Opens the existing database `path` read-only, creating nothing (a WAL database
 * whose -shm cannot be created, in a read-only folder, is read as immutable); the
 * schema must be current.  Errors: ALLOT_ESTORAGE "no database at PATH" when the
 * file does not exist, "... is a directory", the system's reason (errno text) when
 * it cannot be opened, or as sqlite_error. */
AllotStatus sqlite_connect_readonly(const char *path, int busy_ms, sqlite3 **out, ErrBuf *err);

/* The ids [*lo, *hi) of the events of command `cmd` (> 0; SPEC.md §1.6), or an empty
 * range.  Without an index: command ids never go down along event ids in a SQLite
 * store (its commands take their ids and append their events one at a time under
 * the write lock; events from before provenance carry 0, at the start), so two
 * binary searches over the ids find the range, about 2·log2(events) row look-ups.
 * Errors: ALLOT_ESTORAGE naming `path`. */
AllotStatus sqlite_command_event_range(sqlite3 *db, const char *path, int64_t cmd, int64_t *lo,
                                       int64_t *hi, ErrBuf *err);

/* Sets SQLite's process-wide options (no memory statistics), once; they take only
 * before SQLite's first use in the process, which sqlite_vfs_name (every store
 * open) calls it ahead of.  A program that uses SQLite before opening a store
 * (bench/bench_sqlite.c, for its baselines) calls it first itself. */
void sqlite_library_init(void);

/* The name of allot's VFS (registered on first call): the default VFS, except that
 * a transaction's WAL frames are written with one system call (sqlite_vfs.c).
 * NULL (use the default) if it cannot be registered. */
const char *sqlite_vfs_name(void);

/* A read model on `db` (path for messages).  If `owns_db`, views_free closes it. */
Views *sqlite_views_on(sqlite3 *db, const char *path, bool owns_db);

/* The unit of work's connection (for tests that play another writer on it). */
typedef struct UnitOfWork UnitOfWork;
sqlite3 *sqlite_uow_connection(UnitOfWork *uow);

/* Bounds of the product cache (defaults: checked every 256 units of work, 1024 in
 * bulk; emptied beyond 262,144 cached lines; bulk work writes out beyond 262,144
 * touched lines or 4x the cached lines).  `check_every` is rounded up to a power
 * of two.  For tests that want the eviction paths exercised. */
void sqlite_uow_set_cache_limits(UnitOfWork *uow, unsigned check_every, size_t cache_lines_max,
                                 size_t bulk_dirty_max);
/* The least number of lines the last write of bulk work must write (and at least
 * half the table's) to build lines_by_batch after the rows (default 65,536).  For
 * tests that want that path exercised on small data. */
void sqlite_uow_set_bulk_rebuild(UnitOfWork *uow, size_t min_lines);
/* The most pages a store may hold for bulk work on it to run with foreign keys off
 * and check them all before its commit (default 4096; below 0: never).  For tests
 * that want either path on small data. */
void sqlite_uow_set_bulk_fk_check(UnitOfWork *uow, int64_t max_pages);
#endif
