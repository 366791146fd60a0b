-- Audit log: append-only, hash-chained (see platform/audit/audit.cpp).
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id INTEGER,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  unit_path TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT,
  request_id TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
-- The chain's head: its row lock serialises appends and a truncated tail shows.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  last_id INTEGER NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');
-- Transactional outbox of domain events; consumers keep their own position.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  unit_id INTEGER,
  actor_id INTEGER,
  payload TEXT NOT NULL
);
CREATE INDEX events_type ON events (type, id);
CREATE TABLE event_consumers (
  consumer TEXT PRIMARY KEY,
  last_event_id INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
