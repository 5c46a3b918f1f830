/* source_views.c — TuiSource over app/views.h (see source_views.h).
 *
 * Each list of the screens is a list of the read model with its spec
 * (app/view_specs.h): its orders, filter and identity are the spec's.  A cursor is
 * the row's keys in the list's order as the spec writes them (view_key_text: "LAMP
 * \x1f20420\x1f3" for a batch in preference order), read back into an anchor row
 * with view_key_parse.  Events are shown newest first, so paging "after" in display
 * order asks the view backward. */
#include "tui/source_views.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/atp_query.h"
#include "app/view_specs.h"
#include "domain/xalloc.h"

typedef struct ViewsSource {
    TuiSource base;
    Views *views;
    UnitOfWork *uow; /* the products, for the timeline and promise; or NULL */
} ViewsSource;

static Views *V(TuiSource *s) { return ((ViewsSource *)s)->views; }

static int64_t num(const char *s) { return s ? strtoll(s, NULL, 10) : 0; }

/* The spec and order of q (view_specs.h) as a query without conditions: what
 * writes and reads a row's cursor (view_key_text / view_key_parse: every key of the
 * order; the store reads those it pages by). */
static ViewQuery key_query(const TuiQuery *q, const ViewPage *pg)
{
    return view_query(tui_kind_info(q->kind)->list, tui_query_order(q), pg);
}

/* One row of the spec's row type as the screen shows it. */
static void build_row(const TuiQuery *q, const void *row, TuiRow *r)
{
    switch (q->kind) {
    case TL_PRODUCTS:
    case TL_SHORT: {
        const ProductRow *p = row;
        tui_row_product(r, q->kind, p->sku, p->nbatches, p->qty, p->allocated,
                        p->backorder_lines, p->backorder_qty);
        break;
    }
    case TL_BATCHES:
    case TL_DUE: {
        const BatchRow *b = row;
        tui_row_batch(r, q->kind, b->ref, b->sku, b->qty, b->allocated, b->eta, q->today);
        break;
    }
    default:
        tui_row_line(r, q->kind, row);
        break;
    }
}

/* One keyset page of a non-event query, in list order, through the views.h
 * function of its list (which holds the list's conditions).  `anchor` (a cursor)
 * NULL = from the start (forward) or the end (backward). */
static AllotStatus page(ViewsSource *s, const TuiQuery *q, const char *anchor, bool backward,
                        size_t limit, TuiRowVec *out, ErrBuf *err)
{
    if (limit == 0)
        return ALLOT_OK;
    ViewPage pg = {.limit = limit, .filter = q->filter, .backward = backward, .today = q->today};
    ViewQuery kq = key_query(q, &pg);
    size_t size = kq.spec->row_size, n = 0;
    char *rows = xcalloc(limit, size), *a = NULL;
    if (anchor) {
        a = xcalloc(1, size);
        view_key_parse(&kq, anchor, a);
    }
    AllotStatus st;
    Views *v = s->views;
    switch (q->kind) {
    case TL_PRODUCTS:
    case TL_SHORT:
        st = views_products(v, q->kind == TL_SHORT, &pg, (void *)a, (void *)rows, &n, err);
        break;
    case TL_BATCHES:
        st = views_batches(v, q->arg, (BatchOrder)tui_query_order(q), &pg, (void *)a,
                           (void *)rows, &n, err);
        break;
    case TL_DUE:
        st = views_shipments_due(v, q->today, q->today + 14, &pg, (void *)a, (void *)rows, &n,
                                 err);
        break;
    case TL_BATCH_LINES:
        st = views_batch_lines(v, q->arg, &pg, (void *)a, (void *)rows, &n, err);
        break;
    case TL_ORDER:
        st = views_order_lines(v, q->arg, &pg, (void *)a, (void *)rows, &n, err);
        break;
    case TL_LATE:
        st = views_late_lines(v, q->today, &pg, (void *)a, (void *)rows, &n, err);
        break;
    default:
        st = views_backorders(v, q->arg, &pg, (void *)a, (void *)rows, &n, err);
        break;
    }
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        TuiRow *r = tui_rows_push(out);
        build_row(q, rows + i * size, r);
        view_key_text(&kq, rows + i * size, r->cursor, sizeof r->cursor);
    }
    free(rows);
    free(a);
    return st;
}

/* Events newest first.  `older`: ids below `anchor` (0 = from the newest);
 * else ids above `anchor` (the closest ones).  Appended in display order. */
static AllotStatus event_page(ViewsSource *s, const TuiQuery *q, int64_t anchor, bool older,
                              size_t limit, TuiRowVec *out, ErrBuf *err)
{
    if (limit == 0)
        return ALLOT_OK;
    ViewPage pg = {.limit = limit, .filter = q->filter, .backward = older};
    EventRow *rows = xcalloc(limit, sizeof *rows);
    size_t n = 0;
    AllotStatus st =
        views_events(s->views, older && anchor == 0 ? INT64_MAX : anchor, &pg, rows, &n, err);
    int64_t day_start = (int64_t)q->today * 86400;
    for (size_t k = 0; st == ALLOT_OK && k < n; k++) {
        const EventRow *e = &rows[n - 1 - k];
        if (q->kind == TL_TODAY && e->at < day_start)
            break;
        TuiFeedItem it = {.id = e->id, .at = e->at, .ev = e->ev, .whatif = false};
        TuiRow *r = tui_rows_push(out);
        tui_row_event(r, &it, q->today);
        snprintf(r->cursor, sizeof r->cursor, "%" PRId64, e->id);
    }
    free(rows);
    return st;
}

/* The history of line q->arg ("ORDERID\x1fSKU"), oldest first: ids after `anchor`
 * (0 = from the first), or before it when `backward` (0 = from the newest), in
 * display order. */
static AllotStatus history_page(ViewsSource *s, const TuiQuery *q, int64_t anchor, bool backward,
                                size_t limit, TuiRowVec *out, ErrBuf *err)
{
    if (limit == 0)
        return ALLOT_OK;
    char orderid[TUI_CURSOR_MAX];
    snprintf(orderid, sizeof orderid, "%s", q->arg);
    char *sku = strchr(orderid, '\x1f');
    if (!sku)
        return err_set(err, ALLOT_EINVALID, "no order line given for its history");
    *sku++ = 0;
    ViewPage pg = {.limit = limit, .filter = q->filter, .backward = backward};
    ViewQuery vq = view_query(VIEW_EVENTS, 0, &pg);
    view_query_where(&vq, (ViewCond){.col = ECOL_ORDERID, .op = VIEW_EQ, .text = orderid});
    view_query_where(&vq, (ViewCond){.col = ECOL_SKU, .op = VIEW_EQ, .text = sku});
    EventRow a;
    memset(&a, 0, sizeof a);
    a.id = anchor;
    EventRow *rows = xcalloc(limit, sizeof *rows);
    size_t n = 0;
    AllotStatus st = views_list(s->views, &vq, anchor || !backward ? &a : NULL, rows, &n, err);
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        TuiFeedItem it = {.id = rows[i].id, .at = rows[i].at, .ev = rows[i].ev};
        TuiRow *r = tui_rows_push(out);
        tui_row_history(r, &it, q->today);
        snprintf(r->cursor, sizeof r->cursor, "%" PRId64, rows[i].id);
    }
    free(rows);
    return st;
}

/* The availability timeline of SKU q->arg (app/atp_query.h: its product, read in a
 * unit of work that is rolled back), by date: the dates after (or from, or just
 * before) the date `cursor`, in display order. */
static AllotStatus vs_timeline(TuiSource *src, const char *sku, int32_t today, AtpTimeline *out,
                               ErrBuf *err)
{
    ViewsSource *s = (ViewsSource *)src;
    if (!s->uow)
        return err_set(err, ALLOT_EUSAGE, "the availability timeline is not available here");
    return query_atp(s->uow, sku, today, out, err);
}

static AllotStatus atp_page(ViewsSource *s, const TuiQuery *q, TuiFetch how, const char *cursor,
                            size_t limit, TuiRowVec *out, ErrBuf *err)
{
    AtpTimeline t;
    AllotStatus st = vs_timeline(&s->base, q->arg, q->today, &t, err);
    if (st != ALLOT_OK)
        return st;
    int32_t at = (int32_t)num(cursor);
    size_t from = 0, to = t.nrows; /* the rows [from, to) that qualify, then `limit` of them */
    for (size_t i = 0; how != TF_FIRST && how != TF_LAST && i < t.nrows; i++) {
        if (how == TF_BEFORE ? t.rows[i].date < at : how == TF_AFTER ? t.rows[i].date <= at
                                                                     : t.rows[i].date < at)
            from = i + 1;
    }
    if (how == TF_BEFORE || how == TF_LAST) {
        to = how == TF_LAST ? t.nrows : from;
        from = to > limit ? to - limit : 0;
    } else if (to - from > limit) {
        to = from + limit;
    }
    for (size_t i = from; i < to; i++) {
        TuiRow *r = tui_rows_push(out);
        tui_row_atp(r, &t.rows[i], q->today);
        snprintf(r->cursor, sizeof r->cursor, "%" PRId32, t.rows[i].date);
    }
    atp_fini(&t);
    return ALLOT_OK;
}

static AllotStatus vs_fetch(TuiSource *src, const TuiQuery *q, TuiFetch how, const char *cursor,
                            size_t limit, TuiRowVec *out, ErrBuf *err)
{
    ViewsSource *s = (ViewsSource *)src;
    if (q->kind == TL_ATP)
        return atp_page(s, q, how, cursor, limit, out, err);
    if (q->kind == TL_HISTORY) {
        switch (how) {
        case TF_FIRST: return history_page(s, q, 0, false, limit, out, err);
        case TF_LAST: return history_page(s, q, 0, true, limit, out, err);
        case TF_AFTER: return history_page(s, q, num(cursor), false, limit, out, err);
        case TF_FROM: return history_page(s, q, num(cursor) - 1, false, limit, out, err);
        case TF_BEFORE: return history_page(s, q, num(cursor), true, limit, out, err);
        }
        return ALLOT_OK;
    }
    if (q->kind == TL_EVENTS || q->kind == TL_TODAY) {
        switch (how) {
        case TF_FIRST: return event_page(s, q, 0, true, limit, out, err);
        case TF_LAST: return event_page(s, q, 0, false, limit, out, err);
        case TF_AFTER: return event_page(s, q, num(cursor), true, limit, out, err);
        case TF_FROM: return event_page(s, q, num(cursor) + 1, true, limit, out, err);
        case TF_BEFORE: return event_page(s, q, num(cursor), false, limit, out, err);
        }
        return ALLOT_OK;
    }
    switch (how) {
    case TF_FIRST: return page(s, q, NULL, false, limit, out, err);
    case TF_LAST: return page(s, q, NULL, true, limit, out, err);
    case TF_AFTER: return page(s, q, cursor, false, limit, out, err);
    case TF_BEFORE: return page(s, q, cursor, true, limit, out, err);
    case TF_FROM: {
        /* at or after: after the row just before the cursor */
        TuiRowVec prev = {0};
        AllotStatus st = page(s, q, cursor, true, 1, &prev, err);
        if (st == ALLOT_OK)
            st = prev.len ? page(s, q, prev.items[0].cursor, false, limit, out, err)
                          : page(s, q, NULL, false, limit, out, err);
        tui_rows_fini(&prev);
        return st;
    }
    }
    return ALLOT_OK;
}

static AllotStatus vs_max_event_id(TuiSource *s, int64_t *out, ErrBuf *err)
{
    return views_latest_event_id(V(s), out, err);
}

static AllotStatus vs_version(TuiSource *s, uint64_t *out, ErrBuf *err)
{
    int64_t id = 0;
    AllotStatus st = views_latest_event_id(V(s), &id, err);
    *out = (uint64_t)id;
    return st;
}

static AllotStatus vs_events_since(TuiSource *s, int64_t after_id, size_t limit, TuiFeedVec *out,
                                   ErrBuf *err)
{
    if (limit == 0)
        return ALLOT_OK;
    ViewPage pg = {.limit = limit, .filter = NULL, .backward = false};
    EventRow *rows = xcalloc(limit, sizeof *rows);
    size_t n = 0;
    AllotStatus st = views_events(V(s), after_id, &pg, rows, &n, err);
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        TuiFeedItem it = {.id = rows[i].id, .at = rows[i].at, .ev = rows[i].ev};
        tui_feed_push(out, &it);
    }
    free(rows);
    return st;
}

static AllotStatus vs_complete(TuiSource *s, CompleteKind kind, const char *prefix, size_t limit,
                               char ***out, size_t *nout, ErrBuf *err)
{
    *out = NULL;
    *nout = 0;
    if (limit == 0)
        return ALLOT_OK;
    AllotId *ids = xcalloc(limit, sizeof *ids);
    size_t n = 0;
    AllotStatus st = views_complete(V(s), kind, prefix, limit, ids, &n, err);
    if (st == ALLOT_OK && n) {
        *out = xcalloc(n, sizeof **out);
        for (size_t i = 0; i < n; i++)
            (*out)[i] = xstrdup(ids[i]);
        *nout = n;
    }
    free(ids);
    return st;
}

static AllotStatus vs_complete_span(TuiSource *s, CompleteKind kind, const char *prefix,
                                    int64_t cap, CompleteSpan *out, ErrBuf *err)
{
    return views_complete_span(V(s), kind, prefix, cap, out, err);
}

/* The batch `ref` as the read model has it; *found = false if there is none. */
static AllotStatus batch_row(TuiSource *s, const char *ref, BatchRow *out, bool *found,
                             ErrBuf *err)
{
    /* the greatest ref below ref+"\x01" is ref itself, if it exists */
    BatchRow a;
    memset(&a, 0, sizeof a);
    snprintf(a.ref, sizeof a.ref, "%s\x01", ref);
    ViewPage pg = {.limit = 1, .filter = NULL, .backward = true};
    size_t n = 0;
    AllotStatus st = views_batches(V(s), NULL, BATCH_ORDER_REF, &pg, &a, out, &n, err);
    *found = st == ALLOT_OK && n == 1 && strcmp(out->ref, ref) == 0;
    return st;
}

/* The order line (orderid, sku), its lateness on `today`; *found = false if there is
 * none. */
static AllotStatus line_row(TuiSource *s, const char *orderid, const char *sku, int32_t today,
                            LineRow *out, bool *found, ErrBuf *err)
{
    LineRow a;
    memset(&a, 0, sizeof a);
    snprintf(a.sku, sizeof a.sku, "%s\x01", sku);
    ViewPage pg = {.limit = 1, .filter = NULL, .backward = true, .today = today};
    size_t n = 0;
    AllotStatus st = views_order_lines(V(s), orderid, &pg, &a, out, &n, err);
    *found = st == ALLOT_OK && n == 1 && strcmp(out->sku, sku) == 0;
    return st;
}

/* The row's cursor in q's order is worked out from its identity, then checked by
 * reading the list at that cursor (so the filter and the list's argument count). */
static AllotStatus vs_locate(TuiSource *src, const TuiQuery *q, const char *key, char *cursor,
                             size_t size, bool *found, ErrBuf *err)
{
    *found = false;
    char cur[TUI_CURSOR_MAX] = "";
    bool have = false;
    AllotStatus st = ALLOT_OK;
    ViewPage pg = {.limit = 1};
    ViewQuery kq = key_query(q, &pg);
    switch (q->kind) {
    case TL_PRODUCTS:
    case TL_SHORT: /* the identity (a SKU) is the cursor */
        snprintf(cur, sizeof cur, "%s", key);
        have = true;
        break;
    case TL_ATP: /* the identity (a date) is the cursor */
        snprintf(cur, sizeof cur, "%s", key);
        have = true;
        break;
    case TL_EVENTS:
    case TL_TODAY:
    case TL_HISTORY: /* the identity (an id of the log) is the cursor */
        snprintf(cur, sizeof cur, "%s", key);
        have = key[0] >= '1' && key[0] <= '9' && key[strspn(key, "0123456789")] == 0;
        break;
    case TL_BATCHES:
    case TL_DUE: {
        BatchRow b;
        st = batch_row(src, key, &b, &have, err);
        if (have)
            view_key_text(&kq, &b, cur, sizeof cur);
        break;
    }
    case TL_BATCH_LINES:
    case TL_ORDER:
    case TL_BACKORDERS:
    case TL_LATE: {
        char orderid[TUI_CURSOR_MAX];
        snprintf(orderid, sizeof orderid, "%s", key);
        char *sku = strchr(orderid, '\x1f');
        if (!sku)
            break;
        *sku++ = 0;
        LineRow l;
        st = line_row(src, orderid, sku, q->today, &l, &have, err);
        if (have)
            view_key_text(&kq, &l, cur, sizeof cur);
        break;
    }
    default:
        break;
    }
    if (st != ALLOT_OK || !have)
        return st;
    TuiRowVec v = {0};
    st = src->ops->fetch(src, q, TF_FROM, cur, 1, &v, err);
    if (st == ALLOT_OK && v.len == 1 && strcmp(v.items[0].key, key) == 0) {
        *found = true;
        snprintf(cursor, size, "%s", v.items[0].cursor);
    }
    tui_rows_fini(&v);
    return st;
}

static AllotStatus vs_batch_info(TuiSource *s, const char *ref, TuiBatchInfo *out, bool *found,
                                 ErrBuf *err)
{
    BatchRow row;
    AllotStatus st = batch_row(s, ref, &row, found, err);
    if (st != ALLOT_OK || !*found)
        return st;
    memset(out, 0, sizeof *out);
    snprintf(out->ref, sizeof out->ref, "%s", row.ref);
    snprintf(out->sku, sizeof out->sku, "%s", row.sku);
    out->qty = row.qty;
    out->allocated = row.allocated;
    out->eta = row.eta;
    out->lines = row.nlines;
    return ALLOT_OK;
}

static AllotStatus vs_is_empty(TuiSource *s, bool *empty, ErrBuf *err)
{
    ProductRow row;
    ViewPage pg = {.limit = 1};
    size_t n = 0;
    AllotStatus st = views_products(V(s), false, &pg, NULL, &row, &n, err);
    *empty = n == 0;
    return st;
}

static AllotStatus vs_promise(TuiSource *src, const char *sku, int64_t qty, int32_t today,
                              Promise *out, ErrBuf *err)
{
    ViewsSource *s = (ViewsSource *)src;
    if (!s->uow)
        return err_set(err, ALLOT_EUSAGE, "promise is not available here");
    return query_promise(s->uow, sku, qty, today, out, err);
}

static AllotStatus vs_order_lateness(TuiSource *s, const char *orderid, int32_t today,
                                     OrderLateness *out, ErrBuf *err)
{
    return views_order_lateness(V(s), orderid, today, out, err);
}

static void vs_destroy(TuiSource *s) { free(s); }

static const TuiSourceOps vs_ops = {
    .fetch = vs_fetch,
    .version = vs_version,
    .max_event_id = vs_max_event_id,
    .events_since = vs_events_since,
    .complete = vs_complete,
    .batch_info = vs_batch_info,
    .is_empty = vs_is_empty,
    .destroy = vs_destroy,
    .complete_span = vs_complete_span,
    .locate = vs_locate,
    .timeline = vs_timeline,
    .promise = vs_promise,
    .order_lateness = vs_order_lateness,
};

TuiSource *source_views_new(Views *views)
{
    ViewsSource *s = xcalloc(1, sizeof *s);
    s->base.ops = &vs_ops;
    s->views = views;
    return &s->base;
}

void source_views_set_uow(TuiSource *src, UnitOfWork *uow) { ((ViewsSource *)src)->uow = uow; }
