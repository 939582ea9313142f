-- Storage lifecycle (issue 14): read-only mode, immutable tags, scheduled maintenance runs, upload purging.

-- The administrators' read-only switch: one row, shared by every node, kept across restarts.
CREATE TABLE maintenance_mode (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    read_only BOOLEAN NOT NULL
);
INSERT INTO maintenance_mode (singleton, read_only) VALUES (TRUE, FALSE);

-- When a scheduled job last ran on any node: the node that moves last_run runs it, the others skip.
CREATE TABLE maintenance_run (
    job      TEXT        PRIMARY KEY,
    last_run TIMESTAMPTZ NOT NULL
);

-- Tags that never move and are never deleted once pushed (globs with '*').
CREATE TABLE immutable_tag_rule (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository_pattern TEXT NOT NULL,
    tag_pattern        TEXT NOT NULL,
    UNIQUE (repository_pattern, tag_pattern)
);

-- upload purging looks for sessions untouched since a cutoff
CREATE INDEX upload_session_by_update ON upload_session (updated_at);
