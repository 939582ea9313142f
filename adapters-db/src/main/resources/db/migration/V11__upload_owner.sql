-- Who started an upload (issue 12): only they may continue, read or cancel it. Empty: anybody with
-- push on the repository (uploads started anonymously in open mode, and those from before V11).
ALTER TABLE upload_session ADD COLUMN started_by TEXT NOT NULL DEFAULT '';
-- "how many uploads has this user in progress": the bound on one user's concurrent uploads
CREATE INDEX upload_session_by_starter ON upload_session (started_by, updated_at) WHERE started_by <> '';
