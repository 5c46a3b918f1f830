/* demo.h — `allot demo`: the bundled real dataset (assets/demo/README.md).
 *
 * Northwind (Microsoft's sample company, MIT licence): each product (SKU = its
 * ProductName) becomes batch WH-NN in the warehouse holding UnitsInStock and, where
 * UnitsOnOrder > 0, batch PO-NN arriving with an invented ETA (the last order date
 * 1998-05-06 plus 14, 28 or 42 days by SupplierID mod 3); then the lines of the
 * open orders (no ShippedDate), oldest order first (OrderDate, then OrderID; within
 * an order by ProductID), are allocated.  All through the bus, in one bulk unit of
 * work.  The CSVs are compiled into the executable; ALLOT_DEMO_DIR names a folder
 * that overrides them (products.csv, orders.csv, order_details.csv).
 */
#ifndef ALLOT_CLI_DEMO_H
#define ALLOT_CLI_DEMO_H

#include "app/message_bus.h"

typedef struct DemoSummary {
    long products, batches_in_stock, batches_incoming;
    long orders, lines, allocated, backordered, backordered_units;
} DemoSummary;

/* Loads the dataset through `bus` (its unit of work must hold no data: callers
 * check).  Errors: ALLOT_EINVALID / ALLOT_EIO (the dataset cannot be read: names
 * the file and line), ALLOT_ESTORAGE, a domain error if the store already holds a
 * demo batch. */
AllotStatus demo_load_into(MessageBus *bus, DemoSummary *sum, ErrBuf *err);

/* For the TUI (TuiOptions.load_demo): opens the database at `db_path`, refuses if it
 * holds any event already, and loads the dataset.  Errors: as above, and
 * ALLOT_EINVALID "the database already holds data". */
AllotStatus demo_load(const char *db_path, ErrBuf *err);

#endif
