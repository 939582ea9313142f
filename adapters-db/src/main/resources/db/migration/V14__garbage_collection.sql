-- Online garbage collection (deploy/docs/garbage-collection.md): review queues in the GitLab style.
--
-- Triggers queue what a change may have left unreferenced, in the transaction of the change: they see
-- every way a row goes, ON DELETE CASCADE included (a repository's links and manifests, a manifest's
-- tags and layer rows), which store code could miss. A queue entry is a reason to look, never a
-- verdict: the review decides under a row lock whether anything still references it. Every change
-- that could make content wanted again (a link, a push) re-queues it with a new time, so that the
-- review delay (gc.reviewafter) counts from the last use.

CREATE TABLE gc_blob_review (
    digest    TEXT        PRIMARY KEY,
    queued_at TIMESTAMPTZ NOT NULL,
    reason    TEXT        NOT NULL
);
CREATE INDEX gc_blob_review_due ON gc_blob_review (queued_at);

-- No foreign key: a repository's deletion queues its manifests' referrers while they go too; the
-- review then finds nothing and drops the entry.
CREATE TABLE gc_manifest_review (
    repository_id BIGINT      NOT NULL,
    digest        TEXT        NOT NULL,
    queued_at     TIMESTAMPTZ NOT NULL,
    reason        TEXT        NOT NULL,
    PRIMARY KEY (repository_id, digest)
);
CREATE INDEX gc_manifest_review_due ON gc_manifest_review (queued_at);

-- Content whose blob row garbage collection removed (or that no row ever recorded: an orphan), until
-- its bytes are deleted; kept a day after that, so that an upload completing for the same digest
-- learns that the bytes it found in storage may be gone (see CompleteBlobUpload).
CREATE TABLE gc_blob_deletion (
    digest           TEXT        PRIMARY KEY,
    size             BIGINT      NOT NULL,
    reason           TEXT        NOT NULL,
    condemned_at     TIMESTAMPTZ NOT NULL,
    bytes_deleted_at TIMESTAMPTZ
);
CREATE INDEX gc_blob_deletion_pending ON gc_blob_deletion (condemned_at) WHERE bytes_deleted_at IS NULL;

-- Content found in storage with no blob row: deleted when a sweep still finds it so a grace period later.
CREATE TABLE gc_orphan_candidate (
    digest     TEXT        PRIMARY KEY,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen  TIMESTAMPTZ NOT NULL
);

-- One collector at a time across nodes: a lease that expires if its holder dies.
CREATE TABLE gc_lease (
    id     INTEGER     PRIMARY KEY CHECK (id = 1),
    holder TEXT,
    until  TIMESTAMPTZ
);
INSERT INTO gc_lease (id) VALUES (1);

-- The last runs, for the admin UI and the command's report.
CREATE TABLE gc_run (
    id                BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ NOT NULL,
    started_by        TEXT        NOT NULL,
    dry_run           BOOLEAN     NOT NULL,
    blobs_reviewed    BIGINT      NOT NULL,
    blobs_freed       BIGINT      NOT NULL,
    bytes_freed       BIGINT      NOT NULL,
    manifests_freed   BIGINT      NOT NULL,
    orphans_freed     BIGINT      NOT NULL,
    orphan_bytes      BIGINT      NOT NULL,
    skipped           TEXT
);

CREATE FUNCTION gc_queue_blob(queued TEXT, why TEXT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO gc_blob_review (digest, queued_at, reason) VALUES (queued, now(), why)
    ON CONFLICT (digest) DO UPDATE SET queued_at = EXCLUDED.queued_at, reason = EXCLUDED.reason
$$;

CREATE FUNCTION gc_queue_manifest(repository BIGINT, queued TEXT, why TEXT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO gc_manifest_review (repository_id, digest, queued_at, reason) VALUES (repository, queued, now(), why)
    ON CONFLICT (repository_id, digest) DO UPDATE SET queued_at = EXCLUDED.queued_at, reason = EXCLUDED.reason
$$;

-- A link is queued too: content uploaded and never referenced by a manifest is garbage once the delay is over.
CREATE FUNCTION gc_queue_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM gc_queue_blob(NEW.digest, 'uploaded or mounted, not yet referenced');
    ELSE
        PERFORM gc_queue_blob(OLD.digest, 'unlinked');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER gc_link AFTER INSERT OR DELETE ON repository_blob FOR EACH ROW EXECUTE FUNCTION gc_queue_link();

CREATE FUNCTION gc_queue_layer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gc_queue_blob(OLD.digest, 'manifest deleted');
    RETURN NULL;
END $$;
CREATE TRIGGER gc_layer AFTER DELETE ON manifest_blob FOR EACH ROW EXECUTE FUNCTION gc_queue_layer();

CREATE FUNCTION gc_queue_tagged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM gc_queue_manifest(OLD.repository_id, OLD.manifest_digest, 'tag deleted');
    ELSIF OLD.manifest_digest <> NEW.manifest_digest THEN
        PERFORM gc_queue_manifest(OLD.repository_id, OLD.manifest_digest, 'tag moved');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER gc_tag AFTER UPDATE OR DELETE ON tag FOR EACH ROW EXECUTE FUNCTION gc_queue_tagged();

CREATE FUNCTION gc_queue_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gc_queue_manifest(OLD.repository_id, OLD.digest, 'index deleted');
    RETURN NULL;
END $$;
CREATE TRIGGER gc_child AFTER DELETE ON manifest_child FOR EACH ROW EXECUTE FUNCTION gc_queue_child();

-- A new manifest is queued (pushed untagged, it is garbage under --delete-untagged once the delay is
-- over); a deleted one queues the referrers whose subject it was.
CREATE FUNCTION gc_queue_pushed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM gc_queue_manifest(NEW.repository_id, NEW.digest, 'pushed');
    ELSE
        INSERT INTO gc_manifest_review (repository_id, digest, queued_at, reason)
        SELECT m.repository_id, m.digest, now(), 'subject deleted' FROM manifest m
        WHERE m.repository_id = OLD.repository_id AND m.subject = OLD.digest
        ON CONFLICT (repository_id, digest) DO UPDATE SET queued_at = EXCLUDED.queued_at, reason = EXCLUDED.reason;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER gc_manifest AFTER INSERT OR DELETE ON manifest FOR EACH ROW EXECUTE FUNCTION gc_queue_pushed();

-- What was stored before this version is reviewed once, so that garbage left earlier is found too.
INSERT INTO gc_blob_review (digest, queued_at, reason) SELECT digest, now(), 'stored before garbage collection' FROM blob;
INSERT INTO gc_manifest_review (repository_id, digest, queued_at, reason)
SELECT repository_id, digest, now(), 'stored before garbage collection' FROM manifest;
