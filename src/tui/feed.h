/* feed.h — the live event feed panel (SPEC.md §2 "Other processes' events appear in
 * a running TUI within 1 s", §5 "A live event feed panel stays visible ... tells how
 * many events arrived while you were not looking"; issue 13 point 7).
 *
 * It always follows the LIVE log, also during a what-if session; the events a
 * session raises are added apart, marked "what-if", with ids of their own (w1,
 * w2, …) that no live event shares, and leave the feed when the session ends.
 * Paused, it counts what arrived.  With a follower of the event log
 * (app/follower.h) it gets every live event once, also one that commits after an
 * event with a higher id (PostgreSQL); without one it reads the log by id.  No
 * terminal.
 *
 * Groups: every live event read is folded into the newest group or starts one
 * (docs/tui.md "The feed").  The events of one command are one group; so are the
 * events of a run of commands of one kind by one actor with nothing else between
 * them in the log (an import's allocations, a bulk delay's ETA changes).  A command's
 * kind and words come from its first event (`change-qty B1 4`, `allocate o1 LAMP 3`).
 * Folding costs the same whatever the log's length: each event is read once, at
 * most TUI_FEED_READ_MAX per poll (a longer run is read over the following polls:
 * tui_feed_behind), and at the start the feed reads back TUI_FEED_BACK events; a
 * group begun before them says so ("2,001+ events").  What-if events are one group
 * per step of the session.
 *
 * "Looked": the full feed (`F`) on top.  Events read while it is there are seen;
 * the others count as new ("+N new since you looked"); at the start nothing is new.
 */
#ifndef ALLOT_TUI_FEED_H
#define ALLOT_TUI_FEED_H

#include <stdbool.h>

#include "app/follower.h"
#include "tui/canvas.h"
#include "tui/source.h"

#define TUI_FEED_MAX 64       /* events kept for the panel, the newest */
#define TUI_FEED_GROUPS 32    /* groups kept, the newest */
#define TUI_FEED_READ_MAX 5000 /* live events read per poll at most */
#define TUI_FEED_BACK 2000    /* live events read back at the start, to group them */

/* A group of events: one command's, or a run of commands of one kind by one actor. */
typedef struct TuiFeedGroup {
    int64_t seq;          /* the feed's number of the group (grows by one) */
    int64_t first_id;     /* its oldest event read */
    TuiFeedItem last;     /* its newest event */
    int64_t events;       /* events read of it */
    int64_t commands;     /* commands of it (0: events logged before provenance) */
    int64_t command_id;   /* its newest command */
    char kind[24];        /* the command's name ("change-qty"), "" = no command */
    char label[160];      /* its first command in the command-line words ("change-qty B1 4") */
    bool warn;            /* holds an OutOfStock or a Deallocated */
    bool partial;         /* began before the first event the feed read */
    bool whatif;          /* a what-if session's step */
} TuiFeedGroup;

typedef struct TuiFeed {
    TuiFeedItem items[TUI_FEED_MAX]; /* a ring: the newest events, oldest at `head` */
    int64_t item_group[TUI_FEED_MAX]; /* the seq of each item's group */
    int head, n;
    TuiFeedGroup groups[TUI_FEED_GROUPS]; /* a ring likewise */
    int ghead, ngroups;
    int64_t next_seq;
    int64_t last_id;  /* newest live id read */
    int64_t max_id;   /* newest live id known (the log's end at the last poll) */
    int64_t start_id; /* the feed read the log from after this id (0: from its start) */
    int64_t seen_id;  /* events up to this id are seen (read while looking) */
    int64_t unseen;   /* events read since the user looked (ids > seen_id) */
    bool paused;
    int64_t paused_new; /* live events since it was paused */
    EventFollower *follower; /* not owned; NULL = by id */
    bool got;                /* the last poll read live events */
} TuiFeed;

/* An empty feed that will group the last TUI_FEED_BACK events of `live`'s log
 * (read at the first poll) and follow it, through `follower` (not owned; it starts
 * where the caller put it) or, NULL, by id. */
void tui_feed_init(TuiFeed *f, TuiSource *live, EventFollower *follower);

/* Reads the live events after the last one read, at most TUI_FEED_READ_MAX
 * (paused: only counts them); `got` says whether any came.  Errors: ALLOT_ESTORAGE
 * (the source's or the follower's: it tries again at the next poll). */
AllotStatus tui_feed_poll(TuiFeed *f, TuiSource *live, ErrBuf *err);

/* True while live events that the last poll knew of are not read yet (a long run:
 * the next poll goes on). */
bool tui_feed_behind(const TuiFeed *f);

/* The user looks at the feed now (the full feed is on top): every event read or
 * known so far is seen. */
void tui_feed_look(TuiFeed *f);
/* Live events that arrived since the user last looked (read or not yet read). */
int64_t tui_feed_new(const TuiFeed *f);

/* Adds `n` events a what-if session raised (one step: one group); the first is the
 * session's event number `first_id` (1-based); `at` is when (seconds). */
void tui_feed_add_whatif(TuiFeed *f, const Event *events, size_t n, int64_t first_id, int64_t at);
/* Forgets the what-if events (the session ended). */
void tui_feed_drop_whatif(TuiFeed *f);

/* Pauses or resumes (resuming reads what arrived on the next poll). */
void tui_feed_pause(TuiFeed *f, bool paused);

/* The i-th newest group (0 = the newest), or NULL past the oldest kept. */
const TuiFeedGroup *tui_feed_group(const TuiFeed *f, int i);
/* What a group's row says after its time and id: "change-qty B1 4: 5 events
 * (ann@host)", "allocate ×76,012: 76,012 events (ann@host)", into buf; returns buf. */
const char *tui_feed_group_text(const TuiFeedGroup *g, char *buf, size_t size);

/* Draws the panel from row y, h rows: a title row (with "+N new since you looked")
 * and the groups, newest first: a group of one event is its event; a group of more
 * is a row naming its command and counting its events, and the newest group has
 * its newest events under that row, as many as leave a row for the group before. */
void tui_feed_draw(const TuiFeed *f, TuiCanvas *c, int y, int h, int32_t today);

#endif
