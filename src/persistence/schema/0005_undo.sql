-- Schema version 5: undo (SPEC.md §1.6).  The events of an Undo name the command
-- they undo; 0 for every other event.
ALTER TABLE events ADD COLUMN undoes INTEGER NOT NULL DEFAULT 0;
