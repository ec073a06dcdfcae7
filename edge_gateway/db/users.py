"""The users table."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import aiosqlite

from edge_gateway.db.connection import Database
from edge_gateway.errors import BadUserInputError

_COLUMNS = "id, username, password_hash, role, is_disabled, created_at, updated_at"


@dataclass(frozen=True)
class UserRecord:
    """One stored user; `password_hash` never leaves the auth package."""

    id: int
    username: str
    password_hash: str
    role: str
    is_disabled: bool
    created_at: str
    updated_at: str


class UserStore:
    """Reads and writes of the users table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, username: str, password_hash: str, role: str) -> UserRecord:
        """Store a new user; the name must be unique, in any case."""
        rows = await self._write(
            f"INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?) "
            f"RETURNING {_COLUMNS}",
            (username, password_hash, role),
            username,
        )
        return rows[0]

    async def get(self, user_id: int) -> UserRecord | None:
        """The user with this id, if any."""
        rows = await self._read(
            f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,)
        )
        return rows[0] if rows else None

    async def by_name(self, username: str) -> UserRecord | None:
        """The user with this name (any case), if any."""
        rows = await self._read(
            f"SELECT {_COLUMNS} FROM users WHERE username = ?", (username,)
        )
        return rows[0] if rows else None

    async def all(self) -> list[UserRecord]:
        """Every user, by id."""
        return await self._read(f"SELECT {_COLUMNS} FROM users ORDER BY id", ())

    async def count(self) -> int:
        """How many users there are."""
        async with self._db.connection.execute("SELECT count(*) FROM users") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def update(self, user_id: int, **changes: Any) -> UserRecord | None:
        """Change some of a user's columns; `None` if the user does not exist."""
        assignments = ", ".join(f"{column} = ?" for column in changes)
        rows = await self._write(
            f"UPDATE users SET {assignments}, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
            f"WHERE id = ? RETURNING {_COLUMNS}",
            (*changes.values(), user_id),
            str(changes.get("username", "")),
        )
        return rows[0] if rows else None

    async def delete(self, user_id: int) -> bool:
        """Remove a user and their refresh tokens; whether they existed."""
        cursor = await self._db.connection.execute(
            "DELETE FROM users WHERE id = ?", (user_id,)
        )
        deleted = cursor.rowcount > 0
        await cursor.close()
        return deleted

    async def _read(self, sql: str, params: tuple[Any, ...]) -> list[UserRecord]:
        async with self._db.connection.execute(sql, params) as cursor:
            return [_record(row) for row in await cursor.fetchall()]

    async def _write(
        self, sql: str, params: tuple[Any, ...], username: str
    ) -> list[UserRecord]:
        try:
            return await self._read(sql, params)
        except sqlite3.IntegrityError:
            raise BadUserInputError(
                f"a user called {username!r} exists already",
                {"username": "already in use"},
            ) from None


def _record(row: aiosqlite.Row) -> UserRecord:
    return UserRecord(
        id=row["id"],
        username=row["username"],
        password_hash=row["password_hash"],
        role=row["role"],
        is_disabled=bool(row["is_disabled"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
