"""Resolvers of discovery: the devices found, probing, and adopting one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ariadne import MutationType, QueryType

from edge_gateway.cameras.service import Camera
from edge_gateway.discovery.service import DiscoveredDevice
from edge_gateway.errors import NotFoundError
from edge_gateway.graphql.context import services
from edge_gateway.graphql.cursors import is_small_number

if TYPE_CHECKING:
    from edge_gateway.graphql.context import Info

query = QueryType()
mutation = MutationType()


@query.field("discoveredDevices")
async def resolve_discovered_devices(_: None, info: Info) -> list[DiscoveredDevice]:
    """Every device found so far."""
    return await services(info).discovery.devices()


@mutation.field("runDiscovery")
async def resolve_run_discovery(_: None, info: Info) -> list[DiscoveredDevice]:
    """Probe now."""
    return await services(info).discovery.run()


@mutation.field("adoptDevice")
async def resolve_adopt_device(
    _: None, info: Info, id: str, username: str, password: str
) -> Camera:
    """Make a discovered device a camera."""
    if not is_small_number(id):
        raise NotFoundError(f"no discovered device with id {id!r}")
    return await services(info).discovery.adopt(int(id), username, password)


BINDABLES = [query, mutation]
