-- The "due soon" queue walks open tickets by resolution deadline, most urgent first: in each
-- unit path of the caller's scope (unit or responsible unit), or over all of them. The
-- index (state, resolve_due_at) it replaces served it only state by state, kept every
-- closed ticket, and nothing else read it.
DROP INDEX tickets_due;
CREATE INDEX tickets_open_due ON tickets (resolve_due_at, id)
  WHERE state <> 'closed' AND merged_into IS NULL AND resolve_due_at IS NOT NULL;
CREATE INDEX tickets_unit_due ON tickets (unit_path, resolve_due_at, id)
  WHERE state <> 'closed' AND merged_into IS NULL AND resolve_due_at IS NOT NULL;
CREATE INDEX tickets_resp_due ON tickets (resp_unit_path, resolve_due_at, id)
  WHERE state <> 'closed' AND merged_into IS NULL AND resolve_due_at IS NOT NULL;
