/* atp.h — available to promise (SPEC.md §1.5), as pure functions of a Product and
 * today's date: nothing changes.
 *
 * Units: quantities are whole units; dates are days since 1970-01-01 UTC, "today" the
 * caller's (the injected clock's) UTC day.  What is in the warehouse, and what an
 * overdue shipment (an ETA already past) holds, counts as on hand today: both are
 * promised today (lateness.h).
 */
#ifndef ALLOT_DOMAIN_ATP_H
#define ALLOT_DOMAIN_ATP_H

#include <stddef.h>
#include <stdint.h>

#include "domain/product.h"

/* One date of the availability timeline. */
typedef struct AtpRow {
    int32_t date;      /* today (on hand), then each ETA after today, ascending */
    size_t nbatches;   /* batches counted on that date */
    AllotId first_ref; /* the most preferred of them (§1.1) */
    int64_t arriving;  /* their purchased qty (on hand, for today) */
    int64_t allocated; /* the qty allocated on them */
    int64_t free;      /* arriving − allocated */
    int64_t projected; /* free qty on that date: the running sum of free */
} AtpRow;

typedef struct AtpTimeline {
    AtpRow *rows; /* owned; ascending dates, one row per date that has a batch */
    size_t nrows;
    int64_t backorder_lines; /* the demand still unmet */
    int64_t backorder_qty;
} AtpTimeline;

/* SPEC.md §1.5: the timeline of `p` from `today` on.  A date without batches has no
 * row; a product without batches has none at all.  Caller frees with atp_fini. */
void atp_timeline(const Product *p, int32_t today, AtpTimeline *out);
void atp_fini(AtpTimeline *t);

/* Where and when a new line would be served now (SPEC.md §1.5 Promise). */
typedef struct Promise {
    AllotId batchref;   /* the batch rule 1 would give it, or "" (backordered) */
    int32_t promised;   /* its promised date (lateness_promised), or ALLOT_NO_DATE */
    /* backordered: the batch, existing or announced, that is the earliest to be large
     * enough to hold it (qty >= the line's), with its date — room would have to be made
     * on it; "" / ALLOT_NO_DATE when no batch is that large */
    AllotId could_ref;
    int32_t could_date;
    int64_t could_free; /* that batch's free qty now */
} Promise;

/* SPEC.md §1.5: the answer for a new line of `qty` (1..ALLOT_QTY_MAX) of `p` on
 * `today`, by rule 1 (§1.2) on the product as it is; nothing changes. */
Promise atp_promise(const Product *p, int64_t qty, int32_t today);

#endif
