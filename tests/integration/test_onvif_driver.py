"""The ONVIF driver through the gateway, against a simulator for each captured device.

What the gateway reports is checked against values the test reads from the capture
files themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from pydantic import SecretStr

from drivers.onvif import ONVIFDriver, ONVIFSettings
from edge_gateway.cameras.driver import CameraContext
from edge_gateway.simulator.camera import SimulatedONVIFCamera, SimulatorOptions
from tests.conftest import add_camera, free_port, graphql, serve, wait_for_status

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "onvif"
DEVICES = sorted(p.parent for p in FIXTURES.glob("*/*/device.GetDeviceInformation.xml"))
PASSWORD = "p@ss:w/rd#1%"
CAMERA = """query($id: ID!) { camera(id: $id) {
    status lastError capabilities clockSkewSeconds
    deviceInfo { manufacturer model firmwareVersion serialNumber }
    profiles { token name encoding width height } streamUri } }"""


def direct_driver(port: int, name: str = "Gate") -> ONVIFDriver:
    """The ONVIF driver on its own, for what the gateway does not show yet."""
    settings = ONVIFSettings(
        host="127.0.0.1", port=port, username="admin", password=SecretStr("admin")
    )
    return ONVIFDriver(CameraContext("1", name), settings)


def captured(path: Path, name: str) -> list[str]:
    root = ElementTree.parse(path).getroot()
    return [
        (e.text or "").strip() for e in root.iter() if e.tag.rsplit("}", 1)[-1] == name
    ]


def captured_tokens(folder: Path) -> list[str]:
    for name in ("media.GetProfiles.xml", "media1.GetProfiles.xml"):
        path = folder / name
        if path.exists():
            root = ElementTree.parse(path).getroot()
            return [
                e.get("token", "") for e in root.iter() if e.tag.endswith("}Profiles")
            ]
    return []


@pytest.fixture(params=DEVICES, ids=lambda p: p.name)
async def simulated(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Path, int]]:
    """A simulator answering as one captured device, with an awkward password."""
    port = free_port()
    options = SimulatorOptions(profile=request.param, port=port, password=PASSWORD)
    async with serve(SimulatedONVIFCamera(options).app(), port=port):
        yield request.param, port


async def add_onvif(
    client: httpx.AsyncClient, port: int, password: str = PASSWORD
) -> str:
    camera = await add_camera(
        client,
        "Gate",
        "onvif",
        host="127.0.0.1",
        port=port,
        username="admin",
        password=password,
    )
    return str(camera["id"])


async def test_the_gateway_reports_what_the_captured_camera_says(client, simulated):
    folder, port = simulated
    camera_id = await add_onvif(client, port)

    await wait_for_status(client, camera_id, "ONLINE", timeout_s=15)
    camera = (await graphql(client, CAMERA, {"id": camera_id}))["data"]["camera"]

    info_file = folder / "device.GetDeviceInformation.xml"
    info = camera["deviceInfo"]
    assert info["manufacturer"] == (captured(info_file, "Manufacturer")[0] or None)
    assert info["model"] == captured(info_file, "Model")[0]
    assert info["firmwareVersion"] == captured(info_file, "FirmwareVersion")[0]
    assert info["serialNumber"] == captured(info_file, "SerialNumber")[0]
    assert [p["token"] for p in camera["profiles"]] == captured_tokens(folder)
    assert abs(camera["clockSkewSeconds"]) < 5
    has_stream_uri = any(
        (folder / f"{s}.GetStreamUri.xml").exists() for s in ("media", "media1")
    )
    if camera["profiles"] and has_stream_uri:
        assert "STREAM" in camera["capabilities"]
        assert camera["streamUri"].startswith("rtsp://127.0.0.1:")
        assert "@" not in camera["streamUri"]
    elif camera["profiles"]:
        assert camera["streamUri"] is None
    if (folder / "ptz.GetNodes.xml").exists() or (
        folder / "ptz.GetStatus.xml"
    ).exists():
        assert "PTZ" in camera["capabilities"] or not camera["profiles"]


def captured_topics(folder: Path) -> set[str]:
    """Topic paths the capture's TopicSet marks as topics, as plain local names."""
    capture = folder / "events.GetEventProperties.xml"
    if not capture.exists():
        return set()
    topic_set = next(
        e
        for e in ElementTree.parse(capture).getroot().iter()
        if e.tag.endswith("}TopicSet")
    )
    found: set[str] = set()

    def walk(element: ElementTree.Element, path: list[str]) -> None:
        if element.tag.startswith("{http://www.onvif.org/ver10/schema}"):
            return
        here = [*path, element.tag.rsplit("}", 1)[-1]]
        if (
            element.get("{http://docs.oasis-open.org/wsn/t-1}topic", "").lower()
            == "true"
        ):
            found.add("/".join(here))
        for child in element:
            walk(child, here)

    for child in topic_set:
        walk(child, [])
    return found


async def test_event_topics_are_the_captured_ones(client, simulated):
    folder, port = simulated
    camera_id = await add_onvif(client, port)
    await wait_for_status(client, camera_id, "ONLINE", timeout_s=15)

    answer = await graphql(client, '{ camera(id: "%s") { eventTopics } }' % camera_id)

    shown = answer["data"]["camera"]["eventTopics"]
    plain = {
        "/".join(part.rsplit(":", 1)[-1] for part in topic.split("/"))
        for topic in shown
    }
    assert plain == captured_topics(folder)
    assert len(shown) == len(plain)


async def test_snapshots_come_through_the_cameras_snapshot_uri(client, simulated):
    folder, port = simulated
    camera_id = await add_onvif(client, port)
    await wait_for_status(client, camera_id, "ONLINE", timeout_s=15)
    capabilities = (await graphql(client, CAMERA, {"id": camera_id}))["data"]["camera"][
        "capabilities"
    ]
    if "SNAPSHOT" not in capabilities:
        pytest.skip(f"{folder.name} gives no snapshot URI")

    response = await client.get(f"/api/cameras/{camera_id}/snapshot.jpg")

    assert response.status_code == 200
    assert response.content[:2] == b"\xff\xd8"


async def test_a_wrong_password_puts_the_camera_in_error(client, simulated):
    _, port = simulated
    camera_id = await add_onvif(client, port, password="wrong")

    camera = await wait_for_status(client, camera_id, "ERROR", timeout_s=15)

    assert "refused the credentials" in camera["lastError"]
    assert "wrong" not in camera["lastError"]


async def test_a_camera_that_is_not_there_is_offline(client):
    camera_id = await add_onvif(client, free_port())

    camera = await wait_for_status(client, camera_id, "OFFLINE", timeout_s=15)

    assert "did not answer" in camera["lastError"]


async def test_ptz_moves_and_presets_reach_the_camera(client):
    port = free_port()
    dome = FIXTURES / "hikvision" / "hikvision-ds-2df7276-ael"
    options = SimulatorOptions(profile=dome, port=port, password=PASSWORD)
    async with serve(SimulatedONVIFCamera(options).app(), port=port):
        cid = await add_onvif(client, port)
        await wait_for_status(client, cid, "ONLINE", timeout_s=15)
        status = "{ position { pan tilt zoom } isMoving }"

        moved = await graphql(
            client,
            f'mutation {{ ptzMove(cameraId: "{cid}", pan: 0.25, tilt: -0.5, zoom: 0.5, mode: ABSOLUTE) {status} }}',
        )
        preset = await graphql(
            client,
            f'mutation {{ setPreset(cameraId: "{cid}", name: "Gate") {{ token }} }}',
        )
        await graphql(
            client, f'mutation {{ ptzMove(cameraId: "{cid}", pan: 1) {status} }}'
        )
        stopped = await graphql(
            client, f'mutation {{ ptzStop(cameraId: "{cid}") {status} }}'
        )
        token = preset["data"]["setPreset"]["token"]
        back = await graphql(
            client,
            f'mutation {{ gotoPreset(cameraId: "{cid}", token: "{token}") {status} }}',
        )
        presets = await graphql(
            client, f'{{ camera(id: "{cid}") {{ presets {{ name }} }} }}'
        )
        home = await graphql(
            client, f'mutation {{ gotoHome(cameraId: "{cid}") {status} }}'
        )
        removed = await graphql(
            client, f'mutation {{ removePreset(cameraId: "{cid}", token: "{token}") }}'
        )
        after = await graphql(
            client, f'{{ camera(id: "{cid}") {{ presets {{ name }} }} }}'
        )

    assert moved["data"]["ptzMove"]["position"] == {
        "pan": 0.25,
        "tilt": -0.5,
        "zoom": 0.5,
    }
    assert stopped["data"]["ptzStop"]["isMoving"] is False
    assert stopped["data"]["ptzStop"]["position"]["pan"] > 0.25
    assert back["data"]["gotoPreset"]["position"] == {
        "pan": 0.25,
        "tilt": -0.5,
        "zoom": 0.5,
    }
    assert presets["data"]["camera"]["presets"] == [{"name": "Gate"}]
    assert home["data"]["gotoHome"]["position"] == {
        "pan": 0.0,
        "tilt": 0.0,
        "zoom": 0.0,
    }
    assert removed == {"data": {"removePreset": True}}
    assert after["data"]["camera"]["presets"] == []


async def test_ptz_on_a_camera_without_a_ptz_service_is_not_supported(client):
    port = free_port()
    fixed = FIXTURES / "hikvision" / "hikvision-ds-2cd2012-i"
    options = SimulatorOptions(profile=fixed, port=port, password=PASSWORD)
    async with serve(SimulatedONVIFCamera(options).app(), port=port):
        cid = await add_onvif(client, port)
        await wait_for_status(client, cid, "ONLINE", timeout_s=15)

        answer = await graphql(
            client, f'mutation {{ ptzStop(cameraId: "{cid}") {{ isMoving }} }}'
        )

    assert answer["errors"][0]["extensions"]["code"] == "NOT_SUPPORTED"


@asynccontextmanager
async def pull_point_of(
    folder: Path,
) -> AsyncIterator[tuple[SimulatedONVIFCamera, ONVIFDriver, Any]]:
    """A simulated camera raising motion, its connected driver, and its events."""
    port = free_port()
    simulator = SimulatedONVIFCamera(
        SimulatorOptions(profile=folder, port=port, event_interval_s=0.2)
    )
    driver = direct_driver(port)
    async with serve(simulator.app(), port=port):
        await driver.connect()
        events = driver.events()
        try:
            yield simulator, driver, events
        finally:
            await events.aclose()
            await driver.close()


async def test_motion_events_arrive_through_a_pull_point_subscription():
    folder = FIXTURES / "hikvision" / "hikvision-ds-2cd2012-i"

    async with pull_point_of(folder) as (simulator, driver, events):
        received = [await asyncio.wait_for(anext(events), 10) for _ in range(4)]

    topics = {event.topic for event in received}
    assert "RuleEngine/CellMotionDetector/Motion" in topics
    motion = next(e for e in received if e.topic.endswith("Motion"))
    assert motion.data["rawTopic"] == "tns1:RuleEngine/CellMotionDetector/Motion"
    assert motion.data["data"] == {"IsMotion": "true"}
    assert driver.event_health.creations == 1 and driver.event_health.messages >= 4
    assert simulator.events.subscriptions == {}


async def test_a_subscription_the_camera_forgets_is_created_again():
    folder = FIXTURES / "hikvision" / "hikvision-ds-2cd2012-i"

    async with pull_point_of(folder) as (simulator, driver, events):
        await asyncio.wait_for(anext(events), 10)
        first = set(simulator.events.subscriptions)
        simulator.events.subscriptions.clear()  # as a reboot would
        await asyncio.wait_for(anext(events), 15)
        second = set(simulator.events.subscriptions)

    assert driver.event_health.creations == 2
    assert driver.event_health.failures == 1
    assert second and not second & first


async def test_imaging_settings_reach_the_camera_and_stick(client):
    port = free_port()
    folder = FIXTURES / "hikvision" / "hikvision-ds-2cd2012-i"
    simulator = SimulatedONVIFCamera(
        SimulatorOptions(profile=folder, port=port, password=PASSWORD)
    )
    async with serve(simulator.app(), port=port):
        cid = await add_onvif(client, port)
        await wait_for_status(client, cid, "ONLINE", timeout_s=15)

        answer = await graphql(
            client,
            'mutation { configureCamera(cameraId: "%s", settings: {brightness: 70, sharpness: 20.5}) { settings capabilities } }'
            % cid,
        )
        refused = await graphql(
            client,
            'mutation { configureCamera(cameraId: "%s", settings: {brightness: 170}) { id } }'
            % cid,
        )

    camera = answer["data"]["configureCamera"]
    assert {"IMAGING", "SETTINGS"} <= set(camera["capabilities"])
    assert (camera["settings"]["brightness"], camera["settings"]["sharpness"]) == (
        70,
        20.5,
    )
    assert "password" not in camera["settings"]
    assert (
        simulator.imaging.values["Brightness"],
        simulator.imaging.values["Sharpness"],
    ) == (70, 20.5)
    assert refused["errors"][0]["extensions"]["fields"].keys() == {"brightness"}


async def test_the_cameras_clock_is_set_and_it_can_be_rebooted(client):
    from datetime import timedelta

    port = free_port()
    folder = FIXTURES / "hikvision" / "hikvision-ds-2cd2012-i"
    options = SimulatorOptions(
        profile=folder, port=port, password=PASSWORD, clock_offset=timedelta(hours=-5)
    )
    simulator = SimulatedONVIFCamera(options)
    async with serve(simulator.app(), port=port):
        cid = await add_onvif(client, port)
        await wait_for_status(client, cid, "ONLINE", timeout_s=15)
        before = await graphql(
            client, '{ camera(id: "%s") { clockSkewSeconds } }' % cid
        )

        synced = await graphql(
            client,
            'mutation { syncCameraTime(cameraId: "%s") { clockSkewSeconds } }' % cid,
        )
        rebooted = await graphql(
            client, 'mutation { rebootCamera(cameraId: "%s") }' % cid
        )

    assert abs(before["data"]["camera"]["clockSkewSeconds"] + 5 * 3600) < 5
    assert abs(synced["data"]["syncCameraTime"]["clockSkewSeconds"]) < 5
    assert abs(simulator.options.clock_offset.total_seconds()) < 5
    assert rebooted == {"data": {"rebootCamera": True}}


async def test_encoder_frame_rate_and_bitrate_reach_the_camera(client):
    port = free_port()
    folder = FIXTURES / "hikvision" / "hikvision-ds-2cd2012-i"
    simulator = SimulatedONVIFCamera(
        SimulatorOptions(profile=folder, port=port, password=PASSWORD)
    )
    token = captured_encoder_token(folder)
    async with serve(simulator.app(), port=port):
        cid = await add_onvif(client, port)
        await wait_for_status(client, cid, "ONLINE", timeout_s=15)
        before = simulator.encoder.value(token, "BitrateLimit")

        answer = await graphql(
            client,
            'mutation { configureCamera(cameraId: "%s", settings: {encoder_fps: 12, encoder_bitrate_kbps: 1024}) { capabilities settings } }'
            % cid,
        )

    camera = answer["data"]["configureCamera"]
    assert "ENCODER" in camera["capabilities"]
    assert before == "2048"
    assert simulator.encoder.value(token, "FrameRateLimit") == "12"
    assert simulator.encoder.value(token, "BitrateLimit") == "1024"
    assert camera["settings"]["encoder_bitrate_kbps"] == 1024


def captured_encoder_token(folder: Path) -> str:
    """The first profile's video encoder configuration token, as captured."""
    root = ElementTree.parse(folder / "media.GetProfiles.xml").getroot()
    profile = next(e for e in root.iter() if e.tag.endswith("}Profiles"))
    encoder = next(e for e in profile if e.tag.endswith("}VideoEncoderConfiguration"))
    return encoder.get("token", "")
