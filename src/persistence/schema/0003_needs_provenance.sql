-- Schema version 3: need dates and moments of first request of order lines
-- (SPEC.md §1.4, §4 "requested"), and the provenance of events (§1.6).
-- Dates are days since 1970-01-01; NULL = none.
ALTER TABLE lines ADD COLUMN need INTEGER;
-- lines.req keeps its meaning (the moment of first request, across SKUs) but is
-- from now on the line's `requested` value: the id of the command that requested
-- it, or the value restored by an import.  Command ids start above every stored
-- req, so that a new request is newer than every stored one.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('next_command_id',
    1 + MAX(COALESCE((SELECT MAX(req) FROM lines), 0), COALESCE((SELECT MAX(id) FROM events), 0)));

ALTER TABLE events ADD COLUMN need INTEGER;            -- line events: the line's need date
ALTER TABLE events ADD COLUMN requested INTEGER;       -- line events: its moment of first request
ALTER TABLE events ADD COLUMN seq INTEGER;             -- line: its seq; batch: its creation order
ALTER TABLE events ADD COLUMN new_line INTEGER NOT NULL DEFAULT 0; -- the event created the line
-- the command that raised the event, and who sent it; 0 and '' for events logged
-- before provenance was recorded
ALTER TABLE events ADD COLUMN command_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN actor TEXT NOT NULL DEFAULT '';
CREATE INDEX events_by_command ON events (command_id) WHERE command_id > 0;
