-- Saved views of the ticket queues: a queue and its filters under a name, kept on the server
-- so they follow the person to any browser; a supervisor may share one with their unit's
-- subtree (shared_unit_path set), which everyone there sees beside their own.
CREATE TABLE ticket_views (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  filters TEXT NOT NULL,
  shared_unit_id INTEGER,
  shared_unit_path TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (owner_id, name)
);
CREATE INDEX ticket_views_shared ON ticket_views (shared_unit_path) WHERE shared_unit_path IS NOT NULL;
