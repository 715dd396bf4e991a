-- Emails are unique case-insensitively in every script, as department and
-- position names are (002): by a key the module folds itself. Rows that
-- exist get lower(email).
ALTER TABLE users ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
UPDATE users SET email_key = lower(email);
DROP INDEX users_email_lower;
CREATE UNIQUE INDEX users_email_key ON users (email_key);
