/* The read model over PostgreSQL (views.h, pg_views.h).
 *
 * Every list query is the one sql_views.c builds from the list's spec for SQLite
 * too (the connection's search_path is the schema allot; text columns compare
 * byte-wise under COLLATE "C"; the filter is ILIKE): no list has SQL of its own.
 * Each query runs as one statement outside any transaction of its own, so no
 * snapshot stays open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/view_specs.h"
#include "domain/xalloc.h"
#include "persistence/pg_conn.h"
#include "persistence/pg_store.h"
#include "persistence/pg_views.h"
#include "persistence/sql_views.h"

typedef struct PgViews {
    Views base;
    PGconn *c;
    char where[PG_WHERE_MAX];
    bool owns;
} PgViews;

static PgViews *from_views(Views *v) { return (PgViews *)v; }

/* The error of a failed query; a lost connection says that the next query
 * connects again (the TUI shows it while the server is away). */
static AllotStatus query_error(PgViews *v, const PGresult *r, const char *doing, ErrBuf *err)
{
    AllotStatus st = pg_error(v->c, r, v->where, doing, false, err);
    if (PQstatus(v->c) != CONNECTION_OK) {
        ErrBuf why = *err;
        err_set(err, st, "reconnecting… (%s)", why.msg);
    }
    return st;
}

/* A lost connection is opened again before the next query. */
static AllotStatus ensure_connected(PgViews *v, ErrBuf *err)
{
    if (PQstatus(v->c) == CONNECTION_OK)
        return ALLOT_OK;
    PQreset(v->c);
    if (PQstatus(v->c) != CONNECTION_OK)
        return query_error(v, NULL, "reconnecting", err);
    return pg_exec(v->c, v->where, PG_SEARCH_PATH, "reconnecting", err);
}

/* Runs q (its `?` renumbered $1, $2, …; every parameter as text).  *out is the
 * result (PQclear it). */
static AllotStatus exec_query(PgViews *v, SqlQuery *q, PGresult **out, ErrBuf *err)
{
    *out = NULL;
    AllotStatus st = q->overflow ? err_set(err, ALLOT_EINVALID, "read model query too long")
                                 : ensure_connected(v, err);
    char sql[sizeof q->sql + 3 * 48];
    const char *vals[48];
    char ibuf[48][24];
    size_t o = 0;
    int k = 0;
    for (size_t i = 0; st == ALLOT_OK && q->sql[i]; i++) {
        if (q->sql[i] != '?' || k >= q->nbinds) {
            sql[o++] = q->sql[i];
            continue;
        }
        const SqlBind *b = &q->binds[k];
        if (b->kind == SQL_BIND_INT) {
            snprintf(ibuf[k], sizeof ibuf[k], "%lld", (long long)b->i);
            vals[k] = ibuf[k];
        } else {
            vals[k] = b->t ? b->t : "";
        }
        k++;
        o += (size_t)snprintf(sql + o, sizeof sql - o, "$%d", k);
    }
    sql[o] = '\0';
    if (st == ALLOT_OK) {
        PGresult *r = PQexecParams(v->c, sql, k, NULL, vals, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            st = query_error(v, r, "reading the read model", err);
            PQclear(r);
        } else {
            *out = r;
        }
    }
    sql_query_fini(q);
    return st;
}

static int64_t col_int(const PGresult *r, int i, int c)
{
    return PQgetisnull(r, i, c) ? 0 : strtoll(PQgetvalue(r, i, c), NULL, 10);
}

static void col_id(const PGresult *r, int i, int c, AllotId out)
{
    snprintf(out, sizeof(AllotId), "%s", PQgetisnull(r, i, c) ? "" : PQgetvalue(r, i, c));
}

static int32_t col_eta(const PGresult *r, int i, int c)
{
    return PQgetisnull(r, i, c) ? ALLOT_NO_ETA : (int32_t)col_int(r, i, c);
}

/* Row `i` of a list query of spec `s` into `row`. */
static void read_row(const PGresult *r, int i, const ViewSpec *s, void *row)
{
    memset(row, 0, s->row_size);
    for (size_t k = 0; k < s->ncols; k++) {
        char *f = (char *)row + s->cols[k].offset;
        int c = (int)k;
        switch (s->cols[k].type) {
        case VIEW_TEXT: col_id(r, i, c, f); break;
        case VIEW_INT: *(int64_t *)f = col_int(r, i, c); break;
        case VIEW_DATE: *(int32_t *)f = col_eta(r, i, c); break;
        case VIEW_SEQ: *(uint64_t *)f = (uint64_t)col_int(r, i, c); break;
        case VIEW_EVENT_TYPE: {
            int t = event_type_from_name(PQgetvalue(r, i, c));
            *(EventType *)f = t < 0 ? EV_TYPE_COUNT : (EventType)t;
            break;
        }
        }
    }
}

/* Runs q, reading up to `limit` rows in the statement's order: of spec `s` into
 * `rows` (and, when `extra` is given, the integer column after the spec's of the
 * last row into *extra); with `s` NULL, one id per row into `rows`, or when `extra`
 * is given the one integer column into *extra. */
static AllotStatus run_query(PgViews *v, SqlQuery *q, const ViewSpec *s, void *rows,
                             size_t limit, size_t *n, int64_t *extra, ErrBuf *err)
{
    *n = 0;
    PGresult *r;
    AllotStatus st = exec_query(v, q, &r, err);
    if (st != ALLOT_OK)
        return st;
    size_t size = s ? s->row_size : sizeof(AllotId);
    size_t got = (size_t)PQntuples(r);
    if (got > limit)
        got = limit;
    for (size_t i = 0; i < got; i++) {
        void *row = (char *)rows + i * size;
        if (s)
            read_row(r, (int)i, s, row);
        else if (!extra)
            col_id(r, (int)i, 0, row);
        if (extra)
            *extra = col_int(r, (int)i, s ? (int)s->ncols : 0);
    }
    PQclear(r);
    *n = got;
    return ALLOT_OK;
}

static AllotStatus pv_run_rows(void *ctx, SqlQuery *q, const ViewSpec *s, void *rows,
                               size_t limit, size_t *n, int64_t *extra, ErrBuf *err)
{
    return run_query(ctx, q, s, rows, limit, n, extra, err);
}

static AllotStatus pv_list(Views *vv, const ViewQuery *vq, const void *after, void *rows,
                           size_t *n, ErrBuf *err)
{
    SqlRunner run = {from_views(vv), pv_run_rows};
    return sql_list(SQL_POSTGRES, vq, after, rows, n, &run, err);
}

static AllotStatus pv_latest_event_id(Views *vv, int64_t *id, ErrBuf *err)
{
    *id = 0;
    SqlQuery q;
    sql_latest_event_query(SQL_POSTGRES, &q);
    PGresult *r;
    AllotStatus st = exec_query(from_views(vv), &q, &r, err);
    if (st == ALLOT_OK) {
        *id = col_int(r, 0, 0);
        PQclear(r);
    }
    return st;
}

static AllotStatus pv_complete(Views *vv, CompleteKind kind, const char *prefix, size_t limit,
                               AllotId *out, size_t *n, ErrBuf *err)
{
    *n = 0;
    if (limit == 0)
        return ALLOT_OK;
    SqlQuery q;
    AllotStatus st = sql_complete_query(SQL_POSTGRES, kind, prefix, limit, &q, err);
    if (st != ALLOT_OK)
        return st;
    return run_query(from_views(vv), &q, NULL, out, limit, n, NULL, err);
}

/* As sqlite_views.c: the count stops at cap + 1 rows; first and last are one index
 * seek each. */
static AllotStatus pv_complete_span(Views *vv, CompleteKind kind, const char *prefix, int64_t cap,
                                    CompleteSpan *out, ErrBuf *err)
{
    PgViews *v = from_views(vv);
    size_t n = 0;
    SqlQuery q;
    AllotStatus st = sql_complete_count_query(SQL_POSTGRES, kind, prefix, cap, &q, err);
    if (st != ALLOT_OK)
        return st;
    AllotId count;
    st = run_query(v, &q, NULL, &count, 1, &n, NULL, err);
    int64_t c = st == ALLOT_OK && n == 1 ? strtoll(count, NULL, 10) : 0;
    if (c == 0)
        return st;
    out->more = c > cap;
    out->count = out->more ? cap : c;
    for (int last = 0; last < 2 && st == ALLOT_OK; last++) {
        st = sql_complete_end_query(SQL_POSTGRES, kind, prefix, last, &q, err);
        if (st == ALLOT_OK)
            st = run_query(v, &q, NULL, last ? out->last : out->first, 1, &n, NULL, err);
    }
    return st;
}

void pg_read_event(const PGresult *res, int i, EventRow *r)
{
    memset(r, 0, sizeof *r);
    r->id = col_int(res, i, 0);
    r->tx = (uint64_t)strtoull(PQgetvalue(res, i, 1), NULL, 10);
    r->at = col_int(res, i, 2);
    int t = event_type_from_name(PQgetvalue(res, i, 3));
    r->ev.type = t < 0 ? EV_TYPE_COUNT : (EventType)t;
    col_id(res, i, 4, r->ev.sku);
    col_id(res, i, 5, r->ev.orderid);
    col_id(res, i, 6, r->ev.batchref);
    col_id(res, i, 7, r->ev.to);
    r->ev.qty = col_int(res, i, 8);
    r->ev.old_qty = col_int(res, i, 9);
    r->ev.new_qty = col_int(res, i, 10);
    r->ev.eta = col_eta(res, i, 11);
    r->ev.old_eta = col_eta(res, i, 12);
    r->ev.new_eta = col_eta(res, i, 13);
    r->ev.need = col_eta(res, i, 14);
    r->ev.requested = col_int(res, i, 15);
    r->ev.seq = (uint64_t)col_int(res, i, 16);
    r->ev.new_line = PQgetvalue(res, i, 17)[0] == 't';
    r->ev.command_id = col_int(res, i, 18);
    col_id(res, i, 19, r->ev.actor);
    r->ev.undoes = col_int(res, i, 20);
}

static void pv_destroy(Views *vv)
{
    PgViews *v = from_views(vv);
    if (v->owns)
        PQfinish(v->c);
    free(v);
}

static AllotStatus pv_count(Views *vv, const ViewQuery *vq, const void *after, int64_t *n,
                            ErrBuf *err)
{
    SqlRunner run = {from_views(vv), pv_run_rows};
    return sql_count(SQL_POSTGRES, vq, after, n, &run, err);
}

static AllotStatus pv_counts(Views *vv, int32_t today, ReadCounts *out, ErrBuf *err)
{
    SqlRunner run = {from_views(vv), pv_run_rows};
    return sql_counts(SQL_POSTGRES, today, out, &run, err);
}

static const ViewsOps pg_views_ops = {
    .list = pv_list,
    .latest_event_id = pv_latest_event_id,
    .complete = pv_complete,
    .destroy = pv_destroy,
    .complete_span = pv_complete_span,
    .count = pv_count,
    .counts = pv_counts,
};

Views *pg_views_on(PGconn *c, const char *where, bool owns)
{
    PgViews *v = xcalloc(1, sizeof *v);
    v->base.ops = &pg_views_ops;
    v->c = c;
    snprintf(v->where, sizeof v->where, "%s", where);
    v->owns = owns;
    return &v->base;
}

AllotStatus pg_views_open(const char *uri, Views **out, ErrBuf *err)
{
    *out = NULL;
    PGconn *c;
    char where[PG_WHERE_MAX];
    AllotStatus st = pg_connect(uri, &c, where, err);
    if (st == ALLOT_OK)
        st = pg_check_schema(c, where, err);
    if (st != ALLOT_OK) {
        PQfinish(c);
        return st;
    }
    *out = pg_views_on(c, where, true);
    return ALLOT_OK;
}
