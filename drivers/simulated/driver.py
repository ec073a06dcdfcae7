"""The simulated camera driver: everything a real camera offers, drawn in-process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from drivers.simulated.ptz import SimulatedPTZ
from drivers.simulated.scene import render_jpeg
from drivers.simulated.settings import SimulatedSettings
from edge_gateway import __version__
from edge_gateway.cameras.driver import (
    CameraContext,
    CameraEvent,
    Capability,
    DeviceInfo,
    Driver,
    MediaProfile,
    PTZMode,
    PTZPreset,
    PTZStatus,
    PTZVector,
)
from edge_gateway.errors import CameraUnreachableError, NotFoundError

MOTION_TOPIC = "RuleEngine/CellMotionDetector/Motion"
# How long a synthetic motion lasts before its "stopped" event.
MOTION_DURATION_S = 2.0
PROFILE_TOKEN = "main"


class SimulatedDriver(Driver[SimulatedSettings]):
    """A camera that lives in the gateway's process, for demos and tests."""

    name = "simulated"
    settings_model = SimulatedSettings
    capabilities = frozenset(
        {
            Capability.SNAPSHOT,
            Capability.PTZ,
            Capability.PTZ_PRESETS,
            Capability.EVENTS,
            Capability.METRICS,
            Capability.SETTINGS,
        }
    )

    def __init__(self, camera: CameraContext, settings: SimulatedSettings) -> None:
        super().__init__(camera, settings)
        self._ptz = SimulatedPTZ()
        self._presets: dict[str, PTZPreset] = {}
        self._closed = asyncio.Event()
        self._last_frame_time_s: float | None = None
        # One frame at a time, as a camera's encoder works: many viewers asking
        # at once wait their turn instead of holding a 4K frame each in memory.
        self._drawing = asyncio.Lock()

    async def connect(self) -> DeviceInfo:
        """Accept the session unless the settings ask the camera to refuse it."""
        self._refuse_if_unplugged()
        self._closed.clear()
        return DeviceInfo(
            manufacturer="Edge Gateway",
            model="Simulated camera",
            firmware_version=__version__,
            serial_number=f"SIM-{self.camera.camera_id}",
        )

    async def close(self) -> None:
        """End the session; any `events()` iterator finishes."""
        self._closed.set()

    async def check_health(self) -> None:
        """Answer like a live camera unless unplugged or closed."""
        self._refuse_if_unplugged()
        if self._closed.is_set():
            raise CameraUnreachableError(f"camera {self.camera.name!r} is closed")

    async def profiles(self) -> list[MediaProfile]:
        """One JPEG profile at the configured size."""
        return [
            MediaProfile(
                token=PROFILE_TOKEN,
                name="Main",
                encoding="JPEG",
                width=self.settings.width,
                height=self.settings.height,
            )
        ]

    async def snapshot(self, profile: str | None = None) -> bytes:
        """Draw a frame in a worker thread, so the event loop never waits on it."""
        if profile not in (None, PROFILE_TOKEN):
            raise NotFoundError(
                f"camera {self.camera.name!r} has no profile {profile!r}"
            )
        self._refuse_if_unplugged()
        started = time.perf_counter()

        async with asyncio.timeout(self.camera.call_timeout_s), self._drawing:
            jpeg = await asyncio.to_thread(
                render_jpeg,
                self.camera.name,
                datetime.now(UTC),
                self.settings.width,
                self.settings.height,
                self.settings.brightness,
                self._ptz.status().position,
            )

        self._last_frame_time_s = time.perf_counter() - started
        return jpeg

    async def ptz_move(self, mode: PTZMode, vector: PTZVector) -> PTZStatus:
        """Move the simulated head."""
        return self._ptz.move(mode, vector)

    async def ptz_stop(self) -> PTZStatus:
        """Stop the simulated head."""
        return self._ptz.stop()

    async def ptz_status(self) -> PTZStatus:
        """Where the simulated head stands."""
        return self._ptz.status()

    async def ptz_presets(self) -> list[PTZPreset]:
        """The presets set since the driver started; a real camera keeps them."""
        return list(self._presets.values())

    async def goto_preset(self, token: str) -> PTZStatus:
        """Jump to a stored preset."""
        preset = self._presets.get(token)
        if preset is None or preset.position is None:
            raise NotFoundError(f"camera {self.camera.name!r} has no preset {token!r}")
        return self._ptz.move(PTZMode.ABSOLUTE, preset.position)

    async def set_preset(self, name: str) -> PTZPreset:
        """Store the current position under a new token, or replace a same-named one."""
        token = next(
            (p.token for p in self._presets.values() if p.name == name),
            f"preset-{len(self._presets) + 1}",
        )
        preset = PTZPreset(token=token, name=name, position=self._ptz.status().position)
        self._presets[token] = preset
        return preset

    async def remove_preset(self, token: str) -> None:
        """Forget a preset."""
        if self._presets.pop(token, None) is None:
            raise NotFoundError(f"camera {self.camera.name!r} has no preset {token!r}")

    async def goto_home(self) -> PTZStatus:
        """Home is the centre, zoomed out."""
        return self._ptz.move(PTZMode.ABSOLUTE, PTZVector())

    async def get_settings(self) -> dict[str, Any]:
        """The settings the simulated camera runs with."""
        return self.settings.model_dump(mode="json")

    async def apply_settings(self, changes: BaseModel) -> dict[str, Any]:
        """Take the changed fields at once; return what they were."""
        changed = {name: getattr(changes, name) for name in changes.model_fields_set}
        previous = {name: getattr(self.settings, name) for name in changed}
        self.settings = self.settings.model_copy(update=changed)
        return previous

    async def events(self) -> AsyncIterator[CameraEvent]:
        """Synthetic motion: a start, then a stop, every `motion_interval_s`."""
        while not self._closed.is_set():
            interval = self.settings.motion_interval_s
            if await self._closed_within(interval if interval > 0 else None):
                return
            yield CameraEvent(MOTION_TOPIC, datetime.now(UTC), {"IsMotion": True})
            if await self._closed_within(MOTION_DURATION_S):
                return
            yield CameraEvent(MOTION_TOPIC, datetime.now(UTC), {"IsMotion": False})

    async def sample_metrics(self) -> dict[str, float]:
        """The stream's frame rate and the time the last frame took to draw."""
        if self._last_frame_time_s is None:
            await self.snapshot()
        assert self._last_frame_time_s is not None
        return {
            "fps": float(self.settings.fps),
            "frame_time_ms": self._last_frame_time_s * 1000,
        }

    async def _closed_within(self, timeout_s: float | None) -> bool:
        try:
            async with asyncio.timeout(timeout_s):
                await self._closed.wait()
        except TimeoutError:
            return False
        return True

    def _refuse_if_unplugged(self) -> None:
        if self.settings.fail_connect:
            raise CameraUnreachableError(
                f"camera {self.camera.name!r} does not answer (fail_connect is set)"
            )
