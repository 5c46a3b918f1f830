/* products.c — the Products screen: every SKU with its totals (TL_PRODUCTS); Enter
 * opens its batches, `a` allocates a line of it, `t` its availability timeline.
 * Key table "products". */
#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

TuiReaction tui_products_row_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count)
{
    const TuiRow *row = tui_list_selected(l);
    switch (a) {
    case TA_OPEN:
    case TA_RIGHT:
        return screen_push(row ? tui_view_batches(env, row->sku) : NULL, "nothing to open");
    case TA_ALLOCATE:
        return screen_allocate(row ? row->sku : "", "");
    case TA_ATP:
        return screen_atp(env, row ? row->sku : "");
    default:
        return screen_list_key(l, a, count);
    }
}

static TuiReaction products_key(TuiView *v, TuiAction a, int64_t count)
{
    ListScreen *s = (ListScreen *)v;
    return tui_products_row_key(s->env, &s->list, a, count);
}

static const TuiViewOps products_ops = LIST_SCREEN_OPS("products", products_key);

TuiView *tui_view_products(const TuiEnv *env)
{
    return &list_screen_new(sizeof(ListScreen), &products_ops, "products", env, TL_PRODUCTS, "",
                            "Products", 0)
                ->base;
}
