-- The roll-up also keeps each day, unit and channel summed over every agent (agent_id -1),
-- which is what a dashboard not grouped by agent reads; the rows so far are summed once here.
INSERT INTO callback_daily (day, unit_id, unit_path, agent_id, q_channel, due, done, failed,
  first_call, attempts, attempted, answered, satisfied, hotline_asked, hotline_told, fault_asked,
  fault_fixed, dissatisfied_tasks)
SELECT day, unit_id, MIN(unit_path), -1, q_channel, SUM(due), SUM(done), SUM(failed),
  SUM(first_call), SUM(attempts), SUM(attempted), SUM(answered), SUM(satisfied), SUM(hotline_asked),
  SUM(hotline_told), SUM(fault_asked), SUM(fault_fixed), SUM(dissatisfied_tasks)
FROM callback_daily WHERE agent_id >= 0 GROUP BY day, unit_id, q_channel;
CREATE INDEX callback_daily_agent_day ON callback_daily (agent_id, day);
