-- Schema version 7: the indexes the late lines are read from (SPEC.md §1.4, §5
-- Triage "late lines", worst first; docs/storage.md "late lines").  Days late are
-- worked out for the day asked, never stored; within one batch (or among the
-- backorders) the need date orders its lines by days late, so a page is a seek per
-- batch and a range of need dates.
CREATE INDEX lines_need_by_batch ON lines (batch_id, need)
    WHERE batch_id IS NOT NULL AND need IS NOT NULL;
CREATE INDEX backorders_by_need ON lines (need) WHERE batch_id IS NULL AND need IS NOT NULL;
