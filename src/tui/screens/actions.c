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
        if (a == TA_SORT_REVERSE && !tui_list_sort_reverse(l))
            return tui_say(false, "this list has one order: %s",
                           tui_list_sort_name(l, name, sizeof name));
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
    case TA_MARK: {
        if (!tui_list_mark_toggle(l))
            return tui_say(true, "no row to mark");
        tui_list_move(l, 1);
        return tui_say(false, "%zu marked (Space marks, * marks all, \\ clears)",
                       tui_list_marked(l));
    }
    case TA_MARK_ALL: {
        size_t marked = 0;
        bool more = false;
        ErrBuf err = {{0}};
        if (tui_list_mark_all(l, &marked, &more, &err) != ALLOT_OK)
            return tui_say(true, "%s", err.msg);
        return tui_say(false, "%zu marked%s", marked, more ? " (the most at once: narrow the filter)" : "");
    }
    case TA_MARKS_CLEAR:
        tui_list_marks_clear(l);
        return tui_say(false, "marks cleared");
    case TA_LEFT:
        return screen_back();
    default:
        return (TuiReaction){0};
    }
}

bool screen_is_batch_action(TuiAction a)
{
    return a == TA_CHANGE_QTY || a == TA_NUDGE_UP || a == TA_NUDGE_DOWN || a == TA_SET_ETA ||
           a == TA_DELAY || a == TA_RECEIVE;
}

/* A batch key on the marked batches of `l`: the form (one value for them all), or
 * the bulk request at once. */
static TuiReaction marked_batch_action(TuiList *l, const TuiBatchInfo *first, TuiAction a,
                                       int64_t count)
{
    TuiReaction r = tui_handled();
    r.list = l;
    r.batch = *first;
    r.bulk = a;
    switch (a) {
    case TA_RECEIVE: r.request = REQ_BULK; return r;
    case TA_DELAY:
        if (count > 0 && count <= 3650) {
            r.request = REQ_BULK;
            r.days = (int32_t)count;
            return r;
        }
        r.request = REQ_FORM;
        r.form = FORM_DELAY;
        return r;
    case TA_SET_ETA: r.request = REQ_FORM; r.form = FORM_SET_ETA; return r;
    case TA_CHANGE_QTY: r.request = REQ_FORM; r.form = FORM_CHANGE_QTY; return r;
    default:
        return tui_say(true, "+ and - change one batch: clear the marks first (\\)");
    }
}

TuiReaction screen_batch_action(const TuiEnv *env, TuiList *l, const char *ref, TuiAction a,
                                int64_t count)
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
    if (l && tui_list_marked(l) > 0)
        return marked_batch_action(l, &info, a, count);
    TuiReaction r = tui_handled();
    r.batch = info;
    r.list = l;
    switch (a) {
    case TA_RECEIVE:
        if (info.eta == ALLOT_NO_ETA)
            return tui_say(false, "%s is in the warehouse already", ref);
        r.request = REQ_COMMAND;
        r.cmd = command_change_batch_eta(ref, ALLOT_NO_ETA);
        return r;
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

TuiReaction screen_allocate_lines(TuiList *l, const char *sku, const char *orderid)
{
    if (!l || tui_list_marked(l) == 0)
        return screen_allocate(sku, orderid);
    TuiReaction r = tui_handled();
    r.request = REQ_BULK;
    r.bulk = TA_ALLOCATE;
    r.list = l;
    return r;
}

TuiReaction screen_cancel(TuiList *l, const TuiRow *row)
{
    if (l && tui_list_marked(l) > 0) {
        TuiReaction r = tui_handled();
        r.request = REQ_BULK;
        r.bulk = TA_CANCEL_LINE;
        r.list = l;
        return r;
    }
    if (!row || !row->orderid[0])
        return tui_say(true, "select an order line first");
    TuiReaction r = tui_handled();
    r.request = REQ_COMMAND;
    r.cmd = command_cancel_line(row->orderid, row->sku);
    r.always_confirm = true;
    return r;
}

typedef struct FindLine {
    const char *sku;
    TuiRow *out;
    bool found;
} FindLine;

static bool find_line(void *ctx, const TuiRow *row)
{
    FindLine *f = ctx;
    if (strcmp(row->sku, f->sku) != 0)
        return true;
    *f->out = *row;
    f->found = true;
    return false;
}

/* The order line (orderid, sku) as the read model has it now (its Order list). */
static AllotStatus line_of(const TuiEnv *env, const char *orderid, const char *sku, TuiRow *out,
                           bool *found, ErrBuf *err)
{
    TuiQuery q = {.kind = TL_ORDER, .today = env->today};
    snprintf(q.arg, sizeof q.arg, "%.*s", (int)sizeof q.arg - 1, orderid); /* an id: short */
    FindLine f = {sku, out, false};
    AllotStatus st = tui_source_each(env->src, &q, find_line, &f, err);
    *found = f.found;
    return st;
}

bool screen_bulk_question(const TuiEnv *env, const TuiReaction *r, TuiQuestion *q, char *why,
                          size_t size)
{
    size_t n = 0;
    char **keys = r->list ? tui_list_marked_keys(r->list, &n) : NULL;
    if (!n) {
        free(keys);
        snprintf(why, size, "nothing marked");
        return false;
    }
    q->bulk = xcalloc(n, sizeof *q->bulk);
    bool ok = true;
    size_t nlines = 0; /* TA_ALLOCATE: two commands a line */
    for (size_t i = 0; ok && i < n; i++) {
        Command *c = &q->bulk[q->nbulk];
        if (r->bulk == TA_CANCEL_LINE || r->bulk == TA_ALLOCATE) {
            char orderid[TUI_CURSOR_MAX];
            snprintf(orderid, sizeof orderid, "%s", keys[i]);
            char *sku = strchr(orderid, '\x1f');
            if (!sku)
                continue; /* not a line */
            *sku++ = 0;
            if (r->bulk == TA_CANCEL_LINE) {
                *c = command_cancel_line(orderid, sku);
                q->nbulk++;
                continue;
            }
            TuiRow line;
            bool found = false;
            ErrBuf err = {{0}};
            if (line_of(env, orderid, sku, &line, &found, &err) != ALLOT_OK) {
                snprintf(why, size, "%s", err.msg);
                ok = false;
            } else if (found) { /* a line cancelled since is left out */
                q->bulk = xreallocarray(q->bulk, q->nbulk + 2, sizeof *q->bulk);
                q->bulk[q->nbulk++] = command_cancel_line(orderid, sku);
                q->bulk[q->nbulk++] = command_with_need(command_allocate(orderid, sku, line.qty),
                                                        line.need, line.requested);
                nlines++;
            }
            continue;
        }
        TuiBatchInfo b;
        bool found = false;
        ErrBuf err = {{0}};
        if (env->src->ops->batch_info(env->src, keys[i], &b, &found, &err) != ALLOT_OK) {
            snprintf(why, size, "%s", err.msg);
            ok = false;
        } else if (!found) {
            snprintf(why, size, "unknown batch reference %s", keys[i]);
            ok = false;
        } else if (r->bulk == TA_DELAY && r->days) {
            int64_t eta = (int64_t)(b.eta == ALLOT_NO_ETA ? env->today : b.eta) + r->days;
            if (b.eta == ALLOT_NO_ETA && r->days < 0) {
                snprintf(why, size, "%s is in the warehouse: it cannot come earlier", b.ref);
                ok = false;
            } else {
                *c = command_change_batch_eta(b.ref, (int32_t)eta);
                q->nbulk++;
            }
        } else if (r->bulk == TA_DELAY || r->bulk == TA_SET_ETA || r->bulk == TA_RECEIVE) {
            *c = command_change_batch_eta(b.ref, r->bulk == TA_RECEIVE ? ALLOT_NO_ETA : r->eta);
            q->nbulk++;
        } else if (r->bulk == TA_CHANGE_QTY) {
            *c = command_change_batch_qty(b.ref, r->qty);
            q->nbulk++;
        }
    }
    tui_strings_free(keys, n);
    if (ok && !q->nbulk) {
        snprintf(why, size, "no marked row takes this");
        ok = false;
    }
    if (!ok)
        return false;
    char d[ALLOT_DATE_TEXT];
    const char *s = q->nbulk == 1 ? "" : "s";
    switch (r->bulk) {
    case TA_DELAY:
        if (r->days)
            snprintf(q->title, sizeof q->title, "Delay %zu marked shipment%s by %d day%s", q->nbulk,
                     s, (int)r->days, r->days == 1 || r->days == -1 ? "" : "s");
        else
            snprintf(q->title, sizeof q->title, "Delay %zu marked shipment%s to %s", q->nbulk, s,
                     date_format(r->eta, d));
        break;
    case TA_SET_ETA:
        snprintf(q->title, sizeof q->title, "Set the ETA of %zu marked batch%s to %s", q->nbulk,
                 q->nbulk == 1 ? "" : "es", date_format(r->eta, d));
        break;
    case TA_RECEIVE:
        snprintf(q->title, sizeof q->title, "Receive %zu marked shipment%s (now in the warehouse)",
                 q->nbulk, s);
        break;
    case TA_CHANGE_QTY:
        snprintf(q->title, sizeof q->title, "Set the quantity of %zu marked batch%s to %lld",
                 q->nbulk, q->nbulk == 1 ? "" : "es", (long long)r->qty);
        break;
    case TA_ALLOCATE:
        snprintf(q->title, sizeof q->title,
                 "Allocate %zu marked order line%s again (each to the first batch with room)",
                 nlines, nlines == 1 ? "" : "s");
        break;
    default:
        snprintf(q->title, sizeof q->title, "Cancel %zu marked order line%s", q->nbulk, s);
    }
    snprintf(q->note, sizeof q->note, "One transaction: all of them or none.");
    q->cmd = q->bulk[0];
    return true;
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
