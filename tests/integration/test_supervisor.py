"""The supervisor keeps each camera's status, last error and last sighting current."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import httpx
import pytest

from edge_gateway.db import Database
from edge_gateway.settings import Settings
from tests.conftest import Gateway, add_camera, graphql, wait_for_status


async def unplug(client: httpx.AsyncClient, camera_id: str) -> None:
    answer = await graphql(
        client,
        'mutation { configureCamera(cameraId: "%s", settings: {fail_connect: true}) { id } }'
        % camera_id,
    )
    assert "errors" not in answer, answer


async def plug_in(client: httpx.AsyncClient, camera_id: str) -> None:
    answer = await graphql(
        client,
        'mutation { updateCamera(id: "%s", input: {settings: {fail_connect: false}}) { id } }'
        % camera_id,
    )
    assert "errors" not in answer, answer


async def test_a_camera_that_stops_answering_goes_offline_and_comes_back(
    client: httpx.AsyncClient,
):
    camera = await add_camera(client, "Flaky")
    online = await wait_for_status(client, camera["id"], "ONLINE")

    await unplug(client, camera["id"])
    offline = await wait_for_status(client, camera["id"], "OFFLINE")
    await plug_in(client, camera["id"])
    back = await wait_for_status(client, camera["id"], "ONLINE")

    assert online["lastError"] is None
    assert "does not answer" in offline["lastError"]
    assert offline["lastSeenAt"] >= online["lastSeenAt"]
    assert back["lastError"] is None
    assert back["lastSeenAt"] > offline["lastSeenAt"]


async def test_last_seen_advances_with_each_health_check(client: httpx.AsyncClient):
    camera = await add_camera(client, "Steady")
    first = await wait_for_status(client, camera["id"], "ONLINE")

    await asyncio.sleep(0.3)
    later = await wait_for_status(client, camera["id"], "ONLINE")

    assert later["lastSeenAt"] > first["lastSeenAt"]


@pytest.fixture
async def orphan_camera(settings: Settings) -> None:
    """A camera stored earlier whose driver package has since been removed."""
    database = Database(settings.database_path)
    await database.open()
    await database.connection.execute(
        "INSERT INTO cameras (name, driver) VALUES ('Orphan', 'uninstalled-driver')"
    )
    await database.close()


@pytest.mark.usefixtures("orphan_camera")
async def test_a_camera_of_a_missing_driver_is_in_error(client: httpx.AsyncClient):
    camera = await wait_for_status(client, "1", "ERROR")

    assert "no driver called 'uninstalled-driver'" in camera["lastError"]


async def test_status_changes_are_stored(gateway: Gateway, client: httpx.AsyncClient):
    camera = await add_camera(client, "Stored", fail_connect=True)
    await wait_for_status(client, camera["id"], "OFFLINE")

    with sqlite3.connect(gateway.settings.database_path) as connection:
        row = connection.execute(
            "SELECT status, last_error FROM cameras WHERE id = ?", (camera["id"],)
        ).fetchone()

    assert row[0] == "OFFLINE"
    assert "does not answer" in row[1]


async def test_repeated_failures_are_logged_once_as_warning(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG, logger="edge_gateway.cameras.supervisor")
    camera = await add_camera(client, "Dead", fail_connect=True)
    await wait_for_status(client, camera["id"], "OFFLINE")

    await asyncio.sleep(0.5)

    failures = [r for r in caplog.records if "retrying with backoff" in r.getMessage()]
    assert len(failures) >= 3
    assert [r.levelno for r in failures].count(logging.WARNING) == 1
    assert failures[0].levelno == logging.WARNING
