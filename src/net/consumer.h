/* consumer.h — the Redis consumer (SPEC.md §7.2 "Incoming"; the book's ch. 11):
 * subscribes to `change_batch_quantity` and runs each message {"batchref": REF,
 * "qty": QTY} as ChangeBatchQuantity through its own bus, decoded like an HTTP
 * body (request_json.h; "batchref" is the command's "ref").  A message that is not
 * JSON, has wrong or missing fields, or is refused by the bus (an unknown batch) is
 * logged and counted (NetStats.redis_bad_messages) and the consumer goes on.  Its
 * link comes back with back-off (redis_link.h) and subscribes again.
 */
#ifndef ALLOT_NET_CONSUMER_H
#define ALLOT_NET_CONSUMER_H

#include <stddef.h>

#include "net/server.h"

#define CONSUMER_CHANNEL "change_batch_quantity"
/* The actor of the commands it runs (SPEC.md §1.6). */
#define CONSUMER_ACTOR "redis:change_batch_quantity"

typedef struct Consumer Consumer;

/* Starts the consumer thread towards Redis at `host`:`port`; never fails. */
Consumer *consumer_start(Server *srv, const char *host, int port);

/* Runs one message (`len` bytes of `payload`) through `srv`'s bus for this thread:
 * true if the command ran.  Logs and counts a refusal. */
bool consumer_handle(Server *srv, const char *payload, size_t len);

/* Stops (within a quarter second) and frees.  NULL is ignored. */
void consumer_stop(Consumer *c);

#endif
