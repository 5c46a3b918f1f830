/* atp_query.h — available to promise through the repository (SPEC.md §1.5): the
 * product is read in a unit of work that is rolled back; nothing changes.  For the
 * CLI's `atp` and `promise`, the TUI's screen and the API.
 *
 * Errors: ALLOT_EINVALID_SKU ("invalid sku SKU": no such product, or one left empty
 * by an undo), ALLOT_ESTORAGE.
 */
#ifndef ALLOT_APP_ATP_QUERY_H
#define ALLOT_APP_ATP_QUERY_H

#include "app/unit_of_work.h"
#include "domain/atp.h"

/* The availability timeline of `sku` from `today` (days).  Caller frees *out with
 * atp_fini (only on ALLOT_OK). */
AllotStatus query_atp(UnitOfWork *uow, const char *sku, int32_t today, AtpTimeline *out,
                      ErrBuf *err);

/* Where and when a new line of `qty` units of `sku` would be served now. */
AllotStatus query_promise(UnitOfWork *uow, const char *sku, int64_t qty, int32_t today,
                          Promise *out, ErrBuf *err);

#endif
