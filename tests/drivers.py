"""Test drivers: cameras with less than the simulated one, or with faults on demand.

They stand in for real cameras that lack a capability or misbehave, which the
simulated driver (a complete camera) cannot show.
"""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, ConfigDict, SecretStr

from edge_gateway.cameras.driver import (
    Capability,
    DeviceInfo,
    Driver,
    PTZStatus,
)


class SnapshotOnlySettings(BaseModel):
    """A camera reached with credentials, which must never be shown or logged."""

    model_config = ConfigDict(extra="forbid")

    username: str = "admin"
    password: SecretStr = SecretStr("")


class SnapshotOnlyDriver(Driver[SnapshotOnlySettings]):
    """A fixed camera with snapshots and nothing else: no PTZ, no settings."""

    name = "test-snapshot-only"
    settings_model = SnapshotOnlySettings
    capabilities = frozenset({Capability.SNAPSHOT})

    async def connect(self) -> DeviceInfo:
        return DeviceInfo(manufacturer="Test", model="Fixed")

    async def snapshot(self, profile: str | None = None) -> bytes:
        return b"\xff\xd8\xff\xe0fixed\xff\xd9"


class HangingDriver(Driver[SnapshotOnlySettings]):
    """A camera that connects, then hangs on snapshots; its PTZ code has a bug."""

    name = "test-hanging"
    settings_model = SnapshotOnlySettings
    capabilities = frozenset({Capability.SNAPSHOT, Capability.PTZ})

    async def connect(self) -> DeviceInfo:
        return DeviceInfo(model="Hangs")

    async def snapshot(self, profile: str | None = None) -> bytes:
        await asyncio.Event().wait()
        raise AssertionError("never reached")

    async def ptz_status(self) -> PTZStatus:
        raise RuntimeError("internal detail: register 0x1f corrupt at /dev/ptz0")


TEST_DRIVERS = [SnapshotOnlyDriver, HangingDriver]
