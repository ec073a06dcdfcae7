"""Shared fixtures: a real gateway on a free loopback port, and real clients."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from edge_gateway.app import create_app
from edge_gateway.cameras.registry import DriverRegistry
from edge_gateway.settings import (
    CameraSupervisionSettings,
    DiscoverySettings,
    Settings,
)
from tests.drivers import TEST_DRIVERS

# Supervision fast enough that a test sees a camera drop and come back in a second.
FAST_SUPERVISION = CameraSupervisionSettings(
    connect_timeout_s=2.0,
    call_timeout_s=2.0,
    health_interval_s=0.1,
    backoff_initial_s=0.05,
    backoff_max_s=0.2,
)


@dataclass
class Gateway:
    """A gateway served by uvicorn on 127.0.0.1 inside the test's event loop."""

    url: str
    app: FastAPI
    settings: Settings


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """A fresh state directory."""
    return tmp_path / "state"


@pytest.fixture
def settings(state_dir: Path) -> Settings:
    """Settings for a gateway with no cameras and fast supervision."""
    return Settings(
        state_dir=state_dir,
        cameras=[],
        supervision=FAST_SUPERVISION,
        # mDNS is multicast: tested only inside network namespaces of its own.
        discovery=DiscoverySettings(mdns_advertise=False, mdns_browse=False),
    )


@pytest.fixture
def registry() -> DriverRegistry:
    """The installed drivers plus the test drivers of `tests.drivers`."""
    installed = DriverRegistry.from_entry_points()
    return DriverRegistry(
        [*(installed.get(n) for n in installed.names()), *TEST_DRIVERS]
    )


@pytest.fixture
async def gateway(
    settings: Settings, registry: DriverRegistry
) -> AsyncIterator[Gateway]:
    """The real gateway application, served over real HTTP on a free loopback port."""
    app = create_app(settings, registry)
    async with serve(app) as url:
        yield Gateway(url, app, settings)

    leaked = [t for t in asyncio.all_tasks() if t.get_name().startswith("camera-")]
    assert not leaked, f"camera tasks left running: {leaked}"


@pytest.fixture
async def anonymous(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the gateway that sends no token."""
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as http:
        yield http


@pytest.fixture
async def client(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client logged in as the first admin, with its generated password."""
    password = initial_admin_password(gateway.settings)
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as http:
        session = await login(http, "admin", password)
        http.headers["Authorization"] = f"Bearer {session['accessToken']}"
        yield http


def initial_admin_password(settings: Settings) -> str:
    """The password the gateway generated for `admin` at its first start."""
    return (settings.state_dir / "initial-admin-password").read_text().strip()


async def login(
    http: httpx.AsyncClient, username: str, password: str
) -> dict[str, Any]:
    """Log in through GraphQL; the session's tokens and user."""
    answer = await graphql(
        http,
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) {"
        " accessToken refreshToken expiresIn tokenType user { id username role } } }",
        {"u": username, "p": password},
    )
    assert "errors" not in answer, answer
    session: dict[str, Any] = answer["data"]["login"]
    return session


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class serve:
    """Serve an ASGI app with uvicorn on a free port of 127.0.0.1 until the block ends."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self._app = app
        self._port = port
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self._port))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_config=None,
            access_log=False,
            lifespan="on",
            proxy_headers=False,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        for _ in range(500):
            if self._server.started or self._task.done():
                break
            await asyncio.sleep(0.01)
        if not self._server.started:
            await self._task
            raise RuntimeError("the gateway did not start")
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), 10)
        except TimeoutError:
            for task in asyncio.all_tasks():
                task.print_stack()
            raise


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run one operation over HTTP and return the decoded answer."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}
    )
    body: dict[str, Any] = response.json()
    return body


async def add_camera(
    client: httpx.AsyncClient, name: str, driver: str = "simulated", **settings: Any
) -> dict[str, Any]:
    """Add a camera through GraphQL and return its id, name and status."""
    answer = await graphql(
        client,
        "mutation($input: AddCameraInput!) { addCamera(input: $input) { id name status } }",
        {"input": {"name": name, "driver": driver, "settings": settings}},
    )
    assert "errors" not in answer, answer
    camera: dict[str, Any] = answer["data"]["addCamera"]
    return camera


async def wait_for_status(
    client: httpx.AsyncClient, camera_id: str, status: str, timeout_s: float = 5.0
) -> dict[str, Any]:
    """Poll a camera until it reaches `status`; fail after `timeout_s`."""
    query = "query($id: ID!) { camera(id: $id) { status lastError lastSeenAt } }"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        camera: dict[str, Any] = (await graphql(client, query, {"id": camera_id}))[
            "data"
        ]["camera"]
        if camera["status"] == status:
            return camera
        if loop.time() > deadline:
            raise AssertionError(f"camera {camera_id} stayed {camera}, not {status}")
        await asyncio.sleep(0.02)
