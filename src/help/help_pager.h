/* help_pager.h — the state of the help viewer without a terminal: a page laid out
 * at the viewport's width, the first visible line, the search.  The ncurses viewer
 * (src/tui/screens/help.c) maps keys to these calls and only draws; tests drive it
 * directly (SPEC.md §5 "Help"; issue 7: scrolls, `/` searches, re-wraps on resize).
 */
#ifndef ALLOT_HELP_PAGER_H
#define ALLOT_HELP_PAGER_H

#include <stddef.h>

#include "help/help_layout.h"

typedef struct HelpPager HelpPager;

/* A pager over `doc` (ownership passes to the pager) for a viewport of `width`
 * columns and `height` text rows (values below 1 are taken as 1; width as in
 * help_layout_new).  Starts at the first line, with no search.  Free with
 * help_pager_free. */
HelpPager *help_pager_new(HelpDoc *doc, int width, int height);

void help_pager_free(HelpPager *p);

/* Re-wraps at a new size.  The line that was at the top stays near the top (same
 * fraction of the page); a search match is looked up again from there. */
void help_pager_resize(HelpPager *p, int width, int height);

/* Scrolls by `lines` (negative: up), clamped so that the last page is full when
 * the page is longer than the viewport, and the top is never below line 0. */
void help_pager_scroll(HelpPager *p, long lines);

/* Scrolls by whole viewports (PgDn = +1, PgUp = -1), keeping one line of overlap
 * when the viewport has more than 2 rows. */
void help_pager_page(HelpPager *p, int pages);

/* First line (g) / last page (G). */
void help_pager_home(HelpPager *p);
void help_pager_end(HelpPager *p);

/* Starts a search for `needle` (copied; ASCII case ignored): the first line that
 * contains it at or after the top line, wrapping to the start of the page.  When
 * found, it becomes the match and is scrolled into view; returns 1.  Returns 0 (no
 * match kept) if not found or `needle` is empty. */
int help_pager_search(HelpPager *p, const char *needle);

/* The next line after the current match (or after the top line if none) that
 * contains the current search, wrapping around; 1 if found (and scrolled into
 * view), 0 if there is no search or no line contains it. */
int help_pager_search_next(HelpPager *p);

const HelpLayout *help_pager_layout(const HelpPager *p);
size_t help_pager_top(const HelpPager *p);
int help_pager_height(const HelpPager *p);
/* The matching line index, or -1. */
long help_pager_match(const HelpPager *p);
/* The current search text, or NULL; owned by the pager. */
const char *help_pager_query(const HelpPager *p);

#endif
