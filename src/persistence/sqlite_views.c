/* The read model over SQLite (views.h, sqlite_uow.h).
 *
 * Each query is built from its parts — columns, source, fixed conditions, an
 * optional LIKE filter, the keyset condition `(k1, k2) > (?, ?)` and ORDER BY the
 * same keys — and the prepared statement is kept, keyed by its text, for the life
 * of the connection.  Every statement is reset after use so that no read
 * transaction stays open.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    char sql[2048];
    size_t len;
    Bind binds[16];
    int nbinds;
    char *pattern; /* owned LIKE pattern */
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
    if (q->nbinds < 16)
        q->binds[q->nbinds++] = (Bind){B_INT, v, NULL};
    else
        q->overflow = true;
}

static void q_text(Query *q, const char *t)
{
    if (q->nbinds < 16)
        q->binds[q->nbinds++] = (Bind){B_TEXT, 0, t};
    else
        q->overflow = true;
}

static bool has_text(const char *s) { return s && *s; }

/* AND (c1 LIKE ?p OR c2 LIKE ?p ...) for a substring filter.  `cols` is a
 * NULL-terminated list. */
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
        q_add(q, "%s%s LIKE ? ESCAPE '\\'", i ? " OR " : "", cols[i]);
        q_text(q, q->pattern);
    }
    q_add(q, ")");
}

/* The keyset condition and ORDER BY for keys `cols` (n of them).  `anchor` binds
 * the anchor's values through `bind` (NULL anchor: no condition). */
typedef void (*BindAnchorFn)(Query *q, const void *anchor);

static void q_keyset(Query *q, const char *const *cols, int n, const void *anchor,
                     BindAnchorFn bind, bool backward, size_t limit)
{
    if (anchor) {
        q_add(q, " AND (");
        for (int i = 0; i < n; i++)
            q_add(q, "%s%s", i ? ", " : "", cols[i]);
        q_add(q, ") %s (", backward ? "<" : ">");
        for (int i = 0; i < n; i++)
            q_add(q, "%s?", i ? ", " : "");
        q_add(q, ")");
        bind(q, anchor);
    }
    q_add(q, " ORDER BY ");
    for (int i = 0; i < n; i++)
        q_add(q, "%s%s%s", i ? ", " : "", cols[i], backward ? " DESC" : "");
    q_add(q, " LIMIT ?");
    q_int(q, (int64_t)limit);
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

typedef void (*ReadRowFn)(sqlite3_stmt *st, void *row);

/* Runs the query, reading up to `limit` rows of `size` bytes into `rows`, in the
 * list's order. */
static AllotStatus run_query(SqliteViews *v, Query *q, ReadRowFn read, void *rows, size_t size,
                             size_t limit, bool backward, size_t *n, ErrBuf *err)
{
    *n = 0;
    sqlite3_stmt *st;
    AllotStatus r = prepare(v, q, &st, err);
    if (r == ALLOT_OK) {
        int rc;
        while (*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            read(st, (char *)rows + *n * size);
            (*n)++;
        }
        if (*n < limit && rc != SQLITE_DONE)
            r = sqlite_error(v->db, rc, v->path, "reading the read model", err);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    free(q->pattern);
    q->pattern = NULL;
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

static AllotStatus check_page(const ViewPage *page, ErrBuf *err)
{
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    return ALLOT_OK;
}

/* ---------- products ---------- */

static void read_product(sqlite3_stmt *st, void *row)
{
    ProductRow *r = row;
    col_id(st, 0, r->sku);
    r->nbatches = sqlite3_column_int64(st, 1);
    r->qty = sqlite3_column_int64(st, 2);
    r->allocated = sqlite3_column_int64(st, 3);
    r->available = r->qty - r->allocated;
    r->backorder_lines = sqlite3_column_int64(st, 4);
    r->backorder_qty = sqlite3_column_int64(st, 5);
    r->next_eta = col_eta(st, 6);
}

static void bind_product_anchor(Query *q, const void *a) { q_text(q, ((const ProductRow *)a)->sku); }

static AllotStatus sv_products(Views *vv, bool only_backordered, const ViewPage *page,
                               const ProductRow *after, ProductRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, "SELECT sku, nbatches, qty, allocated, bo_lines, bo_qty, next_eta FROM products"
              " WHERE 1");
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

static void read_batch(sqlite3_stmt *st, void *row)
{
    BatchRow *r = row;
    col_id(st, 0, r->ref);
    col_id(st, 1, r->sku);
    r->qty = sqlite3_column_int64(st, 2);
    r->allocated = sqlite3_column_int64(st, 3);
    r->available = r->qty - r->allocated;
    r->eta = sqlite3_column_int(st, 4);
    r->nlines = sqlite3_column_int64(st, 5);
    r->seq = (uint64_t)sqlite3_column_int64(st, 6);
}

static void bind_batch_pref_all(Query *q, const void *a)
{
    const BatchRow *b = a;
    q_text(q, b->sku);
    q_int(q, b->eta);
    q_int(q, (int64_t)b->seq);
}

static void bind_batch_pref_sku(Query *q, const void *a)
{
    const BatchRow *b = a;
    q_int(q, b->eta);
    q_int(q, (int64_t)b->seq);
}

static void bind_batch_ref(Query *q, const void *a) { q_text(q, ((const BatchRow *)a)->ref); }

static void bind_batch_eta(Query *q, const void *a)
{
    const BatchRow *b = a;
    q_int(q, b->eta);
    q_text(q, b->ref);
}

/* A batch's allocated qty and line count come from the covering index
 * lines_by_batch (batch_id, seq, qty). */
#define BATCH_COLS                                                                          \
    "SELECT b.ref, b.sku, b.qty,"                                                           \
    " (SELECT COALESCE(SUM(l.qty), 0) FROM lines l WHERE l.batch_id = b.id), b.eta,"        \
    " (SELECT COUNT(*) FROM lines l WHERE l.batch_id = b.id), b.seq FROM batches b"

static AllotStatus sv_batches(Views *vv, const char *sku, BatchOrder order, const ViewPage *page,
                              const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, BATCH_COLS " WHERE 1");
    bool one = has_text(sku);
    if (one) {
        q_add(&q, " AND sku = ?");
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

static AllotStatus sv_shipments_due(Views *vv, int32_t from, int32_t to, const ViewPage *page,
                                    const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, BATCH_COLS " WHERE eta > -2147483648 AND eta >= ? AND eta <= ?");
    q_int(&q, from);
    q_int(&q, to);
    static const char *const fcols[] = {"ref", "sku", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const by_eta[] = {"eta", "ref"};
    q_keyset(&q, by_eta, 2, after, bind_batch_eta, page->backward, page->limit);
    return run_query(from_views(vv), &q, read_batch, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

/* ---------- lines ---------- */

static void read_line(sqlite3_stmt *st, void *row)
{
    LineRow *r = row;
    col_id(st, 0, r->orderid);
    col_id(st, 1, r->sku);
    r->qty = sqlite3_column_int64(st, 2);
    col_id(st, 3, r->batchref);
    r->eta = col_eta(st, 4);
    r->seq = (uint64_t)sqlite3_column_int64(st, 5);
    r->key = sqlite3_column_int64(st, 6);
}

static void bind_line_seq(Query *q, const void *a) { q_int(q, (int64_t)((const LineRow *)a)->seq); }
static void bind_line_key(Query *q, const void *a) { q_int(q, ((const LineRow *)a)->key); }
static void bind_line_sku(Query *q, const void *a) { q_text(q, ((const LineRow *)a)->sku); }

static AllotStatus sv_batch_lines(Views *vv, const char *ref, const ViewPage *page,
                                  const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, "SELECT l.orderid, b.sku, l.qty, b.ref, b.eta, l.seq, l.req FROM batches b"
              " JOIN lines l ON l.batch_id = b.id WHERE b.ref = ?");
    q_text(&q, ref ? ref : "");
    static const char *const fcols[] = {"l.orderid", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const keys[] = {"l.seq"};
    q_keyset(&q, keys, 1, after, bind_line_seq, page->backward, page->limit);
    return run_query(from_views(vv), &q, read_line, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

static AllotStatus sv_order_lines(Views *vv, const char *orderid, const ViewPage *page,
                                  const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, "SELECT l.orderid, p.sku, l.qty, b.ref, b.eta, l.seq, l.req FROM lines l"
              " JOIN products p ON p.id = l.product_id LEFT JOIN batches b ON b.id = l.batch_id"
              " WHERE l.orderid = ?");
    q_text(&q, orderid ? orderid : "");
    static const char *const fcols[] = {"p.sku", "b.ref", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const keys[] = {"p.sku"};
    q_keyset(&q, keys, 1, after, bind_line_sku, page->backward, page->limit);
    return run_query(from_views(vv), &q, read_line, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

static AllotStatus sv_backorders(Views *vv, const char *sku, const ViewPage *page,
                                 const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    static const char *const fcols[] = {"l.orderid", "p.sku", NULL};
    if (has_text(sku)) {
        q_add(&q, "SELECT l.orderid, p.sku, l.qty, NULL, NULL, l.seq, l.req FROM products p"
                  " JOIN lines l ON l.product_id = p.id WHERE p.sku = ? AND l.batch_id IS NULL");
        q_text(&q, sku);
        q_filter(&q, page->filter, fcols);
        static const char *const keys[] = {"l.seq"};
        q_keyset(&q, keys, 1, after, bind_line_seq, page->backward, page->limit);
    } else {
        q_add(&q, "SELECT l.orderid, p.sku, l.qty, NULL, NULL, l.seq, l.req FROM lines l"
                  " JOIN products p ON p.id = l.product_id WHERE l.batch_id IS NULL");
        q_filter(&q, page->filter, fcols);
        static const char *const keys[] = {"l.req"};
        q_keyset(&q, keys, 1, after, bind_line_key, page->backward, page->limit);
    }
    return run_query(from_views(vv), &q, read_line, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

static AllotStatus sv_lines(Views *vv, LineState state, const ViewPage *page,
                            const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, "SELECT l.orderid, p.sku, l.qty, b.ref, b.eta, l.seq, l.req FROM lines l"
              " JOIN products p ON p.id = l.product_id LEFT JOIN batches b ON b.id = l.batch_id"
              " WHERE 1");
    if (state == LINES_ALLOCATED)
        q_add(&q, " AND l.batch_id IS NOT NULL");
    else if (state == LINES_BACKORDERED)
        q_add(&q, " AND l.batch_id IS NULL");
    static const char *const fcols[] = {"l.orderid", "p.sku", NULL};
    q_filter(&q, page->filter, fcols);
    /* (orderid, sku) > (?, ?) spelt so that the orderid part can use the index */
    const char *dir = page->backward ? "<" : ">";
    if (after) {
        q_add(&q, " AND l.orderid %s= ? AND (l.orderid %s ? OR p.sku %s ?)", dir, dir, dir);
        q_text(&q, after->orderid);
        q_text(&q, after->orderid);
        q_text(&q, after->sku);
    }
    q_add(&q, page->backward ? " ORDER BY l.orderid DESC, p.sku DESC LIMIT ?"
                             : " ORDER BY l.orderid, p.sku LIMIT ?");
    q_int(&q, (int64_t)page->limit);
    return run_query(from_views(vv), &q, read_line, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
}

/* ---------- events ---------- */

static void read_event(sqlite3_stmt *st, void *row)
{
    EventRow *r = row;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->at = sqlite3_column_int64(st, 1);
    int t = event_type_from_name((const char *)sqlite3_column_text(st, 2));
    r->ev.type = t < 0 ? EV_TYPE_COUNT : (EventType)t;
    col_id(st, 3, r->ev.sku);
    col_id(st, 4, r->ev.orderid);
    col_id(st, 5, r->ev.batchref);
    col_id(st, 6, r->ev.to);
    r->ev.qty = sqlite3_column_int64(st, 7);
    r->ev.old_qty = sqlite3_column_int64(st, 8);
    r->ev.new_qty = sqlite3_column_int64(st, 9);
    r->ev.eta = col_eta(st, 10);
    r->ev.old_eta = col_eta(st, 11);
    r->ev.new_eta = col_eta(st, 12);
}

static void bind_event_id(Query *q, const void *a) { q_int(q, *(const int64_t *)a); }

static AllotStatus sv_events(Views *vv, int64_t anchor_id, const ViewPage *page, EventRow *rows,
                             size_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = check_page(page, err);
    if (r != ALLOT_OK || page->limit == 0)
        return r;
    Query q = {0};
    q_add(&q, "SELECT id, at, type, sku, orderid, batchref, to_ref, qty, old_qty, new_qty, eta,"
              " old_eta, new_eta FROM events WHERE 1");
    static const char *const fcols[] = {"type", "sku", "orderid", "batchref", "to_ref", NULL};
    q_filter(&q, page->filter, fcols);
    static const char *const keys[] = {"id"};
    bool anchored = page->backward ? anchor_id > 0 && anchor_id < INT64_MAX : true;
    q_keyset(&q, keys, 1, anchored ? &anchor_id : NULL, bind_event_id, page->backward,
             page->limit);
    return run_query(from_views(vv), &q, read_event, rows, sizeof *rows, page->limit,
                     page->backward, n, err);
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

static void read_id(sqlite3_stmt *st, void *row) { col_id(st, 0, row); }

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
    return run_query(from_views(vv), &q, read_id, out, sizeof *out, limit, false, n, err);
}

static void read_count(sqlite3_stmt *st, void *row) { *(int64_t *)row = sqlite3_column_int64(st, 0); }

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
    int64_t count = 0;
    AllotStatus st = run_query(v, &q, read_count, &count, sizeof count, 1, false, &n, err);
    if (st != ALLOT_OK || count == 0)
        return st;
    out->more = count > cap;
    out->count = out->more ? cap : count;
    for (int last = 0; last < 2 && st == ALLOT_OK; last++) {
        Query e = {0};
        complete_range(&e, kind, prefix, upper);
        q_add(&e, " ORDER BY k %s LIMIT 1", last ? "DESC" : "ASC");
        st = run_query(v, &e, read_id, last ? out->last : out->first, sizeof(AllotId), 1, false,
                       &n, err);
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
    sv_products,   sv_batches,         sv_batch_lines,   sv_order_lines, sv_backorders,
    sv_events,     sv_latest_event_id, sv_shipments_due, sv_complete,    sv_destroy,
    sv_lines,      sv_complete_span,
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
    AllotStatus r = sqlite_connect(path, false, ALLOT_BUSY_TIMEOUT_MS, &db, err);
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
