"""ONVIF events through a PullPoint subscription: create, pull, renew, re-create.

The library's PullPoint manager creates the subscription at the camera's
SubscriptionReference address and renews it before it terminates. A pull that
fails (a camera that rebooted forgot the subscription, one that refuses Renew let
it expire) ends that subscription; a new one is created after a pause, so the
new address is used and never the dead one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from onvif import ONVIFCamera

from drivers.onvif.errors import translated
from drivers.onvif.topics import normalize_topic
from edge_gateway.cameras.driver import CameraEvent
from edge_gateway.errors import CameraRejectedError, CameraUnreachableError

logger = logging.getLogger(__name__)

# The subscription's lease; the manager renews it well before it runs out.
LEASE = timedelta(seconds=60)
# How long one pull may wait at the camera for a message.
PULL_WAIT = timedelta(seconds=5)
MESSAGE_LIMIT = 100
RECREATE_PAUSE_S = 2.0
_PULL_FAILURES = (CameraRejectedError, CameraUnreachableError)


@dataclass
class SubscriptionHealth:
    """How the camera's event subscription is doing."""

    last_message_at: datetime | None = None
    messages: int = 0
    creations: int = 0
    failures: int = 0
    last_error: str | None = None


async def pull_point_events(
    camera: ONVIFCamera, name: str, health: SubscriptionHealth
) -> AsyncIterator[CameraEvent]:
    """The camera's events, for as long as the caller iterates."""
    while True:
        try:
            async with translated(name, "CreatePullPointSubscription"):
                manager = await camera.create_pullpoint_manager(LEASE, lambda: None)
        except _PULL_FAILURES as err:
            _failed(health, name, err)
            await asyncio.sleep(RECREATE_PAUSE_S)
            continue
        health.creations += 1
        try:
            async for event in _pull(manager.get_service(), name, health):
                yield event
        except _PULL_FAILURES as err:
            _failed(health, name, err)
        finally:
            with contextlib.suppress(Exception):
                await manager.shutdown()
        await asyncio.sleep(RECREATE_PAUSE_S)


async def _pull(
    service: Any, name: str, health: SubscriptionHealth
) -> AsyncIterator[CameraEvent]:
    request = {"MessageLimit": MESSAGE_LIMIT, "Timeout": PULL_WAIT}
    while True:
        async with translated(name, "PullMessages"):
            result = await service.PullMessages(request)
        for message in getattr(result, "NotificationMessage", None) or []:
            event = camera_event(message)
            health.messages += 1
            health.last_message_at = datetime.now(UTC)
            yield event


def camera_event(message: Any) -> CameraEvent:
    """An ONVIF NotificationMessage as a camera event, raw topic and items kept."""
    raw_topic = str(getattr(message.Topic, "_value_1", "") or "")
    body = getattr(message.Message, "_value_1", None)
    when = getattr(body, "UtcTime", None) or datetime.now(UTC)
    return CameraEvent(
        topic=normalize_topic(raw_topic) or raw_topic,
        time=when if when.tzinfo else when.replace(tzinfo=UTC),
        data={
            "rawTopic": raw_topic,
            "operation": getattr(body, "PropertyOperation", None),
            "source": _items(getattr(body, "Source", None)),
            "data": _items(getattr(body, "Data", None)),
        },
    )


def _items(group: Any) -> dict[str, str]:
    items = getattr(group, "SimpleItem", None) or []
    return {str(item.Name): str(item.Value) for item in items}


def _failed(health: SubscriptionHealth, name: str, err: Exception) -> None:
    health.failures += 1
    health.last_error = str(err)
    log = logger.warning if health.failures == 1 else logger.debug
    log("camera %s: event subscription lost (%s); creating a new one", name, err)
