/* help_view.h — the TUI's help viewer: a help page full-screen, drawn from the
 * ncurses-free layout (help/help_layout.h, help/help_pager.h).  SPEC.md §5: `?`
 * opens help for the current screen; issue 7: scrolls, `/` searches, re-wraps on
 * resize.
 *
 * Keys (the table help_view_key_label lists): ↑/k and ↓/j/Enter a line; PgUp/b
 * and PgDn/Space a page; g/Home top, G/End bottom; `/` search (type, Enter; Esc
 * cancels), n next match; q or Esc closes.  Styles are attributes only (bold, underline, reverse), never colour, so
 * they read on monochrome terminals and under NO_COLOR.
 *
 * Needs curses initialised by the caller: initscr(), cbreak(), noecho(),
 * keypad(stdscr, TRUE), and setlocale(LC_ALL, "") before initscr for UTF-8.
 */
#ifndef ALLOT_TUI_HELP_VIEW_H
#define ALLOT_TUI_HELP_VIEW_H

#include <curses.h>
#include <stddef.h>

typedef struct HelpView HelpView;

/* A viewer for `topic`: a page name ("triage", "batches", "keys", ...), a command
 * name ("allocate"), or NULL for the getting-started page and the topic list —
 * the same lookup as `allot help TOPIC` (help_topic_doc).  NULL if the topic is
 * unknown.  Free with help_view_free. */
HelpView *help_view_new(const char *topic);

void help_view_free(HelpView *v);

/* Draws the page on `win` (all of it: the page, then a status line on the last
 * row), re-wrapping first if the window's size changed since the last draw.
 * Does not refresh. */
void help_view_draw(HelpView *v, WINDOW *win);

/* Handles one key as returned by wgetch (KEY_RESIZE included: re-wraps at the
 * next draw).  Returns 1 when the viewer wants to close (q or Esc outside a search
 * prompt), 0 otherwise. */
int help_view_on_key(HelpView *v, int key);

/* The viewer's key bindings, as data (STYLE.md "Key bindings are data"): the
 * number of entries, and entry i's label as the key bindings page writes it
 * ("Up", "k", "PgDn", "Esc", ...) with its note in *note (if note is not NULL).
 * Several entries may share a label (Enter is '\n', '\r' and KEY_ENTER). */
size_t help_view_key_count(void);
const char *help_view_key_label(size_t i, const char **note);

/* Runs the viewer on stdscr until it closes: draw, wait for a key, repeat.
 * Returns 0, or -1 if the topic is unknown (nothing drawn).  Afterwards the
 * caller redraws its own screen (e.g. clearok(curscr, TRUE)). */
int help_view_run(const char *topic);

#endif
