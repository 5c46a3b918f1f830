/* preview.h — what a command would do, computed, not guessed (SPEC.md §5 "A change
 * that deallocates lines shows what it will do and asks before doing it").
 *
 * The product the command touches is loaded from the live unit of work (read only:
 * the unit of work is rolled back), copied into a fresh in-memory unit of work, and
 * the command runs there through the same handlers (bootstrap).  Comparing the
 * product's order lines before and after gives every line that would move.  The
 * live data is never changed.
 */
#ifndef ALLOT_TUI_PREVIEW_H
#define ALLOT_TUI_PREVIEW_H

#include <stddef.h>

#include "app/ports.h"
#include "app/unit_of_work.h"
#include "domain/commands.h"
#include "domain/events.h"

/* One order line whose place would change.  `from`/`to` are batch references, ""
 * for the backorder list; `to` is "(cancelled)" if the line would be removed. */
typedef struct TuiMove {
    AllotId orderid, sku, from, to;
    int64_t qty;
} TuiMove;

typedef struct TuiPreview {
    TuiMove *moves; /* sorted by orderid */
    size_t len, cap;
    EventVec events; /* every event the command would raise, in order */
    int64_t backordered; /* moves whose `to` is "" */
} TuiPreview;

void tui_preview_init(TuiPreview *p);
void tui_preview_fini(TuiPreview *p);

/* Runs `cmd` on a copy of the one product it touches (see above) and fills `out`
 * (which is cleared first).  `clock` may be NULL (system clock).  Returns the
 * status the command would return: ALLOT_OK, or its domain error with the same
 * message (ALLOT_EUNKNOWN_BATCH, ALLOT_EINVALID_SKU, ALLOT_EUNKNOWN_LINE,
 * ALLOT_ELINE_QTY_MISMATCH, ...), or ALLOT_ESTORAGE from loading.  Commands other
 * than CMD_ALLOCATE, CMD_CHANGE_BATCH_QTY, CMD_CHANGE_BATCH_ETA and
 * CMD_CANCEL_LINE give ALLOT_EUSAGE. */
AllotStatus tui_preview_command(UnitOfWork *live, const Command *cmd, Clock *clock,
                                TuiPreview *out, ErrBuf *err);

#endif
