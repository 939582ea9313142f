-- check --repair: content the metadata records but storage lost. While set, the blob counts as
-- unknown (HEAD and GET answer BLOB_UNKNOWN, manifests cannot reference it, mounts fail), so that
-- clients push it again; recording the blob again clears it. Links and manifests stay.
ALTER TABLE blob ADD COLUMN missing_since TIMESTAMPTZ;
