"""`edge-gateway serve` and `check-config` as an operator runs them."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.e2e.process import (
    EDGE_GATEWAY,
    GatewayProcess,
    clean_environment,
    running_gateway,
)

REPO = Path(__file__).resolve().parents[2]
CAMERAS = "{ cameras { totalCount edges { node { name driver status } } } }"


def wait_online(gateway: GatewayProcess, timeout_s: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        edges = gateway.graphql(CAMERAS)["data"]["cameras"]["edges"]
        if edges and all(e["node"]["status"] == "ONLINE" for e in edges):
            return [e["node"] for e in edges]
        time.sleep(0.1)
    raise AssertionError("cameras did not come online")


def test_embedded_defaults_serve_one_simulated_camera_from_var(tmp_path: Path):
    with running_gateway(tmp_path) as gateway:
        cameras = wait_online(gateway)
        health = httpx.get(f"{gateway.url}/healthz").json()
        snapshot = gateway.get("/api/cameras/1/snapshot.jpg")
        status = gateway.stop()

    assert cameras == [
        {"name": "Simulated camera", "driver": "simulated", "status": "ONLINE"}
    ]
    assert health == {"status": "ok"}
    assert snapshot.headers["content-type"] == "image/jpeg"
    assert (tmp_path / "var" / "gateway.db").exists()
    # Uvicorn drains, then re-raises SIGTERM so the exit shows the signal; systemd
    # counts that as a clean stop.
    assert status == -signal.SIGTERM
    assert "gateway stopped" in gateway.log.read_text()


def test_a_restart_keeps_cameras_and_adds_no_duplicate(tmp_path: Path):
    with running_gateway(tmp_path) as gateway:
        wait_online(gateway)
        gateway.graphql(
            'mutation { addCamera(input: {name: "Yard", driver: "simulated"}) { id } }',
        )
        gateway.stop()

    with running_gateway(tmp_path) as gateway:
        names = [c["name"] for c in wait_online(gateway)]
        gateway.stop()

    assert names == ["Simulated camera", "Yard"]


def test_json_logs_are_one_object_per_line_without_secrets(tmp_path: Path):
    env = {"EDGE_GATEWAY_LOG__FORMAT": "json"}
    with running_gateway(tmp_path, env=env) as gateway:
        wait_online(gateway)
        gateway.graphql(
            'mutation { addCamera(input: {name: "S", driver: "simulated", '
            'settings: {password: "hunter2-secret"}}) { id } }',
        )
        gateway.graphql("query Named { drivers { name } }")
        gateway.stop()

    lines = [json.loads(line) for line in gateway.log.read_text().splitlines() if line]
    operations = [line for line in lines if line.get("operation") == "Named"]
    assert len(operations) == 1
    assert operations[0]["outcome"] == "ok" and operations[0]["level"] == "INFO"
    assert "hunter2-secret" not in gateway.log.read_text()


def test_check_config_reports_each_invalid_value(tmp_path: Path):
    config = tmp_path / "bad.toml"
    config.write_text(
        '[server]\nport = "eighty"\n[log]\nlevel = "LOUD"\n'
        '[[cameras]]\nname = "Cam"\ndriver = "simulated"\nsettings = {fps = 0}\n'
    )

    result = subprocess.run(
        [EDGE_GATEWAY, "check-config", "--config", str(config)],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=60,
    )

    assert result.returncode == 2
    assert "server.port: " in result.stderr
    assert "log.level: " in result.stderr
    assert "cameras.0.settings.fps: " in result.stderr


def test_check_config_accepts_the_shipped_file():
    result = subprocess.run(
        [
            EDGE_GATEWAY,
            "check-config",
            "--config",
            str(REPO / "config" / "gateway.toml"),
        ],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=60,
    )

    assert result.returncode == 0, result.stderr


def test_serve_refuses_an_invalid_config_with_the_same_message(tmp_path: Path):
    env = clean_environment(
        EDGE_GATEWAY_SERVER__PORT="99999", EDGE_GATEWAY_STATE_DIR=str(tmp_path)
    )
    check = subprocess.run(
        [EDGE_GATEWAY, "check-config"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    serve = subprocess.run(
        [EDGE_GATEWAY, "serve"], capture_output=True, text=True, env=env, timeout=60
    )

    assert serve.returncode == check.returncode == 2
    assert serve.stderr == check.stderr
    assert "server.port: " in serve.stderr
    assert not (tmp_path / "gateway.db").exists()


def test_simulate_onvif_runs_a_camera_until_stopped(tmp_path: Path):
    from tests.e2e.process import free_port

    port = free_port()
    process = subprocess.Popen(
        [EDGE_GATEWAY, "simulate", "onvif", "--port", str(port)],
        env=clean_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    body = (
        '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>'
        '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'
        "</e:Body></e:Envelope>"
    )
    try:
        answer = None
        deadline = time.monotonic() + 20
        while answer is None and time.monotonic() < deadline:
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/onvif/device_service", content=body
                )
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None and answer.status_code == 200
        assert b"UTCDateTime" in answer.content
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
