#include "app/views.h"

AllotStatus views_products(Views *v, bool only_backordered, const ViewPage *page,
                           const ProductRow *after, ProductRow *rows, size_t *n, ErrBuf *err)
{
    return v->ops->products(v, only_backordered, page, after, rows, n, err);
}

AllotStatus views_batches(Views *v, const char *sku, BatchOrder order, const ViewPage *page,
                          const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    return v->ops->batches(v, sku, order, page, after, rows, n, err);
}

AllotStatus views_batch_lines(Views *v, const char *ref, const ViewPage *page,
                              const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    return v->ops->batch_lines(v, ref, page, after, rows, n, err);
}

AllotStatus views_order_lines(Views *v, const char *orderid, const ViewPage *page,
                              const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    return v->ops->order_lines(v, orderid, page, after, rows, n, err);
}

AllotStatus views_backorders(Views *v, const char *sku, const ViewPage *page,
                             const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err)
{
    return v->ops->backorders(v, sku, page, after, rows, n, err);
}

AllotStatus views_events(Views *v, int64_t anchor_id, const ViewPage *page, EventRow *rows,
                         size_t *n, ErrBuf *err)
{
    return v->ops->events(v, anchor_id, page, rows, n, err);
}

AllotStatus views_latest_event_id(Views *v, int64_t *id, ErrBuf *err)
{
    return v->ops->latest_event_id(v, id, err);
}

AllotStatus views_shipments_due(Views *v, int32_t from, int32_t to, const ViewPage *page,
                                const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err)
{
    return v->ops->shipments_due(v, from, to, page, after, rows, n, err);
}

AllotStatus views_complete(Views *v, CompleteKind kind, const char *prefix, size_t limit,
                           AllotId *out, size_t *n, ErrBuf *err)
{
    return v->ops->complete(v, kind, prefix, limit, out, n, err);
}

AllotStatus views_lines(Views *v, LineState state, const ViewPage *page, const LineRow *after,
                        LineRow *rows, size_t *n, ErrBuf *err)
{
    return v->ops->lines(v, state, page, after, rows, n, err);
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
