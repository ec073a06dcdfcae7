"""The gateway's SQLite database, opened through aiosqlite in WAL mode."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import aiosqlite

from edge_gateway.db.migrations import MIGRATIONS, Migration, apply_migrations
from edge_gateway.errors import GatewayError

logger = logging.getLogger(__name__)

# Each connection waits this long for another writer's lock before it gives up.
BUSY_TIMEOUT_MS = 5000


class DatabaseError(GatewayError):
    """The database could not be opened, read or written."""

    code = "DATABASE_ERROR"


class Database:
    """One aiosqlite connection to the gateway's database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: aiosqlite.Connection | None = None
        self.schema_version = 0

    @property
    def connection(self) -> aiosqlite.Connection:
        """The open connection; raises if `open` has not run."""
        if self._connection is None:
            raise DatabaseError("the database is not open")
        return self._connection

    async def open(self, migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
        """Create the file owner-only if missing, open it and apply migrations."""
        _create_owner_only(self.path)
        try:
            self._connection = await aiosqlite.connect(self.path, isolation_level=None)
            self._connection.row_factory = aiosqlite.Row
            await self._connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await self._connection.execute("PRAGMA journal_mode = WAL")
            await self._connection.execute("PRAGMA synchronous = NORMAL")
            await self._connection.execute("PRAGMA foreign_keys = ON")
            # SQLite's lower() folds ASCII only; names are in any script.
            await self._connection.create_function(
                "casefold", 1, _casefold, deterministic=True
            )
            self.schema_version = await apply_migrations(self._connection, migrations)
        except BaseException as err:
            await self.close()
            if isinstance(err, sqlite3.Error):
                raise DatabaseError(f"cannot open database {self.path}: {err}") from err
            raise

    async def close(self) -> None:
        """Close the connection if it is open."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.close()


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def _create_owner_only(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    # A file made by an older version, or copied in by hand, may be wider open; the
    # database holds camera credentials.
    os.chmod(path, 0o600)
