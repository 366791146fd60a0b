-- Open callbacks per agent, kept with every change of a task, so a balanced assignment reads
-- a handful of rows instead of counting every open task.
CREATE TABLE callback_agent_load (
  agent_id INTEGER PRIMARY KEY,
  open_tasks INTEGER NOT NULL
);

-- The KPIs' daily roll-up: each task counts on the local day it is due, for its unit, its
-- agent and its questionnaire's channel; every change of a task moves its contribution, so a
-- dashboard over millions of tasks reads a few thousand rows.
CREATE TABLE callback_daily (
  day INTEGER NOT NULL,
  unit_id INTEGER NOT NULL,
  unit_path TEXT NOT NULL,
  agent_id INTEGER NOT NULL,
  q_channel TEXT NOT NULL,
  due INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  first_call INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  attempted INTEGER NOT NULL DEFAULT 0,
  answered INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  hotline_asked INTEGER NOT NULL DEFAULT 0,
  hotline_told INTEGER NOT NULL DEFAULT 0,
  fault_asked INTEGER NOT NULL DEFAULT 0,
  fault_fixed INTEGER NOT NULL DEFAULT 0,
  dissatisfied_tasks INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, unit_id, agent_id, q_channel)
);
CREATE INDEX callback_daily_path ON callback_daily (unit_path, day);

CREATE INDEX callback_tasks_with_tickets ON callback_tasks (due_at) WHERE ticket_ids <> '[]';
