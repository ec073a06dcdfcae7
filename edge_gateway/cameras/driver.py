"""The driver contract: what a camera driver implements and what it may raise.

A driver is a class registered under the entry-point group `edge_gateway.drivers`.
One instance serves one camera. It declares its `name`, the pydantic model of the
settings it accepts (validated before anything reaches a camera) and the
capabilities it may offer; `connect` probes what this camera really has and the
driver reports that through `capabilities`.

Every method is a coroutine and must not block the event loop: a driver that wraps a
blocking library runs those calls in a worker thread with a timeout. A method for a
capability the camera lacks raises `NotSupportedError`, which reaches GraphQL as
`extensions.code = "NOT_SUPPORTED"`; the base class does that for every optional
method, so a driver overrides only what it offers.

Example, a driver package's `pyproject.toml` and class:

    [project.entry-points."edge_gateway.drivers"]
    doorbell = "doorbell_driver:DoorbellDriver"

    class DoorbellSettings(BaseModel):
        url: str

    class DoorbellDriver(Driver):
        name = "doorbell"
        settings_model = DoorbellSettings
        capabilities = frozenset({Capability.SNAPSHOT})

        async def connect(self) -> DeviceInfo:
            return DeviceInfo(manufacturer="Acme", model="Bell 2")

        async def snapshot(self, profile: str | None = None) -> bytes:
            return await fetch_jpeg(self.settings.url)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from edge_gateway.errors import NotSupportedError

SettingsT = TypeVar("SettingsT", bound=BaseModel)


class Capability(StrEnum):
    """Something a camera can do through its driver."""

    SNAPSHOT = "SNAPSHOT"
    STREAM = "STREAM"
    PTZ = "PTZ"
    PTZ_PRESETS = "PTZ_PRESETS"
    EVENTS = "EVENTS"
    IMAGING = "IMAGING"
    ENCODER = "ENCODER"
    TIME_SYNC = "TIME_SYNC"
    REBOOT = "REBOOT"
    METRICS = "METRICS"
    SETTINGS = "SETTINGS"


class PTZMode(StrEnum):
    """How a PTZ move is read: a velocity, an offset, or a target position."""

    CONTINUOUS = "CONTINUOUS"
    RELATIVE = "RELATIVE"
    ABSOLUTE = "ABSOLUTE"


@dataclass(frozen=True)
class CameraContext:
    """What a driver knows of the camera it serves, besides its settings."""

    camera_id: str
    name: str
    call_timeout_s: float = 10.0


@dataclass(frozen=True)
class DeviceInfo:
    """The camera's identity as it reports it."""

    manufacturer: str | None = None
    model: str | None = None
    firmware_version: str | None = None
    serial_number: str | None = None


@dataclass(frozen=True)
class MediaProfile:
    """A media profile: one configured stream of the camera, named by its token."""

    token: str
    name: str
    encoding: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class PTZVector:
    """Pan and tilt in -1..1, zoom in 0..1 (or velocities and offsets of them)."""

    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0


@dataclass(frozen=True)
class PTZStatus:
    """Where the PTZ head stands and whether it is moving."""

    position: PTZVector
    is_moving: bool


@dataclass(frozen=True)
class PTZPreset:
    """A stored PTZ position the camera can return to."""

    token: str
    name: str
    position: PTZVector | None = None


@dataclass(frozen=True)
class CameraEvent:
    """An event reported by a camera: motion, tamper, an input changing state."""

    topic: str
    time: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


class Driver(Generic[SettingsT]):
    """Base class of camera drivers; override what the driver offers."""

    name: ClassVar[str]
    settings_model: ClassVar[type[BaseModel]]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()

    def __init__(self, camera: CameraContext, settings: SettingsT) -> None:
        self.camera = camera
        self.settings = settings
        # How far the camera's clock stands from ours, in seconds (camera minus
        # gateway), for drivers that can tell; set by `connect`.
        self.clock_skew_s: float | None = None
        # The event topics the camera says it can raise, as `connect` found them.
        self.event_topics: tuple[str, ...] = ()

    @property
    def camera_capabilities(self) -> frozenset[Capability]:
        """What this camera offers, as probed by `connect`; the class's by default."""
        return self.capabilities

    def _unsupported(self, what: str) -> NotSupportedError:
        return NotSupportedError(
            f"camera {self.camera.name!r} ({self.name} driver) does not support {what}"
        )

    async def connect(self) -> DeviceInfo:
        """Open the session with the camera and probe what it has.

        Raises `CameraUnreachableError` when the camera does not answer in time and
        `CameraRejectedError` when it refuses (bad credentials, for one).
        """
        raise NotImplementedError

    async def close(self) -> None:
        """Release everything the session holds; never raises."""

    async def check_health(self) -> None:
        """Confirm the camera still answers; raises `CameraUnreachableError` if not."""

    async def profiles(self) -> list[MediaProfile]:
        """The camera's media profiles."""
        return []

    async def stream_uri(self, profile: str) -> str:
        """The stream URI of a media profile, with credentials if it needs them."""
        raise self._unsupported("streams")

    async def snapshot(self, profile: str | None = None) -> bytes:
        """A JPEG image of what the camera sees now."""
        raise self._unsupported("snapshots")

    async def ptz_move(self, mode: PTZMode, vector: PTZVector) -> PTZStatus:
        """Move the PTZ head; `vector` is a velocity, an offset or a position."""
        raise self._unsupported("PTZ")

    async def ptz_stop(self) -> PTZStatus:
        """Stop any PTZ movement."""
        raise self._unsupported("PTZ")

    async def ptz_status(self) -> PTZStatus:
        """Where the PTZ head stands now."""
        raise self._unsupported("PTZ")

    async def ptz_presets(self) -> list[PTZPreset]:
        """The PTZ presets stored on the camera."""
        raise self._unsupported("PTZ presets")

    async def goto_preset(self, token: str) -> PTZStatus:
        """Move to the PTZ preset `token`; `NotFoundError` if there is none."""
        raise self._unsupported("PTZ presets")

    async def set_preset(self, name: str) -> PTZPreset:
        """Store the current PTZ position as a preset called `name`."""
        raise self._unsupported("PTZ presets")

    async def reboot(self) -> None:
        """Restart the camera; it drops off the network for a while."""
        raise self._unsupported("reboot")

    async def sync_time(self) -> None:
        """Set the camera's clock to the gateway's (UTC)."""
        raise self._unsupported("time sync")

    async def remove_preset(self, token: str) -> None:
        """Delete the PTZ preset `token`; `NotFoundError` if there is none."""
        raise self._unsupported("PTZ presets")

    async def goto_home(self) -> PTZStatus:
        """Move to the PTZ home position."""
        raise self._unsupported("PTZ")

    async def get_settings(self) -> dict[str, Any]:
        """The camera's adjustable settings as it reports them now."""
        raise self._unsupported("settings")

    async def apply_settings(self, changes: BaseModel) -> dict[str, Any]:
        """Apply validated settings to the camera; return the previous values.

        `changes` is the driver's settings model with the new values; only the
        fields the caller set are to be applied (`changes.model_fields_set`).
        """
        raise self._unsupported("settings")

    def events(self) -> AsyncIterator[CameraEvent]:
        """The camera's events as they happen, until the driver is closed."""
        raise self._unsupported("events")

    async def sample_metrics(self) -> dict[str, float]:
        """One sample of the camera's metrics, by metric name."""
        raise self._unsupported("metrics")
