/* undo_steps.h — which command "undo" and "redo" mean to a planner stepping back
 * and forth through the event log (SPEC.md §1.6, §5 "`u` undoes the latest command
 * (with its preview), `U` redoes"), read from the read model (views.h): nothing
 * changes.  The TUI's `u` and `U` run Undo(the command found) through the bus.
 *
 * Undo(C) is itself a command, so the log holds changes, undos and redos (an undo of
 * an undo).  A command is a *change* (a plain command, or a redo: it puts a change
 * back) or an *undo* (an undo of a change); it is *in effect* unless a later command
 * in effect undid it.  Then, reading the log from the newest command back:
 *   - undo: the newest change in effect (skipping undos in effect, and what they
 *     undid) — pressed again, the change before it, and so on;
 *   - redo: the newest undo in effect (skipping redos in effect, and what they
 *     redid) — but not past a plain change: a new change after an undo ends what
 *     can be redone, as in an editor.
 * Whether the domain accepts that undo (no later command changed its products) is
 * the bus's to say: undo_step_find only finds the command.
 *
 * The walk reads at most UNDO_STEPS_MAX commands back.
 */
#ifndef ALLOT_APP_UNDO_STEPS_H
#define ALLOT_APP_UNDO_STEPS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/views.h"

enum { UNDO_STEPS_MAX = 1000 };

typedef struct UndoStep {
    int64_t target;   /* the command to undo (Undo(target)); 0 = none (see `why`) */
    bool redo;        /* the target is an undo: undoing it redoes the change */
    int64_t undoes;   /* for a redo, the command whose undo it puts back */
    EventRow first;   /* the target's first event: its type, time, actor */
    int64_t nevents;  /* how many events the target logged (read so far) */
    char why[200];    /* when target is 0: why there is nothing to undo / redo */
} UndoStep;

/* The command that `redo` ? redo : undo would undo now, in the log as `v` reads it
 * (the live store's, or a what-if sandbox's: its own commands after the live
 * ones).  Errors: those of the views (ALLOT_ESTORAGE). */
AllotStatus undo_step_find(Views *v, bool redo, UndoStep *out, ErrBuf *err);

#endif
