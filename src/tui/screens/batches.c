/* batches.c — the Batches screen: the batches of one SKU or of all (TL_BATCHES),
 * in preference, ref or ETA order; Enter opens a batch's lines; c + - e d change
 * the selected batch; `a` allocates; `t` shows its SKU's availability timeline.
 * Key table "batches". */
#include <stdio.h>

#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

TuiReaction tui_batches_row_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count)
{
    const TuiRow *row = tui_list_selected(l);
    if (screen_is_batch_action(a))
        return screen_batch_action(env, l, row ? row->ref : NULL, a, count);
    switch (a) {
    case TA_OPEN:
    case TA_RIGHT:
        return screen_push(row ? tui_view_batch(env, row->ref) : NULL, "nothing to open");
    case TA_ALLOCATE:
        return screen_allocate(l->q.arg[0] ? l->q.arg : row ? row->sku : "", "");
    case TA_ATP:
        return screen_atp(env, row ? row->sku : l->q.arg);
    default:
        return screen_list_key(l, a, count);
    }
}

static TuiReaction batches_key(TuiView *v, TuiAction a, int64_t count)
{
    ListScreen *s = (ListScreen *)v;
    return tui_batches_row_key(s->env, &s->list, a, count);
}

static const TuiViewOps batches_ops = LIST_SCREEN_OPS("batches", batches_key);

TuiView *tui_view_batches(const TuiEnv *env, const char *sku)
{
    char t[160];
    if (sku && sku[0])
        snprintf(t, sizeof t, "Batches of %s", sku);
    else
        snprintf(t, sizeof t, "Batches");
    return &list_screen_new(sizeof(ListScreen), &batches_ops, "batches", env, TL_BATCHES, sku, t, 0)
                ->base;
}
