/* whatif_tui.h — a what-if session as the screens see it (SPEC.md §5 "What-if
 * session", issue 6, issue 12).  No ncurses: part of tuicore.
 *
 * Starting one makes a session (app/whatif.h) over the live unit of work and read
 * model, and a TuiSource that shows the sandbox with every row that differs from
 * live marked — flag TUI_ROW_WHATIF and a "Δ …" note in its last column: moved
 * lines with their slip, new and filled backorders, new lines, changed batch ETAs
 * and quantities, products with changes.  Its event lists (Events, Triage's
 * "Today's events") show the sandbox's events first, marked "what-if" with ids of
 * their own (w1, w2, …), then the LIVE log, so other processes' events keep
 * appearing and no id names two events.
 *
 * Apply is worked out on the live data as it is when asked, and again right before
 * it runs: a fresh sandbox replays the session's commands over live; if that
 * outcome differs from the one shown, it is shown and asked again.
 */
#ifndef ALLOT_TUI_WHATIF_TUI_H
#define ALLOT_TUI_WHATIF_TUI_H

#include <stddef.h>

#include "whatif/whatif.h"
#include "tui/feed.h"
#include "tui/overlay.h"
#include "tui/source.h"

typedef struct TuiWhatIf TuiWhatIf;

/* Starts a session (O(1)).  `live`, `live_views`, `live_src` (the live source:
 * its events follow the sandbox's in the event lists) are not owned and must
 * outlive the session; `clock` may be NULL.  Errors: those of whatif_new
 * (ALLOT_ESTORAGE).  Free with tui_whatif_free. */
AllotStatus tui_whatif_start(UnitOfWork *live, Views *live_views, TuiSource *live_src,
                             Clock *clock, TuiWhatIf **out, ErrBuf *err);
/* Ends the session (discarding whatever was not applied).  NULL is ignored. */
void tui_whatif_free(TuiWhatIf *w);

WhatIfSession *tui_whatif_session(TuiWhatIf *w);
/* The marked sandbox source; owned by `w`. */
TuiSource *tui_whatif_source(TuiWhatIf *w);
size_t tui_whatif_count(TuiWhatIf *w); /* commands so far */

/* The banner's words for the session now ("WHAT-IF SESSION · 2 changes"), into buf. */
void tui_whatif_banner(TuiWhatIf *w, char *buf, size_t size);

/* After a command ran in the sandbox (`res` its result): adds its events to
 * `feed`, marked, numbered in the session; `at` = now (seconds). */
void tui_whatif_ran(TuiWhatIf *w, const CommandResult *res, TuiFeed *feed, int64_t at);

/* `A`: what applying the session would do to the live data as it is now: fills q
 * (ASK_APPLY: title, lines with slips).  False with the reason in `err` when a
 * command of the session would now be refused on live (nothing to ask). */
bool tui_whatif_prepare_apply(TuiWhatIf *w, TuiQuestion *q, ErrBuf *err);

/* The open apply question, worked out again (the data changed): true if the
 * outcome differs from q's (q then holds the new one). */
bool tui_whatif_recheck(TuiWhatIf *w, TuiQuestion *q, ErrBuf *err);

typedef enum TuiWhatIfApply {
    WHATIF_APPLIED,   /* applied: `msg` says how; the session is spent (free it) */
    WHATIF_ASK_AGAIN, /* live changed since q was shown: q holds the new outcome */
    WHATIF_FAILED,    /* nothing applied: `msg` says why; the session stays */
} TuiWhatIfApply;

/* `y` on the apply question q: works the outcome out again right before applying;
 * if it is the one shown, applies the session through `live_bus` in one
 * transaction.  `msg` gets a one-line account ("Applied 2 commands to the live
 * data, as predicted: …", or how the real outcome differs, never "for 0 lines").
 * When the real outcome still differs from the prediction (another writer between
 * the check and the commit), `notice` (initialised; ASK_NOTICE) lists where:
 * before = predicted, after = real, and *has_notice is set. */
TuiWhatIfApply tui_whatif_apply(TuiWhatIf *w, MessageBus *live_bus, TuiQuestion *q, char *msg,
                                size_t size, TuiQuestion *notice, bool *has_notice);

/* ---- the summary (`W`, SPEC.md §5; issue 13 point 8) ---- */

typedef struct TuiWhatIfStep {
    char text[200]; /* the command as its line of the grammar (command_format) */
    size_t events;  /* the events it raised in the sandbox */
} TuiWhatIfStep;

typedef struct TuiWhatIfSummary {
    OrderChange *orders; /* whatif_order_slips: worst first */
    size_t norders;
    TuiWhatIfStep *steps; /* the session's commands, in order */
    size_t nsteps;
} TuiWhatIfSummary;

/* The summary of the session now into `out` (zero it first, or reuse one; owned:
 * tui_whatif_summary_fini).  Errors: those of whatif_order_slips (the steps are
 * filled all the same). */
AllotStatus tui_whatif_summary(TuiWhatIf *w, TuiWhatIfSummary *out, ErrBuf *err);
void tui_whatif_summary_fini(TuiWhatIfSummary *s);

typedef enum TuiWhatIfDrop {
    WHATIF_DROPPED,     /* the session was worked out again without the step */
    WHATIF_DROP_ASK,    /* later steps would be refused without it: q asks */
    WHATIF_DROP_FAILED, /* nothing changed: `msg` says why */
} TuiWhatIfDrop;

/* Drops step `step` (0-based) and works the rest out again (whatif_drop_step).
 * When later steps would then be refused and `with_refused` is false, nothing
 * changes and q (initialised; ASK_DROP, q->step) asks whether to drop them too.
 * Dropped: the marking source reads the new sandbox (tui_whatif_source is the
 * same pointer; refresh the screens), the session's events in `feed` are replaced
 * by the replay's (`at` = now, seconds), and `msg` says what was dropped — the
 * steps refused without it named with their reason. */
TuiWhatIfDrop tui_whatif_drop(TuiWhatIf *w, size_t step, bool with_refused, TuiFeed *feed,
                              int64_t at, TuiQuestion *q, char *msg, size_t size);

#endif
