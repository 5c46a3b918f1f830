/* whatif_tui.c — the what-if session in the TUI (whatif_tui.h). */
#include "tui/whatif_tui.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "whatif/sandbox_uow.h"
#include "domain/xalloc.h"
#include "tui/change.h"
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

/* ---------- the sandbox's events, then the live log ---------- */

static MarkSource *M(TuiSource *s) { return (MarkSource *)s; }

static bool icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; n && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return n == 0;
}

/* The same fields as views_events' filter. */
static bool event_matches(const Event *e, const char *f)
{
    return !f[0] || icontains(event_type_name(e->type), f) || icontains(e->sku, f) ||
           icontains(e->orderid, f) || icontains(e->batchref, f) || icontains(e->to, f);
}

/* Sandbox event k (1-based) as a row, if it is in the list. */
static bool sandbox_row(MarkSource *m, const TuiQuery *q, int64_t k, TuiRowVec *out)
{
    UnitOfWork *sb = whatif_uow(m->ws);
    const Event *e = &sandbox_uow_event_log(sb)->items[k - 1];
    int64_t at = sandbox_uow_event_at(sb, (size_t)(k - 1));
    if (!event_matches(e, q->filter) || (q->kind == TL_TODAY && at < (int64_t)q->today * 86400))
        return false;
    TuiFeedItem it = {.id = k, .at = at, .ev = *e, .whatif = true};
    TuiRow *r = tui_rows_push(out);
    tui_row_event(r, &it, q->today);
    snprintf(r->cursor, sizeof r->cursor, "w%" PRId64, k);
    return true;
}

/* Display order: sandbox events newest first (wN … w1), then live ones, newest
 * first.  A cursor is "wK" for sandbox event K, or a live id. */
static AllotStatus event_fetch(MarkSource *m, const TuiQuery *q, TuiFetch how, const char *cursor,
                               size_t limit, TuiRowVec *out, ErrBuf *err)
{
    TuiSource *live = m->live;
    int64_t count = (int64_t)sandbox_uow_event_log(whatif_uow(m->ws))->len;
    bool sb_cur = cursor && cursor[0] == 'w';
    int64_t k = sb_cur ? strtoll(cursor + 1, NULL, 10) : 0;
    size_t first = out->len;
    switch (how) {
    case TF_FIRST:
        k = count + 1;
        /* fall through */
    case TF_AFTER:
    case TF_FROM:
        if (how != TF_FIRST && !sb_cur)
            return live->ops->fetch(live, q, how, cursor, limit, out, err);
        for (int64_t i = how == TF_FROM ? k : k - 1; i >= 1 && out->len - first < limit; i--)
            sandbox_row(m, q, i, out);
        return out->len - first < limit
                   ? live->ops->fetch(live, q, TF_FIRST, NULL, limit - (out->len - first), out, err)
                   : ALLOT_OK;
    case TF_BEFORE:
    case TF_LAST: {
        /* the `limit` rows just before the cursor (TF_LAST: before the end) */
        TuiRowVec tmp = {0};
        AllotStatus st = ALLOT_OK;
        int64_t from = count; /* sandbox events after the cursor's place: K+1 .. count */
        if (!sb_cur) {
            st = how == TF_LAST ? live->ops->fetch(live, q, TF_LAST, NULL, limit, &tmp, err)
                                : live->ops->fetch(live, q, TF_BEFORE, cursor, limit, &tmp, err);
            k = 0;
        }
        /* tmp holds live rows; before them come sandbox rows k+1 .. count */
        TuiRowVec sb = {0};
        for (int64_t i = k + 1; st == ALLOT_OK && i <= from && sb.len + tmp.len < limit; i++)
            sandbox_row(m, q, i, &sb); /* oldest first here */
        for (size_t i = sb.len; i > 0; i--) /* newest first in display order */
            *tui_rows_push(out) = sb.items[i - 1];
        for (size_t i = 0; i < tmp.len; i++)
            *tui_rows_push(out) = tmp.items[i];
        tui_rows_fini(&sb);
        tui_rows_fini(&tmp);
        return st;
    }
    }
    return ALLOT_OK;
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
        case TL_DUE: mark_batch(m->ws, q->kind, r); break;
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
    int64_t k = strtoll(key + 1, NULL, 10);
    TuiRowVec v = {0};
    *found = k >= 1 && k <= (int64_t)sandbox_uow_event_log(whatif_uow(m->ws))->len &&
             sandbox_row(m, q, k, &v);
    if (*found)
        snprintf(cursor, size, "%s", key);
    tui_rows_fini(&v);
    return ALLOT_OK;
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
