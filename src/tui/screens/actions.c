/* actions.c — what several screens do the same way, and the one-list screen
 * (actions.h). */
#include "tui/screens/actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "tui/screens/screens.h"

TuiReaction screen_list_key(TuiList *l, TuiAction a, int64_t count)
{
    long n = count > 0 ? (long)count : 1;
    switch (a) {
    case TA_UP: tui_list_move(l, -n); return tui_handled();
    case TA_DOWN: tui_list_move(l, n); return tui_handled();
    case TA_PAGE_UP: tui_list_page(l, -(int)n); return tui_handled();
    case TA_PAGE_DOWN: tui_list_page(l, (int)n); return tui_handled();
    case TA_TOP: tui_list_home(l); return tui_handled();
    case TA_BOTTOM: tui_list_end(l); return tui_handled();
    case TA_SORT:
    case TA_SORT_REVERSE:
    case TA_SORT_ASC:
    case TA_SORT_DESC: {
        char name[64], why[ALLOT_ERR_MAX];
        if (a == TA_SORT && !tui_list_sort_next(l, 1))
            return tui_say(false, "this list has one order: %s",
                           tui_list_sort_name(l, name, sizeof name));
        if (a == TA_SORT_REVERSE)
            tui_list_sort_reverse(l);
        if ((a == TA_SORT_ASC || a == TA_SORT_DESC) &&
            !tui_list_sort_column(l, a == TA_SORT_DESC, why, sizeof why))
            return tui_say(false, "%s", why);
        return tui_say(false, "sorted by %s", tui_list_sort_name(l, name, sizeof name));
    }
    case TA_COLUMN_LEFT:
    case TA_COLUMN_RIGHT: {
        tui_list_column_move(l, a == TA_COLUMN_LEFT ? -1 : 1);
        const TuiColumn *c = &tui_kind_info(l->q.kind)->columns[l->col];
        return tui_say(false, "column %s%s", c->title,
                       c->order ? ": [ sorts it ascending, ] descending" : " (does not sort)");
    }
    case TA_FILTER:
    case TA_SEARCH: {
        TuiReaction r = tui_handled();
        r.request = REQ_FORM;
        r.form = a == TA_FILTER ? FORM_FILTER : FORM_LIST_SEARCH;
        r.list = l;
        return r;
    }
    case TA_LEFT:
        return screen_back();
    default:
        return (TuiReaction){0};
    }
}

bool screen_is_batch_action(TuiAction a)
{
    return a == TA_CHANGE_QTY || a == TA_NUDGE_UP || a == TA_NUDGE_DOWN || a == TA_SET_ETA ||
           a == TA_DELAY;
}

TuiReaction screen_batch_action(const TuiEnv *env, const char *ref, TuiAction a, int64_t count)
{
    if (!ref || !ref[0])
        return tui_say(true, "no batch selected");
    TuiBatchInfo info;
    bool found = false;
    ErrBuf err = {{0}};
    if (env->src->ops->batch_info(env->src, ref, &info, &found, &err) != ALLOT_OK)
        return tui_say(true, "%s", err.msg);
    if (!found)
        return tui_say(true, "unknown batch reference %s", ref);
    TuiReaction r = tui_handled();
    r.batch = info;
    switch (a) {
    case TA_CHANGE_QTY:
        if (count > 0) {
            /* the CLI's check and message (validate.h validate_batch_qty) */
            char text[32];
            int64_t q;
            snprintf(text, sizeof text, "%lld", (long long)count);
            if (validate_batch_qty(text, &q, &err) != ALLOT_OK)
                return tui_say(true, "%s", err.msg);
            r.request = REQ_COMMAND;
            r.cmd = command_change_batch_qty(ref, q); /* asks when lines move */
        } else {
            r.request = REQ_FORM;
            r.form = FORM_CHANGE_QTY;
        }
        return r;
    case TA_NUDGE_UP:
    case TA_NUDGE_DOWN: {
        /* refused, never clamped, when the result leaves 0..ALLOT_QTY_MAX */
        int64_t n = count > 0 ? count : 1;
        int64_t q = a == TA_NUDGE_UP ? info.qty + n : info.qty - n;
        if (q < 0)
            return tui_say(true,
                           "%s has qty %lld: lowering it by %lld would go below 0 (refused; c0 "
                           "sets 0)",
                           ref, (long long)info.qty, (long long)n);
        if (q > ALLOT_QTY_MAX)
            return tui_say(true, "refused: %s qty %lld + %lld must be between 0 and %lld", ref,
                           (long long)info.qty, (long long)n, (long long)ALLOT_QTY_MAX);
        r.request = REQ_COMMAND;
        r.cmd = command_change_batch_qty(ref, q);
        return r;
    }
    case TA_SET_ETA:
        r.request = REQ_FORM;
        r.form = FORM_SET_ETA;
        return r;
    case TA_DELAY:
        /* A batch in the warehouse delayed by N days arrives today + N (whatif.h
         * delay_preview; docs/whatif.md). */
        if (count > 3650)
            return tui_say(true, "delay too long for %s (at most 3650 days)", ref);
        r.request = count > 0 ? REQ_DELAY : REQ_FORM;
        r.form = FORM_DELAY;
        r.days = (int32_t)count;
        return r;
    default:
        return (TuiReaction){0};
    }
}

TuiReaction screen_allocate(const char *sku, const char *orderid)
{
    TuiReaction r = tui_handled();
    r.request = REQ_FORM;
    r.form = FORM_ALLOCATE;
    snprintf(r.sku, sizeof r.sku, "%s", sku ? sku : "");
    snprintf(r.orderid, sizeof r.orderid, "%s", orderid ? orderid : "");
    return r;
}

TuiReaction screen_cancel(const TuiRow *row)
{
    if (!row || !row->orderid[0])
        return tui_say(true, "select an order line first");
    TuiReaction r = tui_handled();
    r.request = REQ_COMMAND;
    r.cmd = command_cancel_line(row->orderid, row->sku);
    r.always_confirm = true;
    return r;
}

TuiReaction screen_history(const TuiEnv *env, const TuiRow *row)
{
    if (!row || !row->orderid[0])
        return tui_say(true, "select an order line first");
    return screen_push(tui_view_history(env, row->orderid, row->sku), "");
}

TuiReaction screen_atp(const TuiEnv *env, const char *sku)
{
    if (!sku || !sku[0])
        return tui_say(true, "select a SKU first");
    return screen_push(tui_view_atp(env, sku), "");
}

TuiReaction screen_push(TuiView *v, const char *why)
{
    if (!v)
        return tui_say(false, "%s", why);
    TuiReaction r = tui_handled();
    r.request = REQ_PUSH;
    r.push = v;
    return r;
}

TuiReaction screen_back(void)
{
    TuiReaction r = tui_handled();
    r.request = REQ_BACK;
    return r;
}

/* ---- the one-list screen ---- */

static ListScreen *ls(TuiView *v) { return (ListScreen *)v; }

ListScreen *list_screen_new(size_t size, const TuiViewOps *ops, const char *keys,
                            const TuiEnv *env, TuiListKind kind, const char *arg,
                            const char *title, int header)
{
    ListScreen *s = xcalloc(1, size);
    s->base.ops = ops;
    s->base.keys = tui_keymap(keys);
    s->base.more = tui_keymap("list");
    s->env = env;
    s->header = header;
    snprintf(s->title, sizeof s->title, "%s", title);
    tui_list_init(&s->list, env, kind, arg);
    tui_list_reload(&s->list);
    return s;
}

void list_screen_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    (void)h;
    tui_list_draw(&ls(v)->list, c, y + ls(v)->header, x, w, true);
}

void list_screen_event(TuiView *v, TuiViewEvent ev)
{
    if (ev == TV_SHOWN && !v->stale)
        return;
    v->stale = false;
    tui_list_refresh(&ls(v)->list);
}

void list_screen_resize(TuiView *v, int h, int w)
{
    ListScreen *s = ls(v);
    s->h = h;
    s->w = w;
    tui_list_set_height(&s->list, h - 1 - s->header);
}

void list_screen_destroy(TuiView *v)
{
    tui_list_fini(&ls(v)->list);
    free(v);
}

void list_screen_title(TuiView *v, char *buf, size_t size) { snprintf(buf, size, "%s", ls(v)->title); }

TuiList *list_screen_list(TuiView *v) { return &ls(v)->list; }
bool list_screen_busy(TuiView *v) { return tui_list_busy(&ls(v)->list); }
bool list_screen_work(TuiView *v) { return tui_list_work(&ls(v)->list); }

TuiView *list_screen_select(TuiView *v, const char *key)
{
    TuiList *l = &ls(v)->list;
    snprintf(l->sel_key, sizeof l->sel_key, "%s", key);
    tui_list_reload(l);
    return v;
}
