/* views.h — the read model port (SPEC.md §2 "Read model / views", §5 screens).
 *
 * Query functions, not the domain model, serve every screen: products summary,
 * batches (of a SKU or all), lines of a batch, allocations of an order, backorders,
 * the event feed, shipments due, and prefix completion for the `:` prompt.
 * A table of function pointers so that the SQLite store (sqlite_views.c), the
 * in-memory store (memory_uow.h) and a what-if sandbox can all implement it.  Each
 * list's contract — columns, orders, filter columns, identity — is its spec in
 * view_specs.h; the functions below only turn their arguments into a ViewQuery.
 *
 * Units: quantities are whole units (int64_t); dates are days since 1970-01-01
 * UTC (int32_t), ALLOT_NO_ETA meaning "none / in the warehouse"; event times are
 * whole seconds since 1970-01-01 UTC.
 *
 * Paging is keyset, never OFFSET: every list query takes
 *   - `page`: how many rows (`limit`), an optional substring `filter`, a direction;
 *   - `after`: the anchor row — the LAST row of the previous page when paging
 *     forward, the FIRST row of the current page when paging backward — or NULL to
 *     start at the beginning (forward) or at the end (backward);
 *   - `rows`: a caller-owned array of at least page->limit rows;
 *   - `n`: receives how many rows were written (< limit means the list ended).
 * Rows are always returned in the list's order (ascending), also when paging
 * backward.  Rows are values: they hold no pointers, copy with `=`, and the caller
 * owns them.  Only the ordering fields of an anchor row are read: the keys of the
 * list's order in its spec, less those its arguments fix.
 *
 * Each function below names its spec (view_specs.c): the spec, not this header,
 * says which columns the filter looks in, the orders and the anchor fields.
 *
 * Errors: every function returns ALLOT_OK or ALLOT_ESTORAGE (the store cannot be
 * read: message names the database path); ALLOT_EINVALID for a bad argument
 * (limit 0 is allowed and returns no rows).
 */
#ifndef ALLOT_APP_VIEWS_H
#define ALLOT_APP_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/events.h"
#include "domain/lateness.h"
#include "domain/status.h"
#include "domain/validate.h"

/* One row of the Products screen (SPEC.md §5). */
typedef struct ProductRow {
    AllotId sku;
    int64_t nbatches;        /* how many batches the SKU has */
    int64_t qty;             /* sum of its batches' purchased qty */
    int64_t allocated;       /* sum of its allocated line qtys */
    int64_t available;       /* qty - allocated */
    int64_t backorder_lines; /* how many of its lines are backorders */
    int64_t backorder_qty;   /* their total qty */
    int32_t next_eta;        /* earliest ETA among its batches that have one, or
                                ALLOT_NO_ETA when every batch is in the warehouse */
} ProductRow;

/* One row of the Batches screen / a shipment. */
typedef struct BatchRow {
    AllotId ref;
    AllotId sku;
    int64_t qty;       /* purchased */
    int64_t allocated; /* sum of its lines' qty */
    int64_t available; /* qty - allocated */
    int32_t eta;       /* ALLOT_NO_ETA = in the warehouse */
    int64_t nlines;    /* how many lines it holds */
    uint64_t seq;      /* creation order within its SKU (preference tie-break) */
} BatchRow;

/* One order line, allocated or backordered. */
typedef struct LineRow {
    AllotId orderid;
    AllotId sku;
    int64_t qty;
    AllotId batchref; /* the batch holding it, or "" for a backorder */
    int32_t eta;      /* that batch's ETA; ALLOT_NO_ETA if in the warehouse or a backorder */
    uint64_t seq;     /* the moment it was first requested, within its SKU */
    int64_t key;      /* the moment of first request across all SKUs: the line's
                         `requested` (product.h); ties broken by seq */
    int32_t need;     /* the need date (SPEC.md §1.4), or ALLOT_NO_DATE */
    /* Computed for the query's day (ViewPage.today), never stored (§1.4): */
    int32_t promised; /* the batch's ETA, or today for a batch in the warehouse or
                         overdue; ALLOT_NO_DATE for a backorder (lateness_promised) */
    int64_t late;     /* days late (> 0), or 0 (lateness_of_line) */
    int64_t at_risk;  /* 1: a backorder whose need date is today or ahead, else 0 */
} LineRow;

/* One event of the log (SPEC.md §2 "Event log"). */
typedef struct EventRow {
    int64_t id; /* monotonic, > 0 */
    int64_t at; /* when it was committed: seconds since 1970-01-01 UTC */
    Event ev;   /* the event as raised (events.h says which fields carry meaning) */
    uint64_t tx; /* the transaction that wrote it on PostgreSQL (its position for a
                    follower is (tx, id), app/follower.h); 0 on the other stores */
} EventRow;

/* The order of a batch list: the orders of spec VIEW_BATCHES, by number. */
typedef enum BatchOrder {
    BATCH_ORDER_PREFERENCE, /* by sku, then SPEC.md §1.1 preference */
    BATCH_ORDER_REF,
    BATCH_ORDER_ETA,
} BatchOrder;

/* Which order lines a line list holds. */
typedef enum LineState {
    LINES_ALL,
    LINES_ALLOCATED,   /* on a batch */
    LINES_BACKORDERED, /* waiting for stock */
} LineState;

/* What a completion completes. */
typedef enum CompleteKind {
    COMPLETE_SKU,
    COMPLETE_REF,
    COMPLETE_ORDERID,
} CompleteKind;

/* How many ids start with a prefix, and the first and last of them in byte order
 * (views_complete_span). */
typedef struct CompleteSpan {
    int64_t count; /* how many distinct ids start with the prefix, at most `cap` */
    bool more;     /* there are more than `cap` (count == cap) */
    AllotId first, last; /* the smallest and the greatest of all of them ("" if none) */
} CompleteSpan;

typedef struct ViewPage {
    size_t limit;       /* at most this many rows; `rows` holds at least as many */
    const char *filter; /* keep only rows with this substring (ASCII case-insensitive)
                           in the spec's filter columns; NULL or "" = every row */
    bool backward;      /* rows before the anchor instead of after it */
    int32_t today;      /* the day (days since 1970-01-01 UTC, from the caller's
                           clock) a line's promised date, days late and at-risk
                           state are computed for (LineRow); a query that neither
                           shows, sorts nor filters by them may leave it 0 */
} ViewPage;

/* The counts a planner's header shows (SPEC.md §5 "A header shows the counts that
 * matter"), on a given day (views_counts). */
typedef struct ReadCounts {
    int64_t backorder_lines; /* order lines waiting for stock */
    int64_t backorder_units; /* their quantity, whole units */
    int64_t skus_short;      /* SKUs with at least one backorder */
    int64_t overdue_batches; /* batches whose ETA is before the day (not received) */
    int64_t late_lines;      /* lines late on the day (SPEC.md §1.4) */
} ReadCounts;

typedef struct Views Views;
typedef struct ViewQuery ViewQuery; /* view_specs.h */

typedef struct ViewsOps {
    /* One page of the list query q (view_specs.h): rows after/before `after` (a row
     * of q's spec, only its keyset key fields read; NULL = from the start / the
     * end), in q's order, into `rows` (q->page.limit rows of the spec's row size).
     * The query has passed view_query_check. */
    AllotStatus (*list)(Views *v, const ViewQuery *q, const void *after, void *rows, size_t *n,
                        ErrBuf *err);
    AllotStatus (*latest_event_id)(Views *v, int64_t *id, ErrBuf *err);
    AllotStatus (*complete)(Views *v, CompleteKind kind, const char *prefix, size_t limit,
                            AllotId *out, size_t *n, ErrBuf *err);
    void (*destroy)(Views *v);
    /* added after the first version: keep new members at the end */
    /* may be NULL: views_complete_span then works it out from `complete` */
    AllotStatus (*complete_span)(Views *v, CompleteKind kind, const char *prefix, int64_t cap,
                                 CompleteSpan *out, ErrBuf *err);
    /* may be NULL: views_count then pages through `list`.  How many rows of q (its
     * conditions and filter) lie past `after` in q's direction (NULL = every row). */
    AllotStatus (*count)(Views *v, const ViewQuery *q, const void *after, int64_t *n,
                         ErrBuf *err);
    /* may be NULL: views_counts then says the store does not give them */
    AllotStatus (*counts)(Views *v, int32_t today, ReadCounts *out, ErrBuf *err);
} ViewsOps;

/* Implementations embed this as their first member. */
struct Views {
    const ViewsOps *ops;
};

/* Products summary (Products screen, Triage "out-of-stock SKUs").  Spec
 * VIEW_PRODUCTS.  only_backordered keeps SKUs with at least one backorder. */
AllotStatus views_products(Views *v, bool only_backordered, const ViewPage *page,
                           const ProductRow *after, ProductRow *rows, size_t *n, ErrBuf *err);

/* Batches of `sku`, or of every SKU when sku is NULL or "", in `order`.  Spec
 * VIEW_BATCHES.  An unknown sku gives no rows (not an error); an unknown order is
 * ALLOT_EINVALID. */
AllotStatus views_batches(Views *v, const char *sku, BatchOrder order, const ViewPage *page,
                          const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err);

/* Lines on batch `ref`, oldest first (SPEC.md §1.2 "oldest").  Spec
 * VIEW_BATCH_LINES.  An unknown ref gives no rows. */
AllotStatus views_batch_lines(Views *v, const char *ref, const ViewPage *page,
                              const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err);

/* Every line of order `orderid` across SKUs, each with its batch or "" for a
 * backorder (Order screen).  Spec VIEW_ORDER_LINES. */
AllotStatus views_order_lines(Views *v, const char *orderid, const ViewPage *page,
                              const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err);

/* Backorders, oldest first: of `sku` (order oldest_of_sku), or of every SKU when
 * sku is NULL or "" (order oldest).  Spec VIEW_BACKORDERS. */
AllotStatus views_backorders(Views *v, const char *sku, const ViewPage *page,
                             const LineRow *after, LineRow *rows, size_t *n, ErrBuf *err);

/* Events by id ascending (spec VIEW_EVENTS).  Forward: ids > anchor_id (0 = from
 * the first).  Backward: ids < anchor_id (0 or INT64_MAX = the newest page), still
 * returned ascending.  (Live feed: keep the last id seen and ask forward from it;
 * `allot events --since ID`.) */
AllotStatus views_events(Views *v, int64_t anchor_id, const ViewPage *page, EventRow *rows,
                         size_t *n, ErrBuf *err);

/* The history of order line (orderid, sku) (SPEC.md §1.6 "why"): every event that
 * names it, by id ascending, with ids > after_id (0 = from the first).  Spec
 * VIEW_EVENTS with orderid and sku fixed. */
AllotStatus views_line_history(Views *v, const char *orderid, const char *sku, int64_t after_id,
                               const ViewPage *page, EventRow *rows, size_t *n, ErrBuf *err);

/* The events of command `command_id` (> 0; SPEC.md §1.6), by id ascending, with
 * ids > after_id.  Spec VIEW_EVENTS with the command fixed. */
AllotStatus views_command_events(Views *v, int64_t command_id, int64_t after_id,
                                 const ViewPage *page, EventRow *rows, size_t *n, ErrBuf *err);

/* The id of the newest event, or 0 if the log is empty. */
AllotStatus views_latest_event_id(Views *v, int64_t *id, ErrBuf *err);

/* Batches with an ETA in [from, to] (days, inclusive) (Triage "shipments due
 * soon").  Spec VIEW_SHIPMENTS_DUE. */
AllotStatus views_shipments_due(Views *v, int32_t from, int32_t to, const ViewPage *page,
                                const BatchRow *after, BatchRow *rows, size_t *n, ErrBuf *err);

/* Up to `limit` distinct SKUs / batch refs / order ids that start with `prefix`
 * (byte-wise, case-sensitive; "" = any), ascending, into the caller's `out`. */
AllotStatus views_complete(Views *v, CompleteKind kind, const char *prefix, size_t limit,
                           AllotId *out, size_t *n, ErrBuf *err);

/* Of the distinct SKUs / batch refs / order ids that start with `prefix` (as
 * views_complete): how many there are, counted up to `cap` (> 0; then `more` says
 * there are others), and the first and the last of ALL of them, whose common prefix
 * is the prefix common to every one (Tab completion, SPEC.md §5).  Cheap on a
 * million rows: the count stops at `cap`, first and last are index seeks. */
AllotStatus views_complete_span(Views *v, CompleteKind kind, const char *prefix, int64_t cap,
                                CompleteSpan *out, ErrBuf *err);

/* Every order line in `state`, in the order of the allocations and backorders
 * exports (SPEC.md §4).  Spec VIEW_LINES. */
AllotStatus views_lines(Views *v, LineState state, const ViewPage *page, const LineRow *after,
                        LineRow *rows, size_t *n, ErrBuf *err);

/* The late lines on `today` (days; SPEC.md §1.4, §5 Triage "late lines"): every
 * order line whose promised date is past its need date (LineRow.late > 0), worst
 * first: the most days late, then the earliest need date, then orderid and sku.
 * Spec VIEW_LATE_LINES.  `today` is the caller's (the injected clock's) and
 * overrides page->today.  The SQLite store answers a page with index seeks, not a
 * scan of every line (docs/storage.md). */
AllotStatus views_late_lines(Views *v, int32_t today, const ViewPage *page, const LineRow *after,
                             LineRow *rows, size_t *n, ErrBuf *err);

/* The lateness (SPEC.md §1.4) of one line row on `today` (days): promised date,
 * days late, at risk.  Computed, never stored. */
LineLateness line_row_lateness(const LineRow *r, int32_t today);

/* The lateness of order `orderid` on `today`: every line of the order, through
 * views_order_lines (an unknown order: no line, complete none).  Errors: those of
 * views_order_lines. */
AllotStatus views_order_lateness(Views *v, const char *orderid, int32_t today,
                                 OrderLateness *out, ErrBuf *err);

/* Any list query (view_specs.h): every views_* list function above is one spec and
 * its conditions run through this.  `after`, `rows`, `n` as for the others, rows
 * of q->spec->row_size bytes.  Errors: ALLOT_EINVALID (view_query_check),
 * ALLOT_ESTORAGE. */
AllotStatus views_list(Views *v, const ViewQuery *q, const void *after, void *rows, size_t *n,
                       ErrBuf *err);

/* The query each list function above runs — its spec, its order and the conditions
 * its arguments give — for a caller that adds conditions (a planner's filter),
 * picks another order of the spec or sets `today` before views_list or
 * views_count.  `page` (copied; may be NULL for a zero page) as for the list
 * functions; the rows views_list then gives are those of the list function. */
ViewQuery views_products_query(bool only_backordered, const ViewPage *page);
ViewQuery views_batches_query(const char *sku, BatchOrder order, const ViewPage *page);
ViewQuery views_shipments_due_query(int32_t from, int32_t to, const ViewPage *page);
ViewQuery views_batch_lines_query(const char *ref, const ViewPage *page);
ViewQuery views_order_lines_query(const char *orderid, const ViewPage *page);
ViewQuery views_backorders_query(const char *sku, const ViewPage *page);
ViewQuery views_events_query(const ViewPage *page);
ViewQuery views_late_lines_query(int32_t today, const ViewPage *page);

/* How many rows of query q (its conditions and filter; q->page.limit is not used)
 * lie past `after` in q's direction (a row of q's spec, only its keyset key fields
 * read; NULL = every row of the list): with q->page.backward, the rows before it
 * — the position of `after` in the list.  Costs what reading those rows costs
 * (SQLite: an index range; docs/tui.md "Counts").  Errors: ALLOT_EINVALID
 * (view_query_check), ALLOT_ESTORAGE. */
AllotStatus views_count(Views *v, const ViewQuery *q, const void *after, int64_t *n,
                        ErrBuf *err);

/* The header counts of the read model on `today` (days since 1970-01-01 UTC):
 * backorders (lines and units), SKUs short, overdue shipments (batches with an
 * ETA before today), late lines (SPEC.md §1.4).  Cheap on a million lines
 * (SQLite: index ranges, docs/tui.md "Counts").  Errors: ALLOT_ESTORAGE;
 * ALLOT_EINVALID when the store does not give them. */
AllotStatus views_counts(Views *v, int32_t today, ReadCounts *out, ErrBuf *err);

/* Frees the views.  NULL is ignored. */
void views_free(Views *v);

#endif
