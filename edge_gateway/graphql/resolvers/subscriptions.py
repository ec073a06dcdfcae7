"""Resolvers of subscriptions: live feeds over WebSocket."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from ariadne import SubscriptionType

from edge_gateway.cameras.status_feed import StatusChange
from edge_gateway.graphql.context import services

if TYPE_CHECKING:
    from edge_gateway.graphql.context import Info

subscription = SubscriptionType()


@subscription.source("cameraStatus")
async def source_camera_status(
    _: None, info: Info, camera_id: str | None = None
) -> AsyncGenerator[StatusChange, None]:
    """Status changes, of one camera if `cameraId` is given."""
    async for change in services(info).supervisor.feed.subscribe():
        if camera_id is None or str(change.camera_id) == camera_id:
            yield change


@subscription.field("cameraStatus")
def resolve_camera_status(change: StatusChange, _: Info) -> StatusChange:
    """Each change as it is."""
    return change


BINDABLES = [subscription]
