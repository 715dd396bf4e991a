-- Rows that expired are deleted a batch at a time on logins, registrations
-- and refreshes (pamps_throttle_purge): these indexes find the oldest ones
-- without reading the tables.
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
CREATE INDEX login_failures_time ON login_failures (failed_at);
