-- PostgreSQL schema version 5 (mirrors ../0005_undo.sql): undo (SPEC.md §1.6).  The
-- events of an Undo name the command they undo; 0 for every other event.
ALTER TABLE allot.events ADD COLUMN undoes bigint NOT NULL DEFAULT 0;
