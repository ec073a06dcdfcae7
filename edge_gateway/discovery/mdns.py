"""mDNS / DNS-SD through zeroconf: the gateway advertises itself and browses cameras."""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass

from zeroconf import IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from edge_gateway import __version__

logger = logging.getLogger(__name__)

GATEWAY_TYPE = "_edge-gateway._tcp.local."
# How long to wait for each found service's address and port, in milliseconds.
RESOLVE_TIMEOUT_MS = 1500


@dataclass(frozen=True)
class MDNSService:
    """One service found by browsing."""

    service_type: str
    name: str
    addresses: tuple[str, ...]
    port: int
    properties: dict[str, str]


def service_info(
    service_type: str,
    name: str,
    addresses: list[str],
    port: int,
    properties: dict[str, str],
) -> AsyncServiceInfo:
    """A DNS-SD record set for one service instance."""
    return AsyncServiceInfo(
        service_type,
        f"{name}.{service_type}",
        addresses=[socket.inet_aton(address) for address in addresses],
        port=port,
        properties=properties,
        server=f"{socket.gethostname().split('.')[0] or 'edge-gateway'}.local.",
    )


class GatewayAdvertiser:
    """Announces the gateway as `_edge-gateway._tcp` on the configured interfaces."""

    def __init__(self, interfaces: list[str], port: int) -> None:
        self._interfaces = interfaces
        self._port = port
        self._zeroconf: AsyncZeroconf | None = None

    async def start(self) -> None:
        """Register the service; a failure is logged and the gateway goes on."""
        name = f"Edge Gateway on {socket.gethostname()}"
        info = service_info(
            GATEWAY_TYPE,
            name,
            self._interfaces,
            self._port,
            {"path": "/graphql", "version": __version__},
        )
        try:
            self._zeroconf = AsyncZeroconf(
                interfaces=self._interfaces, ip_version=IPVersion.V4Only
            )
            await self._zeroconf.async_register_service(info, allow_name_change=True)
        except (OSError, ValueError) as err:
            logger.warning("mDNS: the gateway is not advertised: %s", err)
            await self.stop()
            return
        logger.info("mDNS: advertised as %r on %s", name, ", ".join(self._interfaces))

    async def stop(self) -> None:
        """Withdraw the service."""
        if self._zeroconf is not None:
            zeroconf, self._zeroconf = self._zeroconf, None
            await zeroconf.async_unregister_all_services()
            await zeroconf.async_close()


async def browse(
    service_types: list[str], interfaces: list[str], timeout_s: float
) -> list[MDNSService]:
    """The services of these types that announce themselves within `timeout_s`."""
    names: set[tuple[str, str]] = set()

    def found(
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        if state_change is ServiceStateChange.Added:
            names.add((service_type, name))

    zeroconf = AsyncZeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
    try:
        browser = AsyncServiceBrowser(
            zeroconf.zeroconf, service_types, handlers=[found]
        )
        await asyncio.sleep(timeout_s)
        await browser.async_cancel()
        return [
            service
            for service_type, name in sorted(names)
            if (service := await _resolve(zeroconf, service_type, name)) is not None
        ]
    finally:
        await zeroconf.async_close()


async def _resolve(
    zeroconf: AsyncZeroconf, service_type: str, name: str
) -> MDNSService | None:
    info = AsyncServiceInfo(service_type, name)
    if not await info.async_request(zeroconf.zeroconf, RESOLVE_TIMEOUT_MS):
        return None
    properties = {
        key.decode(errors="replace"): (value or b"").decode(errors="replace")
        for key, value in info.properties.items()
    }
    return MDNSService(
        service_type=service_type,
        name=name.removesuffix(f".{service_type}"),
        addresses=tuple(info.parsed_addresses()),
        port=info.port or 0,
        properties=properties,
    )
