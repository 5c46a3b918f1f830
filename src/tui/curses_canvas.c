/* curses_canvas.c — TuiCanvas over ncursesw (curses_canvas.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "tui/curses_canvas.h"

#include <curses.h>

typedef struct StyleMap {
    short fg, bg;
    attr_t color_attr; /* added when in colour */
    attr_t mono_attr;  /* used without colour */
} StyleMap;

static const StyleMap styles[TS_STYLE_COUNT] = {
    [TS_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [TS_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE},
    [TS_TAB] = {COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_BOLD | A_UNDERLINE},
    [TS_BANNER] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
    [TS_HEADER] = {COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [TS_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [TS_WARN] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [TS_GOOD] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [TS_DIM] = {COLOR_WHITE, -1, A_DIM, A_DIM},
    [TS_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [TS_KEY] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
    [TS_INPUT] = {COLOR_WHITE, -1, A_BOLD, A_BOLD},
    [TS_HEADING] = {COLOR_CYAN, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
    [TS_EMPH] = {-1, -1, A_UNDERLINE, A_UNDERLINE},
    [TS_STRONG] = {-1, -1, A_BOLD, A_BOLD},
    [TS_MARKUP] = {COLOR_WHITE, -1, A_DIM, A_DIM},
    [TS_MATCH] = {COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE},
    [TS_COLUMN] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
};

static attr_t style_attr(const TuiCursesCanvas *c, TuiStyle s)
{
    if ((unsigned)s >= TS_STYLE_COUNT)
        s = TS_NORMAL;
    if (c->color)
        return styles[s].color_attr | COLOR_PAIR((int)s + 1);
    return styles[s].mono_attr;
}

static void put(TuiCanvas *base, int y, int x, const char *text, TuiStyle style)
{
    TuiCursesCanvas *c = (TuiCursesCanvas *)base;
    attrset(style_attr(c, style));
    mvaddstr(y, x, text);
    attrset(A_NORMAL);
}

static void clear_all(TuiCanvas *base)
{
    (void)base;
    erase();
}

static void cursor(TuiCanvas *base, int y, int x)
{
    (void)base;
    if (y < 0) {
        curs_set(0);
    } else {
        move(y, x);
        curs_set(1);
    }
}

static const TuiCanvasOps ops = {.put = put, .clear = clear_all, .cursor = cursor};

void tui_curses_canvas_init(TuiCursesCanvas *c, bool want_color)
{
    c->base.ops = &ops;
    c->color = false;
    if (want_color && has_colors() && start_color() == OK && COLORS >= 8 && COLOR_PAIRS > TS_STYLE_COUNT) {
        use_default_colors();
        for (int s = 0; s < TS_STYLE_COUNT; s++)
            init_pair((short)(s + 1), styles[s].fg, styles[s].bg);
        c->color = true;
    }
    tui_curses_canvas_resize(c);
}

void tui_curses_canvas_resize(TuiCursesCanvas *c)
{
    c->base.rows = LINES;
    c->base.cols = COLS;
}
