/* csv_import.h — `allot import batches|orders|allocations FILE` (SPEC.md §4).
 *
 * Every row becomes a command sent through the bus, all inside one bulk unit of
 * work (uow_bulk_begin/_end): one bad row refuses the whole file and the store is
 * left exactly as it was.  Rules:
 *   batches (ref,sku,qty,eta): a new ref → CreateBatch; an existing ref with another
 *     qty → ChangeBatchQuantity, with another ETA → ChangeBatchEta (both if both
 *     differ); same qty and ETA → unchanged; another sku → error.
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
 *   In every kind a row whose key (ref; orderid and sku) appeared on an earlier row
 *   of the file is an error, identical or not.
 * A bad row does not stop the reading: every row is checked (and, when its fields
 * are good, run, so that the rules' refusals are found too), and every bad row is
 * named with file, line and field:
 *   batches.csv:17: qty "12x" is not a whole number
 */
#ifndef ALLOT_CLI_CSV_IMPORT_H
#define ALLOT_CLI_CSV_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "app/message_bus.h"
#include "app/views.h"

typedef enum ImportKind { IMPORT_BATCHES, IMPORT_ORDERS, IMPORT_ALLOCATIONS } ImportKind;

/* The bad rows an import keeps the messages of: the first this many, by line. */
#define IMPORT_PROBLEMS_KEPT 100

/* One bad row: its line, the status of its refusal and the message
 * ("orders.csv:3: qty \"2.5\" is not a whole number"). */
typedef struct ImportProblem {
    long line;
    AllotStatus status;
    char msg[ALLOT_ERR_MAX];
} ImportProblem;

/* Rows read, and what became of them: read = created + changed + unchanged +
 * refused.  On a refused file created, changed and unchanged are 0 and refused =
 * read (nothing was kept); `bad` rows had a problem of their own.  Owns
 * `problems`: import_summary_fini. */
typedef struct ImportSummary {
    long read, created, changed, unchanged, refused;
    long bad;         /* rows with a problem; the first IMPORT_PROBLEMS_KEPT in problems */
    long backordered; /* orders: created lines that found no batch */
    /* Order lines that no row names, by where they ended against where they were
     * before the import (each line counted once, for its net outcome): on another
     * batch, a backorder now, a backorder before and on a batch now. */
    long reallocated, deallocated, filled;
    ImportProblem *problems; /* by line */
    size_t nproblems;
} ImportSummary;

void import_summary_fini(ImportSummary *s);

/* "batches" → IMPORT_BATCHES ...; false if unknown. */
bool import_kind_from_name(const char *name, ImportKind *out);

/* Imports `fp` (not closed) named `name` in messages, through `bus` (the live bus,
 * or a what-if session's: the import then changes only the sandbox) in one bulk
 * unit of work (bus_bulk: all rows or none).  `views` is the read model of the
 * store the bus works on, on the same connection (store_open's; or the session's
 * sandbox views): a batches file looks up its refs there, inside the bulk unit of
 * work.  `progress`:
 * show a progress line on stderr while it runs (for a terminal).  `total_bytes`
 * (0 if unknown) scales it.  *sum is filled in every case (fini it).  Returns
 * ALLOT_OK; or, for a refused file, the status of its first bad row
 * (ALLOT_EINVALID for a bad field or a repeated key, a domain error of a row's
 * command), with that row's message in `err` and every bad row in sum->problems;
 * or, when the file cannot be read or the store written (nothing kept either):
 * ALLOT_EIO naming the file, ALLOT_ESTORAGE / ALLOT_ECONFLICT naming the database
 * (e.g. "database x.db: disk full (committing)"). */
AllotStatus csv_import(MessageBus *bus, Views *views, ImportKind kind, FILE *fp,
                       const char *name, bool progress, unsigned long long total_bytes,
                       ImportSummary *sum, ErrBuf *err);

/* "12 rows read, 3 created, 4 changed, 5 unchanged, 0 refused" into buf; a refused
 * file adds " (B bad)"; orders add " (B of the created lines backordered)"; then
 * "; order lines: R reallocated, D backordered, A backorders allocated" (the
 * non-zero parts). */
char *import_summary_text(const ImportSummary *s, ImportKind kind, char *buf, size_t size);

/* The write phase on the progress line of the import running, if its line is due
 * (a BulkWriteNotice's `writing`, app/unit_of_work.h; ctx unused): ", writing ROWS
 * rows to the store..." after "NN% (N rows)", or with rows < 0 ", committing...".
 * Nothing when no import runs, without progress (stderr not a terminal), or before
 * a small file's half second. */
void csv_import_progress_writing(void *ctx, long rows);

/* Erases the progress line if one is on the terminal.  Async-signal-safe: for a
 * signal handler that ends the process during an import. */
void csv_import_progress_erase(void);

#endif
