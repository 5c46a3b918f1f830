/* whatif_tui.c — the what-if session in the TUI (whatif_tui.h). */
#include "tui/whatif_tui.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_parse.h"
#include "whatif/sandbox_uow.h"
#include "domain/xalloc.h"
#include "tui/change.h"
#include "tui/filter.h"
#include "tui/source_views.h"

typedef struct MarkSource {
    TuiSource base;
    TuiSource *inner; /* source_views over the sandbox views; owned */
    TuiSource *live;  /* the live source, for the live events; not owned */
    WhatIfSession *ws;
} MarkSource;

struct TuiWhatIf {
    WhatIfSession *ws;
    MarkSource src;
};

static void quiet(Logger *l, const char *line) { (void)l, (void)line; }
static Logger quiet_logger = {quiet};

/* ---------- marks ---------- */

static void append_note(TuiRow *r, int col, const char *note)
{
    size_t n = strlen(r->cells[col]);
    snprintf(r->cells[col] + n, sizeof r->cells[col] - n, "%sΔ %s", n ? " " : "", note);
}

static int last_col(TuiListKind kind) { return (int)tui_kind_info(kind)->ncolumns - 1; }

static void mark_line(WhatIfSession *ws, TuiListKind kind, TuiRow *r)
{
    LineDiff d;
    if (!whatif_mark_line(ws, r->sku, r->orderid, &d))
        return;
    char note[160];
    if (d.flags & LINE_NEW_BACKORDER)
        snprintf(note, sizeof note, "NEW BACKORDER%s%s", d.before_exists ? ", was " : "",
                 d.before_exists ? (d.before_batch[0] ? d.before_batch : "backorder") : "");
    else if (d.flags & LINE_FILLED_BACKORDER)
        snprintf(note, sizeof note, "filled, was a backorder");
    else if (d.flags & LINE_CREATED)
        snprintf(note, sizeof note, "new line");
    else if (d.flags & LINE_MOVED)
        snprintf(note, sizeof note, "moved from %s %+dd", d.before_batch, (int)d.slip_days);
    else if (d.flags & LINE_ETA_CHANGED)
        snprintf(note, sizeof note, "slips %+dd", (int)d.slip_days);
    else if (d.flags & LINE_QTY_CHANGED)
        snprintf(note, sizeof note, "qty changed");
    else
        return;
    r->flags |= TUI_ROW_WHATIF;
    append_note(r, last_col(kind), note);
}

/* Compact, for the narrow last column at 80 columns: "Δ ETA+14d qty10→5 -2/+0". */
static void mark_batch(WhatIfSession *ws, TuiListKind kind, TuiRow *r)
{
    BatchDiff d;
    if (!whatif_mark_batch(ws, r->ref, &d))
        return;
    char note[120] = "";
    size_t o = 0;
    if (d.created)
        o += (size_t)snprintf(note + o, sizeof note - o, "new");
    if (!d.created && d.before_eta != d.after_eta)
        o += (size_t)snprintf(note + o, sizeof note - o, "%sETA%+dd", o ? " " : "",
                              (int)d.slip_days);
    if (!d.created && d.before_qty != d.after_qty && o < sizeof note)
        o += (size_t)snprintf(note + o, sizeof note - o, "%sqty%lld→%lld", o ? " " : "",
                              (long long)d.before_qty, (long long)d.after_qty);
    if ((d.lines_moved_out || d.lines_moved_in) && o < sizeof note)
        snprintf(note + o, sizeof note - o, "%s-%lld/+%lld", o ? " " : "",
                 (long long)d.lines_moved_out, (long long)d.lines_moved_in);
    r->flags |= TUI_ROW_WHATIF;
    append_note(r, last_col(kind), note);
}

static void mark_product(WhatIfSession *ws, TuiListKind kind, TuiRow *r)
{
    ProductMark m;
    if (!whatif_mark_product(ws, r->sku, &m))
        return;
    char note[120];
    snprintf(note, sizeof note, "%zu moved, %zu slip, %zu new backorders", m.moved, m.slipped,
             m.new_backorders);
    r->flags |= TUI_ROW_WHATIF;
    append_note(r, last_col(kind), note);
}

/* ---------- the sandbox's events and the live log ---------- */

static MarkSource *M(TuiSource *s) { return (MarkSource *)s; }

/* The display order of an event list in a session is two segments: newest first,
 * the sandbox's events (wN … w1) then the live log; oldest first, the live log then
 * the sandbox's (w1 … wN).  A cursor is "wK" for sandbox event K, or a live id. */
typedef struct EventSeq {
    MarkSource *m;
    const TuiQuery *q;
    ViewQuery vq;   /* the filter, as conditions on an event row */
    TuiFilter f;
    bool sandbox_first; /* newest first */
    int64_t count;      /* sandbox events */
    int step;           /* display step through the sandbox's events: -1 or +1 */
} EventSeq;

static bool seq_init(EventSeq *e, MarkSource *m, const TuiQuery *q, ErrBuf *err)
{
    memset(e, 0, sizeof *e);
    e->m = m;
    e->q = q;
    char why[ALLOT_ERR_MAX];
    if (!tui_filter_parse(q->kind, q->filter, q->today, &e->f, why, sizeof why)) {
        err_set(err, ALLOT_EINVALID, "filter: %s", why);
        return false;
    }
    e->vq = view_query(VIEW_EVENTS, 0, NULL);
    tui_filter_apply(&e->f, &e->vq);
    e->sandbox_first = tui_query_desc(q);
    e->count = (int64_t)sandbox_uow_event_log(whatif_uow(m->ws))->len;
    e->step = e->sandbox_first ? -1 : 1;
    return true;
}

/* Sandbox event k (1-based) as a row, if it is in the list. */
static bool sandbox_row(const EventSeq *e, int64_t k, TuiRowVec *out)
{
    UnitOfWork *sb = whatif_uow(e->m->ws);
    const Event *ev = &sandbox_uow_event_log(sb)->items[k - 1];
    int64_t at = sandbox_uow_event_at(sb, (size_t)(k - 1));
    EventRow row = {.id = k, .at = at, .ev = *ev};
    ViewQuery vq = e->vq; /* the planner's terms and words; an id names a live event */
    size_t kept = 0;
    for (size_t i = 0; i < vq.nconds; i++)
        if (vq.conds[i].col != ECOL_ID)
            vq.conds[kept++] = vq.conds[i];
    vq.nconds = kept;
    if (!view_row_matches(&vq, &row) ||
        (e->q->kind == TL_TODAY && at < (int64_t)e->q->today * 86400))
        return false;
    if (out) {
        TuiFeedItem it = {.id = k, .at = at, .ev = *ev, .whatif = true};
        TuiRow *r = tui_rows_push(out);
        tui_row_event(r, &it, e->q->today);
        snprintf(r->cursor, sizeof r->cursor, "w%" PRId64, k);
    }
    return true;
}

static bool in_range(const EventSeq *e, int64_t k) { return k >= 1 && k <= e->count; }

/* Sandbox rows in display order from k on, until `limit` rows in all are in `out`
 * (counted from `first`).  True if the sandbox's segment was read to its end. */
static bool sb_forward(const EventSeq *e, int64_t k, size_t first, size_t limit, TuiRowVec *out)
{
    for (; in_range(e, k); k += e->step) {
        if (out->len - first >= limit)
            return false;
        sandbox_row(e, k, out);
    }
    return true;
}

/* The sandbox rows displayed before k (k past the segment's end: all of them), at
 * most `limit`, appended in display order. */
static void sb_backward(const EventSeq *e, int64_t k, size_t limit, TuiRowVec *out)
{
    TuiRowVec rev = {0};
    for (int64_t i = k - e->step; in_range(e, i) && rev.len < limit; i -= e->step)
        sandbox_row(e, i, &rev);
    for (size_t i = rev.len; i > 0; i--)
        *tui_rows_push(out) = rev.items[i - 1];
    tui_rows_fini(&rev);
}

static int64_t sb_first(const EventSeq *e) { return e->sandbox_first ? e->count : 1; }
static int64_t sb_past_end(const EventSeq *e) { return e->sandbox_first ? 0 : e->count + 1; }

/* True if a live fetch that gave `got` rows of `asked` read the live log to its end
 * in that direction (not stopped by a pending row). */
static bool live_ended(const TuiRowVec *out, size_t first, size_t asked)
{
    size_t got = out->len - first;
    return got < asked && !(got && (out->items[out->len - 1].flags & TUI_ROW_PENDING));
}

static AllotStatus event_fetch(MarkSource *m, const TuiQuery *q, TuiFetch how, const char *cursor,
                               size_t limit, TuiRowVec *out, ErrBuf *err)
{
    EventSeq e;
    if (!seq_init(&e, m, q, err))
        return ALLOT_EINVALID;
    TuiSource *live = m->live;
    bool sb_cur = cursor && cursor[0] == 'w';
    int64_t k = sb_cur ? strtoll(cursor + 1, NULL, 10) : 0;
    size_t first = out->len;
    AllotStatus st = ALLOT_OK;
    if (how == TF_FIRST || how == TF_AFTER || how == TF_FROM) {
        /* forward: the first segment, then the second */
        bool in_first = how == TF_FIRST || (sb_cur == e.sandbox_first);
        if (e.sandbox_first) {
            if (in_first) {
                int64_t from = how == TF_FIRST ? sb_first(&e) : how == TF_FROM ? k : k + e.step;
                if (!sb_forward(&e, from, first, limit, out))
                    return ALLOT_OK;
                size_t left = limit - (out->len - first);
                return left ? live->ops->fetch(live, q, TF_FIRST, NULL, left, out, err) : st;
            }
            return live->ops->fetch(live, q, how, cursor, limit, out, err);
        }
        if (in_first) { /* live first */
            st = live->ops->fetch(live, q, how, how == TF_FIRST ? NULL : cursor, limit, out, err);
            if (st != ALLOT_OK || !live_ended(out, first, limit))
                return st;
            sb_forward(&e, sb_first(&e), first, limit, out);
            return ALLOT_OK;
        }
        sb_forward(&e, how == TF_FROM ? k : k + e.step, first, limit, out);
        return ALLOT_OK;
    }
    /* backward: the `limit` rows just before the cursor (TF_LAST: before the end) */
    bool in_second = how == TF_LAST || (sb_cur != e.sandbox_first);
    TuiRowVec tail = {0};
    if (in_second) {
        if (e.sandbox_first) /* the live log is second */
            st = how == TF_LAST ? live->ops->fetch(live, q, TF_LAST, NULL, limit, &tail, err)
                                : live->ops->fetch(live, q, TF_BEFORE, cursor, limit, &tail, err);
        else
            sb_backward(&e, how == TF_LAST ? sb_past_end(&e) : k, limit, &tail);
        bool second_whole = e.sandbox_first ? st == ALLOT_OK && tail.len < limit
                                            : tail.len < limit;
        if (st == ALLOT_OK && second_whole) { /* the first segment's end comes before */
            size_t left = limit - tail.len;
            if (e.sandbox_first)
                sb_backward(&e, sb_past_end(&e), left, out);
            else
                st = live->ops->fetch(live, q, TF_LAST, NULL, left, out, err);
        }
    } else if (e.sandbox_first) {
        sb_backward(&e, k, limit, &tail);
    } else {
        st = live->ops->fetch(live, q, TF_BEFORE, cursor, limit, &tail, err);
    }
    for (size_t i = 0; i < tail.len; i++)
        *tui_rows_push(out) = tail.items[i];
    tui_rows_fini(&tail);
    return st;
}

/* ---------- the marking source ---------- */

static AllotStatus ms_fetch(TuiSource *s, const TuiQuery *q, TuiFetch how, const char *cursor,
                            size_t limit, TuiRowVec *out, ErrBuf *err)
{
    MarkSource *m = M(s);
    if (q->kind == TL_EVENTS || q->kind == TL_TODAY)
        return event_fetch(m, q, how, cursor, limit, out, err);
    size_t first = out->len;
    AllotStatus st = m->inner->ops->fetch(m->inner, q, how, cursor, limit, out, err);
    for (size_t i = first; st == ALLOT_OK && i < out->len; i++) {
        TuiRow *r = &out->items[i];
        switch (q->kind) {
        case TL_BATCH_LINES:
        case TL_ORDER:
        case TL_BACKORDERS:
        case TL_LATE: mark_line(m->ws, q->kind, r); break;
        case TL_BATCHES:
        case TL_DUE:
        case TL_OVERDUE: mark_batch(m->ws, q->kind, r); break;
        case TL_PRODUCTS:
        case TL_SHORT: mark_product(m->ws, q->kind, r); break;
        default: break;
        }
    }
    return st;
}

/* The data version and the newest event id are the live log's (the feed and the
 * Events screen follow it); sandbox changes are seen at once by whoever made them. */
static AllotStatus ms_version(TuiSource *s, uint64_t *out, ErrBuf *err)
{
    return M(s)->live->ops->version(M(s)->live, out, err);
}

static AllotStatus ms_max_event_id(TuiSource *s, int64_t *out, ErrBuf *err)
{
    return M(s)->live->ops->max_event_id(M(s)->live, out, err);
}

static AllotStatus ms_events_since(TuiSource *s, int64_t after_id, size_t limit, TuiFeedVec *out,
                                   ErrBuf *err)
{
    return M(s)->live->ops->events_since(M(s)->live, after_id, limit, out, err);
}

static AllotStatus ms_complete(TuiSource *s, CompleteKind kind, const char *prefix, size_t limit,
                               char ***out, size_t *nout, ErrBuf *err)
{
    return M(s)->inner->ops->complete(M(s)->inner, kind, prefix, limit, out, nout, err);
}

static AllotStatus ms_complete_span(TuiSource *s, CompleteKind kind, const char *prefix,
                                    int64_t cap, CompleteSpan *out, ErrBuf *err)
{
    return M(s)->inner->ops->complete_span(M(s)->inner, kind, prefix, cap, out, err);
}

static AllotStatus ms_locate(TuiSource *s, const TuiQuery *q, const char *key, char *cursor,
                             size_t size, bool *found, ErrBuf *err)
{
    MarkSource *m = M(s);
    if (q->kind != TL_EVENTS && q->kind != TL_TODAY)
        return m->inner->ops->locate(m->inner, q, key, cursor, size, found, err);
    if (key[0] != 'w')
        return m->live->ops->locate(m->live, q, key, cursor, size, found, err);
    EventSeq e;
    if (!seq_init(&e, m, q, err))
        return ALLOT_EINVALID;
    int64_t k = strtoll(key + 1, NULL, 10);
    *found = in_range(&e, k) && sandbox_row(&e, k, NULL);
    if (*found)
        snprintf(cursor, size, "%s", key);
    return ALLOT_OK;
}

/* Counts: the inner source's for the marked lists; for the event lists the live
 * log's (a slice at a time) and, in the first slice, the sandbox's own. */
static AllotStatus ms_count(TuiSource *s, const TuiQuery *q, const char *from, int64_t *n,
                            char *next, size_t nsize, ErrBuf *err)
{
    MarkSource *m = M(s);
    if (q->kind != TL_EVENTS && q->kind != TL_TODAY)
        return m->inner->ops->count(m->inner, q, from, n, next, nsize, err);
    if (!from || !from[0]) {
        EventSeq e;
        if (!seq_init(&e, m, q, err))
            return ALLOT_EINVALID;
        for (int64_t k = 1; k <= e.count; k++)
            *n += sandbox_row(&e, k, NULL);
    }
    return m->live->ops->count(m->live, q, from, n, next, nsize, err);
}

/* The rows before a cursor: of the segments before its own, and of its own. */
static AllotStatus ms_position(TuiSource *s, const TuiQuery *q, const char *cursor, int64_t *n,
                               ErrBuf *err)
{
    MarkSource *m = M(s);
    if (q->kind != TL_EVENTS && q->kind != TL_TODAY)
        return m->inner->ops->position(m->inner, q, cursor, n, err);
    EventSeq e;
    if (!seq_init(&e, m, q, err))
        return ALLOT_EINVALID;
    *n = 0;
    bool sb_cur = cursor[0] == 'w';
    int64_t k = sb_cur ? strtoll(cursor + 1, NULL, 10) : sb_past_end(&e);
    int64_t sb_before = 0;
    for (int64_t i = k - e.step; in_range(&e, i); i -= e.step)
        sb_before += sandbox_row(&e, i, NULL);
    if (sb_cur && e.sandbox_first) {
        *n = sb_before;
        return ALLOT_OK;
    }
    AllotStatus st = ALLOT_OK;
    if (sb_cur) { /* oldest first: every live row comes before */
        char next[32] = "";
        do {
            st = m->live->ops->count(m->live, q, next, n, next, sizeof next, err);
        } while (st == ALLOT_OK && next[0]);
    } else {
        st = m->live->ops->position(m->live, q, cursor, n, err);
    }
    *n += e.sandbox_first ? sb_before : 0;
    return st;
}

static AllotStatus ms_counts(TuiSource *s, int32_t today, ReadCounts *out, ErrBuf *err)
{
    return M(s)->inner->ops->counts(M(s)->inner, today, out, err);
}

static AllotStatus ms_batch_info(TuiSource *s, const char *ref, TuiBatchInfo *out, bool *found,
                                 ErrBuf *err)
{
    return M(s)->inner->ops->batch_info(M(s)->inner, ref, out, found, err);
}

static AllotStatus ms_is_empty(TuiSource *s, bool *empty, ErrBuf *err)
{
    return M(s)->inner->ops->is_empty(M(s)->inner, empty, err);
}

static AllotStatus ms_timeline(TuiSource *s, const char *sku, int32_t today, AtpTimeline *out,
                               ErrBuf *err)
{
    return M(s)->inner->ops->timeline(M(s)->inner, sku, today, out, err);
}

static AllotStatus ms_promise(TuiSource *s, const char *sku, int64_t qty, int32_t today,
                              Promise *out, ErrBuf *err)
{
    return M(s)->inner->ops->promise(M(s)->inner, sku, qty, today, out, err);
}

static AllotStatus ms_order_lateness(TuiSource *s, const char *orderid, int32_t today,
                                     OrderLateness *out, ErrBuf *err)
{
    return M(s)->inner->ops->order_lateness(M(s)->inner, orderid, today, out, err);
}

static void ms_destroy(TuiSource *s) { tui_source_free(M(s)->inner); }

static const TuiSourceOps mark_ops = {
    .fetch = ms_fetch,
    .version = ms_version,
    .max_event_id = ms_max_event_id,
    .events_since = ms_events_since,
    .complete = ms_complete,
    .batch_info = ms_batch_info,
    .is_empty = ms_is_empty,
    .destroy = ms_destroy,
    .complete_span = ms_complete_span,
    .locate = ms_locate,
    .count = ms_count,
    .position = ms_position,
    .counts = ms_counts,
    .timeline = ms_timeline,
    .promise = ms_promise,
    .order_lateness = ms_order_lateness,
};

/* ---------- life ---------- */

AllotStatus tui_whatif_start(UnitOfWork *live, Views *live_views, TuiSource *live_src,
                             Clock *clock, TuiWhatIf **out, ErrBuf *err)
{
    *out = NULL;
    WhatIfSession *ws;
    AllotStatus st = whatif_new(live, live_views, clock, &quiet_logger, &ws, err);
    if (st != ALLOT_OK)
        return st;
    TuiWhatIf *w = xcalloc(1, sizeof *w);
    w->ws = ws;
    w->src.base.ops = &mark_ops;
    w->src.inner = source_views_new(whatif_views(ws));
    source_views_set_uow(w->src.inner, whatif_uow(ws)); /* the timeline of the sandbox */
    w->src.live = live_src;
    w->src.ws = ws;
    *out = w;
    return ALLOT_OK;
}

void tui_whatif_free(TuiWhatIf *w)
{
    if (!w)
        return;
    tui_source_free(w->src.inner);
    whatif_discard(w->ws);
    free(w);
}

WhatIfSession *tui_whatif_session(TuiWhatIf *w) { return w->ws; }
TuiSource *tui_whatif_source(TuiWhatIf *w) { return &w->src.base; }
size_t tui_whatif_count(TuiWhatIf *w) { return whatif_command_count(w->ws); }

void tui_whatif_banner(TuiWhatIf *w, char *buf, size_t size)
{
    size_t n = whatif_command_count(w->ws);
    snprintf(buf, size, "WHAT-IF SESSION · %zu change%s", n, n == 1 ? "" : "s");
}

void tui_whatif_ran(TuiWhatIf *w, const CommandResult *res, TuiFeed *feed, int64_t at)
{
    size_t total = sandbox_uow_event_log(whatif_uow(w->ws))->len, n = res->events.len;
    if (n && n <= total)
        tui_feed_add_whatif(feed, res->events.items, n, (int64_t)(total - n + 1), at);
}

bool tui_whatif_prepare_apply(TuiWhatIf *w, TuiQuestion *q, ErrBuf *err)
{
    long refused;
    if (whatif_rework(w->ws, &q->diff, &refused, err) != ALLOT_OK)
        return false;
    size_t n = whatif_command_count(w->ws);
    q->ask = ASK_APPLY;
    q->has_diff = true;
    snprintf(q->title, sizeof q->title,
             "Apply the what-if session's %zu change%s to the LIVE data (one transaction)?", n,
             n == 1 ? "" : "s");
    return true;
}

/* Works q out again: ALLOT_OK and *differs (q then holds the new outcome). */
static AllotStatus rework(TuiWhatIf *w, TuiQuestion *q, bool *differs, ErrBuf *err)
{
    WhatIfDiff now;
    whatif_diff_init(&now);
    long refused;
    AllotStatus st = whatif_rework(w->ws, &now, &refused, err);
    *differs = st == ALLOT_OK && !whatif_diff_same(&now, &q->diff);
    if (*differs) {
        WhatIfDiff old = q->diff;
        q->diff = now;
        now = old;
    }
    whatif_diff_fini(&now);
    return st;
}

bool tui_whatif_recheck(TuiWhatIf *w, TuiQuestion *q, ErrBuf *err)
{
    bool differs = false;
    rework(w, q, &differs, err);
    return differs;
}

TuiWhatIfApply tui_whatif_apply(TuiWhatIf *w, MessageBus *live_bus, TuiQuestion *q, char *msg,
                                size_t size, TuiQuestion *notice, bool *has_notice)
{
    *has_notice = false;
    ErrBuf err = {{0}};
    bool differs = false;
    AllotStatus st = rework(w, q, &differs, &err); /* right before: what applying does now */
    if (st != ALLOT_OK) {
        snprintf(msg, size, "NOT applied: %s", err_text(&err, st));
        return WHATIF_FAILED;
    }
    if (differs) {
        snprintf(msg, size, "the live data changed: this is what applying does now; answer again");
        return WHATIF_ASK_AGAIN;
    }
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    st = whatif_apply(w->ws, live_bus, &r, &err);
    TuiWhatIfApply out = WHATIF_APPLIED;
    if (st != ALLOT_OK) {
        snprintf(msg, size, "NOT applied: %s", err_text(&err, st));
        out = WHATIF_FAILED;
    } else {
        /* The prediction the planner answered is the outcome shown (worked out on
           live just now), not the session's older sandbox: as predicted when the real
           outcome is that one. */
        if (r.compared && !r.as_predicted && whatif_diff_same(&q->diff, &r.real)) {
            r.as_predicted = true;
            whatif_diff_fini(&r.mismatch);
            whatif_diff_init(&r.mismatch);
        }
        whatif_apply_summary(&r, msg, size);
        if (!r.as_predicted && r.mismatch.nlines) {
            notice->ask = ASK_NOTICE;
            notice->has_diff = true;
            snprintf(notice->title, sizeof notice->title,
                     "APPLIED, but another writer changed the live data meanwhile: the outcome "
                     "differs from the prediction (predicted → real)");
            WhatIfDiff tmp = notice->diff;
            notice->diff = r.mismatch;
            r.mismatch = tmp;
            *has_notice = true;
        }
    }
    whatif_apply_report_fini(&r);
    return out;
}

/* ---------- the summary, and dropping a step ---------- */

void tui_whatif_summary_fini(TuiWhatIfSummary *s)
{
    free(s->orders);
    free(s->steps);
    memset(s, 0, sizeof *s);
}

AllotStatus tui_whatif_summary(TuiWhatIf *w, TuiWhatIfSummary *out, ErrBuf *err)
{
    tui_whatif_summary_fini(out);
    size_t n = whatif_command_count(w->ws);
    out->steps = xcalloc(n ? n : 1, sizeof *out->steps);
    out->nsteps = n;
    const EventVec *log = sandbox_uow_event_log(whatif_uow(w->ws));
    for (size_t i = 0; i < n; i++) {
        TuiWhatIfStep *st = &out->steps[i];
        command_format(whatif_command(w->ws, i), st->text, sizeof st->text);
        int64_t id = whatif_command_id(w->ws, i);
        for (size_t k = 0; id && k < log->len; k++)
            st->events += log->items[k].command_id == id;
    }
    return whatif_order_slips(w->ws, &out->orders, &out->norders, err);
}

typedef char StepText[200];

/* "step 3 (allocate o9 LAMP 5): unknown batch reference B9", then `sep` and the
 * next; the steps named by `texts`, their text before the drop. */
static void refusals_text(const StepText *texts, const WhatIfDrop *d, const char *sep, char *buf,
                          size_t size)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < d->nrefused && o < size; i++) {
        const WhatIfRefusal *f = &d->refused[i];
        o += (size_t)snprintf(buf + o, size - o, "%sstep %zu (%s): %s", i ? sep : "",
                              f->step + 1, texts[f->step], f->msg);
    }
}

TuiWhatIfDrop tui_whatif_drop(TuiWhatIf *w, size_t step, bool with_refused, TuiFeed *feed,
                              int64_t at, TuiQuestion *q, char *msg, size_t size)
{
    size_t before = whatif_command_count(w->ws);
    StepText *texts = xcalloc(before ? before : 1, sizeof *texts);
    for (size_t i = 0; i < before; i++)
        command_format(whatif_command(w->ws, i), texts[i], sizeof texts[i]);
    char why[ALLOT_ERR_MAX * 2];
    WhatIfDrop d;
    whatif_drop_init(&d);
    ErrBuf err = {{0}};
    AllotStatus st = whatif_drop_step(w->ws, step, with_refused, &d, &err);
    TuiWhatIfDrop out = WHATIF_DROPPED;
    refusals_text(texts, &d, "; ", why, sizeof why);
    if (st != ALLOT_OK) {
        snprintf(msg, size, "step %zu NOT dropped: %s", step + 1, err_text(&err, st));
        out = WHATIF_DROP_FAILED;
    } else if (!d.done) {
        q->ask = ASK_DROP;
        q->step = step;
        snprintf(q->title, sizeof q->title,
                 "Drop step %zu (%s) and %zu later step%s refused without it?", step + 1,
                 texts[step], d.nrefused, d.nrefused == 1 ? "" : "s");
        refusals_text(texts, &d, "\n", q->note, sizeof q->note); /* a line each */
        snprintf(msg, size, "step %zu not dropped yet: %zu later step%s depend%s on it", step + 1,
                 d.nrefused, d.nrefused == 1 ? "" : "s", d.nrefused == 1 ? "s" : "");
        out = WHATIF_DROP_ASK;
    } else {
        /* the sandbox and its read model are new objects: read those */
        tui_source_free(w->src.inner);
        w->src.inner = source_views_new(whatif_views(w->ws));
        source_views_set_uow(w->src.inner, whatif_uow(w->ws));
        tui_feed_drop_whatif(feed);
        const EventVec *log = sandbox_uow_event_log(whatif_uow(w->ws));
        tui_feed_add_whatif(feed, log->items, log->len, 1, at);
        size_t left = whatif_command_count(w->ws);
        snprintf(msg, size, "dropped step %zu of %zu (%s)%s%s; the session is worked out "
                 "again: %zu step%s", step + 1, before, texts[step],
                 d.nrefused ? ", and, refused without it, " : "", why, left,
                 left == 1 ? "" : "s");
    }
    whatif_drop_fini(&d);
    free(texts);
    return out;
}
