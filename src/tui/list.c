/* list.c — the list widget (list.h). */
#include "tui/list.h"

#include <stdio.h>
#include <string.h>

/* Rows fetched per page, and the most rows the window keeps. */
static size_t page_size(const TuiList *l) { return (size_t)(l->height > 16 ? l->height : 16) * 2; }
static size_t window_max(const TuiList *l) { return page_size(l) * 4; }

void tui_list_init(TuiList *l, const TuiEnv *env, TuiListKind kind, const char *arg)
{
    memset(l, 0, sizeof *l);
    l->env = env;
    l->q.kind = kind;
    snprintf(l->q.arg, sizeof l->q.arg, "%s", arg ? arg : "");
    l->q.today = env->today;
    l->height = 10;
    l->at_start = l->at_end = true;
}

void tui_list_fini(TuiList *l) { tui_rows_fini(&l->rows); }

static void remember_sel(TuiList *l)
{
    if (l->sel < l->rows.len)
        snprintf(l->sel_key, sizeof l->sel_key, "%s", l->rows.items[l->sel].key);
}

static bool fetch(TuiList *l, TuiFetch how, const char *cursor, size_t limit, TuiRowVec *out)
{
    ErrBuf err = {{0}};
    TuiSource *src = l->env->src;
    l->q.today = l->env->today;
    AllotStatus st = src->ops->fetch(src, &l->q, how, cursor, limit, out, &err);
    if (st != ALLOT_OK) {
        l->has_error = true;
        l->err = err;
        if (!l->err.msg[0])
            snprintf(l->err.msg, sizeof l->err.msg, "%s", allot_status_message(st));
        return false;
    }
    l->has_error = false;
    return true;
}

/* Puts the selection on the row with key sel_key if loaded, else clamps `fallback`;
 * then scrolls so that it is visible. */
static void settle(TuiList *l, size_t fallback, size_t old_top)
{
    size_t n = l->rows.len;
    size_t sel = n ? (fallback < n ? fallback : n - 1) : 0;
    if (l->sel_key[0])
        for (size_t i = 0; i < n; i++)
            if (strcmp(l->rows.items[i].key, l->sel_key) == 0) {
                sel = i;
                break;
            }
    l->sel = sel;
    l->top = old_top;
    size_t h = (size_t)l->height;
    if (l->top > l->sel)
        l->top = l->sel;
    if (l->sel >= l->top + h)
        l->top = l->sel + 1 - h;
    if (n > h && l->top > n - h && !l->at_end)
        l->top = n - h;
    if (n <= h)
        l->top = 0;
    remember_sel(l);
}

static void load_first(TuiList *l)
{
    tui_rows_clear(&l->rows);
    size_t lim = page_size(l);
    if (!fetch(l, TF_FIRST, NULL, lim, &l->rows))
        tui_rows_clear(&l->rows);
    l->at_start = true;
    l->at_end = l->rows.len < lim;
}

void tui_list_reload(TuiList *l)
{
    load_first(l);
    settle(l, 0, 0);
}

/* The selected row (sel_key) moved out of the window: asks the source where it is
 * now and loads the window around it, `above` rows before it.  Returns false if
 * it is gone (or the source cannot say). */
static bool follow_selection(TuiList *l, size_t above)
{
    TuiSource *src = l->env->src;
    if (!src->ops->locate)
        return false;
    char cur[TUI_CURSOR_MAX];
    bool found = false;
    ErrBuf err = {{0}};
    l->q.today = l->env->today;
    if (src->ops->locate(src, &l->q, l->sel_key, cur, sizeof cur, &found, &err) != ALLOT_OK ||
        !found)
        return false;
    /* one row more than `above` before it: whether it is the list's start */
    TuiRowVec rows = {0};
    size_t lim = page_size(l);
    if (!fetch(l, TF_BEFORE, cur, above + 1, &rows)) {
        tui_rows_fini(&rows);
        return false;
    }
    l->at_start = rows.len <= above;
    if (!l->at_start) {
        memmove(rows.items, rows.items + 1, (rows.len - 1) * sizeof *rows.items);
        rows.len--;
    }
    size_t before = rows.len;
    if (!fetch(l, TF_FROM, cur, lim, &rows)) {
        tui_rows_fini(&rows);
        return false;
    }
    tui_rows_fini(&l->rows);
    l->rows = rows;
    l->at_end = rows.len - before < lim;
    l->sel = before;
    l->top = 0;
    return true;
}

void tui_list_refresh(TuiList *l)
{
    /* an event list whose newest row is selected follows the newest */
    if ((l->q.kind == TL_EVENTS || l->q.kind == TL_TODAY) && tui_list_on_first(l))
        l->sel_key[0] = 0;
    size_t old_sel = l->sel, old_top = l->top;
    if (l->at_start || l->rows.len == 0) {
        size_t want = l->rows.len > page_size(l) ? l->rows.len : page_size(l);
        TuiRowVec fresh = {0};
        if (!fetch(l, TF_FIRST, NULL, want, &fresh)) {
            tui_rows_fini(&fresh);
            return;
        }
        tui_rows_fini(&l->rows);
        l->rows = fresh;
        l->at_start = true;
        l->at_end = fresh.len < want;
    } else {
        char start[TUI_CURSOR_MAX];
        snprintf(start, sizeof start, "%s", l->rows.items[0].cursor);
        size_t want = l->rows.len;
        TuiRowVec fresh = {0};
        if (!fetch(l, TF_FROM, start, want, &fresh)) {
            tui_rows_fini(&fresh);
            return;
        }
        tui_rows_fini(&l->rows);
        l->rows = fresh;
        l->at_end = fresh.len < want;
        if (l->rows.len == 0) { /* everything from there on vanished */
            load_first(l);
            old_sel = old_top = 0;
        }
    }
    bool in_window = !l->sel_key[0];
    for (size_t i = 0; !in_window && i < l->rows.len; i++)
        in_window = strcmp(l->rows.items[i].key, l->sel_key) == 0;
    if (!in_window) {
        size_t above = old_sel >= old_top ? old_sel - old_top : 0;
        if (follow_selection(l, above)) {
            old_top = 0;
        } else {
            snprintf(l->lost, sizeof l->lost, "%s", l->sel_key);
            l->sel_key[0] = 0;
        }
    }
    settle(l, old_sel, old_top);
}

bool tui_list_take_lost(TuiList *l, char *buf, size_t size)
{
    if (!l->lost[0])
        return false;
    tui_key_text(l->lost, buf, size);
    l->lost[0] = 0;
    return true;
}

void tui_list_set_height(TuiList *l, int height)
{
    l->height = height < 1 ? 1 : height;
    settle(l, l->sel, l->top);
}

/* Appends the next page; trims the front if the window is too big.  Returns the
 * number of rows added. */
static size_t grow_down(TuiList *l)
{
    if (l->at_end || l->rows.len == 0)
        return 0;
    size_t before = l->rows.len, lim = page_size(l);
    char cur[TUI_CURSOR_MAX];
    snprintf(cur, sizeof cur, "%s", l->rows.items[before - 1].cursor);
    if (!fetch(l, TF_AFTER, cur, lim, &l->rows))
        return 0;
    size_t added = l->rows.len - before;
    l->at_end = added < lim;
    if (l->rows.len > window_max(l)) {
        size_t drop = l->rows.len - window_max(l);
        if (drop > l->top)
            drop = l->top;
        if (drop) {
            memmove(l->rows.items, l->rows.items + drop,
                    (l->rows.len - drop) * sizeof *l->rows.items);
            l->rows.len -= drop;
            l->sel -= drop;
            l->top -= drop;
            l->at_start = false;
        }
    }
    return added;
}

/* Prepends the previous page; trims the back.  Returns rows added. */
static size_t grow_up(TuiList *l)
{
    if (l->at_start || l->rows.len == 0)
        return 0;
    size_t lim = page_size(l);
    TuiRowVec prev = {0};
    if (!fetch(l, TF_BEFORE, l->rows.items[0].cursor, lim, &prev)) {
        tui_rows_fini(&prev);
        return 0;
    }
    size_t added = prev.len;
    if (added < lim)
        l->at_start = true;
    if (added) {
        for (size_t i = 0; i < l->rows.len; i++)
            *tui_rows_push(&prev) = l->rows.items[i];
        tui_rows_fini(&l->rows);
        l->rows = prev;
        l->sel += added;
        l->top += added;
        if (l->rows.len > window_max(l)) {
            size_t keep = window_max(l);
            if (keep < l->top + (size_t)l->height)
                keep = l->top + (size_t)l->height;
            if (keep < l->rows.len) {
                l->rows.len = keep;
                l->at_end = false;
            }
        }
    } else {
        tui_rows_fini(&prev);
    }
    return added;
}

void tui_list_move(TuiList *l, long delta)
{
    if (l->rows.len == 0)
        return;
    if (delta > 0) {
        while (l->sel + (size_t)delta >= l->rows.len && grow_down(l) > 0)
            ;
        size_t target = l->sel + (size_t)delta;
        l->sel = target < l->rows.len ? target : l->rows.len - 1;
    } else if (delta < 0) {
        size_t up = (size_t)(-delta);
        while (up > l->sel && grow_up(l) > 0)
            ;
        l->sel = up > l->sel ? 0 : l->sel - up;
    }
    size_t h = (size_t)l->height;
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + h)
        l->top = l->sel + 1 - h;
    remember_sel(l);
}

void tui_list_page(TuiList *l, int pages)
{
    tui_list_move(l, (long)pages * (l->height > 1 ? l->height - 1 : 1));
}

void tui_list_home(TuiList *l)
{
    load_first(l);
    l->sel_key[0] = 0;
    settle(l, 0, 0);
}

void tui_list_end(TuiList *l)
{
    tui_rows_clear(&l->rows);
    size_t lim = page_size(l);
    if (!fetch(l, TF_LAST, NULL, lim, &l->rows))
        tui_rows_clear(&l->rows);
    l->at_end = true;
    l->at_start = l->rows.len < lim;
    l->sel_key[0] = 0;
    size_t n = l->rows.len;
    size_t h = (size_t)l->height;
    l->sel = n ? n - 1 : 0;
    l->top = n > h ? n - h : 0;
    remember_sel(l);
}

void tui_list_cycle_sort(TuiList *l)
{
    l->q.sort = (l->q.sort + 1) % tui_kind_sort_count(l->q.kind);
    load_first(l);
    settle(l, 0, 0);
}

const char *tui_list_sort_name(const TuiList *l) { return tui_query_order_name(&l->q); }

void tui_list_set_filter(TuiList *l, const char *text)
{
    snprintf(l->q.filter, sizeof l->q.filter, "%s", text ? text : "");
    load_first(l);
    settle(l, 0, 0);
}

const TuiRow *tui_list_selected(const TuiList *l)
{
    return l->sel < l->rows.len ? &l->rows.items[l->sel] : NULL;
}

bool tui_list_on_first(const TuiList *l) { return l->at_start && l->sel == 0; }

static TuiStyle row_style(const TuiRow *r)
{
    if (r->flags & (TUI_ROW_SHORT | TUI_ROW_OVER | TUI_ROW_WARN_EVENT | TUI_ROW_LATE))
        return TS_WARN;
    if (r->flags & TUI_ROW_WHATIF)
        return TS_GOOD;
    if (r->flags & TUI_ROW_FULL)
        return TS_DIM;
    return TS_NORMAL;
}

/* Column widths for `width` display columns.  A number column is at least as wide
 * as its widest value on screen (`need`) and is never narrowed below that; the
 * other columns start at their width and, when the row does not fit, give up room
 * toward their `min` in proportion to what they can give, then below it if they
 * must.  The last column takes the rest. */
static void column_widths(const TuiKindInfo *k, int width, const int *need, int *w)
{
    int n = (int)k->ncolumns, fixed = 0, slack = 0;
    int floor[TUI_MAX_COLS];
    for (int i = 0; i < n - 1; i++) {
        bool num = k->columns[i].right;
        w[i] = k->columns[i].width;
        if (num && need[i] > w[i])
            w[i] = need[i];
        floor[i] = num ? need[i] : k->columns[i].min;
        if (floor[i] > w[i])
            floor[i] = w[i];
        fixed += w[i] + 1;
        slack += w[i] - floor[i];
    }
    w[n - 1] = 0;
    int last_min = k->columns[n - 1].right ? need[n - 1] : k->columns[n - 1].min;
    int room = width - 2 - last_min; /* marker, last column */
    if (room < 0)
        room = 0;
    int over = fixed - room;
    if (over <= 0)
        return;
    int take = over < slack ? over : slack, taken = 0;
    for (int i = 0; i < n - 1 && slack > 0; i++) {
        int t = (int)((long)take * (w[i] - floor[i]) / slack);
        w[i] -= t;
        taken += t;
    }
    for (int i = 0; i < n - 1 && taken < take; i++) /* rounding */
        if (w[i] > floor[i])
            w[i]--, taken++;
    /* still too wide: text columns go below their min, down to one column */
    for (int i = n - 2; i >= 0 && taken < over; i--)
        while (!k->columns[i].right && w[i] > 1 && taken < over)
            w[i]--, taken++;
}

/* The widest value (or heading) of each number column over the visible rows. */
static void number_widths(const TuiList *l, const TuiKindInfo *k, int *need)
{
    for (size_t i = 0; i < k->ncolumns; i++) {
        need[i] = 0;
        if (!k->columns[i].right)
            continue;
        need[i] = tui_text_width(k->columns[i].title);
        for (int r = 0; r < l->height && l->top + (size_t)r < l->rows.len; r++) {
            int cw = tui_text_width(l->rows.items[l->top + (size_t)r].cells[i]);
            if (cw > need[i])
                need[i] = cw;
        }
    }
}

/* Draws the cells of one row (or the header when r is NULL). */
static void draw_cells(const TuiList *l, const TuiRow *r, const int *widths, TuiCanvas *c, int y,
                       int x, int width, TuiStyle style)
{
    const TuiKindInfo *k = tui_kind_info(l->q.kind);
    int col = x + 2, end = x + width;
    for (size_t i = 0; i < k->ncolumns && col < end; i++) {
        int w = widths[i];
        bool last = i + 1 == k->ncolumns;
        if (last || col + w > end)
            w = end - col;
        const char *text = r ? r->cells[i] : k->columns[i].title;
        char buf[512];
        tui_text_fit(text, w, true, k->columns[i].right, buf, sizeof buf);
        c->ops->put(c, y, col, buf, style);
        col += w + 1;
        if (col - 1 < end && !last)
            c->ops->put(c, y, col - 1, " ", style);
    }
}

void tui_list_draw(const TuiList *l, TuiCanvas *c, int y, int x, int width, bool focused)
{
    if (width < 4)
        return;
    const TuiKindInfo *k = tui_kind_info(l->q.kind);
    int need[TUI_MAX_COLS], widths[TUI_MAX_COLS];
    number_widths(l, k, need);
    column_widths(k, width, need, widths);
    tui_canvas_text(c, y, x, 2, "  ", TS_HEADER, true);
    draw_cells(l, NULL, widths, c, y, x, width, TS_HEADER);
    if (l->has_error) {
        tui_canvas_text(c, y + 1, x + 2, width - 2, l->err.msg, TS_ERROR, false);
        return;
    }
    if (l->rows.len == 0) {
        tui_canvas_text(c, y + 1, x + 2, width - 2,
                        l->q.filter[0] ? "(no rows match the filter)" : "(none)", TS_DIM, false);
        return;
    }
    for (int i = 0; i < l->height; i++) {
        size_t idx = l->top + (size_t)i;
        if (idx >= l->rows.len)
            break;
        const TuiRow *r = &l->rows.items[idx];
        bool sel = idx == l->sel && focused;
        TuiStyle st = sel ? TS_SELECTED : row_style(r);
        tui_canvas_text(c, y + 1 + i, x, 2, idx == l->sel ? (focused ? "▶ " : "› ") : "  ",
                        st, true);
        draw_cells(l, r, widths, c, y + 1 + i, x, width, st);
    }
}
