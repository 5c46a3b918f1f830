-- PostgreSQL schema version 3 (mirrors ../0003_needs_provenance.sql): need dates
-- and moments of first request of order lines (SPEC.md §1.4, §4 "requested"), and
-- the provenance of events (§1.6).  Dates are days since 1970-01-01; NULL = none.
ALTER TABLE allot.lines ADD COLUMN need integer;
-- lines.req is the line's `requested` value: the id of the command that requested
-- it, or the value restored by an import.  Command ids come from a sequence that
-- starts above every stored req and event id, so that a new request is newer than
-- every stored one (SQLite keeps the same counter in a row of `counters`).
CREATE SEQUENCE allot.command_ids AS bigint MINVALUE 1;
SELECT setval('allot.command_ids',
    1 + greatest((SELECT coalesce(max(req), 0) FROM allot.lines),
                 (SELECT coalesce(max(id), 0) FROM allot.events)), false);

ALTER TABLE allot.events
    ADD COLUMN need integer,            -- line events: the line's need date
    ADD COLUMN requested bigint,        -- line events: its moment of first request
    ADD COLUMN seq bigint,              -- line: its seq; batch: its creation order
    ADD COLUMN new_line boolean NOT NULL DEFAULT false, -- the event created the line
    -- the command that raised the event, and who sent it; 0 and '' for events
    -- logged before provenance was recorded
    ADD COLUMN command_id bigint NOT NULL DEFAULT 0,
    ADD COLUMN actor text COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX events_by_command ON allot.events (command_id) WHERE command_id > 0;
