/* screens.c — the screens of SPEC.md §5 over the read model: Triage, Products,
 * Batches, Batch (its lines), Order, Backorders, Events, and the key-list help.  Each
 * implements view.h; their key tables are data (keys.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "tui/view.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- key tables (SPEC.md §5 "Keys") ---- */

static const TuiBinding triage_keys[] = {
    {TK_ENTER, TA_OPEN, "open", true},
    {'h', TA_LEFT, "previous panel", true},
    {TK_LEFT, TA_LEFT, "previous panel", true},
    {'l', TA_RIGHT, "next panel", true},
    {TK_RIGHT, TA_RIGHT, "next panel", true},
    {'a', TA_ALLOCATE, "allocate", false},
    {'x', TA_CANCEL_LINE, "cancel line", false},
    {'c', TA_CHANGE_QTY, "change qty", false},
    {'e', TA_SET_ETA, "set ETA", false},
    {'d', TA_DELAY, "delay", false},
};
static const TuiBinding products_keys[] = {
    {TK_ENTER, TA_OPEN, "batches", true},
    {'a', TA_ALLOCATE, "allocate", true},
};
static const TuiBinding batch_action_keys[] = {
    {TK_ENTER, TA_OPEN, "lines", true},
    {'c', TA_CHANGE_QTY, "qty", true},
    {'+', TA_NUDGE_UP, "nudge", true},
    {'-', TA_NUDGE_DOWN, "nudge", true},
    {'e', TA_SET_ETA, "ETA", true},
    {'d', TA_DELAY, "delay", true},
    {'a', TA_ALLOCATE, "allocate", false},
};
static const TuiBinding batch_keys[] = {
    {'c', TA_CHANGE_QTY, "qty", true},
    {'+', TA_NUDGE_UP, "nudge", true},
    {'-', TA_NUDGE_DOWN, "nudge", true},
    {'e', TA_SET_ETA, "ETA", true},
    {'d', TA_DELAY, "delay", true},
    {'a', TA_ALLOCATE, "allocate", true},
    {'x', TA_CANCEL_LINE, "cancel line", true},
    {TK_ENTER, TA_OPEN, "order", false},
};
static const TuiBinding order_keys[] = {
    {TK_ENTER, TA_OPEN, "batch", true},
    {'x', TA_CANCEL_LINE, "cancel line", true},
    {'a', TA_ALLOCATE, "allocate", true},
};
static const TuiBinding backorders_keys[] = {
    {TK_ENTER, TA_OPEN, "order", true},
    {'x', TA_CANCEL_LINE, "cancel line", true},
    {'a', TA_ALLOCATE, "allocate", true},
};
static const TuiBinding events_keys[] = {
    {TK_ENTER, TA_OPEN, "open", true},
    {'g', TA_TOP, "newest (follow)", true},
};
static const TuiBinding help_keys[] = {
    {'j', TA_DOWN, "scroll down", false},
    {TK_DOWN, TA_DOWN, "scroll down", false},
    {'k', TA_UP, "scroll up", false},
    {TK_UP, TA_UP, "scroll up", false},
};

static const TuiKeymap km_triage = {"triage", triage_keys, N(triage_keys)};
static const TuiKeymap km_products = {"products", products_keys, N(products_keys)};
static const TuiKeymap km_batches = {"batches", batch_action_keys, N(batch_action_keys)};
static const TuiKeymap km_batch = {"batch", batch_keys, N(batch_keys)};
static const TuiKeymap km_order = {"order", order_keys, N(order_keys)};
static const TuiKeymap km_backorders = {"backorders", backorders_keys, N(backorders_keys)};
static const TuiKeymap km_events = {"events", events_keys, N(events_keys)};
static const TuiKeymap km_help = {"help", help_keys, N(help_keys)};

static const TuiKeymap *const screen_maps[] = {&km_triage, &km_products, &km_batches, &km_batch,
                                               &km_order,  &km_backorders, &km_events, &km_help};

size_t tui_screen_keymaps(const TuiKeymap *const **out)
{
    *out = screen_maps;
    return N(screen_maps);
}

/* ---- actions shared by every list ---- */

static TuiReaction handled(void) { return (TuiReaction){.handled = true}; }

static TuiReaction status(bool error, const char *fmt, const char *a, const char *b)
{
    TuiReaction r = handled();
    snprintf(r.status, sizeof r.status, fmt, a ? a : "", b ? b : "");
    r.status_error = error;
    return r;
}

static bool is_batch_kind(TuiListKind k) { return k == TL_BATCHES || k == TL_DUE; }
static bool is_line_kind(TuiListKind k)
{
    return k == TL_BATCH_LINES || k == TL_ORDER || k == TL_BACKORDERS;
}

/* The batch a batch action applies to: the selected batch row, or the screen's
 * batch (`ref`). */
static TuiReaction batch_action(const TuiEnv *env, const char *ref, TuiAction a, int64_t count)
{
    if (!ref || !ref[0])
        return status(true, "no batch selected", NULL, NULL);
    TuiBatchInfo info;
    bool found = false;
    ErrBuf err = {{0}};
    if (env->src->ops->batch_info(env->src, ref, &info, &found, &err) != ALLOT_OK)
        return status(true, "%s", err.msg, NULL);
    if (!found)
        return status(true, "unknown batch reference %s", ref, NULL);
    TuiReaction r = handled();
    r.batch = info;
    switch (a) {
    case TA_CHANGE_QTY:
        if (count > 0) {
            /* the CLI's check and message (validate.h validate_batch_qty) */
            char text[32];
            int64_t q;
            snprintf(text, sizeof text, "%lld", (long long)count);
            if (validate_batch_qty(text, &q, &err) != ALLOT_OK)
                return status(true, "%s", err.msg, NULL);
            r.request = REQ_COMMAND;
            r.cmd = command_change_batch_qty(ref, q);
            r.always_confirm = false; /* asks when lines move (app.c submit) */
        } else {
            r.request = REQ_FORM;
            r.form = FORM_CHANGE_QTY;
        }
        break;
    case TA_NUDGE_UP:
    case TA_NUDGE_DOWN: {
        /* refused, never clamped, when the result leaves 0..ALLOT_QTY_MAX */
        int64_t n = count > 0 ? count : 1;
        int64_t q = a == TA_NUDGE_UP ? info.qty + n : info.qty - n;
        if (q < 0) {
            r = handled();
            snprintf(r.status, sizeof r.status,
                     "%s has qty %lld: lowering it by %lld would go below 0 (refused; c0 sets 0)",
                     ref, (long long)info.qty, (long long)n);
            r.status_error = true;
            return r;
        }
        if (q > ALLOT_QTY_MAX) {
            r = handled();
            snprintf(r.status, sizeof r.status,
                     "refused: %s qty %lld + %lld must be between 0 and %lld", ref,
                     (long long)info.qty, (long long)n, (long long)ALLOT_QTY_MAX);
            r.status_error = true;
            return r;
        }
        r.request = REQ_COMMAND;
        r.cmd = command_change_batch_qty(ref, q);
        break;
    }
    case TA_SET_ETA:
        r.request = REQ_FORM;
        r.form = FORM_SET_ETA;
        break;
    case TA_DELAY:
        /* A batch in the warehouse delayed by N days arrives today + N (whatif.h
         * delay_preview; docs/whatif.md). */
        if (count > 0) {
            if (count > 3650)
                return status(true, "delay too long for %s (at most 3650 days)", ref, NULL);
            r.request = REQ_DELAY;
            r.days = (int32_t)count;
        } else {
            r.request = REQ_FORM;
            r.form = FORM_DELAY;
        }
        break;
    default:
        return (TuiReaction){0};
    }
    return r;
}

/* Opens `v` with the selection on the row whose key is `key` if it is on the first
 * page (the order line one came from). */
static TuiView *select_row(TuiView *v, const char *key);

static TuiView *open_row(const TuiEnv *env, TuiListKind kind, const TuiRow *row)
{
    switch (kind) {
    case TL_PRODUCTS:
    case TL_SHORT:
        return tui_view_batches(env, row->sku);
    case TL_BATCHES:
    case TL_DUE:
        return tui_view_batch(env, row->ref);
    case TL_BATCH_LINES:
    case TL_BACKORDERS:
        return select_row(tui_view_order(env, row->orderid), row->key);
    case TL_ORDER:
        return row->ref[0] ? select_row(tui_view_batch(env, row->ref), row->key) : NULL;
    case TL_EVENTS:
    case TL_TODAY:
        if (row->orderid[0])
            return tui_view_order(env, row->orderid);
        if (row->ref[0])
            return tui_view_batch(env, row->ref);
        return NULL;
    default:
        return NULL;
    }
}

/* Keys of a list of `kind` (`screen_ref`: the batch a Batch screen shows). */
static TuiReaction list_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count,
                            const char *screen_ref, const char *screen_sku)
{
    const TuiRow *row = tui_list_selected(l);
    TuiListKind kind = l->q.kind;
    long n = count > 0 ? (long)count : 1;
    switch (a) {
    case TA_UP: tui_list_move(l, -n); return handled();
    case TA_DOWN: tui_list_move(l, n); return handled();
    case TA_PAGE_UP: tui_list_page(l, -(int)n); return handled();
    case TA_PAGE_DOWN: tui_list_page(l, (int)n); return handled();
    case TA_TOP: tui_list_home(l); return handled();
    case TA_BOTTOM: tui_list_end(l); return handled();
    case TA_SORT:
        if (tui_kind_sort_count(kind) < 2)
            return status(false, "this list has one order: %s", tui_list_sort_name(l), NULL);
        tui_list_cycle_sort(l);
        return status(false, "sorted by %s", tui_list_sort_name(l), NULL);
    case TA_FILTER: {
        TuiReaction r = handled();
        r.request = REQ_FORM;
        r.form = FORM_FILTER;
        r.list = l;
        return r;
    }
    case TA_OPEN:
    case TA_RIGHT: {
        if (!row)
            return status(false, "nothing to open", NULL, NULL);
        TuiView *v = open_row(env, kind, row);
        if (!v)
            return status(false, "%s is a backorder: no batch to open", row->orderid, NULL);
        TuiReaction r = handled();
        r.request = REQ_PUSH;
        r.push = v;
        return r;
    }
    case TA_LEFT: {
        TuiReaction r = handled();
        r.request = REQ_BACK;
        return r;
    }
    case TA_CHANGE_QTY:
    case TA_NUDGE_UP:
    case TA_NUDGE_DOWN:
    case TA_SET_ETA:
    case TA_DELAY:
        if (screen_ref && screen_ref[0])
            return batch_action(env, screen_ref, a, count);
        if (is_batch_kind(kind))
            return batch_action(env, row ? row->ref : NULL, a, count);
        return status(true, "select a batch first (Batches screen)", NULL, NULL);
    case TA_ALLOCATE: {
        TuiReaction r = handled();
        r.request = REQ_FORM;
        r.form = FORM_ALLOCATE;
        const char *sku = screen_sku && screen_sku[0] ? screen_sku
                          : row && kind != TL_ORDER && kind != TL_EVENTS && kind != TL_TODAY
                              ? row->sku
                              : "";
        snprintf(r.sku, sizeof r.sku, "%s", sku);
        if (kind == TL_ORDER) /* the Order screen knows the order */
            snprintf(r.orderid, sizeof r.orderid, "%s", l->q.arg);
        return r;
    }
    case TA_CANCEL_LINE: {
        if (!is_line_kind(kind) || !row)
            return status(true, "select an order line first", NULL, NULL);
        TuiReaction r = handled();
        r.request = REQ_COMMAND;
        r.cmd = command_cancel_line(row->orderid, row->sku);
        r.always_confirm = true;
        return r;
    }
    default:
        return (TuiReaction){0};
    }
}

/* ---- a screen with one list ---- */

typedef struct ListView {
    TuiView base;
    TuiEnv env;
    TuiList list;
    char title[160];
    AllotId ref, sku;      /* Batch screen: its batch and SKU */
    TuiBatchInfo info;     /* Batch screen header */
    bool have_info;
    int64_t watermark;     /* Events: newest id seen when it stopped following */
    int h, w;
} ListView;

static ListView *lv(TuiView *v) { return (ListView *)v; }

static int list_top_lines(ListView *v) { return v->list.q.kind == TL_BATCH_LINES ? 2 : 0; }

static void load_info(ListView *v)
{
    if (v->list.q.kind != TL_BATCH_LINES)
        return;
    ErrBuf err = {{0}};
    bool found = false;
    v->have_info = v->env.src->ops->batch_info(v->env.src, v->ref, &v->info, &found, &err) ==
                       ALLOT_OK &&
                   found;
    if (v->have_info)
        snprintf(v->sku, sizeof v->sku, "%s", v->info.sku);
}

static void list_view_draw(TuiView *vv, TuiCanvas *c, int y, int x, int h, int w)
{
    ListView *v = lv(vv);
    int top = list_top_lines(v);
    if (top) {
        char line[320], d[ALLOT_DATE_TEXT];
        if (v->have_info) {
            snprintf(line, sizeof line, "Batch %s  SKU %s  qty %lld  allocated %lld  available %lld",
                     v->info.ref, v->info.sku, (long long)v->info.qty,
                     (long long)v->info.allocated, (long long)(v->info.qty - v->info.allocated));
            tui_canvas_text(c, y, x, w, line, TS_HEADER, true);
            snprintf(line, sizeof line, "ETA %s   %lld line%s%s",
                     v->info.eta == ALLOT_NO_ETA ? "none (in the warehouse)"
                                                 : date_format(v->info.eta, d),
                     (long long)v->info.lines, v->info.lines == 1 ? "" : "s",
                     v->info.allocated >= v->info.qty ? "   FULL" : "");
            tui_canvas_text(c, y + 1, x, w, line, TS_NORMAL, true);
        } else {
            snprintf(line, sizeof line, "Batch %s: not found (deleted or renamed?)", v->ref);
            tui_canvas_text(c, y, x, w, line, TS_ERROR, true);
        }
    }
    tui_list_draw(&v->list, c, y + top, x, w, true);
    (void)h;
}

static TuiReaction list_view_key(TuiView *vv, TuiAction a, int64_t count)
{
    ListView *v = lv(vv);
    bool events = v->list.q.kind == TL_EVENTS;
    int64_t newest = events && v->list.rows.len ? v->list.rows.items[0].event_id : 0;
    bool was_live = events && tui_list_on_first(&v->list);
    TuiReaction r = list_key(&v->env, &v->list, a, count,
                             v->list.q.kind == TL_BATCH_LINES ? v->ref : NULL,
                             v->list.q.kind == TL_BATCH_LINES    ? v->sku
                             : v->list.q.kind == TL_BATCHES      ? v->list.q.arg
                             : v->list.q.kind == TL_BACKORDERS   ? v->list.q.arg
                                                                 : NULL);
    if (events) {
        if (tui_list_on_first(&v->list))
            v->watermark = 0;
        else if (was_live)
            v->watermark = newest;
    }
    return r;
}

static void list_view_event(TuiView *vv, TuiViewEvent ev)
{
    ListView *v = lv(vv);
    if (ev == TV_SHOWN && !vv->stale)
        return;
    vv->stale = false;
    load_info(v);
    tui_list_refresh(&v->list);
}

static void list_view_resize(TuiView *vv, int h, int w)
{
    ListView *v = lv(vv);
    v->h = h;
    v->w = w;
    int rows = h - 1 - list_top_lines(v);
    tui_list_set_height(&v->list, rows < 1 ? 1 : rows);
}

static void list_view_destroy(TuiView *vv)
{
    tui_list_fini(&lv(vv)->list);
    free(vv);
}

static void list_view_title(TuiView *vv, char *buf, size_t size)
{
    snprintf(buf, size, "%s", lv(vv)->title);
}

static TuiList *list_view_list(TuiView *vv) { return &lv(vv)->list; }

static TuiView *select_row(TuiView *v, const char *key)
{
    TuiList *l = &lv(v)->list;
    snprintf(l->sel_key, sizeof l->sel_key, "%s", key);
    tui_list_reload(l);
    return v;
}

#define LIST_OPS(var, nm)                                                                      \
    static const TuiViewOps var = {                                                            \
        .name = nm,                                                                            \
        .draw = list_view_draw,                                                                \
        .on_key = list_view_key,                                                               \
        .on_event = list_view_event,                                                           \
        .resize = list_view_resize,                                                            \
        .destroy = list_view_destroy,                                                          \
        .title = list_view_title,                                                              \
        .list = list_view_list,                                                                \
    }

LIST_OPS(products_ops, "products");
LIST_OPS(batches_ops, "batches");
LIST_OPS(batch_ops, "batch");
LIST_OPS(order_ops, "order");
LIST_OPS(backorders_ops, "backorders");
LIST_OPS(events_ops, "events");

static TuiView *list_view_new(const TuiEnv *env, const TuiViewOps *ops, const TuiKeymap *keys,
                              TuiListKind kind, const char *arg, const char *title)
{
    ListView *v = xcalloc(1, sizeof *v);
    v->base.ops = ops;
    v->base.keys = keys;
    v->base.uses_list = true;
    v->env = *env;
    snprintf(v->title, sizeof v->title, "%s", title);
    tui_list_init(&v->list, env->src, kind, arg, env->today);
    if (kind == TL_BATCH_LINES)
        snprintf(v->ref, sizeof v->ref, "%s", arg);
    load_info(v);
    tui_list_reload(&v->list);
    return &v->base;
}

TuiView *tui_view_products(const TuiEnv *env)
{
    return list_view_new(env, &products_ops, &km_products, TL_PRODUCTS, "", "Products");
}

TuiView *tui_view_batches(const TuiEnv *env, const char *sku)
{
    char t[160];
    if (sku && sku[0])
        snprintf(t, sizeof t, "Batches of %s", sku);
    else
        snprintf(t, sizeof t, "Batches");
    return list_view_new(env, &batches_ops, &km_batches, TL_BATCHES, sku, t);
}

TuiView *tui_view_batch(const TuiEnv *env, const char *ref)
{
    char t[160];
    snprintf(t, sizeof t, "Batch %s", ref);
    return list_view_new(env, &batch_ops, &km_batch, TL_BATCH_LINES, ref, t);
}

TuiView *tui_view_order(const TuiEnv *env, const char *orderid)
{
    char t[160];
    snprintf(t, sizeof t, "Order %s", orderid);
    return list_view_new(env, &order_ops, &km_order, TL_ORDER, orderid, t);
}

TuiView *tui_view_backorders(const TuiEnv *env, const char *sku)
{
    char t[160];
    if (sku && sku[0])
        snprintf(t, sizeof t, "Backorders of %s", sku);
    else
        snprintf(t, sizeof t, "Backorders");
    return list_view_new(env, &backorders_ops, &km_backorders, TL_BACKORDERS, sku, t);
}

TuiView *tui_view_events(const TuiEnv *env)
{
    return list_view_new(env, &events_ops, &km_events, TL_EVENTS, "", "Events");
}

bool tui_view_events_paused(TuiView *vv, int64_t *new_count)
{
    *new_count = 0;
    if (vv->ops != &events_ops)
        return false;
    ListView *v = lv(vv);
    if (tui_list_on_first(&v->list) || v->watermark == 0)
        return false;
    int64_t max = 0;
    ErrBuf err;
    if (v->env.src->ops->max_event_id(v->env.src, &max, &err) == ALLOT_OK && max > v->watermark)
        *new_count = max - v->watermark;
    return true;
}

/* ---- Triage: four panels ---- */

enum { TRIAGE_PANES = 4 };

typedef struct TriageView {
    TuiView base;
    TuiEnv env;
    TuiList lists[TRIAGE_PANES];
    int focus;
    int h, w;
} TriageView;

static const TuiListKind triage_kinds[TRIAGE_PANES] = {TL_BACKORDERS, TL_SHORT, TL_DUE, TL_TODAY};
static const char *const triage_titles[TRIAGE_PANES] = {
    "Backorders, oldest first", "SKUs short of stock", "Shipments due in 14 days",
    "Today's events"};

static TriageView *tv(TuiView *v) { return (TriageView *)v; }

static void triage_geometry(const TriageView *t, int i, int *py, int *px, int *ph, int *pw)
{
    int half_h = t->h / 2, left_w = (t->w - 1) / 2;
    *py = i < 2 ? 0 : half_h;
    *ph = i < 2 ? half_h : t->h - half_h;
    *px = i % 2 ? left_w + 1 : 0;
    *pw = i % 2 ? t->w - left_w - 1 : left_w;
}

static void triage_draw(TuiView *vv, TuiCanvas *c, int y, int x, int h, int w)
{
    TriageView *t = tv(vv);
    (void)h;
    (void)w;
    for (int i = 0; i < TRIAGE_PANES; i++) {
        int py, px, ph, pw;
        triage_geometry(t, i, &py, &px, &ph, &pw);
        char title[200];
        bool more = !t->lists[i].at_end;
        snprintf(title, sizeof title, "%s %s%s", i == t->focus ? "▶" : " ", triage_titles[i],
                 more ? " (more…)" : "");
        tui_canvas_text(c, y + py, x + px, pw, title, i == t->focus ? TS_TAB : TS_HEADER, true);
        tui_list_draw(&t->lists[i], c, y + py + 1, x + px, pw, i == t->focus);
        (void)ph;
    }
}

static TuiReaction triage_key(TuiView *vv, TuiAction a, int64_t count)
{
    TriageView *t = tv(vv);
    if (a == TA_LEFT || a == TA_RIGHT) {
        t->focus = (t->focus + (a == TA_RIGHT ? 1 : TRIAGE_PANES - 1)) % TRIAGE_PANES;
        return handled();
    }
    TuiList *l = &t->lists[t->focus];
    const TuiRow *row = tui_list_selected(l);
    return list_key(&t->env, l, a, count, NULL,
                    row && (l->q.kind == TL_SHORT || l->q.kind == TL_BACKORDERS) ? row->sku
                                                                                 : NULL);
}

static void triage_event(TuiView *vv, TuiViewEvent ev)
{
    if (ev == TV_SHOWN && !vv->stale)
        return;
    vv->stale = false;
    for (int i = 0; i < TRIAGE_PANES; i++)
        tui_list_refresh(&tv(vv)->lists[i]);
}

static void triage_resize(TuiView *vv, int h, int w)
{
    TriageView *t = tv(vv);
    t->h = h;
    t->w = w;
    for (int i = 0; i < TRIAGE_PANES; i++) {
        int py, px, ph, pw;
        triage_geometry(t, i, &py, &px, &ph, &pw);
        tui_list_set_height(&t->lists[i], ph - 2 < 1 ? 1 : ph - 2);
    }
}

static void triage_destroy(TuiView *vv)
{
    for (int i = 0; i < TRIAGE_PANES; i++)
        tui_list_fini(&tv(vv)->lists[i]);
    free(vv);
}

static void triage_title(TuiView *vv, char *buf, size_t size)
{
    (void)vv;
    snprintf(buf, size, "Triage");
}

static TuiList *triage_list(TuiView *vv) { return &tv(vv)->lists[tv(vv)->focus]; }

static const TuiViewOps triage_ops = {
    .name = "triage",
    .draw = triage_draw,
    .on_key = triage_key,
    .on_event = triage_event,
    .resize = triage_resize,
    .destroy = triage_destroy,
    .title = triage_title,
    .list = triage_list,
};

TuiView *tui_view_triage(const TuiEnv *env)
{
    TriageView *t = xcalloc(1, sizeof *t);
    t->base.ops = &triage_ops;
    t->base.keys = &km_triage;
    t->base.uses_list = true;
    t->env = *env;
    for (int i = 0; i < TRIAGE_PANES; i++) {
        tui_list_init(&t->lists[i], env->src, triage_kinds[i], "", env->today);
        tui_list_reload(&t->lists[i]);
    }
    return &t->base;
}

/* ---- Help: the key list generated from the tables (the terminal shell opens
 * the Markdown viewer, src/tui/help_view.h, instead whenever it is built) ---- */

typedef struct HelpView {
    TuiView base;
    char screen[32];
    int scroll;
} HelpView;

typedef struct HelpDraw {
    TuiCanvas *c;
    int y, x, h, w, line, skip;
    const char *screen;
    const char *table; /* the table listed in this pass */
} HelpDraw;

static void help_line(HelpDraw *d, const char *text, TuiStyle st)
{
    if (d->line >= d->skip && d->line - d->skip < d->h)
        tui_canvas_text(d->c, d->y + d->line - d->skip, d->x, d->w, text, st, true);
    d->line++;
}

static void help_visit(const char *screen, const char *key, const char *action, const char *note,
                       void *ctx)
{
    HelpDraw *d = ctx;
    (void)action;
    if (strcmp(screen, d->table) != 0)
        return;
    char line[200];
    snprintf(line, sizeof line, "  %-10s %-8s %s", key, screen, note);
    help_line(d, line, TS_NORMAL);
}

static void help_draw(TuiView *vv, TuiCanvas *c, int y, int x, int h, int w)
{
    HelpView *hv = (HelpView *)vv;
    HelpDraw d = {c, y, x, h, w, 0, hv->scroll, hv->screen, hv->screen};
    char title[120];
    snprintf(title, sizeof title, "Keys of the %s screen (generated from the key tables)",
             hv->screen);
    help_line(&d, title, TS_HEADER);
    help_line(&d, "", TS_NORMAL);
    /* the screen's own keys first, then moving in lists, then everywhere */
    const char *tables[3] = {hv->screen, "list", "global"};
    for (int i = 0; i < 3; i++) {
        d.table = tables[i];
        tui_keys_foreach(help_visit, &d);
    }
    help_line(&d, "", TS_NORMAL);
    help_line(&d, "A count before a key repeats it or gives its number: 10+ adds 10, 3d delays 3 days.",
              TS_DIM);
    help_line(&d, "q or Esc closes this page.", TS_DIM);
}

static TuiReaction help_key(TuiView *vv, TuiAction a, int64_t count)
{
    HelpView *hv = (HelpView *)vv;
    (void)count;
    if (a == TA_DOWN)
        hv->scroll++;
    else if (a == TA_UP && hv->scroll > 0)
        hv->scroll--;
    else
        return (TuiReaction){0};
    return handled();
}

static void help_event(TuiView *vv, TuiViewEvent ev) { (void)vv, (void)ev; }
static void help_resize(TuiView *vv, int h, int w) { (void)vv, (void)h, (void)w; }
static void help_destroy(TuiView *vv) { free(vv); }
static void help_title(TuiView *vv, char *buf, size_t size)
{
    snprintf(buf, size, "Help: %s", ((HelpView *)vv)->screen);
}
static TuiList *help_list(TuiView *vv) { (void)vv; return NULL; }

static const TuiViewOps help_ops = {
    .name = "help",
    .draw = help_draw,
    .on_key = help_key,
    .on_event = help_event,
    .resize = help_resize,
    .destroy = help_destroy,
    .title = help_title,
    .list = help_list,
};

TuiView *tui_view_help(const TuiEnv *env, const char *screen)
{
    (void)env;
    HelpView *h = xcalloc(1, sizeof *h);
    h->base.ops = &help_ops;
    h->base.keys = &km_help;
    snprintf(h->screen, sizeof h->screen, "%s", screen);
    return &h->base;
}
