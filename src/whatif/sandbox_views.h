/* sandbox_views.h — the read model (views.h) of a what-if sandbox, for the TUI's
 * screens during a session (SPEC.md §5 "the screens show the sandbox").
 *
 * Approach: a row of a product that the sandbox does not hold comes from the live
 * read model unchanged; a row of a product it holds (read or changed by the
 * session) is computed from the sandbox's current Product.  Each list query asks
 * the live views page by page, drops the rows of held SKUs, computes the held
 * products' rows that satisfy the same conditions (SKU, filter, anchor), and
 * merges both by the list's own keyset order, so that paging forward and backward
 * works as on live.  The event feed is the live log up to the newest event when
 * the session began, followed by the sandbox's own events (ids continue from
 * there).
 *
 * Limits (documented in docs/whatif.md):
 *   - held products show the live state as it was when the sandbox read them,
 *     plus the session's changes; live changes made later to them are not shown;
 *     other products are shown live;
 *   - the event feed stops showing live events that happen after the session
 *     began (the screens show the sandbox's world);
 *   - in "all backorders" (keyset on the store's row key) a line that exists live
 *     keeps its live key; a line created in the session sorts after every live
 *     line, in the order of its product's first use, then oldest first;
 *   - completion offers live identifiers too, even an order id whose only line the
 *     session cancelled;
 *   - a page costs one live query more per page of rows of held SKUs skipped.
 */
#ifndef ALLOT_WHATIF_SANDBOX_VIEWS_H
#define ALLOT_WHATIF_SANDBOX_VIEWS_H

#include <stdint.h>

#include "app/unit_of_work.h"
#include "app/views.h"

/* Views over `sandbox` (a sandbox_uow) and the live read model `live` (neither
 * owned; both outlive the views).  `base_event_id` is the live log's newest id
 * when the session began.  Free with views_free. */
Views *sandbox_views_new(UnitOfWork *sandbox, Views *live, int64_t base_event_id);

/* The lateness of order `orderid` on `today` (days; views_order_lateness, SPEC.md
 * §1.4) in the live read model (*live) and in the sandbox (*sandbox) of `v` (made
 * by sandbox_views_new), with ONE walk of the order's live lines: a live line
 * counts on both sides unless the sandbox holds its product, whose lines of the
 * order (its order index) count on the sandbox side instead.  The same answers as
 * views_order_lateness on the live views and on `v`, with half the live queries.
 * Errors: those of the live views (ALLOT_ESTORAGE). */
AllotStatus sandbox_views_order_lateness(Views *v, const char *orderid, int32_t today,
                                         OrderLateness *live, OrderLateness *sandbox,
                                         ErrBuf *err);

/* The same for each of the n orders `orderids` (an id may come twice), into
 * live[i] and sandbox[i] (arrays of n, the caller's).  One live walk per order;
 * the held lines of many orders (64 or more, and more than a sixteenth of the held
 * lines) are found in one walk over the held products' lines instead of each
 * order's index entry (the report of an import asks every order it touches: a
 * stock update of a store of a million lines asks hundreds of thousands).  Errors:
 * those of the live views (ALLOT_ESTORAGE); then the arrays are unspecified. */
AllotStatus sandbox_views_orders_lateness(Views *v, const char *const *orderids, size_t n,
                                          int32_t today, OrderLateness *live,
                                          OrderLateness *sandbox, ErrBuf *err);

#endif
