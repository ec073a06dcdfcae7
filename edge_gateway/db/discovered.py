"""The discovered_devices table: what answered discovery, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from edge_gateway.db.connection import Database
from edge_gateway.discovery.wsdiscovery import ProbeMatch

_COLUMNS = (
    "id, endpoint_reference, xaddrs, scopes, types, source, first_seen_at, "
    "last_seen_at, camera_id"
)


@dataclass(frozen=True)
class DiscoveredRecord:
    """One discovered device."""

    id: int
    endpoint_reference: str
    xaddrs: tuple[str, ...]
    scopes: tuple[str, ...]
    types: tuple[str, ...]
    source: str
    first_seen_at: str
    last_seen_at: str
    camera_id: int | None


class DiscoveredStore:
    """Merges probe answers by endpoint reference and reads them back."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def merge(self, match: ProbeMatch) -> None:
        """Add a device, or refresh the one with the same endpoint reference."""
        await self._db.connection.execute(
            "INSERT INTO discovered_devices "
            "(endpoint_reference, xaddrs, scopes, types, source) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (endpoint_reference) DO UPDATE SET "
            "xaddrs = excluded.xaddrs, scopes = excluded.scopes, "
            "types = excluded.types, source = excluded.source, "
            "last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (
                match.endpoint_reference,
                json.dumps(match.xaddrs),
                json.dumps(match.scopes),
                json.dumps(match.types),
                match.source,
            ),
        )

    async def all(self) -> list[DiscoveredRecord]:
        """Every device ever discovered, most recently seen first."""
        async with self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM discovered_devices ORDER BY last_seen_at DESC, id"
        ) as cursor:
            return [_record(row) for row in await cursor.fetchall()]

    async def get(self, device_id: int) -> DiscoveredRecord | None:
        """One device by id."""
        async with self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM discovered_devices WHERE id = ?", (device_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _record(row) if row else None

    async def adopt(self, device_id: int, camera_id: int) -> None:
        """Record that a device became a camera."""
        await self._db.connection.execute(
            "UPDATE discovered_devices SET camera_id = ? WHERE id = ?",
            (camera_id, device_id),
        )


def _record(row: aiosqlite.Row) -> DiscoveredRecord:
    return DiscoveredRecord(
        id=row["id"],
        endpoint_reference=row["endpoint_reference"],
        xaddrs=tuple(json.loads(row["xaddrs"])),
        scopes=tuple(json.loads(row["scopes"])),
        types=tuple(json.loads(row["types"])),
        source=row["source"],
        first_seen_at=row["first_seen_at"],
        last_seen_at=row["last_seen_at"],
        camera_id=row["camera_id"],
    )
