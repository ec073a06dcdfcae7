"""What the ONVIF driver needs to reach a camera."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class ONVIFSettings(BaseModel):
    """The camera's device service address and its credentials."""

    model_config = ConfigDict(extra="forbid", strict=True)

    host: str = Field(min_length=1, max_length=253, description="address or name")
    port: int = Field(default=80, ge=1, le=65535)
    username: str = Field(default="", max_length=128)
    password: SecretStr = Field(default=SecretStr(""), max_length=256)
    # Imaging settings, applied to the camera's video source by configureCamera;
    # unset ones are left as the camera has them.
    brightness: float | None = Field(default=None, ge=0, le=100)
    contrast: float | None = Field(default=None, ge=0, le=100)
    color_saturation: float | None = Field(default=None, ge=0, le=100)
    sharpness: float | None = Field(default=None, ge=0, le=100)
    # The first profile's video encoder: its frame rate and bitrate limits.
    encoder_fps: int | None = Field(default=None, ge=1, le=120)
    encoder_bitrate_kbps: int | None = Field(default=None, ge=16, le=200_000)
