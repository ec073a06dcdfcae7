"""Refresh tokens, service tokens and revoked access tokens, stored by hash."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import aiosqlite

from edge_gateway.db.connection import Database
from edge_gateway.errors import BadUserInputError

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


@dataclass(frozen=True)
class RefreshTokenRecord:
    """One refresh token of a login's family."""

    id: int
    family: str
    user_id: int
    expires_at: str
    used_at: str | None
    revoked_at: str | None


@dataclass(frozen=True)
class ServiceTokenRecord:
    """A token a program (the control plane) authenticates with."""

    id: int
    name: str
    role: str
    token_hash: str
    created_at: str
    revoked_at: str | None


class RefreshTokenStore:
    """The refresh_tokens table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self, token_hash: str, family: str, user_id: int, expires_at: str
    ) -> None:
        """Store a new refresh token of `family`."""
        await self._db.connection.execute(
            "INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at) "
            "VALUES (?, ?, ?, ?)",
            (token_hash, family, user_id, expires_at),
        )

    async def by_hash(self, token_hash: str) -> RefreshTokenRecord | None:
        """The refresh token with this hash, if any."""
        async with self._db.connection.execute(
            "SELECT id, family, user_id, expires_at, used_at, revoked_at "
            "FROM refresh_tokens WHERE token_hash = ?",
            (token_hash,),
        ) as cursor:
            row = await cursor.fetchone()
        return RefreshTokenRecord(*row) if row else None

    async def mark_used(self, token_id: int) -> bool:
        """Mark a token used; false if it was used already (a race or a replay)."""
        cursor = await self._db.connection.execute(
            f"UPDATE refresh_tokens SET used_at = {_NOW} "
            "WHERE id = ? AND used_at IS NULL",
            (token_id,),
        )
        changed = cursor.rowcount > 0
        await cursor.close()
        return changed

    async def revoke_family(self, family: str) -> None:
        """Revoke every token of a family."""
        await self._db.connection.execute(
            f"UPDATE refresh_tokens SET revoked_at = {_NOW} "
            "WHERE family = ? AND revoked_at IS NULL",
            (family,),
        )

    async def families_of(self, user_id: int) -> list[str]:
        """The families (logins) of a user that still hold an unexpired token."""
        async with self._db.connection.execute(
            f"SELECT DISTINCT family FROM refresh_tokens "
            f"WHERE user_id = ? AND expires_at > {_NOW}",
            (user_id,),
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]


class ServiceTokenStore:
    """The service_tokens table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, name: str, role: str, token_hash: str) -> ServiceTokenRecord:
        """Store a new service token; names are unique."""
        try:
            rows = await self._read(
                "INSERT INTO service_tokens (name, role, token_hash) VALUES (?, ?, ?) "
                "RETURNING id, name, role, token_hash, created_at, revoked_at",
                (name, role, token_hash),
            )
        except sqlite3.IntegrityError:
            raise BadUserInputError(
                f"a service token called {name!r} exists already",
                {"name": "already in use"},
            ) from None
        return rows[0]

    async def all(self) -> list[ServiceTokenRecord]:
        """Every service token, revoked ones included."""
        return await self._read(
            "SELECT id, name, role, token_hash, created_at, revoked_at "
            "FROM service_tokens ORDER BY id",
            (),
        )

    async def revoke(self, token_id: int) -> ServiceTokenRecord | None:
        """Revoke a token; `None` if there is no such token."""
        rows = await self._read(
            f"UPDATE service_tokens SET revoked_at = coalesce(revoked_at, {_NOW}) "
            "WHERE id = ? RETURNING id, name, role, token_hash, created_at, revoked_at",
            (token_id,),
        )
        return rows[0] if rows else None

    async def _read(
        self, sql: str, params: tuple[Any, ...]
    ) -> list[ServiceTokenRecord]:
        async with self._db.connection.execute(sql, params) as cursor:
            return [_service_token(row) for row in await cursor.fetchall()]


class RevokedSessionStore:
    """The revoked_sessions table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, session_id: str, expires_at: str) -> None:
        """Remember that a session was ended."""
        await self._db.connection.execute(
            "INSERT OR REPLACE INTO revoked_sessions (session_id, expires_at) "
            "VALUES (?, ?)",
            (session_id, expires_at),
        )

    async def live(self) -> dict[str, str]:
        """Ended sessions whose tokens may not have expired yet; drops the rest."""
        await self._db.connection.execute(
            f"DELETE FROM revoked_sessions WHERE expires_at < {_NOW}"
        )
        async with self._db.connection.execute(
            "SELECT session_id, expires_at FROM revoked_sessions"
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}


def _service_token(row: aiosqlite.Row) -> ServiceTokenRecord:
    return ServiceTokenRecord(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        token_hash=row["token_hash"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
