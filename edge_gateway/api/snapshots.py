"""Camera snapshots as plain JPEG over HTTP, for browsers and scripts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from edge_gateway.api.auth import requires
from edge_gateway.auth.identity import Identity
from edge_gateway.auth.roles import Role
from edge_gateway.errors import NotFoundError
from edge_gateway.graphql.cursors import is_small_number

router = APIRouter(prefix="/api")


@router.get(
    "/cameras/{camera_id}/snapshot.jpg",
    tags=["cameras"],
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
async def snapshot(
    camera_id: str,
    request: Request,
    _: Annotated[Identity, Depends(requires(Role.VIEWER))],
    profile: str | None = None,
) -> Response:
    """A JPEG of what the camera sees now."""
    if not is_small_number(camera_id):
        raise NotFoundError(f"no camera with id {camera_id!r}")
    jpeg = await request.app.state.services.cameras.snapshot(int(camera_id), profile)
    return Response(
        jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"}
    )
