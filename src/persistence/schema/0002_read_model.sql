-- Schema version 2: the read model (SPEC.md §2 "Read model / views").
-- Per-product aggregates kept in the product row (which every commit writes anyway
-- for its version check), and the indexes the screens page on.  A batch's allocated
-- qty and line count are read from lines_by_batch, not stored, so that moving a
-- line does not rewrite its batch.
ALTER TABLE products ADD COLUMN nbatches  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN qty       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN bo_lines  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN bo_qty    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN next_eta  INTEGER;  -- earliest ETA; NULL = none

UPDATE products SET
    nbatches  = (SELECT COUNT(*) FROM batches WHERE product_id = products.id),
    qty       = (SELECT COALESCE(SUM(qty), 0) FROM batches WHERE product_id = products.id),
    allocated = (SELECT COALESCE(SUM(qty), 0) FROM lines
                 WHERE product_id = products.id AND batch_id IS NOT NULL),
    bo_lines  = (SELECT COUNT(*) FROM lines WHERE product_id = products.id AND batch_id IS NULL),
    bo_qty    = (SELECT COALESCE(SUM(qty), 0) FROM lines
                 WHERE product_id = products.id AND batch_id IS NULL),
    next_eta  = (SELECT MIN(eta) FROM batches
                 WHERE product_id = products.id AND eta <> -2147483648);

CREATE INDEX products_backordered ON products (sku) WHERE bo_lines > 0;
CREATE INDEX batches_by_eta ON batches (eta, ref);
CREATE INDEX backorders_oldest ON lines (req) WHERE batch_id IS NULL;
