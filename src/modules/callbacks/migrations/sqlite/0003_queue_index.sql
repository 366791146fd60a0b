-- An agent's own queue reads only this index: the count and the page's order need no row of
-- the table (the page's 50 rows are then read by id). It replaces the narrower queue index.
DROP INDEX callback_tasks_queue;
CREATE INDEX callback_tasks_mine ON callback_tasks (assignee_id, state, offer_at, next_try_at, due_at, priority);
