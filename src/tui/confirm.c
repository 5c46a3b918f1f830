/* confirm.c — a question over the main area, and the notice (overlay.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "tui/overlay.h"

typedef struct ConfirmView {
    TuiView base;
    TuiQuestion q;
    size_t scroll; /* first line shown */
    int h;
} ConfirmView;

static ConfirmView *cv(TuiView *v) { return (ConfirmView *)v; }

void tui_question_init(TuiQuestion *q, TuiAsk ask)
{
    memset(q, 0, sizeof *q);
    q->ask = ask;
    whatif_diff_init(&q->diff);
}

void tui_question_fini(TuiQuestion *q)
{
    whatif_diff_fini(&q->diff);
    free(q->bulk);
    q->bulk = NULL;
    q->nbulk = 0;
}

static bool has_slip(const WhatIfDiff *d)
{
    for (size_t i = 0; i < d->nlines; i++)
        if (d->lines[i].has_slip && d->lines[i].slip_days)
            return true;
    return false;
}

void tui_diff_summary(const WhatIfDiff *d, char *buf, size_t size)
{
    size_t moved = 0, back = 0;
    for (size_t i = 0; i < d->nlines; i++) {
        const LineDiff *l = &d->lines[i];
        if (!line_diff_place_changed(l))
            continue;
        moved++;
        back += l->after_exists && !l->after_batch[0];
    }
    if (d->nlines == 0)
        snprintf(buf, size, "No order line changes place.");
    else if (has_slip(d))
        snprintf(buf, size,
                 "%zu order line%s affected, %zu change%s place (%zu to the backorders); slip in "
                 "days:",
                 d->nlines, d->nlines == 1 ? "" : "s", moved, moved == 1 ? "s" : "", back);
    else
        snprintf(buf, size, "%zu order line%s place (%zu to the backorders):", moved,
                 moved == 1 ? " changes" : "s change", back);
}

static const char *place(bool exists, const char *batch, const char *none)
{
    return !exists ? none : batch[0] ? batch : "BACKORDER";
}

void tui_diff_line(const LineDiff *l, char *buf, size_t size)
{
    char qty[32], ord[40], sku[40], q[16], from[40], to[40], slip[24] = "";
    snprintf(qty, sizeof qty, "×%lld", (long long)l->qty);
    tui_text_fit(l->orderid, 16, true, false, ord, sizeof ord);
    tui_text_fit(l->sku, 14, true, false, sku, sizeof sku);
    tui_text_fit(qty, 8, true, true, q, sizeof q);
    tui_text_fit(place(l->before_exists, l->before_batch, "new line"), 14, true, false, from,
                 sizeof from);
    tui_text_fit(place(l->after_exists, l->after_batch, "cancelled"), 14, false, false, to,
                 sizeof to);
    if (l->has_slip)
        snprintf(slip, sizeof slip, "  %+dd", (int)l->slip_days);
    snprintf(buf, size, "  %s %s %s  %s → %s%s", ord, sku, q, from, to, slip);
}

static void confirm_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    ConfirmView *s = cv(v);
    const TuiQuestion *q = &s->q;
    s->h = h;
    for (int i = 0; i < h; i++)
        tui_canvas_text(c, y + i, x, w, "", TS_NORMAL, true);
    char line[512];
    snprintf(line, sizeof line, "%s%s", q->updated ? "UPDATED (data changed): " : "", q->title);
    tui_canvas_text(c, y, x, w, line, TS_HEADER, true);
    int row = y + 1;
    for (const char *p = q->note; *p && row < y + h - 1;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        tui_canvas_text(c, row++, x, w, line, TS_NORMAL, true);
        p += len + (nl != NULL);
    }
    if (q->has_diff) {
        tui_diff_summary(&q->diff, line, sizeof line);
        tui_canvas_text(c, row++, x, w, line, TS_NORMAL, true);
        int room = y + h - 1 - row; /* the question on the last row */
        for (size_t i = s->scroll; i < q->diff.nlines && room > 0; i++, room--) {
            const LineDiff *l = &q->diff.lines[i];
            if (room == 1 && i + 1 < q->diff.nlines) {
                snprintf(line, sizeof line, "  … and %zu more (j/k scroll)", q->diff.nlines - i);
                tui_canvas_text(c, row++, x, w, line, TS_DIM, true);
                break;
            }
            tui_diff_line(l, line, sizeof line);
            bool warn = l->after_exists && !l->after_batch[0];
            tui_canvas_text(c, row++, x, w, line, warn ? TS_WARN : TS_NORMAL, true);
        }
    }
    const char *ask = q->ask == ASK_NOTICE  ? "Enter or Esc closes this list"
                      : q->ask == ASK_QUIT    ? "Quit? y = yes, n = no"
                      : q->ask == ASK_DISCARD ? "Discard? y = yes, n = no"
                      : q->ask == ASK_DEMO    ? "Load it? y = yes, n = no"
                      : q->ask == ASK_DROP    ? "Drop them? y = yes, n = no (nothing changes)"
                                              : "Apply? y = yes, n = no";
    tui_canvas_text(c, y + h - 1, x, w, ask, TS_KEY, true);
}

static void scroll(ConfirmView *s, TuiAction a)
{
    size_t n = s->q.diff.nlines, page = (size_t)(s->h > 5 ? s->h - 4 : 1);
    if (a == TA_DOWN || a == TA_PAGE_DOWN) {
        size_t step = a == TA_PAGE_DOWN ? page : 1;
        if (s->scroll + page < n)
            s->scroll += step;
        if (s->scroll + page > n && n > page)
            s->scroll = n - page;
    } else {
        size_t step = a == TA_PAGE_UP ? page : 1;
        s->scroll = s->scroll > step ? s->scroll - step : 0;
    }
}

static TuiReaction confirm_key(TuiView *v, TuiAction a, int64_t count)
{
    (void)count;
    ConfirmView *s = cv(v);
    TuiReaction r = tui_handled();
    switch (a) {
    case TA_DOWN:
    case TA_UP:
    case TA_PAGE_DOWN:
    case TA_PAGE_UP:
        scroll(s, a);
        return r;
    case TA_YES:
    case TA_NO:
        r.request = REQ_ANSWER;
        r.yes = a == TA_YES;
        return r;
    case TA_CLOSE:
        r.request = REQ_CLOSE;
        return r;
    default:
        return (TuiReaction){0};
    }
}

static TuiReaction confirm_unbound(TuiView *v, int key)
{
    if (cv(v)->q.ask == ASK_NOTICE) { /* any key closes a notice */
        TuiReaction r = tui_handled();
        r.request = REQ_CLOSE;
        return r;
    }
    char kn[16];
    return tui_say(false, "%s: answer the question first (y confirms, n or Esc cancels)",
                   tui_key_name(key, kn, sizeof kn));
}

static void confirm_destroy(TuiView *v)
{
    tui_question_fini(&cv(v)->q);
    free(v);
}

static const TuiViewOps confirm_ops = {
    .name = "confirm",
    .draw = confirm_draw,
    .on_key = confirm_key,
    .on_unbound = confirm_unbound,
    .destroy = confirm_destroy,
};

TuiView *tui_confirm_new(TuiQuestion *q)
{
    ConfirmView *s = xcalloc(1, sizeof *s);
    s->base.ops = &confirm_ops;
    s->base.keys = tui_keymap(q->ask == ASK_NOTICE ? "notice" : "confirm");
    s->base.area = AREA_MAIN;
    s->q = *q;
    s->h = 15;
    tui_question_init(q, q->ask); /* the diff's arrays now belong to the view */
    return &s->base;
}

TuiQuestion *tui_confirm_question(TuiView *v) { return &cv(v)->q; }

void tui_confirm_updated(TuiView *v)
{
    cv(v)->q.updated = true;
    cv(v)->scroll = 0;
}
