"""Scripts that run inside network namespaces the tests make, and how to run them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

needs_unshare = pytest.mark.skipif(
    shutil.which("unshare") is None, reason="needs unshare(1) to make a namespace"
)


def run_isolated(module: str, *args: str, multicast: bool = False) -> list[str]:
    """Run `python -m module args` in a new network namespace with loopback only.

    Nothing it sends can leave the machine. With `multicast`, the namespace's
    loopback carries multicast too (for mDNS). Returns the lines it printed; skips
    the test where namespaces cannot be made.
    """
    setup = "ip link set lo up"
    if multicast:
        setup += " && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"
    command = f"{setup} && exec {sys.executable} -m {module} {' '.join(args)}"
    result = subprocess.run(
        ["unshare", "-n", "sh", "-c", command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0 and "unshare failed" in result.stderr:
        pytest.skip(f"cannot make a network namespace here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()
