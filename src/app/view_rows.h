/* view_rows.h — read-model rows computed in memory from Products, by the list
 * specs (view_specs.h).
 *
 * The engine of every read model that is not a SQL store: the memory store's
 * views (persistence/memory_uow.h) and the what-if sandbox overlay
 * (whatif/sandbox_views.h).  A row is computed from a Product exactly as a store's
 * read model holds it (views.h field comments); conditions, the substring filter,
 * the anchor and the order are the spec's, read by view_row_matches / view_row_cmp.
 * Costs O(rows of the products given) per page: for tests, sandboxes and small
 * stores, not a million lines.
 */
#ifndef ALLOT_APP_VIEW_ROWS_H
#define ALLOT_APP_VIEW_ROWS_H

#include <stddef.h>

#include "app/view_specs.h"
#include "domain/product.h"

/* A growable array of rows of `size` bytes (owned). */
typedef struct ViewRows {
    char *items;
    size_t len, cap, size;
} ViewRows;

void view_rows_init(ViewRows *r, size_t size);
void view_rows_fini(ViewRows *r);
/* A new zeroed row at the end (valid until the next push). */
void *view_rows_push(ViewRows *r);
void *view_rows_at(const ViewRows *r, size_t i);

/* The store's row key of line `l` of `p` (LineRow.key), set by the caller's store:
 * ALLOT_OK or its error. */
typedef AllotStatus (*LineKeyFn)(void *ctx, const Product *p, const OrderLine *l, int64_t *key,
                                 ErrBuf *err);

/* Appends to `out` (rows of q's spec) the rows of product `p` that meet q's
 * conditions and filter (the anchor is not applied).  q's spec must be of a
 * product, batch or line kind.  For line rows `key` (NULL = 0) gives LineRow.key.
 * Errors: what `key` returns (rows appended so far stay). */
AllotStatus view_rows_of_product(const ViewQuery *q, const Product *p, LineKeyFn key, void *ctx,
                                 ViewRows *out, ErrBuf *err);

/* Keeps only the rows past `after` (view_row_past; NULL = all) and sorts them by
 * q's order, ascending (stable). */
void view_rows_sort_past(const ViewQuery *q, ViewRows *rows, const void *after);

/* Copies one page of sorted rows into `out` (q->page.limit rows of room): the
 * first rows forward, the last ones backward, in list order.  Returns how many. */
size_t view_rows_page(const ViewQuery *q, const ViewRows *sorted, void *out);

/* How many rows of `rows` lie past `after` (view_row_past; NULL = all). */
size_t view_rows_count_past(const ViewQuery *q, const ViewRows *rows, const void *after);

/* Adds product p's part of the header counts on `today` (views.h ReadCounts) to *c,
 * or takes it off with sign -1: its backorders, whether it is short, its batches
 * whose ETA is before today, its late lines (SPEC.md §1.4). */
void view_rows_add_counts(const Product *p, int32_t today, int sign, ReadCounts *c);

/* Appends to `ids` (rows of AllotId) the identifiers of `kind` of product `p` that
 * start with `prefix` (byte-wise). */
void view_rows_complete(CompleteKind kind, const Product *p, const char *prefix, ViewRows *ids);

/* Sorts `ids` (AllotId rows) and copies up to `limit` distinct ones to `out`
 * ascending.  Returns how many. */
size_t view_rows_complete_page(ViewRows *ids, size_t limit, AllotId *out);

#endif
