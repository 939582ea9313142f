-- Throttled logins are counted in one row per subject and throttling window instead of a row each:
-- recordRepeated finds that row by its key and the window's start.
ALTER TABLE audit_event ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_event ADD COLUMN repeat_key TEXT;
CREATE INDEX audit_event_by_repeat_key ON audit_event (repeat_key, at) WHERE repeat_key IS NOT NULL;
-- Login failures past the throttling window are pruned for every subject at once.
CREATE INDEX login_failure_by_time ON login_failure (failed_at);
