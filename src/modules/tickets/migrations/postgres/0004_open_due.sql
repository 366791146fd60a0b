-- The "due soon" queue walks open tickets by resolution deadline, most urgent first. The
-- index (state, resolve_due_at) it replaces served it only state by state, kept every
-- closed ticket, and nothing else read it. (SQLite also has one per unit path column, for
-- its per-path walk; PostgreSQL's planner has statistics to choose with instead.)
DROP INDEX tickets_due;
CREATE INDEX tickets_open_due ON tickets (resolve_due_at, id)
  WHERE state <> 'closed' AND merged_into IS NULL AND resolve_due_at IS NOT NULL;
