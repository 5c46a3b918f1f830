/* relay.h — the outbox relay (SPEC.md §7.2 "Outgoing"): publishes the event log to
 * Redis, in commit order, at least once.
 *
 *   allot.events    every event, as the `allot events --json` object
 *   line_allocated  {"orderid","sku","qty","batchref"} for every line that lands on
 *                   a batch: Allocated, and Reallocated with batchref = the new batch
 *                   (the book's ch. 11 message)
 *
 * One thread, its own read model and RelayStore (app/relay_store.h).  It holds the
 * store's lease of relay "redis" (renewed every RELAY_RENEW_MS, good for
 * RELAY_LEASE_MS) before it publishes, so that of several `allot serve --redis` on
 * one store only one publishes; a lease whose holder was a process of this host
 * that no longer runs (killed) is taken at once.  It follows the log from its
 * stored position (a follower, app/follower.h: commit order on every store), takes
 * up to RELAY_BATCH events, publishes them in one pipeline (allot.events then, if
 * it lands a line, line_allocated, event by event), and only then stores the
 * follower's cursor as its position: a crash between the two publishes those
 * events again (at least once), never skips one.  Redis down: the events wait in the log; the link comes back
 * with back-off (redis_link.h) and the relay resumes from its position.
 */
#ifndef ALLOT_NET_RELAY_H
#define ALLOT_NET_RELAY_H

#include "domain/events.h"
#include "net/server.h"

#define RELAY_NAME "redis"
#define RELAY_LEASE_MS 5000
#define RELAY_RENEW_MS 1000
#define RELAY_BATCH 256

typedef struct Relay Relay;

/* Starts the relay thread towards Redis at `host`:`port`.  Never fails: store and
 * Redis trouble is logged and retried. */
Relay *relay_start(Server *srv, const char *host, int port);

/* Publishes what it can of the events committed so far (at most RELAY_DRAIN_MS,
 * while Redis answers), stores its position, gives up the lease and stops.
 * NULL is ignored. */
void relay_stop(Relay *r);

#define RELAY_DRAIN_MS 2000

/* The line_allocated message of `ev` as compact JSON (a heap string the caller
 * frees), or NULL when the event lands no line on a batch. */
char *relay_line_allocated_json(const Event *ev);

#endif
