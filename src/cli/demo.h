/* demo.h — `allot demo`: the bundled real dataset (assets/demo/README.md).
 *
 * Northwind (Microsoft's sample company, MIT licence), on today's calendar: every
 * date moves by the same number of days, so that the last order date of the data
 * (1998-05-06) is yesterday (today is the bus's clock).  Each product (SKU = its
 * ProductName) becomes batch WH-NN in the warehouse holding UnitsInStock and, where
 * UnitsOnOrder > 0, batch PO-NN arriving with an invented ETA (the last order date
 * − 7, + 7 or + 21 days by SupplierID mod 3: one in three is overdue); then the lines
 * of the open orders (no ShippedDate), oldest order first (OrderDate, then OrderID;
 * within an order by ProductID), are allocated with their order's RequiredDate as
 * need date (SPEC.md §1.4).  All through the bus, in one bulk unit of work.  The CSVs are compiled into the executable; ALLOT_DEMO_DIR names a folder
 * that overrides them (products.csv, orders.csv, order_details.csv).
 */
#ifndef ALLOT_CLI_DEMO_H
#define ALLOT_CLI_DEMO_H

#include "app/message_bus.h"
#include "app/ports.h"

typedef struct DemoSummary {
    long products, batches_in_stock, batches_incoming, batches_overdue;
    long orders, lines, allocated, backordered, backordered_units, late_lines;
    int32_t shift_days;      /* how far every date moved */
    int32_t last_order_date; /* the last order date after the move: yesterday */
} DemoSummary;

/* Loads the dataset through `bus` (its unit of work must hold no data: callers
 * check), on the calendar of `clock`'s today (not owned).  Errors: ALLOT_EINVALID / ALLOT_EIO (the dataset cannot be read: names
 * the file and line), ALLOT_ESTORAGE, a domain error if the store already holds a
 * demo batch. */
AllotStatus demo_load_into(MessageBus *bus, Clock *clock, DemoSummary *sum, ErrBuf *err);

/* For the TUI (TuiOptions.load_demo): opens the database at `db_path`, refuses if it
 * holds any event already, and loads the dataset.  Errors: as above, and
 * ALLOT_EINVALID "the database already holds data". */
AllotStatus demo_load(const char *db_path, ErrBuf *err);

#endif
