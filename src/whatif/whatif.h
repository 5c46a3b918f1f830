/* whatif.h — what-if sessions and shipment delays (SPEC.md §4 `allot whatif`, §5
 * "What-if session", issue 6).  No ncurses: the CLI and the TUI both use it.
 *
 * A session is a sandbox (whatif/sandbox_uow.h) over the live unit of work, a bus
 * bootstrapped over the sandbox (no notifier: a sandbox never calls the
 * OutOfStock hook), the list of commands that the sandbox accepted (for Apply),
 * and a read model over the sandbox (whatif_views) for the screens.  Starting one
 * is O(1) in the size of the database.
 *
 * Units: quantities are whole units; dates are days since 1970-01-01 UTC
 * (ALLOT_NO_ETA = in the warehouse); "today" is the session clock's date.
 *
 * Slip: the days a line's promise moves: after ETA − before ETA, where a batch in
 * the warehouse counts as today.  Defined only when the line is on a batch both
 * before and after (has_slip); a line that becomes a backorder has no slip.
 *
 * "Before" is the live state when the sandbox first read the product (its base);
 * "after" is the sandbox's current state.
 */
#ifndef ALLOT_WHATIF_WHATIF_H
#define ALLOT_WHATIF_WHATIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/message_bus.h"
#include "app/ports.h"
#include "app/unit_of_work.h"
#include "app/views.h"
#include "domain/lateness.h"
#include "domain/product.h"

/* ---- differences ---- */

/* What happened to one order line (flags of LineDiff.flags). */
enum {
    LINE_MOVED = 1 << 0,            /* on batch X before, on batch Y != X after */
    LINE_NEW_BACKORDER = 1 << 1,    /* a backorder after, not before (also a new
                                       line that went out of stock) */
    LINE_FILLED_BACKORDER = 1 << 2, /* a backorder before, on a batch after */
    LINE_CREATED = 1 << 3,          /* not there before (the session allocated it) */
    LINE_CANCELLED = 1 << 4,        /* there before, not after */
    LINE_ETA_CHANGED = 1 << 5,      /* same batch, whose ETA moved */
    LINE_QTY_CHANGED = 1 << 6,      /* same place, other qty (cancelled, then
                                       allocated again) */
};

typedef struct LineDiff {
    AllotId orderid;
    AllotId sku;
    int64_t qty;           /* qty after; before if the line was cancelled */
    bool before_exists, after_exists;
    AllotId before_batch;  /* "" = a backorder (when before_exists) */
    AllotId after_batch;   /* "" = a backorder (when after_exists) */
    int32_t before_eta;    /* that batch's ETA; ALLOT_NO_ETA = in the warehouse */
    int32_t after_eta;
    bool has_slip;         /* on a batch before and after */
    int32_t slip_days;     /* after ETA − before ETA (in the warehouse = today) */
    unsigned flags;        /* LINE_* */
    int32_t need;          /* the line's need date (SPEC.md §1.4), or ALLOT_NO_DATE */
    LineLateness before_late, after_late; /* on today; zero when it does not exist */
} LineDiff;

/* True if the line's lateness (days late, at risk) differs before and after. */
bool line_diff_lateness_changed(const LineDiff *d);

/* True if the line's place (batch, backorder, or existence) differs: the rows of
 * `allot whatif --csv` (SPEC.md §4). */
bool line_diff_place_changed(const LineDiff *d);

/* How a planner reads one side of a line's change, for confirmations and reports:
 * "B1 2026-12-01", "B1 in warehouse", "backorder", or — when the line is not there
 * on that side — "new" (before) / "cancelled" (after).  Into buf; returns buf. */
const char *line_diff_place(const LineDiff *d, bool after, char *buf, size_t size);

/* A line's slip: "-" (none: not on a batch on both sides), "0 days", "+3 days",
 * "-1 day".  Into buf; returns buf. */
const char *line_diff_slip(const LineDiff *d, char *buf, size_t size);

typedef struct BatchDiff {
    AllotId ref;
    AllotId sku;
    bool created;              /* made in the session (before_* meaningless) */
    int64_t before_qty, after_qty;
    int32_t before_eta, after_eta;
    int32_t slip_days;         /* ETA change, in the warehouse = today; 0 if same */
    int64_t lines_moved_out;   /* lines that left it */
    int64_t lines_moved_in;    /* lines that came to it */
} BatchDiff;

/* A whole difference.  Owns its arrays: whatif_diff_init, then whatif_diff_fini. */
typedef struct WhatIfDiff {
    LineDiff *lines;     /* lines whose place, ETA or qty changed; by orderid, sku */
    size_t nlines, caplines;
    BatchDiff *batches;  /* batches created, or whose qty or ETA changed; by ref */
    size_t nbatches, capbatches;
    EventVec events;     /* the events raised, in order */
    size_t new_backorders, filled_backorders, moved, slipped, created, cancelled;
} WhatIfDiff;

void whatif_diff_init(WhatIfDiff *d);
void whatif_diff_fini(WhatIfDiff *d);

/* Appends to `d` the differences between two states of one product (either may be
 * NULL: a product that did not exist), lines and batches, and updates the
 * counters; does not sort and touches no events.  `today` (days) stands for
 * in-the-warehouse in slips. */
void whatif_diff_products(const Product *before, const Product *after, int32_t today,
                          WhatIfDiff *d);

/* Sorts lines by (orderid, sku) and batches by ref (byte-wise). */
void whatif_diff_sort(WhatIfDiff *d);

/* ---- the session ---- */

typedef struct WhatIfSession WhatIfSession;

/* Starts a session over the live unit of work `live` and its read model
 * `live_views` (neither owned; both must outlive the session; live_views may be
 * NULL for a store without a read model, e.g. memory_uow in tests: then
 * whatif_views returns NULL).  `clock` (NULL =
 * clock_system()) gives "today" and stamps sandbox events; `logger` (NULL =
 * logger_stderr()) receives event-handler failures.  O(1): nothing is read but
 * the newest event id.  Errors: ALLOT_ESTORAGE (the live read model cannot be
 * read).  On success *out is a new session; free with whatif_discard. */
AllotStatus whatif_new(UnitOfWork *live, Views *live_views, Clock *clock, Logger *logger,
                       WhatIfSession **out, ErrBuf *err);

/* Ends the session and forgets everything it did.  The live data was never
 * touched.  NULL is ignored. */
void whatif_discard(WhatIfSession *s);

/* Runs `cmd` in the sandbox through the session's bus (bus_handle contract;
 * `res` may be NULL).  An accepted command is remembered for whatif_apply; a
 * refused one is not.  Errors: the bus's (domain errors, ALLOT_ESTORAGE if the
 * live store cannot be read). */
AllotStatus whatif_run(WhatIfSession *s, const Command *cmd, CommandResult *res, ErrBuf *err);

/* The commands accepted so far, in order.  i < count. */
size_t whatif_command_count(const WhatIfSession *s);
const Command *whatif_command(const WhatIfSession *s, size_t i);
/* The command id command i got in the sandbox (its events carry it); 0 if it
 * logged nothing. */
int64_t whatif_command_id(const WhatIfSession *s, size_t i);

/* Today (days since 1970-01-01 UTC) by the session's clock. */
int32_t whatif_today(const WhatIfSession *s);

/* The session's clock (whatif_new's, or the system clock). */
Clock *whatif_clock(WhatIfSession *s);

/* The sandbox unit of work, the session's bus over it, and the read model over
 * the sandbox (sandbox_views.h semantics; NULL if the session was made without
 * live views).  Owned by the session. */
UnitOfWork *whatif_uow(WhatIfSession *s);
MessageBus *whatif_bus(WhatIfSession *s);
Views *whatif_views(WhatIfSession *s);

/* Everything the session changed so far compared with live as it was when read
 * (see the top of this file), with the events the session raised.  `out` must be
 * initialised; it is cleared first.  Sorted (whatif_diff_sort).  No errors. */
void whatif_diff(WhatIfSession *s, WhatIfDiff *out);

/* The lateness of order `orderid` on the session's today, in the live data
 * (`before`) and in the sandbox (`after`): SPEC.md §1.4, for the whatif report.
 * Errors: those of the views. */
AllotStatus whatif_order_lateness(WhatIfSession *s, const char *orderid, OrderLateness *before,
                                  OrderLateness *after, ErrBuf *err);

/* ---- marking rows of the screens ---- */

/* How order line (sku, orderid) differs from live: true and *out filled if it
 * does (moved, new or filled backorder, ETA changed, created, cancelled), false
 * if it is as live (or the session never touched its product). */
bool whatif_mark_line(WhatIfSession *s, const char *sku, const char *orderid, LineDiff *out);

/* How batch `ref` differs from live (created, qty or ETA changed, lines moved in
 * or out): true and *out filled if it does. */
bool whatif_mark_batch(WhatIfSession *s, const char *ref, BatchDiff *out);

/* Summary of product `sku`'s differences (counters of WhatIfDiff; lines and
 * batches left empty): true if anything differs.  `out` need not be initialised
 * and owns nothing afterwards. */
typedef struct ProductMark {
    size_t moved, slipped, new_backorders, filled_backorders, created, cancelled;
    size_t batches_changed;
} ProductMark;
bool whatif_mark_product(WhatIfSession *s, const char *sku, ProductMark *out);

/* ---- apply ---- */

typedef struct WhatIfApplyReport {
    size_t ncommands;       /* commands replayed */
    bool applied;           /* the live transaction committed */
    bool compared;          /* the real outcome was read back and compared */
    size_t predicted_events; /* how many events the sandbox raised */
    long refused_index;     /* -1, or the command refused on live (nothing applied) */
    char refused_msg[ALLOT_ERR_MAX];
    bool as_predicted;      /* live now equals the sandbox (state and events) */
    WhatIfDiff real;        /* live before the apply → live after; its events are
                               those the live bus raised */
    WhatIfDiff mismatch;    /* lines and batches whose live outcome differs from
                               the sandbox's: before_* = the sandbox's prediction,
                               after_* = the real outcome */
} WhatIfApplyReport;

void whatif_apply_report_init(WhatIfApplyReport *r);
void whatif_apply_report_fini(WhatIfApplyReport *r);

/* Replays the session's commands through `live_bus` (bootstrapped over the live
 * unit of work given to whatif_new) in ONE bulk transaction (SPEC.md §3): all of
 * them or none.  If a command is refused on live (live data changed meanwhile),
 * nothing is applied: report->refused_index and refused_msg say which and why,
 * and the session stays as it was.  On success the report holds the real outcome
 * and whether it differs from the prediction (live data may have changed since
 * the sandbox read it: then as_predicted is false and `mismatch` lists where).
 * The session itself is unchanged; discard it afterwards.
 * Returns ALLOT_OK when applied, the refusing command's status when refused, or
 * ALLOT_ESTORAGE / ALLOT_ECONFLICT from the store (nothing applied). */
AllotStatus whatif_apply(WhatIfSession *s, MessageBus *live_bus, WhatIfApplyReport *report,
                         ErrBuf *err);

/* One line for the planner about an applied report (report->applied): "Applied N
 * commands to the live data, as predicted: …", or how the real outcome differs —
 * naming only what differs (lines, batches, or else the events), with a first
 * example — or that it could not be compared.  Written into out (cut to size). */
void whatif_apply_summary(const WhatIfApplyReport *r, char *out, size_t size);

/* Works the session's outcome out again on live as it is now, right before an
 * Apply: replays the session's commands in a fresh sandbox over the live unit of
 * work (nothing is written) and fills `out` (initialised; cleared first; sorted)
 * with the differences from live now and the events.  Compare it with the outcome
 * shown (whatif_diff_same) and ask again if it changed.  Errors: the status of the
 * first command live now refuses (*refused = its index; else -1), naming it in
 * err; ALLOT_ESTORAGE. */
AllotStatus whatif_rework(WhatIfSession *s, WhatIfDiff *out, long *refused, ErrBuf *err);

/* True if two differences show the same outcome: the same lines (order id, SKU,
 * qty, places before and after, ETAs), the same batches (qty, ETA before and
 * after, created) and the same events (types and fields, in order). */
bool whatif_diff_same(const WhatIfDiff *a, const WhatIfDiff *b);

/* ---- the session's summary (SPEC.md §5 "a summary screen lists the orders that
 *      change, by slip, with their complete dates, and the session's steps (drop
 *      one, and the rest are worked out again)"; issue 13 point 8) ---- */

/* How an order's complete date (domain/lateness.h: the latest promised date of its
 * lines, none while one waits) differs between live and the session.  The values
 * are in the order the summary lists them: worst first. */
typedef enum OrderChangeKind {
    ORDER_NOW_WAITS, /* a line waits for stock after, none did before: newly
                        backordered (also a new order that waits) — the worst */
    ORDER_SLIPS,     /* a complete date on both sides, another one after */
    ORDER_FILLED,    /* a line waited before, none waits after */
    ORDER_NEW,       /* no line before (the session allocated it), not waiting */
    ORDER_GONE,      /* no line after (the session cancelled every line) */
    ORDER_SAME,      /* the same complete date (or waiting on both sides) */
} OrderChangeKind;

typedef struct OrderChange {
    AllotId orderid;
    OrderLateness before; /* live now (whatif_order_lateness) */
    OrderLateness after;  /* the session's sandbox */
    OrderChangeKind kind;
    int32_t slip_days;    /* ORDER_SLIPS: after.complete − before.complete (days; < 0
                             earlier); else 0 */
} OrderChange;

/* Every order of the lines of `d` (a difference of this session, sorted by
 * orderid), once, in that order, with its lateness before and after and its kind.
 * *out is a new array the caller frees (NULL when *n is 0).  Errors: those of
 * whatif_order_lateness (ALLOT_EINVALID without a read model, ALLOT_ESTORAGE);
 * then *out is NULL and *n 0. */
AllotStatus whatif_orders_of(WhatIfSession *s, const WhatIfDiff *d, OrderChange **out, size_t *n,
                             ErrBuf *err);

/* The orders whose complete date or waiting differs between live and the session
 * (kind != ORDER_SAME), worst first: ORDER_NOW_WAITS, then ORDER_SLIPS by slip,
 * largest delay first down to the largest gain, then ORDER_FILLED, ORDER_NEW,
 * ORDER_GONE; by order id within each.  Ownership and errors as whatif_orders_of. */
AllotStatus whatif_order_slips(WhatIfSession *s, OrderChange **out, size_t *n, ErrBuf *err);

/* A step that a replay without the dropped one refused. */
typedef struct WhatIfRefusal {
    size_t step;             /* its index among the steps before the drop */
    AllotStatus status;      /* the bus's (ALLOT_EUNKNOWN_BATCH, …), or
                                ALLOT_EUNKNOWN_COMMAND for an Undo of a step that
                                did not run */
    char msg[ALLOT_ERR_MAX]; /* why ("unknown batch reference B9", "it undoes step 2,
                                which is dropped") */
} WhatIfRefusal;

typedef struct WhatIfDrop {
    size_t step;            /* the step asked to drop */
    bool done;              /* the session was worked out again without it */
    WhatIfRefusal *refused; /* later steps that are refused without it, in order;
                               owned: whatif_drop_init, then whatif_drop_fini */
    size_t nrefused;
} WhatIfDrop;

void whatif_drop_init(WhatIfDrop *d);
void whatif_drop_fini(WhatIfDrop *d);

/* Drops step `step` (0-based, < whatif_command_count) of the session and works the
 * rest out again: the other steps are replayed, in order, on a fresh sandbox over
 * live as it is now (an Undo of one of the session's steps still undoes that step).
 * When a later step is refused without the dropped one and `with_refused` is
 * false, nothing changes: out->done is false and out->refused lists them, to ask
 * the planner.  Otherwise the session becomes the replay (those refused steps
 * dropped too, listed in out->refused): its sandbox, bus and read model
 * (whatif_uow, whatif_bus, whatif_views) are new objects — the old pointers are
 * freed — and its events are the replay's.  `out` is initialised; it is cleared
 * first.  Errors: ALLOT_EINVALID (no such step); ALLOT_ESTORAGE, ALLOT_EIO,
 * ALLOT_ECONFLICT from the live store (the session unchanged, err naming the step). */
AllotStatus whatif_drop_step(WhatIfSession *s, size_t step, bool with_refused, WhatIfDrop *out,
                             ErrBuf *err);

/* ---- previews: what one command would do (SPEC.md §5 "shows what it will do and
 *      asks"), the one engine of every confirmation ---- */

/* Runs `cmd` in a throwaway sandbox over `source` — the live unit of work, or a
 * session's sandbox (whatif_uow) to preview inside the session — and fills `out`
 * (initialised; cleared first; sorted) with every line that would move, be
 * backordered, filled, created or cancelled, with its slip, the batches that
 * would change and the events it would raise.  Nothing changes anywhere.
 * `clock` (NULL = clock_system()) gives today (for slips) and stamps the events.
 * Errors: those of the command, with its message (ALLOT_EUNKNOWN_BATCH,
 * ALLOT_EUNKNOWN_LINE, ...), ALLOT_ESTORAGE. */
AllotStatus whatif_preview(UnitOfWork *source, Clock *clock, const Command *cmd,
                           WhatIfDiff *out, ErrBuf *err);

/* whatif_preview of `n` commands run one after the other in ONE throwaway sandbox
 * (a bulk action on marked rows, SPEC.md §5 "a marked set takes one action"): one
 * combined difference, every line that moves once, with its slip.  Errors: the
 * first refused command's (*refused = its index, else n; `refused` may be NULL),
 * ALLOT_ESTORAGE. */
AllotStatus whatif_preview_many(UnitOfWork *source, Clock *clock, const Command *cmds, size_t n,
                                WhatIfDiff *out, size_t *refused, ErrBuf *err);

/* Told after each command of whatif_preview_many_watched: `done` of `n` worked out.
 * Returning false stops the work. */
typedef bool (*WhatIfProgress)(void *ctx, size_t done, size_t n);

/* whatif_preview_many, telling `progress` (NULL = nobody) after each command; when it
 * returns false the work stops: ALLOT_ECANCELLED, *refused = the commands done,
 * nothing changed anywhere. */
AllotStatus whatif_preview_many_watched(UnitOfWork *source, Clock *clock, const Command *cmds,
                                        size_t n, WhatIfProgress progress, void *progress_ctx,
                                        WhatIfDiff *out, size_t *refused, ErrBuf *err);

/* ---- shipment delay in one motion (SPEC.md §5 `d`): a case of whatif_preview ---- */

typedef struct DelayPreview {
    AllotId ref;
    AllotId sku;
    int32_t days;        /* the delay asked for */
    int32_t old_eta;     /* ALLOT_NO_ETA = in the warehouse */
    int32_t new_eta;     /* old ETA + days; in the warehouse: today + days */
    Command cmd;         /* the ChangeBatchEta to run (bus_handle or whatif_run) */
    WhatIfDiff diff;     /* whatif_preview of cmd */
} DelayPreview;

void delay_preview_init(DelayPreview *p);
void delay_preview_fini(DelayPreview *p);

/* The ChangeBatchEta that delays batch `ref` by `days` (may be negative: earlier;
 * |days| <= 3650) as `source` has it now, and its whatif_preview.  A batch in the
 * warehouse delayed by N days is given the ETA today + N.  Errors:
 * ALLOT_EUNKNOWN_BATCH; ALLOT_EINVALID (days 0 or out of range; a batch in the
 * warehouse cannot come earlier; the ETA would leave the calendar);
 * ALLOT_ESTORAGE. */
AllotStatus delay_preview(UnitOfWork *source, Clock *clock, const char *ref, int32_t days,
                          DelayPreview *out, ErrBuf *err);

#endif
