-- PostgreSQL schema version 8 (mirrors ../0008_cockpit.sql): the indexes behind
-- the planner's sort orders and header counts (docs/tui.md "Sorting", "Counts").
CREATE INDEX products_by_batches ON allot.products (nbatches, sku);
CREATE INDEX products_by_qty ON allot.products (qty, sku);
CREATE INDEX products_by_backorders ON allot.products (bo_lines, sku);
CREATE INDEX products_by_backorder_qty ON allot.products (bo_qty, sku);
CREATE INDEX products_by_next_eta ON allot.products ((COALESCE(next_eta, -2147483648)), sku);
CREATE INDEX batches_by_qty ON allot.batches (qty, ref);
CREATE INDEX backorders_by_orderid ON allot.lines (orderid, product_id) WHERE batch_id IS NULL;
CREATE INDEX backorders_by_qty ON allot.lines (qty, orderid, product_id) WHERE batch_id IS NULL;
CREATE INDEX lines_by_need ON allot.lines (need) WHERE need IS NOT NULL;
