-- Working calendars: hours per weekday (JSON), the org unit a calendar applies to (its
-- subtree inherits it), and per-date exceptions: holidays and make-up working days.
CREATE TABLE calendars (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  hours_json TEXT NOT NULL,
  unit_id INTEGER UNIQUE,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX calendars_one_default ON calendars (is_default) WHERE is_default = 1;

CREATE TABLE calendar_days (
  calendar_id INTEGER NOT NULL REFERENCES calendars (id),
  day TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  provisional INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (calendar_id, day)
);

-- Shipped data sets applied once each (so an admin's later edits are never overwritten).
CREATE TABLE calendar_seeds (
  name TEXT PRIMARY KEY,
  applied_at INTEGER NOT NULL
);
