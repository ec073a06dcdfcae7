"""Drawing of the simulated camera's picture with OpenCV."""

from __future__ import annotations

import math
from datetime import datetime

import cv2
import numpy as np

from edge_gateway.cameras.driver import PTZVector

JPEG_QUALITY = 80


def render_jpeg(
    name: str,
    when: datetime,
    width: int,
    height: int,
    brightness: int,
    ptz: PTZVector,
) -> bytes:
    """One JPEG frame: the camera's name, the time and an object that moves.

    The object circles the frame once a minute, so two snapshots taken seconds apart
    differ where a motion detector would look; the background follows pan and tilt
    and the object grows with zoom.
    """
    frame = _background(width, height, brightness, ptz)
    _draw_object(frame, when, ptz)
    _draw_caption(frame, name, when)

    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise RuntimeError("OpenCV could not encode the frame as JPEG")
    return bytes(encoded.tobytes())


def _background(width: int, height: int, brightness: int, ptz: PTZVector) -> np.ndarray:
    level = int(brightness * 2.55)
    shift = int(ptz.pan * width / 4)
    columns = (np.arange(width) + shift) % width
    ramp = (columns * 96 // max(width - 1, 1)).astype(np.int16)
    row = np.clip(level - 48 + ramp, 0, 255).astype(np.uint8)
    frame = np.empty((height, width, 3), dtype=np.uint8)
    frame[:, :, 0] = row
    frame[:, :, 1] = row
    frame[:, :, 2] = np.clip(row.astype(np.int16) + int(ptz.tilt * 40), 0, 255)
    return frame


def _draw_object(frame: np.ndarray, when: datetime, ptz: PTZVector) -> None:
    height, width = frame.shape[:2]
    angle = 2 * math.pi * (when.second + when.microsecond / 1e6) / 60
    centre = (
        int(width / 2 + math.cos(angle) * width / 3),
        int(height / 2 + math.sin(angle) * height / 3),
    )
    radius = max(4, int(min(width, height) / 12 * (1 + ptz.zoom * 2)))
    cv2.circle(frame, centre, radius, (40, 160, 240), thickness=-1)


def _draw_caption(frame: np.ndarray, name: str, when: datetime) -> None:
    height = frame.shape[0]
    scale = max(0.4, height / 720)
    text = f"{name}  {when.strftime('%Y-%m-%d %H:%M:%S')}"
    origin = (10, int(30 * scale) + 4)
    cv2.putText(frame, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 3)
    cv2.putText(
        frame, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1
    )
