-- Storage usage per namespace (a repository name's first path component: team-a of team-a/app,
-- alpine of alpine) and for the whole registry, deduplicated: a blob linked by ten repositories of
-- a namespace counts once for the namespace and once for the registry. Kept by triggers in the
-- transaction of each link, manifest and repository change (as V6 keeps each repository's numbers),
-- so that reading usage is a primary key or index lookup, never an aggregate over links.
--
-- Quotas live in the namespace's usage row: a push takes that row's lock (FOR UPDATE) when the
-- namespace has a quota, checks, and only then stores, so two pushes cannot both slip under it.

-- the namespace a link counts for, kept on the link: when a repository is deleted, its links go by
-- ON DELETE CASCADE after its row, and their triggers must still know the namespace
ALTER TABLE repository_blob ADD COLUMN namespace TEXT COLLATE "C";
UPDATE repository_blob l SET namespace = split_part(r.name, '/', 1) FROM repository r WHERE r.id = l.repository_id;
ALTER TABLE repository_blob ALTER COLUMN namespace SET NOT NULL;

-- in how many namespaces a blob is linked: 0 to 1 and back is when it counts for the registry
ALTER TABLE blob ADD COLUMN namespaces INTEGER NOT NULL DEFAULT 0 CHECK (namespaces >= 0);

-- how many repositories of a namespace link a blob: 0 to 1 and back is when it counts for the namespace
CREATE TABLE namespace_blob (
    namespace TEXT COLLATE "C" NOT NULL,
    digest    TEXT             NOT NULL,
    links     INTEGER          NOT NULL CHECK (links > 0),
    PRIMARY KEY (namespace, digest)
);

CREATE TABLE namespace_usage (
    namespace          TEXT COLLATE "C" PRIMARY KEY,
    repositories       BIGINT NOT NULL DEFAULT 0,
    -- distinct blobs linked by any of its repositories, each once
    blob_count         BIGINT NOT NULL DEFAULT 0,
    blob_bytes         BIGINT NOT NULL DEFAULT 0,
    -- manifest payloads (kept in PostgreSQL, per repository)
    manifest_bytes     BIGINT NOT NULL DEFAULT 0,
    stored_bytes       BIGINT GENERATED ALWAYS AS (blob_bytes + manifest_bytes) STORED,
    -- NULL: no limit
    quota_bytes        BIGINT CHECK (quota_bytes >= 0),
    quota_repositories BIGINT CHECK (quota_repositories >= 0)
);
-- the admin UI's table and chart, and the metrics' top namespaces: largest first with an index
CREATE INDEX namespace_usage_by_size ON namespace_usage (stored_bytes, namespace);

-- one row: distinct blobs linked anywhere. Manifest bytes are the sum over namespaces (few rows).
CREATE TABLE registry_usage (
    singleton  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    blob_count BIGINT  NOT NULL,
    blob_bytes BIGINT  NOT NULL
);

INSERT INTO namespace_blob (namespace, digest, links)
SELECT namespace, digest, count(*) FROM repository_blob GROUP BY namespace, digest;
UPDATE blob b SET namespaces = n.count
FROM (SELECT digest, count(*) AS count FROM namespace_blob GROUP BY digest) n WHERE n.digest = b.digest;
INSERT INTO namespace_usage (namespace, repositories, manifest_bytes)
SELECT split_part(name, '/', 1), count(*), sum(manifest_bytes) FROM repository GROUP BY 1;
UPDATE namespace_usage u SET blob_count = s.count, blob_bytes = s.bytes
FROM (SELECT n.namespace, count(*) AS count, sum(b.size) AS bytes
      FROM namespace_blob n JOIN blob b ON b.digest = n.digest GROUP BY n.namespace) s
WHERE s.namespace = u.namespace;
INSERT INTO registry_usage (blob_count, blob_bytes)
SELECT count(*), COALESCE(sum(size), 0) FROM blob WHERE namespaces > 0;

CREATE FUNCTION repository_blob_namespace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.namespace := (SELECT split_part(r.name, '/', 1) FROM repository r WHERE r.id = NEW.repository_id);
    RETURN NEW;
END $$;

CREATE TRIGGER repository_blob_namespace BEFORE INSERT ON repository_blob
    FOR EACH ROW EXECUTE FUNCTION repository_blob_namespace();

CREATE FUNCTION namespace_count_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    remaining INTEGER;
    blob_size BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO namespace_blob (namespace, digest, links) VALUES (NEW.namespace, NEW.digest, 1)
        ON CONFLICT (namespace, digest) DO UPDATE SET links = namespace_blob.links + 1
        RETURNING links INTO remaining;
        IF remaining = 1 THEN
            -- the blob row's lock orders concurrent first links of the same blob in two namespaces
            UPDATE blob SET namespaces = namespaces + 1 WHERE digest = NEW.digest
            RETURNING namespaces, size INTO remaining, blob_size;
            INSERT INTO namespace_usage (namespace, blob_count, blob_bytes) VALUES (NEW.namespace, 1, blob_size)
            ON CONFLICT (namespace) DO UPDATE SET blob_count = namespace_usage.blob_count + 1,
                                                  blob_bytes = namespace_usage.blob_bytes + blob_size;
            IF remaining = 1 THEN
                UPDATE registry_usage SET blob_count = blob_count + 1, blob_bytes = blob_bytes + blob_size;
            END IF;
        END IF;
    ELSE
        UPDATE namespace_blob SET links = links - 1 WHERE namespace = OLD.namespace AND digest = OLD.digest AND links > 1;
        IF NOT FOUND THEN
            DELETE FROM namespace_blob WHERE namespace = OLD.namespace AND digest = OLD.digest;
            UPDATE blob SET namespaces = namespaces - 1 WHERE digest = OLD.digest
            RETURNING namespaces, size INTO remaining, blob_size;
            UPDATE namespace_usage SET blob_count = blob_count - 1, blob_bytes = blob_bytes - blob_size
            WHERE namespace = OLD.namespace;
            IF remaining = 0 THEN
                UPDATE registry_usage SET blob_count = blob_count - 1, blob_bytes = blob_bytes - blob_size;
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER namespace_link_counts AFTER INSERT OR DELETE ON repository_blob
    FOR EACH ROW EXECUTE FUNCTION namespace_count_link();

-- A repository's manifest_bytes is kept by V6's triggers; its namespace follows every change. When
-- the repository itself is deleted, its manifests go after its row (their updates find no row), so
-- the delete takes what its row held.
CREATE FUNCTION namespace_count_repository() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO namespace_usage (namespace, repositories) VALUES (split_part(NEW.name, '/', 1), 1)
        ON CONFLICT (namespace) DO UPDATE SET repositories = namespace_usage.repositories + 1;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE namespace_usage SET manifest_bytes = manifest_bytes + NEW.manifest_bytes - OLD.manifest_bytes
        WHERE namespace = split_part(NEW.name, '/', 1);
    ELSE
        UPDATE namespace_usage SET repositories = repositories - 1, manifest_bytes = manifest_bytes - OLD.manifest_bytes
        WHERE namespace = split_part(OLD.name, '/', 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER namespace_repository_counts AFTER INSERT OR DELETE ON repository
    FOR EACH ROW EXECUTE FUNCTION namespace_count_repository();
CREATE TRIGGER namespace_manifest_bytes AFTER UPDATE OF manifest_bytes ON repository
    FOR EACH ROW WHEN (OLD.manifest_bytes <> NEW.manifest_bytes) EXECUTE FUNCTION namespace_count_repository();

-- When a tag was last pulled (by tag). Pulls are counted in memory and written in batches, so a
-- pull costs no write of its own; NULL: not pulled since this column exists.
ALTER TABLE tag ADD COLUMN pulled_at TIMESTAMPTZ;

-- Retention: which tags of the repositories a pattern covers are kept; the rest are deleted (their
-- bytes are left to garbage collection). A tag is kept when any rule keeps it.
CREATE TABLE retention_policy (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- a repository pattern as in access grants: team-a/* is every repository below team-a/
    repository_pattern TEXT COLLATE "C" NOT NULL UNIQUE,
    -- the N most recently pushed tags
    keep_last          INTEGER CHECK (keep_last >= 0),
    -- tags whose whole name matches
    keep_matching      TEXT,
    -- tags pulled within so many days
    keep_pulled_days   INTEGER CHECK (keep_pulled_days >= 0),
    created_at         TIMESTAMPTZ NOT NULL
);


-- When the scheduled retention last started, on whichever node: a node claims a run with one
-- conditional UPDATE, so exactly one node runs it per interval.
CREATE TABLE retention_run (
    singleton       BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    last_started_at TIMESTAMPTZ
);
INSERT INTO retention_run (last_started_at) VALUES (NULL);
