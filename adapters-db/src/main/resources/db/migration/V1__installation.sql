-- One row, created once: identifies this registry's metadata (Distribution's source.instanceID
-- for events) and proves that the schema survived a restart.
CREATE TABLE installation (
    id         UUID        PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    singleton  BOOLEAN     NOT NULL DEFAULT TRUE UNIQUE CHECK (singleton)
);

INSERT INTO installation (id) VALUES (gen_random_uuid());
