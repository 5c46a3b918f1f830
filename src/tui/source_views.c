/* source_views.c — TuiSource over app/views.h (see source_views.h).
 *
 * Each list of the screens is a list of the read model with its spec
 * (app/view_specs.h): the query its views.h function runs (views_*_query), in the
 * order the planner chose (the spec's, or that order reversed), with the terms of
 * the planner's filter (filter.h) as conditions and its words as the substring
 * filter.  A cursor is the row's keys in the list's order as the spec writes them
 * (view_key_text: "LAMP\x1f20420\x1f3" for a batch in preference order), read back
 * into an anchor row with view_key_parse; rows come in display order, which is the
 * query's order.
 *
 * The event log is the one list that grows without bound (a million events and
 * more): a filter over it reads it a slice of ids at a time (SCAN_SLICE ids, at
 * most SCAN_BUDGET ids per fetch), and a page it could not fill within that ends
 * in a pending row (TUI_ROW_PENDING) from which the list goes on (list.h).  Its
 * count goes the same way, a slice at a time.  "Today's events" are the events from
 * the first one logged today on: the log's times grow with its ids, so that id is
 * found by bisection and kept for the day. */
#include "tui/source_views.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/atp_query.h"
#include "app/view_specs.h"
#include "domain/xalloc.h"
#include "tui/filter.h"

/* Ids of the event log read per query under a filter, per fetch, and per count
 * slice with and without a filter (bench_tui: about 0.28 us an event under a filter,
 * 0.02 us without).  A fetch reads at most SCAN_BUDGET ids, so that a key typed into
 * the filter costs under 10 ms whatever the log's length (bench_tui "first page per
 * key at each scan budget": 200,000 ids cost 69 ms, 25,000 cost 7 ms); a page it
 * could not fill ends in a pending row and goes on in idle time. */
enum { SCAN_SLICE = 25000, SCAN_BUDGET = 25000, COUNT_SLICE = 100000,
       COUNT_SLICE_ALL = 500000 };

typedef struct ViewsSource {
    TuiSource base;
    Views *views;
    int64_t slice, budget, count_slice, count_slice_all;
    int32_t first_day; /* the day first_id is of; 0 = not known */
    int64_t first_id;  /* the first event id logged on first_day (or past the log's end) */
    UnitOfWork *uow; /* the products, for the timeline and promise; or NULL */
} ViewsSource;

static Views *V(TuiSource *s) { return ((ViewsSource *)s)->views; }

static int64_t num(const char *s) { return s ? strtoll(s, NULL, 10) : 0; }

static bool is_events(const TuiQuery *q) { return q->kind == TL_EVENTS || q->kind == TL_TODAY; }

/* The spec and order of q (view_specs.h) as a query without conditions: what
 * writes and reads a row's cursor (view_key_text / view_key_parse: every key of the
 * order; the store reads those it pages by).  `order` receives the order (reversed
 * when q runs the other way) and must outlive the query. */
static ViewQuery key_query(const TuiQuery *q, const ViewPage *pg, ViewOrder *order)
{
    ViewQuery kq = view_query(tui_kind_info(q->kind)->list, tui_query_order(q), pg);
    *order = tui_query_desc(q) ? view_order_reverse(kq.order) : *kq.order;
    kq.order = order;
    return kq;
}

/* The first event id logged on `today`, or past the log's end: the least id m such
 * that the first event at or after m is of today or later (there is none), by
 * bisection — times grow with ids. */
static AllotStatus first_of_day(ViewsSource *s, int32_t today, int64_t *out, ErrBuf *err)
{
    if (s->first_day == today) {
        *out = s->first_id;
        return ALLOT_OK;
    }
    int64_t max = 0;
    AllotStatus st = views_latest_event_id(s->views, &max, err);
    int64_t lo = 1, hi = max + 1, day_start = (int64_t)today * 86400;
    while (st == ALLOT_OK && lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        EventRow r;
        size_t n = 0;
        ViewPage pg = {.limit = 1};
        st = views_events(s->views, mid - 1, &pg, &r, &n, err); /* the first id >= mid */
        if (st == ALLOT_OK && (n == 0 || r.at >= day_start))
            hi = mid;
        else if (st == ALLOT_OK)
            lo = r.id + 1;
    }
    if (st == ALLOT_OK) {
        s->first_day = today;
        s->first_id = lo;
        *out = lo;
    }
    return st;
}

/* The query of list q: its views.h query in q's order (into *order), on q's today,
 * with the planner's filter (parsed into *f, which must outlive the query). */
static AllotStatus list_query(ViewsSource *s, const TuiQuery *q, const ViewPage *pg,
                              ViewOrder *order, TuiFilter *f, ViewQuery *out, ErrBuf *err)
{
    char why[ALLOT_ERR_MAX];
    if (!tui_filter_parse(q->kind, q->filter, q->today, f, why, sizeof why))
        return err_set(err, ALLOT_EINVALID, "filter: %s", why);
    ViewQuery v;
    switch (q->kind) {
    case TL_PRODUCTS:
    case TL_SHORT: v = views_products_query(q->kind == TL_SHORT, pg); break;
    case TL_BATCHES: v = views_batches_query(q->arg, BATCH_ORDER_PREFERENCE, pg); break;
    case TL_DUE: v = views_shipments_due_query(q->today, q->today + 14, pg); break;
    case TL_OVERDUE: v = views_shipments_due_query(ALLOT_NO_ETA + 1, q->today - 1, pg); break;
    case TL_BATCH_LINES: v = views_batch_lines_query(q->arg, pg); break;
    case TL_ORDER: v = views_order_lines_query(q->arg, pg); break;
    case TL_BACKORDERS: v = views_backorders_query(q->arg, pg); break;
    case TL_LATE: v = views_late_lines_query(q->today, pg); break;
    default: v = views_events_query(pg); break;
    }
    ViewQuery kq = key_query(q, pg, order);
    v.order = kq.order;
    if (q->kind == TL_TODAY) {
        int64_t first;
        AllotStatus st = first_of_day(s, q->today, &first, err);
        if (st != ALLOT_OK)
            return st;
        view_query_where(&v, (ViewCond){.col = ECOL_ID, .op = VIEW_GE, .num = first});
    }
    if (!tui_filter_apply(f, &v))
        return err_set(err, ALLOT_EINVALID, "filter: too many terms for this list");
    *out = v;
    return ALLOT_OK;
}

/* One row of the spec's row type as the screen shows it. */
static void build_row(const TuiQuery *q, const void *row, TuiRow *r)
{
    switch (q->kind) {
    case TL_PRODUCTS:
    case TL_SHORT: tui_row_product(r, q->kind, row); break;
    case TL_BATCHES:
    case TL_DUE:
    case TL_OVERDUE: {
        const BatchRow *b = row;
        tui_row_batch(r, q->kind, b->ref, b->sku, b->qty, b->allocated, b->eta, q->today);
        break;
    }
    case TL_EVENTS:
    case TL_TODAY: {
        const EventRow *e = row;
        TuiFeedItem it = {.id = e->id, .at = e->at, .ev = e->ev, .whatif = false};
        tui_row_event(r, &it, q->today);
        break;
    }
    default: tui_row_line(r, q->kind, row); break;
    }
}

/* Reads one page of v past `anchor` (NULL = from the start / the end) and appends
 * its rows in display order. */
static AllotStatus read_page(ViewsSource *s, const TuiQuery *q, const ViewQuery *v,
                             const ViewQuery *kq, const void *anchor, TuiRowVec *out,
                             size_t *got, ErrBuf *err)
{
    size_t size = v->spec->row_size, n = 0;
    char *rows = xcalloc(v->page.limit ? v->page.limit : 1, size);
    AllotStatus st = views_list(s->views, v, anchor, rows, &n, err);
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        TuiRow *r = tui_rows_push(out);
        build_row(q, rows + i * size, r);
        view_key_text(kq, rows + i * size, r->cursor, sizeof r->cursor);
    }
    *got = st == ALLOT_OK ? n : 0;
    free(rows);
    return st;
}

/* The event log under a filter, forward in display order from event id `from`
 * (exclusive; 0 = the start), one slice of ids at a time: rows are appended until
 * `limit` of them or SCAN_BUDGET ids were read; then a pending row marks where it
 * stopped. */
static AllotStatus scan_events(ViewsSource *s, const TuiQuery *q, ViewQuery v,
                               const ViewQuery *kq, int64_t from, size_t limit, TuiRowVec *out,
                               ErrBuf *err)
{
    bool newest_first = tui_query_desc(q);
    int64_t max = 0;
    AllotStatus st = views_latest_event_id(s->views, &max, err);
    int64_t at = from ? from : newest_first ? max + 1 : 0; /* the ids past it, not it */
    int64_t slice = s->slice;
    int64_t read = 0, got_all = 0;
    size_t base = v.nconds;
    while (st == ALLOT_OK && (size_t)got_all < limit) {
        int64_t lo = newest_first ? at - slice : at + 1, hi = lo + slice - 1;
        if (newest_first ? at <= 1 : at >= max)
            return ALLOT_OK; /* the log read to its end */
        v.nconds = base;
        view_query_where(&v, (ViewCond){.col = ECOL_ID, .op = VIEW_GE, .num = lo});
        view_query_where(&v, (ViewCond){.col = ECOL_ID, .op = VIEW_LE, .num = hi});
        EventRow anchor = {.id = at};
        v.page.limit = limit - (size_t)got_all;
        v.page.backward = false;
        size_t got = 0;
        st = read_page(s, q, &v, kq, &anchor, out, &got, err);
        got_all += (int64_t)got;
        if ((size_t)got_all == limit)
            return st; /* the last row's cursor goes on from there */
        at = newest_first ? lo : hi;
        read += slice;
        bool more = newest_first ? at > 1 : at < max;
        if (st == ALLOT_OK && more && read >= s->budget) {
            char cur[32], note[120], a[32], b[32];
            int64_t left = newest_first ? at - 1 : max - at;
            snprintf(cur, sizeof cur, "%" PRId64, at);
            snprintf(note, sizeof note, "searching… %s events to go (%s read)",
                     tui_thousands(left, a, sizeof a), tui_thousands(read, b, sizeof b));
            tui_row_pending(tui_rows_push(out), q->kind, cur, note);
            return ALLOT_OK;
        }
    }
    return st;
}

/* One keyset page in display order.  `anchor` (a cursor) NULL = from the start
 * (forward) or the end (backward). */
static AllotStatus page(ViewsSource *s, const TuiQuery *q, const char *anchor, bool backward,
                        size_t limit, TuiRowVec *out, ErrBuf *err)
{
    if (limit == 0)
        return ALLOT_OK;
    ViewPage pg = {.limit = limit, .backward = backward, .today = q->today};
    ViewOrder order, korder;
    TuiFilter f;
    ViewQuery v, kq = key_query(q, &pg, &korder);
    AllotStatus st = list_query(s, q, &pg, &order, &f, &v, err);
    if (st != ALLOT_OK)
        return st;
    if (is_events(q) && !backward && tui_filter_active(&f))
        return scan_events(s, q, v, &kq, anchor ? num(anchor) : 0, limit, out, err);
    size_t size = v.spec->row_size, got = 0;
    char *a = NULL;
    if (anchor) {
        a = xcalloc(1, size);
        view_key_parse(&kq, anchor, a);
    }
    st = read_page(s, q, &v, &kq, a, out, &got, err);
    free(a);
    return st;
}

/* The query of the history of line q->arg ("ORDERID\x1fSKU"): the line's events in
 * the log's id order, the other way when q runs the other way (into *order, which
 * must outlive the query); `ids` receives the copy of q->arg the conditions point
 * into.  Errors: ALLOT_EINVALID (no line given). */
static AllotStatus history_query(const TuiQuery *q, const ViewPage *pg, ViewOrder *order,
                                 char ids[TUI_CURSOR_MAX], ViewQuery *out, ErrBuf *err)
{
    snprintf(ids, TUI_CURSOR_MAX, "%s", q->arg);
    char *sku = strchr(ids, '\x1f');
    if (!sku)
        return err_set(err, ALLOT_EINVALID, "no order line given for its history");
    *sku++ = 0;
    ViewQuery vq = view_query(VIEW_EVENTS, 0, pg);
    *order = tui_query_desc(q) ? view_order_reverse(vq.order) : *vq.order;
    vq.order = order;
    view_query_where(&vq, (ViewCond){.col = ECOL_ORDERID, .op = VIEW_EQ, .text = ids});
    view_query_where(&vq, (ViewCond){.col = ECOL_SKU, .op = VIEW_EQ, .text = sku});
    *out = vq;
    return ALLOT_OK;
}

/* The history of line q->arg in display order (oldest first, or newest first when
 * q runs the other way): the events after the event `anchor` (0 = from the first),
 * or before it when `backward` (0 = from the last). */
static AllotStatus history_page(ViewsSource *s, const TuiQuery *q, int64_t anchor, bool backward,
                                size_t limit, TuiRowVec *out, ErrBuf *err)
{
    if (limit == 0)
        return ALLOT_OK;
    ViewPage pg = {.limit = limit, .filter = q->filter, .backward = backward};
    ViewOrder order;
    ViewQuery vq;
    char ids[TUI_CURSOR_MAX];
    AllotStatus st = history_query(q, &pg, &order, ids, &vq, err);
    if (st != ALLOT_OK)
        return st;
    EventRow a;
    memset(&a, 0, sizeof a);
    a.id = anchor;
    EventRow *rows = xcalloc(limit, sizeof *rows);
    size_t n = 0;
    st = views_list(s->views, &vq, anchor ? &a : NULL, rows, &n, err);
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        TuiFeedItem it = {.id = rows[i].id, .at = rows[i].at, .ev = rows[i].ev};
        TuiRow *r = tui_rows_push(out);
        tui_row_history(r, &it, q->today);
        snprintf(r->cursor, sizeof r->cursor, "%" PRId64, rows[i].id);
    }
    free(rows);
    return st;
}

/* How many events of the history of line q->arg there are (before the event
 * `before` in display order when it is > 0). */
static AllotStatus history_count(ViewsSource *s, const TuiQuery *q, int64_t before, int64_t *n,
                                 ErrBuf *err)
{
    ViewPage pg = {.filter = q->filter, .backward = before > 0};
    ViewOrder order;
    ViewQuery vq;
    char ids[TUI_CURSOR_MAX];
    AllotStatus st = history_query(q, &pg, &order, ids, &vq, err);
    EventRow a;
    memset(&a, 0, sizeof a);
    a.id = before;
    if (st == ALLOT_OK)
        st = views_count(s->views, &vq, before > 0 ? &a : NULL, n, err);
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

/* How many dates of the timeline of SKU q->arg come before date `before`. */
static AllotStatus atp_count(ViewsSource *s, const TuiQuery *q, int32_t before, int64_t *n,
                             ErrBuf *err)
{
    AtpTimeline t;
    AllotStatus st = vs_timeline(&s->base, q->arg, q->today, &t, err);
    if (st != ALLOT_OK)
        return st;
    *n = 0;
    for (size_t i = 0; i < t.nrows; i++)
        *n += t.rows[i].date < before;
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
        int64_t at = num(cursor), step = tui_query_desc(q) ? 1 : -1;
        switch (how) {
        case TF_FIRST: return history_page(s, q, 0, false, limit, out, err);
        case TF_LAST: return history_page(s, q, 0, true, limit, out, err);
        case TF_AFTER: return history_page(s, q, at, false, limit, out, err);
        case TF_FROM: return history_page(s, q, at + step, false, limit, out, err);
        case TF_BEFORE: return history_page(s, q, at, true, limit, out, err);
        }
        return ALLOT_OK;
    }
    switch (how) {
    case TF_FIRST: return page(s, q, NULL, false, limit, out, err);
    case TF_LAST: return page(s, q, NULL, true, limit, out, err);
    case TF_AFTER: return page(s, q, cursor, false, limit, out, err);
    case TF_BEFORE: return page(s, q, cursor, true, limit, out, err);
    case TF_FROM: {
        if (is_events(q)) { /* at or after id N: after the id next to it */
            char c[32];
            snprintf(c, sizeof c, "%" PRId64, num(cursor) + (tui_query_desc(q) ? 1 : -1));
            return page(s, q, c, false, limit, out, err);
        }
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

static AllotStatus vs_count(TuiSource *src, const TuiQuery *q, const char *from, int64_t *n,
                            char *next, size_t nsize, ErrBuf *err)
{
    ViewsSource *s = (ViewsSource *)src;
    int64_t resume = from && from[0] ? num(from) : 0; /* read before next, which may be from */
    next[0] = 0;
    if (q->kind == TL_ATP || q->kind == TL_HISTORY) { /* bounded by one SKU / one line */
        int64_t c = 0;
        AllotStatus st = q->kind == TL_ATP ? atp_count(s, q, INT32_MAX, &c, err)
                                           : history_count(s, q, 0, &c, err);
        *n += c;
        return st;
    }
    ViewPage pg = {.today = q->today};
    ViewOrder order;
    TuiFilter f;
    ViewQuery v;
    AllotStatus st = list_query(s, q, &pg, &order, &f, &v, err);
    if (st != ALLOT_OK || !is_events(q)) {
        int64_t c = 0;
        if (st == ALLOT_OK)
            st = views_count(s->views, &v, NULL, &c, err);
        *n += c;
        return st;
    }
    /* the event log a slice of ids at a time, from the newest down */
    int64_t max = 0;
    st = views_latest_event_id(s->views, &max, err);
    int64_t slice = tui_filter_active(&f) ? s->count_slice : s->count_slice_all;
    int64_t hi = resume ? resume : max;
    int64_t lo = hi - slice + 1 < 1 ? 1 : hi - slice + 1;
    view_query_where(&v, (ViewCond){.col = ECOL_ID, .op = VIEW_GE, .num = lo});
    view_query_where(&v, (ViewCond){.col = ECOL_ID, .op = VIEW_LE, .num = hi});
    int64_t c = 0;
    if (st == ALLOT_OK && hi >= 1)
        st = views_count(s->views, &v, NULL, &c, err);
    *n += c;
    if (st == ALLOT_OK && lo > 1)
        snprintf(next, nsize, "%" PRId64, lo - 1);
    return st;
}

static AllotStatus vs_position(TuiSource *src, const TuiQuery *q, const char *cursor, int64_t *n,
                               ErrBuf *err)
{
    ViewsSource *s = (ViewsSource *)src;
    *n = 0;
    if (q->kind == TL_ATP)
        return atp_count(s, q, (int32_t)num(cursor), n, err);
    if (q->kind == TL_HISTORY)
        return history_count(s, q, num(cursor), n, err);
    ViewPage pg = {.backward = true, .today = q->today};
    ViewOrder order, korder;
    TuiFilter f;
    ViewQuery v, kq = key_query(q, &pg, &korder);
    AllotStatus st = list_query(s, q, &pg, &order, &f, &v, err);
    if (st != ALLOT_OK)
        return st;
    void *a = xcalloc(1, v.spec->row_size);
    view_key_parse(&kq, cursor, a);
    st = views_count(s->views, &v, a, n, err);
    free(a);
    return st;
}

static AllotStatus vs_counts(TuiSource *s, int32_t today, ReadCounts *out, ErrBuf *err)
{
    return views_counts(V(s), today, out, err);
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
    ViewPage pg = {.limit = 1, .today = q->today};
    ViewOrder korder;
    ViewQuery kq = key_query(q, &pg, &korder);
    switch (q->kind) {
    case TL_PRODUCTS:
    case TL_SHORT: { /* the identity (a SKU) and the product's row give the cursor */
        ProductRow p;
        memset(&p, 0, sizeof p);
        ProductRow a;
        memset(&a, 0, sizeof a);
        snprintf(a.sku, sizeof a.sku, "%s\x01", key);
        ViewPage one = {.limit = 1, .backward = true};
        size_t n = 0;
        st = views_products(V(src), false, &one, &a, &p, &n, err);
        have = st == ALLOT_OK && n == 1 && strcmp(p.sku, key) == 0;
        if (have)
            view_key_text(&kq, &p, cur, sizeof cur);
        break;
    }
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
    case TL_DUE:
    case TL_OVERDUE: {
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
        if (have) {
            view_key_text(&kq, &l, cur, sizeof cur);
        }
        break;
    }
    default:
        break;
    }
    if (st != ALLOT_OK || !have)
        return st;
    TuiRowVec v = {0};
    st = src->ops->fetch(src, q, TF_FROM, cur, 1, &v, err);
    if (st == ALLOT_OK && v.len >= 1 && strcmp(v.items[0].key, key) == 0) {
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
    .count = vs_count,
    .position = vs_position,
    .counts = vs_counts,
    .timeline = vs_timeline,
    .promise = vs_promise,
    .order_lateness = vs_order_lateness,
};

TuiSource *source_views_new(Views *views)
{
    ViewsSource *s = xcalloc(1, sizeof *s);
    s->base.ops = &vs_ops;
    s->views = views;
    source_views_set_scan(&s->base, SCAN_SLICE, SCAN_BUDGET, COUNT_SLICE);
    return &s->base;
}

void source_views_set_scan(TuiSource *src, int64_t slice, int64_t budget, int64_t count_slice)
{
    ViewsSource *s = (ViewsSource *)src;
    s->slice = slice > 0 ? slice : 1;
    s->budget = budget > s->slice ? budget : s->slice;
    s->count_slice = count_slice > 0 ? count_slice : 1;
    s->count_slice_all = s->count_slice * (COUNT_SLICE_ALL / COUNT_SLICE);
}

void source_views_set_uow(TuiSource *src, UnitOfWork *uow) { ((ViewsSource *)src)->uow = uow; }
