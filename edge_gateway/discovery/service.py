"""Discovery as the API offers it: probe, merge, list, adopt."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from edge_gateway.cameras.service import Camera, CameraService
from edge_gateway.db.discovered import DiscoveredRecord, DiscoveredStore
from edge_gateway.discovery.mdns import MDNSService, browse
from edge_gateway.discovery.scopes import read_scopes
from edge_gateway.discovery.wsdiscovery import ProbeMatch, probe
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
        if self._settings.mdns_browse:
            matches += await self._browse_mdns(matches)
        for match in matches:
            await self._store.merge(match)
        logger.info("discovery: %s answers", len(matches))
        return await self.devices()

    async def _browse_mdns(self, probed: list[ProbeMatch]) -> list[ProbeMatch]:
        # A camera that answered the probe and also announces itself over mDNS is
        # one device: its mDNS entry is dropped when it names an address and port
        # the probe already listed.
        known = {_host_port(x) for match in probed for x in match.xaddrs}
        known |= {
            _host_port(x) for record in await self._store.all() for x in record.xaddrs
        }
        services = await browse(
            self._settings.mdns_service_types,
            self._settings.mdns_interfaces,
            self._settings.probe_timeout_s,
        )
        found = []
        for service in services:
            xaddrs = tuple(_mdns_address(service, a) for a in service.addresses)
            if not xaddrs or any(_host_port(x) in known for x in xaddrs):
                continue
            found.append(
                ProbeMatch(
                    endpoint_reference=f"mdns:{service.service_type}{service.name}",
                    types=(service.service_type,),
                    scopes=(f"onvif://www.onvif.org/name/{quote(service.name)}",),
                    xaddrs=xaddrs,
                    source=service.addresses[0],
                )
            )
        return found

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


def _mdns_address(service: MDNSService, address: str) -> str:
    if service.service_type.startswith("_onvif."):
        return f"http://{address}:{service.port}/onvif/device_service"
    if service.service_type.startswith("_rtsp."):
        return f"rtsp://{address}:{service.port}/{service.properties.get('path', '')}"
    return f"http://{address}:{service.port}/"


def _host_port(xaddr: str) -> tuple[str | None, int | None]:
    try:
        parts = urlsplit(xaddr)
        return parts.hostname, parts.port or (80 if parts.scheme == "http" else None)
    except ValueError:
        return None, None


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
