/* summary.c — the what-if summary (`W` in a session; SPEC.md §5 "a summary screen
 * lists the orders that change, by slip, with their complete dates, and the
 * session's steps (drop one, and the rest are worked out again)"; issue 13 point 8).
 *
 * Two panels, h/l (Left/Right) between them: the orders whose complete date (the
 * Order screen's: the latest promised date of its lines, none while one waits)
 * differs between live and the session, worst first (whatif_order_slips: newly
 * waiting, then the largest slip in days down to the largest gain, then filled,
 * new and cancelled orders), with the date before and after and the slip; then
 * the session's steps, numbered.  Enter on an order opens its Order screen; `d` or
 * Delete on a step asks the app to drop it (REQ_DROP_STEP).  The summary is worked
 * out again whenever the data or the session changes.  Key table "summary". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "tui/screens/actions.h"
#include "tui/screens/screens.h"
#include "tui/whatif_tui.h"

enum { ORDERS, STEPS };

typedef struct SummaryScreen {
    TuiView base;
    const TuiEnv *env;
    TuiWhatIf *w;
    TuiWhatIfSummary sum;
    AllotStatus st;
    ErrBuf err;
    int focus;
    size_t sel[2], top[2];
    int h, wd;
} SummaryScreen;

static SummaryScreen *ss(TuiView *v) { return (SummaryScreen *)v; }
static size_t count(const SummaryScreen *s, int p) { return p == ORDERS ? s->sum.norders : s->sum.nsteps; }

static void load(SummaryScreen *s)
{
    s->err.msg[0] = 0;
    s->st = tui_whatif_summary(s->w, &s->sum, &s->err);
    for (int p = 0; p < 2; p++)
        if (s->sel[p] >= count(s, p))
            s->sel[p] = count(s, p) ? count(s, p) - 1 : 0;
}

/* Rows of each panel's list: the steps get up to half the area, at least one. */
static void heights(const SummaryScreen *s, int *orders, int *steps)
{
    int avail = s->h - 1, most = avail / 2 - 1;
    int want = s->sum.nsteps ? (int)s->sum.nsteps : 1;
    *steps = want < most ? want : most < 1 ? 1 : most;
    *orders = avail - (*steps + 1) - 2;
    if (*orders < 1)
        *orders = 1;
}

static const char *date_side(const OrderLateness *l, char *buf)
{
    if (!l->lines)
        return "-";
    if (l->waiting)
        return "waits";
    return date_format(l->complete, buf);
}

static void slip_text(const OrderChange *c, char *buf, size_t size)
{
    switch (c->kind) {
    case ORDER_NOW_WAITS: snprintf(buf, size, "BACKORDER"); break;
    case ORDER_SLIPS:
        snprintf(buf, size, "%+d day%s", (int)c->slip_days,
                 c->slip_days == 1 || c->slip_days == -1 ? "" : "s");
        break;
    case ORDER_FILLED: snprintf(buf, size, "filled"); break;
    case ORDER_NEW: snprintf(buf, size, "new order"); break;
    case ORDER_GONE: snprintf(buf, size, "cancelled"); break;
    case ORDER_SAME: snprintf(buf, size, "-"); break;
    }
}

/* One order row as the screen shows it: "o25  2026-12-05  2026-12-19  +14 days". */
static void order_row(const OrderChange *c, int idw, char *buf, size_t size)
{
    char id[4 * ALLOT_ID_MAX], b[ALLOT_DATE_TEXT], a[ALLOT_DATE_TEXT], slip[32];
    tui_text_fit(c->orderid, idw, true, false, id, sizeof id);
    slip_text(c, slip, sizeof slip);
    snprintf(buf, size, "%s  %-10s  %-10s  %s", id, date_side(&c->before, b),
             date_side(&c->after, a), slip);
}

static void keep_visible(SummaryScreen *s, int p, int rows)
{
    if (s->sel[p] < s->top[p])
        s->top[p] = s->sel[p];
    if (rows > 0 && s->sel[p] >= s->top[p] + (size_t)rows)
        s->top[p] = s->sel[p] - (size_t)rows + 1;
}

static void draw_rows(SummaryScreen *s, TuiCanvas *c, int p, int y, int x, int rows, int w)
{
    keep_visible(s, p, rows);
    char line[512], text[480];
    int idw = w - 2 - 2 - 10 - 2 - 10 - 2 - 10;
    if (idw < 6)
        idw = 6;
    if (idw > 24)
        idw = 24;
    for (int r = 0; r < rows; r++) {
        size_t i = s->top[p] + (size_t)r;
        if (i >= count(s, p))
            break;
        bool sel = s->focus == p && i == s->sel[p];
        TuiStyle st = sel ? TS_SELECTED : TS_NORMAL;
        if (p == ORDERS) {
            const OrderChange *o = &s->sum.orders[i];
            order_row(o, idw, text, sizeof text);
            if (!sel && (o->kind == ORDER_NOW_WAITS || (o->kind == ORDER_SLIPS && o->slip_days > 0)))
                st = TS_WARN;
        } else {
            const TuiWhatIfStep *t = &s->sum.steps[i];
            snprintf(text, sizeof text, "%2zu  %s  · %zu event%s", i + 1, t->text, t->events,
                     t->events == 1 ? "" : "s");
        }
        snprintf(line, sizeof line, "%s%s", sel ? "▶ " : "  ", text);
        tui_canvas_text(c, y + r, x, w, line, st, true);
    }
}

static void summary_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    SummaryScreen *s = ss(v);
    s->h = h;
    s->wd = w;
    char line[600];
    int orows, srows;
    heights(s, &orows, &srows);
    size_t n = s->sum.norders, k = s->sum.nsteps;
    snprintf(line, sizeof line, "What-if summary: %zu order%s change%s, worst slip first · %zu step%s",
             n, n == 1 ? "" : "s", n == 1 ? "s" : "", k, k == 1 ? "" : "s");
    tui_canvas_text(c, y, x, w, line, TS_HEADER, true);
    int row = y + 1;
    if (s->st != ALLOT_OK) {
        snprintf(line, sizeof line, "orders not known: %s", err_text(&s->err, s->st));
        tui_canvas_text(c, row, x, w, line, TS_ERROR, true);
    } else {
        snprintf(line, sizeof line, "%sOrders whose complete date changes (%zu)%s",
                 s->focus == ORDERS ? "[" : " ", n, s->focus == ORDERS ? "]" : "");
        tui_canvas_text(c, row, x, w, line, TS_HEADER, true);
    }
    int idw = w - 2 - 2 - 10 - 2 - 10 - 2 - 10;
    idw = idw < 6 ? 6 : idw > 24 ? 24 : idw;
    char id[64];
    tui_text_fit("ORDER", idw, true, false, id, sizeof id);
    snprintf(line, sizeof line, "  %s  %-10s  %-10s  %s", id, "BEFORE", "AFTER", "SLIP");
    tui_canvas_text(c, row + 1, x, w, line, TS_DIM, true);
    if (n == 0)
        tui_canvas_text(c, row + 2, x, w, "  (no order's complete date changes)", TS_DIM, true);
    draw_rows(s, c, ORDERS, row + 2, x, orows, w);
    row += 2 + orows;
    snprintf(line, sizeof line, "%sSteps of the session (%zu): d drops one, the rest are worked out "
             "again%s", s->focus == STEPS ? "[" : " ", k, s->focus == STEPS ? "]" : "");
    tui_canvas_text(c, row, x, w, line, TS_HEADER, true);
    if (k == 0)
        tui_canvas_text(c, row + 1, x, w, "  (no steps yet)", TS_DIM, true);
    draw_rows(s, c, STEPS, row + 1, x, srows, w);
}

static void move(SummaryScreen *s, long by)
{
    size_t n = count(s, s->focus);
    if (!n)
        return;
    long to = (long)s->sel[s->focus] + by;
    s->sel[s->focus] = to < 0 ? 0 : to >= (long)n ? n - 1 : (size_t)to;
}

static TuiReaction summary_key(TuiView *v, TuiAction a, int64_t cnt)
{
    SummaryScreen *s = ss(v);
    int orows, srows;
    heights(s, &orows, &srows);
    long page = s->focus == ORDERS ? orows : srows;
    long times = cnt > 0 ? (long)cnt : 1;
    switch (a) {
    case TA_UP: move(s, -times); break;
    case TA_DOWN: move(s, times); break;
    case TA_PAGE_UP: move(s, -page * times); break;
    case TA_PAGE_DOWN: move(s, page * times); break;
    case TA_TOP: s->sel[s->focus] = 0; break;
    case TA_BOTTOM: move(s, (long)count(s, s->focus)); break;
    case TA_LEFT: s->focus = ORDERS; break;
    case TA_RIGHT: s->focus = STEPS; break;
    case TA_OPEN:
        if (s->focus == STEPS)
            return tui_say(false, "a step: d or Delete drops it (Enter opens an order)");
        if (!s->sum.norders)
            return tui_say(false, "no order to open");
        return screen_push(tui_view_order(s->env, s->sum.orders[s->sel[ORDERS]].orderid), "");
    case TA_DROP_STEP: {
        if (s->focus != STEPS)
            return tui_say(false, "d drops a step: l or Right moves to the steps");
        if (!s->sum.nsteps)
            return tui_say(false, "the session has no steps to drop");
        TuiReaction r = tui_handled();
        r.request = REQ_DROP_STEP;
        r.step = s->sel[STEPS];
        return r;
    }
    case TA_BACK: return screen_back();
    default: return (TuiReaction){0};
    }
    return tui_handled();
}

static void summary_event(TuiView *v, TuiViewEvent ev)
{
    if (ev == TV_DATA_CHANGED || v->stale)
        load(ss(v));
    v->stale = false;
}

static void summary_resize(TuiView *v, int h, int w)
{
    ss(v)->h = h;
    ss(v)->wd = w;
}

static void summary_destroy(TuiView *v)
{
    tui_whatif_summary_fini(&ss(v)->sum);
    free(v);
}

static void summary_title(TuiView *v, char *buf, size_t size)
{
    (void)v;
    snprintf(buf, size, "What-if summary");
}

static const TuiViewOps summary_ops = {
    .name = "summary",
    .draw = summary_draw,
    .on_key = summary_key,
    .on_event = summary_event,
    .resize = summary_resize,
    .destroy = summary_destroy,
    .title = summary_title,
    .help_topic = "whatif",
};

TuiView *tui_view_whatif_summary(const TuiEnv *env, struct TuiWhatIf *w)
{
    SummaryScreen *s = xcalloc(1, sizeof *s);
    s->base.ops = &summary_ops;
    s->base.keys = tui_keymap("summary");
    s->env = env;
    s->w = w;
    s->h = 15;
    s->wd = 80;
    load(s);
    return &s->base;
}

bool tui_view_is_whatif_summary(const TuiView *v) { return v->ops == &summary_ops; }
