-- The registry's metadata: repositories, blobs and who may see them, manifests with what they
-- reference, tags, and upload sessions. Blob content lives in the BlobStore, not here.
--
-- Names and tags are COLLATE "C": ORDER BY is byte order, which is what the catalog and tags APIs
-- promise, and keyset pagination (WHERE name > :after ORDER BY name LIMIT :n) walks the index.

CREATE TABLE repository (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE
);

-- Content the registry stores, once per digest whichever repositories link it.
CREATE TABLE blob (
    digest TEXT   PRIMARY KEY,
    size   BIGINT NOT NULL CHECK (size >= 0)
);

-- Which repository may serve, mount and reference which blob.
CREATE TABLE repository_blob (
    repository_id BIGINT NOT NULL REFERENCES repository ON DELETE CASCADE,
    digest        TEXT   NOT NULL REFERENCES blob,
    PRIMARY KEY (repository_id, digest)
);
-- "which repositories link this blob": garbage collection, and the foreign key check on blob delete
CREATE INDEX repository_blob_by_digest ON repository_blob (digest);

-- The exact bytes received (the digest is over them) and what was derived from them at push time.
CREATE TABLE manifest (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository_id BIGINT      NOT NULL REFERENCES repository ON DELETE CASCADE,
    digest        TEXT        NOT NULL,
    media_type    TEXT        NOT NULL,
    payload       BYTEA       NOT NULL CHECK (octet_length(payload) <= 4194304),
    -- so that listings and referrers can report the size without reading the payload
    size          BIGINT      GENERATED ALWAYS AS (octet_length(payload)) STORED,
    artifact_type TEXT,
    subject       TEXT,
    pushed_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (repository_id, digest)
);
-- the referrers API: manifests of a repository whose subject is a digest, in push order
CREATE INDEX manifest_by_subject ON manifest (repository_id, subject, pushed_at) WHERE subject IS NOT NULL;

CREATE TABLE manifest_annotation (
    manifest_id BIGINT NOT NULL REFERENCES manifest ON DELETE CASCADE,
    name        TEXT   NOT NULL,
    value       TEXT   NOT NULL,
    PRIMARY KEY (manifest_id, name)
);

-- Config and layers in manifest order; a layer may occur twice, hence the position.
CREATE TABLE manifest_blob (
    manifest_id BIGINT  NOT NULL REFERENCES manifest ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    digest      TEXT    NOT NULL REFERENCES blob,
    PRIMARY KEY (manifest_id, position)
);
-- "is this blob referenced by any manifest": garbage collection, and the foreign key check
CREATE INDEX manifest_blob_by_digest ON manifest_blob (digest);

-- The manifests an index lists. The foreign key to the child keeps an index from ever pointing at
-- a manifest that is gone: deleting a listed child fails until its indexes are deleted.
CREATE TABLE manifest_child (
    manifest_id   BIGINT  NOT NULL REFERENCES manifest ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    repository_id BIGINT  NOT NULL,
    digest        TEXT    NOT NULL,
    PRIMARY KEY (manifest_id, position),
    FOREIGN KEY (repository_id, digest) REFERENCES manifest (repository_id, digest)
);
-- "is this manifest a child of another index"
CREATE INDEX manifest_child_by_child ON manifest_child (repository_id, digest);

-- A tag holds the manifest's digest, so resolving it is one primary key lookup; deleting the
-- manifest deletes its tags.
CREATE TABLE tag (
    repository_id   BIGINT           NOT NULL,
    name            TEXT COLLATE "C" NOT NULL,
    manifest_digest TEXT             NOT NULL,
    updated_at      TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (repository_id, name),
    FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifest (repository_id, digest) ON DELETE CASCADE
);
-- the tag foreign key check on manifest delete
CREATE INDEX tag_by_manifest ON tag (repository_id, manifest_digest);

-- Blob uploads in progress, so that any node can continue one and a restart loses none.
CREATE TABLE upload_session (
    id            UUID        PRIMARY KEY,
    repository_id BIGINT      NOT NULL REFERENCES repository ON DELETE CASCADE,
    byte_offset   BIGINT      NOT NULL CHECK (byte_offset >= 0),
    started_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
