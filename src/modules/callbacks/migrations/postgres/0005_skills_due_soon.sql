-- The skills a rule requires of the agent who takes its task (comma-separated codes; '' none),
-- and when the "due soon" notice went out to the assignee (NULL: not yet; cleared when the
-- due time moves).
ALTER TABLE callback_tasks ADD COLUMN skills TEXT NOT NULL DEFAULT '';
ALTER TABLE callback_tasks ADD COLUMN due_warned_at BIGINT;
