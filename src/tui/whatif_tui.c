/* The what-if session in the TUI (whatif_tui.h). */
#include "tui/whatif_tui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "tui/source_views.h"

typedef struct MarkSource {
    TuiSource base;
    TuiSource *inner; /* source_views over the sandbox views; owned */
    WhatIfSession *ws;
} MarkSource;

struct TuiWhatIf {
    WhatIfSession *ws;
    MarkSource src;
    TuiRunner runner;
    Clock *clock;
};

/* ---------- marks ---------- */

static void append_note(TuiRow *r, int col, const char *note)
{
    size_t n = strlen(r->cells[col]);
    snprintf(r->cells[col] + n, sizeof r->cells[col] - n, "%sΔ %s", n ? " " : "", note);
}

static int last_col(TuiListKind kind) { return (int)tui_kind_info(kind)->ncolumns - 1; }

static void days_text(int32_t d, char *buf, size_t size)
{
    snprintf(buf, size, "%+dd", (int)d);
}

static void mark_line(WhatIfSession *ws, TuiListKind kind, TuiRow *r)
{
    LineDiff d;
    if (!whatif_mark_line(ws, r->sku, r->orderid, &d))
        return;
    char note[160], slip[24];
    if (d.flags & LINE_NEW_BACKORDER)
        snprintf(note, sizeof note, "NEW BACKORDER%s%s", d.before_exists ? ", was " : "",
                 d.before_exists ? (d.before_batch[0] ? d.before_batch : "backorder") : "");
    else if (d.flags & LINE_FILLED_BACKORDER)
        snprintf(note, sizeof note, "filled, was a backorder");
    else if (d.flags & LINE_CREATED)
        snprintf(note, sizeof note, "new line");
    else if (d.flags & LINE_MOVED) {
        days_text(d.slip_days, slip, sizeof slip);
        snprintf(note, sizeof note, "moved from %s %s", d.before_batch, slip);
    } else if (d.flags & LINE_ETA_CHANGED) {
        days_text(d.slip_days, slip, sizeof slip);
        snprintf(note, sizeof note, "slips %s", slip);
    } else if (d.flags & LINE_QTY_CHANGED)
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

/* ---------- the marking source ---------- */

static MarkSource *M(TuiSource *s) { return (MarkSource *)s; }

static AllotStatus ms_fetch(TuiSource *s, const TuiQuery *q, TuiFetch how, const char *cursor,
                            size_t limit, TuiRowVec *out, ErrBuf *err)
{
    MarkSource *m = M(s);
    size_t first = out->len;
    AllotStatus st = m->inner->ops->fetch(m->inner, q, how, cursor, limit, out, err);
    for (size_t i = first; st == ALLOT_OK && i < out->len; i++) {
        TuiRow *r = &out->items[i];
        switch (q->kind) {
        case TL_BATCH_LINES:
        case TL_ORDER:
        case TL_BACKORDERS: mark_line(m->ws, q->kind, r); break;
        case TL_BATCHES:
        case TL_DUE: mark_batch(m->ws, q->kind, r); break;
        case TL_PRODUCTS:
        case TL_SHORT: mark_product(m->ws, q->kind, r); break;
        default: break;
        }
    }
    return st;
}

static AllotStatus ms_version(TuiSource *s, uint64_t *out, ErrBuf *err)
{
    return M(s)->inner->ops->version(M(s)->inner, out, err);
}

static AllotStatus ms_max_event_id(TuiSource *s, int64_t *out, ErrBuf *err)
{
    return M(s)->inner->ops->max_event_id(M(s)->inner, out, err);
}

static AllotStatus ms_events_since(TuiSource *s, int64_t after_id, size_t limit, TuiFeedVec *out,
                                   ErrBuf *err)
{
    return M(s)->inner->ops->events_since(M(s)->inner, after_id, limit, out, err);
}

static AllotStatus ms_complete(TuiSource *s, TuiCompleteKind kind, const char *prefix,
                               size_t limit, char ***out, size_t *nout, ErrBuf *err)
{
    return M(s)->inner->ops->complete(M(s)->inner, kind, prefix, limit, out, nout, err);
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
};

/* ---------- the runner ---------- */

static AllotStatus run_in_sandbox(void *ctx, const Command *cmd, CommandResult *res, ErrBuf *err)
{
    return whatif_run(((TuiWhatIf *)ctx)->ws, cmd, res, err);
}

static AllotStatus preview_in_sandbox(void *ctx, const Command *cmd, TuiPreview *out, ErrBuf *err)
{
    TuiWhatIf *w = ctx;
    return tui_preview_command(whatif_uow(w->ws), cmd, w->clock, out, err);
}

/* ---------- life ---------- */

static void quiet(Logger *l, const char *line) { (void)l, (void)line; }
static Logger quiet_logger = {quiet};

AllotStatus tui_whatif_start(UnitOfWork *live, Views *live_views, Clock *clock, TuiWhatIf **out,
                             ErrBuf *err)
{
    *out = NULL;
    WhatIfSession *ws;
    AllotStatus st = whatif_new(live, live_views, clock, &quiet_logger, &ws, err);
    if (st != ALLOT_OK)
        return st;
    TuiWhatIf *w = xcalloc(1, sizeof *w);
    w->ws = ws;
    w->clock = clock;
    w->src.base.ops = &mark_ops;
    w->src.inner = source_views_new(whatif_views(ws));
    w->src.ws = ws;
    w->runner = (TuiRunner){run_in_sandbox, preview_in_sandbox, w};
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
const TuiRunner *tui_whatif_runner(TuiWhatIf *w) { return &w->runner; }

void tui_whatif_banner(TuiWhatIf *w, char *buf, size_t size)
{
    size_t n = whatif_command_count(w->ws);
    snprintf(buf, size,
             " WHAT-IF SESSION — sandbox, live data untouched — %zu change%s — A apply  D discard ",
             n, n == 1 ? "" : "s");
}

void tui_preview_from_diff(const WhatIfDiff *d, TuiPreview *out)
{
    tui_preview_fini(out);
    tui_preview_init(out);
    for (size_t i = 0; i < d->nlines; i++) {
        const LineDiff *l = &d->lines[i];
        if (out->len == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 16;
            out->moves = xreallocarray(out->moves, out->cap, sizeof *out->moves);
        }
        TuiMove *m = &out->moves[out->len++];
        memset(m, 0, sizeof *m);
        snprintf(m->orderid, sizeof m->orderid, "%s", l->orderid);
        snprintf(m->sku, sizeof m->sku, "%s", l->sku);
        snprintf(m->from, sizeof m->from, "%s", l->before_exists ? l->before_batch : "(new)");
        snprintf(m->to, sizeof m->to, "%s", l->after_exists ? l->after_batch : "(cancelled)");
        m->qty = l->qty;
        m->has_slip = l->has_slip;
        m->slip_days = l->slip_days;
        if (l->after_exists && !l->after_batch[0])
            out->backordered++;
    }
    for (size_t i = 0; i < d->events.len; i++)
        event_vec_push(&out->events, &d->events.items[i]);
}

void tui_whatif_changes(TuiWhatIf *w, TuiPreview *out)
{
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff(w->ws, &d);
    tui_preview_from_diff(&d, out);
    whatif_diff_fini(&d);
}

AllotStatus tui_whatif_apply(TuiWhatIf *w, MessageBus *live_bus, bool *as_predicted, char *msg,
                             size_t size, TuiPreview *mismatch)
{
    WhatIfApplyReport r;
    whatif_apply_report_init(&r);
    ErrBuf err = {{0}};
    AllotStatus st = whatif_apply(w->ws, live_bus, &r, &err);
    if (st != ALLOT_OK) {
        snprintf(msg, size, "NOT applied: %s", err_text(&err, st));
    } else {
        whatif_apply_summary(&r, msg, size);
    }
    *as_predicted = st == ALLOT_OK && r.as_predicted;
    tui_preview_from_diff(&r.mismatch, mismatch);
    whatif_apply_report_fini(&r);
    return st;
}
