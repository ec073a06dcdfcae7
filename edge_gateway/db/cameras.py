"""The cameras table: what each camera is, and where its supervisor last saw it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import aiosqlite

from edge_gateway.db.connection import Database, DatabaseError
from edge_gateway.errors import BadUserInputError

_COLUMNS = (
    "id, name, driver, settings, status, last_error, last_seen_at, created_at, "
    "updated_at"
)


@dataclass(frozen=True)
class CameraRecord:
    """One stored camera; `settings` holds secrets and is never shown as it is."""

    id: int
    name: str
    driver: str
    settings: dict[str, Any]
    status: str
    last_error: str | None
    last_seen_at: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class CameraFilter:
    """Which cameras a list keeps; `None` keeps all."""

    driver: str | None = None
    status: str | None = None
    name_contains: str | None = None


class CameraStore:
    """Reads and writes of the cameras table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self, name: str, driver: str, settings: dict[str, Any]
    ) -> CameraRecord:
        """Store a new camera; its name must be unique."""
        try:
            cursor = await self._db.connection.execute(
                f"INSERT INTO cameras (name, driver, settings) VALUES (?, ?, ?) "
                f"RETURNING {_COLUMNS}",
                (name, driver, json.dumps(settings)),
            )
            row = await cursor.fetchone()
            await cursor.close()
        except sqlite3.IntegrityError:
            raise _name_taken(name) from None
        except sqlite3.Error as err:
            raise DatabaseError(f"cannot store camera {name!r}: {err}") from err
        assert row is not None
        return _record(row)

    async def get(self, camera_id: int) -> CameraRecord | None:
        """The camera with this id, if there is one."""
        rows = await self._select(
            f"SELECT {_COLUMNS} FROM cameras WHERE id = ?", (camera_id,)
        )
        return rows[0] if rows else None

    async def all(self) -> list[CameraRecord]:
        """Every camera, oldest first."""
        return await self._select(f"SELECT {_COLUMNS} FROM cameras ORDER BY id", ())

    async def page(
        self, first: int, after_id: int | None, where: CameraFilter
    ) -> tuple[list[CameraRecord], bool]:
        """Up to `first` cameras after `after_id` in id order, and whether more follow.

        The cursor is the bound the index serves (`id > ?`), so a late page costs
        what the first one does.
        """
        conditions, params = _conditions(where)
        conditions.append("id > ?")
        params.append(after_id or 0)
        rows = await self._select(
            f"SELECT {_COLUMNS} FROM cameras WHERE {' AND '.join(conditions)} "
            "ORDER BY id LIMIT ?",
            (*params, first + 1),
        )
        return rows[:first], len(rows) > first

    async def count(self, where: CameraFilter) -> int:
        """How many cameras the filter keeps."""
        conditions, params = _conditions(where)
        sql = "SELECT count(*) FROM cameras"
        if conditions:
            sql += f" WHERE {' AND '.join(conditions)}"
        async with self._db.connection.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def update(
        self, camera_id: int, name: str, settings: dict[str, Any]
    ) -> CameraRecord | None:
        """Change a camera's name and settings; `None` if it does not exist."""
        try:
            rows = await self._select(
                "UPDATE cameras SET name = ?, settings = ?, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                f"WHERE id = ? RETURNING {_COLUMNS}",
                (name, json.dumps(settings), camera_id),
            )
        except sqlite3.IntegrityError:
            raise _name_taken(name) from None
        return rows[0] if rows else None

    async def delete(self, camera_id: int) -> bool:
        """Remove a camera; whether it existed."""
        cursor = await self._db.connection.execute(
            "DELETE FROM cameras WHERE id = ?", (camera_id,)
        )
        deleted = cursor.rowcount > 0
        await cursor.close()
        return deleted

    async def set_status(
        self,
        camera_id: int,
        status: str,
        last_error: str | None,
        last_seen_at: str | None,
    ) -> None:
        """Record the supervisor's latest view of a camera."""
        await self._db.connection.execute(
            "UPDATE cameras SET status = ?, last_error = ?, last_seen_at = ? "
            "WHERE id = ?",
            (status, last_error, last_seen_at, camera_id),
        )

    async def _select(self, sql: str, params: tuple[Any, ...]) -> list[CameraRecord]:
        try:
            async with self._db.connection.execute(sql, params) as cursor:
                rows = await cursor.fetchall()
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as err:
            raise DatabaseError(f"cannot read cameras: {err}") from err
        return [_record(row) for row in rows]


def _conditions(where: CameraFilter) -> tuple[list[str], list[Any]]:
    conditions: list[str] = []
    params: list[Any] = []
    if where.driver is not None:
        conditions.append("driver = ?")
        params.append(where.driver)
    if where.status is not None:
        conditions.append("status = ?")
        params.append(where.status)
    if where.name_contains:
        conditions.append("instr(casefold(name), ?) > 0")
        params.append(where.name_contains.casefold())
    return conditions, params


def _record(row: aiosqlite.Row) -> CameraRecord:
    return CameraRecord(
        id=row["id"],
        name=row["name"],
        driver=row["driver"],
        settings=json.loads(row["settings"]),
        status=row["status"],
        last_error=row["last_error"],
        last_seen_at=row["last_seen_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _name_taken(name: str) -> BadUserInputError:
    return BadUserInputError(
        f"a camera called {name!r} exists already", {"name": "already in use"}
    )
