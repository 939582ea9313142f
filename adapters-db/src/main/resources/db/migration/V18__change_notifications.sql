-- Every node keeps manifests and tags it served in memory (ManifestCache) and which events some
-- endpoint wants (EventOutbox): whatever changes them, on any node or in an operator command, tells
-- every listening node once the transaction commits (NOTIFY is delivered at commit, never on rollback;
-- PostgreSQL sends a payload once per transaction however many rows repeat it).

CREATE FUNCTION notify_repository_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('berth_metadata', 'repository ' || NEW.repository_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('berth_metadata', 'repository ' || OLD.repository_id);
    END IF;
    RETURN NULL;
END $$;

-- not on the columns only Berth's bookkeeping updates (a tag's pulled_at every few seconds)
CREATE TRIGGER manifest_changed
    AFTER INSERT OR DELETE OR UPDATE OF repository_id, digest, media_type, payload ON manifest
    FOR EACH ROW EXECUTE FUNCTION notify_repository_changed();
CREATE TRIGGER tag_changed
    AFTER INSERT OR DELETE OR UPDATE OF repository_id, name, manifest_digest ON tag
    FOR EACH ROW EXECUTE FUNCTION notify_repository_changed();

CREATE FUNCTION notify_endpoints_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('berth_metadata', 'endpoints');
    RETURN NULL;
END $$;

-- not on the delivery history, which each delivery updates
CREATE TRIGGER notification_endpoint_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF disabled, ignored_actions, ignored_media_types
    ON notification_endpoint
    FOR EACH STATEMENT EXECUTE FUNCTION notify_endpoints_changed();
