/* canvas.h — where screens draw: a grid of terminal cells behind an interface.
 *
 * Screens draw into a TuiCanvas; curses_canvas.c implements it with ncursesw for the
 * real terminal, and the memory canvas below keeps the cells in memory (unit tests
 * compare captured screens; the benchmark renders into it).  Text is UTF-8 and is
 * placed by display width (wcwidth): a wide character takes two columns and is
 * never cut in half.  The process locale must be a UTF-8 one (setlocale).
 *
 * Styles name what the text is, not its colour: the renderer maps them to colours
 * when the terminal has them and NO_COLOR is unset, and to bold / reverse /
 * underline otherwise.  State is never shown by style alone: screens also write a
 * word or a mark ("SHORT", "BACKORDER", "▶").
 */
#ifndef ALLOT_TUI_CANVAS_H
#define ALLOT_TUI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum TuiStyle {
    TS_NORMAL,
    TS_TITLE,    /* the top bar */
    TS_TAB,      /* the current screen's name in the top bar */
    TS_BANNER,   /* the banner line (what-if sessions) */
    TS_HEADER,   /* column headings, panel titles */
    TS_SELECTED, /* the selected row */
    TS_WARN,     /* short of stock, backorders, OutOfStock */
    TS_GOOD,     /* allocated, ok */
    TS_DIM,      /* secondary text */
    TS_ERROR,    /* an error message */
    TS_KEY,      /* a key name in the footer */
    TS_INPUT,    /* the prompt line being edited */
    TS_HEADING,  /* help: a heading */
    TS_EMPH,     /* help: emphasis, a link's text */
    TS_STRONG,   /* help: strong emphasis, code */
    TS_MARKUP,   /* help: bullets, rules, underlines, addresses */
    TS_MATCH,    /* help: the text a search found */
    TS_COLUMN,   /* the column cursor's heading (`<` `>`): reversed, between [ ] */
    TS_STYLE_COUNT
} TuiStyle;

typedef struct TuiCanvas TuiCanvas;

typedef struct TuiCanvasOps {
    /* Writes `text` (UTF-8, already fitted: no control characters, display width
     * <= cols - x) at row y, column x in `style`. */
    void (*put)(TuiCanvas *c, int y, int x, const char *text, TuiStyle style);
    /* Blanks the whole canvas. */
    void (*clear)(TuiCanvas *c);
    /* Puts the terminal cursor at (y, x) and shows it, or hides it if y < 0. */
    void (*cursor)(TuiCanvas *c, int y, int x);
} TuiCanvasOps;

struct TuiCanvas {
    const TuiCanvasOps *ops;
    int rows, cols;
};

/* Display width of UTF-8 `s` (invalid bytes and control characters count 1, as
 * they are drawn as '?'). */
int tui_text_width(const char *s);

/* Copies into `out` (of `size` bytes) the longest prefix of `s` whose display
 * width is <= `width`, ending with "…" if something was cut; control characters
 * and invalid bytes become '?'.  If `pad`, spaces are added up to `width`
 * (right-aligned when `right`).  Returns the display width written. */
int tui_text_fit(const char *s, int width, bool pad, bool right, char *out, size_t size);

/* Draws `text` fitted to `width` columns at (y, x); clipped to the canvas.
 * Returns the columns used. */
int tui_canvas_text(TuiCanvas *c, int y, int x, int width, const char *text, TuiStyle style,
                    bool pad);

/* ---- memory canvas ---- */

typedef struct TuiMemCanvas TuiMemCanvas;

/* A rows × cols canvas in memory (rows, cols >= 1).  Caller frees with
 * tui_mem_canvas_free. */
TuiMemCanvas *tui_mem_canvas_new(int rows, int cols);
void tui_mem_canvas_free(TuiMemCanvas *m);
TuiCanvas *tui_mem_canvas(TuiMemCanvas *m);
/* Changes the size (contents cleared). */
void tui_mem_canvas_resize(TuiMemCanvas *m, int rows, int cols);
/* Row y as UTF-8 text, trailing spaces removed, into `out`; returns out. */
char *tui_mem_canvas_line(const TuiMemCanvas *m, int y, char *out, size_t size);
/* The style of the cell at (y, x). */
TuiStyle tui_mem_canvas_style(const TuiMemCanvas *m, int y, int x);
/* The row containing `needle`, or -1. */
int tui_mem_canvas_find(const TuiMemCanvas *m, const char *needle);
/* The whole screen as text, one line per row (caller frees). */
char *tui_mem_canvas_dump(const TuiMemCanvas *m);

#endif
