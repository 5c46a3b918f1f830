/* The follower of the event log on PostgreSQL (app/follower.h, pg_store.h).
 *
 * Event ids come from a sequence when the event is written, so a transaction that
 * took a lower id may commit after one that took a higher id: reading "ids above the
 * last one seen" would skip it.  Each event also records its transaction
 * (allot.events.tx = pg_current_xact_id()), and the follower reads in (tx, id)
 * order, handing out an event only when its transaction is below the oldest
 * transaction still running (pg_snapshot_xmin of a fresh snapshot): every
 * transaction below that line has ended, so no event can appear there later, and
 * the cursor (tx, id) of the last event handed out never has to move back.  The
 * cost: while any write transaction on the server stays open, events of younger
 * transactions wait for it (docs/postgresql.md "Following the event log").
 *
 * Waiting: LISTEN allot_events (every commit that writes events sends NOTIFY
 * allot_events), with polling as a fallback: at least every second, and every
 * 100 ms while committed events wait for an older transaction to end.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/xalloc.h"
#include "persistence/pg_conn.h"
#include "persistence/pg_store.h"
#include "persistence/pg_views.h"

#define FALLBACK_POLL_MS 1000
#define PENDING_POLL_MS 100

typedef struct PgFollower {
    EventFollower base;
    PGconn *c;
    char where[PG_WHERE_MAX];
    bool listening, ever_listened;
    bool woken;    /* a notification arrived since the last read */
    bool pending;  /* the last read saw committed events it may not hand out yet */
    int64_t floor_id; /* FOLLOW_AFTER_ID: events below floor_tx up to this id are skipped */
    uint64_t floor_tx;
} PgFollower;

static PgFollower *from_f(EventFollower *f) { return (PgFollower *)f; }

static AllotStatus query_scalar(PgFollower *f, const char *sql, char *out, size_t size,
                                const char *doing, ErrBuf *err)
{
    PGresult *r = PQexec(f->c, sql);
    AllotStatus st = ALLOT_OK;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        st = pg_error(f->c, r, f->where, doing, false, err);
    else
        snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return st;
}

/* Connected and listening; a lost connection is opened again (the cursor is kept,
 * so what committed meanwhile is read next). */
static AllotStatus ensure_listening(PgFollower *f, ErrBuf *err)
{
    if (PQstatus(f->c) != CONNECTION_OK) {
        f->listening = false;
        PQreset(f->c);
        if (PQstatus(f->c) != CONNECTION_OK)
            return pg_error(f->c, NULL, f->where, "reconnecting", false, err);
    }
    if (f->listening)
        return ALLOT_OK;
    bool again = f->ever_listened;
    AllotStatus st = pg_exec(f->c, f->where, "LISTEN " PG_EVENTS_CHANNEL, "listening for events", err);
    if (st == ALLOT_OK) {
        f->listening = f->ever_listened = true;
        /* after a reconnection: what committed while nobody listened, read to know */
        f->woken = f->woken || again;
    }
    return st;
}

static AllotStatus pf_read(EventFollower *base, EventRow *rows, size_t limit, size_t *n,
                           ErrBuf *err)
{
    PgFollower *f = from_f(base);
    *n = 0;
    AllotStatus st = ensure_listening(f, err);
    if (st != ALLOT_OK || limit == 0)
        return st;
    char tx[24], id[24], floor_id[24], floor_tx[24], lim[24];
    snprintf(tx, sizeof tx, "%llu", (unsigned long long)base->pos.tx);
    snprintf(id, sizeof id, "%lld", (long long)base->pos.id);
    snprintf(floor_id, sizeof floor_id, "%lld", (long long)f->floor_id);
    snprintf(floor_tx, sizeof floor_tx, "%llu", (unsigned long long)f->floor_tx);
    snprintf(lim, sizeof lim, "%zu", limit + 1);
    const char *params[] = {tx, id, floor_id, floor_tx, lim};
    PGresult *r = PQexecParams(
        f->c,
        "SELECT " PG_EVENT_COLS ", tx < pg_snapshot_xmin(pg_current_snapshot()) FROM allot.events"
        " WHERE (tx, id) > ($1::xid8, $2::bigint) AND (id > $3::bigint OR tx >= $4::xid8)"
        " ORDER BY tx, id LIMIT $5::bigint",
        5, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        st = pg_error(f->c, r, f->where, "reading the event log", false, err);
        PQclear(r);
        return st;
    }
    f->woken = false;
    f->pending = false;
    int got = PQntuples(r);
    for (int i = 0; i < got; i++) {
        if (PQgetvalue(r, i, PG_EVENT_NCOLS)[0] != 't') {
            f->pending = true; /* an older transaction is still running */
            break;
        }
        if ((size_t)i == limit)
            break;
        pg_read_event(r, i, &rows[i]);
        (*n)++;
    }
    PQclear(r);
    if (*n)
        base->pos = (EventCursor){rows[*n - 1].tx, rows[*n - 1].id};
    return ALLOT_OK;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Takes the notifications that arrived; true if any. */
static bool drain_notifies(PgFollower *f)
{
    bool any = false;
    PGnotify *nt;
    while ((nt = PQnotifies(f->c)) != NULL) {
        any = true;
        PQfreemem(nt);
    }
    return any;
}

static AllotStatus pf_wait(EventFollower *base, int timeout_ms, ErrBuf *err)
{
    PgFollower *f = from_f(base);
    AllotStatus st = ensure_listening(f, err);
    if (st != ALLOT_OK)
        return st;
    int cap = f->pending ? PENDING_POLL_MS : FALLBACK_POLL_MS;
    if (timeout_ms > cap)
        timeout_ms = cap;
    int64_t until = now_ms() + timeout_ms;
    for (;;) {
        if (PQconsumeInput(f->c) == 0)
            return pg_error(f->c, NULL, f->where, "waiting for events", false, err);
        if (drain_notifies(f) || f->woken) {
            f->woken = true;
            return ALLOT_OK;
        }
        int64_t left = until - now_ms();
        if (left <= 0)
            return ALLOT_OK;
        struct pollfd p = {.fd = PQsocket(f->c), .events = POLLIN};
        if (p.fd < 0)
            return pg_error(f->c, NULL, f->where, "waiting for events", false, err);
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno != EINTR)
            return err_set(err, ALLOT_ESTORAGE, "PostgreSQL %s: waiting for events: %s", f->where,
                           strerror(errno));
        if (rc < 0)
            return ALLOT_OK; /* a signal: let the caller look */
    }
}

static int pf_fd(EventFollower *base)
{
    PgFollower *f = from_f(base);
    return PQstatus(f->c) == CONNECTION_OK ? PQsocket(f->c) : -1;
}

static void pf_destroy(EventFollower *base)
{
    PgFollower *f = from_f(base);
    PQfinish(f->c);
    free(f);
}

static const EventFollowerOps pg_follower_ops = {pf_read, pf_wait, pf_fd, pf_destroy};

AllotStatus pg_follow(const char *uri, const FollowStart *start, EventFollower **out,
                      ErrBuf *err)
{
    *out = NULL;
    PgFollower *f = xcalloc(1, sizeof *f);
    f->base.ops = &pg_follower_ops;
    AllotStatus st = pg_connect(uri, &f->c, f->where, err);
    if (st == ALLOT_OK)
        st = pg_check_schema(f->c, f->where, err);
    if (st == ALLOT_OK && start && start->from == FOLLOW_AFTER_CURSOR) {
        f->base.pos = start->cursor;
    } else if (st == ALLOT_OK && start && start->id > 0) {
        /* the events committed now with ids up to start->id count as read; any
         * transaction still running may add events below that id: they come */
        char xmin[32];
        st = query_scalar(f, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text", xmin,
                          sizeof xmin, "reading the event log", err);
        f->floor_id = start->id;
        f->floor_tx = strtoull(xmin, NULL, 10);
    }
    if (st == ALLOT_OK)
        st = ensure_listening(f, err);
    if (st != ALLOT_OK) {
        pf_destroy(&f->base);
        return st;
    }
    *out = &f->base;
    return ALLOT_OK;
}
