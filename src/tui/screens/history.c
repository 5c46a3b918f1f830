/* history.c — the history of an order line (SPEC.md §1.6 "why", TL_HISTORY): every
 * event that touched it, oldest first (`S`: newest first), each with the command that
 * raised it and the actor who sent that command (and, for an undo, the command it
 * undid).  In a what-if session the sandbox's events come after the live ones.  Enter opens the
 * event's batch.  Key table "history". */
#include <stdio.h>

#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

typedef struct HistoryScreen {
    ListScreen s;
    AllotId orderid, sku;
} HistoryScreen;

static void history_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    HistoryScreen *hs = (HistoryScreen *)v;
    char line[320];
    snprintf(line, sizeof line, "History of %s %s, %s first: each event, its command and who "
                                "sent it",
             hs->orderid, hs->sku, tui_query_desc(&hs->s.list.q) ? "newest" : "oldest");
    tui_canvas_text(c, y, x, w, line, TS_HEADER, true);
    list_screen_draw(v, c, y, x, h, w);
}

static TuiReaction history_key(TuiView *v, TuiAction a, int64_t count)
{
    HistoryScreen *hs = (HistoryScreen *)v;
    const TuiRow *row = tui_list_selected(&hs->s.list);
    switch (a) {
    case TA_OPEN:
    case TA_RIGHT:
        return screen_push(row && row->ref[0] ? tui_view_batch(hs->s.env, row->ref) : NULL,
                           "this event names no batch");
    default:
        return screen_list_key(&hs->s.list, a, count);
    }
}

static const TuiViewOps history_ops = {
    .name = "history",
    .draw = history_draw,
    .on_key = history_key,
    .on_event = list_screen_event,
    .resize = list_screen_resize,
    .destroy = list_screen_destroy,
    .title = list_screen_title,
    .list = list_screen_list,
    .busy = list_screen_busy,
    .work = list_screen_work,
};

TuiView *tui_view_history(const TuiEnv *env, const char *orderid, const char *sku)
{
    char t[160], arg[2 * ALLOT_ID_MAX + 2];
    snprintf(t, sizeof t, "History %s %s", orderid, sku);
    snprintf(arg, sizeof arg, "%s\x1f%s", orderid, sku);
    HistoryScreen *hs = (HistoryScreen *)list_screen_new(sizeof(HistoryScreen), &history_ops,
                                                         "history", env, TL_HISTORY, arg, t, 1);
    snprintf(hs->orderid, sizeof hs->orderid, "%s", orderid);
    snprintf(hs->sku, sizeof hs->sku, "%s", sku);
    return &hs->s.base;
}
