/* sqlite_relay.c — the outbox relay's position and lease (app/relay_store.h) in the
 * `relays` table of the SQLite store (schema/0004_relay.sql), on a connection of
 * its own.  Each call is one IMMEDIATE transaction, so two processes deciding who
 * holds the lease see each other's answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/xalloc.h"
#include "persistence/sqlite_schema.h"
#include "persistence/sqlite_uow.h"

typedef struct SqliteRelay {
    RelayStore base;
    sqlite3 *db;
    char *path;
} SqliteRelay;

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static AllotStatus fail(SqliteRelay *r, int rc, const char *doing, ErrBuf *err)
{
    AllotStatus s = sqlite_error(r->db, rc, r->path, doing, err);
    sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
    return s;
}

/* Runs `sql` with text/int parameters described by `types` ('t' text, 'i' int64),
 * one step; *changes receives sqlite3_changes. */
static int run(SqliteRelay *r, const char *sql, const char *types, const void *const *args,
               int *changes)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    for (int i = 0; types[i]; i++) {
        if (types[i] == 't')
            sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, i + 1, *(const int64_t *)args[i]);
    }
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (changes)
        *changes = sqlite3_changes(r->db);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Reads the relay row (which must exist) into `out`. */
static int read_row(SqliteRelay *r, const char *name, int64_t now, RelayLease *out)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        r->db,
        "SELECT position_tx, position, COALESCE(owner, ''), lease_until FROM relays WHERE name = ?",
        -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->position.tx = (uint64_t)sqlite3_column_int64(st, 0);
        out->position.id = sqlite3_column_int64(st, 1);
        snprintf(out->holder, sizeof out->holder, "%s", (const char *)sqlite3_column_text(st, 2));
        out->expires_in_ms = sqlite3_column_int64(st, 3) - now;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static AllotStatus relay_lease(RelayStore *base, const char *name, const char *owner, int ttl_ms,
                               const char *steal_from, RelayLease *out, ErrBuf *err)
{
    SqliteRelay *r = (SqliteRelay *)base;
    memset(out, 0, sizeof *out);
    int rc = sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return fail(r, rc, "taking the relay lease", err);
    const void *a1[] = {name};
    rc = run(r, "INSERT OR IGNORE INTO relays (name) VALUES (?)", "t", a1, NULL);
    int64_t now = wall_ms();
    if (rc == SQLITE_OK)
        rc = read_row(r, name, now, out);
    if (rc != SQLITE_OK)
        return fail(r, rc, "taking the relay lease", err);
    bool mine = strcmp(out->holder, owner) == 0;
    bool take = !out->holder[0] || out->expires_in_ms <= 0 || mine ||
                (steal_from && strcmp(out->holder, steal_from) == 0);
    if (take) {
        int64_t until = now + ttl_ms;
        const void *a2[] = {owner, &until, name};
        rc = run(r, "UPDATE relays SET owner = ?, lease_until = ? WHERE name = ?", "tit", a2, NULL);
        if (rc != SQLITE_OK)
            return fail(r, rc, "taking the relay lease", err);
        snprintf(out->holder, sizeof out->holder, "%s", owner);
        out->expires_in_ms = ttl_ms;
    }
    rc = sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return fail(r, rc, "taking the relay lease", err);
    out->held = take;
    return ALLOT_OK;
}

static AllotStatus relay_advance(RelayStore *base, const char *name, const char *owner,
                                 EventCursor position, ErrBuf *err)
{
    SqliteRelay *r = (SqliteRelay *)base;
    int64_t now = wall_ms(), tx = (int64_t)position.tx;
    int changes = 0;
    const void *a[] = {&tx, &position.id, name, owner, &now};
    int rc = run(r,
                 "UPDATE relays SET position_tx = ?, position = ?"
                 " WHERE name = ? AND owner = ? AND lease_until > ?",
                 "iitti", a, &changes);
    if (rc != SQLITE_OK)
        return sqlite_error(r->db, rc, r->path, "storing the relay position", err);
    if (changes == 1)
        return ALLOT_OK;
    RelayLease l = {0};
    read_row(r, name, now, &l);
    return err_set(err, ALLOT_ECONFLICT, "relay %s: lease lost to %s", name,
                   l.holder[0] ? l.holder : "nobody (it ran out)");
}

static AllotStatus relay_release(RelayStore *base, const char *name, const char *owner,
                                 ErrBuf *err)
{
    SqliteRelay *r = (SqliteRelay *)base;
    const void *a[] = {name, owner};
    int rc = run(r, "UPDATE relays SET owner = NULL, lease_until = 0 WHERE name = ? AND owner = ?",
                 "tt", a, NULL);
    return rc == SQLITE_OK ? ALLOT_OK
                           : sqlite_error(r->db, rc, r->path, "giving up the relay lease", err);
}

static void relay_destroy(RelayStore *base)
{
    SqliteRelay *r = (SqliteRelay *)base;
    sqlite3_close(r->db);
    free(r->path);
    free(r);
}

static const RelayStoreOps sqlite_relay_ops = {
    .lease = relay_lease,
    .advance = relay_advance,
    .release = relay_release,
    .destroy = relay_destroy,
};

AllotStatus sqlite_relay_open(const char *path, RelayStore **out, ErrBuf *err)
{
    *out = NULL;
    sqlite3 *db;
    AllotStatus s = sqlite_connect(path, false, ALLOT_BUSY_TIMEOUT_MS, &db, NULL, err);
    if (s != ALLOT_OK)
        return s;
    SqliteRelay *r = xcalloc(1, sizeof *r);
    r->base.ops = &sqlite_relay_ops;
    r->db = db;
    r->path = xstrdup(path);
    *out = &r->base;
    return ALLOT_OK;
}
