-- What the admin UI browses: each repository's numbers, kept in its row so that a grid of 100 000
-- repositories sorts by size or last push with an index instead of aggregating every manifest and
-- link; and pushes and pulls per day.
--
-- Triggers keep the numbers, in the transaction of the change: they see every way a row goes,
-- ON DELETE CASCADE included (a manifest's tags, a repository's everything), which store code
-- could miss.

ALTER TABLE repository
    ADD COLUMN tag_count      BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN manifest_count BIGINT NOT NULL DEFAULT 0,
    -- the manifests' payloads
    ADD COLUMN manifest_bytes BIGINT NOT NULL DEFAULT 0,
    -- the distinct blobs linked: a blob shared with other repositories counts in each
    ADD COLUMN blob_bytes     BIGINT NOT NULL DEFAULT 0,
    -- when a manifest was last pushed or a tag last set; it outlives what was pushed
    ADD COLUMN last_push_at   TIMESTAMPTZ;

ALTER TABLE repository ADD COLUMN stored_bytes BIGINT GENERATED ALWAYS AS (blob_bytes + manifest_bytes) STORED;

UPDATE repository r SET
    tag_count      = (SELECT count(*) FROM tag t WHERE t.repository_id = r.id),
    manifest_count = (SELECT count(*) FROM manifest m WHERE m.repository_id = r.id),
    manifest_bytes = (SELECT COALESCE(sum(m.size), 0) FROM manifest m WHERE m.repository_id = r.id),
    blob_bytes     = (SELECT COALESCE(sum(b.size), 0)
                      FROM repository_blob l JOIN blob b ON b.digest = l.digest WHERE l.repository_id = r.id),
    last_push_at   = GREATEST((SELECT max(m.pushed_at) FROM manifest m WHERE m.repository_id = r.id),
                              (SELECT max(t.updated_at) FROM tag t WHERE t.repository_id = r.id));

-- the grid's sorts; ties by name. Never pushed counts as the oldest push.
CREATE INDEX repository_by_last_push ON repository (last_push_at NULLS FIRST, name);
CREATE INDEX repository_by_size ON repository (stored_bytes, name);
-- a repository's tags by when they were set
CREATE INDEX tag_by_time ON tag (repository_id, updated_at, name);

-- When the repository itself is being deleted, these updates find no row and do nothing.
CREATE FUNCTION repository_count_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE repository SET blob_bytes = blob_bytes + (SELECT b.size FROM blob b WHERE b.digest = NEW.digest)
        WHERE id = NEW.repository_id;
    ELSE
        UPDATE repository SET blob_bytes = blob_bytes - (SELECT b.size FROM blob b WHERE b.digest = OLD.digest)
        WHERE id = OLD.repository_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER repository_blob_counts AFTER INSERT OR DELETE ON repository_blob
    FOR EACH ROW EXECUTE FUNCTION repository_count_link();

CREATE FUNCTION repository_count_manifest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE repository SET manifest_count = manifest_count + 1, manifest_bytes = manifest_bytes + NEW.size,
                              last_push_at = GREATEST(last_push_at, NEW.pushed_at)
        WHERE id = NEW.repository_id;
    ELSE
        UPDATE repository SET manifest_count = manifest_count - 1, manifest_bytes = manifest_bytes - OLD.size
        WHERE id = OLD.repository_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER manifest_counts AFTER INSERT OR DELETE ON manifest
    FOR EACH ROW EXECUTE FUNCTION repository_count_manifest();

CREATE FUNCTION repository_count_tag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE repository SET tag_count = tag_count + 1, last_push_at = GREATEST(last_push_at, NEW.updated_at)
        WHERE id = NEW.repository_id;
    ELSIF TG_OP = 'UPDATE' THEN
        -- a push that moves or re-sets a tag is a push too
        UPDATE repository SET last_push_at = GREATEST(last_push_at, NEW.updated_at)
        WHERE id = NEW.repository_id;
    ELSE
        UPDATE repository SET tag_count = tag_count - 1 WHERE id = OLD.repository_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tag_counts AFTER INSERT OR UPDATE OR DELETE ON tag
    FOR EACH ROW EXECUTE FUNCTION repository_count_tag();

-- Manifest pushes and pulls per UTC day. Each node counts in memory and adds its counts every few
-- seconds (an upsert), so a pull costs no write of its own.
CREATE TABLE daily_activity (
    day    DATE   NOT NULL,
    -- the event action's wire name: push, pull
    action TEXT   NOT NULL,
    count  BIGINT NOT NULL CHECK (count >= 0),
    PRIMARY KEY (day, action)
);
