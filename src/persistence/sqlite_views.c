/* The read model over SQLite (views.h, sqlite_uow.h).
 *
 * Every list query is built from its spec (view_specs.h) by sv_list: the spec's
 * columns, each spelt in SQL by its row kind's source table below, the query's
 * conditions, an optional LIKE filter over the spec's filter columns, the keyset
 * condition past the anchor and ORDER BY the same keys.  No list has SQL of its
 * own.  The prepared statement is kept, keyed by its text, for the life of the
 * connection.  Every statement is reset after use so that no read
 * transaction stays open.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/view_specs.h"
#include "domain/xalloc.h"
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

/* ---------- the query builder ---------- */

enum { B_INT, B_TEXT };

typedef struct {
    int kind;
    int64_t i;
    const char *t;
} Bind;

typedef struct {
    char sql[4096];
    size_t len;
    Bind binds[64];
    int nbinds;
    char *patterns[VIEW_MAX_CONDS + 1]; /* owned LIKE patterns */
    int npatterns;
    int32_t today; /* bound for every `?` of a computed column's expression */
    bool overflow;
} Query;

static void q_add(Query *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void q_add(Query *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(q->sql + q->len, sizeof q->sql - q->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof q->sql - q->len)
        q->overflow = true;
    else
        q->len += (size_t)n;
}

static void q_int(Query *q, int64_t v)
{
    if (q->nbinds < (int)(sizeof q->binds / sizeof q->binds[0]))
        q->binds[q->nbinds++] = (Bind){B_INT, v, NULL};
    else
        q->overflow = true;
}

static void q_text(Query *q, const char *t)
{
    if (q->nbinds < (int)(sizeof q->binds / sizeof q->binds[0]))
        q->binds[q->nbinds++] = (Bind){B_TEXT, 0, t};
    else
        q->overflow = true;
}

static bool has_text(const char *s) { return s && *s; }

/* Adds a column's SQL expression; each `?` in it (a computed column's today) is
 * bound to q->today. */
static void q_expr(Query *q, const char *expr)
{
    q_add(q, "%s", expr);
    for (const char *c = expr; (c = strchr(c, '?')) != NULL; c++)
        q_int(q, q->today);
}

/* A LIKE pattern (owned by q) for `text` with the wildcards escaped: '%' before it
 * when `anywhere`, '%' after it. */
static const char *q_pattern(Query *q, const char *text, bool anywhere)
{
    size_t n = strlen(text);
    char *p = xmalloc(2 * n + 3), *o = p;
    if (anywhere)
        *o++ = '%';
    for (const char *c = text; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            *o++ = '\\';
        *o++ = *c;
    }
    *o++ = '%';
    *o = '\0';
    if (q->npatterns < (int)(sizeof q->patterns / sizeof q->patterns[0]))
        q->patterns[q->npatterns++] = p;
    else {
        free(p);
        q->overflow = true;
        return "";
    }
    return p;
}

static void q_free_patterns(Query *q)
{
    for (int i = 0; i < q->npatterns; i++)
        free(q->patterns[i]);
    q->npatterns = 0;
}

/* AND (c1 LIKE ?p OR c2 LIKE ?p ...) for a substring filter.  `cols` is a
 * NULL-terminated list. */
static void q_filter(Query *q, const char *filter, const char *const *cols)
{
    if (!has_text(filter))
        return;
    const char *pattern = q_pattern(q, filter, true);
    q_add(q, " AND (");
    for (int i = 0; cols[i]; i++) {
        q_add(q, "%s", i ? " OR " : "");
        q_expr(q, cols[i]);
        q_add(q, " LIKE ? ESCAPE '\\'");
        q_text(q, pattern);
    }
    q_add(q, ")");
}

static AllotStatus prepare(SqliteViews *v, Query *q, sqlite3_stmt **out, ErrBuf *err)
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
        if (q->binds[i].kind == B_INT)
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

/* Runs the query, reading up to `limit` rows of spec `s` into `rows` (spec NULL:
 * one id per row, AllotId), in the list's order. */
static AllotStatus run_query(SqliteViews *v, Query *q, const ViewSpec *s, void *rows,
                             size_t limit, bool backward, size_t *n, ErrBuf *err)
{
    size_t size = s ? s->row_size : sizeof(AllotId);
    *n = 0;
    sqlite3_stmt *st;
    AllotStatus r = prepare(v, q, &st, err);
    if (r == ALLOT_OK) {
        int rc;
        while (*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (s)
                read_row(st, s, (char *)rows + *n * size);
            else
                col_id(st, 0, (char *)rows + *n * size);
            (*n)++;
        }
        if (*n < limit && rc != SQLITE_DONE)
            r = sqlite_error(v->db, rc, v->path, "reading the read model", err);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    q_free_patterns(q);
    if (r == ALLOT_OK && backward && *n > 1) {
        char *tmp = xmalloc(size);
        for (size_t i = 0, j = *n - 1; i < j; i++, j--) {
            memcpy(tmp, (char *)rows + i * size, size);
            memcpy((char *)rows + i * size, (char *)rows + j * size, size);
            memcpy((char *)rows + j * size, tmp, size);
        }
        free(tmp);
    }
    if (r != ALLOT_OK)
        *n = 0;
    return r;
}

/* ---------- the list specs in SQL ---------- */

/* How one column of a spec (view_specs.h) is spelt in SQL: its expression; for a
 * text column that the store keeps as NULL when "", the expression whose
 * NULL-ness means "" (so that VIEW_EMPTY can use a partial index); and for a
 * column the store keeps as NULL for none, the expression that orders and compares
 * it as the spec does (none = "" or ALLOT_NO_ETA, the smallest), which the keyset,
 * ORDER BY and number conditions use (an index on that expression serves them).
 * A `?` in an expression is the query's today. */
typedef struct SqlColumn {
    const char *expr;
    const char *null_expr;
    const char *sort_expr;
} SqlColumn;

static const char *sort_expr(const SqlColumn *c) { return c->sort_expr ? c->sort_expr : c->expr; }

typedef struct SqlSource {
    const char *from;
    const SqlColumn *cols; /* one per column of the row kind's specs */
    size_t ncols;
    bool row_values; /* keys of one direction as (k1, k2) > (?, ?): the index of one
                        table bounds its whole range; a join spells the keyset out */
} SqlSource;

#define NO_DATE_SQL "-2147483648" /* ALLOT_NO_ETA, ALLOT_NO_DATE */

static const SqlColumn product_sql[PCOL_COUNT] = {
    [PCOL_SKU] = {"sku", NULL, NULL},           [PCOL_NBATCHES] = {"nbatches", NULL, NULL},
    [PCOL_QTY] = {"qty", NULL, NULL},           [PCOL_ALLOCATED] = {"allocated", NULL, NULL},
    [PCOL_AVAILABLE] = {"qty - allocated", NULL, NULL},
    [PCOL_BO_LINES] = {"bo_lines", NULL, NULL}, [PCOL_BO_QTY] = {"bo_qty", NULL, NULL},
    [PCOL_NEXT_ETA] = {"next_eta", NULL, "COALESCE(next_eta, " NO_DATE_SQL ")"},
};

/* A batch's allocated qty and line count come from the covering index
 * lines_by_batch (batch_id, seq, qty). */
#define BATCH_ALLOCATED "(SELECT COALESCE(SUM(l.qty), 0) FROM lines l WHERE l.batch_id = b.id)"
static const SqlColumn batch_sql[BCOL_COUNT] = {
    [BCOL_REF] = {"b.ref", NULL},
    [BCOL_SKU] = {"b.sku", NULL},
    [BCOL_QTY] = {"b.qty", NULL},
    [BCOL_ALLOCATED] = {BATCH_ALLOCATED, NULL},
    [BCOL_AVAILABLE] = {"b.qty - " BATCH_ALLOCATED, NULL},
    [BCOL_ETA] = {"b.eta", NULL},
    [BCOL_NLINES] = {"(SELECT COUNT(*) FROM lines l WHERE l.batch_id = b.id)", NULL},
    [BCOL_SEQ] = {"b.seq", NULL},
};

/* SPEC.md §1.4 as lateness_of_line: a backorder is late by today − need, a line on
 * a batch by its promise (the ETA, or today for a batch in the warehouse or past
 * its ETA: MAX with today, ALLOT_NO_ETA being the smallest) − need. */
#define LINE_LATE                                                                              \
    "(CASE WHEN l.need IS NULL THEN 0 WHEN l.batch_id IS NULL THEN MAX(? - l.need, 0)"          \
    " ELSE MAX(MAX(b.eta, ?) - l.need, 0) END)"
static const SqlColumn line_sql[LCOL_COUNT] = {
    [LCOL_ORDERID] = {"l.orderid", NULL, NULL},
    [LCOL_SKU] = {"p.sku", NULL, NULL},
    [LCOL_QTY] = {"l.qty", NULL, NULL},
    [LCOL_BATCHREF] = {"b.ref", "l.batch_id", "COALESCE(b.ref, '')"},
    [LCOL_ETA] = {"b.eta", NULL, "COALESCE(b.eta, " NO_DATE_SQL ")"},
    [LCOL_SEQ] = {"l.seq", NULL, NULL},
    [LCOL_KEY] = {"l.req", NULL, NULL},
    [LCOL_NEED] = {"l.need", NULL, "COALESCE(l.need, " NO_DATE_SQL ")"},
    [LCOL_LATE] = {LINE_LATE, NULL, NULL},
};

static const SqlColumn event_sql[ECOL_COUNT] = {
    [ECOL_ID] = {"id", NULL},
    [ECOL_AT] = {"at", NULL},
    [ECOL_TYPE] = {"type", NULL},
    [ECOL_SKU] = {"sku", "sku"},
    [ECOL_ORDERID] = {"orderid", "orderid"},
    [ECOL_BATCHREF] = {"batchref", "batchref"},
    [ECOL_TO] = {"to_ref", "to_ref"},
    [ECOL_QTY] = {"qty", NULL},
    [ECOL_OLD_QTY] = {"old_qty", NULL},
    [ECOL_NEW_QTY] = {"new_qty", NULL},
    [ECOL_ETA] = {"eta", NULL},
    [ECOL_OLD_ETA] = {"old_eta", NULL},
    [ECOL_NEW_ETA] = {"new_eta", NULL},
    [ECOL_NEED] = {"need", NULL},
    [ECOL_REQUESTED] = {"requested", NULL},
    [ECOL_SEQ] = {"seq", NULL},
    [ECOL_COMMAND] = {"command_id", NULL},
    [ECOL_ACTOR] = {"actor", "NULLIF(actor, '')"},
    [ECOL_UNDOES] = {"undoes", NULL},
};

static const SqlSource sql_sources[] = {
    [VIEW_ROW_PRODUCT] = {"products", product_sql, PCOL_COUNT, true},
    [VIEW_ROW_BATCH] = {"batches b", batch_sql, BCOL_COUNT, true},
    [VIEW_ROW_LINE] = {"lines l JOIN products p ON p.id = l.product_id"
                       " LEFT JOIN batches b ON b.id = l.batch_id",
                       line_sql, LCOL_COUNT, false},
    [VIEW_ROW_EVENT] = {"events", event_sql, ECOL_COUNT, true},
};

static bool is_text_col(const ViewSpec *s, int col)
{
    return s->cols[col].type == VIEW_TEXT || s->cols[col].type == VIEW_EVENT_TYPE;
}

/* Binds the value of column `col` of `row`. */
static void q_value(Query *q, const ViewSpec *s, int col, const void *row)
{
    if (is_text_col(s, col))
        q_text(q, view_row_text(s, col, row));
    else
        q_int(q, view_row_num(s, col, row));
}

static const char *const cmp_ops[] = {
    [VIEW_EQ] = "=", [VIEW_LT] = "<", [VIEW_LE] = "<=", [VIEW_GT] = ">", [VIEW_GE] = ">=",
};

static void q_cond(Query *q, const SqlSource *src, const ViewSpec *s, const ViewCond *c)
{
    const SqlColumn *col = &src->cols[c->col];
    if (c->op == VIEW_EMPTY || c->op == VIEW_NOT_EMPTY) {
        const char *not = c->op == VIEW_EMPTY ? "" : " NOT";
        if (col->null_expr)
            q_add(q, " AND %s IS%s NULL", col->null_expr, not);
        else
            q_add(q, " AND%s (%s = '')", not, col->expr);
        return;
    }
    if (c->op == VIEW_PREFIX) {
        if (!has_text(c->text))
            return; /* every row, also one whose text the store keeps as NULL */
        q_add(q, " AND ");
        q_expr(q, col->expr);
        q_add(q, " LIKE ? ESCAPE '\\'");
        q_text(q, q_pattern(q, c->text, false));
        return;
    }
    q_add(q, " AND ");
    if (is_text_col(s, c->col)) {
        q_expr(q, col->expr);
        q_add(q, " %s ?", cmp_ops[c->op]);
        q_text(q, c->text ? c->text : "");
    } else if (c->constant) {
        q_expr(q, sort_expr(col));
        q_add(q, " %s %" PRId64, cmp_ops[c->op], c->num);
    } else {
        q_expr(q, sort_expr(col));
        q_add(q, " %s ?", cmp_ops[c->op]);
        q_int(q, c->num);
    }
}

/* The keyset condition past `anchor` for keys[from..n), lexicographic with each
 * key's own direction, spelt so that the first key bounds an index range:
 *   k1 >= ? AND (k1 > ? OR (k2 >= ? AND (k2 > ? OR k3 > ?)))
 * or, on one table with every key in one direction, (k1, k2, k3) > (?, ?, ?). */
static void q_keyset(Query *q, const SqlSource *src, const ViewQuery *vq, const ViewKey *keys,
                     size_t from, size_t n, const void *anchor)
{
    bool one_way = true;
    for (size_t i = from + 1; i < n; i++)
        one_way = one_way && keys[i].desc == keys[from].desc;
    if (from == 0 && n > 1 && one_way && src->row_values) {
        q_add(q, "(");
        for (size_t i = 0; i < n; i++) {
            q_add(q, "%s", i ? ", " : "");
            q_expr(q, sort_expr(&src->cols[keys[i].col]));
        }
        q_add(q, ") %s (", keys[0].desc == vq->page.backward ? ">" : "<");
        for (size_t i = 0; i < n; i++) {
            q_add(q, "%s?", i ? ", " : "");
            q_value(q, vq->spec, keys[i].col, anchor);
        }
        q_add(q, ")");
        return;
    }
    const ViewKey *k = &keys[from];
    bool up = k->desc == vq->page.backward; /* this key grows in the page's direction */
    const char *e = sort_expr(&src->cols[k->col]);
    if (from + 1 == n) {
        q_expr(q, e);
        q_add(q, " %s ?", up ? ">" : "<");
        q_value(q, vq->spec, k->col, anchor);
        return;
    }
    q_expr(q, e);
    q_add(q, " %s ? AND (", up ? ">=" : "<=");
    q_value(q, vq->spec, k->col, anchor);
    q_expr(q, e);
    q_add(q, " %s ? OR (", up ? ">" : "<");
    q_value(q, vq->spec, k->col, anchor);
    q_keyset(q, src, vq, keys, from + 1, n, anchor);
    q_add(q, "))");
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

/* WHERE of query vq: its conditions, the substring filter over the spec's filter
 * columns and the keyset past the anchor. */
static void q_where(Query *q, const SqlSource *src, const ViewQuery *vq, const void *after)
{
    const ViewSpec *s = vq->spec;
    q_add(q, " FROM %s WHERE 1", src->from);
    for (size_t i = 0; i < vq->nconds; i++)
        q_cond(q, src, s, &vq->conds[i]);
    const char *fcols[33];
    size_t nf = 0;
    for (size_t i = 0; i < s->ncols && nf < 32; i++)
        if (s->filter_mask & (UINT32_C(1) << i))
            fcols[nf++] = src->cols[i].expr;
    fcols[nf] = NULL;
    q_filter(q, vq->page.filter, fcols);
    ViewKey keys[VIEW_MAX_KEYS];
    size_t nk = view_query_keys(vq, keys);
    if (after && nk) {
        q_add(q, " AND (");
        q_keyset(q, src, vq, keys, 0, nk, after);
        q_add(q, ")");
    }
}

/* The one list query: SELECT every column of the spec FROM the row kind's source
 * WHERE its conditions, the substring filter over the spec's filter columns and
 * the keyset past the anchor, ORDER BY the keys, LIMIT. */
static AllotStatus sv_list(Views *vv, const ViewQuery *vq, const void *after, void *rows,
                           size_t *n, ErrBuf *err)
{
    SqliteViews *v = from_views(vv);
    const ViewSpec *s = vq->spec;
    const SqlSource *src = &sql_sources[s->kind];
    *n = 0;
    Query q = {.today = vq->today};
    q_add(&q, "SELECT ");
    for (size_t i = 0; i < s->ncols; i++) {
        q_add(&q, "%s", i ? ", " : "");
        q_expr(&q, src->cols[i].expr);
    }
    q_where(&q, src, vq, after);
    ViewKey keys[VIEW_MAX_KEYS];
    size_t nk = view_query_keys(vq, keys);
    q_add(&q, " ORDER BY ");
    for (size_t i = 0; i < nk; i++) {
        q_add(&q, "%s", i ? ", " : "");
        q_expr(&q, sort_expr(&src->cols[keys[i].col]));
        q_add(&q, "%s", keys[i].desc != vq->page.backward ? " DESC" : "");
    }
    if (!nk)
        q_add(&q, "1");
    q_add(&q, " LIMIT ?");
    q_int(&q, (int64_t)vq->page.limit);
    return run_query(v, &q, s, rows, vq->page.limit, vq->page.backward, n, err);
}

/* Runs a query of one integer row (a count), into *out. */
static AllotStatus run_int(SqliteViews *v, Query *q, int64_t *out, const char *doing, ErrBuf *err)
{
    *out = 0;
    sqlite3_stmt *st;
    AllotStatus r = prepare(v, q, &st, err);
    if (r == ALLOT_OK) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            *out = sqlite3_column_int64(st, 0);
        else
            r = sqlite_error(v->db, rc, v->path, doing, err);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    q_free_patterns(q);
    return r;
}

static AllotStatus sv_count(Views *vv, const ViewQuery *vq, const void *after, int64_t *n,
                            ErrBuf *err)
{
    Query q = {.today = vq->today};
    q_add(&q, "SELECT count(*)");
    q_where(&q, &sql_sources[vq->spec->kind], vq, after);
    return run_int(from_views(vv), &q, n, "counting the rows of a list", err);
}

/* The header counts, each an index range (schema 0006): the products with
 * backorders (products_backordered), the batches with an ETA before today
 * (batches_by_eta), and the late lines (SPEC.md §1.4) in two parts — every line
 * whose need date has passed is late whatever its place (its promise is today or
 * later), and a line needed from today on is late only on a batch arriving after
 * its need date (lines_by_need: the lines with need dates from today on). */
static AllotStatus sv_counts(Views *vv, int32_t today, ReadCounts *out, ErrBuf *err)
{
    SqliteViews *v = from_views(vv);
    Query q = {0};
    q_add(&q, "SELECT COALESCE(SUM(bo_lines), 0), COALESCE(SUM(bo_qty), 0), count(*)"
              " FROM products WHERE bo_lines > 0");
    sqlite3_stmt *st;
    AllotStatus r = prepare(v, &q, &st, err);
    if (r != ALLOT_OK)
        return r;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->backorder_lines = sqlite3_column_int64(st, 0);
        out->backorder_units = sqlite3_column_int64(st, 1);
        out->skus_short = sqlite3_column_int64(st, 2);
    } else {
        r = sqlite_error(v->db, rc, v->path, "counting the backorders", err);
    }
    sqlite3_reset(st);
    if (r != ALLOT_OK)
        return r;
    Query o = {0};
    q_add(&o, "SELECT count(*) FROM batches WHERE eta > " NO_DATE_SQL " AND eta < ?");
    q_int(&o, today);
    r = run_int(v, &o, &out->overdue_batches, "counting the overdue shipments", err);
    int64_t passed = 0, ahead = 0;
    if (r == ALLOT_OK) {
        Query l = {0};
        q_add(&l, "SELECT count(*) FROM lines WHERE need IS NOT NULL AND need < ?");
        q_int(&l, today);
        r = run_int(v, &l, &passed, "counting the late lines", err);
    }
    if (r == ALLOT_OK) {
        Query l = {0};
        q_add(&l, "SELECT count(*) FROM lines l JOIN batches b ON b.id = l.batch_id"
                  " WHERE l.need IS NOT NULL AND l.need >= ? AND b.eta > l.need");
        q_int(&l, today);
        r = run_int(v, &l, &ahead, "counting the late lines", err);
    }
    out->late_lines = passed + ahead;
    return r;
}

static AllotStatus sv_latest_event_id(Views *vv, int64_t *id, ErrBuf *err)
{
    SqliteViews *v = from_views(vv);
    *id = 0;
    Query q = {0};
    q_add(&q, "SELECT COALESCE(MAX(id), 0) FROM events");
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

/* Adds "SELECT k FROM … WHERE k >= prefix AND k < the first string after every
 * string with this prefix" for `kind`; `upper` (UPPER_SIZE bytes) holds that bound
 * while the query lives.  Returns false for an unknown kind. */
#define UPPER_SIZE (ALLOT_ID_MAX * 4 + 1)
static bool complete_range(Query *q, CompleteKind kind, const char *prefix, char *upper)
{
    const char *sel;
    switch (kind) {
    case COMPLETE_SKU: sel = "SELECT sku AS k FROM products WHERE sku >= ?"; break;
    case COMPLETE_REF: sel = "SELECT ref AS k FROM batches WHERE ref >= ?"; break;
    case COMPLETE_ORDERID: sel = "SELECT DISTINCT orderid AS k FROM lines WHERE orderid >= ?"; break;
    default: return false;
    }
    const char *col = kind == COMPLETE_SKU ? "sku" : kind == COMPLETE_REF ? "ref" : "orderid";
    /* The first string after every string with this prefix: the prefix with its
     * last byte below 0xff incremented. */
    size_t len = prefix ? strlen(prefix) : 0;
    if (len >= UPPER_SIZE)
        len = UPPER_SIZE - 1;
    memcpy(upper, prefix ? prefix : "", len);
    while (len > 0 && (unsigned char)upper[len - 1] == 0xff)
        len--;
    upper[len] = '\0';
    if (len > 0)
        upper[len - 1] = (char)((unsigned char)upper[len - 1] + 1);
    q_add(q, "%s", sel);
    q_text(q, prefix ? prefix : "");
    if (len > 0) {
        q_add(q, " AND %s < ?", col);
        q_text(q, upper);
    }
    return true;
}

static AllotStatus sv_complete(Views *vv, CompleteKind kind, const char *prefix, size_t limit,
                               AllotId *out, size_t *n, ErrBuf *err)
{
    *n = 0;
    if (limit == 0)
        return ALLOT_OK;
    Query q = {0};
    char upper[UPPER_SIZE];
    if (!complete_range(&q, kind, prefix, upper))
        return err_set(err, ALLOT_EINVALID, "unknown completion kind %d", (int)kind);
    q_add(&q, " ORDER BY k LIMIT ?");
    q_int(&q, (int64_t)limit);
    return run_query(from_views(vv), &q, NULL, out, limit, false, n, err);
}

/* The count stops at cap + 1 rows; first and last are one index seek each. */
static AllotStatus sv_complete_span(Views *vv, CompleteKind kind, const char *prefix, int64_t cap,
                                    CompleteSpan *out, ErrBuf *err)
{
    SqliteViews *v = from_views(vv);
    size_t n = 0;
    Query q = {0};
    char upper[UPPER_SIZE];
    q_add(&q, "SELECT count(*) FROM (");
    if (!complete_range(&q, kind, prefix, upper))
        return err_set(err, ALLOT_EINVALID, "unknown completion kind %d", (int)kind);
    q_add(&q, " LIMIT ?)");
    q_int(&q, cap + 1);
    AllotId count; /* run_query reads a column as an id: the count's digits */
    AllotStatus st = run_query(v, &q, NULL, &count, 1, false, &n, err);
    int64_t c = st == ALLOT_OK && n == 1 ? strtoll(count, NULL, 10) : 0;
    if (c == 0)
        return st;
    out->more = c > cap;
    out->count = out->more ? cap : c;
    for (int last = 0; last < 2 && st == ALLOT_OK; last++) {
        Query e = {0};
        complete_range(&e, kind, prefix, upper);
        q_add(&e, " ORDER BY k %s LIMIT 1", last ? "DESC" : "ASC");
        st = run_query(v, &e, NULL, last ? out->last : out->first, 1, false, &n, err);
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
