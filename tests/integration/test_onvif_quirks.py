"""Cameras that misbehave the way real ones do, each with one fault."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from edge_gateway.simulator.camera import SimulatedONVIFCamera, SimulatorOptions
from tests.conftest import add_camera, free_port, graphql, serve, wait_for_status
from tests.integration.test_onvif_driver import FIXTURES, direct_driver
from tests.netns import needs_unshare, run_isolated

HIKVISION = FIXTURES / "hikvision" / "hikvision-ds-2cd2012-i"


async def add_onvif(client, port: int) -> str:
    camera = await add_camera(
        client,
        "Quirky",
        "onvif",
        host="127.0.0.1",
        port=port,
        username="admin",
        password="admin",
    )
    return str(camera["id"])


async def test_a_camera_six_months_behind_works_and_shows_its_skew(client):
    port = free_port()
    behind = timedelta(days=182)
    options = SimulatorOptions(profile=HIKVISION, port=port, clock_offset=-behind)
    async with serve(SimulatedONVIFCamera(options).app(), port=port):
        camera_id = await add_onvif(client, port)
        await wait_for_status(client, camera_id, "ONLINE", timeout_s=15)
        answer = await graphql(
            client, '{ camera(id: "%s") { clockSkewSeconds } }' % camera_id
        )

    skew = answer["data"]["camera"]["clockSkewSeconds"]
    assert abs(skew + behind.total_seconds()) < 5


@pytest.fixture
async def silent_camera() -> AsyncIterator[int]:
    """A host that accepts the connection and never says a word."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(-1)
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


async def test_a_camera_that_never_answers_goes_offline(client, silent_camera):
    camera_id = await add_onvif(client, silent_camera)

    camera = await wait_for_status(client, camera_id, "OFFLINE", timeout_s=20)

    assert "answer" in camera["lastError"]
    assert (await client.get("/healthz")).status_code == 200


@pytest.fixture
async def garbage_camera() -> AsyncIterator[int]:
    """An HTTP server that answers every request with a web page, not SOAP."""

    async def answer(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = b"<html><body>Login required</body></html>"
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


async def test_a_camera_answering_garbage_is_in_error(client, garbage_camera):
    camera_id = await add_onvif(client, garbage_camera)

    camera = await wait_for_status(client, camera_id, "ERROR", timeout_s=20)

    assert camera["lastError"]


@needs_unshare
def test_xaddrs_naming_a_lan_behind_nat_are_reached_through_the_address_used():
    """Runs in a network namespace the test makes, so a wrong turn cannot leave."""
    lines = run_isolated("tests.netns.nat_camera", str(HIKVISION))

    report = json.loads(lines[-1])
    assert report["model"] == "DS-2CD2012-I"
    assert report["xaddrs"] and all(
        x.startswith("http://127.0.0.1:") for x in report["xaddrs"]
    )
    assert report["stream"].startswith("rtsp://admin:admin@127.0.0.1:")
    assert report["snapshot"] > 1000


async def test_a_camera_wanting_http_digest_on_soap_is_driven(client):
    port = free_port()
    options = SimulatorOptions(profile=HIKVISION, port=port, digest_only=True)
    async with serve(SimulatedONVIFCamera(options).app(), port=port):
        camera_id = await add_onvif(client, port)
        camera = await wait_for_status(client, camera_id, "ONLINE", timeout_s=15)
        answer = await graphql(
            client, '{ camera(id: "%s") { deviceInfo { model } } }' % camera_id
        )

    assert camera["lastError"] is None
    assert answer["data"]["camera"]["deviceInfo"]["model"] == "DS-2CD2012-I"


async def test_a_digest_camera_with_the_wrong_password_is_in_error(client):
    port = free_port()
    options = SimulatorOptions(
        profile=HIKVISION, port=port, digest_only=True, password="other"
    )
    async with serve(SimulatedONVIFCamera(options).app(), port=port):
        camera_id = await add_onvif(client, port)
        camera = await wait_for_status(client, camera_id, "ERROR", timeout_s=15)

    assert camera["lastError"]


async def test_events_keep_coming_from_a_camera_that_refuses_renew():
    port = free_port()
    options = SimulatorOptions(
        profile=HIKVISION,
        port=port,
        event_interval_s=0.3,
        subscription_lease_s=2,
        refuses_renew=True,
    )
    simulator = SimulatedONVIFCamera(options)
    driver = direct_driver(port, "Stubborn")
    async with serve(simulator.app(), port=port):
        await driver.connect()
        events = driver.events()
        received = []
        try:
            async with asyncio.timeout(30):
                while driver.event_health.creations < 2 or len(received) < 8:
                    received.append(await anext(events))
        finally:
            await events.aclose()
            await driver.close()

    assert driver.event_health.creations >= 2
    assert driver.event_health.renewals_refused >= 1
    assert driver.event_health.failures == 0
    assert len(received) >= 8


async def test_answers_using_undeclared_prefixes_are_recovered(client):
    port = free_port()
    options = SimulatorOptions(
        profile=HIKVISION, port=port, undeclared_prefixes=("tds", "tt")
    )
    async with serve(SimulatedONVIFCamera(options).app(), port=port):
        camera_id = await add_onvif(client, port)
        await wait_for_status(client, camera_id, "ONLINE", timeout_s=15)
        answer = await graphql(
            client,
            '{ camera(id: "%s") { deviceInfo { model } profiles { width } } }'
            % camera_id,
        )

    camera = answer["data"]["camera"]
    assert camera["deviceInfo"]["model"] == "DS-2CD2012-I"
    assert camera["profiles"][0]["width"] == 1280
