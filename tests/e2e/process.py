"""The gateway as a real process: `edge-gateway serve` on a free loopback port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import free_port

BIN = Path(sys.executable).parent
EDGE_GATEWAY = str(BIN / "edge-gateway")


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without EDGE_GATEWAY_ variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_GATEWAY_")}
    # mDNS is multicast: the gateways these tests run stay silent.
    quiet = {
        "EDGE_GATEWAY_DISCOVERY__MDNS_ADVERTISE": "false",
        "EDGE_GATEWAY_DISCOVERY__MDNS_BROWSE": "false",
    }
    return env | quiet | extra


@dataclass
class GatewayProcess:
    """A running `edge-gateway serve` and where it answers."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    state_dir: Path
    token: str = ""

    def login_as_admin(self) -> str:
        """Log in as the first admin with its generated password; keep the token."""
        password = (self.state_dir / "initial-admin-password").read_text().strip()
        answer = httpx.post(
            f"{self.url}/graphql",
            json={
                "query": 'mutation($p: String!) { login(username: "admin", '
                "password: $p) { accessToken } }",
                "variables": {"p": password},
            },
            timeout=10,
        ).json()
        self.token = answer["data"]["login"]["accessToken"]
        return self.token

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """Run an operation with the admin's token; the decoded answer."""
        if not self.token:
            self.login_as_admin()
        return httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        ).json()

    def get(self, path: str) -> httpx.Response:
        """GET a REST path with the admin's token."""
        if not self.token:
            self.login_as_admin()
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.get(f"{self.url}{path}", headers=headers, timeout=10)

    def stop(self, timeout_s: float = 15) -> int:
        """Send SIGTERM and wait for the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout_s)


@contextmanager
def running_gateway(
    cwd: Path, *args: str, env: dict[str, str] | None = None, timeout_s: float = 30
) -> Iterator[GatewayProcess]:
    """Start `edge-gateway serve` in `cwd`, wait until it is ready, stop it after."""
    port = free_port()
    log = cwd / "gateway.log"
    environment = clean_environment(EDGE_GATEWAY_SERVER__PORT=str(port)) | (env or {})
    with log.open("wb") as output:
        process = subprocess.Popen(
            [EDGE_GATEWAY, "serve", *args],
            cwd=cwd,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    state_dir = Path(environment.get("EDGE_GATEWAY_STATE_DIR", cwd / "var"))
    gateway = GatewayProcess(process, f"http://127.0.0.1:{port}", log, state_dir)
    try:
        _wait_until_ready(gateway, timeout_s)
        yield gateway
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _wait_until_ready(gateway: GatewayProcess, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if gateway.process.poll() is not None:
            raise AssertionError(f"gateway exited early:\n{gateway.log.read_text()}")
        try:
            if httpx.get(f"{gateway.url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(
        f"gateway not ready in {timeout_s}s:\n{gateway.log.read_text()}"
    )
