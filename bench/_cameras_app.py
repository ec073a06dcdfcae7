"""The gateway with 20 simulated cameras and, beside GraphQL, a plain JSON route.

Run as `python -m bench._cameras_app --port N --state-dir DIR`. The plain route
reads the same page of cameras through the same service call as the `cameras`
resolver and answers the same JSON as the GraphQL query, so the difference between
the two is what GraphQL costs. The gateway's logging is set up as `edge-gateway
serve` sets it up; standard output goes wherever the caller sends it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, Request

from bench._http import HOST
from edge_gateway.api.auth import requires
from edge_gateway.app import create_app
from edge_gateway.auth.identity import Identity
from edge_gateway.auth.roles import Role
from edge_gateway.cameras.service import Camera
from edge_gateway.db.cameras import CameraFilter
from edge_gateway.graphql.cursors import encode_cursor
from edge_gateway.graphql.scalars import serialize_datetime
from edge_gateway.logs import configure_logging
from edge_gateway.settings import AuthSettings, CameraSeed, LogSettings, Settings

CAMERA_COUNT = 20
PLAIN_PATH = "/bench/plain-cameras"
CAMERAS_QUERY = (
    "{ cameras(first: 20) { edges { cursor node { id name driver status lastError "
    "lastSeenAt capabilities settings } } pageInfo { hasNextPage endCursor } "
    "totalCount } }"
)


def build_app(state_dir: Path) -> FastAPI:
    """The gateway app seeded with the cameras, plus the plain route."""
    settings = Settings(
        state_dir=state_dir,
        # The load comes from one token; the default limit is for people.
        auth=AuthSettings(operations_per_identity="1000000 per minute"),
        cameras=[
            CameraSeed(name=f"Camera {i:02d}", driver="simulated")
            for i in range(CAMERA_COUNT)
        ],
    )
    app = create_app(settings)
    app.add_api_route(PLAIN_PATH, plain_cameras, methods=["GET"])
    return app


async def plain_cameras(
    request: Request, _: Annotated[Identity, Depends(requires(Role.VIEWER))]
) -> dict[str, Any]:
    """The first page of cameras in the GraphQL answer's shape, without GraphQL."""
    cameras = request.app.state.services.cameras
    page = await cameras.list_cameras(CAMERA_COUNT, None, CameraFilter())

    edges = [
        {"cursor": encode_cursor("camera", camera.id), "node": _node(camera)}
        for camera in page.cameras
    ]
    page_info = {
        "hasNextPage": page.has_next_page,
        "endCursor": edges[-1]["cursor"] if edges else None,
    }
    connection = {
        "edges": edges,
        "pageInfo": page_info,
        "totalCount": page.total_count,
    }
    return {"data": {"cameras": connection}}


def _node(camera: Camera) -> dict[str, Any]:
    # Times go out as the DateTime scalar writes them, or the answers would differ.
    seen = serialize_datetime(camera.last_seen_at) if camera.last_seen_at else None
    return {
        "id": str(camera.id),
        "name": camera.name,
        "driver": camera.driver,
        "status": camera.status,
        "lastError": camera.last_error,
        "lastSeenAt": seen,
        "capabilities": list(camera.capabilities),
        "settings": camera.settings,
    }


def main(argv: list[str] | None = None) -> None:
    """Serve the app on loopback until stopped, as `edge-gateway serve` would."""
    parser = argparse.ArgumentParser(prog="python -m bench._cameras_app")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)

    configure_logging(LogSettings())
    uvicorn.run(
        build_app(args.state_dir),
        host=HOST,
        port=args.port,
        log_config=None,
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
