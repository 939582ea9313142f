-- One lock order for every writing transaction, so that concurrent pushes, deletions and garbage
-- collection wait for each other instead of deadlocking (PostgreSQL then aborts one of them):
--
--   1. the repository's row (its counters: V6);
--   2. rows of single blobs and manifests (blob, namespace_blob, the GC queues);
--   3. at commit, the namespace's and the registry's usage rows (V16).
--
-- (1) The triggers keeping a repository's counters fire first among a table's triggers, which
-- PostgreSQL fires in the alphabetical order of their names; the code locks the row itself where a
-- transaction touches a blob before any of the repository's rows (deploy/docs/garbage-collection.md).
ALTER TRIGGER repository_blob_counts ON repository_blob RENAME TO a_repository_blob_counts;
ALTER TRIGGER manifest_counts ON manifest RENAME TO a_manifest_counts;
ALTER TRIGGER tag_counts ON tag RENAME TO a_tag_counts;

-- (3) Changes of usage are appended here as they happen, which waits for nothing, and added to the
-- usage rows when the transaction commits: every push of a namespace changes its row (and every first
-- push of a blob the registry's), so holding them from the change to the commit made those pushes
-- queue behind each other and meet other locks in any order. A row of this table lives only until its
-- transaction commits; the transaction itself reads its pending changes here (quota checks).
CREATE TABLE usage_change (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL: the registry's row
    namespace      TEXT COLLATE "C",
    repositories   BIGINT NOT NULL DEFAULT 0,
    blob_count     BIGINT NOT NULL DEFAULT 0,
    blob_bytes     BIGINT NOT NULL DEFAULT 0,
    manifest_bytes BIGINT NOT NULL DEFAULT 0
);

CREATE FUNCTION usage_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.namespace IS NULL THEN
        UPDATE registry_usage SET blob_count = blob_count + NEW.blob_count, blob_bytes = blob_bytes + NEW.blob_bytes;
    ELSE
        INSERT INTO namespace_usage (namespace, repositories, blob_count, blob_bytes, manifest_bytes)
        VALUES (NEW.namespace, NEW.repositories, NEW.blob_count, NEW.blob_bytes, NEW.manifest_bytes)
        ON CONFLICT (namespace) DO UPDATE SET repositories = namespace_usage.repositories + EXCLUDED.repositories,
                                              blob_count = namespace_usage.blob_count + EXCLUDED.blob_count,
                                              blob_bytes = namespace_usage.blob_bytes + EXCLUDED.blob_bytes,
                                              manifest_bytes = namespace_usage.manifest_bytes + EXCLUDED.manifest_bytes;
    END IF;
    DELETE FROM usage_change WHERE id = NEW.id;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER usage_apply AFTER INSERT ON usage_change DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION usage_apply();

CREATE OR REPLACE FUNCTION namespace_count_link() RETURNS trigger LANGUAGE plpgsql AS $$
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
            INSERT INTO usage_change (namespace, blob_count, blob_bytes) VALUES (NEW.namespace, 1, blob_size);
            IF remaining = 1 THEN
                INSERT INTO usage_change (namespace, blob_count, blob_bytes) VALUES (NULL, 1, blob_size);
            END IF;
        END IF;
    ELSE
        UPDATE namespace_blob SET links = links - 1 WHERE namespace = OLD.namespace AND digest = OLD.digest AND links > 1;
        IF NOT FOUND THEN
            DELETE FROM namespace_blob WHERE namespace = OLD.namespace AND digest = OLD.digest;
            UPDATE blob SET namespaces = namespaces - 1 WHERE digest = OLD.digest
            RETURNING namespaces, size INTO remaining, blob_size;
            INSERT INTO usage_change (namespace, blob_count, blob_bytes) VALUES (OLD.namespace, -1, -blob_size);
            IF remaining = 0 THEN
                INSERT INTO usage_change (namespace, blob_count, blob_bytes) VALUES (NULL, -1, -blob_size);
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION namespace_count_repository() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO usage_change (namespace, repositories) VALUES (split_part(NEW.name, '/', 1), 1);
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO usage_change (namespace, manifest_bytes)
        VALUES (split_part(NEW.name, '/', 1), NEW.manifest_bytes - OLD.manifest_bytes);
    ELSE
        INSERT INTO usage_change (namespace, repositories, manifest_bytes)
        VALUES (split_part(OLD.name, '/', 1), -1, -OLD.manifest_bytes);
    END IF;
    RETURN NULL;
END $$;
