-- Each delivery's own history, for the admin UI's deliveries page (issue 13): how often it was sent,
-- when last, and what came back (HTTP status or the connection error). The endpoint's row keeps only
-- its last attempt; without these a delivery that failed could not be told from one still waiting
-- behind it. Delivery stays strictly oldest first per endpoint, so a failed delivery is always at the
-- head of its endpoint's queue and shares the endpoint's next attempt.
ALTER TABLE event_delivery
    ADD COLUMN attempts        INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN last_attempt_at TIMESTAMPTZ,
    ADD COLUMN last_status     TEXT;
