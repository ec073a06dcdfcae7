"""Numbered SQL migrations, applied in order at start and recorded in the database."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

import aiosqlite

logger = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")


@dataclass(frozen=True)
class Migration:
    """One schema step: its number, its name and the SQL that makes it."""

    version: int
    name: str
    sql: str


def _load_migrations() -> tuple[Migration, ...]:
    folder = resources.files("edge_gateway.db") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers are not 1..N without gaps: {versions}")
    return tuple(found)


MIGRATIONS = _load_migrations()


async def apply_migrations(
    connection: aiosqlite.Connection, migrations: tuple[Migration, ...]
) -> int:
    """Apply the migrations not yet recorded; return the resulting schema version.

    Each migration runs in one transaction together with its record, so a crash
    leaves the database at the previous version, never half-way.
    """
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
    )
    async with connection.execute("SELECT max(version) FROM schema_migrations") as cur:
        row = await cur.fetchone()
    current = (row[0] if row else None) or 0
    known = migrations[-1].version if migrations else 0
    if current > known:
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this gateway "
            f"knows ({known}); run the newer gateway or restore a backup"
        )

    for migration in migrations:
        if migration.version > current:
            await _apply(connection, migration)
            current = migration.version
    return current


async def _apply(connection: aiosqlite.Connection, migration: Migration) -> None:
    logger.info("applying migration %04d_%s", migration.version, migration.name)
    try:
        await connection.executescript(
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n"
            "INSERT INTO schema_migrations (version, name) "
            f"VALUES ({migration.version}, '{migration.name}');\n"
            "COMMIT;"
        )
    except sqlite3.Error:
        if connection.in_transaction:
            await connection.execute("ROLLBACK")
        raise
