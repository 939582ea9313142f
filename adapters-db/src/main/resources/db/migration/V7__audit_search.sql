-- The admin UI's audit log filters by actor and by action, newest first (by id).
CREATE INDEX audit_event_by_actor ON audit_event (actor, id);
CREATE INDEX audit_event_by_action ON audit_event (action, id);
