/* source.h — what the screens read: the read model as the TUI sees it (SPEC.md §2
 * "Read model / views", §5).
 *
 * A TuiSource is an interface (a table of function pointers).  Screens never see
 * SQLite or the domain model; they ask for pages of ready-made rows.  The one
 * implementation over data is source_views.c, over the application's read model
 * (app/views.h: the SQLite store, or a what-if sandbox's views); whatif_tui.c wraps
 * it to mark what a session changed.
 *
 * Paging is keyset paging: every row carries `cursor`, an opaque text position in
 * the current sort order, and the next page is asked for "after" or "before" a
 * cursor, so that a page costs the same at row 10 and at row 1,000,000.
 *
 * Units: quantities are whole units; dates are days since 1970-01-01 UTC
 * (ALLOT_NO_ETA = in the warehouse); times are seconds since the epoch.
 */
#ifndef ALLOT_TUI_SOURCE_H
#define ALLOT_TUI_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/view_specs.h"
#include "app/views.h"
#include "domain/atp.h"
#include "domain/events.h"
#include "domain/status.h"
#include "domain/validate.h"

/* The lists a screen can show.  `arg` of a query narrows some of them. */
typedef enum TuiListKind {
    TL_PRODUCTS,    /* every SKU with its totals; arg unused */
    TL_SHORT,       /* SKUs short of stock: with at least one backorder */
    TL_BATCHES,     /* batches of SKU arg, or of every SKU when arg is "" */
    TL_DUE,         /* batches whose ETA is in [today, today + 14] */
    TL_OVERDUE,     /* batches whose ETA is before today: shipments not received */
    TL_BATCH_LINES, /* order lines on batch arg */
    TL_ORDER,       /* lines of order arg (allocated and backordered) */
    TL_BACKORDERS,  /* backorders (of SKU arg, or all when ""), oldest first */
    TL_EVENTS,      /* the event log, newest first */
    TL_TODAY,       /* events logged today (UTC), newest first */
    TL_LATE,        /* late lines (SPEC.md §1.4) on today, worst first */
    TL_ATP,         /* the availability timeline of SKU arg (SPEC.md §1.5), by date */
    TL_HISTORY,     /* the events of order line arg ("ORDERID\x1fSKU"), oldest first,
                       with their commands and actors (SPEC.md §1.6 "why") */
    TL_KIND_COUNT
} TuiListKind;

#define TUI_MAX_COLS 10
#define TUI_CELL_MAX 80
#define TUI_CURSOR_MAX 160
#define TUI_FILTER_MAX 200

/* Row flags: a state the screen marks with a word and a style, never colour alone. */
enum {
    TUI_ROW_SHORT = 1u << 0,     /* a SKU with backorders, a backordered line */
    TUI_ROW_FULL = 1u << 1,      /* a batch with nothing available */
    TUI_ROW_OVER = 1u << 2,      /* allocated > qty: never seen between commands */
    TUI_ROW_WARN_EVENT = 1u << 3, /* OutOfStock, Deallocated */
    TUI_ROW_WHATIF = 1u << 4,     /* differs from live in a what-if session ("Δ" note) */
    TUI_ROW_PENDING = 1u << 5,    /* not a row: the search for more rows goes on from
                                     its cursor (a filter over a long list, source.h
                                     `fetch`); its last cell says how far it got */
    TUI_ROW_LATE = 1u << 6        /* a line late or at risk (its LATE cell says which) */
};

/* One displayed row.  `key` is the row's identity (a SKU, a batch reference,
 * "ORDERID\x1fSKU", an event id): the selection follows it across refreshes.
 * The typed fields below let key handlers act without parsing the cells. */
typedef struct TuiRow {
    char key[TUI_CURSOR_MAX];
    char cursor[TUI_CURSOR_MAX];
    char cells[TUI_MAX_COLS][TUI_CELL_MAX];
    unsigned flags;
    AllotId sku, ref, orderid; /* what the row is about ("" when not applicable) */
    int64_t qty;               /* the line's or the batch's quantity */
    int64_t available;         /* batches: qty - allocated */
    int32_t eta;               /* batches: ETA or ALLOT_NO_ETA */
    int64_t event_id;          /* events: id in the log */
    int32_t date;              /* TL_ATP: the row's date */
    int32_t need;              /* order lines: the need date, or ALLOT_NO_DATE */
    int64_t requested;         /* order lines: the moment of first request (LineRow.key) */
} TuiRow;

/* A growable array of rows; owns its storage.  Zero-initialise. */
typedef struct TuiRowVec {
    TuiRow *items;
    size_t len, cap;
} TuiRowVec;

TuiRow *tui_rows_push(TuiRowVec *v); /* a zeroed row at the end */
void tui_rows_clear(TuiRowVec *v);
void tui_rows_fini(TuiRowVec *v);

/* The columns a screen draws for each kind, and the list of the read model it
 * shows (app/view_specs.h), whose spec gives its sort orders, filter columns and
 * identity: nothing of the list's contract is restated here. */
/* How the columns share the width (list.c): each is as wide as its widest value on
 * screen (and its heading); when the table is wider than the screen, the text
 * columns give up room down to `min`, those of the lowest `keep` first; when even
 * the minimums do not fit, the columns after the first scroll sideways. */
#define TUI_KEEP_MAX 3
typedef struct TuiColumn {
    const char *title;
    int keep;        /* text: how long it keeps its room, 1 (details, first to give)
                        .. TUI_KEEP_MAX (what names the row: SKU, REF, ORDER); 0 for
                        numbers */
    bool right;      /* right-aligned: a number, sized to fit and never cut */
    int min;         /* a text's narrowest useful width, when the table is too wide */
    const char *order; /* the spec order this column sorts by (view_spec_order), NULL =
                          not offered (docs/tui.md "Sorting" says why) */
    bool desc;       /* sorted by it first the other way: the worst first */
} TuiColumn;

typedef struct TuiKindInfo {
    const char *title;
    const TuiColumn *columns;
    size_t ncolumns;
    ViewList list;   /* the read model's list (view_specs.h); VIEW_LIST_COUNT for one
                        worked out from a product (TL_ATP, by date) */
    const char *order; /* the default order (the worst first where that makes sense) */
    bool desc;         /* ... in that direction */
} TuiKindInfo;

/* The description of a kind; never NULL for kind < TL_KIND_COUNT. */
const TuiKindInfo *tui_kind_info(TuiListKind kind);
/* Number of orders of a kind's spec (the values of TuiQuery.sort, >= 1). */
int tui_kind_sort_count(TuiListKind kind);

typedef struct TuiQuery {
    TuiListKind kind;
    char arg[2 * ALLOT_ID_MAX + 2]; /* SKU, batch reference or order id, or (TL_HISTORY)
                                       "ORDERID\x1fSKU"; "" = none */
    int sort;             /* an index into the spec's orders; -1 = the kind's default */
    bool desc;            /* with `sort`: that order the other way */
    char filter[TUI_FILTER_MAX]; /* the planner's filter as typed (filter.h); "" = all */
    int32_t today;        /* day number of today (TL_DUE, TL_OVERDUE, TL_TODAY, `late`) */
} TuiQuery;

typedef enum TuiFetch {
    TF_FIRST, /* the first `limit` rows */
    TF_LAST,  /* the last `limit` rows */
    TF_FROM,  /* rows at or after cursor */
    TF_AFTER, /* rows strictly after cursor */
    TF_BEFORE /* the `limit` rows just before cursor */
} TuiFetch;

/* The order (index into the spec's orders) query q is paged by: the one chosen, or
 * the kind's default (the one the list's argument implies for the backorders of
 * one SKU), and whether it runs the other way. */
int tui_query_order(const TuiQuery *q);
bool tui_query_desc(const TuiQuery *q);
/* Its name as the breadcrumb shows it: the column's title and ▲ / ▼ ("SHORT▼"), or
 * the spec's order name when no column sorts by it ("oldest▲"). */
const char *tui_query_order_name(const TuiQuery *q, char *buf, size_t size);
/* The column of kind's table that sorts by q's order, or -1. */
/* Whether q's first key runs from high to low (▼) as shown: the order's own
 * direction, turned around by `desc`. */
bool tui_query_down(const TuiQuery *q);
int tui_query_sort_column(const TuiQuery *q);

/* One event, for the feed and the event lists: of the live log, or raised in a
 * what-if sandbox (never in the live log: its `id` is the session's own count, 1
 * for its first event, shown as "w1" and marked "what-if", so no id is shared). */
typedef struct TuiFeedItem {
    int64_t id;  /* monotonic id in the event log (whatif: in the session) */
    int64_t at;  /* UTC seconds since the epoch; 0 if unknown */
    Event ev;
    bool whatif; /* raised in the what-if sandbox */
} TuiFeedItem;

typedef struct TuiFeedVec {
    TuiFeedItem *items;
    size_t len, cap;
} TuiFeedVec;
void tui_feed_push(TuiFeedVec *v, const TuiFeedItem *it);
void tui_feed_fini(TuiFeedVec *v);

/* Summary of one batch, for the batch screen's header and the change forms. */
typedef struct TuiBatchInfo {
    AllotId ref, sku;
    int64_t qty, allocated;
    int32_t eta;
    int64_t lines;
} TuiBatchInfo;

typedef struct TuiSource TuiSource;

typedef struct TuiSourceOps {
    /* Appends to `out`, in display order, up to `limit` rows of query `q` placed
     * by `how` relative to `cursor` (ignored for TF_FIRST/TF_LAST).
     * Errors: ALLOT_ESTORAGE. */
    AllotStatus (*fetch)(TuiSource *s, const TuiQuery *q, TuiFetch how, const char *cursor,
                         size_t limit, TuiRowVec *out, ErrBuf *err);
    /* A number that changes whenever the stored data changes (any process).
     * Cheap: called every ~250 ms.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*version)(TuiSource *s, uint64_t *out, ErrBuf *err);
    /* The largest event id in the log (0 if none).  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*max_event_id)(TuiSource *s, int64_t *out, ErrBuf *err);
    /* Appends events with id > after_id, oldest first, at most `limit`.
     * Errors: ALLOT_ESTORAGE. */
    AllotStatus (*events_since)(TuiSource *s, int64_t after_id, size_t limit, TuiFeedVec *out,
                                ErrBuf *err);
    /* Appends to `out` (each a malloc'ed string the caller frees) at most `limit`
     * ids of `kind` starting with `prefix`, sorted.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*complete)(TuiSource *s, CompleteKind kind, const char *prefix,
                            size_t limit, char ***out, size_t *nout, ErrBuf *err);
    /* The batch `ref`; *found = false if there is none.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*batch_info)(TuiSource *s, const char *ref, TuiBatchInfo *out, bool *found,
                              ErrBuf *err);
    /* True if there are no batches and no order lines.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*is_empty)(TuiSource *s, bool *empty, ErrBuf *err);
    void (*destroy)(TuiSource *s);
    /* ---- optional (NULL: not available) ---- */
    /* How many ids of `kind` start with `prefix` (counted up to `cap`) and the
     * first and last of them (views_complete_span).  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*complete_span)(TuiSource *s, CompleteKind kind, const char *prefix, int64_t cap,
                                 CompleteSpan *out, ErrBuf *err);
    /* The availability timeline of `sku` on `today` (SPEC.md §1.5; app/atp_query.h;
     * the caller frees *out with atp_fini on ALLOT_OK).  Errors: as `promise`. */
    AllotStatus (*timeline)(TuiSource *s, const char *sku, int32_t today, AtpTimeline *out,
                            ErrBuf *err);
    /* Where and when a new line of `qty` units of `sku` would be served now, on
     * `today` (SPEC.md §1.5 Promise; app/atp_query.h); nothing changes.  Errors:
     * ALLOT_EINVALID_SKU, ALLOT_ESTORAGE, ALLOT_EUSAGE (no products to read here). */
    AllotStatus (*promise)(TuiSource *s, const char *sku, int64_t qty, int32_t today,
                           Promise *out, ErrBuf *err);
    /* The lateness of order `orderid` on `today` (SPEC.md §1.4: its complete date,
     * days late, at risk; views_order_lateness).  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*order_lateness)(TuiSource *s, const char *orderid, int32_t today,
                                  OrderLateness *out, ErrBuf *err);
    /* Where the row whose identity is `key` is now in query `q` (its sort and
     * filter): *found and its cursor in `cursor` (`size` bytes), or *found = false
     * if no row of the list has that identity any more.  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*locate)(TuiSource *s, const TuiQuery *q, const char *key, char *cursor,
                          size_t size, bool *found, ErrBuf *err);
    /* Counts the rows of q (its filter), a slice at a time: those from display
     * position `from` ("" = the start) on, as far as one slice goes (a bounded
     * amount of work); adds them to *n and writes into `next` (`nsize` bytes) where
     * the next slice starts, "" when the count is done.  Errors: ALLOT_ESTORAGE,
     * ALLOT_EINVALID (a filter the list does not take).  `next` may be `from`. */
    AllotStatus (*count)(TuiSource *s, const TuiQuery *q, const char *from, int64_t *n,
                         char *next, size_t nsize, ErrBuf *err);
    /* How many rows of q come before the row at `cursor` in display order (its
     * position, 0-based).  Errors: ALLOT_ESTORAGE. */
    AllotStatus (*position)(TuiSource *s, const TuiQuery *q, const char *cursor, int64_t *n,
                            ErrBuf *err);
    /* The header counts (views.h views_counts) on `today`.
     * Errors: ALLOT_ESTORAGE, ALLOT_EINVALID (not given by this store). */
    AllotStatus (*counts)(TuiSource *s, int32_t today, ReadCounts *out, ErrBuf *err);
} TuiSourceOps;

struct TuiSource {
    const TuiSourceOps *ops;
};

void tui_source_free(TuiSource *s); /* NULL is ignored */

/* What the screens read and know: the source (the live read model, or a what-if
 * session's) and today.  Owned by the app, which swaps `src` when a session starts
 * or ends; lists and screens keep a pointer to it and read it at each fetch. */
typedef struct TuiEnv {
    TuiSource *src; /* not owned */
    int32_t today;  /* day number (UTC) */
} TuiEnv;

/* The identity `key` of a row as a planner reads it ("o3 TABLE"), into buf. */
char *tui_key_text(const char *key, char *buf, size_t size);

/* ---- row builders shared by the sources: fill `key`, the typed fields, the cells
 * and the flags of a row (the caller sets `cursor`). ---- */

/* A product summary (TL_PRODUCTS, TL_SHORT). */
void tui_row_product(TuiRow *r, TuiListKind kind, const ProductRow *p);
/* A batch (TL_BATCHES, TL_DUE, TL_OVERDUE); `today` is a day number. */
void tui_row_batch(TuiRow *r, TuiListKind kind, const char *ref, const char *sku, int64_t qty,
                   int64_t allocated, int32_t eta, int32_t today);
/* An order line (TL_BATCH_LINES, TL_ORDER, TL_BACKORDERS, TL_LATE) as the read model
 * gives it, its lateness computed for the query's day (batchref "" = backorder).
 * Its LATE cell reads "12d" (days late), "at risk" or "" (on time, or no need
 * date); a late or at-risk line is flagged TUI_ROW_LATE. */
void tui_row_line(TuiRow *r, TuiListKind kind, const LineRow *l);
/* The LATE cell of a line (above) into buf; returns buf. */
const char *tui_late_text(int64_t late, bool at_risk, char *buf, size_t size);
/* An event (TL_EVENTS, TL_TODAY).  Its time reads "HH:MM:SS" (UTC) on day `today`,
 * "MM-DD HH:MM" on another day, "--:--:--" when unknown.  A what-if event's id
 * reads "w1", its key is "w1", its details start with "what-if: " and it is
 * flagged TUI_ROW_WHATIF. */
void tui_row_event(TuiRow *r, const TuiFeedItem *it, int32_t today);

/* Fills row r as a pending-search marker (TUI_ROW_PENDING) going on from `cursor`,
 * its last cell saying `note` ("searching… 120,000 of 1,030,000 events read"). */
void tui_row_pending(TuiRow *r, TuiListKind kind, const char *cursor, const char *note);

/* Calls fn on every row of query q in display order, a page at a time from `src`
 * (so a list of a million rows costs pages, not memory), until fn returns false.
 * Pending-search markers (TUI_ROW_PENDING) are not rows: the walk goes on from
 * them.  Errors: those of src's fetch (ALLOT_ESTORAGE, ALLOT_EINVALID). */
AllotStatus tui_source_each(TuiSource *src, const TuiQuery *q,
                            bool (*fn)(void *ctx, const TuiRow *row), void *ctx, ErrBuf *err);

/* Writes n with thousands separators ("1,000,000") into buf; returns buf. */
char *tui_thousands(int64_t n, char *buf, size_t size);
/* A date of the availability timeline (TL_ATP) of a SKU on `today`. */
void tui_row_atp(TuiRow *r, const AtpRow *a, int32_t today);
/* An event of a line's history (TL_HISTORY): tui_row_event's cells, then the
 * command that raised it and who sent it ("undoing command 7" when it undid one). */
void tui_row_history(TuiRow *r, const TuiFeedItem *it, int32_t today);

/* Frees what `complete` returned. */
void tui_strings_free(char **v, size_t n);

#endif
