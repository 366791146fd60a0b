CREATE TABLE ticket_categories (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  parent_id INTEGER REFERENCES ticket_categories (id),
  path TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (kind, code)
);

CREATE TABLE ticket_root_causes (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
);

CREATE TABLE ticket_sla_policies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT,
  severity TEXT,
  channel TEXT,
  category_id INTEGER REFERENCES ticket_categories (id),
  respond_minutes INTEGER NOT NULL,
  resolve_minutes INTEGER NOT NULL,
  same_day INTEGER NOT NULL DEFAULT 0,
  warn_percent INTEGER NOT NULL DEFAULT 80,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE ticket_counters (
  series TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL
);

CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  channel TEXT NOT NULL,
  category_id INTEGER REFERENCES ticket_categories (id),
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  resolution TEXT NOT NULL DEFAULT '',
  customer_id INTEGER,
  asset_id INTEGER,
  contact_name TEXT NOT NULL DEFAULT '',
  contact_phone TEXT NOT NULL DEFAULT '',
  unit_id INTEGER NOT NULL,
  unit_path TEXT NOT NULL,
  resp_unit_id INTEGER,
  resp_unit_path TEXT NOT NULL DEFAULT '',
  assignee_id INTEGER,
  subject TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]',
  root_cause_id INTEGER REFERENCES ticket_root_causes (id),
  findings TEXT NOT NULL DEFAULT '',
  responsible_staff_id INTEGER,
  solutions TEXT NOT NULL DEFAULT '[]',
  approved_solution INTEGER,
  implementation TEXT NOT NULL DEFAULT '',
  verify_failures INTEGER NOT NULL DEFAULT 0,
  escalation INTEGER NOT NULL DEFAULT 0,
  sla_policy_id INTEGER,
  paused_at INTEGER,
  paused_ms INTEGER NOT NULL DEFAULT 0,
  respond_due_at INTEGER,
  responded_at INTEGER,
  resolve_due_at INTEGER,
  manager_due_at INTEGER,
  warn_at INTEGER,
  deadline_round INTEGER NOT NULL DEFAULT 0,
  breached INTEGER NOT NULL DEFAULT 0,
  asked_fen INTEGER NOT NULL DEFAULT 0,
  paid_fen INTEGER NOT NULL DEFAULT 0,
  merged_into INTEGER,
  created_by INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  closed_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1
);
-- Live (unmerged) tickets of a subtree, newest first: lists of small units.
CREATE INDEX tickets_unit ON tickets (unit_path, id) WHERE merged_into IS NULL;
CREATE INDEX tickets_resp ON tickets (resp_unit_path, id) WHERE merged_into IS NULL;
CREATE INDEX tickets_assignee ON tickets (assignee_id, state);
CREATE INDEX tickets_customer ON tickets (customer_id, id);
CREATE INDEX tickets_due ON tickets (state, resolve_due_at);
CREATE INDEX tickets_created ON tickets (created_at);

CREATE TABLE ticket_steps (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor_id INTEGER,
  actor_name TEXT NOT NULL,
  at INTEGER NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX ticket_steps_ticket ON ticket_steps (ticket_id, id);

CREATE TABLE ticket_comments (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  visibility TEXT NOT NULL,
  author_id INTEGER,
  author_name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_comments_ticket ON ticket_comments (ticket_id, id);

CREATE TABLE ticket_links (
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  other_id INTEGER NOT NULL REFERENCES tickets (id),
  kind TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, other_id)
);

CREATE TABLE ticket_sanctions (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  kind TEXT NOT NULL,
  user_id INTEGER,
  unit_id INTEGER NOT NULL,
  unit_path TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  reason TEXT NOT NULL,
  month TEXT NOT NULL,
  state TEXT NOT NULL,
  proposed_by INTEGER,
  decided_by INTEGER,
  created_at INTEGER NOT NULL,
  decided_at INTEGER
);
CREATE INDEX ticket_sanctions_month ON ticket_sanctions (month, user_id);

CREATE TABLE ticket_attachments (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id, id);

-- Full-text search over number, subject, description, caller and tags (tokens from
-- platform/search/tokenizer, as for customers).
CREATE VIRTUAL TABLE ticket_fts USING fts5 (tokens, tokenize = 'unicode61 remove_diacritics 0');
