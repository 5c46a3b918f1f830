/* stats.h — the counters of `allot serve`, read by GET /metrics (metrics.h) and
 * GET /: every place that counts is here.  All fields are atomics; any thread may
 * bump them, and a reader sees each one whole (not all of them at one instant).
 *
 * Per route of the route table (routes.h; one more for requests that matched no
 * route): the answers by status and a histogram of the time to answer, from the
 * first byte of the request to its answer being handed to libmicrohttpd, in
 * microseconds.  Per bus command type: the outcomes (ALLOT_OK or the error), and the
 * handler runs beyond the first that write conflicts caused (the bus's retries).
 */
#ifndef ALLOT_NET_STATS_H
#define ALLOT_NET_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/commands.h"
#include "domain/status.h"

/* Rows of the route table that fit, plus one: "matched no route". */
#define STATS_ROUTES 32
/* Distinct statuses counted per route; answers beyond them count as "other". */
#define STATS_STATUS_SLOTS 12
/* The histogram's upper bounds (microseconds, STATS_BUCKET_BOUNDS_US), and one
 * bucket above the last. */
#define STATS_BUCKETS 14
#define STATS_BUCKET_BOUNDS_US                                                        \
    {500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000,     \
     2500000, 5000000, 10000000}

typedef struct RouteStats {
    atomic_uint status[STATS_STATUS_SLOTS];     /* the status of each slot; 0 = free */
    atomic_llong answers[STATS_STATUS_SLOTS];   /* answers with that status */
    atomic_llong other;                         /* answers whose status found no slot */
    atomic_llong bucket[STATS_BUCKETS + 1];     /* answers whose time to answer was at
                                                   most bound k and above bound k-1 */
    atomic_llong micros;                        /* the sum of the times to answer */
} RouteStats;

typedef struct NetStats {
    atomic_llong requests;              /* HTTP requests answered */
    RouteStats routes[STATS_ROUTES];    /* ... by route (route_index, routes.h) */
    atomic_llong timed_out;             /* connections cut because a request was slow */
    atomic_llong commands[CMD_TYPE_COUNT][ALLOT_STATUS_COUNT]; /* commands run, by outcome */
    atomic_llong retries[CMD_TYPE_COUNT]; /* conflict retries of the bus, by command type */
    atomic_llong redis_messages;        /* change_batch_quantity messages run */
    atomic_llong redis_bad_messages;    /* ... refused (bad JSON, fields, unknown batch) */
    atomic_llong relay_published;       /* events published to allot.events */
    atomic_llong relay_batches;         /* ... in this many pipelines */
    atomic_llong relay_position;        /* the id of the last event published (or, while
                                           another process publishes, its stored one) */
    atomic_int consumer_connected;      /* the subscriber is up and SUBSCRIBEd */
    atomic_int relay_connected;         /* the relay's link to Redis is up */
    atomic_int relay_leader;            /* this process holds the relay's lease */
} NetStats;

/* The upper bounds of the histogram's buckets, in microseconds. */
extern const int64_t stats_bucket_bounds_us[STATS_BUCKETS];

/* Counts one answer of route `route` (< STATS_ROUTES) with HTTP `status`, given
 * `micros` after the request began. */
void stats_answer(NetStats *s, size_t route, unsigned status, int64_t micros);

/* Counts one command of type `type` that ended with `outcome` after `attempts` runs
 * of its handler (CommandResult.attempts; 0 or 1 = no retry). */
void stats_command(NetStats *s, CommandType type, AllotStatus outcome, int attempts);

#endif
