-- Callback tasks: one per event and customer (dedupe_key), with the questionnaire version
-- they were given, the assignee, attempts and the results of the answer that closed them.
CREATE TABLE callback_tasks (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  rule_id INTEGER,
  rule_version INTEGER NOT NULL DEFAULT 0,
  event_id INTEGER,
  dedupe_key TEXT NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL,
  asset_id INTEGER,
  staff_id INTEGER,
  unit_id INTEGER NOT NULL,
  unit_path TEXT NOT NULL,
  questionnaire_id INTEGER NOT NULL,
  questionnaire_version INTEGER NOT NULL,
  q_channel TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  offer_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  next_try_at INTEGER,
  assignee_id INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  retry_minutes INTEGER NOT NULL,
  last_outcome TEXT NOT NULL DEFAULT '',
  answer_id INTEGER,
  channel TEXT NOT NULL DEFAULT '',
  satisfied INTEGER,
  dissatisfied INTEGER NOT NULL DEFAULT 0,
  hotline_told INTEGER,
  fault_fixed INTEGER,
  ticket_ids TEXT NOT NULL DEFAULT '[]',
  verifies_ticket_id INTEGER,
  done_at INTEGER,
  close_reason TEXT NOT NULL DEFAULT '',
  link_sent_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX callback_tasks_queue ON callback_tasks (assignee_id, state, due_at);
CREATE INDEX callback_tasks_due ON callback_tasks (due_at);
CREATE INDEX callback_tasks_customer ON callback_tasks (customer_id, id);
CREATE INDEX callback_tasks_ticket ON callback_tasks (verifies_ticket_id);

CREATE TABLE callback_attempts (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES callback_tasks (id),
  at INTEGER NOT NULL,
  agent_id INTEGER,
  outcome TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  call_back_at INTEGER,
  override_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX callback_attempts_task ON callback_attempts (task_id, id);
