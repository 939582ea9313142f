-- When a manifest was last pulled: a pull-through cache evicts the least recently pulled images of an
-- upstream beyond its size limit. Written in batches every few seconds, never by the pull itself;
-- no trigger watches the column (V18's notifications leave it out).
ALTER TABLE manifest ADD COLUMN pulled_at TIMESTAMPTZ;
