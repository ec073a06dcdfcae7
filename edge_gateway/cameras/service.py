"""Camera operations as the API offers them: registry, store and supervisor joined."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from edge_gateway.cameras.driver import (
    Capability,
    DeviceInfo,
    Driver,
    MediaProfile,
    PTZMode,
    PTZPreset,
    PTZStatus,
    PTZVector,
)
from edge_gateway.cameras.registry import (
    DriverRegistry,
    public_settings,
    stored_settings,
)
from edge_gateway.cameras.supervisor import CameraStatus, Supervisor
from edge_gateway.db.cameras import CameraFilter, CameraRecord, CameraStore
from edge_gateway.errors import (
    BadUserInputError,
    CameraUnreachableError,
    DriverNotInstalledError,
    NotFoundError,
    NotSupportedError,
)
from edge_gateway.redact import without_credentials

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Camera:
    """A camera as clients see it: the stored record joined with its live state."""

    id: int
    name: str
    driver: str
    status: CameraStatus
    last_error: str | None
    last_seen_at: datetime | None
    capabilities: tuple[Capability, ...]
    settings: dict[str, Any]
    device_info: DeviceInfo | None
    profiles: tuple[MediaProfile, ...]
    clock_skew_seconds: float | None
    event_topics: tuple[str, ...]
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class CameraPage:
    """One page of a camera list."""

    cameras: list[Camera]
    has_next_page: bool
    total_count: int


class CameraService:
    """What the API may do with cameras."""

    def __init__(
        self,
        registry: DriverRegistry,
        store: CameraStore,
        supervisor: Supervisor,
        call_timeout_s: float,
    ) -> None:
        self.registry = registry
        self._store = store
        self._supervisor = supervisor
        self._call_timeout_s = call_timeout_s
        self._locks: dict[int, asyncio.Lock] = {}

    async def list_cameras(
        self, first: int, after_id: int | None, where: CameraFilter
    ) -> CameraPage:
        """A page of cameras in id order, after the camera `after_id`."""
        if not 0 <= first <= MAX_PAGE_SIZE:
            raise BadUserInputError(
                f"first must be between 0 and {MAX_PAGE_SIZE}",
                {"first": f"between 0 and {MAX_PAGE_SIZE}"},
            )
        records, has_next = await self._store.page(first, after_id, where)
        total = await self._store.count(where)
        return CameraPage([self._view(r) for r in records], has_next, total)

    async def get_camera(self, camera_id: int) -> Camera | None:
        """The camera with this id, or `None`."""
        record = await self._store.get(camera_id)
        return self._view(record) if record else None

    async def add_camera(
        self, name: str, driver: str, settings: Mapping[str, Any] | None
    ) -> Camera:
        """Validate, store and start supervising a new camera."""
        name = _clean_name(name)
        validated = self.registry.validate(driver, settings or {})

        record = await self._store.add(name, driver, stored_settings(validated))
        self._supervisor.watch(record)

        logger.info("camera %s (%s) added with the %s driver", record.id, name, driver)
        return self._view(record)

    async def update_camera(
        self, camera_id: int, name: str | None, settings: Mapping[str, Any] | None
    ) -> Camera:
        """Rename a camera or change its settings; it reconnects with them."""
        async with self._lock(camera_id):
            return await self._update_camera(camera_id, name, settings)

    async def _update_camera(
        self, camera_id: int, name: str | None, settings: Mapping[str, Any] | None
    ) -> Camera:
        record = await self._require(camera_id)
        new_name = _clean_name(name) if name is not None else record.name
        merged = _merge(record.settings, settings)
        validated = self.registry.validate(record.driver, merged)

        updated = await self._store.update(
            camera_id, new_name, stored_settings(validated)
        )
        if updated is None:
            raise _not_found(camera_id)
        self._supervisor.watch(updated)

        logger.info("camera %s (%s) updated", camera_id, new_name)
        return self._view(updated)

    async def delete_camera(self, camera_id: int) -> None:
        """Stop supervising a camera and forget it."""
        async with self._lock(camera_id):
            await self._require(camera_id)
            await self._supervisor.unwatch(camera_id)
            await self._store.delete(camera_id)
        self._locks.pop(camera_id, None)
        logger.info("camera %s deleted", camera_id)

    async def configure_camera(
        self, camera_id: int, changes: Mapping[str, Any]
    ) -> Camera:
        """Apply settings to the running camera and keep them for the next connect."""
        async with self._lock(camera_id):
            return await self._configure_camera(camera_id, changes)

    async def _configure_camera(
        self, camera_id: int, changes: Mapping[str, Any]
    ) -> Camera:
        record = await self._require(camera_id)
        validated = self.registry.validate(
            record.driver, _merge(record.settings, changes)
        )
        driver = self._supervisor.driver(camera_id)
        _require_capability(driver, Capability.SETTINGS, "settings")

        changed = set(changes) & set(type(validated).model_fields)
        only_changes = type(validated).model_construct(changed, **dict(validated))
        await self._call(driver.apply_settings(only_changes))
        updated = await self._store.update(
            camera_id, record.name, stored_settings(validated)
        )
        if updated is None:
            raise _not_found(camera_id)
        self._supervisor.remember(updated)
        # Size and encoding settings change what the profiles say.
        self._supervisor.update_profiles(camera_id, await self._call(driver.profiles()))

        logger.info(
            "camera %s: settings %s applied", camera_id, ", ".join(sorted(changes))
        )
        return self._view(updated)

    async def stream_uri(self, camera_id: int, profile: str | None) -> str:
        """A profile's stream URI as it may be shown: without credentials."""
        driver = await self._driver(camera_id, Capability.STREAM, "streams")
        if profile is None:
            profiles = await self._call(driver.profiles())
            if not profiles:
                raise NotFoundError(f"camera {camera_id} has no media profile")
            profile = profiles[0].token
        return without_credentials(await self._call(driver.stream_uri(profile)))

    async def reboot(self, camera_id: int) -> None:
        """Restart a camera; the supervisor sees it go and come back."""
        driver = await self._driver(camera_id, Capability.REBOOT, "reboot")
        await self._call(driver.reboot())
        logger.info("camera %s: reboot requested", camera_id)

    async def sync_time(self, camera_id: int) -> Camera:
        """Set a camera's clock to the gateway's."""
        driver = await self._driver(camera_id, Capability.TIME_SYNC, "time sync")
        await self._call(driver.sync_time())
        logger.info("camera %s: clock set", camera_id)
        return self._view(await self._require(camera_id))

    async def snapshot(self, camera_id: int, profile: str | None = None) -> bytes:
        """A JPEG of what the camera sees now."""
        driver = await self._driver(camera_id, Capability.SNAPSHOT, "snapshots")
        return await self._call(driver.snapshot(profile))

    async def ptz_move(
        self, camera_id: int, mode: PTZMode, vector: PTZVector
    ) -> PTZStatus:
        """Move a camera's PTZ head."""
        driver = await self._driver(camera_id, Capability.PTZ, "PTZ")
        return await self._call(driver.ptz_move(mode, vector))

    async def ptz_stop(self, camera_id: int) -> PTZStatus:
        """Stop a camera's PTZ head."""
        driver = await self._driver(camera_id, Capability.PTZ, "PTZ")
        return await self._call(driver.ptz_stop())

    async def ptz_status(self, camera_id: int) -> PTZStatus:
        """Where a camera's PTZ head stands."""
        driver = await self._driver(camera_id, Capability.PTZ, "PTZ")
        return await self._call(driver.ptz_status())

    async def ptz_presets(self, camera_id: int) -> list[PTZPreset]:
        """A camera's PTZ presets."""
        driver = await self._driver(camera_id, Capability.PTZ_PRESETS, "PTZ presets")
        return await self._call(driver.ptz_presets())

    async def goto_preset(self, camera_id: int, token: str) -> PTZStatus:
        """Move a camera to one of its PTZ presets."""
        driver = await self._driver(camera_id, Capability.PTZ_PRESETS, "PTZ presets")
        return await self._call(driver.goto_preset(token))

    async def remove_preset(self, camera_id: int, token: str) -> None:
        """Delete one of a camera's PTZ presets."""
        driver = await self._driver(camera_id, Capability.PTZ_PRESETS, "PTZ presets")
        await self._call(driver.remove_preset(token))

    async def goto_home(self, camera_id: int) -> PTZStatus:
        """Move a camera to its PTZ home position."""
        driver = await self._driver(camera_id, Capability.PTZ, "PTZ")
        return await self._call(driver.goto_home())

    async def set_preset(self, camera_id: int, name: str) -> PTZPreset:
        """Store a camera's current PTZ position as a preset."""
        name = _clean_name(name, limit=64)
        driver = await self._driver(camera_id, Capability.PTZ_PRESETS, "PTZ presets")
        return await self._call(driver.set_preset(name))

    def _lock(self, camera_id: int) -> asyncio.Lock:
        # Changes to one camera run one at a time: two merges of its settings must
        # not both start from the same stored version, and an update must not
        # bring back a camera that a delete just removed.
        return self._locks.setdefault(camera_id, asyncio.Lock())

    def _view(self, record: CameraRecord) -> Camera:
        state = self._supervisor.state(record.id)
        driver_class = self._driver_class(record.driver)
        capabilities: frozenset[Capability] = frozenset()
        settings: dict[str, Any] = {}
        if driver_class is not None:
            capabilities = driver_class.capabilities
            settings = public_settings(driver_class.settings_model, record.settings)
        clock_skew: float | None = None
        topics: tuple[str, ...] = ()
        with contextlib.suppress(CameraUnreachableError):
            driver = self._supervisor.driver(record.id)
            capabilities = driver.camera_capabilities
            clock_skew, topics = driver.clock_skew_s, driver.event_topics
        return Camera(
            id=record.id,
            name=record.name,
            driver=record.driver,
            status=state.status,
            last_error=state.last_error,
            last_seen_at=state.last_seen_at,
            capabilities=tuple(sorted(capabilities)),
            settings=settings,
            device_info=state.device_info,
            profiles=state.profiles,
            clock_skew_seconds=clock_skew,
            event_topics=topics,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )

    def _driver_class(self, name: str) -> type[Driver[Any]] | None:
        try:
            return self.registry.get(name)
        except DriverNotInstalledError:
            return None

    async def _require(self, camera_id: int) -> CameraRecord:
        record = await self._store.get(camera_id)
        if record is None:
            raise _not_found(camera_id)
        return record

    async def _driver(
        self, camera_id: int, capability: Capability, what: str
    ) -> Driver[Any]:
        await self._require(camera_id)
        driver = self._supervisor.driver(camera_id)
        _require_capability(driver, capability, what)
        return driver

    async def _call(self, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self._call_timeout_s):
                return await call
        except TimeoutError:
            raise CameraUnreachableError("the camera did not answer in time") from None


def _require_capability(driver: Driver[Any], capability: Capability, what: str) -> None:
    if capability not in driver.camera_capabilities:
        raise NotSupportedError(
            f"camera {driver.camera.name!r} ({driver.name} driver) "
            f"does not support {what}"
        )


def _merge(
    current: Mapping[str, Any], changes: Mapping[str, Any] | None
) -> dict[str, Any]:
    merged = dict(current)
    for key, value in (changes or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _clean_name(name: str, limit: int = 200) -> str:
    cleaned = name.strip()
    # Names end up in log lines and on screens: no line breaks or control bytes.
    if not 1 <= len(cleaned) <= limit or not cleaned.isprintable():
        problem = f"1 to {limit} printable characters"
        raise BadUserInputError(f"a name must have {problem}", {"name": problem})
    return cleaned


def _not_found(camera_id: int) -> NotFoundError:
    return NotFoundError(f"no camera with id {camera_id}")
