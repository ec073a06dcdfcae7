-- The supervisor's view of each camera, kept so that lists can filter by status and a
-- restart shows where each camera stood.
ALTER TABLE cameras ADD COLUMN status TEXT NOT NULL DEFAULT 'CONNECTING';
ALTER TABLE cameras ADD COLUMN last_error TEXT;
ALTER TABLE cameras ADD COLUMN last_seen_at TEXT;
CREATE INDEX cameras_by_status ON cameras (status, id);
CREATE INDEX cameras_by_driver ON cameras (driver, id);
