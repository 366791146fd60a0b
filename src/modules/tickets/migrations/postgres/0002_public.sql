-- The public complaint form: a follow link per ticket and one-time human checks.
ALTER TABLE tickets ADD COLUMN public_token TEXT NOT NULL DEFAULT '';

CREATE TABLE ticket_challenges (
  id TEXT PRIMARY KEY,
  answer TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used BIGINT NOT NULL DEFAULT 0
);
