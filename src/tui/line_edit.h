/* line_edit.h — one line of text being edited: the `:` prompt, every form, the help
 * search.  UTF-8 text, a cursor between characters, the editing actions of the
 * "line" key table (bindings.c), and drawing that scrolls so the cursor stays
 * visible.  No allocation; no terminal. */
#ifndef ALLOT_TUI_LINE_EDIT_H
#define ALLOT_TUI_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/canvas.h"
#include "tui/keys.h"

#define TUI_LINE_MAX 512

typedef struct TuiLineEdit {
    char text[TUI_LINE_MAX]; /* UTF-8, NUL-terminated */
    size_t cur;              /* byte offset of the cursor in text, on a character boundary */
    bool selected;           /* the whole text is selected: typing replaces it, Backspace
                                deletes it, a cursor key keeps it and edits it */
} TuiLineEdit;

/* Replaces the text (cut at a character boundary to fit); the cursor goes to its end;
 * nothing is selected. */
void tui_line_edit_set(TuiLineEdit *e, const char *text);
/* The same, with the whole text selected (the old filter shown when `/` opens). */
void tui_line_edit_set_selected(TuiLineEdit *e, const char *text);

/* Applies an editing action (TA_CURSOR_*, TA_DELETE_*, TA_CLEAR_LINE): true if `a`
 * is one (even when it changed nothing, e.g. Left at the start). */
bool tui_line_edit_apply(TuiLineEdit *e, TuiAction a);

/* Inserts code point `cp` at the cursor.  False (nothing changes) for a control
 * character, a non-character key, or when the text would not fit. */
bool tui_line_edit_insert(TuiLineEdit *e, int cp);

/* Replaces the bytes [from, cursor) with `s` and puts the cursor after it.  False
 * (nothing changes) if the result would not fit or from > cursor. */
bool tui_line_edit_replace(TuiLineEdit *e, size_t from, const char *s);

/* Draws `label` and the text on row y from column x over w columns in `style` (a
 * selected text in TS_SELECTED).
 * When they are wider than w, the start is cut and marked "…" so that the cursor
 * stays visible.  Returns the cursor's column (x .. x + w - 1). */
int tui_line_edit_draw(const TuiLineEdit *e, const char *label, TuiCanvas *c, int y, int x, int w,
                       TuiStyle style);

#endif
