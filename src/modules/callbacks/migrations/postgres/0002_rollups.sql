-- Open callbacks per agent, kept with every change of a task, so a balanced assignment reads
-- a handful of rows instead of counting every open task.
CREATE TABLE callback_agent_load (
  agent_id BIGINT PRIMARY KEY,
  open_tasks BIGINT NOT NULL
);

-- The KPIs' daily roll-up: each task counts on the local day it is due, for its unit, its
-- agent and its questionnaire's channel; every change of a task moves its contribution, so a
-- dashboard over millions of tasks reads a few thousand rows.
CREATE TABLE callback_daily (
  day BIGINT NOT NULL,
  unit_id BIGINT NOT NULL,
  unit_path TEXT NOT NULL,
  agent_id BIGINT NOT NULL,
  q_channel TEXT NOT NULL,
  due BIGINT NOT NULL DEFAULT 0,
  done BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  first_call BIGINT NOT NULL DEFAULT 0,
  attempts BIGINT NOT NULL DEFAULT 0,
  attempted BIGINT NOT NULL DEFAULT 0,
  answered BIGINT NOT NULL DEFAULT 0,
  satisfied BIGINT NOT NULL DEFAULT 0,
  hotline_asked BIGINT NOT NULL DEFAULT 0,
  hotline_told BIGINT NOT NULL DEFAULT 0,
  fault_asked BIGINT NOT NULL DEFAULT 0,
  fault_fixed BIGINT NOT NULL DEFAULT 0,
  dissatisfied_tasks BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, unit_id, agent_id, q_channel)
);
CREATE INDEX callback_daily_path ON callback_daily (unit_path, day);

CREATE INDEX callback_tasks_with_tickets ON callback_tasks (due_at) WHERE ticket_ids <> '[]';
