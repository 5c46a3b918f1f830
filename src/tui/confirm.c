/* confirm.c — a question over the main area, and the notice (overlay.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "tui/list.h"
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

/* The columns of a line that moves, sharing the width as a list's do (list.h
 * tui_columns_share): the order id and the SKU keep their room longest. */
enum { D_ORDER, D_SKU, D_QTY, D_FROM, D_TO, D_NCOLS };
static const TuiColumn diff_columns[D_NCOLS] = {
    [D_ORDER] = {.title = "ORDER", .keep = 3, .min = 8},
    [D_SKU] = {.title = "SKU", .keep = 3, .min = 10},
    [D_QTY] = {.title = "QTY", .right = true},
    [D_FROM] = {.title = "FROM", .keep = 2, .min = 9},
    [D_TO] = {.title = "TO", .keep = 2, .min = 9},
};
/* "  ORDER SKU QTY  FROM → TO": what is not a column */
enum { D_FIXED = 2 + 1 + 1 + 2 + 3 };

/* The texts of line l, by column, and its slip ("" if none). */
static void diff_cells(const LineDiff *l, char qty[32], const char *cells[D_NCOLS], char slip[24])
{
    snprintf(qty, 32, "×%lld", (long long)l->qty);
    cells[D_ORDER] = l->orderid;
    cells[D_SKU] = l->sku;
    cells[D_QTY] = qty;
    cells[D_FROM] = place(l->before_exists, l->before_batch, "new line");
    cells[D_TO] = place(l->after_exists, l->after_batch, "cancelled");
    slip[0] = 0;
    if (l->has_slip)
        snprintf(slip, 24, "  %+dd", (int)l->slip_days);
}

void tui_diff_widths(const WhatIfDiff *d, int width, TuiDiffWidths *out)
{
    int need[D_NCOLS] = {0}, slip_w = 0;
    for (size_t i = 0; i < d->nlines; i++) {
        char qty[32], slip[24];
        const char *cells[D_NCOLS];
        diff_cells(&d->lines[i], qty, cells, slip);
        for (int c = 0; c < D_NCOLS; c++) {
            int cw = tui_text_width(cells[c]);
            need[c] = cw > need[c] ? cw : need[c];
        }
        slip_w = (int)strlen(slip) > slip_w ? (int)strlen(slip) : slip_w;
    }
    tui_columns_share(diff_columns, D_NCOLS, need, width - D_FIXED - slip_w, out->w);
}

void tui_diff_line(const LineDiff *l, const TuiDiffWidths *w, char *buf, size_t size)
{
    char qty[32], slip[24], fit[D_NCOLS][160];
    const char *cells[D_NCOLS];
    diff_cells(l, qty, cells, slip);
    for (int c = 0; c < D_NCOLS; c++)
        tui_text_fit(cells[c], w->w[c], c != D_TO, diff_columns[c].right, fit[c], sizeof fit[c]);
    snprintf(buf, size, "  %s %s %s  %s → %s%s", fit[D_ORDER], fit[D_SKU], fit[D_QTY],
             fit[D_FROM], fit[D_TO], slip);
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
        TuiDiffWidths dw;
        tui_diff_widths(&q->diff, w, &dw);
        for (size_t i = s->scroll; i < q->diff.nlines && room > 0; i++, room--) {
            const LineDiff *l = &q->diff.lines[i];
            if (room == 1 && i + 1 < q->diff.nlines) {
                snprintf(line, sizeof line, "  … and %zu more (j/k scroll)", q->diff.nlines - i);
                tui_canvas_text(c, row++, x, w, line, TS_DIM, true);
                break;
            }
            tui_diff_line(l, &dw, line, sizeof line);
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
