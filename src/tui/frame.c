/* frame.c — the top bar, breadcrumb, footer and small-terminal message (frame.h). */
#include "tui/frame.h"

#include <stdio.h>
#include <string.h>


void tui_frame_topbar(TuiCanvas *c, const char *const *names, int n, int current,
                      const char *db_label)
{
    tui_canvas_text(c, 0, 0, c->cols, "", TS_TITLE, true);
    int x = tui_canvas_text(c, 0, 0, c->cols, " allot │", TS_TITLE, false);
    for (int i = 0; i < n; i++) {
        char t[40];
        bool cur = i == current;
        snprintf(t, sizeof t, cur ? " [%s]" : "  %s ", names[i]);
        x += tui_canvas_text(c, 0, x, c->cols - x, t, cur ? TS_TAB : TS_TITLE, false);
    }
    if (db_label) {
        char t[200];
        snprintf(t, sizeof t, "│ %s ", db_label);
        int w = tui_text_width(t);
        if (x + 2 + w <= c->cols)
            tui_canvas_text(c, 0, c->cols - w, w, t, TS_TITLE, false);
    }
}

void tui_frame_where(const TuiList *l, char *buf, size_t size)
{
    int64_t pos, total, so_far;
    tui_list_where(l, &pos, &total, &so_far);
    char p[32] = "?", t[40], s[32];
    if (pos >= 0)
        tui_thousands(pos + 1, p, sizeof p);
    if (total >= 0)
        tui_thousands(total, t, sizeof t);
    else if (so_far > 0)
        snprintf(t, sizeof t, "≥%s…", tui_thousands(so_far, s, sizeof s));
    else
        snprintf(t, sizeof t, "…");
    if (total == 0)
        snprintf(buf, size, "0/0");
    else
        snprintf(buf, size, "%s/%s", p, t);
}

void tui_frame_counts(TuiCanvas *c, int y, const ReadCounts *k)
{
    char line[400], a[32], b[32], s[32], o[32], l[32];
    if (!k) {
        tui_canvas_text(c, y, 0, c->cols, " (this store gives no counts)", TS_DIM, true);
        return;
    }
    tui_thousands(k->backorder_lines, a, sizeof a);
    tui_thousands(k->backorder_units, b, sizeof b);
    tui_thousands(k->skus_short, s, sizeof s);
    tui_thousands(k->overdue_batches, o, sizeof o);
    tui_thousands(k->late_lines, l, sizeof l);
    snprintf(line, sizeof line,
             " Backorders %s lines, %s units │ SKUs short %s │ Overdue shipments %s │ Late lines %s",
             a, b, s, o, l);
    if (tui_text_width(line) > c->cols)
        snprintf(line, sizeof line, " Backorders %s (%s units) │ Short SKUs %s │ Overdue %s │ Late %s",
                 a, b, s, o, l);
    bool bad = k->backorder_lines || k->overdue_batches || k->late_lines;
    tui_canvas_text(c, y, 0, c->cols, line, bad ? TS_WARN : TS_GOOD, true);
}

void tui_frame_crumb(TuiCanvas *c, int y, const char *banner, TuiView *const *stack, int depth)
{
    char crumb[1024] = "", t[160];
    size_t o = 0;
    for (int i = 0; i < depth && o < sizeof crumb; i++) {
        tui_view_title(stack[i], t, sizeof t);
        o += (size_t)snprintf(crumb + o, sizeof crumb - o, "%s%s", i ? " › " : " ", t);
    }
    TuiView *top = depth ? stack[depth - 1] : NULL;
    TuiList *l = top ? tui_view_list(top) : NULL;
    if (l && o < sizeof crumb) {
        char name[64], where[96];
        tui_frame_where(l, where, sizeof where);
        o += (size_t)snprintf(crumb + o, sizeof crumb - o, "   %s   sort: %s", where,
                              tui_list_sort_name(l, name, sizeof name));
    }
    if (l && l->q.filter[0] && o < sizeof crumb)
        o += (size_t)snprintf(crumb + o, sizeof crumb - o, "   filter: \"%s\"", l->q.filter);
    if (l && tui_list_marked(l) && o < sizeof crumb)
        o += (size_t)snprintf(crumb + o, sizeof crumb - o, "   %zu marked", tui_list_marked(l));
    if (top && top->ops->crumb && o < sizeof crumb) {
        top->ops->crumb(top, t, sizeof t);
        if (t[0])
            snprintf(crumb + o, sizeof crumb - o, "   %s", t);
    }
    int x = 0;
    if (banner[0]) {
        char b[320];
        snprintf(b, sizeof b, " %s │", banner);
        x = tui_canvas_text(c, y, 0, c->cols, b, TS_BANNER, false);
    }
    tui_canvas_text(c, y, x, c->cols - x, crumb, TS_DIM, true);
}

void tui_frame_footer(TuiCanvas *c, int y, const TuiKeymap *const *maps, size_t n)
{
    char foot[1024];
    tui_keymap_footer(maps, n, foot, sizeof foot);
    tui_canvas_text(c, y, 0, c->cols, foot, TS_KEY, true);
}

/* Writes `s` from row *y, wrapped word by word to the width. */
static void wrap(TuiCanvas *c, int *y, const char *s, TuiStyle st)
{
    while (*s && *y < c->rows) {
        char buf[256];
        int n = 0, last_space = -1, w = 0;
        while (s[n] && w < c->cols && n < (int)sizeof buf - 1) {
            if (s[n] == ' ')
                last_space = n;
            if (((unsigned char)s[n] & 0xC0) != 0x80)
                w++;
            n++;
        }
        while (((unsigned char)s[n] & 0xC0) == 0x80)
            n++;
        if (s[n] && last_space > 0)
            n = last_space;
        snprintf(buf, sizeof buf, "%.*s", n, s);
        tui_canvas_text(c, (*y)++, 0, c->cols, buf, st, false);
        s += n;
        while (*s == ' ')
            s++;
    }
}

void tui_frame_small(TuiCanvas *c, int min_rows, int min_cols, const char *question)
{
    char l1[120];
    snprintf(l1, sizeof l1, "allot needs at least %d×%d; this terminal is %d×%d.", min_cols,
             min_rows, c->cols, c->rows);
    int y = 0;
    wrap(c, &y, l1, TS_NORMAL);
    if (question) {
        wrap(c, &y, question, TS_WARN);
        wrap(c, &y, "y = yes, n = no", TS_KEY);
    } else
        wrap(c, &y, "Please enlarge it, or press Q to quit.", TS_DIM);
    c->ops->cursor(c, -1, -1);
}
