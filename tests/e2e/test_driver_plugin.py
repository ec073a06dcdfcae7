"""A driver package installed beside the gateway adds a driver without touching it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.e2e.process import running_gateway

PYPROJECT = """
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "doorbell-driver"
version = "1.0"

[project.entry-points."edge_gateway.drivers"]
doorbell = "doorbell_driver:DoorbellDriver"
"""

MODULE = '''
"""A third-party driver: a doorbell camera that only takes snapshots."""

from pydantic import BaseModel

from edge_gateway.cameras.driver import Capability, DeviceInfo, Driver


class DoorbellSettings(BaseModel):
    chime: str = "ding"


class DoorbellDriver(Driver[DoorbellSettings]):
    name = "doorbell"
    settings_model = DoorbellSettings
    capabilities = frozenset({Capability.SNAPSHOT})

    async def connect(self) -> DeviceInfo:
        return DeviceInfo(manufacturer="Acme", model="Bell 2")

    async def snapshot(self, profile=None) -> bytes:
        return b"\\xff\\xd8" + self.settings.chime.encode() + b"\\xff\\xd9"
'''


def install_doorbell_package(tmp_path: Path) -> Path:
    """Build and install the package with pip into a folder of its own."""
    source = tmp_path / "doorbell-src"
    source.mkdir()
    (source / "pyproject.toml").write_text(PYPROJECT)
    (source / "doorbell_driver.py").write_text(textwrap.dedent(MODULE))
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return target


def test_an_installed_driver_package_is_listed_and_drives_a_camera(tmp_path: Path):
    site = install_doorbell_package(tmp_path)
    env = {"PYTHONPATH": str(site)}

    with running_gateway(tmp_path, env=env) as gateway:
        drivers = gateway.graphql("{ drivers { name capabilities } }")["data"][
            "drivers"
        ]
        added = gateway.graphql(
            'mutation { addCamera(input: {name: "Door", driver: "doorbell",'
            ' settings: {chime: "dong"}}) { id } }'
        )["data"]["addCamera"]
        snapshot = b""
        for _ in range(100):
            response = gateway.get(f"/api/cameras/{added['id']}/snapshot.jpg")
            if response.status_code == 200:
                snapshot = response.content
                break
            time.sleep(0.05)
        gateway.stop()

    assert {"name": "doorbell", "capabilities": ["SNAPSHOT"]} in drivers
    assert "simulated" in [d["name"] for d in drivers]
    assert snapshot == b"\xff\xd8dong\xff\xd9"
