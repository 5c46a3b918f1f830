/* The read model port's entry points (views.h): each list function is its spec
 * (view_specs.h) with the conditions its arguments give, run by the one list op. */
#include "app/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/view_specs.h"
#include "domain/xalloc.h"

static bool has_text(const char *s) { return s && *s; }

static ViewCond eq_text(int col, const char *text)
{
    return (ViewCond){.col = (uint8_t)col, .op = VIEW_EQ, .text = text ? text : ""};
}

static ViewCond op_const(int col, ViewOp op, int64_t num)
{
    return (ViewCond){.col = (uint8_t)col, .op = op, .num = num, .constant = true};
}

AllotStatus views_list(Views *v, const ViewQuery *q, const void *after, void *rows, size_t *n,
                       ErrBuf *err)
{
    *n = 0;
    AllotStatus r = view_query_check(q, err);
    if (r != ALLOT_OK || q->page.limit == 0)
        return r;
    return v->ops->list(v, q, after, rows, n, err);
}

/* Runs q, or reports a missing page as the list functions always have. */
static AllotStatus run(Views *v, const ViewPage *page, ViewQuery *q, const void *after,
                       void *rows, size_t *n, ErrBuf *err)
{
    *n = 0;
    if (!page)
        return err_set(err, ALLOT_EINVALID, "read model query without a page");
    return views_list(v, q, after, rows, n, err);
}

/* ---- the query of each list ---- */

ViewQuery views_products_query(bool only_backordered, const ViewPage *page)
{
    ViewQuery q = view_query(VIEW_PRODUCTS, PRODUCT_BY_SKU, page);
    if (only_backordered)
        view_query_where(&q, op_const(PCOL_BO_LINES, VIEW_GT, 0));
    return q;
}

ViewQuery views_batches_query(const char *sku, BatchOrder order, const ViewPage *page)
{
    ViewQuery q = view_query(VIEW_BATCHES, (int)order, page);
    if (has_text(sku))
        view_query_where(&q, eq_text(BCOL_SKU, sku));
    return q;
}

ViewQuery views_shipments_due_query(int32_t from, int32_t to, const ViewPage *page)
{
    ViewQuery q = view_query(VIEW_SHIPMENTS_DUE, DUE_BY_ETA, page);
    /* only batches with an ETA: ALLOT_NO_ETA is the smallest date */
    view_query_where(&q, op_const(BCOL_ETA, VIEW_GT, ALLOT_NO_ETA));
    view_query_where(&q, (ViewCond){.col = BCOL_ETA, .op = VIEW_GE, .num = from});
    view_query_where(&q, (ViewCond){.col = BCOL_ETA, .op = VIEW_LE, .num = to});
    return q;
}

ViewQuery views_batch_lines_query(const char *ref, const ViewPage *page)
{
    ViewQuery q = view_query(VIEW_BATCH_LINES, BATCH_LINES_OLDEST, page);
    view_query_where(&q, eq_text(LCOL_BATCHREF, ref));
    if (!has_text(ref)) /* "" is a backorder's batchref, never a batch */
        view_query_where(&q, (ViewCond){.col = LCOL_BATCHREF, .op = VIEW_NOT_EMPTY});
    return q;
}

ViewQuery views_order_lines_query(const char *orderid, const ViewPage *page)
{
    ViewQuery q = view_query(VIEW_ORDER_LINES, ORDER_LINES_BY_SKU, page);
    view_query_where(&q, eq_text(LCOL_ORDERID, orderid));
    return q;
}

ViewQuery views_backorders_query(const char *sku, const ViewPage *page)
{
    bool one = has_text(sku);
    ViewQuery q = view_query(VIEW_BACKORDERS, one ? BACKORDER_OLDEST_OF_SKU : BACKORDER_OLDEST,
                             page);
    view_query_where(&q, (ViewCond){.col = LCOL_BATCHREF, .op = VIEW_EMPTY, .constant = true});
    if (one)
        view_query_where(&q, eq_text(LCOL_SKU, sku));
    return q;
}

ViewQuery views_events_query(const ViewPage *page) { return view_query(VIEW_EVENTS, 0, page); }

/* ---- the list functions ---- */

AllotStatus views_products(Views *v, bool only_backordered, const ViewPage *page,
                           const ProductRow *after, ProductRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = views_products_query(only_backordered, page);
    return run(v, page, &q, after, rows, n, err);
}

AllotStatus views_batches(Views *v, const char *sku, BatchOrder order, const ViewPage *page,
                          const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    if ((unsigned)order > BATCH_ORDER_ETA) {
        *n = 0;
        return err_set(err, ALLOT_EINVALID, "unknown batch order %d", (int)order);
    }
    ViewQuery q = views_batches_query(sku, order, page);
    return run(v, page, &q, after, rows, n, err);
}

AllotStatus views_batch_lines(Views *v, const char *ref, const ViewPage *page,
                              const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = views_batch_lines_query(ref, page);
    return run(v, page, &q, after, rows, n, err);
}

AllotStatus views_order_lines(Views *v, const char *orderid, const ViewPage *page,
                              const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = views_order_lines_query(orderid, page);
    return run(v, page, &q, after, rows, n, err);
}

AllotStatus views_backorders(Views *v, const char *sku, const ViewPage *page,
                             const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = views_backorders_query(sku, page);
    return run(v, page, &q, after, rows, n, err);
}

AllotStatus views_lines(Views *v, LineState state, const ViewPage *page, const LineRow *after,
                        LineRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = view_query(VIEW_LINES, 0, page);
    if (state == LINES_ALLOCATED)
        view_query_where(&q,
                         (ViewCond){.col = LCOL_BATCHREF, .op = VIEW_NOT_EMPTY, .constant = true});
    else if (state == LINES_BACKORDERED)
        view_query_where(&q, (ViewCond){.col = LCOL_BATCHREF, .op = VIEW_EMPTY, .constant = true});
    return run(v, page, &q, after, rows, n, err);
}

ViewQuery views_late_lines_query(int32_t today, const ViewPage *page)
{
    ViewPage pg = page ? *page : (ViewPage){0};
    pg.today = today;
    ViewQuery q = view_query(VIEW_LATE_LINES, LATE_WORST, &pg);
    view_query_where(&q, op_const(LCOL_LATE, VIEW_GT, 0));
    return q;
}

AllotStatus views_late_lines(Views *v, int32_t today, const ViewPage *page, const LineRow *after,
                             LineRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = views_late_lines_query(today, page);
    return run(v, page, &q, after, rows, n, err);
}

AllotStatus views_shipments_due(Views *v, int32_t from, int32_t to, const ViewPage *page,
                                const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = views_shipments_due_query(from, to, page);
    return run(v, page, &q, after, rows, n, err);
}

AllotStatus views_events(Views *v, int64_t anchor_id, const ViewPage *page, EventRow *rows,
                         size_t *n, ErrBuf *err)
{
    ViewQuery q = views_events_query(page);
    EventRow anchor;
    memset(&anchor, 0, sizeof anchor);
    anchor.id = anchor_id;
    /* backward from 0 or INT64_MAX: the newest page */
    bool anchored = page && page->backward ? anchor_id > 0 && anchor_id < INT64_MAX : true;
    return run(v, page, &q, anchored ? &anchor : NULL, rows, n, err);
}

AllotStatus views_line_history(Views *v, const char *orderid, const char *sku, int64_t after_id,
                               const ViewPage *page, EventRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = view_query(VIEW_EVENTS, 0, page);
    view_query_where(&q, eq_text(ECOL_ORDERID, orderid));
    view_query_where(&q, eq_text(ECOL_SKU, sku));
    EventRow anchor;
    memset(&anchor, 0, sizeof anchor);
    anchor.id = after_id;
    return run(v, page, &q, &anchor, rows, n, err);
}

AllotStatus views_command_events(Views *v, int64_t command_id, int64_t after_id,
                                 const ViewPage *page, EventRow *rows, size_t *n, ErrBuf *err)
{
    ViewQuery q = view_query(VIEW_EVENTS, 0, page);
    view_query_where(&q, (ViewCond){.col = ECOL_COMMAND, .op = VIEW_EQ, .num = command_id});
    /* written into the query, so that a store's partial index on ids > 0 serves it */
    view_query_where(&q, op_const(ECOL_COMMAND, VIEW_GT, 0));
    EventRow anchor;
    memset(&anchor, 0, sizeof anchor);
    anchor.id = after_id;
    return run(v, page, &q, &anchor, rows, n, err);
}

AllotStatus views_latest_event_id(Views *v, int64_t *id, ErrBuf *err)
{
    return v->ops->latest_event_id(v, id, err);
}

AllotStatus views_complete(Views *v, CompleteKind kind, const char *prefix, size_t limit,
                           AllotId *out, size_t *n, ErrBuf *err)
{
    return v->ops->complete(v, kind, prefix, limit, out, n, err);
}

/* Without the op: up to cap + 1 ids from `complete`.  When there are more, the
 * last one is not known: it is given as the first, so that the common prefix
 * stays the prefix typed (never longer than the real one). */
static AllotStatus span_from_complete(Views *v, CompleteKind kind, const char *prefix,
                                      int64_t cap, CompleteSpan *out, ErrBuf *err)
{
    size_t limit = (size_t)cap + 1, n = 0;
    AllotId *ids = xcalloc(limit, sizeof *ids);
    AllotStatus st = views_complete(v, kind, prefix, limit, ids, &n, err);
    if (st == ALLOT_OK && n > 0) {
        out->more = n > (size_t)cap;
        out->count = out->more ? cap : (int64_t)n;
        memcpy(out->first, ids[0], sizeof out->first);
        if (!out->more)
            memcpy(out->last, ids[n - 1], sizeof out->last);
        else
            snprintf(out->last, sizeof out->last, "%s", prefix ? prefix : "");
    }
    free(ids);
    return st;
}

AllotStatus views_complete_span(Views *v, CompleteKind kind, const char *prefix, int64_t cap,
                                CompleteSpan *out, ErrBuf *err)
{
    memset(out, 0, sizeof *out);
    if (cap < 1)
        cap = 1;
    if (v->ops->complete_span)
        return v->ops->complete_span(v, kind, prefix, cap, out, err);
    return span_from_complete(v, kind, prefix, cap, out, err);
}

/* Without the op: the rows, page by page. */
static AllotStatus count_by_pages(Views *v, const ViewQuery *q0, const void *after, int64_t *n,
                                  ErrBuf *err)
{
    ViewQuery q = *q0;
    q.page.limit = 256;
    size_t size = q.spec->row_size, got = 0;
    char *rows = xmalloc(q.page.limit * size), *anchor = xmalloc(size);
    const void *a = after;
    AllotStatus st;
    do {
        st = v->ops->list(v, &q, a, rows, &got, err);
        *n += (int64_t)got;
        if (got) { /* the next page starts past the last row read in q's direction */
            memcpy(anchor, rows + (q.page.backward ? 0 : got - 1) * size, size);
            a = anchor;
        }
    } while (st == ALLOT_OK && got == q.page.limit);
    free(rows);
    free(anchor);
    return st;
}

AllotStatus views_count(Views *v, const ViewQuery *q, const void *after, int64_t *n, ErrBuf *err)
{
    *n = 0;
    AllotStatus r = view_query_check(q, err);
    if (r != ALLOT_OK)
        return r;
    return v->ops->count ? v->ops->count(v, q, after, n, err) : count_by_pages(v, q, after, n, err);
}

AllotStatus views_counts(Views *v, int32_t today, ReadCounts *out, ErrBuf *err)
{
    memset(out, 0, sizeof *out);
    if (!v->ops->counts)
        return err_set(err, ALLOT_EINVALID, "this store does not count for the header");
    return v->ops->counts(v, today, out, err);
}

void views_free(Views *v)
{
    if (v)
        v->ops->destroy(v);
}

LineLateness line_row_lateness(const LineRow *r, int32_t today)
{
    return lateness_of_line(r->batchref[0] != '\0', r->eta, r->need, today);
}

AllotStatus views_order_lateness(Views *v, const char *orderid, int32_t today,
                                 OrderLateness *out, ErrBuf *err)
{
    *out = lateness_order_init();
    LineRow rows[64];
    ViewPage page = {.limit = sizeof rows / sizeof rows[0]};
    LineRow anchor;
    bool anchored = false;
    for (;;) {
        size_t n = 0;
        AllotStatus st = views_order_lines(v, orderid, &page, anchored ? &anchor : NULL, rows, &n,
                                           err);
        if (st != ALLOT_OK)
            return st;
        for (size_t i = 0; i < n; i++) {
            LineLateness l = line_row_lateness(&rows[i], today);
            lateness_order_add(out, &l);
        }
        if (n < page.limit)
            return ALLOT_OK;
        anchor = rows[n - 1];
        anchored = true;
    }
}
