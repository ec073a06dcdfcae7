"""Camera snapshots as plain JPEG over HTTP, for browsers and scripts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from edge_gateway.errors import (
    CameraUnreachableError,
    DriverNotInstalledError,
    GatewayError,
    NotFoundError,
    NotSupportedError,
)

router = APIRouter(prefix="/api")

_STATUS_BY_ERROR: dict[type[GatewayError], int] = {
    NotFoundError: 404,
    NotSupportedError: 501,
    CameraUnreachableError: 503,
    DriverNotInstalledError: 503,
}


@router.get(
    "/cameras/{camera_id}/snapshot.jpg",
    tags=["cameras"],
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
async def snapshot(
    camera_id: int, request: Request, profile: str | None = None
) -> Response:
    """A JPEG of what the camera sees now."""
    cameras = request.app.state.services.cameras
    try:
        jpeg = await cameras.snapshot(camera_id, profile)
    except GatewayError as err:
        status = _STATUS_BY_ERROR.get(type(err), 502)
        return JSONResponse(
            {"error": err.message, "code": err.code}, status_code=status
        )
    return Response(
        jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"}
    )
