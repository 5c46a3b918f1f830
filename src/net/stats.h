/* stats.h — the counters of `allot serve`, read by tests through the logs today and
 * by GET /metrics later (issue 16): every place that counts is here, so that the
 * metrics page is one more route over this struct.  All fields are atomics; any
 * thread may bump them. */
#ifndef ALLOT_NET_STATS_H
#define ALLOT_NET_STATS_H

#include <stdatomic.h>

typedef struct NetStats {
    atomic_llong requests;              /* HTTP requests answered */
    atomic_llong by_class[6];           /* ... by status class: [2] = 2xx, [4] = 4xx */
    atomic_llong timed_out;             /* connections cut because a request was slow */
    atomic_llong redis_messages;        /* change_batch_quantity messages run */
    atomic_llong redis_bad_messages;    /* ... refused (bad JSON, fields, unknown batch) */
    atomic_llong relay_published;       /* events published to allot.events */
    atomic_llong relay_position;        /* the id of the last event published */
    atomic_int consumer_connected;      /* the subscriber's link to Redis is up */
    atomic_int relay_connected;         /* the relay's link to Redis is up */
    atomic_int relay_leader;            /* this process holds the relay's lease */
} NetStats;

#endif
