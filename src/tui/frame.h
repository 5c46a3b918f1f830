/* frame.h — the parts of the screen around the views (docs/tui.md "Layout"): the
 * top bar, the breadcrumb row (with the what-if banner), the footer, and the
 * message of a terminal too small for the screens.  Pure drawing. */
#ifndef ALLOT_TUI_FRAME_H
#define ALLOT_TUI_FRAME_H

#include "tui/view.h"

/* Row 0: "allot │" and the top-level screens, the current one in brackets, and
 * the database's label on the right when it fits. */
void tui_frame_topbar(TuiCanvas *c, const char *const *names, int n, int current,
                      const char *db_label);

/* Row y: the header's counts (SPEC.md §5 "A header shows the counts that matter"):
 * "Backorders 16 lines, 515 units │ SKUs short 14 │ Overdue shipments 2 │ Late lines
 * 5", shorter words when narrow; NULL: the store does not give them. */
void tui_frame_counts(TuiCanvas *c, int y, const ReadCounts *counts);

/* Row y: `banner` (a what-if session's, or "") then the breadcrumb of the open
 * screens with the top one's position, sort, filter, marks and crumb text. */
void tui_frame_crumb(TuiCanvas *c, int y, const char *banner, TuiView *const *stack, int depth);

/* The position of the selection and the length of list l: "41/1,000,000", "?/…"
 * while not known yet, "12/≥400,000…" while counting; into buf. */
void tui_frame_where(const TuiList *l, char *buf, size_t size);

/* Row y: the footer hints of `maps` (keys.h tui_keymap_footer). */
void tui_frame_footer(TuiCanvas *c, int y, const TuiKeymap *const *maps, size_t n);

/* A terminal smaller than min_cols × min_rows: what it needs and what it is,
 * wrapped to any size; then `question` and its keys if one is asked there
 * (quitting with a what-if session open asks even here; NULL = none), else how to
 * quit. */
void tui_frame_small(TuiCanvas *c, int min_rows, int min_cols, const char *question);

#endif
