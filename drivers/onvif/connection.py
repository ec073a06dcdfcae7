"""Opening an ONVIF session: the camera's clock first, then its services.

A camera checks the time inside each WS-UsernameToken, and many cameras' clocks
are hours or months off. The time is read without credentials first, and the
offset is applied to every token; a refusal reads the time again once (the clock
may have been set meanwhile) before it is taken for a wrong password.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from onvif import ONVIFCamera

from drivers.onvif.errors import translated
from drivers.onvif.settings import ONVIFSettings
from drivers.onvif.transport import DigestONVIFCamera, set_clock_offset
from edge_gateway.errors import AuthFailedError

logger = logging.getLogger(__name__)

# Service namespaces as the device lists them, and what each one enables.
NS_PTZ = "http://www.onvif.org/ver20/ptz/wsdl"
NS_EVENTS = "http://www.onvif.org/ver10/events/wsdl"
NS_IMAGING = "http://www.onvif.org/ver20/imaging/wsdl"
NS_MEDIA = "http://www.onvif.org/ver10/media/wsdl"
NS_MEDIA2 = "http://www.onvif.org/ver20/media/wsdl"


@dataclass(frozen=True)
class Session:
    """An open ONVIF session and what it found."""

    camera: ONVIFCamera
    clock_skew_s: float
    services: frozenset[str]
    behind_nat: bool


async def open_session(settings: ONVIFSettings, name: str) -> Session:
    """Connect, compensate the clock, and list the camera's services."""
    password = settings.password.get_secret_value()
    camera = DigestONVIFCamera(
        settings.host, settings.port, settings.username, password, adjust_time=True
    )
    try:
        await _update_xaddrs(camera, name)
        behind_nat = _names_another_host(camera, settings.host)
        if behind_nat:
            # The camera advertises addresses of a network we are not on (NAT,
            # 0.0.0.0, its own loopback): reach every service where we reached it.
            logger.debug("camera %s advertises other hosts; rewriting XAddrs", name)
            camera.nat_override = True
            await _update_xaddrs(camera, name)
    except BaseException:
        await camera.close()
        raise
    skew = camera.dt_diff.total_seconds() if camera.dt_diff is not None else 0.0
    return Session(camera, skew, frozenset(camera.xaddrs), behind_nat)


async def remeasure_clock(camera: ONVIFCamera, name: str) -> float:
    """Read the camera's clock again and sign from now on with the new offset.

    The services in use are kept, not restarted: a health check or a pull may be
    running on them at this very moment.
    """
    async with translated(name, "GetSystemDateAndTime"):
        device = await camera.create_devicemgmt_service()
        answer = await device.authless_GetSystemDateAndTime()
    utc = answer.UTCDateTime
    camera_time = datetime(
        utc.Date.Year,
        utc.Date.Month,
        utc.Date.Day,
        utc.Time.Hour,
        utc.Time.Minute,
        utc.Time.Second,
        tzinfo=UTC,
    )
    offset = camera_time - datetime.now(UTC)
    set_clock_offset(camera, offset)
    return offset.total_seconds()


async def _update_xaddrs(camera: ONVIFCamera, name: str) -> None:
    try:
        async with translated(name, "GetServices"):
            await camera.update_xaddrs()
    except AuthFailedError:
        logger.debug("camera %s refused the token; reading its clock again", name)
        async with translated(name, "GetServices"):
            await camera.update_xaddrs()


def _names_another_host(camera: ONVIFCamera, host: str) -> bool:
    for address in camera.xaddrs.values():
        try:
            advertised = urlsplit(address).hostname
        except ValueError:
            return True
        if advertised is not None and advertised.lower() != host.lower():
            return True
    return False
