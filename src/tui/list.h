/* list.h — the one list widget every table of the TUI uses (STYLE.md: tmux
 * mode-tree).  Pure state and logic; it draws into a TuiCanvas.
 *
 * It holds a window of rows fetched from the env's TuiSource by keyset paging:
 * moving past the window's end asks for the rows after the last cursor, moving
 * before its start asks for the rows before the first one, and the window is
 * trimmed so memory stays bounded whatever the list's length.  The selection is
 * kept by identity (the row's `key`) across refreshes and filters: when its row
 * moved out of the window (another process's bulk change), the source locates it
 * and the window moves there; if it is gone, the selection stays at the same
 * position and tui_list_take_lost says which row went.
 *
 * Sorting (SPEC.md §5 "Every list sorts by any of its columns, both ways"): the
 * columns that name a spec order (source.h TuiColumn.order) sort by it, each first
 * in its own direction (the worst first), then the other way.  A column cursor
 * (tui_list_column_move) picks the column `[` and `]` sort by and scrolls the
 * table sideways when it is wider than the screen.
 *
 * Counting: the list knows its position and its length (`41/1,000,000`, with the
 * filter); what it does not know yet — the length of a long list under a filter,
 * the position after a jump — it works out in slices, as background work
 * (tui_list_work), as it does a search the source could not finish in one fetch (a
 * pending row at the window's end).
 *
 * Marks (SPEC.md §5 "Space marks rows, and a marked set takes one action"): a set
 * of row identities, kept across moves, sorts and filters.
 *
 * Columns share the width (source.h TuiColumn): numbers are as wide as their widest
 * value on screen and never cut; text columns take what their values need and, when
 * the table is too wide, give up room down to their minimum, the least important
 * first (a cut text ends in "…"); when even the minimums do not fit, the first
 * column stays and the others scroll sideways with the column cursor, « and » in the
 * header saying that columns are off screen.
 */
#ifndef ALLOT_TUI_LIST_H
#define ALLOT_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "app/strmap.h"
#include "tui/canvas.h"
#include "tui/source.h"

/* The most rows that `*` marks at once (a bulk action's commands are worked out
 * together, in memory). */
#define TUI_MARK_MAX 10000

typedef struct TuiList {
    const TuiEnv *env; /* the source and today; not owned */
    TuiQuery q;
    TuiRowVec rows;   /* the window, display order (may end in a pending row) */
    bool at_start;    /* rows[0] is the first row of the whole list */
    bool at_end;      /* the last row of the window is the last of the list */
    size_t sel, top;  /* selected and first visible index in rows */
    int height;       /* visible rows (>= 1) */
    char sel_key[TUI_CURSOR_MAX];
    char lost[TUI_CURSOR_MAX]; /* the identity of a selected row that is gone, or "" */
    bool has_error;
    ErrBuf err;       /* the last fetch error, shown in place of the rows */
    int col;          /* the column cursor: the column `[` / `]` sort by */
    /* position and length: -1 while not known */
    int64_t base;     /* the position of rows[0] in the list */
    int64_t total;    /* how many rows the list has (with its filter) */
    int64_t counted;  /* counted so far, while counting */
    char count_next[TUI_CURSOR_MAX]; /* where the count goes on ("" = from the start) */
    bool counting;
    StrMap marks;     /* identities of marked rows → the order they were marked in */
    uint64_t mark_seq;
} TuiList;

/* Sets up an empty list of `kind` over env->src (`env` not owned; it must outlive
 * the list); call tui_list_reload to fill it.  tui_list_fini frees the rows. */
void tui_list_init(TuiList *l, const TuiEnv *env, TuiListKind kind, const char *arg);
void tui_list_fini(TuiList *l);

/* Fetches the first page again; the selection goes to the row whose key is
 * `sel_key` if it is on that page (set sel_key first to choose a row), else to the
 * first row.  The length is counted again. */
void tui_list_reload(TuiList *l);
/* Fetches the visible window again from the same position (data changed); keeps
 * the selection on the same row by identity, wherever it moved — except in an
 * event list whose first row is selected, which follows the newest event.  The
 * length and position are counted again. */
void tui_list_refresh(TuiList *l);
/* If the selected row was gone at the last refresh: copies its identity as a
 * planner reads it ("o3 TABLE") into buf, forgets it and returns true. */
bool tui_list_take_lost(TuiList *l, char *buf, size_t size);
/* Sets the number of visible rows; a taller list reads on (the next pages) until
 * its rows fill the height, unless a search of it is still going on. */
void tui_list_set_height(TuiList *l, int height);

/* Moves the selection by `delta` rows (negative = up), fetching pages as needed. */
void tui_list_move(TuiList *l, long delta);
void tui_list_page(TuiList *l, int pages);
void tui_list_home(TuiList *l);
void tui_list_end(TuiList *l);

/* ---- sorting ---- */

/* `s` (step 1) / backward (step -1): the next column that sorts, in its first
 * direction, wrapping; the column cursor goes there.  False if no column sorts. */
bool tui_list_sort_next(TuiList *l, int step);
/* `S`: the same order the other way.  False (nothing changes) for a list with one
 * order and one direction (the availability timeline, by date). */
bool tui_list_sort_reverse(TuiList *l);
/* `[` / `]`: by the column under the column cursor, ascending / descending.  False
 * (nothing changes) if that column does not sort; `why` says so. */
bool tui_list_sort_column(TuiList *l, bool desc, char *why, size_t size);
/* The order as the breadcrumb shows it ("SHORT▼"). */
const char *tui_list_sort_name(const TuiList *l, char *buf, size_t size);
/* Moves the column cursor by delta columns (clamped), scrolling sideways. */
void tui_list_column_move(TuiList *l, int delta);

/* ---- filtering ---- */

/* Sets the filter text ("" = none; filter.h) and reloads.  False (nothing
 * changes) if the text is not a filter of this list; `why` says why. */
bool tui_list_set_filter(TuiList *l, const char *text, char *why, size_t size);

/* F3: moves the selection to the next row after it (wrapping to the first) that
 * has `text` in its ids (the list's filter terms still apply; its words give way to
 * `text`).  False with the reason in `why` when there is none. */
bool tui_list_find(TuiList *l, const char *text, char *why, size_t size);

/* ---- position, length, background work ---- */

/* The selection's position (0-based) and the list's length, each -1 while not
 * known yet; *counting while the length is being counted (then *total is -1 and
 * *so_far what is counted). */
void tui_list_where(const TuiList *l, int64_t *pos, int64_t *total, int64_t *so_far);
/* True if the list has background work left: a search to go on, a count, a
 * position. */
bool tui_list_busy(const TuiList *l);
/* Does one slice of that work (a bounded amount of reading); true if it changed
 * what the list shows. */
bool tui_list_work(TuiList *l);

/* ---- marks ---- */

/* Space: marks the selected row, or unmarks it if it was marked.  False if there
 * is no row (or it is a pending search). */
bool tui_list_mark_toggle(TuiList *l);
/* Calls fn on every row of the list as filtered and sorted (all of them, not only
 * the window loaded), in display order, a page at a time from the source; stops
 * when fn returns false.  Pending-search markers are not rows: the walk goes on
 * past them.  Errors: those of the source (ALLOT_ESTORAGE, ALLOT_EINVALID). */
AllotStatus tui_list_each(TuiList *l, bool (*fn)(void *ctx, const TuiRow *row), void *ctx,
                          ErrBuf *err);
/* `*`: marks every row of the list as filtered, up to TUI_MARK_MAX; *marked = how
 * many rows are marked now, *more = there were more than could be marked.
 * Errors: those of the source. */
AllotStatus tui_list_mark_all(TuiList *l, size_t *marked, bool *more, ErrBuf *err);
/* `\`: forgets every mark. */
void tui_list_marks_clear(TuiList *l);
size_t tui_list_marked(const TuiList *l);
bool tui_list_is_marked(const TuiList *l, const char *key);
/* The marked identities in the order they were marked, into a new array of
 * *n strings (free with tui_strings_free). */
char **tui_list_marked_keys(const TuiList *l, size_t *n);

/* The selected row, or NULL if the list is empty (or on a pending search). */
const TuiRow *tui_list_selected(const TuiList *l);
/* True if the selection is on the first row of the whole list. */
bool tui_list_on_first(const TuiList *l);

/* The display columns the list needs to show every column of the rows on screen
 * whole (list.c: each as wide as its heading and widest cell, and the selection's
 * mark): what a panel beside another asks for (Triage). */
int tui_list_width_wanted(const TuiList *l);

/* How `n` columns (source.h TuiColumn) share `room` display columns, as a list's
 * do (docs/tui.md "Widths"): w[i] = need[i] (what column i needs to show its
 * widest cell whole); when their sum is over `room`, the text columns give up room
 * down to their `min`, those of the lowest `keep` first, each of a level in
 * proportion to what it can give; numbers never do.  Returns the sum of w, which
 * is still over `room` when even the minimums do not fit.  Gaps are the caller's. */
int tui_columns_share(const TuiColumn *cols, int n, const int *need, int room, int *w);

/* Draws the header line and `height` rows at (y, x) over `width` columns; the
 * selected row gets a "▶" mark and TS_SELECTED when `focused`, a marked row "*",
 * and the heading under the column cursor "[QTY]" in TS_COLUMN. */
void tui_list_draw(const TuiList *l, TuiCanvas *c, int y, int x, int width, bool focused);

#endif
