/* follower.h — the one way to follow the event log (SPEC.md §2 "Event log", §3.1):
 * the TUI's live feed, `allot events --follow` and the outbox relay of `allot serve`
 * all read new events through an EventFollower, whatever the store.
 *
 * A follower hands out every committed event exactly once, in delivery order, and
 * keeps a cursor: the position after the last event it handed out.  Delivery order
 * is the order of commits for the events of one product, and the order of the
 * event ids within one transaction; the ids of two transactions need not be in
 * commit order (on PostgreSQL an id is taken when the event is written, and the
 * transaction that took the lower id may commit later).  A follower never skips
 * such an event: it is handed out when it commits, after the one with the higher
 * id (docs/storage.md "Following the event log").
 *
 *   - On SQLite (one writer at a time) ids are commit order: the cursor is the last
 *     id, and `tx` is always 0.  follower_on_views serves any such store.
 *   - On PostgreSQL each event also records its transaction (`tx`, the 64-bit
 *     transaction id) and the cursor is ordered by (tx, id); an event is handed out
 *     once no transaction older than its own is still running, so a long write
 *     transaction elsewhere on the server delays delivery (never loses it).
 *
 * Usage (`events --follow`):
 *
 *     EventFollower *f;  store_follow(&target, &start, &f, &err);
 *     for (;;) {
 *         follower_read(f, rows, 256, &n, &err);    // never blocks
 *         ... print rows[0..n) ...
 *         if (n < 256) follower_wait(f, 1000, &err); // sleeps until woken or 1 s
 *     }
 *     follower_free(f);
 *
 * A follower whose store went away (a PostgreSQL restart) fails read or wait with
 * ALLOT_ESTORAGE and reconnects by itself on the next call; its cursor is kept, so
 * that the events that committed meanwhile come next, none twice.
 */
#ifndef ALLOT_APP_FOLLOWER_H
#define ALLOT_APP_FOLLOWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/views.h"
#include "domain/status.h"

/* A position in the event log: after the event (tx, id); {0, 0} = before the first.
 * A value: store it (e.g. the relay's position) and start from it again. */
typedef struct EventCursor {
    uint64_t tx; /* the event's transaction on PostgreSQL; 0 on SQLite */
    int64_t id;
} EventCursor;

/* Where a new follower starts. */
typedef enum FollowFrom {
    FOLLOW_AFTER_ID,     /* every event with an id above `id` that is committed now,
                            then every event that commits later (events --since ID) */
    FOLLOW_AFTER_CURSOR, /* every event after `cursor` (a stored position) */
} FollowFrom;

typedef struct FollowStart {
    FollowFrom from;
    int64_t id;         /* FOLLOW_AFTER_ID: 0 = from the first event */
    EventCursor cursor; /* FOLLOW_AFTER_CURSOR */
} FollowStart;

typedef struct EventFollower EventFollower;

typedef struct EventFollowerOps {
    AllotStatus (*read)(EventFollower *f, EventRow *rows, size_t limit, size_t *n, ErrBuf *err);
    AllotStatus (*wait)(EventFollower *f, int timeout_ms, ErrBuf *err);
    int (*fd)(EventFollower *f);
    void (*destroy)(EventFollower *f);
} EventFollowerOps;

/* Implementations embed this as their first member and keep `pos` up to date. */
struct EventFollower {
    const EventFollowerOps *ops;
    EventCursor pos;
};

/* Up to `limit` events after the cursor, in delivery order, into the caller's `rows`
 * (*n of them; fewer than `limit` = none more for now); the cursor moves past them.
 * Never blocks on other writers.  Each row's `tx` and `id` are its position
 * (EventRow).  Errors: ALLOT_ESTORAGE (the store cannot be read; the cursor has not
 * moved, the next call tries again, reconnecting where needed). */
AllotStatus follower_read(EventFollower *f, EventRow *rows, size_t limit, size_t *n,
                          ErrBuf *err);

/* Waits until events may have arrived since the last read (a notification, or a
 * change seen by polling) or `timeout_ms` (>= 0) passed, whichever comes first.  It
 * may return early with nothing new: read to know.  Errors: ALLOT_ESTORAGE (the
 * connection was lost: the next call reconnects). */
AllotStatus follower_wait(EventFollower *f, int timeout_ms, ErrBuf *err);

/* A descriptor that becomes readable when events may have arrived (for a poll(2)
 * loop, then follower_read), or -1 when the follower only polls (call follower_wait
 * or read on a timer).  Valid until the next read or wait call. */
int follower_fd(EventFollower *f);

/* The position after the last event handed out. */
EventCursor follower_position(const EventFollower *f);

/* Frees the follower.  NULL is ignored. */
void follower_free(EventFollower *f);

/* A follower over a read model whose event ids are commit order (SQLite, memory):
 * reads views_events forward from the last id and waits by polling
 * views_latest_event_id every `poll_ms` (> 0; e.g. 100).  If `owns_views`,
 * follower_free frees `views`.  A FOLLOW_AFTER_CURSOR start uses cursor.id.  Never
 * fails. */
EventFollower *follower_on_views(Views *views, bool owns_views, const FollowStart *start,
                                 int poll_ms);

#endif
