-- Schema version 6: fewer pages per commit (issue 15).  The events of a command are
-- found without an index: command ids never go down along event ids (a SQLite
-- store's commands take their ids and append their events one at a time, under the
-- write lock), so a binary search over the log's ids finds a command's range
-- (sqlite_command_event_range).  The index cost every commit a page.
DROP INDEX IF EXISTS events_by_command;
-- lines_by_batch covers loading a product again (schema v3 added need and req to what
-- is loaded: without them in the index every line cost a look-up of its row).
DROP INDEX IF EXISTS lines_by_batch;
CREATE INDEX lines_by_batch ON lines (batch_id, seq, qty, req, need) WHERE batch_id IS NOT NULL;
