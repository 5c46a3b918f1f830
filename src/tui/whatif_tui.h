/* whatif_tui.h — a what-if session as the screens see it (SPEC.md §5 "What-if
 * session", issue 6).  No ncurses: part of tuicore.
 *
 * Starting one makes a session (whatif/whatif.h) over the live unit of work and read
 * model, a TuiSource that shows the sandbox (source_views over whatif_views) with
 * every row that differs from live marked — flag TUI_ROW_WHATIF and a "Δ …" note
 * in its last column: moved lines with their slip, new and filled backorders,
 * new lines, changed batch ETAs and quantities, products with changes — and a
 * TuiRunner that runs and previews commands in the sandbox.
 */
#ifndef ALLOT_TUI_WHATIF_TUI_H
#define ALLOT_TUI_WHATIF_TUI_H

#include <stddef.h>

#include "whatif/whatif.h"
#include "tui/app.h"
#include "tui/preview.h"
#include "tui/source.h"

typedef struct TuiWhatIf TuiWhatIf;

/* Starts a session (O(1)).  `live`, `live_views` not owned; `clock` may be NULL.
 * Errors: those of whatif_new (ALLOT_ESTORAGE).  Free with tui_whatif_free. */
AllotStatus tui_whatif_start(UnitOfWork *live, Views *live_views, Clock *clock, TuiWhatIf **out,
                             ErrBuf *err);
/* Ends the session (discarding whatever was not applied).  NULL is ignored. */
void tui_whatif_free(TuiWhatIf *w);

WhatIfSession *tui_whatif_session(TuiWhatIf *w);
/* The marked sandbox source and the sandbox runner; owned by `w`. */
TuiSource *tui_whatif_source(TuiWhatIf *w);
const TuiRunner *tui_whatif_runner(TuiWhatIf *w);

/* The banner text for the current state of the session, into buf. */
void tui_whatif_banner(TuiWhatIf *w, char *buf, size_t size);

/* Fills `out` (cleared first) with the session's changes so far, one move per
 * changed line, with slips, and the session's events. */
void tui_whatif_changes(TuiWhatIf *w, TuiPreview *out);

/* Fills `out` (cleared first) from a whatif diff: one move per line (moved or
 * slipped), with slips.  Shared with the delay preview. */
void tui_preview_from_diff(const WhatIfDiff *d, TuiPreview *out);

/* Applies the session to live through `live_bus` (whatif_apply) and writes a
 * one-line account of the real outcome into `msg` (whether it was as predicted,
 * or how it differs; *as_predicted says which).  Returns whatif_apply's status; on ALLOT_OK the session is
 * spent (free it); otherwise nothing was applied and the session stays.
 * `mismatch` (cleared first) receives the lines whose real outcome differs from
 * the prediction: `from` = predicted place, `to` = real place. */
AllotStatus tui_whatif_apply(TuiWhatIf *w, MessageBus *live_bus, bool *as_predicted, char *msg,
                             size_t size, TuiPreview *mismatch);

#endif
