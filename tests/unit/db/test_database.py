"""The database file: WAL mode, owner-only, migrated in place and recorded."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from edge_gateway.db import MIGRATIONS, Database, DatabaseError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "gateway.db"


async def test_new_database_is_owner_only_in_wal_mode_and_migrated(path: Path):
    database = Database(path)

    await database.open()
    async with database.connection.execute("PRAGMA journal_mode") as cursor:
        mode = (await cursor.fetchone())[0]
    async with database.connection.execute(
        "SELECT version, name FROM schema_migrations"
    ) as c:
        recorded = [tuple(row) for row in await c.fetchall()]
    await database.close()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert mode == "wal"
    assert recorded == [(m.version, m.name) for m in MIGRATIONS]
    assert database.schema_version == MIGRATIONS[-1].version


async def test_a_database_at_the_first_migration_upgrades_in_place(path: Path):
    old = Database(path)
    await old.open(MIGRATIONS[:1])
    await old.connection.execute(
        "INSERT INTO cameras (name, driver, settings) VALUES ('Gate', 'simulated', '{}')"
    )
    await old.close()

    database = Database(path)
    await database.open()
    async with database.connection.execute(
        "SELECT name, driver, status, last_error FROM cameras"
    ) as cursor:
        cameras = [tuple(row) for row in await cursor.fetchall()]
    await database.close()

    assert old.schema_version == 1
    assert database.schema_version == len(MIGRATIONS) > 1
    assert cameras == [("Gate", "simulated", "CONNECTING", None)]


async def test_reopening_applies_nothing_twice(path: Path):
    for _ in range(2):
        database = Database(path)
        await database.open()
        await database.close()

    with sqlite3.connect(path) as connection:
        count = connection.execute("SELECT count(*) FROM schema_migrations").fetchone()[
            0
        ]
    assert count == len(MIGRATIONS)


async def test_a_wider_open_file_is_made_owner_only(path: Path):
    path.parent.mkdir(parents=True)
    path.touch()
    os.chmod(path, 0o644)

    database = Database(path)
    await database.open()
    await database.close()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_a_database_from_a_newer_gateway_is_refused(path: Path):
    database = Database(path)
    await database.open()
    await database.connection.execute(
        "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')"
    )
    await database.close()

    with pytest.raises(RuntimeError, match="newer than this gateway"):
        await Database(path).open()


async def test_a_file_that_is_not_a_database_is_a_database_error(path: Path):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not SQLite" * 100)

    with pytest.raises(DatabaseError, match="cannot open database"):
        await Database(path).open()
