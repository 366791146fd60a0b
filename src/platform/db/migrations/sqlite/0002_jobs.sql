-- Durable jobs (platform/jobs): one row per (kind, key); a handler's effects and the row's
-- "done" commit in one transaction (the single writer serialises claims).
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  run_at INTEGER NOT NULL,
  payload_json TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  last_error TEXT,
  locked_by TEXT,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  done_at INTEGER,
  UNIQUE (kind, key)
);
-- locked_by: the node (hostname:pid) that last ran the job; locked_until: reserved for
-- leases (today a claim is a row lock held by the running transaction).
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'pending';
-- Outbox consumers (platform/events/consumer). The single writer makes ids commit-ordered,
-- so txid stays 0 here; the column exists for schema parity with PostgreSQL.
ALTER TABLE events ADD COLUMN txid INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_txid ON events (txid, id);
DROP TABLE event_consumers;
CREATE TABLE outbox_cursors (
  name TEXT PRIMARY KEY,
  last_txid INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  retry_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
