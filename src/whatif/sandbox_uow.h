/* sandbox_uow.h — the what-if sandbox: an overlay UnitOfWork that never writes to
 * the store under it (SPEC.md §5 "What-if session", §4 `allot whatif`).
 *
 * The sandbox sits on a *source* unit of work (the live SQLite one, an in-memory
 * one in tests, or another sandbox for a preview inside a session).  A product is
 * read from the source the first time a handler asks for it — in a unit of work
 * of the source that only reads and is always rolled back (uow_begin_read, so a
 * writer elsewhere does not hold it up; repository_get, product copied with
 * product_clone_state, uow_rollback) — and kept in the overlay
 * twice: its *base* (the source's state when it was read, never changed) and its
 * *current* sandbox state.  Commit updates the overlay only and appends the events to the
 * sandbox's own event log.  Nothing is copied up front: creating a sandbox is O(1)
 * in the size of the store; each product costs what loading it costs.
 *
 * Why in whatif/ and not persistence/: the sandbox does no I/O of its own; it is an
 * in-memory decorator of the UnitOfWork port, and the what-if session
 * (whatif/whatif.h) constructs it; whatif sits on app's ports and never links a
 * store.
 *
 * Consistency: every product is a snapshot of the source taken when first read;
 * two products may be read at different moments (products are independent
 * aggregates, SPEC.md §1).  Changes made to the source later are not seen by the
 * sandbox for products it already holds.
 *
 * Single thread.  Commit never returns ALLOT_ECONFLICT.  Source errors
 * (ALLOT_ESTORAGE: locked, unreadable) are returned by the repository calls.
 */
#ifndef ALLOT_WHATIF_SANDBOX_UOW_H
#define ALLOT_WHATIF_SANDBOX_UOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/ports.h"
#include "app/unit_of_work.h"

/* A sandbox over `source` (not owned; must outlive the sandbox).  `clock` (not
 * owned; NULL = clock_system()) stamps the sandbox's events.  Free with uow_free:
 * the source is left exactly as it was. */
UnitOfWork *sandbox_uow_new(UnitOfWork *source, Clock *clock);

/* True if `uow` is a sandbox made by sandbox_uow_new. */
bool sandbox_uow_is(const UnitOfWork *uow);

/* The products the sandbox holds (every product read or created, in the order
 * first seen).  i < count.  *base (may be NULL) receives the source's state when
 * the product was read, or NULL for a product created in the sandbox; the return
 * value is the current sandbox state, or NULL for a slot without a committed
 * product (created in a unit of work that was rolled back): skip those.
 * Pointers stay valid until the next begin, commit, rollback or bulk_end of the
 * sandbox. */
size_t sandbox_uow_product_count(UnitOfWork *sb);
const Product *sandbox_uow_product(UnitOfWork *sb, size_t i, const Product **base);

/* The product `sku` if the sandbox holds it (same pointers as above), else NULL
 * (the sandbox has not read it: the source's state is the sandbox's). */
const Product *sandbox_uow_find(UnitOfWork *sb, const char *sku, const Product **base);

/* The product holding batch `ref` if the sandbox holds it, else NULL. */
const Product *sandbox_uow_find_ref(UnitOfWork *sb, const char *ref, const Product **base);

/* The products that may hold a line of order `orderid`: every product whose
 * current state has one, and perhaps some that had one and lost it (check the
 * lines).  Positions in the product list (sandbox_uow_product), ascending, into
 * *idx (owned by the sandbox, valid until the next call, or any change of the
 * sandbox); returns how many (0: *idx may be NULL).  The index behind it takes in
 * the products changed since the last call: O(their lines), then O(the answer).
 * No errors. */
size_t sandbox_uow_order_products(UnitOfWork *sb, const char *orderid, const size_t **idx);

/* Position of `sku` in the product list (sandbox_uow_product), or -1. */
long sandbox_uow_index(UnitOfWork *sb, const char *sku);

/* The sandbox's own event log, oldest first; sandbox_uow_event_at(i) is when event
 * i was committed (seconds since 1970-01-01 UTC). */
const EventVec *sandbox_uow_event_log(UnitOfWork *sb);
int64_t sandbox_uow_event_at(UnitOfWork *sb, size_t i);

/* Forgets every change (the overlay and the event log): the sandbox is as new. */
void sandbox_uow_reset(UnitOfWork *sb);

#endif
