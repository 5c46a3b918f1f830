/* metrics.h — the page of GET /metrics (issue 16 "Readiness and metrics"): the
 * counters of stats.h and the state of the server in the Prometheus text
 * exposition format, version 0.0.4 (Content-Type METRICS_CONTENT_TYPE).  Every
 * metric, its type and labels are listed in docs/operate.md "Metrics".
 *
 *   allot_http_requests_total{method,route,status}     answers, by route pattern
 *   allot_http_request_duration_seconds{method,route}  histogram of the time to answer
 *   allot_commands_total{command,outcome}              bus commands run (HTTP, Redis)
 *   allot_command_retries_total{command}               the bus's write-conflict retries
 *   allot_relay_lag_events, allot_relay_*, allot_redis_*   with --redis only
 *   allot_store_info{kind}, allot_build_info{version}, process_*
 */
#ifndef ALLOT_NET_METRICS_H
#define ALLOT_NET_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "net/server.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* What the page shows beside the counters, taken when it is asked for. */
typedef struct MetricsNow {
    int in_flight;             /* requests being answered (this one included) */
    int streams;               /* event streams open */
    bool latest_known;         /* the store answered: */
    int64_t latest_event_id;   /* ... the id of the newest event of its log */
} MetricsNow;

/* Writes the page for `srv` to `out`. */
void metrics_write(FILE *out, Server *srv, const MetricsNow *now);

#endif
