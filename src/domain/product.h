/* product.h — the Product aggregate: one SKU, its batches, its order lines
 * (allocated or backordered) and its version.  SPEC.md §1.
 *
 * A Product is the consistency boundary: every rule of SPEC.md §1.2 is a function
 * here that either succeeds, changes the product, bumps its version once and records
 * its events, or fails with nothing changed.  Pure C: no I/O, no globals.
 *
 * Units: quantities are whole units (int64_t); dates are days since 1970-01-01
 * (int32_t), ALLOT_NO_ETA meaning "in the warehouse".  Every order line carries
 * the moment it was first requested (its Allocate) as the pair (requested, seq):
 * `requested` is given by the caller (the service layer passes the command id,
 * which grows across the whole store; a restore passes the exported value; 0 when
 * none), `seq` is a per-product counter that only grows, shared with batches'
 * creation order.  "Oldest" is the smallest pair (SPEC.md §1.2, §4 "requested").
 *
 * Ownership: the Product owns its batches, lines and pending events.  Pointers
 * returned by the accessors stay valid until the next call that changes the product.
 */
#ifndef ALLOT_DOMAIN_PRODUCT_H
#define ALLOT_DOMAIN_PRODUCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/events.h"
#include "domain/status.h"
#include "domain/validate.h"

typedef struct Batch {
    AllotId ref;       /* unique across all products (checked by the service layer) */
    int64_t qty;       /* purchased quantity, >= 0 */
    int64_t allocated; /* sum of the qtys of the lines on this batch */
    int32_t eta;       /* days since epoch, or ALLOT_NO_ETA */
    uint64_t seq;      /* creation order within the product */
} Batch;

typedef struct OrderLine {
    AllotId orderid;
    int64_t qty;   /* > 0 */
    int64_t requested; /* the moment of first request across the store (>= 0) */
    uint64_t seq;  /* within the product: breaks ties of `requested` */
    int32_t need;  /* the customer's need date (days), or ALLOT_NO_DATE (§1.4) */
    int32_t batch; /* index of its batch (product_batch), or -1: a backorder */
    int32_t moved_from; /* internal: batch it was deallocated from during the
                           current rule, -1 otherwise; always -1 between calls */
} OrderLine;

typedef struct Product Product;

/* A new, empty product for `sku` (copied, at most ALLOT_ID_MAX bytes) with version
 * 0.  Caller owns it; free with product_free. */
Product *product_new(const char *sku);

/* A deep copy (batches, lines, pending events, version).  Caller owns it. */
Product *product_clone(const Product *p);

/* A deep copy of the state alone (batches, lines, version), without the pending
 * events: what a store keeps of a product.  Caller owns it. */
Product *product_clone_state(const Product *p);

void product_free(Product *p);

const char *product_sku(const Product *p);
int64_t product_version(const Product *p);
/* For repositories that load a stored product. */
void product_set_version(Product *p, int64_t version);
/* The next value of the seq counter (persisted by repositories). */
uint64_t product_next_seq(const Product *p);
void product_set_next_seq(Product *p, uint64_t next_seq);

/* ---- loading (repositories; no rules, no events, no version change) ---- */

/* Adds a stored batch.  ALLOT_EDUPLICATE_BATCH if `ref` is already in this product.
 * next_seq is raised past `seq`. */
AllotStatus product_load_batch(Product *p, const char *ref, int64_t qty, int32_t eta,
                               uint64_t seq, ErrBuf *err);

/* Adds a stored order line (with its need date and request moment) on batch
 * `batchref`, or as a backorder if batchref is NULL or "".  ALLOT_EUNKNOWN_BATCH if the batch is not loaded yet;
 * ALLOT_ELINE_QTY_MISMATCH if the order id is already present.  Capacity is not
 * checked here (use product_check_invariants).  next_seq is raised past `seq`. */
AllotStatus product_load_line(Product *p, const char *orderid, int64_t qty, uint64_t seq,
                              int32_t need, int64_t requested, const char *batchref,
                              ErrBuf *err);

/* ---- the rules of SPEC.md §1.2 ---- */

/* Rule 1.  Allocates line (orderid, this sku, qty) to the most preferred batch
 * (§1.1) whose available >= qty → EV_ALLOCATED; if none has room the line becomes
 * a backorder → EV_OUT_OF_STOCK.  The new line carries `need` (days, or
 * ALLOT_NO_DATE; §1.4: it informs, it does not reorder) and the request moment
 * `requested` (>= 0, see above).  The same line already present with the same qty
 * is a no-op (no event, no version change; its need date and moment stay).  `batchref_out` (may be NULL) receives
 * the batch reference, or "" when the line is (or already was) a backorder.
 * Errors: ALLOT_ELINE_QTY_MISMATCH (same line, other qty); ALLOT_EINVALID (qty
 * outside 1..ALLOT_QTY_MAX). */
AllotStatus product_allocate(Product *p, const char *orderid, int64_t qty, int32_t need,
                             int64_t requested, AllotId batchref_out, ErrBuf *err);

/* Rule 2.  Adds a batch → EV_BATCH_CREATED, then retries backorders (rule 6).
 * Errors: ALLOT_EDUPLICATE_BATCH if `ref` is in this product (uniqueness across
 * products is the service layer's check); ALLOT_EINVALID (qty outside
 * 0..ALLOT_QTY_MAX). */
AllotStatus product_add_batch(Product *p, const char *ref, int64_t qty, int32_t eta,
                              ErrBuf *err);

/* Rule 3.  Sets the batch's qty → EV_BATCH_QTY_CHANGED; while available < 0 the
 * batch's newest line is removed to the backorders; then backorders are retried
 * oldest first (rule 6).  Each removed line ends the call with exactly one event
 * for its net outcome: EV_REALLOCATED (it landed on another batch), none (it
 * landed back on its own batch), or EV_DEALLOCATED (it is now a backorder).
 * Setting the qty it already has is a no-op.  Errors: ALLOT_EUNKNOWN_BATCH;
 * ALLOT_EINVALID (qty outside 0..ALLOT_QTY_MAX). */
AllotStatus product_change_batch_qty(Product *p, const char *ref, int64_t qty, ErrBuf *err);

/* Rule 4.  Sets the batch's ETA (ALLOT_NO_ETA = in the warehouse) →
 * EV_BATCH_ETA_CHANGED; then its lines, oldest first, move to the most preferred
 * other batch that now sorts before it and has room → EV_REALLOCATED.  Then
 * backorders are retried (rule 6), as the moves may have made room on this batch
 * (→ EV_ALLOCATED; SPEC is silent here, see docs/domain.md).  The same ETA is a
 * no-op.  Errors: ALLOT_EUNKNOWN_BATCH. */
AllotStatus product_change_batch_eta(Product *p, const char *ref, int32_t eta, ErrBuf *err);

/* Rule 5.  Removes an allocation or a backorder → EV_ORDER_LINE_CANCELLED (with
 * the batch it held, or "" for a backorder), then retries backorders (rule 6).
 * Errors: ALLOT_EUNKNOWN_LINE. */
AllotStatus product_cancel_line(Product *p, const char *orderid, ErrBuf *err);

/* SPEC.md §4 "allocations" import: puts the line on batch `ref`.  Already there
 * with that qty: no-op.  A new line (with `need` and `requested` as for rule 1)
 * → EV_ALLOCATED; an existing line keeps its own.  A backordered line →
 * EV_ALLOCATED; a line on another batch → EV_REALLOCATED.
 * Errors: ALLOT_EUNKNOWN_BATCH, ALLOT_ELINE_QTY_MISMATCH, ALLOT_ENO_ROOM,
 * ALLOT_EINVALID (qty outside 1..ALLOT_QTY_MAX). */
AllotStatus product_allocate_to(Product *p, const char *orderid, int64_t qty, int32_t need,
                                int64_t requested, const char *ref, ErrBuf *err);

/* Rule 6 on its own, for SPEC.md §1.2 rule 7 after an "allocations" import (no
 * backorder may wait while a batch has room for it): backorders, oldest first,
 * go to the most preferred batch with room → EV_ALLOCATED each.  Nothing to move:
 * a no-op (no event, no version change).  Never fails. */
void product_retry_backorders(Product *p);

/* SPEC.md §1.6 Undo.  Puts the product back exactly as it was before the command
 * whose events (all of them, in the order raised; events of other SKUs are skipped)
 * are `events`: each event of this SKU, last first, is undone — a new line
 * removed (EV_LINE_REMOVED), a moved line moved back (EV_REALLOCATED the other way,
 * EV_ALLOCATED for a line put back on its batch, EV_DEALLOCATED for a filled
 * backorder made to wait again), a cancelled or removed line restored with its
 * qty, need date and moment of first request (EV_LINE_RESTORED), a created batch
 * removed (EV_BATCH_REMOVED), a removed batch restored at its place in creation
 * order (EV_BATCH_CREATED), a quantity or ETA set back (EV_BATCH_QTY_CHANGED /
 * EV_BATCH_ETA_CHANGED from the new value to the old).  Each raised event has
 * `undoes` = `undoes`.  The version moves forward by one (not at all when nothing
 * was to undo).  The events of an undo can be undone in turn (redo).
 * Errors: ALLOT_EINVALID when the product is not in the state the events left
 * (a later change, a corrupt log): nothing changes. */
AllotStatus product_undo(Product *p, const Event *events, size_t n, int64_t undoes, ErrBuf *err);

/* True if the product has no batch and no line (what undoing its first batch
 * leaves): the service layer treats it as an unknown SKU. */
bool product_is_empty(const Product *p);

/* ---- queries ---- */

/* True if batch a is preferred to batch b (§1.1): in-warehouse first, then by
 * ETA ascending, then by creation order. */
bool batch_is_preferred(const Batch *a, const Batch *b);

size_t product_batch_count(const Product *p);
/* Batch i in creation order; i < product_batch_count. */
const Batch *product_batch(const Product *p, size_t i);
/* The batch with reference `ref`, or NULL. */
const Batch *product_find_batch(const Product *p, const char *ref);

size_t product_line_count(const Product *p);
/* True if line a was requested before line b: (requested, seq) ascending. */
bool line_is_older(const OrderLine *a, const OrderLine *b);

/* Line i (allocated or backordered), in no particular order; i < line count. */
const OrderLine *product_line(const Product *p, size_t i);
/* The line of `orderid`, or NULL. */
const OrderLine *product_find_line(const Product *p, const char *orderid);
/* Reference of the batch holding `line`, or "" for a backorder. */
const char *product_line_batchref(const Product *p, const OrderLine *line);

/* Events raised since the last product_take_events, oldest first. */
const EventVec *product_events(const Product *p);
/* Moves the pending events to the end of `dst` and clears them here. */
void product_take_events(Product *p, EventVec *dst);

/* Records the command behind the pending events that have none yet (SPEC.md §1.6):
 * `command_id` (> 0) and `actor` (copied, cut to ALLOT_ID_MAX bytes). */
void product_stamp_events(Product *p, int64_t command_id, const char *actor);

/* Checks SPEC.md §1.2 rule 7: every batch has allocated == sum of its lines and
 * allocated <= qty; every line is in exactly one place; ids are unique; batch
 * qtys are >= 0 and line qtys > 0; every seq is below next_seq (so that a new
 * line is the newest).
 * Returns ALLOT_OK, or ALLOT_EINVALID with what is wrong in `err`. */
AllotStatus product_check_invariants(const Product *p, ErrBuf *err);

#endif
