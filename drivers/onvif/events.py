"""ONVIF events through a PullPoint subscription: create, pull, renew, re-create.

Each subscription is reached at the SubscriptionReference address the camera
gives, and renewed when part of its lease has passed. A camera that refuses Renew
gets a new subscription before the old one ends. A pull that fails (a camera that
rebooted forgot the subscription) ends that subscription; a new one is created
after a pause, at its new address, never the dead one.
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
from onvif.util import normalize_url

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
# Renew when this share of the lease has passed.
RENEW_AT = 0.6
PULLPOINT_NS = "http://www.onvif.org/ver10/events/wsdl/PullPointSubscription"
_PULL_FAILURES = (CameraRejectedError, CameraUnreachableError)


@dataclass
class SubscriptionHealth:
    """How the camera's event subscription is doing."""

    last_message_at: datetime | None = None
    messages: int = 0
    creations: int = 0
    renewals: int = 0
    renewals_refused: int = 0
    failures: int = 0
    last_error: str | None = None


async def pull_point_events(
    camera: ONVIFCamera, name: str, health: SubscriptionHealth
) -> AsyncIterator[CameraEvent]:
    """The camera's events, for as long as the caller iterates."""
    while True:
        try:
            subscription = await _Subscription.create(camera, name)
        except _PULL_FAILURES as err:
            _failed(health, name, err)
            await asyncio.sleep(RECREATE_PAUSE_S)
            continue
        health.creations += 1
        try:
            async for event in subscription.pull(health):
                yield event
        except _PULL_FAILURES as err:
            _failed(health, name, err)
            await asyncio.sleep(RECREATE_PAUSE_S)
        finally:
            await subscription.end()


class _Subscription:
    """One PullPoint subscription: its pull and manager services, and its lease."""

    def __init__(self, name: str, pullpoint: Any, manager: Any, lease_s: float) -> None:
        self._name = name
        self._pullpoint = pullpoint
        self._manager = manager
        self._lease_s = lease_s
        self._renew_at = _now() + lease_s * RENEW_AT

    @classmethod
    async def create(cls, camera: ONVIFCamera, name: str) -> _Subscription:
        """Subscribe, and reach the subscription where the camera says it lives."""
        async with translated(name, "CreatePullPointSubscription"):
            events = await camera.create_events_service()
            answer = await events.CreatePullPointSubscription(
                {"InitialTerminationTime": f"PT{int(LEASE.total_seconds())}S"}
            )
            address = answer.SubscriptionReference.Address._value_1
            camera.xaddrs[PULLPOINT_NS] = camera.rewrite_url(normalize_url(address))
            pullpoint = await camera.create_pullpoint_service()
            manager = await camera.create_subscription_service("PullPointSubscription")
        return cls(name, pullpoint, manager, _lease_s(answer))

    async def pull(self, health: SubscriptionHealth) -> AsyncIterator[CameraEvent]:
        """Pull until the subscription fails or its lease cannot be renewed."""
        while True:
            if _now() >= self._renew_at and not await self._renew(health):
                # Renew refused: this subscription dies at its termination time,
                # so a new one is made now, before events are missed.
                return
            wait = max(1.0, min(PULL_WAIT.total_seconds(), self._renew_at - _now()))
            request = {
                "MessageLimit": MESSAGE_LIMIT,
                "Timeout": timedelta(seconds=wait),
            }
            async with translated(self._name, "PullMessages"):
                result = await self._pullpoint.PullMessages(request)
            for message in getattr(result, "NotificationMessage", None) or []:
                health.messages += 1
                health.last_message_at = datetime.now(UTC)
                yield camera_event(message)

    async def end(self) -> None:
        """Unsubscribe, if the camera still listens."""
        with contextlib.suppress(*_PULL_FAILURES, asyncio.TimeoutError):
            async with asyncio.timeout(5), translated(self._name, "Unsubscribe"):
                await self._manager.Unsubscribe()

    async def _renew(self, health: SubscriptionHealth) -> bool:
        try:
            async with translated(self._name, "Renew"):
                answer = await self._manager.Renew(
                    {"TerminationTime": f"PT{int(LEASE.total_seconds())}S"}
                )
        except _PULL_FAILURES as err:
            health.renewals_refused += 1
            logger.debug("camera %s: Renew refused (%s)", self._name, err)
            return False
        health.renewals += 1
        self._renew_at = _now() + _lease_s(answer) * RENEW_AT
        return True


def _lease_s(answer: Any) -> float:
    current = getattr(answer, "CurrentTime", None)
    termination = getattr(answer, "TerminationTime", None)
    if current and termination:
        granted: float = (termination - current).total_seconds()
        return max(1.0, granted)
    return LEASE.total_seconds()


def _now() -> float:
    now: float = asyncio.get_running_loop().time()
    return now


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
