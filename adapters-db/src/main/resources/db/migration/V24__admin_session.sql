-- Admin UI sign-ins any node can resume (a browser whose node died lands signed in on another one).
-- Only the SHA-256 of the cookie's secret (256 random bits) is stored.
CREATE TABLE admin_session (
    secret_sha256    TEXT        PRIMARY KEY,
    user_name        TEXT COLLATE "C" NOT NULL REFERENCES users ON DELETE CASCADE,
    -- the user's credential stamp at sign-in: a password, standing or admin change ends the session
    credential_stamp BIGINT      NOT NULL,
    address          TEXT        NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    seen_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX admin_session_by_seen ON admin_session (seen_at);
