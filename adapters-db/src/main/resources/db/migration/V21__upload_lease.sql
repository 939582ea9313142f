-- One writer per upload across nodes (issue 19): a lease in the session row, taken for the length of
-- a PATCH, PUT or DELETE and released at its end; it expires by itself if its node dies mid-chunk.
ALTER TABLE upload_session ADD COLUMN lease_holder TEXT;
ALTER TABLE upload_session ADD COLUMN lease_until TIMESTAMPTZ;
