/* batch.c — the Batch screen: a header with the batch's quantities and ETA, then
 * its lines, oldest first (TL_BATCH_LINES), with their need dates and lateness;
 * c + - e d change this batch, `x` cancels the selected line, `a` allocates one of
 * its SKU, Enter opens the line's order, `H` its history, `t` the SKU's
 * availability.  Key table "batch"; help page "batches". */
#include <stdio.h>

#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

typedef struct BatchScreen {
    ListScreen s;
    AllotId ref, sku;
    TuiBatchInfo info;
    bool have_info;
} BatchScreen;

static BatchScreen *bs(TuiView *v) { return (BatchScreen *)v; }

static void load_info(BatchScreen *b)
{
    ErrBuf err = {{0}};
    bool found = false;
    TuiSource *src = b->s.env->src;
    b->have_info = src->ops->batch_info(src, b->ref, &b->info, &found, &err) == ALLOT_OK && found;
    if (b->have_info)
        snprintf(b->sku, sizeof b->sku, "%s", b->info.sku);
}

static void batch_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    BatchScreen *b = bs(v);
    char line[320], d[ALLOT_DATE_TEXT];
    if (b->have_info) {
        const TuiBatchInfo *i = &b->info;
        snprintf(line, sizeof line, "Batch %s  SKU %s  qty %lld  allocated %lld  available %lld",
                 i->ref, i->sku, (long long)i->qty, (long long)i->allocated,
                 (long long)(i->qty - i->allocated));
        tui_canvas_text(c, y, x, w, line, TS_HEADER, true);
        snprintf(line, sizeof line, "ETA %s   %lld line%s%s",
                 i->eta == ALLOT_NO_ETA ? "none (in the warehouse)" : date_format(i->eta, d),
                 (long long)i->lines, i->lines == 1 ? "" : "s",
                 i->allocated >= i->qty ? "   FULL" : "");
        tui_canvas_text(c, y + 1, x, w, line, TS_NORMAL, true);
    } else {
        snprintf(line, sizeof line, "Batch %s: not found (deleted or renamed?)", b->ref);
        tui_canvas_text(c, y, x, w, line, TS_ERROR, true);
    }
    list_screen_draw(v, c, y, x, h, w);
}

static TuiReaction batch_key(TuiView *v, TuiAction a, int64_t count)
{
    BatchScreen *b = bs(v);
    const TuiRow *row = tui_list_selected(&b->s.list);
    if (screen_is_batch_action(a))
        return screen_batch_action(b->s.env, NULL, b->ref, a, count);
    switch (a) {
    case TA_OPEN:
    case TA_RIGHT:
        return screen_push(row ? list_screen_select(tui_view_order(b->s.env, row->orderid), row->key)
                               : NULL,
                           "nothing to open");
    case TA_ALLOCATE:
        return screen_allocate_lines(&b->s.list, b->sku, "");
    case TA_CANCEL_LINE:
        return screen_cancel(&b->s.list, row);
    case TA_HISTORY:
        return screen_history(b->s.env, row);
    case TA_ATP:
        return screen_atp(b->s.env, b->sku);
    default:
        return screen_list_key(&b->s.list, a, count);
    }
}

static void batch_event(TuiView *v, TuiViewEvent ev)
{
    if (ev == TV_SHOWN && !v->stale)
        return;
    load_info(bs(v));
    list_screen_event(v, TV_DATA_CHANGED);
    v->stale = false;
}

static const TuiViewOps batch_ops = {
    .name = "batch",
    .draw = batch_draw,
    .on_key = batch_key,
    .on_event = batch_event,
    .resize = list_screen_resize,
    .destroy = list_screen_destroy,
    .title = list_screen_title,
    .list = list_screen_list,
    .busy = list_screen_busy,
    .work = list_screen_work,
    .help_topic = "batches",
};

TuiView *tui_view_batch(const TuiEnv *env, const char *ref)
{
    char t[160];
    snprintf(t, sizeof t, "Batch %s", ref);
    BatchScreen *b = (BatchScreen *)list_screen_new(sizeof(BatchScreen), &batch_ops, "batch", env,
                                                    TL_BATCH_LINES, ref, t, 2);
    snprintf(b->ref, sizeof b->ref, "%s", ref);
    load_info(b);
    return &b->s.base;
}
