"""Camera status changes, fanned out to live subscribers.

Each subscriber has a bounded queue. One that does not keep up loses its oldest
changes rather than slowing the supervisor or growing without bound: a status feed
is about the present, and the latest change of each camera is what matters.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

QUEUE_SIZE = 256


@dataclass(frozen=True)
class StatusChange:
    """One camera moved to another status."""

    camera_id: int
    status: str
    last_error: str | None
    at: datetime


class StatusFeed:
    """Publishes status changes to every current subscriber."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[StatusChange]] = set()

    @property
    def subscriber_count(self) -> int:
        """How many subscribers are listening."""
        return len(self._queues)

    def publish(self, change: StatusChange) -> None:
        """Hand a change to every subscriber without waiting for any."""
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(change)

    async def subscribe(self) -> AsyncIterator[StatusChange]:
        """Changes from now on, until the subscriber stops iterating."""
        queue: asyncio.Queue[StatusChange] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            with contextlib.suppress(KeyError):
                self._queues.remove(queue)
