/* atp.c — the availability timeline of a SKU (SPEC.md §1.5, TL_ATP): per date from
 * today on, the batches arriving, what is allocated on them, their free qty and the
 * projected free qty (cumulative), with the demand still unmet (its backorders) in
 * the header.  `n` asks for a quantity and answers where and when a new line of it
 * would be served now (Promise: the batch rule 1 gives it and its promised date, or
 * that it would wait and the earliest batch that could hold it); nothing changes.
 * A count answers at once (`30n`).  Enter opens the SKU's batches.  In a what-if
 * session both read the sandbox.  Key table "atp". */
#include <stdio.h>

#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

typedef struct AtpScreen {
    ListScreen s;
    AllotId sku;
    int64_t backorder_lines, backorder_qty;
    bool have_summary;
    char answer[400]; /* the last promise, or "" */
} AtpScreen;

static AtpScreen *as(TuiView *v) { return (AtpScreen *)v; }

static void load_summary(AtpScreen *a)
{
    TuiSource *src = a->s.env->src;
    AtpTimeline t;
    ErrBuf err = {{0}};
    a->have_summary = src->ops->timeline &&
                      src->ops->timeline(src, a->sku, a->s.env->today, &t, &err) == ALLOT_OK;
    if (a->have_summary) {
        a->backorder_lines = t.backorder_lines;
        a->backorder_qty = t.backorder_qty;
        atp_fini(&t);
    }
}

static void atp_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    AtpScreen *a = as(v);
    char line[400], d[ALLOT_DATE_TEXT];
    if (a->have_summary)
        snprintf(line, sizeof line, "%s from today %s · waiting: %lld line%s, %lld units",
                 a->sku, date_format(a->s.env->today, d), (long long)a->backorder_lines,
                 a->backorder_lines == 1 ? "" : "s", (long long)a->backorder_qty);
    else
        snprintf(line, sizeof line, "Available to promise, %s", a->sku);
    tui_canvas_text(c, y, x, w, line, TS_HEADER, true);
    tui_canvas_text(c, y + 1, x, w,
                    a->answer[0] ? a->answer
                                 : "n: where and when a new line would be served (nothing changes)",
                    a->answer[0] ? TS_GOOD : TS_DIM, true);
    list_screen_draw(v, c, y, x, h, w);
}

bool tui_atp_promise(TuiView *v, int64_t qty, char *msg, size_t size)
{
    AtpScreen *a = as(v);
    TuiSource *src = a->s.env->src;
    int32_t today = a->s.env->today;
    Promise p;
    ErrBuf err = {{0}};
    if (!src->ops->promise) {
        snprintf(msg, size, "promise is not available here");
        return false;
    }
    if (src->ops->promise(src, a->sku, qty, today, &p, &err) != ALLOT_OK) {
        snprintf(msg, size, "%s", err.msg);
        return false;
    }
    char d[ALLOT_DATE_TEXT], when[48];
    if (p.batchref[0]) {
        int32_t in = p.promised - today;
        if (in <= 0)
            snprintf(when, sizeof when, "today");
        else
            snprintf(when, sizeof when, "%s (in %d day%s)", date_format(p.promised, d), (int)in,
                     in == 1 ? "" : "s");
        snprintf(a->answer, sizeof a->answer, "Promise %lld: batch %s, promised %s",
                 (long long)qty, p.batchref, when);
    } else if (p.could_ref[0]) {
        snprintf(a->answer, sizeof a->answer,
                 "Promise %lld: backordered now · %s (%s) could hold it, %lld free", (long long)qty,
                 p.could_ref, p.could_date == today ? "today" : date_format(p.could_date, d),
                 (long long)p.could_free);
    } else {
        snprintf(a->answer, sizeof a->answer, "Promise %lld: backordered now · no batch is that large",
                 (long long)qty);
    }
    snprintf(msg, size, "%s; nothing changed", a->answer);
    return true;
}

static TuiReaction atp_key(TuiView *v, TuiAction act, int64_t count)
{
    AtpScreen *a = as(v);
    switch (act) {
    case TA_PROMISE: {
        if (count > 0) {
            char text[32], msg[ALLOT_ERR_MAX];
            int64_t q;
            ErrBuf err = {{0}};
            snprintf(text, sizeof text, "%lld", (long long)count);
            if (validate_line_qty(text, &q, &err) != ALLOT_OK)
                return tui_say(true, "%s", err.msg);
            bool ok = tui_atp_promise(v, q, msg, sizeof msg);
            return tui_say(!ok, "%s", msg);
        }
        TuiReaction r = tui_handled();
        r.request = REQ_FORM;
        r.form = FORM_PROMISE;
        r.target = v;
        snprintf(r.sku, sizeof r.sku, "%s", a->sku);
        return r;
    }
    case TA_OPEN:
    case TA_RIGHT:
        return screen_push(tui_view_batches(a->s.env, a->sku), "");
    default:
        return screen_list_key(&a->s.list, act, count);
    }
}

static void atp_event(TuiView *v, TuiViewEvent ev)
{
    if (ev == TV_SHOWN && !v->stale)
        return;
    load_summary(as(v));
    list_screen_event(v, TV_DATA_CHANGED);
    v->stale = false;
}

static const TuiViewOps atp_ops = {
    .name = "atp",
    .draw = atp_draw,
    .on_key = atp_key,
    .on_event = atp_event,
    .resize = list_screen_resize,
    .destroy = list_screen_destroy,
    .title = list_screen_title,
    .list = list_screen_list,
    .busy = list_screen_busy,
    .work = list_screen_work,
};

TuiView *tui_view_atp(const TuiEnv *env, const char *sku)
{
    char t[160];
    snprintf(t, sizeof t, "Availability of %s", sku);
    AtpScreen *a = (AtpScreen *)list_screen_new(sizeof(AtpScreen), &atp_ops, "atp", env, TL_ATP,
                                                sku, t, 2);
    snprintf(a->sku, sizeof a->sku, "%s", sku);
    load_summary(a);
    return &a->s.base;
}
