-- Users, what they may do, their robot tokens, the token signing keys, failed logins (for
-- throttling, shared by all nodes) and the audit log.

CREATE TABLE users (
    name          TEXT COLLATE "C" PRIMARY KEY,
    -- bcrypt ($2a$/$2b$/$2y$), never the password
    password_hash TEXT        NOT NULL,
    enabled       BOOLEAN     NOT NULL DEFAULT TRUE,
    admin         BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per user and repository pattern ('team-a/*', '*', or an exact name).
CREATE TABLE access_grant (
    user_name TEXT COLLATE "C" NOT NULL REFERENCES users ON DELETE CASCADE,
    pattern   TEXT COLLATE "C" NOT NULL,
    -- comma-separated: pull, push, delete
    actions   TEXT NOT NULL,
    PRIMARY KEY (user_name, pattern)
);

-- Repository patterns anybody may pull without logging in.
CREATE TABLE anonymous_pull (
    pattern TEXT COLLATE "C" PRIMARY KEY
);

CREATE TABLE robot_token (
    id            UUID        PRIMARY KEY,
    user_name     TEXT COLLATE "C" NOT NULL REFERENCES users ON DELETE CASCADE,
    -- the secrets are 256 random bits: a SHA-256 is enough and can be looked up
    secret_sha256 TEXT        NOT NULL UNIQUE,
    description   TEXT        NOT NULL,
    -- grants separated by spaces, e.g. 'ci/*:pull,push'
    scope         TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX robot_token_by_user ON robot_token (user_name);

-- Keys that sign Berth's tokens; the newest signs, the younger ones still verify.
CREATE TABLE signing_key (
    kid         TEXT        PRIMARY KEY,
    algorithm   TEXT        NOT NULL,
    private_key BYTEA       NOT NULL,
    public_key  BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- 'user:NAME' or 'address:IP'; old rows are deleted as new ones arrive.
CREATE TABLE login_failure (
    id        BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject   TEXT        NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failure_by_subject ON login_failure (subject, failed_at);

CREATE TABLE audit_event (
    id      BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT        NOT NULL,
    address TEXT        NOT NULL,
    action  TEXT        NOT NULL,
    target  TEXT        NOT NULL,
    success BOOLEAN     NOT NULL,
    detail  TEXT        NOT NULL
);
CREATE INDEX audit_event_by_time ON audit_event (at);
