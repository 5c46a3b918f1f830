/* backorders.c — the Backorders screen: order lines waiting for stock, oldest
 * first (TL_BACKORDERS), of one SKU or all, with their need dates and lateness;
 * Enter opens the order, `x` cancels the line, `a` allocates, `H` shows the line's
 * history, `t` its SKU's availability.  Key table "backorders". */
#include <stdio.h>

#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

TuiReaction tui_backorders_row_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count)
{
    const TuiRow *row = tui_list_selected(l);
    switch (a) {
    case TA_OPEN:
    case TA_RIGHT:
        return screen_push(row ? list_screen_select(tui_view_order(env, row->orderid), row->key)
                               : NULL,
                           "nothing to open");
    case TA_ALLOCATE:
        return screen_allocate_lines(l, l->q.arg[0] ? l->q.arg : row ? row->sku : "", "");
    case TA_CANCEL_LINE:
        return screen_cancel(l, row);
    case TA_HISTORY:
        return screen_history(env, row);
    case TA_ATP:
        return screen_atp(env, row ? row->sku : l->q.arg);
    default:
        return screen_list_key(l, a, count);
    }
}

static TuiReaction backorders_key(TuiView *v, TuiAction a, int64_t count)
{
    ListScreen *s = (ListScreen *)v;
    return tui_backorders_row_key(s->env, &s->list, a, count);
}

static const TuiViewOps backorders_ops = LIST_SCREEN_OPS("backorders", backorders_key);

TuiView *tui_view_backorders(const TuiEnv *env, const char *sku)
{
    char t[160];
    if (sku && sku[0])
        snprintf(t, sizeof t, "Backorders of %s", sku);
    else
        snprintf(t, sizeof t, "Backorders");
    return &list_screen_new(sizeof(ListScreen), &backorders_ops, "backorders", env, TL_BACKORDERS,
                            sku, t, 0)
                ->base;
}
