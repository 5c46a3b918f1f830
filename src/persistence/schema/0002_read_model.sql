-- Schema version 2: the read model (SPEC.md §2 "Read model / views").
-- Aggregates kept beside the rows by the unit of work at commit, so that every
-- screen is an indexed range scan, and the indexes the screens page on.
ALTER TABLE products ADD COLUMN nbatches  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN qty       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN bo_lines  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN bo_qty    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN next_eta  INTEGER;  -- earliest ETA; NULL = none
ALTER TABLE batches ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN nlines    INTEGER NOT NULL DEFAULT 0;

UPDATE batches SET
    allocated = (SELECT COALESCE(SUM(qty), 0) FROM lines WHERE batch_id = batches.id),
    nlines    = (SELECT COUNT(*) FROM lines WHERE batch_id = batches.id);
UPDATE products SET
    nbatches  = (SELECT COUNT(*) FROM batches WHERE product_id = products.id),
    qty       = (SELECT COALESCE(SUM(qty), 0) FROM batches WHERE product_id = products.id),
    allocated = (SELECT COALESCE(SUM(allocated), 0) FROM batches WHERE product_id = products.id),
    bo_lines  = (SELECT COUNT(*) FROM lines WHERE product_id = products.id AND batch_id IS NULL),
    bo_qty    = (SELECT COALESCE(SUM(qty), 0) FROM lines
                 WHERE product_id = products.id AND batch_id IS NULL),
    next_eta  = (SELECT MIN(eta) FROM batches
                 WHERE product_id = products.id AND eta <> -2147483648);

CREATE INDEX products_backordered ON products (sku) WHERE bo_lines > 0;
CREATE INDEX batches_by_eta ON batches (eta, ref);
CREATE INDEX backorders_oldest ON lines (id) WHERE batch_id IS NULL;
