"""The simulated camera: snapshots, settings, PTZ, presets, motion events, metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import cv2
import numpy as np
import pytest

from drivers.simulated import SimulatedDriver, SimulatedSettings
from edge_gateway.cameras.driver import CameraContext, PTZMode, PTZVector
from edge_gateway.errors import CameraUnreachableError, NotFoundError


@pytest.fixture
async def camera() -> AsyncIterator[SimulatedDriver]:
    driver = SimulatedDriver(
        CameraContext(camera_id="7", name="Loading bay"),
        SimulatedSettings(width=320, height=180, motion_interval_s=0.05),
    )
    await driver.connect()
    yield driver
    await driver.close()


def decode(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, "not a JPEG"
    return image


async def test_connect_reports_the_simulated_device(camera: SimulatedDriver):
    info = await camera.connect()

    assert info.manufacturer == "Edge Gateway"
    assert info.serial_number == "SIM-7"


async def test_snapshot_is_a_jpeg_of_the_configured_size(camera: SimulatedDriver):
    image = decode(await camera.snapshot())

    assert image.shape == (180, 320, 3)


async def test_the_object_moves_between_snapshots(camera: SimulatedDriver):
    first = decode(await camera.snapshot())
    await asyncio.sleep(0.6)
    second = decode(await camera.snapshot())

    # Below the caption, only the moving object changes.
    difference = cv2.absdiff(first[40:], second[40:])
    assert int((difference.max(axis=2) > 40).sum()) > 20


async def test_brightness_changes_the_picture(camera: SimulatedDriver):
    dark = decode(await camera.snapshot()).mean()
    await camera.apply_settings(
        SimulatedSettings.model_construct({"brightness"}, brightness=95)
    )
    bright = decode(await camera.snapshot()).mean()

    assert bright > dark + 40


async def test_apply_settings_returns_the_previous_values(camera: SimulatedDriver):
    changes = SimulatedSettings.model_construct({"fps", "width"}, fps=25, width=640)

    previous = await camera.apply_settings(changes)

    assert previous == {"fps": 10, "width": 320}
    assert (await camera.get_settings())["fps"] == 25
    assert (await camera.profiles())[0].width == 640


def test_settings_outside_their_ranges_are_refused():
    with pytest.raises(ValueError) as raised:
        SimulatedSettings(
            brightness=101, fps=0, width=10, height=99999, motion_interval_s=-1
        )

    assert {e["loc"][0] for e in raised.value.errors()} == {  # type: ignore[attr-defined]
        "brightness",
        "fps",
        "width",
        "height",
        "motion_interval_s",
    }


async def test_continuous_move_changes_position_until_stopped(camera: SimulatedDriver):
    await camera.ptz_move(PTZMode.CONTINUOUS, PTZVector(pan=1.0))
    await asyncio.sleep(0.2)
    stopped = await camera.ptz_stop()
    await asyncio.sleep(0.1)
    later = await camera.ptz_status()

    assert 0.05 < stopped.position.pan < 0.5
    assert later.position == stopped.position
    assert not later.is_moving


async def test_moves_stay_inside_the_limits(camera: SimulatedDriver):
    await camera.ptz_move(PTZMode.ABSOLUTE, PTZVector(pan=0.9, tilt=-0.9, zoom=0.9))

    status = await camera.ptz_move(
        PTZMode.RELATIVE, PTZVector(pan=0.5, tilt=-0.5, zoom=0.5)
    )

    assert status.position == PTZVector(pan=1.0, tilt=-1.0, zoom=1.0)


async def test_presets_return_to_where_they_were_set(camera: SimulatedDriver):
    await camera.ptz_move(PTZMode.ABSOLUTE, PTZVector(pan=0.3, tilt=0.2, zoom=0.1))
    preset = await camera.set_preset("Gate")
    await camera.ptz_move(PTZMode.ABSOLUTE, PTZVector())

    status = await camera.goto_preset(preset.token)

    assert status.position == PTZVector(pan=0.3, tilt=0.2, zoom=0.1)
    assert [p.name for p in await camera.ptz_presets()] == ["Gate"]
    with pytest.raises(NotFoundError):
        await camera.goto_preset("missing")


async def test_motion_events_start_and_stop(camera: SimulatedDriver, monkeypatch):
    monkeypatch.setattr("drivers.simulated.driver.MOTION_DURATION_S", 0.05)
    events = camera.events()

    started = await asyncio.wait_for(anext(events), 2)
    stopped = await asyncio.wait_for(anext(events), 2)

    assert started.topic == stopped.topic == "RuleEngine/CellMotionDetector/Motion"
    assert started.data == {"IsMotion": True} and stopped.data == {"IsMotion": False}
    assert stopped.time >= started.time


async def test_events_end_when_the_driver_closes(camera: SimulatedDriver):
    await camera.apply_settings(
        SimulatedSettings.model_construct({"motion_interval_s"}, motion_interval_s=0)
    )
    events = camera.events()
    waiting = asyncio.create_task(anext(events, None))
    await asyncio.sleep(0.05)

    await camera.close()

    assert await asyncio.wait_for(waiting, 2) is None


async def test_metrics_report_frame_rate_and_frame_time(camera: SimulatedDriver):
    metrics = await camera.sample_metrics()

    assert metrics["fps"] == 10.0
    assert 0 < metrics["frame_time_ms"] < 5000


async def test_an_unplugged_camera_refuses_to_connect():
    driver = SimulatedDriver(
        CameraContext(camera_id="1", name="Off"), SimulatedSettings(fail_connect=True)
    )

    with pytest.raises(CameraUnreachableError):
        await driver.connect()
    with pytest.raises(CameraUnreachableError):
        await driver.check_health()


async def test_continuous_zoom_out_from_full_zoom(camera: SimulatedDriver):
    await camera.ptz_move(PTZMode.ABSOLUTE, PTZVector(zoom=1.0))

    moving = await camera.ptz_move(PTZMode.CONTINUOUS, PTZVector(zoom=-1.0))
    await asyncio.sleep(0.2)
    stopped = await camera.ptz_stop()

    assert moving.is_moving
    assert stopped.position.zoom < 0.95
