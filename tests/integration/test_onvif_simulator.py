"""The simulated ONVIF camera, driven by the real ONVIF client library over HTTP.

For every captured device it must become that device: the values the client reads
are checked against the capture files themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from onvif import ONVIFCamera
from onvif.exceptions import ONVIFError
from zeep.exceptions import Fault

from edge_gateway.simulator.camera import SimulatedONVIFCamera, SimulatorOptions
from tests.conftest import free_port, serve

# What the client library raises for a refused request, depending on the call.
REFUSED = (ONVIFError, Fault)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "onvif"
DEVICES = sorted(p.parent for p in FIXTURES.glob("*/*/device.GetDeviceInformation.xml"))


def texts(path: Path, name: str) -> list[str]:
    """The texts of every element called `name` (any namespace) in a capture."""
    root = ElementTree.parse(path).getroot()
    return [
        (e.text or "").strip() for e in root.iter() if e.tag.rsplit("}", 1)[-1] == name
    ]


async def simulator_for(
    folder: Path, **options: object
) -> AsyncIterator[tuple[int, SimulatedONVIFCamera]]:
    port = free_port()
    camera = SimulatedONVIFCamera(
        SimulatorOptions(profile=folder, port=port, **options)
    )  # type: ignore[arg-type]
    async with serve(camera.app(), port=port):
        yield port, camera


@pytest.fixture(params=DEVICES, ids=lambda p: p.name)
async def device(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Path, int]]:
    """A simulator answering as one captured device."""
    async for port, _ in simulator_for(request.param):
        yield request.param, port


async def connected(
    port: int, password: str = "admin", adjust_time: bool = True
) -> ONVIFCamera:
    camera = ONVIFCamera("127.0.0.1", port, "admin", password, adjust_time=adjust_time)
    await camera.update_xaddrs()
    return camera


def test_every_captured_device_folder_is_tested():
    assert len(DEVICES) >= 8


async def test_device_information_is_the_captured_devices(device):
    folder, port = device
    capture = folder / "device.GetDeviceInformation.xml"
    camera = await connected(port)

    try:
        info = await (await camera.create_devicemgmt_service()).GetDeviceInformation()
    finally:
        await camera.close()

    for field in ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber"):
        assert (getattr(info, field) or "") == texts(capture, field)[0], field


async def test_every_xaddr_points_at_the_simulator(device):
    _, port = device
    camera = await connected(port)
    await camera.close()

    assert camera.xaddrs
    for address in camera.xaddrs.values():
        assert address.startswith(f"http://127.0.0.1:{port}/"), address


async def test_profiles_and_resolutions_are_the_captured_ones(device):
    folder, port = device
    captures = [folder / "media.GetProfiles.xml", folder / "media1.GetProfiles.xml"]
    capture = next((c for c in captures if c.exists()), None)
    if capture is None:
        pytest.skip(f"{folder.name} has no Media GetProfiles capture")
    camera = await connected(port)

    try:
        profiles = await (await camera.create_media_service()).GetProfiles()
    finally:
        await camera.close()

    captured = captured_profiles(capture)
    assert [p.token for p in profiles] == [token for token, _ in captured]
    for profile, (_, width) in zip(profiles, captured, strict=True):
        encoder = profile.VideoEncoderConfiguration
        assert (str(encoder.Resolution.Width) if encoder else None) == width


def captured_profiles(capture: Path) -> list[tuple[str, str | None]]:
    """Each profile's token and video encoder width, as the capture has them."""
    root = ElementTree.parse(capture).getroot()
    found = []
    for profile in (e for e in root.iter() if e.tag.endswith("}Profiles")):
        encoder = next(
            (e for e in profile if e.tag.endswith("}VideoEncoderConfiguration")), None
        )
        widths = (
            [w.text for w in encoder.iter() if w.tag.endswith("}Width")]
            if encoder is not None
            else []
        )
        found.append((profile.get("token", ""), widths[0].strip() if widths else None))
    return found


async def test_a_wrong_password_is_not_authorized():
    async for port, _ in simulator_for(DEVICES[0]):
        camera = ONVIFCamera("127.0.0.1", port, "admin", "wrong", adjust_time=True)
        with pytest.raises(REFUSED, match="password is wrong"):
            await camera.update_xaddrs()
        await camera.close()


async def test_a_clock_six_months_behind_needs_the_time_offset():
    behind = -timedelta(days=182)
    async for port, _ in simulator_for(DEVICES[0], clock_offset=behind):
        naive = ONVIFCamera("127.0.0.1", port, "admin", "admin", adjust_time=False)
        with pytest.raises(REFUSED, match="too far from the camera's time"):
            await naive.update_xaddrs()
        await naive.close()

        adjusted = await connected(port)
        info = await (await adjusted.create_devicemgmt_service()).GetDeviceInformation()
        await adjusted.close()

    assert info.Manufacturer


async def test_unknown_operations_and_garbage_get_soap_faults():
    async for port, _ in simulator_for(DEVICES[0]):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            garbage = await http.post("/onvif/device_service", content=b"<not-soap")
            unknown = await http.post(
                "/onvif/device_service",
                content=b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>'
                b'<x:GetSystemDateAndTime xmlns:x="http://www.onvif.org/ver10/device/wsdl"/>'
                b"</e:Body></e:Envelope>",
            )
            snapshot = await http.get("/snapshot.jpg")

    assert garbage.status_code == 400 and b"InvalidArgs" in garbage.content
    assert unknown.status_code == 200 and b"UTCDateTime" in unknown.content
    assert snapshot.headers["content-type"] == "image/jpeg"
