"""`edge-gateway user|token|keys` from the shell, also while the gateway runs."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from tests.e2e.process import EDGE_GATEWAY, clean_environment, running_gateway

ME = "{ me { name role } }"
PASSWORD = "Correct-Horse-Battery-9"


def cli(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EDGE_GATEWAY, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=60,
    )


def me(url: str, token: str) -> dict:
    return httpx.post(
        f"{url}/graphql",
        json={"query": ME},
        headers={"Authorization": f"Bearer {token}"},
    ).json()


def test_a_token_revoked_from_the_shell_stops_working_in_the_running_gateway(
    tmp_path: Path,
):
    with running_gateway(tmp_path) as gateway:
        created = cli(tmp_path, "token", "create", "--name", "control-plane")
        token = created.stdout.strip()
        before = me(gateway.url, token)
        revoked = cli(tmp_path, "token", "revoke", "control-plane")
        deadline = time.monotonic() + 10
        after = me(gateway.url, token)
        while "errors" not in after and time.monotonic() < deadline:
            time.sleep(0.2)
            after = me(gateway.url, token)
        gateway.stop()

    assert created.returncode == 0 and token.startswith("egw_")
    assert "only copy" in created.stderr
    assert before["data"]["me"] == {"name": "control-plane", "role": "SERVICE"}
    assert revoked.returncode == 0
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert token not in gateway.log.read_text()


def test_users_added_from_the_shell_can_log_in(tmp_path: Path):
    added = cli(
        tmp_path, "user", "add", "tech", "--role", "OPERATOR", stdin=PASSWORD + "\n"
    )
    weak = cli(tmp_path, "user", "passwd", "tech", stdin="short\n")
    listed = cli(tmp_path, "user", "list")

    with running_gateway(tmp_path) as gateway:
        session = httpx.post(
            f"{gateway.url}/api/auth/token",
            data={"username": "tech", "password": PASSWORD},
        ).json()
        gateway.stop()

    assert added.returncode == 0
    assert weak.returncode == 1 and "at least 12 characters" in weak.stderr
    assert "tech\tOPERATOR\tenabled" in listed.stdout
    assert session["token_type"] == "bearer" and session["access_token"]
    assert not (tmp_path / "var" / "initial-admin-password").exists()


def test_keys_rotate_keeps_the_old_key_for_its_tokens(tmp_path: Path):
    with running_gateway(tmp_path) as gateway:
        old_token = gateway.login_as_admin()
        rotated = cli(tmp_path, "keys", "rotate")
        new_token = gateway.login_as_admin()
        old_still_works = me(gateway.url, old_token)
        new_works = me(gateway.url, new_token)
        gateway.stop()

    assert rotated.returncode == 0 and "keys held:" in rotated.stdout
    assert old_still_works["data"]["me"]["name"] == "admin"
    assert new_works["data"]["me"]["name"] == "admin"
