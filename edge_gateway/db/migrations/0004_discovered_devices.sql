-- Devices that answered discovery, one row per endpoint reference.
CREATE TABLE discovered_devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_reference TEXT NOT NULL UNIQUE,
    xaddrs TEXT NOT NULL DEFAULT '[]',
    scopes TEXT NOT NULL DEFAULT '[]',
    types TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL,
    first_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    camera_id INTEGER REFERENCES cameras (id) ON DELETE SET NULL
);
