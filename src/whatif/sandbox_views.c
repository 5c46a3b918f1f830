/* The read model of a what-if sandbox (sandbox_views.h).
 *
 * One list op for every list: the query's spec (view_specs.h) says which rows, in
 * which order, filtered on which columns.  merge_page() merges live rows of SKUs
 * the sandbox does not hold, fetched page by page with the caller's anchor, with
 * the rows computed from the held products (view_rows.h) by the same conditions,
 * filter and anchor, in the spec's keyset order.  The event feed is the live log
 * up to the session's start followed by the sandbox's own events.
 */
#include "whatif/sandbox_views.h"

#include <stdlib.h>
#include <string.h>

#include "whatif/sandbox_uow.h"
#include "app/strmap.h"
#include "app/view_rows.h"
#include "domain/lateness.h"
#include "domain/xalloc.h"

typedef struct SandboxViews {
    Views base;
    UnitOfWork *sb;
    Views *live;
    int64_t base_event_id;
} SandboxViews;

static SandboxViews *from_views(Views *v) { return (SandboxViews *)v; }

/* True if the sandbox holds a product `sku` (a slot left by a rolled-back creation
 * does not count: live rows of that SKU, if any, still show). */
static bool held(SandboxViews *v, const char *sku)
{
    const Product *base;
    return sandbox_uow_find(v->sb, sku, &base) || base;
}

/* The merge.  `ov` holds every held row that meets the query's conditions (not yet
 * the anchor); it is consumed.  `with_live` false: no live rows. */
static AllotStatus merge_page(SandboxViews *v, const ViewQuery *q, bool with_live,
                              const void *after, ViewRows *ov, void *out, size_t *n, ErrBuf *err)
{
    const ViewSpec *s = q->spec;
    size_t size = ov->size, limit = q->page.limit;
    bool backward = q->page.backward;
    *n = 0;
    view_rows_sort_past(q, ov, after); /* held rows past the anchor, ascending */
    /* live rows of other SKUs: up to `limit` of them, ascending */
    ViewRows lv;
    view_rows_init(&lv, size);
    AllotStatus st = ALLOT_OK;
    if (with_live) {
        char *chunk = xmalloc(limit * size);
        char *anchor_buf = xmalloc(size);
        const void *anchor = NULL;
        if (after) {
            memcpy(anchor_buf, after, size);
            anchor = anchor_buf;
        }
        ViewRows rev; /* backward: collected newest first */
        view_rows_init(&rev, size);
        size_t got = 0;
        while (got < limit) {
            size_t m = 0;
            st = views_list(v->live, q, anchor, chunk, &m, err);
            if (st != ALLOT_OK)
                break;
            for (size_t k = 0; k < m && got < limit; k++) {
                void *r = chunk + (backward ? m - 1 - k : k) * size;
                if (!held(v, view_row_text(s, s->sku_col, r))) {
                    memcpy(view_rows_push(backward ? &rev : &lv), r, size);
                    got++;
                }
            }
            if (m)
                memcpy(anchor_buf, chunk + (backward ? 0 : m - 1) * size, size);
            anchor = anchor_buf;
            if (m < limit)
                break;
        }
        for (size_t i = rev.len; i-- > 0;)
            memcpy(view_rows_push(&lv), view_rows_at(&rev, i), size);
        view_rows_fini(&rev);
        free(chunk);
        free(anchor_buf);
    }
    if (st == ALLOT_OK) {
        /* merge ascending; keep the first `limit` (forward) or the last (backward) */
        ViewRows all;
        view_rows_init(&all, size);
        size_t a = 0, b = 0;
        while (a < lv.len || b < ov->len) {
            const void *r;
            if (b >= ov->len ||
                (a < lv.len && view_row_cmp(q, view_rows_at(&lv, a), view_rows_at(ov, b)) < 0))
                r = view_rows_at(&lv, a++);
            else
                r = view_rows_at(ov, b++);
            memcpy(view_rows_push(&all), r, size);
        }
        *n = view_rows_page(q, &all, out);
        view_rows_fini(&all);
    }
    view_rows_fini(&lv);
    return st;
}

/* ---------- line keys ---------- */

/* LineRow.key of a held line: its moment of first request, the value the live
 * store keeps as the row's key; lines created in the sandbox have the sandbox's
 * command ids, which come after every live one (sandbox_uow.h). */
static AllotStatus held_line_key(void *ctx, const Product *p, const OrderLine *l, int64_t *key,
                                 ErrBuf *err)
{
    (void)ctx, (void)p, (void)err;
    *key = l->requested;
    return ALLOT_OK;
}

/* The rows of held products that meet q (not yet the anchor) into `ov`: those of
 * `only` when the query is pinned to one product (none if NULL); when it fixes an
 * order id, those of the products that may hold a line of the order (the
 * sandbox's order index: a report asks for each order of a big import in turn);
 * else those of every held product. */
static AllotStatus held_rows(SandboxViews *v, const ViewQuery *q, const Product *only,
                             bool pinned, ViewRows *ov, ErrBuf *err)
{
    if (pinned)
        return only ? view_rows_of_product(q, only, held_line_key, NULL, ov, err) : ALLOT_OK;
    const ViewCond *c = q->spec->kind == VIEW_ROW_LINE ? view_query_fixed(q, LCOL_ORDERID) : NULL;
    AllotStatus st = ALLOT_OK;
    if (c) {
        const size_t *idx;
        size_t n = sandbox_uow_order_products(v->sb, c->text ? c->text : "", &idx);
        for (size_t k = 0; st == ALLOT_OK && k < n; k++) {
            const Product *p = sandbox_uow_product(v->sb, idx[k], NULL);
            if (p)
                st = view_rows_of_product(q, p, held_line_key, NULL, ov, err);
        }
        return st;
    }
    for (size_t i = 0; st == ALLOT_OK && i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        if (p)
            st = view_rows_of_product(q, p, held_line_key, NULL, ov, err);
    }
    return st;
}

/* ---------- every list but events ---------- */

static AllotStatus sb_events(SandboxViews *v, const ViewQuery *q, const void *after,
                             EventRow *rows, size_t *n, ErrBuf *err);

static AllotStatus sbv_list(Views *vv, const ViewQuery *q, const void *after, void *rows,
                            size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    const ViewSpec *s = q->spec;
    *n = 0;
    if (s->kind == VIEW_ROW_EVENT)
        return sb_events(v, q, after, rows, n, err);
    /* A query pinned to one product (its SKU or one of its batches) is all live
     * when the sandbox does not hold it, all held when it does. */
    const ViewCond *c;
    const Product *only = NULL;
    bool pinned = false;
    if (s->sku_col >= 0 && (c = view_query_fixed(q, s->sku_col))) {
        if (!held(v, c->text))
            return views_list(v->live, q, after, rows, n, err);
        only = sandbox_uow_find(v->sb, c->text, NULL);
        pinned = true;
    } else if (s->ref_col >= 0 && (c = view_query_fixed(q, s->ref_col)) && c->text &&
               *c->text) {
        only = sandbox_uow_find_ref(v->sb, c->text, NULL);
        if (!only)
            return views_list(v->live, q, after, rows, n, err);
        pinned = true;
    }
    ViewRows ov;
    view_rows_init(&ov, s->row_size);
    AllotStatus st = held_rows(v, q, only, pinned, &ov, err);
    if (st == ALLOT_OK)
        st = merge_page(v, q, !pinned, after, &ov, rows, n, err);
    view_rows_fini(&ov);
    return st;
}

/* ---------- orders' lateness on both sides ---------- */

/* The live lines of order `orderid`: each counts on the live side, and on the
 * sandbox side unless the sandbox holds its product. */
static AllotStatus live_lateness(SandboxViews *v, const char *orderid, int32_t today,
                                 OrderLateness *live, OrderLateness *sandbox, ErrBuf *err)
{
    LineRow rows[64], anchor;
    ViewPage page = {.limit = sizeof rows / sizeof rows[0]};
    ViewQuery q = views_order_lines_query(orderid, &page);
    bool anchored = false;
    for (;;) {
        size_t n = 0;
        AllotStatus st = views_list(v->live, &q, anchored ? &anchor : NULL, rows, &n, err);
        if (st != ALLOT_OK)
            return st;
        for (size_t i = 0; i < n; i++) {
            LineLateness l = line_row_lateness(&rows[i], today);
            lateness_order_add(live, &l);
            if (!held(v, rows[i].sku)) /* else the sandbox's own rows stand for it */
                lateness_order_add(sandbox, &l);
        }
        if (n < page.limit)
            return ALLOT_OK;
        anchor = rows[n - 1];
        anchored = true;
    }
}

/* The held lines of order `orderid` on the sandbox side: the lines of the
 * products its order index names. */
static AllotStatus held_lateness(SandboxViews *v, const char *orderid, int32_t today,
                                 OrderLateness *sandbox, ErrBuf *err)
{
    ViewPage page = {.limit = 1};
    ViewQuery q = views_order_lines_query(orderid, &page);
    ViewRows ov;
    view_rows_init(&ov, sizeof(LineRow));
    AllotStatus st = held_rows(v, &q, NULL, false, &ov, err);
    for (size_t i = 0; st == ALLOT_OK && i < ov.len; i++) {
        LineLateness l = line_row_lateness(view_rows_at(&ov, i), today);
        lateness_order_add(sandbox, &l);
    }
    view_rows_fini(&ov);
    return st;
}

/* The held lines of every order of `at` (order id → position) on the sandbox side,
 * in one walk over the lines of the held products (each line's lateness as its
 * LineRow gives it, line_row_lateness: on a batch or not, that batch's ETA, the
 * need date). */
static void held_lateness_all(SandboxViews *v, const StrMap *at, int32_t today,
                              OrderLateness *sandbox)
{
    for (size_t i = 0; i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        for (size_t k = 0; p && k < product_line_count(p); k++) {
            const OrderLine *l = product_line(p, k);
            uint64_t pos;
            if (!strmap_get(at, l->orderid, &pos))
                continue;
            int32_t eta = l->batch >= 0 ? product_batch(p, (size_t)l->batch)->eta : ALLOT_NO_ETA;
            LineLateness late = lateness_of_line(l->batch >= 0, eta, l->need, today);
            lateness_order_add(&sandbox[pos], &late);
        }
    }
}

/* Held lines of all products, beyond which the orders' held lines are found by
 * one walk over them rather than by each order's index entry (O(held lines)
 * against O(n x lines of the order's products)). */
static size_t held_lines(SandboxViews *v)
{
    size_t n = 0;
    for (size_t i = 0; i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        n += p ? product_line_count(p) : 0;
    }
    return n;
}

AllotStatus sandbox_views_orders_lateness(Views *vv, const char *const *orderids, size_t n,
                                          int32_t today, OrderLateness *live,
                                          OrderLateness *sandbox, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    for (size_t k = 0; k < n; k++)
        live[k] = sandbox[k] = lateness_order_init();
    AllotStatus st = ALLOT_OK;
    for (size_t k = 0; k < n && st == ALLOT_OK; k++)
        st = live_lateness(v, orderids[k], today, &live[k], &sandbox[k], err);
    if (st != ALLOT_OK)
        return st;
    /* one walk when the orders are many: each order's index entry costs a walk
     * over the lines of its products (a hundred or more each) */
    if (n < 64 || n * 16 < held_lines(v)) {
        for (size_t k = 0; k < n && st == ALLOT_OK; k++)
            st = held_lateness(v, orderids[k], today, &sandbox[k], err);
        return st;
    }
    StrMap at;
    strmap_init(&at);
    size_t *first = xmalloc(n * sizeof *first); /* an order id given twice: its first place */
    for (size_t k = 0; k < n; k++) {
        uint64_t pos;
        if (strmap_get(&at, orderids[k], &pos)) {
            first[k] = (size_t)pos;
        } else {
            strmap_put(&at, orderids[k], k);
            first[k] = k;
        }
    }
    held_lateness_all(v, &at, today, sandbox);
    for (size_t k = 0; k < n; k++)
        if (first[k] != k)
            sandbox[k] = sandbox[first[k]];
    free(first);
    strmap_fini(&at);
    return ALLOT_OK;
}

AllotStatus sandbox_views_order_lateness(Views *vv, const char *orderid, int32_t today,
                                         OrderLateness *live, OrderLateness *sandbox,
                                         ErrBuf *err)
{
    return sandbox_views_orders_lateness(vv, &orderid, 1, today, live, sandbox, err);
}

/* ---------- events ---------- */

/* Event i of the sandbox's own log, if it meets q. */
static bool own_event(SandboxViews *v, const ViewQuery *q, size_t i, EventRow *out)
{
    const EventVec *log = sandbox_uow_event_log(v->sb);
    *out = (EventRow){v->base_event_id + 1 + (int64_t)i, sandbox_uow_event_at(v->sb, i),
                      log->items[i], 0};
    return view_row_matches(q, out);
}

/* By id, the one key of the event list, either way: the rows past the anchor in
 * the page's walk (up: ids above it, the live part first; down: ids below it, the
 * sandbox's own first), returned in the list's order. */
static AllotStatus sb_events(SandboxViews *v, const ViewQuery *q, const void *after,
                             EventRow *rows, size_t *n, ErrBuf *err)
{
    const ViewPage *page = &q->page;
    size_t limit = page->limit, got = 0;
    bool up = !q->order->keys[0].desc != page->backward;
    int64_t anchor = after ? ((const EventRow *)after)->id : up ? 0 : INT64_MAX;
    const EventVec *log = sandbox_uow_event_log(v->sb);
    int64_t base = v->base_event_id;
    ViewQuery lq = *q; /* the live part: the log up to the session's start */
    if (!view_query_where(&lq, (ViewCond){.col = ECOL_ID, .op = VIEW_LE, .num = base}))
        return err_set(err, ALLOT_EINVALID, "events: too many conditions");
    EventRow *walk = xmalloc((limit ? limit : 1) * sizeof *walk), *lr = NULL;
    AllotStatus st = ALLOT_OK;
    /* live rows past `from` into walk, in the walk's order */
    size_t m = 0;
    if (up && anchor < base) {
        lq.page.limit = limit;
        lr = xmalloc((limit ? limit : 1) * sizeof *lr);
        st = views_list(v->live, &lq, after, lr, &m, err);
        for (size_t i = 0; st == ALLOT_OK && i < m; i++)
            walk[got++] = lr[page->backward ? m - 1 - i : i];
    }
    if (up) {
        for (size_t i = 0; st == ALLOT_OK && i < log->len && got < limit; i++)
            if (base + 1 + (int64_t)i > anchor && own_event(v, q, i, &walk[got]))
                got++;
    } else {
        for (size_t i = log->len; i-- > 0 && got < limit;)
            if (base + 1 + (int64_t)i < anchor && own_event(v, q, i, &walk[got]))
                got++;
        if (got < limit) {
            lq.page.limit = limit - got;
            EventRow live_anchor = {.id = anchor > base ? base + 1 : anchor};
            lr = xmalloc(lq.page.limit * sizeof *lr);
            st = views_list(v->live, &lq, &live_anchor, lr, &m, err);
            for (size_t i = 0; st == ALLOT_OK && i < m; i++)
                walk[got++] = lr[page->backward ? m - 1 - i : i];
        }
    }
    if (st == ALLOT_OK) {
        for (size_t i = 0; i < got; i++)
            rows[i] = walk[page->backward ? got - 1 - i : i];
        *n = got;
    }
    free(lr);
    free(walk);
    return st;
}

static AllotStatus sbv_latest_event_id(Views *vv, int64_t *id, ErrBuf *err)
{
    (void)err;
    SandboxViews *v = from_views(vv);
    *id = v->base_event_id + (int64_t)sandbox_uow_event_log(v->sb)->len;
    return ALLOT_OK;
}

/* ---------- counts ---------- */

/* The sandbox's own events past `after` that meet q. */
static int64_t own_events_past(SandboxViews *v, const ViewQuery *q, const void *after)
{
    const EventVec *log = sandbox_uow_event_log(v->sb);
    int64_t n = 0;
    EventRow r;
    for (size_t i = 0; i < log->len; i++)
        n += own_event(v, q, i, &r) && view_row_past(q, &r, after);
    return n;
}

/* Rows of held products that meet q and lie past `after` (`only`: that product
 * alone). */
static AllotStatus held_past(SandboxViews *v, const ViewQuery *q, const Product *only,
                             bool pinned, const void *after, int64_t *n, ErrBuf *err)
{
    ViewRows ov;
    view_rows_init(&ov, q->spec->row_size);
    AllotStatus st = held_rows(v, q, only, pinned, &ov, err);
    *n = st == ALLOT_OK ? (int64_t)view_rows_count_past(q, &ov, after) : 0;
    view_rows_fini(&ov);
    return st;
}

/* The live rows of product `sku` that meet q and lie past `after`: read (the rows
 * of one product), then placed by q's order — fixing the SKU by a condition would
 * take it out of q's keyset. */
static AllotStatus live_rows_past(SandboxViews *v, const ViewQuery *q, const char *sku,
                                  const void *after, int64_t *n, ErrBuf *err)
{
    *n = 0;
    ViewQuery one = *q;
    one.page.backward = false;
    one.page.limit = 256;
    if (!view_query_where(&one, (ViewCond){.col = (uint8_t)q->spec->sku_col, .op = VIEW_EQ,
                                           .text = sku}))
        return err_set(err, ALLOT_EINVALID, "%s: too many conditions", q->spec->name);
    size_t size = q->spec->row_size, got = 0;
    char *rows = xmalloc(one.page.limit * size), *anchor = xmalloc(size);
    AllotStatus st;
    bool anchored = false;
    do {
        st = views_list(v->live, &one, anchored ? anchor : NULL, rows, &got, err);
        for (size_t i = 0; st == ALLOT_OK && i < got; i++)
            *n += view_row_past(q, rows + i * size, after);
        if (got) {
            memcpy(anchor, rows + (got - 1) * size, size);
            anchored = true;
        }
    } while (st == ALLOT_OK && got == one.page.limit);
    free(rows);
    free(anchor);
    return st;
}

/* The merge of sbv_list, counted: live rows of the SKUs the sandbox does not hold
 * (live's count less the held SKUs' live rows) and the held rows. */
static AllotStatus sbv_count(Views *vv, const ViewQuery *q, const void *after, int64_t *n,
                             ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    const ViewSpec *s = q->spec;
    *n = 0;
    if (s->kind == VIEW_ROW_EVENT) {
        ViewQuery lq = *q;
        if (!view_query_where(&lq, (ViewCond){.col = ECOL_ID, .op = VIEW_LE,
                                              .num = v->base_event_id}))
            return err_set(err, ALLOT_EINVALID, "%s: too many conditions", s->name);
        AllotStatus st = views_count(v->live, &lq, after, n, err);
        *n += st == ALLOT_OK ? own_events_past(v, q, after) : 0;
        return st;
    }
    const ViewCond *c;
    if (s->sku_col >= 0 && (c = view_query_fixed(q, s->sku_col))) {
        if (!held(v, c->text))
            return views_count(v->live, q, after, n, err);
        return held_past(v, q, sandbox_uow_find(v->sb, c->text, NULL), true, after, n, err);
    }
    if (s->ref_col >= 0 && (c = view_query_fixed(q, s->ref_col)) && c->text && *c->text) {
        const Product *only = sandbox_uow_find_ref(v->sb, c->text, NULL);
        if (!only)
            return views_count(v->live, q, after, n, err);
        return held_past(v, q, only, true, after, n, err);
    }
    AllotStatus st = views_count(v->live, q, after, n, err);
    for (size_t i = 0; st == ALLOT_OK && i < sandbox_uow_product_count(v->sb); i++) {
        const Product *base;
        const Product *cur = sandbox_uow_product(v->sb, i, &base);
        if (!cur && !base)
            continue;
        int64_t live_held = 0;
        st = live_rows_past(v, q, product_sku(cur ? cur : base), after, &live_held, err);
        *n -= live_held;
    }
    int64_t own = 0;
    if (st == ALLOT_OK)
        st = held_past(v, q, NULL, false, after, &own, err);
    *n += own;
    return st;
}

/* Live's counts, with each held product's live part (as the sandbox read it)
 * replaced by its part in the sandbox. */
static AllotStatus sbv_counts(Views *vv, int32_t today, ReadCounts *out, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    AllotStatus st = views_counts(v->live, today, out, err);
    for (size_t i = 0; st == ALLOT_OK && i < sandbox_uow_product_count(v->sb); i++) {
        const Product *base;
        const Product *cur = sandbox_uow_product(v->sb, i, &base);
        if (base)
            view_rows_add_counts(base, today, -1, out);
        if (cur)
            view_rows_add_counts(cur, today, 1, out);
    }
    return st;
}

/* ---------- completion ---------- */

static AllotStatus sbv_complete(Views *vv, CompleteKind kind, const char *prefix, size_t limit,
                                AllotId *out, size_t *n, ErrBuf *err)
{
    SandboxViews *v = from_views(vv);
    *n = 0;
    if (limit == 0)
        return ALLOT_OK;
    const char *pre = prefix ? prefix : "";
    ViewRows all;
    view_rows_init(&all, sizeof(AllotId));
    AllotId *lv = xmalloc(limit * sizeof *lv);
    size_t m = 0;
    AllotStatus st = views_complete(v->live, kind, pre, limit, lv, &m, err);
    for (size_t i = 0; st == ALLOT_OK && i < m; i++)
        memcpy(view_rows_push(&all), lv[i], sizeof(AllotId));
    free(lv);
    for (size_t i = 0; st == ALLOT_OK && i < sandbox_uow_product_count(v->sb); i++) {
        const Product *p = sandbox_uow_product(v->sb, i, NULL);
        if (p)
            view_rows_complete(kind, p, pre, &all);
    }
    if (st == ALLOT_OK)
        *n = view_rows_complete_page(&all, limit, out);
    view_rows_fini(&all);
    return st;
}

static void sbv_destroy(Views *vv)
{
    SandboxViews *v = from_views(vv);
    free(v);
}

static const ViewsOps sandbox_views_ops = {
    .list = sbv_list,
    .latest_event_id = sbv_latest_event_id,
    .complete = sbv_complete,
    .destroy = sbv_destroy,
    .complete_span = NULL, /* from complete */
    .count = sbv_count,
    .counts = sbv_counts,
};

Views *sandbox_views_new(UnitOfWork *sandbox, Views *live, int64_t base_event_id)
{
    SandboxViews *v = xcalloc(1, sizeof *v);
    v->base.ops = &sandbox_views_ops;
    v->sb = sandbox;
    v->live = live;
    v->base_event_id = base_event_id;
    return &v->base;
}
