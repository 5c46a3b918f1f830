/* redis_link.h — one connection to Redis (hiredis) that comes back by itself
 * (SPEC.md §7.2 "Redis connection loss: reconnect with backoff").
 *
 * redis_link_up connects when there is no connection and the back-off allows it:
 * after a failure the next try waits 100 ms, then twice as long each time up to
 * 5 s (each wait ±25 % at random, so that many clients do not come back at once).
 * An outage is logged once when it starts and once when it ends:
 *   allot: redis: relay: cannot reach 127.0.0.1:6379: Connection refused (retrying)
 *   allot: redis: relay: connected to 127.0.0.1:6379
 */
#ifndef ALLOT_NET_REDIS_LINK_H
#define ALLOT_NET_REDIS_LINK_H

#include <hiredis/hiredis.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/log.h"

typedef struct RedisLink {
    char host[256];
    int port;
    const char *who;       /* "relay", "consumer": in the log lines */
    const NetLog *log;
    atomic_int *connected; /* set to 1 while connected (a NetStats flag) */
    redisContext *c;       /* NULL while down */
    int backoff_ms;
    int64_t next_try_ms;   /* monotonic */
    bool outage_logged;
} RedisLink;

/* `host` (copied; brackets of an IPv6 address removed) and `port`.  Connects lazily.
 * The outage is a warning in `log`, its end an info line. */
void redis_link_init(RedisLink *l, const char *host, int port, const char *who, const NetLog *log,
                     atomic_int *connected);

/* True with l->c usable if connected (now or before: connected, and Redis answered
 * a PING); false while down (then redis_link_wait_ms says how long until the next
 * try). */
bool redis_link_up(RedisLink *l);

/* Whether the connection is still there, seen without sending anything: false (the
 * link dropped, as redis_link_down, and logged) once Redis has closed it (it shut
 * down, or killed the client) or the socket failed.  For a link that sits idle
 * between commands (the relay with nothing to publish), so that its `connected`
 * flag follows Redis.  A Redis host that vanishes without closing is seen by the
 * next command's timeout (2 s) or TCP keep-alive instead. */
bool redis_link_check(RedisLink *l);

/* Milliseconds until redis_link_up tries again (0 = now). */
int redis_link_wait_ms(const RedisLink *l);

/* Drops the connection after an error (`why`, logged; may be l->c->errstr),
 * starting the back-off. */
void redis_link_down(RedisLink *l, const char *why);

void redis_link_fini(RedisLink *l);

/* Splits "HOST:PORT" (or "[V6]:PORT") into host (brackets removed) and a port in
 * min_port..65535.  False if it is not one. */
bool address_split(const char *addr, char *host, size_t size, int *port, int min_port);

/* A monotonic clock in milliseconds. */
int64_t redis_now_ms(void);

#endif
