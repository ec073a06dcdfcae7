"""Discovery as the API offers it: probe, merge, list, adopt."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from edge_gateway.cameras.service import Camera, CameraService
from edge_gateway.db.discovered import DiscoveredRecord, DiscoveredStore
from edge_gateway.discovery.scopes import read_scopes
from edge_gateway.discovery.wsdiscovery import probe
from edge_gateway.errors import BadUserInputError, NotFoundError
from edge_gateway.settings import DiscoverySettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiscoveredDevice:
    """A discovered device as clients see it."""

    id: int
    endpoint_reference: str
    name: str | None
    hardware: str | None
    location: str | None
    xaddrs: tuple[str, ...]
    reachable_xaddrs: tuple[str, ...]
    scopes: tuple[str, ...]
    source: str
    first_seen_at: str
    last_seen_at: str
    camera_id: int | None

    @property
    def is_adopted(self) -> bool:
        """Whether the device is a camera of the gateway already."""
        return self.camera_id is not None


class DiscoveryService:
    """Runs probes and keeps what answered."""

    def __init__(
        self,
        settings: DiscoverySettings,
        store: DiscoveredStore,
        cameras: CameraService,
    ) -> None:
        self._settings = settings
        self._store = store
        self._cameras = cameras

    async def run(self) -> list[DiscoveredDevice]:
        """Probe as configured, merge the answers, return every known device."""
        matches = await probe(
            self._settings.hosts(),
            multicast=self._settings.multicast,
            timeout_s=self._settings.probe_timeout_s,
            rate_per_s=self._settings.probe_rate_per_s,
        )
        for match in matches:
            await self._store.merge(match)
        logger.info("discovery: %s answers", len(matches))
        return await self.devices()

    async def devices(self) -> list[DiscoveredDevice]:
        """Every device discovered so far."""
        return [_device(record) for record in await self._store.all()]

    async def adopt(self, device_id: int, username: str, password: str) -> Camera:
        """Add a discovered device as an ONVIF camera."""
        record = await self._store.get(device_id)
        if record is None:
            raise NotFoundError(f"no discovered device with id {device_id}")
        device = _device(record)
        if not device.reachable_xaddrs:
            raise BadUserInputError(
                "the device lists no address the gateway can reach",
                {"id": "unreachable"},
            )
        address = urlsplit(device.reachable_xaddrs[0])
        settings = {
            "host": address.hostname,
            "port": address.port or 80,
            "username": username,
            "password": password,
        }
        name = device.name or device.hardware or device.endpoint_reference
        camera = await self._cameras.add_camera(
            f"{name} ({address.hostname})", "onvif", settings
        )
        await self._store.adopt(device_id, camera.id)
        return camera


def _device(record: DiscoveredRecord) -> DiscoveredDevice:
    info = read_scopes(record.scopes)
    return DiscoveredDevice(
        id=record.id,
        endpoint_reference=record.endpoint_reference,
        name=info.name,
        hardware=info.hardware,
        location=info.location,
        xaddrs=record.xaddrs,
        reachable_xaddrs=tuple(
            x for x in record.xaddrs if _is_reachable(x, record.source)
        ),
        scopes=record.scopes,
        source=record.source,
        first_seen_at=record.first_seen_at,
        last_seen_at=record.last_seen_at,
        camera_id=record.camera_id,
    )


def _is_reachable(xaddr: str, source: str) -> bool:
    # An XAddr is kept when it names the address the answer came from; devices
    # with several interfaces list addresses of networks the gateway is not on.
    try:
        parts = urlsplit(xaddr)
        host = parts.hostname
        if parts.scheme not in ("http", "https") or host is None:
            return False
        return ipaddress.ip_address(host) == ipaddress.ip_address(source)
    except ValueError:
        return False
