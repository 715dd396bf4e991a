-- Idempotency-Key (API.md "HTTP extras"): the first response to a POST,
-- kept 24 h per caller (scope: "u:<user id>", or "a:<client address>" for
-- registration) so a retry gets it again, on whichever node. state is
-- 'running' while the first request is served (a second one meanwhile is
-- told 409), then 'done' with the response. request_hash tells a retry
-- (same method, path and body) from a reuse of the key (422).
CREATE TABLE idempotency_keys (
    id           INTEGER PRIMARY KEY,
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state        TEXT NOT NULL,
    status       INTEGER,
    body         TEXT,
    location     TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (scope, key)
);
-- the purge deletes the oldest rows a batch at a time
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
