/* pg_relay.c — the outbox relay's position and lease (app/relay_store.h) in the
 * table allot.relays of the PostgreSQL store (schema/pg/0004_relay.sql), on a
 * connection of its own.  A lease is decided in one transaction that locks the
 * relay's row (SELECT … FOR UPDATE), so two processes on two machines see each
 * other's answer; times are the server's clock, so the machines' clocks need not
 * agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "persistence/pg_conn.h"
#include "persistence/pg_store.h"

typedef struct PgRelay {
    RelayStore base;
    PGconn *c;
    char where[PG_WHERE_MAX];
} PgRelay;

#define NOW_MS "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

/* Runs `sql` with text parameters; *out (may be NULL) receives the result. */
static AllotStatus run(PgRelay *r, const char *sql, int n, const char *const *vals,
                       const char *doing, PGresult **out, ErrBuf *err)
{
    if (out)
        *out = NULL;
    if (PQstatus(r->c) != CONNECTION_OK) {
        PQreset(r->c);
        if (PQstatus(r->c) != CONNECTION_OK)
            return pg_error(r->c, NULL, r->where, doing, false, err);
    }
    PGresult *res = PQexecParams(r->c, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(res);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        AllotStatus st = pg_error(r->c, res, r->where, doing, false, err);
        PQclear(res);
        if (PQstatus(r->c) == CONNECTION_OK && PQtransactionStatus(r->c) != PQTRANS_IDLE)
            PQclear(PQexec(r->c, "ROLLBACK"));
        return st;
    }
    if (out)
        *out = res;
    else
        PQclear(res);
    return ALLOT_OK;
}

/* The relay row (locked with `lock`) into `out`; *now the server's time in ms. */
static AllotStatus read_row(PgRelay *r, const char *name, bool lock, int64_t *now,
                            RelayLease *out, const char *doing, ErrBuf *err)
{
    const char *vals[] = {name};
    PGresult *res;
    AllotStatus st = run(r,
                         lock ? "SELECT position_tx, position, coalesce(owner, ''), lease_until, "
                                NOW_MS " FROM allot.relays WHERE name = $1 FOR UPDATE"
                              : "SELECT position_tx, position, coalesce(owner, ''), lease_until, "
                                NOW_MS " FROM allot.relays WHERE name = $1",
                         1, vals, doing, &res, err);
    if (st != ALLOT_OK)
        return st;
    if (PQntuples(res) == 1) {
        out->position.tx = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
        out->position.id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
        snprintf(out->holder, sizeof out->holder, "%s", PQgetvalue(res, 0, 2));
        *now = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
        out->expires_in_ms = strtoll(PQgetvalue(res, 0, 3), NULL, 10) - *now;
    }
    PQclear(res);
    return ALLOT_OK;
}

static AllotStatus relay_lease(RelayStore *base, const char *name, const char *owner, int ttl_ms,
                               const char *steal_from, RelayLease *out, ErrBuf *err)
{
    PgRelay *r = (PgRelay *)base;
    memset(out, 0, sizeof *out);
    const char *doing = "taking the relay lease";
    const char *vn[] = {name};
    int64_t now = 0;
    AllotStatus st = run(r, "BEGIN", 0, NULL, doing, NULL, err);
    if (st == ALLOT_OK)
        st = run(r, "INSERT INTO allot.relays (name) VALUES ($1) ON CONFLICT DO NOTHING", 1, vn,
                 doing, NULL, err);
    if (st == ALLOT_OK)
        st = read_row(r, name, true, &now, out, doing, err);
    if (st != ALLOT_OK)
        return st;
    bool mine = strcmp(out->holder, owner) == 0;
    bool take = !out->holder[0] || out->expires_in_ms <= 0 || mine ||
                (steal_from && strcmp(out->holder, steal_from) == 0);
    if (take) {
        char until[24];
        snprintf(until, sizeof until, "%lld", (long long)(now + ttl_ms));
        const char *vals[] = {owner, until, name};
        st = run(r, "UPDATE allot.relays SET owner = $1, lease_until = $2 WHERE name = $3", 3,
                 vals, doing, NULL, err);
        if (st != ALLOT_OK)
            return st;
        snprintf(out->holder, sizeof out->holder, "%s", owner);
        out->expires_in_ms = ttl_ms;
    }
    st = run(r, "COMMIT", 0, NULL, doing, NULL, err);
    if (st == ALLOT_OK)
        out->held = take;
    return st;
}

static AllotStatus relay_advance(RelayStore *base, const char *name, const char *owner,
                                 EventCursor position, ErrBuf *err)
{
    PgRelay *r = (PgRelay *)base;
    char tx[24], id[24];
    snprintf(tx, sizeof tx, "%llu", (unsigned long long)position.tx);
    snprintf(id, sizeof id, "%lld", (long long)position.id);
    const char *vals[] = {tx, id, name, owner};
    PGresult *res;
    AllotStatus st = run(r,
                         "UPDATE allot.relays SET position_tx = $1, position = $2"
                         " WHERE name = $3 AND owner = $4 AND lease_until > " NOW_MS,
                         4, vals, "storing the relay position", &res, err);
    if (st != ALLOT_OK)
        return st;
    bool done = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    if (done)
        return ALLOT_OK;
    RelayLease l = {0};
    int64_t now;
    ErrBuf ignore;
    read_row(r, name, false, &now, &l, "reading the relay lease", &ignore);
    return err_set(err, ALLOT_ECONFLICT, "relay %s: lease lost to %s", name,
                   l.holder[0] ? l.holder : "nobody (it ran out)");
}

static AllotStatus relay_release(RelayStore *base, const char *name, const char *owner,
                                 ErrBuf *err)
{
    PgRelay *r = (PgRelay *)base;
    const char *vals[] = {name, owner};
    return run(r, "UPDATE allot.relays SET owner = NULL, lease_until = 0 WHERE name = $1 AND owner = $2",
               2, vals, "giving up the relay lease", NULL, err);
}

static void relay_destroy(RelayStore *base)
{
    PgRelay *r = (PgRelay *)base;
    PQfinish(r->c);
    free(r);
}

static const RelayStoreOps pg_relay_ops = {
    .lease = relay_lease,
    .advance = relay_advance,
    .release = relay_release,
    .destroy = relay_destroy,
};

AllotStatus pg_relay_open(const char *uri, RelayStore **out, ErrBuf *err)
{
    *out = NULL;
    PgRelay *r = xcalloc(1, sizeof *r);
    r->base.ops = &pg_relay_ops;
    AllotStatus st = pg_connect(uri, &r->c, r->where, err);
    if (st == ALLOT_OK)
        st = pg_check_schema(r->c, r->where, err);
    if (st != ALLOT_OK) {
        relay_destroy(&r->base);
        return st;
    }
    *out = &r->base;
    return ALLOT_OK;
}
