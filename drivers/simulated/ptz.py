"""The simulated PTZ head: a position that moves with time while a velocity is set."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from edge_gateway.cameras.driver import PTZMode, PTZStatus, PTZVector

PAN_TILT_LIMITS = (-1.0, 1.0)
ZOOM_LIMITS = (0.0, 1.0)
VELOCITY_LIMITS = (-1.0, 1.0)


def _clamp(value: float, limits: tuple[float, float]) -> float:
    return min(max(value, limits[0]), limits[1])


def _clamped(vector: PTZVector) -> PTZVector:
    return PTZVector(
        pan=_clamp(vector.pan, PAN_TILT_LIMITS),
        tilt=_clamp(vector.tilt, PAN_TILT_LIMITS),
        zoom=_clamp(vector.zoom, ZOOM_LIMITS),
    )


@dataclass
class SimulatedPTZ:
    """Position, velocity and the moment the velocity was set (monotonic clock)."""

    position: PTZVector = field(default_factory=PTZVector)
    velocity: PTZVector = field(default_factory=PTZVector)
    since: float = field(default_factory=time.monotonic)

    def status(self) -> PTZStatus:
        """Where the head stands now, integrating any continuous move."""
        self._advance()
        is_moving = self.velocity != PTZVector()
        return PTZStatus(position=self.position, is_moving=is_moving)

    def move(self, mode: PTZMode, vector: PTZVector) -> PTZStatus:
        """Start a continuous move, or jump by an offset or to a position."""
        self._advance()
        if mode is PTZMode.CONTINUOUS:
            self.velocity = PTZVector(
                _clamp(vector.pan, PAN_TILT_LIMITS),
                _clamp(vector.tilt, PAN_TILT_LIMITS),
                _clamp(vector.zoom, VELOCITY_LIMITS),
            )
        elif mode is PTZMode.RELATIVE:
            self.velocity = PTZVector()
            self.position = _clamped(
                PTZVector(
                    self.position.pan + vector.pan,
                    self.position.tilt + vector.tilt,
                    self.position.zoom + vector.zoom,
                )
            )
        else:
            self.velocity = PTZVector()
            self.position = _clamped(vector)
        return self.status()

    def stop(self) -> PTZStatus:
        """Stop moving where the head stands."""
        self._advance()
        self.velocity = PTZVector()
        return self.status()

    def _advance(self) -> None:
        now = time.monotonic()
        elapsed, self.since = now - self.since, now
        if self.velocity == PTZVector():
            return
        # Full speed crosses the whole pan range (2 units) in four seconds.
        step = elapsed * 0.5
        self.position = _clamped(
            PTZVector(
                self.position.pan + self.velocity.pan * step,
                self.position.tilt + self.velocity.tilt * step,
                self.position.zoom + self.velocity.zoom * step,
            )
        )
