-- The HTTPS certificates every node serves (issue 19): Berth's local CA, the served certificate, the one
-- staged for activation and the key pair of the last certificate request, one row each. The private key
-- is PKCS#8 sealed with the secrets key (SecretBox), bound to the row's role; certificates are public
-- (PEM, leaf first). Each node keeps a copy in its http.tls.directory, which its HTTPS listener follows.
CREATE TABLE tls_certificate (
    role          TEXT        PRIMARY KEY CHECK (role IN ('authority', 'served', 'staged', 'request')),
    key_algorithm TEXT        NOT NULL,
    private_key   BYTEA       NOT NULL,
    chain         TEXT,
    public_key    BYTEA,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((role = 'request') = (chain IS NULL AND public_key IS NOT NULL))
);

CREATE FUNCTION notify_certificates_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('berth_metadata', 'certificates');
    RETURN NULL;
END $$;

-- every node copies the new set to its files once the change commits (see V18 and MetadataChanges)
CREATE TRIGGER tls_certificate_changed
    AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tls_certificate
    FOR EACH STATEMENT EXECUTE FUNCTION notify_certificates_changed();
