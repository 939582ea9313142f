-- Who started an upload (issue 12): only they may continue, read or cancel it. Empty: anybody with
-- push on the repository (uploads started anonymously in open mode, and those from before V11).
ALTER TABLE upload_session ADD COLUMN started_by TEXT NOT NULL DEFAULT '';
