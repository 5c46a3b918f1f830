/* help_view.c — see help_view.h.  All state lives in HelpPager; this file maps
 * keys and draws. */
#include "tui/help_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "help/help_pager.h"
#include "help/help_print.h"
#include "help/help_text.h"

#define PROMPT_MAX 128

struct HelpView {
    HelpPager *pager;
    char title[128];
    int width, height; /* size the pager was laid out for; 0 before the first draw */
    int prompting;     /* reading a search after '/' */
    char prompt[PROMPT_MAX];
    size_t prompt_len;
    char message[160]; /* shown once on the status line ("not found: x") */
};

HelpView *help_view_new(const char *topic)
{
    HelpDoc *doc = help_topic_doc(topic);
    if (!doc)
        return NULL;
    HelpView *v = xcalloc(1, sizeof *v);
    snprintf(v->title, sizeof v->title, "%s", help_doc_title(doc));
    v->pager = help_pager_new(doc, 80, 23);
    return v;
}

void help_view_free(HelpView *v)
{
    if (!v)
        return;
    help_pager_free(v->pager);
    free(v);
}

static attr_t style_attr(unsigned style)
{
    attr_t a = A_NORMAL;
    if (style & HELP_STYLE_HEADING)
        a |= A_BOLD | A_UNDERLINE;
    if (style & (HELP_STYLE_STRONG | HELP_STYLE_CODE | HELP_STYLE_MARKUP))
        a |= A_BOLD;
    if (style & (HELP_STYLE_EMPH | HELP_STYLE_LINK)) {
#ifdef A_ITALIC
        a |= (style & HELP_STYLE_EMPH) ? A_ITALIC : A_UNDERLINE;
#else
        a |= A_UNDERLINE;
#endif
    }
    return a;
}

/* Draws bytes [from, to) of a line at the cursor with `a`, never past column
 * `maxx` (the layout is never narrower than 8 columns; the window may be). */
static void put_bytes(WINDOW *win, const char *s, size_t from, size_t to, attr_t a, int maxx)
{
    int x = getcurx(win);
    size_t end = from;
    while (end < to) {
        uint32_t cp;
        size_t k = help_utf8_decode(s + end, to - end, &cp);
        int w = help_cp_width(cp);
        if (x + w > maxx)
            break;
        x += w;
        end += k;
    }
    if (end <= from)
        return;
    wattrset(win, a);
    waddnstr(win, s + from, (int)(end - from));
}

static void draw_line(HelpView *v, WINDOW *win, int row, const HelpLine *l, int is_match)
{
    int maxx = getmaxx(win);
    long m = -1;
    size_t mlen = 0;
    const char *q = help_pager_query(v->pager);
    if (is_match && q) {
        m = help_line_find(l, q);
        mlen = strlen(q);
    }
    wmove(win, row, 0);
    for (size_t i = 0; i < l->nspans; i++) {
        const HelpSpan *sp = &l->spans[i];
        attr_t a = style_attr(sp->style);
        size_t s = sp->off, e = sp->off + sp->len;
        if (m < 0 || (size_t)m >= e || (size_t)m + mlen <= s) {
            put_bytes(win, l->text, s, e, a, maxx);
            continue;
        }
        size_t ms = (size_t)m > s ? (size_t)m : s;
        size_t me = (size_t)m + mlen < e ? (size_t)m + mlen : e;
        put_bytes(win, l->text, s, ms, a, maxx);
        put_bytes(win, l->text, ms, me, a | A_REVERSE, maxx);
        put_bytes(win, l->text, me, e, a, maxx);
    }
    wattrset(win, A_NORMAL);
}

void help_view_draw(HelpView *v, WINDOW *win)
{
    int h, w;
    getmaxyx(win, h, w);
    int rows = h > 1 ? h - 1 : 1;
    if (w != v->width || rows != v->height) {
        help_pager_resize(v->pager, w, rows);
        v->width = w;
        v->height = rows;
    }
    werase(win);
    const HelpLayout *lay = help_pager_layout(v->pager);
    size_t top = help_pager_top(v->pager), n = help_layout_count(lay);
    long match = help_pager_match(v->pager);
    for (int r = 0; r < rows && top + (size_t)r < n; r++)
        draw_line(v, win, r, help_layout_line(lay, top + (size_t)r),
                  match >= 0 && (size_t)match == top + (size_t)r);
    if (h < 2)
        return;
    char status[512];
    if (v->prompting)
        snprintf(status, sizeof status, "/%s", v->prompt);
    else if (v->message[0])
        snprintf(status, sizeof status, " %s", v->message);
    else {
        size_t last = top + (size_t)rows < n ? top + (size_t)rows : n;
        snprintf(status, sizeof status, " %s  %zu-%zu/%zu  j/k scroll  / search  n next  q close",
                 v->title, n ? top + 1 : 0, last, n);
    }
    wattrset(win, A_REVERSE);
    mvwhline(win, h - 1, 0, ' ', w);
    /* cut the status to the width, by display columns */
    size_t len = 0;
    int cols = 0;
    while (status[len]) {
        uint32_t cp;
        size_t k = help_utf8_decode(status + len, strlen(status + len), &cp);
        int cw = help_cp_width(cp);
        if (cols + cw > w)
            break;
        cols += cw;
        len += k;
    }
    mvwaddnstr(win, h - 1, 0, status, (int)len);
    wattrset(win, A_NORMAL);
    if (v->prompting)
        wmove(win, h - 1, cols < w ? cols : w - 1);
}

static int prompt_key(HelpView *v, int key)
{
    if (key == 27) {
        v->prompting = 0;
    } else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        v->prompting = 0;
        v->prompt[v->prompt_len] = '\0';
        if (v->prompt_len == 0) {
            if (help_pager_query(v->pager) && !help_pager_search_next(v->pager))
                snprintf(v->message, sizeof v->message, "not found: %s", help_pager_query(v->pager));
        } else if (!help_pager_search(v->pager, v->prompt)) {
            snprintf(v->message, sizeof v->message, "not found: %s", v->prompt);
        }
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        /* drop one whole UTF-8 character */
        while (v->prompt_len > 0 && ((unsigned char)v->prompt[--v->prompt_len] & 0xC0) == 0x80)
            ;
        v->prompt[v->prompt_len] = '\0';
    } else if (key >= 0x20 && key <= 0xFF && key != 0x7F && v->prompt_len + 1 < PROMPT_MAX) {
        v->prompt[v->prompt_len++] = (char)key; /* UTF-8 arrives byte by byte */
        v->prompt[v->prompt_len] = '\0';
    }
    return 0;
}

/* What a key does in the viewer. */
typedef enum HelpAction {
    ACT_UP,
    ACT_DOWN,
    ACT_PAGE_UP,
    ACT_PAGE_DOWN,
    ACT_TOP,
    ACT_BOTTOM,
    ACT_SEARCH,
    ACT_NEXT,
    ACT_CLOSE,
} HelpAction;

typedef struct HelpKey {
    int code;          /* as wgetch returns it */
    const char *label; /* as assets/help/keys.md writes it */
    HelpAction action;
    const char *note;
} HelpKey;

/* The viewer's key bindings: data, so that the "Help" section of the key bindings
 * page is checked against them (tests/help/test_help_drift_keys.c). */
static const HelpKey help_keys[] = {
    {KEY_UP, "Up", ACT_UP, "scroll up a line"},
    {'k', "k", ACT_UP, "scroll up a line"},
    {KEY_DOWN, "Down", ACT_DOWN, "scroll down a line"},
    {'j', "j", ACT_DOWN, "scroll down a line"},
    {'\n', "Enter", ACT_DOWN, "scroll down a line"},
    {'\r', "Enter", ACT_DOWN, "scroll down a line"},
    {KEY_ENTER, "Enter", ACT_DOWN, "scroll down a line"},
    {KEY_PPAGE, "PgUp", ACT_PAGE_UP, "page up"},
    {'b', "b", ACT_PAGE_UP, "page up"},
    {KEY_NPAGE, "PgDn", ACT_PAGE_DOWN, "page down"},
    {' ', "Space", ACT_PAGE_DOWN, "page down"},
    {'g', "g", ACT_TOP, "top"},
    {KEY_HOME, "Home", ACT_TOP, "top"},
    {'G', "G", ACT_BOTTOM, "bottom"},
    {KEY_END, "End", ACT_BOTTOM, "bottom"},
    {'/', "/", ACT_SEARCH, "search"},
    {'n', "n", ACT_NEXT, "next match"},
    {27, "Esc", ACT_CLOSE, "close the help"},
    {'q', "q", ACT_CLOSE, "close the help"},
};

size_t help_view_key_count(void)
{
    return sizeof help_keys / sizeof help_keys[0];
}

const char *help_view_key_label(size_t i, const char **note)
{
    if (note)
        *note = help_keys[i].note;
    return help_keys[i].label;
}

int help_view_on_key(HelpView *v, int key)
{
    if (v->prompting)
        return prompt_key(v, key);
    v->message[0] = '\0';
    if (key == KEY_RESIZE) {
        v->width = 0; /* re-wrap at the next draw */
        return 0;
    }
    const HelpKey *k = NULL;
    for (size_t i = 0; i < help_view_key_count() && !k; i++)
        if (help_keys[i].code == key)
            k = &help_keys[i];
    if (!k)
        return 0;
    switch (k->action) {
    case ACT_UP:
        help_pager_scroll(v->pager, -1);
        break;
    case ACT_DOWN:
        help_pager_scroll(v->pager, 1);
        break;
    case ACT_PAGE_UP:
        help_pager_page(v->pager, -1);
        break;
    case ACT_PAGE_DOWN:
        help_pager_page(v->pager, 1);
        break;
    case ACT_TOP:
        help_pager_home(v->pager);
        break;
    case ACT_BOTTOM:
        help_pager_end(v->pager);
        break;
    case ACT_SEARCH:
        v->prompting = 1;
        v->prompt_len = 0;
        v->prompt[0] = '\0';
        break;
    case ACT_NEXT:
        if (!help_pager_query(v->pager))
            snprintf(v->message, sizeof v->message, "no search yet: press / to search");
        else if (!help_pager_search_next(v->pager))
            snprintf(v->message, sizeof v->message, "not found: %s", help_pager_query(v->pager));
        break;
    case ACT_CLOSE:
        return 1;
    }
    return 0;
}

int help_view_run(const char *topic)
{
    HelpView *v = help_view_new(topic);
    if (!v)
        return -1;
    int closed = 0;
    while (!closed) {
        help_view_draw(v, stdscr);
        wrefresh(stdscr);
        int key = wgetch(stdscr);
        if (key == ERR)
            continue; /* a timeout set by the caller: just redraw */
        closed = help_view_on_key(v, key);
    }
    help_view_free(v);
    return 0;
}
