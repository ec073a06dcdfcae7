"""Idle resident memory of `edge-gateway serve` against a bare import of its libraries.

The gateway runs with its embedded defaults (one simulated camera) and a fresh
state directory. The baseline is a Python process that imports the same libraries
and sleeps, so the ratio shows what the gateway itself adds: its code, schema,
database, camera and event loop.
"""

from __future__ import annotations

import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench._bare_imports import LIBRARIES
from bench._http import local_url, wait_until_ok
from bench._processes import BenchError, free_port, log_tail, rss_mib, serving
from bench._report import Target, ratio
from edge_gateway.settings import ENV_PREFIX

logger = logging.getLogger(__name__)

# Long enough for the camera to connect and the start-up garbage to be collected.
IDLE_S = 3.0
SAMPLES = 5
SAMPLE_INTERVAL_S = 0.5
READY_TIMEOUT_S = 60.0
RATIO_TARGET = 1.2


@dataclass(frozen=True)
class MemoryResult:
    """Median VmRSS of both processes, their ratio, and every sample."""

    gateway_mib: float
    bare_mib: float
    ratio: float
    gateway_samples_mib: list[float]
    bare_samples_mib: list[float]
    idle_s: float
    libraries: list[str]

    def lines(self) -> list[str]:
        """The printed table."""
        return [
            f"idle memory: VmRSS median of {SAMPLES} samples after {IDLE_S:g} s idle",
            f"{'gateway':<8}  {self.gateway_mib:>8.1f} MiB",
            f"{'bare':<8}  {self.bare_mib:>8.1f} MiB",
            f"{'ratio':<8}  {self.ratio:>8.2f}x",
        ]

    def targets(self) -> list[Target]:
        """The gateway stays within 1.2 times its libraries' own footprint."""
        name = "gateway/bare idle memory"
        return [Target(name, self.ratio, RATIO_TARGET, is_upper_bound=True)]

    def as_json(self) -> dict[str, Any]:
        """Everything measured, for the results file."""
        return asdict(self)


def run() -> MemoryResult:
    """Sample the idle gateway, then the bare process, one after the other."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        work = Path(folder)
        gateway = _gateway_samples(work)
        bare = _bare_samples(work)

    gateway_mib = round(statistics.median(gateway), 1)
    bare_mib = round(statistics.median(bare), 1)
    return MemoryResult(
        gateway_mib=gateway_mib,
        bare_mib=bare_mib,
        ratio=ratio(gateway_mib, bare_mib),
        gateway_samples_mib=gateway,
        bare_samples_mib=bare,
        idle_s=IDLE_S,
        libraries=list(LIBRARIES),
    )


def _gateway_samples(work: Path) -> list[float]:
    port = free_port()
    log_path = work / "gateway-stdout.log"
    argv = [str(Path(sys.executable).parent / "edge-gateway"), "serve"]
    logger.info("starting edge-gateway serve on port %s", port)
    with serving(argv, log_path, env=_gateway_env(work, port)) as gateway:
        try:
            wait_until_ok(
                local_url(port, "/readyz"),
                READY_TIMEOUT_S,
                lambda: gateway.poll() is None,
            )
            return _idle_samples(gateway)
        except BenchError as err:
            raise BenchError(f"{err}\ngateway log:\n{log_tail(log_path)}") from err


def _gateway_env(work: Path, port: int) -> dict[str, str]:
    # Settings left in the caller's environment would replace the embedded defaults.
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env[f"{ENV_PREFIX}STATE_DIR"] = str(work / "state")
    env[f"{ENV_PREFIX}SERVER__PORT"] = str(port)
    return env


def _bare_samples(work: Path) -> list[float]:
    ready = work / "bare-ready"
    log_path = work / "bare.log"
    argv = [sys.executable, "-m", "bench._bare_imports", str(ready)]
    logger.info("starting a bare process importing %s libraries", len(LIBRARIES))
    with serving(argv, log_path) as bare:
        _wait_for_file(ready, bare, log_path)
        return _idle_samples(bare)


def _wait_for_file(path: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    started = time.monotonic()
    while time.monotonic() - started < READY_TIMEOUT_S:
        if path.exists():
            return
        if process.poll() is not None:
            raise BenchError(f"the bare process exited early:\n{log_tail(log)}")
        time.sleep(0.1)
    raise BenchError(f"the bare process was not ready within {READY_TIMEOUT_S:.0f} s")


def _idle_samples(process: subprocess.Popen[bytes]) -> list[float]:
    time.sleep(IDLE_S)
    samples = []
    for _ in range(SAMPLES):
        if process.poll() is not None:
            raise BenchError("the process exited while it was being sampled")
        samples.append(round(rss_mib(process.pid), 1))
        time.sleep(SAMPLE_INTERVAL_S)
    return samples
