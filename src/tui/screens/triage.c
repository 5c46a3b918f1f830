/* triage.c — Triage, the landing screen: six panels — backorders oldest first,
 * SKUs short of stock (most units short first), overdue shipments (most days
 * overdue first), shipments due in 14 days, today's events (in a what-if session
 * the sandbox's marked "what-if") and the late lines (SPEC.md §1.4), worst first.
 * h/l move between panels; the keys of the focused panel are those of the screen
 * showing the same list (products.c, batches.c, backorders.c, events.c; a late
 * line's are a backorder's).  Key table "triage".
 *
 * Layout, three rows of panels: [backorders | SKUs short] / [overdue | due soon] /
 * [today's events | late lines]. */
#include <stdio.h>
#include <stdlib.h>

#include "domain/xalloc.h"
#include "tui/frame.h"
#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

enum { PANES = 6 };

typedef struct TriageScreen {
    TuiView base;
    const TuiEnv *env;
    TuiList lists[PANES];
    int focus;
    int h, w;
} TriageScreen;

static const TuiListKind kinds[PANES] = {TL_BACKORDERS, TL_SHORT, TL_OVERDUE,
                                         TL_DUE,        TL_TODAY, TL_LATE};
static const char *const titles[PANES] = {"Backorders",     "SKUs short of stock",
                                          "Overdue shipments", "Shipments due in 14 days",
                                          "Today's events", "Late lines"};
/* What the panel's default order is called, said while it is sorted that way. */
static const char *const by_default[PANES] = {", oldest first", "", "", "", "", ", worst first"};

/* True while list l is in its kind's default order and direction. */
static bool default_order(const TuiList *l)
{
    TuiQuery d = l->q;
    d.sort = -1;
    return tui_query_order(&d) == tui_query_order(&l->q) &&
           tui_query_desc(&d) == tui_query_desc(&l->q);
}
/* row of the grid, column (0 left, 1 right), width in halves (the split of a row:
 * split()) */
static const int grid[PANES][3] = {{0, 0, 1}, {0, 1, 1}, {1, 0, 1},
                                   {1, 1, 1}, {2, 0, 1}, {2, 1, 1}};

static TriageScreen *ts(TuiView *v) { return (TriageScreen *)v; }

/* The width of the left panel of each row of the grid: half of it, unless one panel
 * of the row shows all its columns whole in less (tui_list_width_wanted): then that
 * one gets what it wants, both do when they fit side by side, and the other the
 * rest (SPEC.md §5 "columns use the terminal's width"). */
static void split(const TriageScreen *t, int left_w[3])
{
    int total = t->w - 1; /* one column between the panels */
    for (int row = 0; row < 3; row++) {
        int wl = tui_list_width_wanted(&t->lists[2 * row]);
        int wr = tui_list_width_wanted(&t->lists[2 * row + 1]);
        if (wl + wr <= total)
            left_w[row] = wl + (total - wl - wr) / 2;
        else if (wr <= total / 2)
            left_w[row] = total - wr;
        else if (wl <= total / 2)
            left_w[row] = wl;
        else
            left_w[row] = total / 2;
    }
}

static void geometry(const TriageScreen *t, int i, const int left_w[3], int *py, int *px,
                     int *ph, int *pw)
{
    int r0 = t->h / 3, r1 = t->h / 3;
    int row = grid[i][0];
    *py = row == 0 ? 0 : row == 1 ? r0 : r0 + r1;
    *ph = row == 0 ? r0 : row == 1 ? r1 : t->h - r0 - r1;
    if (grid[i][2] == 2) {
        *px = 0;
        *pw = t->w;
        return;
    }
    *px = grid[i][1] ? left_w[row] + 1 : 0;
    *pw = grid[i][1] ? t->w - left_w[row] - 1 : left_w[row];
}

static void triage_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    TriageScreen *t = ts(v);
    (void)h, (void)w;
    int left_w[3];
    split(t, left_w);
    for (int i = 0; i < PANES; i++) {
        int py, px, ph, pw;
        geometry(t, i, left_w, &py, &px, &ph, &pw);
        char title[200], where[96], sort[64];
        tui_frame_where(&t->lists[i], where, sizeof where);
        snprintf(title, sizeof title, "%s %s%s  %s  %s", i == t->focus ? "▶" : " ", titles[i],
                 default_order(&t->lists[i]) ? by_default[i] : "", where,
                 tui_list_sort_name(&t->lists[i], sort, sizeof sort));
        tui_canvas_text(c, y + py, x + px, pw, title, i == t->focus ? TS_TAB : TS_HEADER, true);
        tui_list_draw(&t->lists[i], c, y + py + 1, x + px, pw, i == t->focus);
    }
}

static TuiReaction triage_key(TuiView *v, TuiAction a, int64_t count)
{
    TriageScreen *t = ts(v);
    if (a == TA_LEFT || a == TA_RIGHT) {
        t->focus = (t->focus + (a == TA_RIGHT ? 1 : PANES - 1)) % PANES;
        return tui_handled();
    }
    TuiList *l = &t->lists[t->focus];
    switch (l->q.kind) {
    case TL_BACKORDERS:
    case TL_LATE: return tui_backorders_row_key(t->env, l, a, count);
    case TL_SHORT: return tui_products_row_key(t->env, l, a, count);
    case TL_DUE:
    case TL_OVERDUE: return tui_batches_row_key(t->env, l, a, count);
    default: return tui_events_row_key(t->env, l, a, count);
    }
}

static void triage_event(TuiView *v, TuiViewEvent ev)
{
    if (ev == TV_SHOWN && !v->stale)
        return;
    v->stale = false;
    for (int i = 0; i < PANES; i++)
        tui_list_refresh(&ts(v)->lists[i]);
}

static void triage_resize(TuiView *v, int h, int w)
{
    TriageScreen *t = ts(v);
    t->h = h;
    t->w = w;
    int half[3] = {(w - 1) / 2, (w - 1) / 2, (w - 1) / 2}; /* heights do not depend on it */
    for (int i = 0; i < PANES; i++) {
        int py, px, ph, pw;
        geometry(t, i, half, &py, &px, &ph, &pw);
        tui_list_set_height(&t->lists[i], ph - 2);
    }
}

static void triage_destroy(TuiView *v)
{
    for (int i = 0; i < PANES; i++)
        tui_list_fini(&ts(v)->lists[i]);
    free(v);
}

static TuiList *triage_list(TuiView *v) { return &ts(v)->lists[ts(v)->focus]; }

static bool triage_busy(TuiView *v)
{
    for (int i = 0; i < PANES; i++)
        if (tui_list_busy(&ts(v)->lists[i]))
            return true;
    return false;
}

static bool triage_work(TuiView *v)
{
    for (int i = 0; i < PANES; i++)
        if (tui_list_busy(&ts(v)->lists[i]))
            return tui_list_work(&ts(v)->lists[i]);
    return false;
}

static void triage_title(TuiView *v, char *buf, size_t size)
{
    (void)v;
    snprintf(buf, size, "Triage");
}

static const TuiViewOps triage_ops = {
    .name = "triage",
    .draw = triage_draw,
    .on_key = triage_key,
    .on_event = triage_event,
    .resize = triage_resize,
    .destroy = triage_destroy,
    .title = triage_title,
    .list = triage_list,
    .busy = triage_busy,
    .work = triage_work,
};

TuiView *tui_view_triage(const TuiEnv *env)
{
    TriageScreen *t = xcalloc(1, sizeof *t);
    t->base.ops = &triage_ops;
    t->base.keys = tui_keymap("triage");
    t->base.more = tui_keymap("list");
    t->env = env;
    for (int i = 0; i < PANES; i++) {
        tui_list_init(&t->lists[i], env, kinds[i], "");
        tui_list_reload(&t->lists[i]);
    }
    return &t->base;
}
