-- Secrets shared by every node (the key that signs survey links), made once.
CREATE TABLE app_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- Messages to customers and staff (SMS, email): queued in the transaction that decided to
-- send them, sent at most once by a sender thread (queued → sending → sent | failed). A
-- message whose send_after lies ahead (a customer's quiet hours) is held until then.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  ref TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  send_after INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  error TEXT NOT NULL DEFAULT '',
  claimed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_due ON messages (state, send_after);
CREATE INDEX messages_ref ON messages (ref);
