/* curses_canvas.h — the TuiCanvas on an ncursesw screen (the only drawing code
 * that knows ncurses).  Styles map to colour pairs when the terminal has at least 8
 * colours and colour is enabled, else to attributes (bold, reverse, underline, dim):
 * screens never show state by colour alone. */
#ifndef ALLOT_TUI_CURSES_CANVAS_H
#define ALLOT_TUI_CURSES_CANVAS_H

#include <stdbool.h>

#include "tui/canvas.h"

typedef struct TuiCursesCanvas {
    TuiCanvas base;
    bool color;
} TuiCursesCanvas;

/* Sets up colours (if `want_color` and the terminal has them) and returns a canvas
 * of the current size of stdscr.  Call after newterm. */
void tui_curses_canvas_init(TuiCursesCanvas *c, bool want_color);
/* Takes the current size of stdscr. */
void tui_curses_canvas_resize(TuiCursesCanvas *c);

#endif
