/* feed.h — the live event feed panel (SPEC.md §2 "Other processes' events appear in
 * a running TUI within 1 s", §5 "A live event feed panel stays visible").
 *
 * It always follows the LIVE log, also during a what-if session; the events a
 * session raises are added apart, marked "what-if", with ids of their own (w1,
 * w2, …) that no live event shares, and leave the feed when the session ends.
 * Paused, it counts what arrived.  With a follower of the event log
 * (app/follower.h) it gets every live event once, also one that commits after an
 * event with a higher id (PostgreSQL); without one it reads the log by id.  No
 * terminal. */
#ifndef ALLOT_TUI_FEED_H
#define ALLOT_TUI_FEED_H

#include <stdbool.h>

#include "app/follower.h"
#include "tui/canvas.h"
#include "tui/source.h"

#define TUI_FEED_MAX 64

typedef struct TuiFeed {
    TuiFeedItem items[TUI_FEED_MAX]; /* oldest first */
    int n;
    int64_t last_id;  /* newest live id read */
    bool paused;
    int64_t paused_new; /* live events since it was paused */
    EventFollower *follower; /* not owned; NULL = by id */
    bool got;                /* the last poll read live events */
} TuiFeed;

/* An empty feed that will show the last TUI_FEED_MAX events of `live`'s log, read
 * through `follower` (not owned; it starts where the caller put it) or, NULL, by
 * id. */
void tui_feed_init(TuiFeed *f, TuiSource *live, EventFollower *follower);

/* Reads the live events after the last one read (paused: only counts them); `got`
 * says whether any came.  Errors: ALLOT_ESTORAGE (the follower's: it tries again
 * at the next poll). */
AllotStatus tui_feed_poll(TuiFeed *f, TuiSource *live, ErrBuf *err);

/* Adds `n` events a what-if session raised; the first is the session's event
 * number `first_id` (1-based); `at` is when (seconds). */
void tui_feed_add_whatif(TuiFeed *f, const Event *events, size_t n, int64_t first_id, int64_t at);
/* Forgets the what-if events (the session ended). */
void tui_feed_drop_whatif(TuiFeed *f);

/* Pauses or resumes (resuming reads what arrived on the next poll). */
void tui_feed_pause(TuiFeed *f, bool paused);

/* Draws the panel: a title row and h - 1 events, newest first, from row y. */
void tui_feed_draw(const TuiFeed *f, TuiCanvas *c, int y, int h, int32_t today);

#endif
