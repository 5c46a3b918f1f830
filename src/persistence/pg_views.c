/* The read model over PostgreSQL (views.h, pg_views.h).
 *
 * The queries are those of the SQLite read model (sqlite_views.c) — the same
 * columns, sources, filters, keyset conditions and orders — on the schema `allot`:
 * text compares byte-wise (COLLATE "C" columns), filters are ASCII
 * case-insensitive (ILIKE under the C collation).  Each query runs as one
 * statement outside any transaction of its own, so no snapshot stays open.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "persistence/pg_conn.h"
#include "persistence/pg_store.h"
#include "persistence/pg_views.h"

typedef struct PgViews {
    Views base;
    PGconn *c;
    char where[PG_WHERE_MAX];
    bool owns;
} PgViews;

static PgViews *from_views(Views *v) { return (PgViews *)v; }

/* ---------- the query builder ---------- */

typedef struct {
    char sql[2048];
    size_t len;
    const char *v[16];
    char ibuf[16][24];
    int n;
    char *pattern; /* owned ILIKE pattern */
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

/* Appends the next placeholder ($N) for `value`. */
static void q_param(Query *q, const char *value)
{
    if (q->n >= 16) {
        q->overflow = true;
        return;
    }
    q->v[q->n++] = value;
    q_add(q, "$%d", q->n);
}

static void q_text(Query *q, const char *t) { q_param(q, t ? t : ""); }

static void q_int(Query *q, int64_t x)
{
    if (q->n >= 16) {
        q->overflow = true;
        return;
    }
    snprintf(q->ibuf[q->n], sizeof q->ibuf[0], "%lld", (long long)x);
    q_param(q, q->ibuf[q->n]);
}

static bool has_text(const char *s) { return s && *s; }

static void q_filter(Query *q, const char *filter, const char *const *cols)
{
    if (!has_text(filter))
        return;
    size_t n = strlen(filter);
    q->pattern = xmalloc(2 * n + 3);
    char *o = q->pattern;
    *o++ = '%';
    for (const char *c = filter; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            *o++ = '\\';
        *o++ = *c;
    }
    *o++ = '%';
    *o = '\0';
    q_add(q, " AND (");
    for (int i = 0; cols[i]; i++) {
        q_add(q, "%s%s ILIKE ", i ? " OR " : "", cols[i]);
        q_param(q, q->pattern);
    }
    q_add(q, ")");
}

typedef void (*BindAnchorFn)(Query *q, const void *anchor);

/* The keyset condition `(k1, k2) > (a1, a2)` (anchor values appended by `bind`,
 * each followed by ", "), ORDER BY the keys and LIMIT. */
static void q_keyset(Query *q, const char *const *cols, int n, const void *anchor,
                     BindAnchorFn bind, bool backward, size_t limit)
{
    if (anchor) {
        q_add(q, " AND (");
        for (int i = 0; i < n; i++)
            q_add(q, "%s%s", i ? ", " : "", cols[i]);
        q_add(q, ") %s (", backward ? "<" : ">");
        bind(q, anchor);
        q->len -= 2; /* the last ", " */
        q->sql[q->len] = '\0';
        q_add(q, ")");
    }
    q_add(q, " ORDER BY ");
    for (int i = 0; i < n; i++)
        q_add(q, "%s%s%s", i ? ", " : "", cols[i], backward ? " DESC" : "");
    q_add(q, " LIMIT ");
    q_int(q, (int64_t)limit);
}

/* An anchor value followed by ", " (q_keyset takes the last one off). */
static void a_text(Query *q, const char *t)
{
    q_text(q, t);
    q_add(q, ", ");
}

static void a_int(Query *q, int64_t x)
{
    q_int(q, x);
    q_add(q, ", ");
}

/* A lost connection is opened again before the next query. */
static AllotStatus ensure_connected(PgViews *v, ErrBuf *err)
{
    if (PQstatus(v->c) == CONNECTION_OK)
        return ALLOT_OK;
    PQreset(v->c);
    if (PQstatus(v->c) != CONNECTION_OK)
        return pg_error(v->c, NULL, v->where, "reconnecting", false, err);
    return ALLOT_OK;
}

static AllotStatus exec_query(PgViews *v, Query *q, PGresult **out, ErrBuf *err)
{
    *out = NULL;
    AllotStatus st = q->overflow ? err_set(err, ALLOT_EINVALID, "read model query too long")
                                 : ensure_connected(v, err);
    if (st == ALLOT_OK) {
        PGresult *r = PQexecParams(v->c, q->sql, q->n, NULL, q->v, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            st = pg_error(v->c, r, v->where, "reading the read model", false, err);
            PQclear(r);
        } else {
            *out = r;
        }
    }
    free(q->pattern);
    q->pattern = NULL;
    return st;
}

typedef void (*ReadRowFn)(const PGresult *r, int i, void *row);

static AllotStatus run_query(PgViews *v, Query *q, ReadRowFn read, void *rows, size_t size,
                             size_t limit, bool backward, size_t *n, ErrBuf *err)
{
    *n = 0;
    PGresult *r;
    AllotStatus st = exec_query(v, q, &r, err);
    if (st != ALLOT_OK)
        return st;
    size_t got = (size_t)PQntuples(r);
    if (got > limit)
        got = limit;
    for (size_t i = 0; i < got; i++)
        read(r, (int)(backward ? got - 1 - i : i), (char *)rows + i * size);
    PQclear(r);
    *n = got;
    return ALLOT_OK;
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

static AllotStatus check_page(const ViewPage *page, ErrBuf *err)
{
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    return ALLOT_OK;
}

/* ---------- products ---------- */

static void read_product(const PGresult *res, int i, void *row)
{
    ProductRow *r = row;
    col_id(res, i, 0, r->sku);
    r->nbatches = col_int(res, i, 1);
    r->qty = col_int(res, i, 2);
    r->allocated = col_int(res, i, 3);
    r->available = r->qty - r->allocated;
    r->backorder_lines = col_int(res, i, 4);
    r->backorder_qty = col_int(res, i, 5);
    r->next_eta = col_eta(res, i, 6);
}

static void bind_product_anchor(Query *q, const void *a) { a_text(q, ((const ProductRow *)a)->sku); }

static AllotStatus pv_products(Views *vv, bool only_backordered, const ViewPage *page,
                               const ProductRow *after, ProductRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, "SELECT sku, nbatches, qty, allocated, bo_lines, bo_qty, next_eta"
              " FROM allot.products WHERE true");
    if (only_backordered)
        q_add(&q, " AND bo_lines > 0");
    static const char *const fcols[] = {"sku", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const keys[] = {"sku"};
    q_keyset(&q, keys, 1, after, bind_product_anchor, page->backward, page->limit);
    return run_query(from_views(vv), &q, read_product, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

/* ---------- batches ---------- */

static void read_batch(const PGresult *res, int i, void *row)
{
    BatchRow *r = row;
    col_id(res, i, 0, r->ref);
    col_id(res, i, 1, r->sku);
    r->qty = col_int(res, i, 2);
    r->allocated = col_int(res, i, 3);
    r->available = r->qty - r->allocated;
    r->eta = (int32_t)col_int(res, i, 4);
    r->nlines = col_int(res, i, 5);
    r->seq = (uint64_t)col_int(res, i, 6);
}

static void bind_batch_pref_all(Query *q, const void *a)
{
    const BatchRow *b = a;
    a_text(q, b->sku);
    a_int(q, b->eta);
    a_int(q, (int64_t)b->seq);
}

static void bind_batch_pref_sku(Query *q, const void *a)
{
    const BatchRow *b = a;
    a_int(q, b->eta);
    a_int(q, (int64_t)b->seq);
}

static void bind_batch_ref(Query *q, const void *a) { a_text(q, ((const BatchRow *)a)->ref); }

static void bind_batch_eta(Query *q, const void *a)
{
    const BatchRow *b = a;
    a_int(q, b->eta);
    a_text(q, b->ref);
}

#define BATCH_COLS                                                                             \
    "SELECT b.ref, b.sku, b.qty,"                                                              \
    " (SELECT coalesce(sum(l.qty), 0) FROM allot.lines l WHERE l.batch_id = b.id), b.eta,"     \
    " (SELECT count(*) FROM allot.lines l WHERE l.batch_id = b.id), b.seq FROM allot.batches b"

static AllotStatus pv_batches(Views *vv, const char *sku, BatchOrder order, const ViewPage *page,
                              const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, BATCH_COLS " WHERE true");
    bool one = has_text(sku);
    if (one) {
        q_add(&q, " AND sku = ");
        q_text(&q, sku);
    }
    static const char *const fcols[] = {"ref", "sku", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const pref_all[] = {"sku", "eta", "seq"};
    static const char *const by_ref[] = {"ref"};
    static const char *const by_eta[] = {"eta", "ref"};
    switch (order) {
    case BATCH_ORDER_PREFERENCE:
        if (one)
            q_keyset(&q, pref_all + 1, 2, after, bind_batch_pref_sku, page->backward, page->limit);
        else
            q_keyset(&q, pref_all, 3, after, bind_batch_pref_all, page->backward, page->limit);
        break;
    case BATCH_ORDER_REF:
        q_keyset(&q, by_ref, 1, after, bind_batch_ref, page->backward, page->limit);
        break;
    case BATCH_ORDER_ETA:
        q_keyset(&q, by_eta, 2, after, bind_batch_eta, page->backward, page->limit);
        break;
    default:
        free(q.pattern);
        return err_set(err, ALLOT_EINVALID, "unknown batch order %d", (int)order);
    }
    return run_query(from_views(vv), &q, read_batch, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

static AllotStatus pv_shipments_due(Views *vv, int32_t from, int32_t to, const ViewPage *page,
                                    const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, BATCH_COLS " WHERE eta > -2147483648 AND eta >= ");
    q_int(&q, from);
    q_add(&q, " AND eta <= ");
    q_int(&q, to);
    static const char *const fcols[] = {"ref", "sku", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const by_eta[] = {"eta", "ref"};
    q_keyset(&q, by_eta, 2, after, bind_batch_eta, page->backward, page->limit);
    return run_query(from_views(vv), &q, read_batch, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

/* ---------- lines ---------- */

static void read_line(const PGresult *res, int i, void *row)
{
    LineRow *r = row;
    col_id(res, i, 0, r->orderid);
    col_id(res, i, 1, r->sku);
    r->qty = col_int(res, i, 2);
    col_id(res, i, 3, r->batchref);
    r->eta = col_eta(res, i, 4);
    r->seq = (uint64_t)col_int(res, i, 5);
    r->key = col_int(res, i, 6);
}

static void bind_line_seq(Query *q, const void *a) { a_int(q, (int64_t)((const LineRow *)a)->seq); }
static void bind_line_key(Query *q, const void *a) { a_int(q, ((const LineRow *)a)->key); }
static void bind_line_sku(Query *q, const void *a) { a_text(q, ((const LineRow *)a)->sku); }

static AllotStatus pv_batch_lines(Views *vv, const char *ref, const ViewPage *page,
                                  const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, "SELECT l.orderid, b.sku, l.qty, b.ref, b.eta, l.seq, l.req FROM allot.batches b"
              " JOIN allot.lines l ON l.batch_id = b.id WHERE b.ref = ");
    q_text(&q, ref);
    static const char *const fcols[] = {"l.orderid", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const keys[] = {"l.seq"};
    q_keyset(&q, keys, 1, after, bind_line_seq, page->backward, page->limit);
    return run_query(from_views(vv), &q, read_line, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

#define LINE_COLS                                                                        \
    "SELECT l.orderid, p.sku, l.qty, b.ref, b.eta, l.seq, l.req FROM allot.lines l"     \
    " JOIN allot.products p ON p.id = l.product_id LEFT JOIN allot.batches b ON b.id = l.batch_id"

static AllotStatus pv_order_lines(Views *vv, const char *orderid, const ViewPage *page,
                                  const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, LINE_COLS " WHERE l.orderid = ");
    q_text(&q, orderid);
    static const char *const fcols[] = {"p.sku", "b.ref", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const keys[] = {"p.sku"};
    q_keyset(&q, keys, 1, after, bind_line_sku, page->backward, page->limit);
    return run_query(from_views(vv), &q, read_line, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

static AllotStatus pv_backorders(Views *vv, const char *sku, const ViewPage *page,
                                 const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    static const char *const fcols[] = {"l.orderid", "p.sku", NULL};
    if (has_text(sku)) {
        q_add(&q, "SELECT l.orderid, p.sku, l.qty, NULL, NULL, l.seq, l.req FROM allot.products p"
                  " JOIN allot.lines l ON l.product_id = p.id WHERE l.batch_id IS NULL AND p.sku = ");
        q_text(&q, sku);
        q_filter(&q, page->filter, fcols);
        static const char *const keys[] = {"l.seq"};
        q_keyset(&q, keys, 1, after, bind_line_seq, page->backward, page->limit);
    } else {
        q_add(&q, "SELECT l.orderid, p.sku, l.qty, NULL, NULL, l.seq, l.req FROM allot.lines l"
                  " JOIN allot.products p ON p.id = l.product_id WHERE l.batch_id IS NULL");
        q_filter(&q, page->filter, fcols);
        static const char *const keys[] = {"l.req"};
        q_keyset(&q, keys, 1, after, bind_line_key, page->backward, page->limit);
    }
    return run_query(from_views(vv), &q, read_line, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

static void bind_line_order(Query *q, const void *a)
{
    const LineRow *l = a;
    a_text(q, l->orderid);
    a_text(q, l->sku);
}

static AllotStatus pv_lines(Views *vv, LineState state, const ViewPage *page,
                            const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, LINE_COLS " WHERE true");
    if (state == LINES_ALLOCATED)
        q_add(&q, " AND l.batch_id IS NOT NULL");
    else if (state == LINES_BACKORDERED)
        q_add(&q, " AND l.batch_id IS NULL");
    static const char *const fcols[] = {"l.orderid", "p.sku", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const keys[] = {"l.orderid", "p.sku"};
    q_keyset(&q, keys, 2, after, bind_line_order, page->backward, page->limit);
    return run_query(from_views(vv), &q, read_line, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

/* ---------- events ---------- */

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
}

static void read_event(const PGresult *res, int i, void *row) { pg_read_event(res, i, row); }

static void bind_event_id(Query *q, const void *a) { a_int(q, *(const int64_t *)a); }

static AllotStatus pv_events(Views *vv, int64_t anchor_id, const ViewPage *page, EventRow *rows,
                             size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, "SELECT " PG_EVENT_COLS " FROM allot.events WHERE true");
    static const char *const fcols[] = {"type", "sku", "orderid", "batchref", "to_ref", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const keys[] = {"id"};
    bool anchored = page->backward ? anchor_id > 0 && anchor_id < INT64_MAX : true;
    q_keyset(&q, keys, 1, anchored ? &anchor_id : NULL, bind_event_id, page->backward,
             page->limit);
    return run_query(from_views(vv), &q, read_event, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

static AllotStatus pv_latest_event_id(Views *vv, int64_t *id, ErrBuf *err)
{
    *id = 0;
    Query q = {0};
    q_add(&q, "SELECT coalesce(max(id), 0) FROM allot.events");
    PGresult *r;
    AllotStatus st = exec_query(from_views(vv), &q, &r, err);
    if (st == ALLOT_OK) {
        *id = col_int(r, 0, 0);
        PQclear(r);
    }
    return st;
}

/* ---------- completion ---------- */

static void read_id(const PGresult *r, int i, void *row) { col_id(r, i, 0, row); }

static AllotStatus pv_complete(Views *vv, CompleteKind kind, const char *prefix, size_t limit,
                               AllotId *out, size_t *n, ErrBuf *err)
{
    *n = 0;
    if (limit == 0)
        return ALLOT_OK;
    const char *sel, *col;
    switch (kind) {
    case COMPLETE_SKU: sel = "SELECT sku AS k FROM allot.products WHERE sku >= ", col = "sku"; break;
    case COMPLETE_REF: sel = "SELECT ref AS k FROM allot.batches WHERE ref >= ", col = "ref"; break;
    case COMPLETE_ORDERID:
        sel = "SELECT DISTINCT orderid AS k FROM allot.lines WHERE orderid >= ", col = "orderid";
        break;
    default: return err_set(err, ALLOT_EINVALID, "unknown completion kind %d", (int)kind);
    }
    /* The prefix's range: [prefix, prefix with its last byte + 1) when that byte is
     * ASCII (the bound is then valid UTF-8 and the index bounds the scan), else
     * starts_with. */
    const char *pre = prefix ? prefix : "";
    size_t len = strlen(pre);
    char upper[ALLOT_ID_MAX * 4 + 1];
    bool ascii_end = len > 0 && len < sizeof upper && (unsigned char)pre[len - 1] < 0x7f;
    Query q = {0};
    q_add(&q, "%s", sel);
    q_text(&q, pre);
    if (ascii_end) {
        memcpy(upper, pre, len + 1);
        upper[len - 1]++;
        q_add(&q, " AND %s < ", col);
        q_text(&q, upper);
    } else if (len > 0) {
        q_add(&q, " AND starts_with(%s, ", col);
        q_text(&q, pre);
        q_add(&q, ")");
    }
    q_add(&q, " ORDER BY k LIMIT ");
    q_int(&q, (int64_t)limit);
    return run_query(from_views(vv), &q, read_id, out, sizeof *out, limit, false, n, err);
}

static void pv_destroy(Views *vv)
{
    PgViews *v = from_views(vv);
    if (v->owns)
        PQfinish(v->c);
    free(v);
}

static const ViewsOps pg_views_ops = {
    pv_products,   pv_batches,         pv_batch_lines,   pv_order_lines, pv_backorders,
    pv_events,     pv_latest_event_id, pv_shipments_due, pv_complete,    pv_destroy,
    pv_lines,
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
