"""The events table: what happened at the gateway, newest last."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from edge_gateway.db.connection import Database


@dataclass(frozen=True)
class EventRecord:
    """One stored event."""

    id: int
    time: str
    camera_id: int | None
    source: str
    type: str
    severity: str
    payload: dict[str, Any]


class EventStore:
    """Appends to and reads the events table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def append(
        self,
        source: str,
        type: str,
        severity: str,
        payload: dict[str, Any],
        camera_id: int | None = None,
    ) -> None:
        """Store one event."""
        await self._db.connection.execute(
            "INSERT INTO events (camera_id, source, type, severity, payload) "
            "VALUES (?, ?, ?, ?, ?)",
            (camera_id, source, type, severity, json.dumps(payload)),
        )

    async def latest(self, limit: int, type_prefix: str = "") -> list[EventRecord]:
        """The newest events whose type starts with `type_prefix`, newest first."""
        async with self._db.connection.execute(
            "SELECT id, time, camera_id, source, type, severity, payload FROM events "
            "WHERE type >= ? AND type < ? ORDER BY id DESC LIMIT ?",
            (type_prefix, type_prefix + "\uffff", limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            EventRecord(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]))
            for r in rows
        ]
