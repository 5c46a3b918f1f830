-- PostgreSQL schema version 7 (mirrors ../0007_late_lines.sql): the indexes the
-- late lines are read from (SPEC.md §1.4, §5; docs/storage.md "late lines").
CREATE INDEX lines_need_by_batch ON allot.lines (batch_id, need)
    WHERE batch_id IS NOT NULL AND need IS NOT NULL;
CREATE INDEX backorders_by_need ON allot.lines (need)
    WHERE batch_id IS NULL AND need IS NOT NULL;
