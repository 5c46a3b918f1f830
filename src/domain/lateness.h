/* lateness.h — need dates, promised dates and lateness (SPEC.md §1.4), as pure
 * functions of values: the read model and the what-if report compute them from
 * today's date at the moment they are asked (never stored, so never stale).
 *
 * Units: dates are days since 1970-01-01 UTC (int32_t); ALLOT_NO_DATE means none.
 * "Today" is the caller's (the injected clock's) UTC calendar day.
 */
#ifndef ALLOT_DOMAIN_LATENESS_H
#define ALLOT_DOMAIN_LATENESS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/validate.h"

/* The lateness of one order line. */
typedef struct LineLateness {
    int32_t promised; /* when it will be served; ALLOT_NO_DATE while it waits */
    int32_t late;     /* days late (> 0), or 0: on time, or no need date */
    bool at_risk;     /* a backorder whose need date is today or still ahead */
} LineLateness;

/* The lateness of an order: the summary of its lines. */
typedef struct OrderLateness {
    int32_t complete; /* the latest promised date of its lines; ALLOT_NO_DATE
                         while any line waits (or it has no line) */
    int32_t late;     /* the days late of its latest line (0: none is late) */
    bool at_risk;     /* any of its lines is at risk */
    int64_t late_lines; /* how many of its lines are late */
    int64_t lines;      /* how many lines were added */
    bool waiting;       /* any of its lines waits (a backorder) */
} OrderLateness;

/* §1.4 "promised date": for a line on a batch, the batch's ETA, or `today` for a
 * batch in the warehouse (eta ALLOT_NO_ETA).  A batch whose ETA has already passed
 * without its being received (an overdue shipment) promises `today`: it cannot
 * deliver earlier (docs/domain.md, a choice where SPEC is silent).  For a backorder
 * (allocated false): ALLOT_NO_DATE. */
int32_t lateness_promised(bool allocated, int32_t batch_eta, int32_t today);

/* §1.4 "late" and "at risk" of one line with need date `need` (ALLOT_NO_DATE: never
 * late nor at risk).  On a batch: late by promised − need days when > 0.  A
 * backorder: late by today − need when the need date has passed; at risk when it
 * has not (need >= today). */
LineLateness lateness_of_line(bool allocated, int32_t batch_eta, int32_t need, int32_t today);

/* §1.4 "an order is as late as its latest line; its complete date is the latest
 * promised date of its lines (none while any line waits)".  Start from
 * lateness_order_init() and add each line with lateness_order_add. */
OrderLateness lateness_order_init(void);
void lateness_order_add(OrderLateness *o, const LineLateness *line);

#endif
