/* order.c — the Order screen: an order's lines across SKUs (TL_ORDER), each on its
 * batch or BACKORDER; Enter opens the line's batch, `x` cancels the selected line,
 * `a` allocates one more line to this order.  Key table "order". */
#include <stdio.h>

#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

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
        return screen_allocate("", s->list.q.arg);
    case TA_CANCEL_LINE:
        return screen_cancel(row);
    default:
        return screen_list_key(&s->list, a, count);
    }
}

static const TuiViewOps order_ops = LIST_SCREEN_OPS("order", order_key);

TuiView *tui_view_order(const TuiEnv *env, const char *orderid)
{
    char t[160];
    snprintf(t, sizeof t, "Order %s", orderid);
    return &list_screen_new(sizeof(ListScreen), &order_ops, "order", env, TL_ORDER, orderid, t, 0)
                ->base;
}
