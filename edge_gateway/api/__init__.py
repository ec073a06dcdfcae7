"""The REST side of the API: health, snapshots, and request limits."""
