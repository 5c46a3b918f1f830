/* Opening a SQLite connection the way allot wants it, and the schema migration
 * (sqlite_schema.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/view_specs.h"
#include "persistence/sqlite_schema.h"

bool sqlite_is_disk_full(sqlite3 *db, int rc)
{
    int prim = rc & 0xff;
    if (prim == SQLITE_FULL)
        return true;
    /* a write, a truncate or the -shm's growth that the system refused for space */
    return (prim == SQLITE_IOERR || prim == SQLITE_CANTOPEN) && db &&
           (sqlite3_system_errno(db) == ENOSPC || sqlite3_system_errno(db) == EDQUOT);
}

AllotStatus sqlite_error(sqlite3 *db, int rc, const char *path, const char *doing, ErrBuf *err)
{
    int prim = rc & 0xff;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        return err_set(err, ALLOT_ESTORAGE,
                       "database %s is locked by another process (%s: gave up waiting)", path,
                       doing);
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
        return err_set(err, ALLOT_ESTORAGE, "database %s is damaged or not a database (%s: %s)",
                       path, doing, msg);
    if (sqlite_is_disk_full(db, rc))
        return err_set(err, ALLOT_ESTORAGE, "database %s: disk full (%s)", path, doing);
    return err_set(err, ALLOT_ESTORAGE, "database %s: %s: %s", path, doing, msg);
}

/* mkdir -p of the directory part of `path`. */
static AllotStatus make_parent_dirs(const char *path, ErrBuf *err)
{
    char dir[4096];
    if (strlen(path) >= sizeof dir)
        return err_set(err, ALLOT_ESTORAGE, "database path is too long: %s", path);
    strcpy(dir, path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return ALLOT_OK;
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                return err_set(err, ALLOT_ESTORAGE, "cannot create directory %s for database %s: %s",
                               dir, path, strerror(errno));
            struct stat st;
            if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
                return err_set(err, ALLOT_ESTORAGE, "cannot create database %s: %s is not a directory",
                               path, dir);
            *p = c;
            if (c == '\0')
                break;
        }
    }
    return ALLOT_OK;
}

static AllotStatus exec(sqlite3 *db, const char *path, const char *sql, const char *doing,
                        ErrBuf *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ALLOT_OK : sqlite_error(db, rc, path, doing, err);
}

AllotStatus sqlite_schema_stored_version(sqlite3 *db, const char *path, int *version,
                                         ErrBuf *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sqlite_error(db, rc, path, "reading the schema version", err);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        AllotStatus s = sqlite_error(db, rc, path, "reading the schema version", err);
        sqlite3_finalize(st);
        return s;
    }
    *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ALLOT_OK;
}

AllotStatus sqlite_schema_migrate(sqlite3 *db, const char *path, int target, ErrBuf *err)
{
    int stored;
    AllotStatus s = sqlite_schema_stored_version(db, path, &stored, err);
    if (s != ALLOT_OK)
        return s;
    if (stored > sqlite_schema_version)
        return err_set(err, ALLOT_ESTORAGE,
                       "database %s has schema version %d, newer than this allot knows (%d)", path,
                       stored, sqlite_schema_version);
    if (stored >= target)
        return ALLOT_OK;
    s = exec(db, path, "BEGIN IMMEDIATE", "migrating the schema", err);
    if (s != ALLOT_OK)
        return s;
    /* Another process may have migrated it while we waited for the lock. */
    s = sqlite_schema_stored_version(db, path, &stored, err);
    for (int v = stored; s == ALLOT_OK && v < target; v++) {
        char doing[64];
        snprintf(doing, sizeof doing, "migrating the schema to version %d", v + 1);
        s = exec(db, path, sqlite_schema_steps[v], doing, err);
        if (s == ALLOT_OK) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
            s = exec(db, path, sql, doing, err);
        }
    }
    if (s == ALLOT_OK)
        s = exec(db, path, "COMMIT", "migrating the schema", err);
    if (s != ALLOT_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return s;
}

/* A failed open: the system's reason (errno text) when SQLite kept one. */
static AllotStatus open_error(sqlite3 *db, int rc, const char *path, ErrBuf *err)
{
    int sys = db ? sqlite3_system_errno(db) : 0;
    if ((rc & 0xff) == SQLITE_CANTOPEN && sys != 0)
        return err_set(err, ALLOT_ESTORAGE, "cannot open database %s: %s", path, strerror(sys));
    return sqlite_error(db, rc, path, "cannot open", err);
}

/* A path that names a directory cannot be a database: say so rather than let
 * SQLite report "unable to open database file". */
static AllotStatus check_not_dir(const char *path, ErrBuf *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return err_set(err, ALLOT_ESTORAGE, "database %s is a directory, not a file", path);
    return ALLOT_OK;
}

/* A database to be created in a folder the user cannot write: the system's
 * reason, which SQLite's retry without O_CREAT would turn into "No such file". */
static AllotStatus check_can_create(const char *path, ErrBuf *err)
{
    struct stat st;
    if (stat(path, &st) == 0 || errno != ENOENT)
        return ALLOT_OK;
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (access(dir, W_OK | X_OK) != 0)
        return err_set(err, ALLOT_ESTORAGE, "cannot create database %s: %s", path, strerror(errno));
    return ALLOT_OK;
}

/* Appends `s` to `out` as the path of a file: URI, escaping what a URI reserves.
 * Returns false if it does not fit. */
/* allot_fold(text): the text with its case folded (app/view_specs.h
 * view_text_fold), so the read model's filters find "Rössle" from "RÖ"; NULL stays
 * NULL. */
static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *t = sqlite3_value_text(argv[0]);
    if (!t) {
        sqlite3_result_null(ctx);
        return;
    }
    char small[256];
    size_t need = 4 * (size_t)sqlite3_value_bytes(argv[0]) + 1;
    char *buf = need <= sizeof small ? small : sqlite3_malloc64(need);
    if (!buf) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t n = view_text_fold((const char *)t, buf, need);
    sqlite3_result_text(ctx, buf, (int)n, SQLITE_TRANSIENT);
    if (buf != small)
        sqlite3_free(buf);
}

static void add_functions(sqlite3 *db)
{
    /* a connection without it fails the filters that use it, with SQLite's message */
    (void)sqlite3_create_function(db, "allot_fold", 1,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                  fold_fn, NULL, NULL);
}

static bool uri_path(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     strchr("/-._~", c) != NULL;
        if (n + 4 >= size)
            return false;
        if (plain)
            out[n++] = (char)c;
        else
            n += (size_t)snprintf(out + n, size - n, "%%%02X", c);
    }
    out[n] = '\0';
    return true;
}

/* The schema of a connection opened without `create` must be the current one. */
static AllotStatus check_current_schema(sqlite3 *db, const char *path, ErrBuf *err)
{
    int v;
    AllotStatus s = sqlite_schema_stored_version(db, path, &v, err);
    if (s == ALLOT_OK && v != sqlite_schema_version)
        s = err_set(err, ALLOT_ESTORAGE, "database %s has schema version %d, expected %d", path, v,
                    sqlite_schema_version);
    return s;
}

AllotStatus sqlite_connect_readonly(const char *path, int busy_ms, sqlite3 **out, ErrBuf *err)
{
    *out = NULL;
    if (!path || !*path)
        return err_set(err, ALLOT_ESTORAGE, "no database path given");
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return err_set(err, ALLOT_ESTORAGE, "no database at %s", path);
        return err_set(err, ALLOT_ESTORAGE, "cannot open database %s: %s", path, strerror(errno));
    }
    AllotStatus s = check_not_dir(path, err);
    if (s != ALLOT_OK)
        return s;
    /* Two tries: a plain read-only open, which reads a WAL database when its -shm
     * can be opened or created; then, when it cannot (a read-only file in a
     * read-only folder, or a full disk, and no frames in a -wal beside it), the
     * file as immutable: nobody can be writing it, since a writer would need
     * that folder or that space. */
    for (int attempt = 0; attempt < 2; attempt++) {
        char uri[4096 + 64] = "file:";
        if (attempt == 1) {
            char wal[4096 + 8];
            struct stat wsb;
            snprintf(wal, sizeof wal, "%s-wal", path);
            if ((stat(wal, &wsb) == 0 && wsb.st_size > 0) ||
                !uri_path(path, uri + 5, sizeof uri - 32))
                break;
            strcat(uri, "?immutable=1");
        }
        sqlite3 *db = NULL;
        int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (attempt ? SQLITE_OPEN_URI : 0);
        int rc = sqlite3_open_v2(attempt ? uri : path, &db, flags, sqlite_vfs_name());
        if (rc != SQLITE_OK) {
            s = open_error(db, rc, path, err);
            sqlite3_close(db);
            return s;
        }
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, busy_ms);
        add_functions(db);
        s = check_current_schema(db, path, err);
        if (s == ALLOT_OK) {
            *out = db;
            return ALLOT_OK;
        }
        int code = sqlite3_extended_errcode(db), prim = code & 0xff;
        bool full = sqlite_is_disk_full(db, code);
        sqlite3_close(db);
        if (prim != SQLITE_CANTOPEN && prim != SQLITE_READONLY && !full)
            return s;
    }
    return s;
}

/* sqlite_connect without the fallback; *full tells whether it failed for space. */
static AllotStatus connect_rw(const char *path, bool create, int busy_ms, sqlite3 **out,
                              bool *full, ErrBuf *err)
{
    *out = NULL;
    *full = false;
    if (!path || !*path)
        return err_set(err, ALLOT_ESTORAGE, "no database path given");
    AllotStatus cs = check_not_dir(path, err);
    if (cs != ALLOT_OK)
        return cs;
    struct stat sb;
    if (!create && stat(path, &sb) != 0 && errno == ENOENT)
        return err_set(err, ALLOT_ESTORAGE, "no database at %s", path);
    if (create) {
        AllotStatus s = make_parent_dirs(path, err);
        if (s != ALLOT_OK)
            return s;
        s = check_can_create(path, err);
        if (s != ALLOT_OK)
            return s;
    }
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &db, flags, sqlite_vfs_name());
    if (rc != SQLITE_OK) {
        *full = sqlite_is_disk_full(db, rc);
        AllotStatus s = open_error(db, rc, path, err);
        sqlite3_close(db);
        return s;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_ms);
    add_functions(db);
    AllotStatus s = ALLOT_OK;
    /* journal_mode answers with the mode it is in: a read-only or odd file may
     * refuse WAL. */
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *mode = (const char *)sqlite3_column_text(st, 0);
            if (!mode || strcmp(mode, "wal") != 0)
                s = err_set(err, ALLOT_ESTORAGE, "database %s cannot use WAL mode (it is in %s mode)",
                            path, mode ? mode : "an unknown");
            rc = SQLITE_OK;
        }
        sqlite3_finalize(st);
    }
    if (s == ALLOT_OK && rc != SQLITE_OK)
        s = sqlite_error(db, rc, path, "cannot open", err);
    if (s == ALLOT_OK)
        /* An Allocate writes about four pages where a one-row insert writes one:
         * checkpoint after 4000 WAL pages instead of 1000, so that checkpoints
         * (and their two fsyncs) come about as often per transaction. */
        s = exec(db, path,
                 "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                 " PRAGMA wal_autocheckpoint = 4000",
                 "cannot open", err);
    if (s == ALLOT_OK && create)
        s = sqlite_schema_migrate(db, path, sqlite_schema_version, err);
    if (s == ALLOT_OK && !create)
        s = check_current_schema(db, path, err);
    if (s != ALLOT_OK) {
        *full = sqlite_is_disk_full(db, sqlite3_extended_errcode(db));
        sqlite3_close(db);
        return s;
    }
    *out = db;
    return ALLOT_OK;
}

AllotStatus sqlite_connect(const char *path, bool create, int busy_ms, sqlite3 **out,
                           bool *read_only, ErrBuf *err)
{
    bool full;
    if (read_only)
        *read_only = false;
    AllotStatus s = connect_rw(path, create, busy_ms, out, &full, err);
    if (s == ALLOT_OK || !full || !read_only)
        return s;
    /* A full disk: the database can still be read (reads need no space). */
    ErrBuf e2;
    if (sqlite_connect_readonly(path, busy_ms, out, &e2) != ALLOT_OK)
        return s;
    *read_only = true;
    return ALLOT_OK;
}

/* The smallest event id >= every id below it whose command_id is >= `cmd`, or
 * `none`: a binary search over ids, each probe the first event at or after the
 * middle (ids may have gaps). */
static int first_event_of(sqlite3_stmt *probe, int64_t cmd, int64_t maxid, int64_t *out)
{
    int64_t lo = 1, hi = maxid + 1, best = maxid + 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        sqlite3_bind_int64(probe, 1, mid);
        int rc = sqlite3_step(probe);
        int64_t f = rc == SQLITE_ROW ? sqlite3_column_int64(probe, 0) : 0;
        int64_t c = rc == SQLITE_ROW ? sqlite3_column_int64(probe, 1) : 0;
        sqlite3_reset(probe);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return rc;
        if (rc == SQLITE_DONE || f >= hi) {
            hi = mid; /* nothing in [mid, hi) */
        } else if (c >= cmd) {
            best = f;
            hi = mid;
        } else {
            lo = f + 1;
        }
    }
    *out = best;
    return SQLITE_OK;
}

AllotStatus sqlite_command_event_range(sqlite3 *db, const char *path, int64_t cmd, int64_t *lo,
                                       int64_t *hi, ErrBuf *err)
{
    *lo = *hi = 0;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(id), 0) FROM events", -1, &st, NULL);
    int64_t maxid = 0;
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        maxid = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "SELECT id, command_id FROM events WHERE id >= ?1 ORDER BY id"
                                " LIMIT 1", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = first_event_of(st, cmd, maxid, lo);
    if (rc == SQLITE_OK)
        rc = first_event_of(st, cmd + 1, maxid, hi);
    AllotStatus r = rc == SQLITE_OK ? ALLOT_OK
                                    : sqlite_error(db, rc, path, "reading the event log", err);
    sqlite3_finalize(st);
    return r;
}
