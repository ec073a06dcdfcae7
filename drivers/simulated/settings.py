"""The settings a simulated camera accepts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SimulatedSettings(BaseModel):
    """Picture, frame rate and motion of a simulated camera."""

    # Strict: "80" or true is not a brightness; a typo should be an error.
    model_config = ConfigDict(extra="forbid", strict=True)

    brightness: int = Field(default=50, ge=0, le=100, description="0 dark, 100 bright")
    fps: int = Field(default=10, ge=1, le=60, description="frames per second")
    width: int = Field(default=640, ge=160, le=3840, description="pixels")
    height: int = Field(default=360, ge=120, le=2160, description="pixels")
    motion_interval_s: float = Field(
        default=30.0,
        ge=0,
        le=86_400,
        description="seconds between synthetic motion events; 0 turns them off",
    )
    fail_connect: bool = Field(
        default=False,
        description="refuse connections, as an unplugged camera would (for trials)",
    )
