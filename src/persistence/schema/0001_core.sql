-- Schema version 1: the aggregates (SPEC.md §1, §3) and the event log (§2).
-- Dates are days since 1970-01-01; in batches.eta the value -2147483648
-- (ALLOT_NO_ETA) means "in the warehouse" and sorts first, as preference wants.
CREATE TABLE products (
    id       INTEGER PRIMARY KEY,
    sku      TEXT NOT NULL UNIQUE,
    version  INTEGER NOT NULL,      -- bumped by every change (optimistic concurrency)
    next_seq INTEGER NOT NULL       -- the product's seq counter (product.h)
);

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id),
    sku        TEXT NOT NULL,       -- copy of products.sku, for the read model
    ref        TEXT NOT NULL UNIQUE,
    qty        INTEGER NOT NULL CHECK (qty >= 0),
    eta        INTEGER NOT NULL,
    seq        INTEGER NOT NULL     -- creation order within the product
);
CREATE INDEX batches_by_preference ON batches (sku, eta, seq);

-- One b-tree keyed by the line's identity (no rowid table beside a unique index):
-- every commit writes as few pages as it can.
CREATE TABLE lines (
    orderid    TEXT NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    qty        INTEGER NOT NULL CHECK (qty > 0),
    seq        INTEGER NOT NULL,    -- the moment of first request, within the product
    batch_id   INTEGER REFERENCES batches (id), -- NULL: a backorder
    req        INTEGER NOT NULL,    -- the moment of first request across SKUs: the id
                                    -- of the event that recorded it
    PRIMARY KEY (orderid, product_id)
) WITHOUT ROWID;
-- Covering for loading a product and for a batch's allocated qty and line count.
CREATE INDEX lines_by_batch ON lines (batch_id, seq, qty) WHERE batch_id IS NOT NULL;
CREATE INDEX backorders_by_product ON lines (product_id, seq) WHERE batch_id IS NULL;

CREATE TABLE events (
    id       INTEGER PRIMARY KEY,   -- monotonic
    at       INTEGER NOT NULL,      -- seconds since 1970-01-01 UTC
    type     TEXT NOT NULL,         -- SPEC name: Allocated, Reallocated, ...
    sku      TEXT,
    orderid  TEXT,
    batchref TEXT,                  -- the batch; for Reallocated the one it left
    to_ref   TEXT,                  -- Reallocated: the batch it moved to
    qty      INTEGER,
    old_qty  INTEGER,
    new_qty  INTEGER,
    eta      INTEGER,               -- days; NULL = none
    old_eta  INTEGER,
    new_eta  INTEGER
);
