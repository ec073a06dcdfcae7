"""Resolvers of cameras: lists, one camera, and the mutations that drive them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType, QueryType

from edge_gateway.cameras.driver import (
    Capability,
    PTZMode,
    PTZPreset,
    PTZStatus,
    PTZVector,
)
from edge_gateway.cameras.service import Camera
from edge_gateway.db.cameras import CameraFilter
from edge_gateway.errors import BadUserInputError, NotFoundError
from edge_gateway.graphql.context import services
from edge_gateway.graphql.cursors import decode_cursor, encode_cursor, is_small_number

if TYPE_CHECKING:
    from edge_gateway.graphql.context import Info

CURSOR_KIND = "camera"
DEFAULT_PAGE_SIZE = 20

query = QueryType()
mutation = MutationType()
camera_type = ObjectType("Camera")


@query.field("cameras")
async def resolve_cameras(
    _: None,
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    filter: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A page of cameras as a cursor connection."""
    after_id = decode_cursor(CURSOR_KIND, after) if after else None
    where = CameraFilter(**(filter or {}))

    size = DEFAULT_PAGE_SIZE if first is None else first
    page = await services(info).cameras.list_cameras(size, after_id, where)

    edges = [
        {"cursor": encode_cursor(CURSOR_KIND, c.id), "node": c} for c in page.cameras
    ]
    return {
        "edges": edges,
        "page_info": {
            "has_next_page": page.has_next_page,
            "end_cursor": edges[-1]["cursor"] if edges else None,
        },
        "total_count": page.total_count,
    }


@query.field("camera")
async def resolve_camera(_: None, info: Info, id: str) -> Camera | None:
    """One camera, or null."""
    camera_id = _parse_id(id, must_exist=False)
    if camera_id is None:
        return None
    return await services(info).cameras.get_camera(camera_id)


@camera_type.field("snapshotUrl")
def resolve_snapshot_url(camera: Camera, info: Info) -> str | None:
    """The REST path of the camera's snapshot, on this gateway.

    A path rather than a full URL: built from the Host header, a URL would say
    whatever host the client claimed.
    """
    if Capability.SNAPSHOT not in camera.capabilities:
        return None
    return f"/api/cameras/{camera.id}/snapshot.jpg"


@camera_type.field("streamUri")
async def resolve_stream_uri(
    camera: Camera, info: Info, profile: str | None = None
) -> str:
    """A profile's stream URI, credentials left out."""
    return await services(info).cameras.stream_uri(camera.id, profile)


@camera_type.field("ptzStatus")
async def resolve_ptz_status(camera: Camera, info: Info) -> PTZStatus:
    """Where the camera's PTZ head stands."""
    return await services(info).cameras.ptz_status(camera.id)


@camera_type.field("presets")
async def resolve_presets(camera: Camera, info: Info) -> list[PTZPreset]:
    """The camera's PTZ presets."""
    return await services(info).cameras.ptz_presets(camera.id)


@mutation.field("addCamera")
async def resolve_add_camera(_: None, info: Info, input: dict[str, Any]) -> Camera:
    """Add a camera."""
    settings = _settings_object(input.get("settings"))
    return await services(info).cameras.add_camera(
        input["name"], input["driver"], settings
    )


@mutation.field("updateCamera")
async def resolve_update_camera(
    _: None, info: Info, id: str, input: dict[str, Any]
) -> Camera:
    """Rename a camera or change its settings."""
    settings = _settings_object(input.get("settings"))
    return await services(info).cameras.update_camera(
        _require_id(id), input.get("name"), settings
    )


@mutation.field("deleteCamera")
async def resolve_delete_camera(_: None, info: Info, id: str) -> str:
    """Forget a camera."""
    await services(info).cameras.delete_camera(_require_id(id))
    return id


@mutation.field("configureCamera")
async def resolve_configure_camera(
    _: None, info: Info, camera_id: str, settings: Any
) -> Camera:
    """Apply settings to a running camera."""
    changes = _settings_object(settings) or {}
    return await services(info).cameras.configure_camera(
        _require_id(camera_id), changes
    )


@mutation.field("ptzMove")
async def resolve_ptz_move(
    _: None,
    info: Info,
    camera_id: str,
    pan: float | None = None,
    tilt: float | None = None,
    zoom: float | None = None,
    mode: str = "CONTINUOUS",
) -> PTZStatus:
    """Move a camera's PTZ head."""
    vector = _ptz_vector(PTZMode(mode), pan, tilt, zoom)
    return await services(info).cameras.ptz_move(
        _require_id(camera_id), PTZMode(mode), vector
    )


@mutation.field("ptzStop")
async def resolve_ptz_stop(_: None, info: Info, camera_id: str) -> PTZStatus:
    """Stop a camera's PTZ head."""
    return await services(info).cameras.ptz_stop(_require_id(camera_id))


@mutation.field("gotoPreset")
async def resolve_goto_preset(
    _: None, info: Info, camera_id: str, token: str
) -> PTZStatus:
    """Move a camera to a PTZ preset."""
    return await services(info).cameras.goto_preset(_require_id(camera_id), token)


@mutation.field("removePreset")
async def resolve_remove_preset(
    _: None, info: Info, camera_id: str, token: str
) -> bool:
    """Delete a PTZ preset."""
    await services(info).cameras.remove_preset(_require_id(camera_id), token)
    return True


@mutation.field("gotoHome")
async def resolve_goto_home(_: None, info: Info, camera_id: str) -> PTZStatus:
    """Move a camera home."""
    return await services(info).cameras.goto_home(_require_id(camera_id))


@mutation.field("rebootCamera")
async def resolve_reboot_camera(_: None, info: Info, camera_id: str) -> bool:
    """Restart a camera."""
    await services(info).cameras.reboot(_require_id(camera_id))
    return True


@mutation.field("syncCameraTime")
async def resolve_sync_camera_time(_: None, info: Info, camera_id: str) -> Camera:
    """Set a camera's clock."""
    return await services(info).cameras.sync_time(_require_id(camera_id))


@mutation.field("setPreset")
async def resolve_set_preset(
    _: None, info: Info, camera_id: str, name: str
) -> PTZPreset:
    """Store a camera's PTZ position as a preset."""
    return await services(info).cameras.set_preset(_require_id(camera_id), name)


def _parse_id(value: str, *, must_exist: bool) -> int | None:
    if is_small_number(value):
        return int(value)
    if must_exist:
        raise NotFoundError(f"no camera with id {value!r}")
    return None


def _require_id(value: str) -> int:
    camera_id = _parse_id(value, must_exist=True)
    assert camera_id is not None
    return camera_id


def _settings_object(value: Any) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise BadUserInputError(
        "settings must be a JSON object", {"settings": "not an object"}
    )


def _ptz_vector(
    mode: PTZMode, pan: float | None, tilt: float | None, zoom: float | None
) -> PTZVector:
    zoom_range = (0.0, 1.0) if mode is PTZMode.ABSOLUTE else (-1.0, 1.0)
    limits = {"pan": (-1.0, 1.0), "tilt": (-1.0, 1.0), "zoom": zoom_range}
    values = {"pan": pan or 0.0, "tilt": tilt or 0.0, "zoom": zoom or 0.0}
    bad = {
        name: f"must be between {low:g} and {high:g}"
        for name, (low, high) in limits.items()
        if not (math.isfinite(values[name]) and low <= values[name] <= high)
    }
    if bad:
        raise BadUserInputError(
            "PTZ values out of range: " + ", ".join(f"{k} {v}" for k, v in bad.items()),
            bad,
        )
    return PTZVector(**values)


BINDABLES = [query, mutation, camera_type]
