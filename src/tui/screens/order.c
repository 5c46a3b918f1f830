/* order.c — the Order screen: a header with the order's complete date and lateness
 * (SPEC.md §1.4: the latest promised date of its lines, none while one waits; as
 * late as its latest line), then its lines across SKUs (TL_ORDER), each on its
 * batch or BACKORDER with its promised date, need date and lateness.  Enter opens
 * the line's batch, `x` cancels the selected line, `a` allocates one more line to
 * this order, `H` shows the line's history, `t` its SKU's availability.  Key table
 * "order". */
#include <stdio.h>

#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

typedef struct OrderScreen {
    ListScreen s;
    OrderLateness late;
    bool have_late;
    ErrBuf err;
} OrderScreen;

static OrderScreen *os(TuiView *v) { return (OrderScreen *)v; }

static void load_lateness(OrderScreen *o)
{
    TuiSource *src = o->s.env->src;
    o->have_late = src->ops->order_lateness &&
                   src->ops->order_lateness(src, o->s.list.q.arg, o->s.env->today, &o->late,
                                            &o->err) == ALLOT_OK;
}

/* Two lines: "Order o1 · 3 lines · complete 2027-02-01" and "12 days late (2 late
 * lines)" or "on time", with "AT RISK" when a waiting line is not late yet. */
static void header_text(const OrderScreen *o, char *l1, char *l2, size_t size)
{
    const OrderLateness *l = &o->late;
    char d[ALLOT_DATE_TEXT];
    const char *id = o->s.list.q.arg;
    l2[0] = 0;
    if (!o->have_late) {
        snprintf(l1, size, "Order %s · lateness not known: %.200s", id, o->err.msg);
        return;
    }
    if (l->lines == 0) {
        snprintf(l1, size, "Order %s · no lines", id);
        return;
    }
    snprintf(l1, size, "Order %s · %lld line%s · complete %s", id, (long long)l->lines,
             l->lines == 1 ? "" : "s",
             l->waiting ? "none: a line waits for stock" : date_format(l->complete, d));
    char late[96];
    if (l->late > 0)
        snprintf(late, sizeof late, "%d day%s late (%lld late line%s)", (int)l->late,
                 l->late == 1 ? "" : "s", (long long)l->late_lines, l->late_lines == 1 ? "" : "s");
    else
        snprintf(late, sizeof late, "on time");
    snprintf(l2, size, "%s%s", late, l->at_risk ? " · AT RISK: a line waits, not late yet" : "");
}

static void order_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    OrderScreen *o = os(v);
    char l1[400], l2[400];
    header_text(o, l1, l2, sizeof l1);
    bool warn = o->have_late && (o->late.late > 0 || o->late.at_risk);
    tui_canvas_text(c, y, x, w, l1, o->have_late ? TS_HEADER : TS_ERROR, true);
    tui_canvas_text(c, y + 1, x, w, l2, warn ? TS_WARN : TS_NORMAL, true);
    list_screen_draw(v, c, y, x, h, w);
}

static TuiReaction order_key(TuiView *v, TuiAction a, int64_t count)
{
    ListScreen *s = (ListScreen *)v;
    const TuiRow *row = tui_list_selected(&s->list);
    switch (a) {
    case TA_OPEN:
    case TA_RIGHT:
        if (row && !row->ref[0])
            return tui_say(false, "%s is a backorder: no batch to open", row->orderid);
        return screen_push(row ? list_screen_select(tui_view_batch(s->env, row->ref), row->key)
                               : NULL,
                           "nothing to open");
    case TA_ALLOCATE:
        return screen_allocate_lines(&s->list, "", s->list.q.arg);
    case TA_CANCEL_LINE:
        return screen_cancel(&s->list, row);
    case TA_HISTORY:
        return screen_history(s->env, row);
    case TA_ATP:
        return screen_atp(s->env, row ? row->sku : "");
    default:
        return screen_list_key(&s->list, a, count);
    }
}

static void order_event(TuiView *v, TuiViewEvent ev)
{
    if (ev == TV_SHOWN && !v->stale)
        return;
    load_lateness(os(v));
    list_screen_event(v, TV_DATA_CHANGED);
    v->stale = false;
}

static const TuiViewOps order_ops = {
    .name = "order",
    .draw = order_draw,
    .on_key = order_key,
    .on_event = order_event,
    .resize = list_screen_resize,
    .destroy = list_screen_destroy,
    .title = list_screen_title,
    .list = list_screen_list,
    .busy = list_screen_busy,
    .work = list_screen_work,
};

TuiView *tui_view_order(const TuiEnv *env, const char *orderid)
{
    char t[160];
    snprintf(t, sizeof t, "Order %s", orderid);
    OrderScreen *o = (OrderScreen *)list_screen_new(sizeof(OrderScreen), &order_ops, "order", env,
                                                    TL_ORDER, orderid, t, 2);
    load_lateness(o);
    return &o->s.base;
}
