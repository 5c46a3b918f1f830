/* serve.h — `allot serve` (SPEC.md §7, issue 11): the HTTP API (the book's routes
 * and /api/v1, libmicrohttpd + jansson) and, with a Redis address, the book's Redis
 * integration (hiredis): the change_batch_quantity consumer and the outbox relay.
 *
 * src/net is the only place that includes libmicrohttpd and hiredis.  It knows the
 * store only through the ports of src/app (UnitOfWork, Views, RelayStore): its host
 * (src/cli/tool_serve.c, over persistence/store.h) injects a ServeStores that opens
 * them.  Every thread that works on the store (each HTTP worker thread, the Redis
 * consumer, the relay) opens its own unit of work, read model and bus through it,
 * since a store connection belongs to one thread; the relay and each event stream
 * follow the log through a follower of their own.
 */
#ifndef ALLOT_NET_SERVE_H
#define ALLOT_NET_SERVE_H

#include <stdbool.h>
#include <stdio.h>

#include "app/follower.h"
#include "app/ports.h"
#include "app/relay_store.h"
#include "app/unit_of_work.h"
#include "app/views.h"
#include "domain/status.h"

typedef struct ServeStores ServeStores;

typedef struct ServeStoresOps {
    /* A unit of work and a read model on connections of their own (the read model
     * may be the unit of work's: it then sees what the unit committed).  Only the
     * first call (serve_run's, at start) may create the store; later ones (each
     * worker's, again after a storage error) create nothing: a store gone is
     * ALLOT_ESTORAGE ("no database at PATH").  Errors: ALLOT_ESTORAGE naming the
     * store. */
    AllotStatus (*open)(ServeStores *s, UnitOfWork **uow, Views **views, ErrBuf *err);
    /* Closes what one `open` gave. */
    void (*close)(ServeStores *s, UnitOfWork *uow, Views *views);
    /* The relay's position and lease on a connection of its own (relay_store_free
     * frees it).  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*open_relay)(ServeStores *s, RelayStore **out, ErrBuf *err);
    /* A follower of the event log (app/follower.h) on a connection of its own, for
     * the relay and each event stream (follower_free frees it).  Errors:
     * ALLOT_ESTORAGE. */
    AllotStatus (*follow)(ServeStores *s, const FollowStart *start, EventFollower **out,
                          ErrBuf *err);
    /* Whether the store answers now, asked afresh (a connection of its own, not one
     * the workers hold: a SQLite file removed or moved while its connections stay
     * open, or a PostgreSQL server gone, is seen), for GET /healthz.  Errors:
     * ALLOT_ESTORAGE with the reason ("no database at PATH", the server cannot be
     * reached, ...). */
    AllotStatus (*check)(ServeStores *s, ErrBuf *err);
} ServeStoresOps;

/* Implemented by the host; not owned by serve_run.  `notifier` (shared by every
 * worker's bus, so it must be safe to call from several threads), `clock` and
 * `logger` must outlive serve_run. */
struct ServeStores {
    const ServeStoresOps *ops;
    const char *kind;  /* "sqlite", "postgresql": shown by GET / */
    const char *where; /* the database path, or the PostgreSQL database's label (never
                          a password), for the start-up line */
    bool one_writer;   /* the store takes one writer at a time (SQLite): the workers
                          take turns to run commands instead of queueing in the
                          store's busy wait */
    Notifier *notifier;
    Clock *clock;
    Logger *logger;
};

typedef struct ServeOptions {
    const char *listen;     /* "ADDR:PORT" (NULL = 127.0.0.1:5005); port 0 = any free
                               port, the one taken is announced */
    const char *redis;      /* "HOST:PORT", or NULL: no Redis */
    const char *token_file; /* --token-file, or NULL */
    const char *token_env;  /* the value of ALLOT_API_TOKEN, or NULL */
    const char *log_level;  /* "error", "warn", "info", "debug" (net/log.h); NULL = info */
    FILE *announce;         /* gets "allot serve: listening on http://ADDR:PORT" and a
                               flush once the socket listens; NULL = stderr */
} ServeOptions;

#define SERVE_DEFAULT_LISTEN "127.0.0.1:5005"

/* Runs the service until SIGTERM or SIGINT, then stops taking connections, lets
 * the requests in flight finish (at most SERVE_DRAIN_MS; answers given meanwhile
 * close their connection), stops the relay once it has published what was committed
 * (at most RELAY_DRAIN_MS more; its position is stored) and returns ALLOT_OK.
 * SIGHUP reads the token file again (auth_reload; a file that cannot be read keeps
 * the old token, and says so in the log).  SIGPIPE is ignored from the call on;
 * SIGINT, SIGTERM and SIGHUP stay blocked after it returns (the caller is about to
 * exit).  Must be called before any other thread exists (it blocks the three
 * signals for every thread it starts).
 * Errors, before serving: ALLOT_EUSAGE (a listen address beyond loopback without a
 * token; an address that does not resolve; an unreadable or empty token file; a
 * log level that is none of net/log.h's), ALLOT_ESTORAGE (the store cannot be
 * opened), ALLOT_EIO (the port cannot be bound: "cannot listen on ADDR: REASON",
 * the reason being "another allot serve is already listening there" when one
 * answers on it). */
AllotStatus serve_run(const ServeOptions *opts, ServeStores *stores, ErrBuf *err);

#define SERVE_DRAIN_MS 10000

#endif
