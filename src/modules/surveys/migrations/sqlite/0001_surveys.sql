-- Questionnaires: the row holds the code and the current version; each save adds a version
-- whose definition (dimensions, questions, skip logic, script) is JSON text. Answers keep
-- the version they were given with.
CREATE TABLE questionnaires (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  channel TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE questionnaire_versions (
  questionnaire_id INTEGER NOT NULL REFERENCES questionnaires (id),
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by INTEGER,
  PRIMARY KEY (questionnaire_id, version)
);

-- One answer per source record (a callback task, ...): a second one is refused.
CREATE TABLE survey_answers (
  id INTEGER PRIMARY KEY,
  questionnaire_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  source TEXT NOT NULL,
  source_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  unit_id INTEGER NOT NULL,
  unit_path TEXT NOT NULL,
  agent_id INTEGER,
  staff_id INTEGER,
  answered_at INTEGER NOT NULL,
  overall REAL,
  satisfied INTEGER NOT NULL,
  hotline_told INTEGER,
  fault_fixed INTEGER,
  complaint_text TEXT NOT NULL DEFAULT '',
  answers_json TEXT NOT NULL,
  dissatisfied_json TEXT NOT NULL,
  UNIQUE (source, source_id),
  FOREIGN KEY (questionnaire_id, version) REFERENCES questionnaire_versions (questionnaire_id, version)
);
CREATE INDEX survey_answers_by_questionnaire ON survey_answers (questionnaire_id, answered_at);
CREATE INDEX survey_answers_by_customer ON survey_answers (customer_id, answered_at);

CREATE TABLE survey_answer_dimensions (
  answer_id INTEGER NOT NULL REFERENCES survey_answers (id),
  dimension TEXT NOT NULL,
  index_value REAL NOT NULL,
  PRIMARY KEY (answer_id, dimension)
);

-- Daily roll-ups, upserted with each answer (day = local date in the company's zone; agent
-- and staff 0 = none). dimension: a dimension code, "overall", "#answers" (n answers, total
-- satisfied), "#hotline_told" and "#fault_fixed" (n asked, total yes). Reports read these.
CREATE TABLE survey_daily (
  day TEXT NOT NULL,
  questionnaire_id INTEGER NOT NULL,
  unit_id INTEGER NOT NULL,
  agent_id INTEGER NOT NULL,
  staff_id INTEGER NOT NULL,
  dimension TEXT NOT NULL,
  unit_path TEXT NOT NULL,
  n INTEGER NOT NULL,
  total REAL NOT NULL,
  PRIMARY KEY (questionnaire_id, day, unit_id, agent_id, staff_id, dimension)
);

-- The region's and the nation's figures per questionnaire, dimension ("overall") and month.
CREATE TABLE survey_benchmarks (
  questionnaire_code TEXT NOT NULL,
  dimension TEXT NOT NULL,
  period TEXT NOT NULL,
  level TEXT NOT NULL,
  value REAL NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by INTEGER,
  PRIMARY KEY (questionnaire_code, dimension, period, level)
);

-- Shipped questionnaires created once each (an admin's later edits are never overwritten).
CREATE TABLE survey_presets (
  code TEXT PRIMARY KEY,
  applied_at INTEGER NOT NULL
);
