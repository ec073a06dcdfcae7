"""The camera supervisor: connects every camera, checks it, and reconnects it.

Each camera has one task. It connects through the camera's driver, probes what the
camera offers, then checks its health on an interval. A camera that stops answering
goes OFFLINE and is reconnected with exponential backoff and jitter, so a site full
of cameras coming back after a power cut does not hit them all at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    wait_exponential_jitter,
)

from edge_gateway.cameras.driver import CameraContext, DeviceInfo, Driver, MediaProfile
from edge_gateway.cameras.registry import DriverRegistry
from edge_gateway.cameras.status_feed import StatusChange, StatusFeed
from edge_gateway.db.cameras import CameraRecord, CameraStore
from edge_gateway.errors import (
    BadUserInputError,
    CameraRejectedError,
    CameraUnreachableError,
    DriverNotInstalledError,
    GatewayError,
)
from edge_gateway.settings import CameraSupervisionSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Errors after which connecting again later may work.
_RETRYABLE = (CameraUnreachableError, CameraRejectedError, TimeoutError)
# Errors that no retry can mend: the camera's configuration must change first.
_CONFIGURATION_ERRORS = (DriverNotInstalledError, BadUserInputError)


class CameraStatus(StrEnum):
    """Where a camera stands with the gateway."""

    CONNECTING = "CONNECTING"
    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"
    ERROR = "ERROR"


@dataclass(frozen=True)
class CameraState:
    """The supervisor's current view of one camera."""

    status: CameraStatus = CameraStatus.CONNECTING
    last_error: str | None = None
    last_seen_at: datetime | None = None
    device_info: DeviceInfo | None = None
    profiles: tuple[MediaProfile, ...] = ()


@dataclass
class _Watch:
    record: CameraRecord
    task: asyncio.Task[None] | None = None
    driver: Driver[Any] | None = None
    state: CameraState = field(default_factory=CameraState)
    failures: int = 0


class Supervisor:
    """Keeps one task per camera and the latest state of each."""

    def __init__(
        self,
        registry: DriverRegistry,
        store: CameraStore,
        settings: CameraSupervisionSettings,
    ) -> None:
        self._registry = registry
        self._store = store
        self._settings = settings
        self._watches: dict[int, _Watch] = {}
        self.is_running = False
        self.feed = StatusFeed()

    async def start(self) -> None:
        """Start supervising every stored camera."""
        self.is_running = True
        for record in await self._store.all():
            self.watch(record)

    async def stop(self) -> None:
        """Stop every camera task and close every driver."""
        self.is_running = False
        for camera_id in list(self._watches):
            await self.unwatch(camera_id)

    def watch(self, record: CameraRecord) -> None:
        """Supervise a camera, replacing any earlier task for it."""
        previous = self._watches.get(record.id)
        watch = _Watch(record=record)
        if previous is not None:
            watch.state = replace(previous.state, status=CameraStatus.CONNECTING)
        self._watches[record.id] = watch
        watch.task = asyncio.create_task(
            self._supervise(watch, previous), name=f"camera-{record.id}"
        )

    def remember(self, record: CameraRecord) -> None:
        """Use `record` at the camera's next connect, without reconnecting now."""
        watch = self._watches.get(record.id)
        if watch is not None:
            watch.record = record

    def update_profiles(self, camera_id: int, profiles: Sequence[MediaProfile]) -> None:
        """Keep the profiles a camera reports after its settings changed."""
        watch = self._watches.get(camera_id)
        if watch is not None:
            watch.state = replace(watch.state, profiles=tuple(profiles))

    async def unwatch(self, camera_id: int) -> None:
        """Stop supervising a camera and close its driver."""
        watch = self._watches.pop(camera_id, None)
        if watch is not None:
            await _stop(watch)

    def state(self, camera_id: int) -> CameraState:
        """The latest state of a camera (CONNECTING if it is not supervised yet)."""
        watch = self._watches.get(camera_id)
        return watch.state if watch else CameraState()

    def driver(self, camera_id: int) -> Driver[Any]:
        """The connected driver of a camera; `CameraUnreachableError` if none."""
        watch = self._watches.get(camera_id)
        if watch is None or watch.driver is None:
            status = watch.state.status if watch else CameraStatus.CONNECTING
            raise CameraUnreachableError(
                f"camera {camera_id} is not connected (status {status})"
            )
        return watch.driver

    async def _supervise(self, watch: _Watch, previous: _Watch | None) -> None:
        if previous is not None:
            await _stop(previous)
        try:
            while True:
                driver = await self._connect_with_backoff(watch)
                await self._check_until_lost(watch, driver)
        except _CONFIGURATION_ERRORS as err:
            await self._set_state(watch, CameraStatus.ERROR, err.message)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception(
                "camera %s: supervision stopped by an error", watch.record.id
            )
            await self._set_state(watch, CameraStatus.ERROR, "internal error")

    async def _connect_with_backoff(self, watch: _Watch) -> Driver[Any]:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_RETRYABLE),
            wait=wait_exponential_jitter(
                multiplier=self._settings.backoff_initial_s,
                max=self._settings.backoff_max_s,
                jitter=self._settings.backoff_initial_s,
            ),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._connect(watch)
        raise AssertionError("unreachable: tenacity retries until success")

    async def _connect(self, watch: _Watch) -> Driver[Any]:
        record = watch.record
        await self._set_state(watch, CameraStatus.CONNECTING, watch.state.last_error)
        context = CameraContext(
            camera_id=str(record.id),
            name=record.name,
            call_timeout_s=self._settings.call_timeout_s,
        )
        driver = self._registry.create(record.driver, context, record.settings)
        try:
            info = await self._call(driver.connect(), self._settings.connect_timeout_s)
            profiles = await self._call(
                driver.profiles(), self._settings.call_timeout_s
            )
        except _RETRYABLE as err:
            await driver.close()
            await self._lost(
                watch, _describe(err), rejected=isinstance(err, CameraRejectedError)
            )
            raise

        watch.driver = driver
        await self._set_state(
            watch,
            CameraStatus.ONLINE,
            None,
            device_info=info,
            profiles=tuple(profiles),
        )
        return driver

    async def _check_until_lost(self, watch: _Watch, driver: Driver[Any]) -> None:
        while True:
            await asyncio.sleep(self._settings.health_interval_s)
            try:
                await self._call(driver.check_health(), self._settings.call_timeout_s)
            except _RETRYABLE as err:
                watch.driver = None
                await driver.close()
                await self._lost(watch, _describe(err), rejected=False)
                return
            watch.state = replace(watch.state, last_seen_at=datetime.now(UTC))

    async def _lost(self, watch: _Watch, reason: str, *, rejected: bool) -> None:
        watch.failures += 1
        log = logger.warning if watch.failures == 1 else logger.debug
        log(
            "camera %s (%s): %s; retrying with backoff",
            watch.record.id,
            watch.record.name,
            reason,
        )
        status = CameraStatus.ERROR if rejected else CameraStatus.OFFLINE
        await self._set_state(watch, status, reason)

    async def _call(self, call: Awaitable[T], timeout_s: float) -> T:
        # asyncio.timeout rather than wait_for: on Python 3.11, wait_for can swallow
        # a cancellation that arrives as the call completes, and the camera's task
        # would then never stop.
        async with asyncio.timeout(timeout_s):
            return await call

    async def _set_state(
        self,
        watch: _Watch,
        status: CameraStatus,
        last_error: str | None,
        **changes: Any,
    ) -> None:
        before = watch.state
        seen = (
            datetime.now(UTC) if status is CameraStatus.ONLINE else before.last_seen_at
        )
        watch.state = replace(
            before, status=status, last_error=last_error, last_seen_at=seen, **changes
        )
        if status is CameraStatus.ONLINE and before.status is not CameraStatus.ONLINE:
            watch.failures = 0
            logger.info("camera %s (%s) online", watch.record.id, watch.record.name)
        if status is not before.status or last_error != before.last_error:
            self.feed.publish(
                StatusChange(watch.record.id, status, last_error, datetime.now(UTC))
            )
            await self._persist(watch)

    async def _persist(self, watch: _Watch) -> None:
        state = watch.state
        seen = state.last_seen_at.isoformat() if state.last_seen_at else None
        try:
            await self._store.set_status(
                watch.record.id, state.status, state.last_error, seen
            )
        except GatewayError as err:
            logger.warning(
                "camera %s: status not saved: %s", watch.record.id, err.message
            )


async def _stop(watch: _Watch) -> None:
    if watch.task is not None:
        watch.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch.task
    if watch.driver is not None:
        driver, watch.driver = watch.driver, None
        await driver.close()


def _describe(err: BaseException) -> str:
    if isinstance(err, TimeoutError):
        return "the camera did not answer in time"
    if isinstance(err, GatewayError):
        return err.message
    return type(err).__name__
