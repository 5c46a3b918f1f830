/* list.h — the one list widget every table of the TUI uses (STYLE.md: tmux
 * mode-tree).  Pure state and logic; it draws into a TuiCanvas.
 *
 * It holds a window of rows fetched from the env's TuiSource by keyset paging:
 * moving past the window's end asks for the rows after the last cursor, moving
 * before its start asks for the rows before the first one, and the window is
 * trimmed so memory stays bounded whatever the list's length.  The selection is
 * kept by identity (the row's `key`) across refreshes, sorts and filters: when its
 * row moved out of the window (another process's bulk change), the source locates
 * it and the window moves there; if it is gone, the selection stays at the same
 * position and tui_list_take_lost says which row went.
 *
 * Columns: numbers (right-aligned columns) are sized to fit the widest value on
 * screen and are never cut; text columns give up room first.
 */
#ifndef ALLOT_TUI_LIST_H
#define ALLOT_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/canvas.h"
#include "tui/source.h"

typedef struct TuiList {
    const TuiEnv *env; /* the source and today; not owned */
    TuiQuery q;
    TuiRowVec rows;   /* the window, display order */
    bool at_start;    /* rows[0] is the first row of the whole list */
    bool at_end;      /* the last row of the window is the last of the list */
    size_t sel, top;  /* selected and first visible index in rows */
    int height;       /* visible rows (>= 1) */
    char sel_key[TUI_CURSOR_MAX];
    char lost[TUI_CURSOR_MAX]; /* the identity of a selected row that is gone, or "" */
    bool has_error;
    ErrBuf err;       /* the last fetch error, shown in place of the rows */
} TuiList;

/* Sets up an empty list of `kind` over env->src (`env` not owned; it must outlive
 * the list); call tui_list_reload to fill it.  tui_list_fini frees the rows. */
void tui_list_init(TuiList *l, const TuiEnv *env, TuiListKind kind, const char *arg);
void tui_list_fini(TuiList *l);

/* Fetches the first page again; the selection goes to the row whose key is
 * `sel_key` if it is on that page (set sel_key first to choose a row), else to the
 * first row. */
void tui_list_reload(TuiList *l);
/* Fetches the visible window again from the same position (data changed); keeps
 * the selection on the same row by identity, wherever it moved — except in an
 * event list whose first row is selected, which follows the newest event. */
void tui_list_refresh(TuiList *l);
/* If the selected row was gone at the last refresh: copies its identity as a
 * planner reads it ("o3 TABLE") into buf, forgets it and returns true. */
bool tui_list_take_lost(TuiList *l, char *buf, size_t size);
/* Sets the number of visible rows. */
void tui_list_set_height(TuiList *l, int height);

/* Moves the selection by `delta` rows (negative = up), fetching pages as needed. */
void tui_list_move(TuiList *l, long delta);
void tui_list_page(TuiList *l, int pages);
void tui_list_home(TuiList *l);
void tui_list_end(TuiList *l);

/* Next sort order (wrapping); reloads. */
void tui_list_cycle_sort(TuiList *l);
/* Name of the current sort order. */
const char *tui_list_sort_name(const TuiList *l);
/* Sets the filter text ("" = none); reloads. */
void tui_list_set_filter(TuiList *l, const char *text);

/* The selected row, or NULL if the list is empty. */
const TuiRow *tui_list_selected(const TuiList *l);
/* True if the selection is on the first row of the whole list. */
bool tui_list_on_first(const TuiList *l);

/* Draws the header line and `height` rows at (y, x) over `width` columns; the
 * selected row gets a "▶" mark and TS_SELECTED when `focused`. */
void tui_list_draw(const TuiList *l, TuiCanvas *c, int y, int x, int width, bool focused);

#endif
