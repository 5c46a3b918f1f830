/* csv_uow.h — the book's CSV folder as a UnitOfWork (Architecture Patterns with
 * Python, appendix "Swapping Out the Infrastructure: Do Everything with CSVs";
 * SPEC.md §4 `allot csv FOLDER`).  The third implementation of app/unit_of_work.h,
 * beside SQLite and memory: the same handlers run over it through the bus.
 *
 * Opening reads FOLDER/batches.csv (ref,sku,qty,eta; required) and, if present,
 * FOLDER/allocations.csv (orderid,sku,qty,batchref) into products held in memory
 * (batches in file order set the creation order; allocation rows are the oldest
 * lines, in file order).  Units of work run on those products (an in-memory unit of
 * work inside).  Each commit outside bulk work, and a committed bulk_end, writes
 * FOLDER/allocations.csv atomically (a temporary file renamed over it): the lines
 * the file already had come first, in their order and with their current batch
 * (a cancelled one is dropped), then the lines allocated since, in the order they
 * were allocated.  Backorders have no place in the folder and are not written.
 * batches.csv and orders.csv are never written.
 */
#ifndef ALLOT_PERSISTENCE_CSV_UOW_H
#define ALLOT_PERSISTENCE_CSV_UOW_H

#include <stddef.h>

#include "app/unit_of_work.h"

/* Opens the folder.  Errors: ALLOT_EIO (batches.csv missing or unreadable; message
 * names the file), ALLOT_EINVALID (a bad row: "batches.csv:3: qty \"x\" is not a
 * whole number"; a ref twice; an allocation on an unknown batch, of another sku, a
 * line twice, or more than the batch holds), each naming file and line.
 * On success *out is a new unit of work; free with uow_free. */
AllotStatus csv_uow_open(const char *folder, UnitOfWork **out, ErrBuf *err);

/* Lines of allocations.csv at the last write: how many were kept from the file,
 * and how many were appended. */
void csv_uow_written(UnitOfWork *uow, size_t *kept, size_t *appended);

/* The events committed since opening, oldest first (owned by the unit of work;
 * valid until the next commit). */
const EventVec *csv_uow_event_log(UnitOfWork *uow);

#endif
