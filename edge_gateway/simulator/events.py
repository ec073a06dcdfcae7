"""The simulated camera's event service: PullPoint subscriptions with motion.

CreatePullPointSubscription hands out a subscription address on the camera; the
subscription lives until its termination time unless renewed. The camera raises
motion (and, every third time, tamper) on an interval, and each subscription
holds the notifications until they are pulled.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from xml.etree.ElementTree import Element

from edge_gateway.simulator.soap import SOAPError, child_text, envelope

NAMESPACES = {
    "tev": "http://www.onvif.org/ver10/events/wsdl",
    "wsnt": "http://docs.oasis-open.org/wsn/b-2",
    "wsa": "http://www.w3.org/2005/08/addressing",
    "tt": "http://www.onvif.org/ver10/schema",
    "tns1": "http://www.onvif.org/ver10/topics",
}
MOTION = "tns1:RuleEngine/CellMotionDetector/Motion"
TAMPER = "tns1:RuleEngine/TamperDetector/Tamper"
DEFAULT_TERMINATION = timedelta(seconds=60)
MAX_HELD = 200
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


@dataclass
class Subscription:
    """One PullPoint subscription and the notifications waiting in it."""

    terminates_at: datetime
    held: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_HELD))
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


class EventService:
    """PullPoint subscriptions and the camera's own motion."""

    def __init__(
        self,
        base_url: str,
        interval_s: float,
        lease: timedelta | None = None,
        refuses_renew: bool = False,
    ) -> None:
        self._base_url = base_url
        self._interval_s = interval_s
        # A camera that grants its own lease whatever is asked, and refuses Renew,
        # as some do: the subscription dies when the lease runs out.
        self._lease = lease
        self._refuses_renew = refuses_renew
        self.subscriptions: dict[str, Subscription] = {}
        self._raised = 0

    def create(self, request: Element, now: datetime) -> str:
        """CreatePullPointSubscription: a new subscription and its address."""
        identifier = secrets.token_hex(6)
        lifetime = self._lease or _lifetime(
            child_text(request, "InitialTerminationTime"), now
        )
        self.subscriptions[identifier] = Subscription(now + lifetime)
        return envelope(
            "<tev:CreatePullPointSubscriptionResponse>"
            "<tev:SubscriptionReference><wsa:Address>"
            f"{self._base_url}/onvif/subscription/{identifier}"
            "</wsa:Address></tev:SubscriptionReference>"
            f"<wsnt:CurrentTime>{_time(now)}</wsnt:CurrentTime>"
            f"<wsnt:TerminationTime>{_time(now + lifetime)}</wsnt:TerminationTime>"
            "</tev:CreatePullPointSubscriptionResponse>",
            NAMESPACES,
        )

    async def answer(
        self, identifier: str, operation: str, request: Element, now: datetime
    ) -> str:
        """PullMessages, Renew, Unsubscribe or SetSynchronizationPoint."""
        subscription = self._live(identifier, now)
        if operation == "PullMessages":
            return await self._pull(subscription, request, now)
        if operation == "Renew" and self._refuses_renew:
            raise SOAPError("wsrf-rw:ResourceUnknownFault", "Renew is not supported")
        if operation == "Renew":
            lifetime = _lifetime(child_text(request, "TerminationTime"), now)
            subscription.terminates_at = now + lifetime
            return envelope(
                f"<wsnt:RenewResponse><wsnt:TerminationTime>{_time(now + lifetime)}"
                f"</wsnt:TerminationTime><wsnt:CurrentTime>{_time(now)}"
                "</wsnt:CurrentTime></wsnt:RenewResponse>",
                NAMESPACES,
            )
        if operation == "Unsubscribe":
            del self.subscriptions[identifier]
            return envelope("<wsnt:UnsubscribeResponse/>", NAMESPACES)
        if operation == "SetSynchronizationPoint":
            return envelope("<tev:SetSynchronizationPointResponse/>", NAMESPACES)
        raise SOAPError("ter:ActionNotSupported", f"{operation} is not supported here")

    async def raise_events(self, clock: Callable[[], datetime]) -> None:
        """Raise motion on the interval until cancelled."""
        while True:
            await asyncio.sleep(self._interval_s)
            self._raised += 1
            now = clock()
            self.publish(MOTION, "IsMotion", "true", now)
            if self._raised % 3 == 0:
                self.publish(TAMPER, "IsTamper", "true", now)

    def publish(self, topic: str, item: str, value: str, now: datetime) -> None:
        """Hold one notification in every live subscription."""
        message = _notification(topic, item, value, now)
        for subscription in self.subscriptions.values():
            subscription.held.append(message)
            subscription.arrived.set()

    def _live(self, identifier: str, now: datetime) -> Subscription:
        subscription = self.subscriptions.get(identifier)
        if subscription is None or subscription.terminates_at < now:
            self.subscriptions.pop(identifier, None)
            raise SOAPError("wsrf-rw:ResourceUnknownFault", "no such subscription")
        return subscription

    async def _pull(
        self, subscription: Subscription, request: Element, now: datetime
    ) -> str:
        if not subscription.held:
            wait = _lifetime(child_text(request, "Timeout"), now, timedelta(seconds=1))
            subscription.arrived.clear()
            try:
                async with asyncio.timeout(min(wait.total_seconds(), 5.0)):
                    await subscription.arrived.wait()
            except TimeoutError:
                pass
        limit = int(child_text(request, "MessageLimit") or "100")
        messages = [
            subscription.held.popleft()
            for _ in range(min(limit, len(subscription.held)))
        ]
        return envelope(
            f"<tev:PullMessagesResponse><tev:CurrentTime>{_time(now)}</tev:CurrentTime>"
            f"<tev:TerminationTime>{_time(subscription.terminates_at)}"
            f"</tev:TerminationTime>{''.join(messages)}</tev:PullMessagesResponse>",
            NAMESPACES,
        )


def _notification(topic: str, item: str, value: str, now: datetime) -> str:
    return (
        "<wsnt:NotificationMessage>"
        '<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/'
        f'ConcreteSet">{topic}</wsnt:Topic>'
        f'<wsnt:Message><tt:Message UtcTime="{_time(now)}" PropertyOperation="Changed">'
        '<tt:Source><tt:SimpleItem Name="VideoSourceConfigurationToken" '
        'Value="VideoSourceToken"/></tt:Source>'
        f'<tt:Data><tt:SimpleItem Name="{item}" Value="{value}"/></tt:Data>'
        "</tt:Message></wsnt:Message></wsnt:NotificationMessage>"
    )


def _lifetime(
    text: str | None, now: datetime, default: timedelta = DEFAULT_TERMINATION
) -> timedelta:
    if not text:
        return default
    match = _DURATION.match(text)
    if match:
        hours, minutes, seconds = (float(part or 0) for part in match.groups())
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) - now
    except ValueError:
        raise SOAPError(
            "ter:InvalidArgVal", f"{text!r} is no duration or time"
        ) from None


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
