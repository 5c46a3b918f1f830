/* server.h — the state of one `allot serve`, shared by its parts (internal to
 * src/net): the injected stores, the per-thread workers, the token, the log, the
 * counters, and the HTTP daemon, relay and Redis consumer that serve_run starts. */
#ifndef ALLOT_NET_SERVER_H
#define ALLOT_NET_SERVER_H

#include <stdatomic.h>

#include "net/auth.h"
#include "net/log.h"
#include "net/serve.h"
#include "net/stats.h"
#include "net/worker.h"

struct Http;
struct Relay;
struct Consumer;

typedef struct Server {
    ServeStores *stores;
    WorkerPool *workers;
    ApiAuth *auth;
    NetLog log;
    NetStats stats;
    atomic_bool stopping;      /* SIGTERM came: answers say Connection: close, /healthz 503 */
    int64_t started_ms;        /* when serve_run began, ms since 1970-01-01 UTC */
    struct Http *http;
    struct Relay *relay;       /* NULL without --redis */
    struct Consumer *consumer; /* NULL without --redis */
} Server;

#endif
