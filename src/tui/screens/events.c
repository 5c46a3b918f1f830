/* events.c — the Events screen and the feed full height (`F`, the same list over
 * the feed panel's rows too): the whole event log, newest first (TL_EVENTS);
 * it follows the newest while its first row is selected, and moving down pauses it
 * (the breadcrumb then says how many arrived since).  In a what-if session the
 * sandbox's events come first, marked "what-if" with ids of their own (w1, w2, …).
 * Enter opens the event's order or batch.  Key table "events". */
#include <stdio.h>

#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

typedef struct EventsScreen {
    ListScreen s;
    int64_t watermark; /* newest id seen when it stopped following; 0 = following */
} EventsScreen;

TuiReaction tui_events_row_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count)
{
    const TuiRow *row = tui_list_selected(l);
    switch (a) {
    case TA_OPEN:
    case TA_RIGHT:
        if (!row)
            return tui_say(false, "nothing to open");
        if (row->orderid[0])
            return screen_push(tui_view_order(env, row->orderid), "");
        return screen_push(row->ref[0] ? tui_view_batch(env, row->ref) : NULL,
                           "this event names no order or batch");
    case TA_ALLOCATE:
        return screen_allocate("", "");
    default:
        return screen_list_key(l, a, count);
    }
}

static TuiReaction events_key(TuiView *v, TuiAction a, int64_t count)
{
    EventsScreen *e = (EventsScreen *)v;
    TuiList *l = &e->s.list;
    int64_t newest = l->rows.len ? l->rows.items[0].event_id : 0;
    bool was_live = tui_list_on_first(l);
    TuiReaction r = tui_events_row_key(e->s.env, l, a, count);
    if (tui_list_on_first(l))
        e->watermark = 0;
    else if (was_live)
        e->watermark = newest;
    return r;
}

static void events_crumb(TuiView *v, char *buf, size_t size)
{
    EventsScreen *e = (EventsScreen *)v;
    buf[0] = 0;
    if (tui_list_on_first(&e->s.list) || e->watermark == 0)
        return;
    int64_t max = 0;
    ErrBuf err = {{0}};
    TuiSource *src = e->s.env->src;
    if (src->ops->max_event_id(src, &max, &err) == ALLOT_OK)
        snprintf(buf, size, "PAUSED: %lld new (g: newest)",
                 (long long)(max > e->watermark ? max - e->watermark : 0));
}

static const TuiViewOps events_ops = {
    .name = "events",
    .draw = list_screen_draw,
    .on_key = events_key,
    .on_event = list_screen_event,
    .resize = list_screen_resize,
    .destroy = list_screen_destroy,
    .title = list_screen_title,
    .list = list_screen_list,
    .busy = list_screen_busy,
    .work = list_screen_work,
    .crumb = events_crumb,
};

TuiView *tui_view_events(const TuiEnv *env)
{
    return &list_screen_new(sizeof(EventsScreen), &events_ops, "events", env, TL_EVENTS, "",
                            "Events", 0)
                ->base;
}

static const TuiViewOps feed_ops = {
    .name = "feed",
    .draw = list_screen_draw,
    .on_key = events_key,
    .on_event = list_screen_event,
    .resize = list_screen_resize,
    .destroy = list_screen_destroy,
    .title = list_screen_title,
    .list = list_screen_list,
    .busy = list_screen_busy,
    .work = list_screen_work,
    .crumb = events_crumb,
    .help_topic = "events",
};

TuiView *tui_view_feed(const TuiEnv *env)
{
    TuiView *v = &list_screen_new(sizeof(EventsScreen), &feed_ops, "events", env, TL_EVENTS, "",
                                  "Feed", 0)
                      ->base;
    v->area = AREA_FULL;
    return v;
}
