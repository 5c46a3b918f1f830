-- PostgreSQL schema version 2 (mirrors ../0002_read_model.sql): the read model's
-- per-product aggregates, kept in the product row that every commit writes anyway
-- for its version check, and the indexes the screens page on.
ALTER TABLE allot.products
    ADD COLUMN nbatches  bigint NOT NULL DEFAULT 0,
    ADD COLUMN qty       bigint NOT NULL DEFAULT 0,
    ADD COLUMN allocated bigint NOT NULL DEFAULT 0,
    ADD COLUMN bo_lines  bigint NOT NULL DEFAULT 0,
    ADD COLUMN bo_qty    bigint NOT NULL DEFAULT 0,
    ADD COLUMN next_eta  integer;   -- earliest ETA; NULL = none

UPDATE allot.products p SET
    nbatches  = (SELECT count(*) FROM allot.batches WHERE product_id = p.id),
    qty       = (SELECT coalesce(sum(qty), 0) FROM allot.batches WHERE product_id = p.id),
    allocated = (SELECT coalesce(sum(qty), 0) FROM allot.lines
                 WHERE product_id = p.id AND batch_id IS NOT NULL),
    bo_lines  = (SELECT count(*) FROM allot.lines WHERE product_id = p.id AND batch_id IS NULL),
    bo_qty    = (SELECT coalesce(sum(qty), 0) FROM allot.lines
                 WHERE product_id = p.id AND batch_id IS NULL),
    next_eta  = (SELECT min(eta) FROM allot.batches
                 WHERE product_id = p.id AND eta <> -2147483648);

CREATE INDEX products_backordered ON allot.products (sku) WHERE bo_lines > 0;
CREATE INDEX batches_by_eta ON allot.batches (eta, ref);
CREATE INDEX backorders_oldest ON allot.lines (req) WHERE batch_id IS NULL;
