-- Consent to email apart from consent to SMS (may_text): a customer may take survey links by
-- email but not by text, or the other way round. Existing customers keep what they had.
ALTER TABLE customers ADD COLUMN may_email BIGINT NOT NULL DEFAULT 1;
