-- Classification and lifecycle: the admin's rules (one JSON definition per version) and the
-- class each customer is in. A customer with no row is in the classification's "blank" class
-- (the class of an empty history), so new and imported customers cost nothing here.
CREATE TABLE customer_classifications (
  code TEXT PRIMARY KEY,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE customer_classification_versions (
  code TEXT NOT NULL,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  saved_by INTEGER,
  saved_at INTEGER NOT NULL,
  PRIMARY KEY (code, version)
);

CREATE TABLE customer_classes (
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  classification TEXT NOT NULL,
  class_code TEXT NOT NULL,
  since INTEGER NOT NULL,
  PRIMARY KEY (customer_id, classification)
);
-- The list filtered by a class walks this index newest first.
CREATE INDEX customer_classes_class ON customer_classes (classification, class_code, customer_id);

-- Recomputations (nightly, after a rule changed, on request): progress and a resumable
-- cursor, advanced in the same transaction as the batch it covers.
CREATE TABLE classification_runs (
  id INTEGER PRIMARY KEY,
  reason TEXT NOT NULL,
  classification TEXT NOT NULL DEFAULT '',
  only_history INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0,
  after_id INTEGER NOT NULL DEFAULT 0,
  requested_by INTEGER,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
);
