/* view_specs.h — one spec per read-model list (views.h; SPEC.md §5 screens).
 *
 * A list of the read model is data, written once here: its row type, its columns
 * (name, type, where the field sits in the row), the orders it offers (sort keys
 * with directions, paged by keyset), the columns its substring filter looks in, and
 * the columns that name one row (identity).  Every adapter reads the same spec:
 *   - a store's SQL builder (persistence/sqlite_views.c) maps each column to an SQL
 *     expression and builds SELECT / WHERE / keyset / ORDER BY from the spec;
 *   - the in-memory engine (view_rows.h) computes rows from Products and filters,
 *     sorts and pages them with view_row_matches / view_row_cmp — the what-if
 *     sandbox overlay and the memory store's views use it;
 *   - a screen names its columns, sort orders and cursor (view_key_text) by it.
 * A query (ViewQuery) is a spec, one of its orders, conditions on columns and a page;
 * the page carries the day (ViewPage.today, from the caller's clock) that the
 * computed lateness columns of a line (promised, late, at_risk: SPEC.md §1.4) are
 * worked out for, so that they are never stored and never stale.
 *
 * Ordering rules every adapter keeps (so that pages agree row for row):
 *   - text compares byte-wise (memcmp order of UTF-8, SQLite's BINARY collation);
 *   - numbers and dates compare as signed integers; ALLOT_NO_ETA (INT32_MIN) is the
 *     smallest date, so "none / in the warehouse" sorts first ascending;
 *   - event types compare by their SPEC name (what the store keeps);
 *   - an order's keys, together with the columns fixed by EQ conditions, name one
 *     row: keyset paging needs a total order;
 *   - a key column fixed by an EQ condition is left out of the keyset (its value is
 *     the same on every row; the anchor need not carry it).
 * The substring filter is ASCII case-insensitive (SQLite LIKE '%f%' with the
 * wildcards escaped) over the columns in the spec's filter_mask.
 *
 * Orders: a spec lists every order it offers, each ascending on its first key with
 * the tie-breaks that make it total; the other direction is the same order with
 * every key flipped (view_order_reverse).  A store serves each offered order in
 * both directions by keyset (SQLite: an index whose walk gives the order, or a
 * list bounded by one parent, docs/tui.md "Sorting").
 */
#ifndef ALLOT_APP_VIEW_SPECS_H
#define ALLOT_APP_VIEW_SPECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/views.h"

typedef enum ViewColType {
    VIEW_TEXT,       /* AllotId; "" = none (a store may keep NULL) */
    VIEW_INT,        /* int64_t: a quantity or a count, whole units */
    VIEW_DATE,       /* int32_t days since 1970-01-01 UTC; ALLOT_NO_ETA = none */
    VIEW_SEQ,        /* uint64_t: an order of creation (compared as int64) */
    VIEW_EVENT_TYPE, /* EventType, compared and filtered by event_type_name() */
} ViewColType;

typedef struct ViewColumn {
    const char *name; /* lower case, the term a planner types ("sku", "eta") */
    ViewColType type;
    size_t offset; /* of the field in the row struct */
} ViewColumn;

typedef struct ViewKey {
    uint8_t col; /* index into the spec's columns */
    bool desc;   /* descending (paging backward flips every key) */
} ViewKey;

enum { VIEW_MAX_KEYS = 4, VIEW_MAX_CONDS = 12, VIEW_MAX_IDENTITY = 2 };

typedef struct ViewOrder {
    const char *name; /* "preference", "ref", "eta", "oldest", ... */
    ViewKey keys[VIEW_MAX_KEYS];
    size_t nkeys;
} ViewOrder;

/* What a row is computed from in memory (view_rows.h). */
typedef enum ViewRowKind {
    VIEW_ROW_PRODUCT, /* ProductRow: one per product */
    VIEW_ROW_BATCH,   /* BatchRow: one per batch */
    VIEW_ROW_LINE,    /* LineRow: one per order line */
    VIEW_ROW_EVENT,   /* EventRow: one per event of the log */
} ViewRowKind;

/* The lists of views.h. */
typedef enum ViewList {
    VIEW_PRODUCTS,       /* views_products */
    VIEW_BATCHES,        /* views_batches */
    VIEW_SHIPMENTS_DUE,  /* views_shipments_due */
    VIEW_BATCH_LINES,    /* views_batch_lines */
    VIEW_ORDER_LINES,    /* views_order_lines */
    VIEW_BACKORDERS,     /* views_backorders */
    VIEW_LINES,          /* views_lines */
    VIEW_EVENTS,         /* views_events */
    VIEW_LATE_LINES,     /* views_late_lines */
    VIEW_LIST_COUNT
} ViewList;

/* Column indices of each row kind (the same table serves every list of the kind). */
enum { PCOL_SKU, PCOL_NBATCHES, PCOL_QTY, PCOL_ALLOCATED, PCOL_AVAILABLE, PCOL_BO_LINES,
       PCOL_BO_QTY, PCOL_NEXT_ETA, PCOL_COUNT };
enum { BCOL_REF, BCOL_SKU, BCOL_QTY, BCOL_ALLOCATED, BCOL_AVAILABLE, BCOL_ETA, BCOL_NLINES,
       BCOL_SEQ, BCOL_COUNT };
/* LCOL_PROMISED, LCOL_LATE and LCOL_AT_RISK are computed for the query's day
 * (ViewPage.today, SPEC.md §1.4), never stored. */
enum { LCOL_ORDERID, LCOL_SKU, LCOL_QTY, LCOL_BATCHREF, LCOL_ETA, LCOL_SEQ, LCOL_KEY,
       LCOL_NEED, LCOL_PROMISED, LCOL_LATE, LCOL_AT_RISK, LCOL_COUNT };
enum { ECOL_ID, ECOL_AT, ECOL_TYPE, ECOL_SKU, ECOL_ORDERID, ECOL_BATCHREF, ECOL_TO, ECOL_QTY,
       ECOL_OLD_QTY, ECOL_NEW_QTY, ECOL_ETA, ECOL_OLD_ETA, ECOL_NEW_ETA, ECOL_NEED,
       ECOL_REQUESTED, ECOL_SEQ, ECOL_COMMAND, ECOL_ACTOR, ECOL_UNDOES, ECOL_COUNT };

/* Orders of the lists (index into spec->orders; view_spec_order finds one by name).
 * The first ones of batches and backorders are those views.h names. */
enum { PRODUCT_BY_SKU, PRODUCT_BY_BATCHES, PRODUCT_BY_QTY, PRODUCT_BY_ALLOCATED,
       PRODUCT_BY_AVAILABLE, PRODUCT_BY_BACKORDERS, PRODUCT_BY_BACKORDER_QTY,
       PRODUCT_BY_NEXT_ETA };
enum { BATCH_BY_PREFERENCE, BATCH_BY_REF, BATCH_BY_ETA, BATCH_BY_QTY };  /* = BatchOrder */
enum { DUE_BY_ETA, DUE_BY_REF, DUE_BY_SKU, DUE_BY_QTY };
enum { BATCH_LINES_OLDEST, BATCH_LINES_BY_ORDERID, BATCH_LINES_BY_QTY };
enum { ORDER_LINES_BY_SKU, ORDER_LINES_BY_QTY, ORDER_LINES_BY_BATCH };
enum { BACKORDER_OLDEST, BACKORDER_OLDEST_OF_SKU, BACKORDER_BY_ORDERID, BACKORDER_BY_QTY };
enum { LATE_WORST };

typedef struct ViewSpec {
    ViewList list;
    const char *name; /* "products", "batches", ... */
    ViewRowKind kind;
    size_t row_size;
    const ViewColumn *cols;
    size_t ncols;
    uint32_t filter_mask; /* bit i: the substring filter looks in column i */
    const ViewOrder *orders; /* [0] is the list's default order */
    size_t norders;
    uint8_t identity[VIEW_MAX_IDENTITY]; /* the columns that name one row */
    size_t nidentity;
    int sku_col; /* the column naming the product a row belongs to, or -1 */
    int ref_col; /* the column naming the batch a row belongs to, or -1 */
} ViewSpec;

/* The spec of `list` (static storage), or NULL for a list out of range. */
const ViewSpec *view_spec(ViewList list);

/* The index of the column called `name` in `spec`, or -1. */
int view_spec_column(const ViewSpec *spec, const char *name);

/* The index of the order called `name` in `spec`, or -1. */
int view_spec_order(const ViewSpec *spec, const char *name);

/* `order` with every key's direction flipped (the same order the other way). */
ViewOrder view_order_reverse(const ViewOrder *order);

typedef enum ViewOp {
    VIEW_EQ,        /* text or number equal */
    VIEW_LT,        /* numbers and dates */
    VIEW_LE,
    VIEW_GT,
    VIEW_GE,
    VIEW_EMPTY,     /* text "" (a store's NULL) */
    VIEW_NOT_EMPTY,
    VIEW_PREFIX,    /* text starts with the operand, ASCII case-insensitive (SQLite
                       LIKE 'text%' with the wildcards escaped); "" = every row */
} ViewOp;

typedef struct ViewCond {
    uint8_t col;
    ViewOp op;
    int64_t num;      /* the operand of a number/date column */
    const char *text; /* the operand of a text column (not owned; NULL = "") */
    bool constant;    /* part of the list's definition, not a parameter: a store may
                         write it into its query text (SQLite partial indexes) */
} ViewCond;

/* One list query: what views_list() runs. */
typedef struct ViewQuery {
    const ViewSpec *spec;
    const ViewOrder *order; /* one of spec->orders (or a caller's own order, e.g. one
                               reversed with view_order_reverse: it must outlive q) */
    ViewCond conds[VIEW_MAX_CONDS];
    size_t nconds;
    ViewPage page;
} ViewQuery;

/* A query on `list` in its order number `order` with `page` (copied; its filter
 * string is not).  Conditions are added with view_query_where. */
ViewQuery view_query(ViewList list, int order, const ViewPage *page);

/* Adds a condition.  Returns false (query unchanged) when VIEW_MAX_CONDS are set. */
bool view_query_where(ViewQuery *q, ViewCond c);

/* The condition of `q` fixing column `col` by VIEW_EQ, or NULL. */
const ViewCond *view_query_fixed(const ViewQuery *q, int col);

/* The keys of q's order that take part in the keyset (those not fixed by an EQ
 * condition), into `out` (VIEW_MAX_KEYS); returns how many. */
size_t view_query_keys(const ViewQuery *q, ViewKey *out);

/* True if column `col` is one of the keyset keys of q. */
bool view_query_sorts_on(const ViewQuery *q, int col);

/* Checks q: a spec, an order with 1..VIEW_MAX_KEYS keys, conditions on columns of
 * the spec with an operator that fits the column type.  Errors: ALLOT_EINVALID. */
AllotStatus view_query_check(const ViewQuery *q, ErrBuf *err);

/* ---- rows (void * = the spec's row struct) ---- */

/* Text of column `col` of `row`: the id itself, or the type's name for an event
 * type; NULL for a number column. */
const char *view_row_text(const ViewSpec *spec, int col, const void *row);

/* Number of column `col` (a date widened; a seq as int64); 0 for a text column. */
int64_t view_row_num(const ViewSpec *spec, int col, const void *row);

/* The order of a and b under q's keyset keys and directions (page->backward not
 * applied): < 0, 0, > 0. */
int view_row_cmp(const ViewQuery *q, const void *a, const void *b);

/* True if `row` meets every condition and the substring filter of q. */
bool view_row_matches(const ViewQuery *q, const void *row);

/* True if the row is past the anchor in q's paging direction (forward: after it;
 * backward: before it).  NULL anchor: every row. */
bool view_row_past(const ViewQuery *q, const void *row, const void *anchor);

/* Case-insensitive substring test ("" or NULL needle: true): ASCII letters fold
 * as always; when either text has other characters both are compared folded by
 * view_text_fold, so "RÖ" finds "Rössle" (docs/tui.md "Filter as you type"). */
bool view_text_contains(const char *hay, const char *needle);

/* Case-insensitive prefix test ("" or NULL prefix: true), folded the same way. */
bool view_text_starts(const char *hay, const char *prefix);

/* True if `s` has a byte past ASCII (then its case folds by view_text_fold). */
bool view_text_is_ascii(const char *s);

/* Writes the lowercase of UTF-8 text `s` to buf[0..size) (NUL-terminated, cut at
 * a character boundary when it does not fit), each character by Unicode's simple
 * lowercase mapping (the C library's towlower in the C.UTF-8 locale; ASCII only
 * where that locale is missing); bytes that are not UTF-8 are copied as they are.
 * Returns the length written.  Safe from several threads.  The SQLite store
 * registers it as the SQL function allot_fold(text) for its filters. */
size_t view_text_fold(const char *s, char *buf, size_t size);

/* ---- cursors: the key fields of a row as text, for a screen's anchor ---- */

enum { VIEW_KEY_TEXT_MAX = VIEW_MAX_KEYS * (4 * ALLOT_ID_MAX + 24) };

/* Writes the keyset key fields of `row` under q as text, separated by \x1f, into
 * out (VIEW_KEY_TEXT_MAX bytes is always enough). */
void view_key_text(const ViewQuery *q, const void *row, char *out, size_t size);

/* Reads text made by view_key_text into the key fields of `row` (other fields are
 * zeroed; an id is cut to ALLOT_ID_MAX bytes).  Missing fields read as 0 / "". */
void view_key_parse(const ViewQuery *q, const char *text, void *row);

/* Writes the identity columns of `row` as text, separated by \x1f (a screen keeps
 * it to find its row again after a change). */
void view_identity_text(const ViewSpec *spec, const void *row, char *out, size_t size);

#endif
