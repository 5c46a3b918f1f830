-- Schema version 6: fewer pages per commit (issue 15).  The events of a command are
-- found without an index: command ids never go down along event ids (a SQLite
-- store's commands take their ids and append their events one at a time, under the
-- write lock), so a binary search over the log's ids finds a command's range
-- (sqlite_command_event_range).  The index cost every commit a page.
DROP INDEX IF EXISTS events_by_command;
