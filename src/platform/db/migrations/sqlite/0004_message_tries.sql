-- Tries of a message that the mail server did not take (unreachable, or 4xx before it
-- accepted the end of DATA): each puts it back in the queue with a later send_after, and the
-- last one leaves it failed.
ALTER TABLE messages ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
