CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  gender TEXT NOT NULL DEFAULT 'unknown',
  birthday TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  unit_id INTEGER NOT NULL,
  unit_path TEXT NOT NULL,
  owner_id INTEGER,
  tags TEXT NOT NULL DEFAULT '[]',
  may_call INTEGER NOT NULL DEFAULT 1,
  may_text INTEGER NOT NULL DEFAULT 1,
  quiet_start TEXT NOT NULL DEFAULT '',
  quiet_end TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  completeness INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX customers_unit ON customers (unit_path, id);
CREATE INDEX customers_owner ON customers (owner_id);

CREATE TABLE customer_phones (
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  number TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  is_primary INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (customer_id, number)
);
CREATE INDEX customer_phones_number ON customer_phones (number);

CREATE TABLE asset_types (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  fields TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
);

CREATE TABLE assets (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  type TEXT NOT NULL REFERENCES asset_types (code),
  label TEXT NOT NULL,
  attrs TEXT NOT NULL,
  plate TEXT NOT NULL DEFAULT '',
  vin TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX assets_customer ON assets (customer_id);
CREATE INDEX assets_plate ON assets (plate);
CREATE INDEX assets_vin ON assets (vin);

CREATE TABLE customer_events (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  kind TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  unit_id INTEGER NOT NULL,
  staff_id INTEGER,
  amount_fen INTEGER NOT NULL DEFAULT 0,
  asset_id INTEGER REFERENCES assets (id),
  attrs TEXT NOT NULL DEFAULT '{}',
  external_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX customer_events_customer ON customer_events (customer_id, occurred_at);
CREATE UNIQUE INDEX customer_events_external ON customer_events (external_id);

-- Full-text search: tokens from platform/search/tokenizer (CJK bigrams, digit windows).
CREATE VIRTUAL TABLE customer_fts USING fts5 (tokens, tokenize = 'unicode61 remove_diacritics 0');
