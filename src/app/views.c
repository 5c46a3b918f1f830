/* views.c — the read model port's entry points (views.h). */
#include "app/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

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

void views_free(Views *v)
{
    if (v)
        v->ops->destroy(v);
}
