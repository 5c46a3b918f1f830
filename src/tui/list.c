/* list.c — the list widget (list.h). */
#include "tui/list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "tui/filter.h"

/* Rows fetched per page, and the most rows the window keeps. */
static size_t page_size(const TuiList *l) { return (size_t)(l->height > 16 ? l->height : 16) * 2; }
static size_t window_max(const TuiList *l) { return page_size(l) * 4; }

static bool is_pending(const TuiRow *r) { return (r->flags & TUI_ROW_PENDING) != 0; }
static bool has_pending(const TuiList *l)
{
    return l->rows.len && is_pending(&l->rows.items[l->rows.len - 1]);
}
/* The rows of the window that are rows (not the pending search at its end). */
static size_t real_len(const TuiList *l) { return l->rows.len - has_pending(l); }

/* Counts the list again: at once when the window holds all of it (a short list:
 * an order's lines, a line's history), else in the background (tui_list_work). */
static void start_count(TuiList *l)
{
    l->total = -1;
    l->counted = 0;
    l->count_next[0] = 0;
    l->counting = l->env->src->ops->count != NULL;
    if (l->at_start && l->at_end && !has_pending(l) && !l->has_error) {
        l->total = (int64_t)l->rows.len;
        l->base = 0;
        l->counting = false;
    }
}

void tui_list_init(TuiList *l, const TuiEnv *env, TuiListKind kind, const char *arg)
{
    memset(l, 0, sizeof *l);
    l->env = env;
    l->q.kind = kind;
    l->q.sort = -1;
    snprintf(l->q.arg, sizeof l->q.arg, "%s", arg ? arg : "");
    l->q.today = env->today;
    l->height = 10;
    l->at_start = l->at_end = true;
    l->base = 0;
    l->total = -1;
    strmap_init(&l->marks);
}

void tui_list_fini(TuiList *l)
{
    tui_rows_fini(&l->rows);
    strmap_fini(&l->marks);
}

static void remember_sel(TuiList *l)
{
    if (l->sel < real_len(l))
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
    size_t n = real_len(l);
    size_t sel = n ? (fallback < n ? fallback : n - 1) : 0;
    if (l->sel_key[0])
        for (size_t i = 0; i < n; i++)
            if (strcmp(l->rows.items[i].key, l->sel_key) == 0) {
                sel = i;
                break;
            }
    l->sel = sel;
    l->top = old_top;
    size_t h = (size_t)l->height, all = l->rows.len;
    if (l->top > l->sel)
        l->top = l->sel;
    if (l->sel >= l->top + h)
        l->top = l->sel + 1 - h;
    if (all > h && l->top > all - h && !l->at_end)
        l->top = all - h;
    if (all <= h)
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
    l->at_end = l->rows.len < lim && !has_pending(l);
    l->base = 0;
}

void tui_list_reload(TuiList *l)
{
    load_first(l);
    settle(l, 0, 0);
    start_count(l);
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
    l->at_end = rows.len - before < lim && !has_pending(l);
    l->sel = before;
    l->top = 0;
    l->base = l->at_start ? 0 : -1;
    return true;
}

void tui_list_refresh(TuiList *l)
{
    /* an event list whose newest row is selected follows the newest */
    if ((l->q.kind == TL_EVENTS || l->q.kind == TL_TODAY) && tui_list_on_first(l))
        l->sel_key[0] = 0;
    size_t old_sel = l->sel, old_top = l->top;
    if (l->at_start || real_len(l) == 0) {
        size_t want = l->rows.len > page_size(l) ? l->rows.len : page_size(l);
        TuiRowVec fresh = {0};
        if (!fetch(l, TF_FIRST, NULL, want, &fresh)) {
            tui_rows_fini(&fresh);
            return;
        }
        tui_rows_fini(&l->rows);
        l->rows = fresh;
        l->at_start = true;
        l->at_end = fresh.len < want && !has_pending(l);
        l->base = 0;
    } else {
        char start[TUI_CURSOR_MAX];
        snprintf(start, sizeof start, "%s", l->rows.items[0].cursor);
        size_t want = real_len(l);
        TuiRowVec fresh = {0};
        if (!fetch(l, TF_FROM, start, want, &fresh)) {
            tui_rows_fini(&fresh);
            return;
        }
        tui_rows_fini(&l->rows);
        l->rows = fresh;
        l->at_end = fresh.len < want && !has_pending(l);
        l->base = -1; /* rows before it may have come or gone: counted again */
        if (real_len(l) == 0) { /* everything from there on vanished */
            load_first(l);
            old_sel = old_top = 0;
        }
    }
    bool in_window = !l->sel_key[0];
    for (size_t i = 0; !in_window && i < real_len(l); i++)
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
    start_count(l);
}

bool tui_list_take_lost(TuiList *l, char *buf, size_t size)
{
    if (!l->lost[0])
        return false;
    tui_key_text(l->lost, buf, size);
    l->lost[0] = 0;
    return true;
}

/* Appends the next page (going on from a pending search); trims the front if the
 * window is too big.  Returns the number of rows added. */
static size_t grow_down(TuiList *l)
{
    if (l->at_end || l->rows.len == 0)
        return 0;
    char cur[TUI_CURSOR_MAX];
    snprintf(cur, sizeof cur, "%s", l->rows.items[l->rows.len - 1].cursor);
    bool went_on = has_pending(l);
    size_t kept = l->rows.len, lim = page_size(l);
    if (went_on)
        l->rows.len--; /* the search goes on from its cursor */
    size_t before = l->rows.len;
    if (!fetch(l, TF_AFTER, cur, lim, &l->rows)) {
        l->rows.len = kept;
        return 0;
    }
    size_t got = l->rows.len - before, added = got - has_pending(l);
    l->at_end = got < lim && !has_pending(l);
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
            if (l->base >= 0)
                l->base += (int64_t)drop;
        }
    }
    return added;
}

/* A taller list reads on until its window fills the new height (a list that first
 * read a page for fewer rows, or a terminal made taller); a search that is still
 * going on is left to tui_list_work. */
void tui_list_set_height(TuiList *l, int height)
{
    l->height = height < 1 ? 1 : height;
    while (!has_pending(l) && real_len(l) < l->top + (size_t)l->height && grow_down(l) > 0)
        ;
    settle(l, l->sel, l->top);
}

/* Prepends the previous page; trims the back.  Returns rows added. */
static size_t grow_up(TuiList *l)
{
    if (l->at_start || real_len(l) == 0)
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
        if (l->base >= 0)
            l->base = l->base >= (int64_t)added ? l->base - (int64_t)added : -1;
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
    if (l->at_start)
        l->base = 0;
    return added;
}

void tui_list_move(TuiList *l, long delta)
{
    if (real_len(l) == 0)
        return;
    if (delta > 0) {
        while (l->sel + (size_t)delta >= real_len(l) && grow_down(l) > 0)
            ;
        size_t target = l->sel + (size_t)delta, n = real_len(l);
        l->sel = target < n ? target : n - 1;
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
    l->base = l->at_start ? 0 : l->total >= 0 ? l->total - (int64_t)l->rows.len : -1;
    l->sel_key[0] = 0;
    size_t n = l->rows.len;
    size_t h = (size_t)l->height;
    l->sel = n ? n - 1 : 0;
    l->top = n > h ? n - h : 0;
    remember_sel(l);
}

/* ---- sorting ---- */

static const TuiColumn *column(const TuiList *l, int i) { return &tui_kind_info(l->q.kind)->columns[i]; }
static int ncolumns(const TuiList *l) { return (int)tui_kind_info(l->q.kind)->ncolumns; }

/* The list's spec (view_specs.h), or NULL for a list of one order (TL_ATP). */
static const ViewSpec *spec(const TuiList *l) { return view_spec(tui_kind_info(l->q.kind)->list); }

/* Sorts by spec order `name`, `desc`, from the first row. */
static bool sort_by(TuiList *l, const char *name, bool desc)
{
    int o = spec(l) ? view_spec_order(spec(l), name) : -1;
    if (o < 0)
        return false;
    l->q.sort = o;
    l->q.desc = desc;
    int64_t total = l->total;
    bool counting = l->counting;
    load_first(l);
    l->sel_key[0] = 0;
    settle(l, 0, 0);
    l->total = total; /* the same rows in another order */
    l->counting = counting;
    return true;
}

bool tui_list_sort_next(TuiList *l, int step)
{
    int n = ncolumns(l), cur = tui_query_sort_column(&l->q);
    int from = cur >= 0 ? cur : l->col;
    if (!spec(l))
        return false;
    const char *now = spec(l)->orders[tui_query_order(&l->q)].name;
    for (int k = 1; k <= n; k++) {
        int c = ((from + step * k) % n + n) % n;
        const TuiColumn *col = column(l, c);
        if (!col->order || (strcmp(col->order, now) == 0 && col->desc == tui_query_desc(&l->q)))
            continue;
        l->col = c;
        return sort_by(l, col->order, col->desc);
    }
    return false;
}

bool tui_list_sort_reverse(TuiList *l)
{
    return spec(l) && sort_by(l, spec(l)->orders[tui_query_order(&l->q)].name,
                              !tui_query_desc(&l->q));
}

bool tui_list_sort_column(TuiList *l, bool desc, char *why, size_t size)
{
    const TuiColumn *c = column(l, l->col);
    if (!c->order) {
        snprintf(why, size, "%s does not sort (help keys, \"Every list\")", c->title);
        return false;
    }
    return sort_by(l, c->order, desc);
}

const char *tui_list_sort_name(const TuiList *l, char *buf, size_t size)
{
    return tui_query_order_name(&l->q, buf, size);
}

void tui_list_column_move(TuiList *l, int delta)
{
    int c = l->col + delta, n = ncolumns(l);
    l->col = c < 0 ? 0 : c >= n ? n - 1 : c;
}

/* ---- filtering ---- */

bool tui_list_set_filter(TuiList *l, const char *text, char *why, size_t size)
{
    const char *t = text ? text : "";
    TuiFilter f;
    if (strlen(t) >= sizeof l->q.filter) {
        snprintf(why, size, "a filter is at most %zu bytes", sizeof l->q.filter - 1);
        return false;
    }
    if (!tui_filter_parse(l->q.kind, t, l->env->today, &f, why, size))
        return false;
    snprintf(l->q.filter, sizeof l->q.filter, "%s", t);
    load_first(l);
    settle(l, 0, 0);
    start_count(l);
    return true;
}

/* The first row of `q` after `cursor` (NULL = from the start), going on through
 * pending searches; false if there is none. */
static bool first_after(TuiList *l, const TuiQuery *q, const char *cursor, TuiRow *out)
{
    TuiSource *src = l->env->src;
    ErrBuf err = {{0}};
    char cur[TUI_CURSOR_MAX];
    snprintf(cur, sizeof cur, "%s", cursor ? cursor : "");
    bool from_start = !cursor;
    for (;;) {
        TuiRowVec v = {0};
        AllotStatus st = src->ops->fetch(src, q, from_start ? TF_FIRST : TF_AFTER,
                                         from_start ? NULL : cur, 1, &v, &err);
        bool found = st == ALLOT_OK && v.len && !is_pending(&v.items[0]);
        bool go_on = st == ALLOT_OK && v.len && is_pending(&v.items[v.len - 1]) && !found;
        if (found)
            *out = v.items[0];
        if (go_on)
            snprintf(cur, sizeof cur, "%s", v.items[v.len - 1].cursor);
        tui_rows_fini(&v);
        if (!go_on)
            return found;
        from_start = false;
    }
}

bool tui_list_find(TuiList *l, const char *text, char *why, size_t size)
{
    TuiFilter f;
    if (!tui_filter_parse(l->q.kind, l->q.filter, l->env->today, &f, why, size))
        return false;
    TuiQuery q = l->q;
    q.today = l->env->today;
    /* the filter's terms as typed, then the text as the words */
    q.filter[0] = 0;
    char tok[TUI_FILTER_MAX];
    size_t o = 0;
    const char *p = l->q.filter;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = 0;
        bool quote = false;
        while (p[n] && (quote || p[n] != ' ')) {
            quote ^= p[n] == '"';
            n++;
        }
        if (n && n < sizeof tok) {
            memcpy(tok, p, n);
            tok[n] = 0;
            if (strpbrk(tok, ":=<>") && o + n + 2 < sizeof q.filter)
                o += (size_t)snprintf(q.filter + o, sizeof q.filter - o, "%s ", tok);
        }
        p += n;
    }
    if (o + strlen(text) + 1 >= sizeof q.filter) {
        snprintf(why, size, "the text to find is too long");
        return false;
    }
    snprintf(q.filter + o, sizeof q.filter - o, "%s", text);
    const TuiRow *sel = tui_list_selected(l);
    TuiRow hit;
    if (!first_after(l, &q, sel ? sel->cursor : NULL, &hit) &&
        !first_after(l, &q, NULL, &hit)) {
        snprintf(why, size, "no row has \"%s\" in its ids", text);
        return false;
    }
    snprintf(l->sel_key, sizeof l->sel_key, "%s", hit.key);
    bool in_window = false;
    for (size_t i = 0; i < real_len(l) && !in_window; i++)
        if (strcmp(l->rows.items[i].key, hit.key) == 0) {
            l->sel = i;
            in_window = true;
        }
    if (!in_window && !follow_selection(l, (size_t)l->height / 2)) {
        snprintf(why, size, "found %s, but it is gone again", hit.key);
        return false;
    }
    settle(l, l->sel, l->top);
    return true;
}

/* ---- position, length, background work ---- */

void tui_list_where(const TuiList *l, int64_t *pos, int64_t *total, int64_t *so_far)
{
    *pos = l->base >= 0 && real_len(l) ? l->base + (int64_t)l->sel : -1;
    *total = l->total;
    *so_far = l->counted;
}

static bool pending_shown(const TuiList *l)
{
    return has_pending(l) && l->rows.len - 1 < l->top + (size_t)l->height;
}

bool tui_list_busy(const TuiList *l)
{
    TuiSource *src = l->env->src;
    return pending_shown(l) || l->counting ||
           (l->base < 0 && real_len(l) > 0 && src->ops->position);
}

bool tui_list_work(TuiList *l)
{
    TuiSource *src = l->env->src;
    ErrBuf err = {{0}};
    l->q.today = l->env->today;
    if (pending_shown(l)) {
        size_t sel = l->sel, top = l->top;
        grow_down(l);
        settle(l, sel, top);
        return true;
    }
    if (l->counting) {
        char next[TUI_CURSOR_MAX];
        AllotStatus st = src->ops->count(src, &l->q, l->count_next, &l->counted, next,
                                         sizeof next, &err);
        if (st != ALLOT_OK) {
            l->counting = false; /* not known: shown as such */
            return true;
        }
        snprintf(l->count_next, sizeof l->count_next, "%s", next);
        if (!next[0]) {
            l->counting = false;
            l->total = l->counted;
        }
        return true;
    }
    if (l->base < 0 && real_len(l) > 0 && src->ops->position) {
        int64_t n = 0;
        if (src->ops->position(src, &l->q, l->rows.items[0].cursor, &n, &err) == ALLOT_OK)
            l->base = n;
        else
            l->base = 0; /* not known: counted from the window */
        return true;
    }
    return false;
}

/* ---- marks ---- */

bool tui_list_mark_toggle(TuiList *l)
{
    const TuiRow *r = tui_list_selected(l);
    if (!r)
        return false;
    if (strmap_get(&l->marks, r->key, NULL))
        strmap_del(&l->marks, r->key);
    else
        strmap_put(&l->marks, r->key, ++l->mark_seq);
    return true;
}

AllotStatus tui_list_each(TuiList *l, bool (*fn)(void *ctx, const TuiRow *row), void *ctx,
                          ErrBuf *err)
{
    l->q.today = l->env->today;
    return tui_source_each(l->env->src, &l->q, fn, ctx, err);
}

typedef struct MarkAll {
    TuiList *l;
    bool more;
} MarkAll;

static bool mark_row(void *ctx, const TuiRow *r)
{
    MarkAll *m = ctx;
    if (strmap_get(&m->l->marks, r->key, NULL))
        return true;
    if (m->l->marks.len >= TUI_MARK_MAX) {
        m->more = true;
        return false;
    }
    strmap_put(&m->l->marks, r->key, ++m->l->mark_seq);
    return true;
}

AllotStatus tui_list_mark_all(TuiList *l, size_t *marked, bool *more, ErrBuf *err)
{
    MarkAll m = {l, false};
    AllotStatus st = tui_list_each(l, mark_row, &m, err);
    *more = m.more;
    *marked = l->marks.len;
    return st;
}

void tui_list_marks_clear(TuiList *l) { strmap_clear(&l->marks); }
size_t tui_list_marked(const TuiList *l) { return l->marks.len; }
bool tui_list_is_marked(const TuiList *l, const char *key) { return strmap_get(&l->marks, key, NULL); }

typedef struct Marked {
    const char *key;
    uint64_t seq;
} Marked;

static int by_seq(const void *a, const void *b)
{
    uint64_t x = ((const Marked *)a)->seq, y = ((const Marked *)b)->seq;
    return (x > y) - (x < y);
}

char **tui_list_marked_keys(const TuiList *l, size_t *n)
{
    *n = 0;
    size_t len = l->marks.len;
    Marked *m = xcalloc(len ? len : 1, sizeof *m);
    const char *key;
    uint64_t seq;
    for (size_t i = 0; strmap_next(&l->marks, &i, &key, &seq, NULL);)
        m[(*n)++] = (Marked){key, seq};
    qsort(m, *n, sizeof *m, by_seq);
    char **out = xcalloc(*n ? *n : 1, sizeof *out);
    for (size_t i = 0; i < *n; i++)
        out[i] = xstrdup(m[i].key);
    free(m);
    return out;
}

const TuiRow *tui_list_selected(const TuiList *l)
{
    return l->sel < real_len(l) ? &l->rows.items[l->sel] : NULL;
}

bool tui_list_on_first(const TuiList *l) { return l->at_start && l->sel == 0; }

/* ---- drawing ---- */

enum { PREFIX = 2 }; /* the selection's ▶, and * on a marked row */

static TuiStyle row_style(const TuiRow *r)
{
    if (r->flags & TUI_ROW_PENDING)
        return TS_DIM;
    if (r->flags & (TUI_ROW_SHORT | TUI_ROW_OVER | TUI_ROW_WARN_EVENT | TUI_ROW_LATE))
        return TS_WARN;
    if (r->flags & TUI_ROW_WHATIF)
        return TS_GOOD;
    if (r->flags & TUI_ROW_FULL)
        return TS_DIM;
    return TS_NORMAL;
}

/* A column's heading: its title, and ▲ / ▼ when the list is sorted by it; between
 * [ ] when it is under the column cursor of the focused list. */
static void heading(const TuiList *l, int i, bool focused, char *buf, size_t size)
{
    bool sorted = i == tui_query_sort_column(&l->q), cursor = focused && i == l->col;
    snprintf(buf, size, "%s%s%s%s", cursor ? "[" : "", column(l, i)->title,
             sorted ? (tui_query_down(&l->q) ? "▼" : "▲") : "", cursor ? "]" : "");
}

/* What each column needs to show everything on screen: its heading and its widest
 * cell (cells are at most TUI_CELL_MAX bytes). */
static void needs(const TuiList *l, bool focused, int *need)
{
    char h[64];
    for (int i = 0; i < ncolumns(l); i++) {
        heading(l, i, focused, h, sizeof h);
        need[i] = tui_text_width(h);
        for (int r = 0; r < l->height && l->top + (size_t)r < l->rows.len; r++) {
            const TuiRow *row = &l->rows.items[l->top + (size_t)r];
            if (is_pending(row))
                continue;
            int cw = tui_text_width(row->cells[i]);
            if (cw > need[i])
                need[i] = cw;
        }
    }
}

/* The narrowest a column gets: a number never gives up room; a text down to its
 * `min` (or what it needs, if less). */
static int narrowest(const TuiColumn *c, int need)
{
    return c->right || need < c->min ? need : c->min;
}

int tui_columns_share(const TuiColumn *cols, int n, const int *need, int room, int *w)
{
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += w[i] = need[i];
    for (int keep = 1; sum > room && keep <= TUI_KEEP_MAX; keep++) {
        int slack = 0;
        for (int i = 0; i < n; i++)
            if (!cols[i].right && cols[i].keep == keep)
                slack += w[i] - narrowest(&cols[i], need[i]);
        if (slack == 0)
            continue;
        int take = sum - room < slack ? sum - room : slack, taken = 0;
        for (int i = 0; i < n; i++) {
            if (cols[i].right || cols[i].keep != keep)
                continue;
            int t = (int)((long)take * (w[i] - narrowest(&cols[i], need[i])) / slack);
            w[i] -= t;
            taken += t;
        }
        for (int i = n - 1; i >= 0 && taken < take; i--) /* rounding */
            if (!cols[i].right && cols[i].keep == keep && w[i] > narrowest(&cols[i], need[i]))
                w[i]--, taken++;
        sum -= taken;
    }
    return sum;
}

/* Which columns are drawn and how wide (source.h TuiColumn): the first, then
 * `first` .. `last`; `left` / `right`: columns are off screen on that side. */
typedef struct Layout {
    int w[TUI_MAX_COLS];
    int first, last;
    bool left, right;
} Layout;

static int span(const int *w, int from, int to) /* columns from..to with their gaps */
{
    int s = 0;
    for (int i = from; i <= to; i++)
        s += w[i] + 1;
    return s;
}

/* Columns for `width` display columns.  Every column as wide as it needs when that
 * fits (the last one takes the rest); else the text columns give up room down to
 * their `min`, the lowest `keep` first, each of a level in proportion to what it can
 * give; when even the minimums do not fit, the first column stays and those after
 * it scroll sideways so that the column cursor is in sight, one display column
 * kept for the » that says more are off screen on the right (« on the left). */
static void layout(const TuiList *l, int width, bool focused, Layout *o)
{
    int n = ncolumns(l), need[TUI_MAX_COLS], room = width - PREFIX + 1; /* + the last gap */
    needs(l, focused, need);
    o->first = 1;
    o->last = n - 1;
    o->left = o->right = false;
    /* each column's gap after it is room it cannot give */
    int sum = tui_columns_share(column(l, 0), n, need, room - n, o->w) + n;
    if (sum > room && n > 1) {
        /* sideways: columns first..last after the first; the cursor's is the last
         * of them, or as many as fit from the second on */
        int cur = l->col < 1 ? 1 : l->col >= n ? n - 1 : l->col;
        int avail = room - 1 - span(o->w, 0, 0); /* one kept for the » */
        o->first = cur;
        o->last = cur;
        while (o->first > 1 && span(o->w, o->first - 1, o->last) <= avail)
            o->first--;
        while (o->last + 1 < n && span(o->w, o->first, o->last + 1) <= avail)
            o->last++;
        o->left = o->first > 1;
        o->right = o->last < n - 1;
        sum = span(o->w, 0, 0) + span(o->w, o->first, o->last) + (o->right ? 1 : 0);
        /* room left over goes back to the texts that gave it up, the most kept first */
        for (int keep = TUI_KEEP_MAX; keep >= 1 && sum < room; keep--)
            for (int i = 0; i < n && sum < room; i++) {
                if ((i && (i < o->first || i > o->last)) || column(l, i)->right ||
                    column(l, i)->keep != keep || o->w[i] >= need[i])
                    continue;
                int give = need[i] - o->w[i] < room - sum ? need[i] - o->w[i] : room - sum;
                o->w[i] += give;
                sum += give;
            }
    }
    if (sum < room) /* the last column shown takes what is left */
        o->w[o->last > 0 ? o->last : 0] += room - sum;
}

int tui_list_width_wanted(const TuiList *l)
{
    int need[TUI_MAX_COLS];
    needs(l, true, need);
    return PREFIX - 1 + span(need, 0, ncolumns(l) - 1);
}

static bool drawn(const Layout *o, int i) { return i == 0 || (i >= o->first && i <= o->last); }

/* Draws the cells of one row (or the headings when r is NULL: the one under the
 * column cursor of the focused list in TS_COLUMN). */
static void draw_cells(const TuiList *l, const TuiRow *r, const Layout *o, TuiCanvas *c, int y,
                       int x, int width, TuiStyle style, bool focused)
{
    int col = x + PREFIX, end = x + width - (o->right ? 1 : 0), n = ncolumns(l);
    for (int i = 0; i < n && col < end; i++) {
        if (!drawn(o, i))
            continue;
        int w = o->w[i];
        if (col + w > end)
            w = end - col;
        char text[128], buf[512];
        if (r)
            snprintf(text, sizeof text, "%s", r->cells[i]);
        else
            heading(l, i, focused, text, sizeof text);
        bool pending_note = r && is_pending(r) && i == n - 1;
        bool right = column(l, i)->right && !pending_note;
        if (!r && focused && i == l->col) { /* the heading alone, not its padding */
            int tw = tui_text_fit(text, w, false, false, buf, sizeof buf);
            c->ops->put(c, y, right ? col + w - tw : col, buf, TS_COLUMN);
        } else {
            tui_text_fit(text, pending_note ? end - (x + PREFIX) : w, true, right, buf,
                         sizeof buf);
            c->ops->put(c, y, pending_note ? x + PREFIX : col, buf, style);
        }
        col += w + 1;
    }
}

void tui_list_draw(const TuiList *l, TuiCanvas *c, int y, int x, int width, bool focused)
{
    if (width < PREFIX + 1)
        return;
    Layout o;
    layout(l, width, focused, &o);
    tui_canvas_text(c, y, x, width, "", TS_HEADER, true);
    tui_canvas_text(c, y, x, 1, o.left ? "«" : "", TS_HEADER, true);
    draw_cells(l, NULL, &o, c, y, x, width, TS_HEADER, focused);
    if (o.right)
        tui_canvas_text(c, y, x + width - 1, 1, "»", TS_HEADER, true);
    if (l->has_error) {
        tui_canvas_text(c, y + 1, x + PREFIX, width - PREFIX, l->err.msg, TS_ERROR, false);
        return;
    }
    if (l->rows.len == 0) {
        tui_canvas_text(c, y + 1, x + PREFIX, width - PREFIX,
                        l->q.filter[0] ? "(no rows match the filter)" : "(none)", TS_DIM, false);
        return;
    }
    for (int i = 0; i < l->height; i++) {
        size_t idx = l->top + (size_t)i;
        if (idx >= l->rows.len)
            break;
        const TuiRow *r = &l->rows.items[idx];
        bool sel = idx == l->sel && focused && !is_pending(r);
        TuiStyle st = sel ? TS_SELECTED : row_style(r);
        char mark[8];
        snprintf(mark, sizeof mark, "%s%s",
                 idx == l->sel && !is_pending(r) ? (focused ? "▶" : "›") : " ",
                 !is_pending(r) && tui_list_is_marked(l, r->key) ? "*" : " ");
        tui_canvas_text(c, y + 1 + i, x, PREFIX, mark, st, true);
        if (!is_pending(r))
            tui_canvas_text(c, y + 1 + i, x + PREFIX, width - PREFIX, "", st, true);
        draw_cells(l, r, &o, c, y + 1 + i, x, width, st, focused);
    }
}
