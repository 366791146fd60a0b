-- Rules: events → work. A rule's definition (trigger, conditions, delay, due, action) is
-- JSON text; each save is a new version, kept, so work created by a rule names the version
-- that created it.
CREATE TABLE rules (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  unit_id INTEGER NOT NULL,
  unit_path TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL,
  trigger_key TEXT NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX rules_trigger ON rules (trigger_key, active);

CREATE TABLE rule_versions (
  rule_id INTEGER NOT NULL REFERENCES rules (id),
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  active INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by INTEGER,
  PRIMARY KEY (rule_id, version)
);

-- What a rule did with an event (or a date): one row per rule and event, so live delivery,
-- back-fills and two nodes never act twice.
CREATE TABLE rule_firings (
  id INTEGER PRIMARY KEY,
  rule_id INTEGER NOT NULL REFERENCES rules (id),
  version INTEGER NOT NULL,
  dedupe_key TEXT NOT NULL UNIQUE,
  event_id INTEGER,
  customer_id INTEGER,
  fired_at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  ref TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rule_firings_rule ON rule_firings (rule_id, id);
