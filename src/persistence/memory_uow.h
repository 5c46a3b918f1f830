/* memory_uow.h — an in-memory Repository and UnitOfWork (SPEC.md §3).
 *
 * A real implementation, not a test double: a unit of work works on copies of the
 * committed products; commit replaces the committed ones and appends the events to
 * an in-memory event log; rollback drops the copies.  Bulk work keeps a snapshot
 * and restores it unless the bulk unit of work is committed cleanly.  Single
 * process, single thread: no concurrent updates are possible, so commit never
 * returns ALLOT_ECONFLICT.
 */
#ifndef ALLOT_PERSISTENCE_MEMORY_UOW_H
#define ALLOT_PERSISTENCE_MEMORY_UOW_H

#include <stddef.h>

#include "app/unit_of_work.h"
#include "app/views.h"

/* A new, empty store.  Caller frees with uow_free. */
UnitOfWork *memory_uow_new(void);

/* Committed products, in the order first committed.  i < count.  The pointer stays
 * valid until the next commit or bulk_end. */
size_t memory_uow_product_count(UnitOfWork *uow);
const Product *memory_uow_product(UnitOfWork *uow, size_t i);

/* The committed event log, oldest first (its index + 1 is the event id). */
const EventVec *memory_uow_event_log(UnitOfWork *uow);

/* The read model of the store `mem` (a memory_uow_new() store; not owned, must
 * outlive the views): every list of views.h by its spec (view_specs.h), computed
 * from the committed products on each query (O(rows) per page).  Event ids are
 * positions in the log from 1, event times 0 (the store keeps none); a line's row
 * key (LineRow.key) is its product's place in the store, then its seq, so "all
 * backorders" come by product in the order first committed, oldest first within
 * each.  Free with views_free. */
Views *memory_views_new(UnitOfWork *mem);

#endif
