/* The read model over SQLite (views.h, sqlite_uow.h).
 *
 * Every list query is built from its spec (view_specs.h) by sql_views.c, which
 * the PostgreSQL read model shares: the spec's columns, each spelt in SQL by its
 * row kind's source table, the query's conditions, an optional LIKE filter over the
 * spec's filter columns, the keyset condition past the anchor and ORDER BY the same
 * keys.  No list has SQL of its own.  The prepared statement is kept, keyed by its
 * text, for the life of the connection.  Every statement is reset after use so
 * that no read transaction stays open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/view_specs.h"
#include "domain/xalloc.h"
#include "persistence/sql_views.h"
#include "persistence/sqlite_schema.h"
#include "persistence/sqlite_uow.h"

typedef struct {
    char *sql;
    sqlite3_stmt *st;
} CachedStmt;

typedef struct SqliteViews {
    Views base;
    sqlite3 *db;
    char *path;
    bool owns_db;
    CachedStmt *stmts;
    size_t nstmts, capstmts;
} SqliteViews;

static SqliteViews *from_views(Views *v) { return (SqliteViews *)v; }

static AllotStatus prepare(SqliteViews *v, SqlQuery *q, sqlite3_stmt **out, ErrBuf *err)
{
    if (q->overflow)
        return err_set(err, ALLOT_EINVALID, "read model query too long");
    sqlite3_stmt *st = NULL;
    for (size_t i = 0; i < v->nstmts; i++)
        if (strcmp(v->stmts[i].sql, q->sql) == 0)
            st = v->stmts[i].st;
    if (!st) {
        int rc = sqlite3_prepare_v3(v->db, q->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK)
            return sqlite_error(v->db, rc, v->path, "preparing a query", err);
        if (v->nstmts == v->capstmts) {
            v->capstmts = v->capstmts ? v->capstmts * 2 : 16;
            v->stmts = xreallocarray(v->stmts, v->capstmts, sizeof *v->stmts);
        }
        v->stmts[v->nstmts++] = (CachedStmt){xstrdup(q->sql), st};
    }
    for (int i = 0; i < q->nbinds; i++) {
        if (q->binds[i].kind == SQL_BIND_INT)
            sqlite3_bind_int64(st, i + 1, q->binds[i].i);
        else
            sqlite3_bind_text(st, i + 1, q->binds[i].t, -1, SQLITE_STATIC);
    }
    *out = st;
    return ALLOT_OK;
}

static void col_id(sqlite3_stmt *st, int i, AllotId out)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? strnlen((const char *)t, ALLOT_ID_MAX) : 0;
    if (n)
        memcpy(out, t, n);
    out[n] = '\0';
}

static int32_t col_eta(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? ALLOT_NO_ETA : sqlite3_column_int(st, i);
}

static void read_row(sqlite3_stmt *st, const ViewSpec *s, void *row);

/* Runs the query, reading up to `limit` rows in the statement's order: of spec `s`
 * into `rows` (and, when `extra` is given, the integer column after the spec's of
 * the last row into *extra); with `s` NULL, one id per row (AllotId) into `rows`,
 * or when `extra` is given the one integer column into *extra. */
static AllotStatus run_query(SqliteViews *v, SqlQuery *q, const ViewSpec *s, void *rows,
                             size_t limit, size_t *n, int64_t *extra, ErrBuf *err)
{
    size_t size = s ? s->row_size : sizeof(AllotId);
    *n = 0;
    sqlite3_stmt *st;
    AllotStatus r = prepare(v, q, &st, err);
    if (r == ALLOT_OK) {
        int rc = SQLITE_DONE;
        while (*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (s)
                read_row(st, s, (char *)rows + *n * size);
            else if (!extra)
                col_id(st, 0, (char *)rows + *n * size);
            if (extra)
                *extra = sqlite3_column_int64(st, s ? (int)s->ncols : 0);
            (*n)++;
        }
        if (*n < limit && rc != SQLITE_DONE)
            r = sqlite_error(v->db, rc, v->path, "reading the read model", err);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    sql_query_fini(q);
    if (r != ALLOT_OK)
        *n = 0;
    return r;
}

static void read_row(sqlite3_stmt *st, const ViewSpec *s, void *row)
{
    memset(row, 0, s->row_size);
    for (size_t i = 0; i < s->ncols; i++) {
        char *f = (char *)row + s->cols[i].offset;
        int c = (int)i;
        switch (s->cols[i].type) {
        case VIEW_TEXT: col_id(st, c, f); break;
        case VIEW_INT: *(int64_t *)f = sqlite3_column_int64(st, c); break;
        case VIEW_DATE: *(int32_t *)f = col_eta(st, c); break;
        case VIEW_SEQ: *(uint64_t *)f = (uint64_t)sqlite3_column_int64(st, c); break;
        case VIEW_EVENT_TYPE: {
            int t = event_type_from_name((const char *)sqlite3_column_text(st, c));
            *(EventType *)f = t < 0 ? EV_TYPE_COUNT : (EventType)t;
            break;
        }
        }
    }
}

static AllotStatus sv_run_rows(void *ctx, SqlQuery *q, const ViewSpec *s, void *rows,
                               size_t limit, size_t *n, int64_t *extra, ErrBuf *err)
{
    return run_query(ctx, q, s, rows, limit, n, extra, err);
}

/* The list query, built from its spec (sql_views.c). */
static AllotStatus sv_list(Views *vv, const ViewQuery *vq, const void *after, void *rows,
                           size_t *n, ErrBuf *err)
{
    /* a command's events: their range of ids, found without an index (schema v6) */
    ViewQuery ranged;
    for (size_t i = 0; i < vq->nconds; i++) {
        const ViewCond *c = &vq->conds[i];
        if (vq->spec->kind == VIEW_ROW_EVENT && c->col == ECOL_COMMAND && c->op == VIEW_EQ &&
            !c->constant && c->num > 0) {
            SqliteViews *v = from_views(vv);
            int64_t lo, hi;
            AllotStatus r = sqlite_command_event_range(v->db, v->path, c->num, &lo, &hi, err);
            if (r != ALLOT_OK)
                return r;
            ranged = *vq;
            view_query_where(&ranged, (ViewCond){.col = ECOL_ID, .op = VIEW_GE, .num = lo});
            view_query_where(&ranged, (ViewCond){.col = ECOL_ID, .op = VIEW_LT, .num = hi});
            vq = &ranged;
            break;
        }
    }
    SqlRunner run = {from_views(vv), sv_run_rows};
    return sql_list(SQL_SQLITE, vq, after, rows, n, &run, err);
}

static AllotStatus sv_latest_event_id(Views *vv, int64_t *id, ErrBuf *err)
{
    SqliteViews *v = from_views(vv);
    *id = 0;
    SqlQuery q;
    sql_latest_event_query(SQL_SQLITE, &q);
    sqlite3_stmt *st;
    AllotStatus r = prepare(v, &q, &st, err);
    if (r != ALLOT_OK)
        return r;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else
        r = sqlite_error(v->db, rc, v->path, "reading the event log", err);
    sqlite3_reset(st);
    return r;
}

/* ---------- completion ---------- */

static AllotStatus sv_complete(Views *vv, CompleteKind kind, const char *prefix, size_t limit,
                               AllotId *out, size_t *n, ErrBuf *err)
{
    *n = 0;
    if (limit == 0)
        return ALLOT_OK;
    SqlQuery q;
    AllotStatus st = sql_complete_query(SQL_SQLITE, kind, prefix, limit, &q, err);
    if (st != ALLOT_OK)
        return st;
    return run_query(from_views(vv), &q, NULL, out, limit, n, NULL, err);
}

/* The count stops at cap + 1 rows; first and last are one index seek each. */
static AllotStatus sv_complete_span(Views *vv, CompleteKind kind, const char *prefix, int64_t cap,
                                    CompleteSpan *out, ErrBuf *err)
{
    SqliteViews *v = from_views(vv);
    size_t n = 0;
    SqlQuery q;
    AllotStatus st = sql_complete_count_query(SQL_SQLITE, kind, prefix, cap, &q, err);
    if (st != ALLOT_OK)
        return st;
    AllotId count; /* run_query reads a column as an id: the count's digits */
    st = run_query(v, &q, NULL, &count, 1, &n, NULL, err);
    int64_t c = st == ALLOT_OK && n == 1 ? strtoll(count, NULL, 10) : 0;
    if (c == 0)
        return st;
    out->more = c > cap;
    out->count = out->more ? cap : c;
    for (int last = 0; last < 2 && st == ALLOT_OK; last++) {
        st = sql_complete_end_query(SQL_SQLITE, kind, prefix, last, &q, err);
        if (st == ALLOT_OK)
            st = run_query(v, &q, NULL, last ? out->last : out->first, 1, &n, NULL, err);
    }
    return st;
}

static void sv_destroy(Views *vv)
{
    SqliteViews *v = from_views(vv);
    for (size_t i = 0; i < v->nstmts; i++) {
        sqlite3_finalize(v->stmts[i].st);
        free(v->stmts[i].sql);
    }
    free(v->stmts);
    if (v->owns_db)
        sqlite3_close(v->db);
    free(v->path);
    free(v);
}

static AllotStatus sv_count(Views *vv, const ViewQuery *vq, const void *after, int64_t *n,
                            ErrBuf *err)
{
    SqlRunner run = {from_views(vv), sv_run_rows};
    return sql_count(SQL_SQLITE, vq, after, n, &run, err);
}

static AllotStatus sv_counts(Views *vv, int32_t today, ReadCounts *out, ErrBuf *err)
{
    SqlRunner run = {from_views(vv), sv_run_rows};
    return sql_counts(SQL_SQLITE, today, out, &run, err);
}

static const ViewsOps sqlite_views_ops = {
    .list = sv_list,
    .latest_event_id = sv_latest_event_id,
    .complete = sv_complete,
    .destroy = sv_destroy,
    .complete_span = sv_complete_span,
    .count = sv_count,
    .counts = sv_counts,
};

Views *sqlite_views_on(sqlite3 *db, const char *path, bool owns_db)
{
    SqliteViews *v = xcalloc(1, sizeof *v);
    v->base.ops = &sqlite_views_ops;
    v->db = db;
    v->path = xstrdup(path);
    v->owns_db = owns_db;
    return &v->base;
}

AllotStatus sqlite_views_open(const char *path, Views **out, ErrBuf *err)
{
    *out = NULL;
    sqlite3 *db;
    bool read_only; /* a full disk: views only read */
    AllotStatus r = sqlite_connect(path, false, ALLOT_BUSY_TIMEOUT_MS, &db, &read_only, err);
    if (r != ALLOT_OK)
        return r;
    *out = sqlite_views_on(db, path, true);
    return ALLOT_OK;
}

AllotStatus sqlite_views_open_readonly(const char *path, Views **out, ErrBuf *err)
{
    *out = NULL;
    sqlite3 *db;
    AllotStatus r = sqlite_connect_readonly(path, ALLOT_BUSY_TIMEOUT_MS, &db, err);
    if (r != ALLOT_OK)
        return r;
    *out = sqlite_views_on(db, path, true);
    return ALLOT_OK;
}
