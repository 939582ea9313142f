-- Upstreams of the pull-through cache added in the admin UI (those of the configuration file are not
-- stored: the file stays their truth). The password is sealed with the secrets key (SecretBox), bound
-- to the prefix; the TLS columns name PEM files on the servers, as the configuration's keys do.
CREATE TABLE pull_through_upstream (
    prefix      TEXT PRIMARY KEY,
    remote_url  TEXT        NOT NULL,
    username    TEXT,
    password    TEXT,
    ttl_ms      BIGINT      NOT NULL CHECK (ttl_ms >= 0),
    max_bytes   BIGINT      NOT NULL DEFAULT 0 CHECK (max_bytes >= 0),
    ca_bundle   TEXT,
    client_cert TEXT,
    client_key  TEXT,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE FUNCTION notify_upstreams_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('berth_metadata', 'upstreams');
    RETURN NULL;
END $$;

-- every node routes by the new list once the change commits (see V18 and MetadataChanges)
CREATE TRIGGER pull_through_upstream_changed
    AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON pull_through_upstream
    FOR EACH STATEMENT EXECUTE FUNCTION notify_upstreams_changed();
