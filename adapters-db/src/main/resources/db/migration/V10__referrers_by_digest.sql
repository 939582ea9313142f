-- The referrers API pages in digest order (Link: ...?last=<digest>&n=...): a page is an index range
-- scan from the last digest shown, however many referrers a subject has. Its descriptors come from
-- the manifest's own columns (media_type, artifact_type, size) and its annotations' side table,
-- which every row has had since V2, so nothing needs filling in; only the order changes.
DROP INDEX manifest_by_subject;
CREATE INDEX manifest_by_subject ON manifest (repository_id, subject, digest) WHERE subject IS NOT NULL;
