-- Webhook notifications: endpoints, the events outbox, and one delivery row per event and endpoint.
--
-- An event is written in the same transaction as the metadata change it reports, together with a
-- pending delivery for each enabled endpoint whose ignore rules let it through; an event no
-- endpoint wants is not stored at all. A node delivering to an endpoint locks its row
-- (SELECT ... FOR UPDATE SKIP LOCKED), so nodes never send the same event twice nor out of order.

CREATE TABLE notification_endpoint (
    id                  BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                TEXT        NOT NULL UNIQUE,
    url                 TEXT        NOT NULL,
    -- 'Name: value' lines, a header with several values on several lines (they may be
    -- credentials: never logged)
    headers             TEXT[]      NOT NULL,
    timeout_ms          BIGINT      NOT NULL CHECK (timeout_ms > 0),
    threshold           INTEGER     NOT NULL CHECK (threshold > 0),
    backoff_ms          BIGINT      NOT NULL CHECK (backoff_ms > 0),
    ignored_media_types TEXT[]      NOT NULL,
    ignored_actions     TEXT[]      NOT NULL,
    format              TEXT        NOT NULL CHECK (format IN ('v1', 'v2')),
    signing_key         TEXT,
    disabled            BOOLEAN     NOT NULL,
    -- configured endpoints are re-seeded at every start; run-time ones are left alone
    from_configuration  BOOLEAN     NOT NULL,
    -- delivery history
    consecutive_failures INTEGER    NOT NULL DEFAULT 0,
    total_failures      BIGINT      NOT NULL DEFAULT 0,
    delivered           BIGINT      NOT NULL DEFAULT 0,
    last_status         TEXT,
    last_attempt_at     TIMESTAMPTZ,
    last_success_at     TIMESTAMPTZ,
    next_attempt_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE event (
    id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- the event as the v2 envelope carries it
    payload    TEXT        NOT NULL
);

CREATE TABLE event_delivery (
    endpoint_id  BIGINT      NOT NULL REFERENCES notification_endpoint ON DELETE CASCADE,
    event_id     BIGINT      NOT NULL REFERENCES event ON DELETE CASCADE,
    delivered_at TIMESTAMPTZ,
    PRIMARY KEY (endpoint_id, event_id)
);
-- an endpoint's queue, oldest first
CREATE INDEX event_delivery_pending ON event_delivery (endpoint_id, event_id) WHERE delivered_at IS NULL;
-- pruning and "is anything still waiting for this event"
CREATE INDEX event_delivery_by_event ON event_delivery (event_id);
CREATE INDEX event_delivery_delivered ON event_delivery (delivered_at) WHERE delivered_at IS NOT NULL;
