"""Liveness and readiness for systemd, load balancers and people."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter()


@router.get("/healthz", tags=["health"])
async def healthz() -> dict[str, str]:
    """The process lives and its event loop answers."""
    return {"status": "ok"}


@router.get("/readyz", tags=["health"])
async def readyz(request: Request) -> JSONResponse:
    """Ready once the database is migrated and the supervisor runs."""
    services = getattr(request.app.state, "services", None)
    checks = {
        "database": bool(services and services.database.schema_version > 0),
        "supervisor": bool(services and services.supervisor.is_running),
    }
    ready = all(checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )
