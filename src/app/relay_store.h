/* relay_store.h — the port through which an outbox relay keeps its place in the
 * store (SPEC.md §7.2 "The relay's position is stored in the database in the same
 * store"; issue 11 "only one relay publishes at a time").
 *
 * A relay (src/net/relay.c publishes the event log to Redis) is named ("redis").
 * Its row holds
 *   - the position: the follower cursor (app/follower.h) after the last event it
 *     has published ({0, 0} = none yet), from which it follows the log again;
 *   - a lease: the owner (an opaque text, "host:pid:start" for allot serve) and
 *     until when it holds it.  Only the holder of an unexpired lease may move the
 *     position, so two relays on one store never both publish for long: the one
 *     that lost the lease learns it at its next relay_store_advance.
 *
 * Times are the store's own: milliseconds since 1970-01-01 UTC of the machine that
 * runs SQLite (the PostgreSQL store would use its server's clock).
 */
#ifndef ALLOT_APP_RELAY_STORE_H
#define ALLOT_APP_RELAY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/follower.h"
#include "domain/status.h"

#define RELAY_OWNER_MAX 128

typedef struct RelayLease {
    bool held;                     /* the caller holds the lease now */
    char holder[RELAY_OWNER_MAX];  /* who holds it ("" = nobody) */
    EventCursor position;          /* the stored position */
    int64_t expires_in_ms;         /* the holder's lease ends in this many ms (<= 0: over) */
} RelayLease;

typedef struct RelayStore RelayStore;

typedef struct RelayStoreOps {
    AllotStatus (*lease)(RelayStore *s, const char *name, const char *owner, int ttl_ms,
                         const char *steal_from, RelayLease *out, ErrBuf *err);
    AllotStatus (*advance)(RelayStore *s, const char *name, const char *owner,
                           EventCursor position, ErrBuf *err);
    AllotStatus (*release)(RelayStore *s, const char *name, const char *owner, ErrBuf *err);
    void (*destroy)(RelayStore *s);
} RelayStoreOps;

/* Implementations embed this as their first member. */
struct RelayStore {
    const RelayStoreOps *ops;
};

/* Takes or renews the lease of relay `name` (created at position 0 when new) for
 * `owner`, for `ttl_ms` from now, when nobody holds it, its lease is over, `owner`
 * already holds it, or its holder is exactly `steal_from` (a holder the caller knows
 * is dead; NULL = none).  Fills `out` either way (out->held says which).
 * Errors: ALLOT_ESTORAGE naming the store. */
AllotStatus relay_store_lease(RelayStore *s, const char *name, const char *owner, int ttl_ms,
                              const char *steal_from, RelayLease *out, ErrBuf *err);

/* Stores `position` while `owner` holds an unexpired lease.  Errors: ALLOT_ECONFLICT "relay NAME: lease lost to
 * HOLDER" (nothing written), ALLOT_ESTORAGE. */
AllotStatus relay_store_advance(RelayStore *s, const char *name, const char *owner,
                                EventCursor position, ErrBuf *err);

/* Ends `owner`'s lease now (shutting down), keeping the position.  Not holding it
 * is not an error.  Errors: ALLOT_ESTORAGE. */
AllotStatus relay_store_release(RelayStore *s, const char *name, const char *owner, ErrBuf *err);

/* Frees the store handle.  NULL is ignored. */
void relay_store_free(RelayStore *s);

#endif
