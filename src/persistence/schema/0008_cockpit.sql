-- Schema version 8: the orders and counts of the planner's screens (issue 13,
-- docs/tui.md "Sorting" and "Counts").  Each index serves one order of a list
-- spec (app/view_specs.c) in both directions by keyset, or a header count, and is
-- written only when the columns it holds change: none of them holds a product's
-- allocated sum or a line's batch, which every allocation rewrites.
CREATE INDEX products_by_batches ON products (nbatches, sku);
CREATE INDEX products_by_qty ON products (qty, sku);
CREATE INDEX products_by_backorders ON products (bo_lines, sku);
CREATE INDEX products_by_backorder_qty ON products (bo_qty, sku);
CREATE INDEX products_by_next_eta ON products (COALESCE(next_eta, -2147483648), sku);
CREATE INDEX batches_by_qty ON batches (qty, ref);
CREATE INDEX backorders_by_orderid ON lines (orderid, product_id) WHERE batch_id IS NULL;
CREATE INDEX backorders_by_qty ON lines (qty, orderid, product_id) WHERE batch_id IS NULL;
-- the late lines of the header: need dates before today, and from today on
CREATE INDEX lines_by_need ON lines (need) WHERE need IS NOT NULL;
