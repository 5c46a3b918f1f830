/* change.h — a change to the stock, from key to store: worked out first with the
 * one preview engine (whatif/whatif.h whatif_preview, delay_preview: the command
 * runs on a copy of what it touches, through the same handlers; nothing changes), asked
 * about when a line would leave its batch (SPEC.md §5 "A change that deallocates
 * lines shows what it will do and asks before doing it"), worked out again when
 * the data changes and right before it runs, then run through the bus — or, in a
 * what-if session, in the sandbox.  No drawing. */
#ifndef ALLOT_TUI_CHANGE_H
#define ALLOT_TUI_CHANGE_H

#include <stdbool.h>

#include "app/message_bus.h"
#include "app/unit_of_work.h"
#include "whatif/whatif.h"
#include "tui/overlay.h"

/* Where changes are worked out and run. */
typedef struct TuiChangeCtx {
    UnitOfWork *live;  /* the live unit of work (previews read it); NULL = read-only */
    MessageBus *bus;   /* runs commands on live; NULL = read-only */
    Clock *clock;      /* "today" of the previews */
    WhatIfSession *ws; /* a what-if session: previews and runs go to its sandbox; or NULL */
    WhatIfProgress progress; /* told while a bulk preview works (the terminal's); or NULL */
    void *progress_ctx;
} TuiChangeCtx;

typedef enum TuiChangeStep {
    CHANGE_REFUSED, /* it would be refused: the reason is in err */
    CHANGE_RUN,     /* nothing to show: run q->cmd now */
    CHANGE_ASK,     /* ask: q is ready to show (title, lines) */
} TuiChangeStep;

/* Works out q (ASK_CHANGE: `cmd`, or the delay `delay_ref` by `delay_days`) and
 * whether to ask: always when `always` (a cancel), for a delay that affects lines,
 * and when a line that holds a batch would move or wait.  `batch` (may be NULL)
 * gives the old values for the title ("Change quantity of W1: 10 → 4"). */
TuiChangeStep tui_change_prepare(const TuiChangeCtx *ctx, TuiQuestion *q, bool always,
                                 const TuiBatchInfo *batch, ErrBuf *err);

/* Works q out again on the data as it is now: false if the outcome (its lines, or
 * a delay's new ETA) is what q shows; true if it differs — then q holds the new
 * outcome.  ALLOT_OK in *st unless the change is no longer possible (the reason in
 * err, q unchanged). */
bool tui_change_recheck(const TuiChangeCtx *ctx, TuiQuestion *q, AllotStatus *st, ErrBuf *err);

/* Runs `cmd` (bus_handle contract; in the session's sandbox when ctx->ws). */
/* Runs the `n` commands of marked rows (TuiQuestion.bulk) as ONE transaction:
 * bus_bulk on live (all or none), or one after the other in the what-if session.
 * Errors: the first refused command's (nothing of it kept on live), ALLOT_ESTORAGE,
 * ALLOT_EUSAGE (read-only). */
AllotStatus tui_change_run_bulk(const TuiChangeCtx *ctx, const Command *cmds, size_t n,
                                CommandResult *res, ErrBuf *err);

AllotStatus tui_change_run(const TuiChangeCtx *ctx, const Command *cmd, CommandResult *res,
                           ErrBuf *err);

/* The status line after a run: "ChangeBatchQuantity done: 6 events, last: …",
 * "…: nothing changed", or the error (a lock held past the wait says so).  An
 * Undo says what it undid: "Undo of command 12 done: …", or with `redo` (an Undo
 * of an Undo, asked for as a redo: docs/tui.md "Undo and redo") "Redo of command
 * 9 done: …" naming the command it brings back, `redoes`. */
void tui_change_report(const Command *cmd, bool redo, int64_t redoes, AllotStatus st,
                       const CommandResult *res, const ErrBuf *err, char *buf, size_t size);

#endif
