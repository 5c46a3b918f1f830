-- PostgreSQL schema version 6 (mirrors ../0006_lighter_commits.sql, which makes a
-- SQLite commit write fewer pages).  Nothing changes here: PostgreSQL keeps
-- events_by_command, as its event ids are not commit order (a command's events
-- cannot be found by a binary search over them).  The statement only marks the step.
COMMENT ON INDEX allot.events_by_command IS 'a command''s events (SPEC.md §1.6)';
