/* csv_import.h — `allot import batches|orders|allocations FILE` (SPEC.md §4).
 *
 * Every row becomes a command sent through the bus, all inside one bulk unit of
 * work (uow_bulk_begin/_end): one bad row refuses the whole file and the store is
 * left exactly as it was.  Rules:
 *   batches (ref,sku,qty,eta): a new ref → CreateBatch; an existing ref with another
 *     qty → ChangeBatchQuantity, with another ETA → ChangeBatchEta (both if both
 *     differ); same qty and ETA → unchanged; another sku → error; a ref twice in
 *     the file → error.
 *   orders (orderid,sku,qty[,need][,requested]): Allocate; an existing line with the
 *     same qty is unchanged; with another qty → error.
 *   allocations (orderid,sku,qty,batchref[,need][,requested]): the line is put on
 *     that batch (AllocateTo): new → created, moved → changed, already there →
 *     unchanged; no room or an unknown batch → error.  Then the backorders of every
 *     SKU of the file are retried (RetryBackorders, §1.2 rule 7), counted in
 *     `filled`.
 *   need (YYYY-MM-DD, empty = none) is the new line's need date (§1.4).  requested
 *     (a whole number >= 1, as exports write it) is its moment of first request:
 *     a file whose first row has one must have one on every row (and one whose first
 *     row has none, on none); its rows run in the order of requested, ties in file
 *     order, and the lines keep that value, so that an export of allocations and
 *     one of backorders restore the order of service between them (§4).
 * Errors name the file, the line and the field:
 *   batches.csv:17: qty "12x" is not a whole number
 */
#ifndef ALLOT_CLI_CSV_IMPORT_H
#define ALLOT_CLI_CSV_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "app/message_bus.h"

typedef enum ImportKind { IMPORT_BATCHES, IMPORT_ORDERS, IMPORT_ALLOCATIONS } ImportKind;

/* Rows read, and what became of them.  On a refused file created, changed and
 * unchanged are 0 and refused = read (nothing was kept). */
typedef struct ImportSummary {
    long read, created, changed, unchanged, refused;
    long backordered; /* orders: created lines that found no batch */
    /* batches: what the creates and changes did to order lines, counted per event:
     * lines moved to another batch (Reallocated), lines that lost their batch and
     * wait as backorders (Deallocated), backorders that found a batch (Allocated);
     * allocations: backorders that the retry after the file found a batch for. */
    long reallocated, deallocated, filled;
} ImportSummary;

/* "batches" → IMPORT_BATCHES ...; false if unknown. */
bool import_kind_from_name(const char *name, ImportKind *out);

/* Imports `fp` (not closed) named `name` in messages.  `progress`: show a progress
 * line on stderr while it runs (for a terminal).  `total_bytes` (0 if unknown)
 * scales it.  Errors: ALLOT_EINVALID (a bad row, the message names file:line and
 * the field), a domain error of a row's command (also prefixed with file:line),
 * ALLOT_EIO, ALLOT_ESTORAGE, ALLOT_ECONFLICT. */
AllotStatus csv_import(MessageBus *bus, ImportKind kind, FILE *fp, const char *name,
                       bool progress, unsigned long long total_bytes, ImportSummary *sum,
                       ErrBuf *err);

/* "12 rows read, 3 created, 4 changed, 5 unchanged, 0 refused" into buf; orders add
 * " (B of the created lines backordered)", batches and allocations "; order lines:
 * R reallocated, D backordered, A backorders allocated" (the non-zero parts). */
char *import_summary_text(const ImportSummary *s, ImportKind kind, char *buf, size_t size);

#endif
