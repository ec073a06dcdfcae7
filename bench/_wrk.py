"""Runs of wrk, the HTTP load generator, against a loopback URL.

Each run uses a Lua script: it sets the request (a JSON POST for GraphQL) and, when
the run is done, prints one machine-readable line with the request count and the
latency percentiles from wrk's own histogram, so nothing depends on the layout of
wrk's human report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench._http import require_loopback
from bench._processes import BenchError, pinned_to

RESULT_MARK = "BENCH_RESULT "
INSTALL_TIMEOUT_S = 300.0
# wrk stops itself after the duration; this is only for a wrk that hangs.
RUN_GRACE_S = 30.0

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "%s{\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %.1f, "
      .. "\\"p99_us\\": %.1f, \\"socket_errors\\": %d, \\"status_errors\\": %d}\\n",
    "RESULT_MARK", summary.requests, summary.duration,
    latency:percentile(50.0), latency:percentile(99.0),
    e.connect + e.read + e.write + e.timeout, e.status))
end
""".replace("RESULT_MARK", RESULT_MARK)


@dataclass(frozen=True)
class LoadTarget:
    """An endpoint to load: its name in the results, URL, and wrk script."""

    name: str
    url: str
    script: Path


@dataclass(frozen=True)
class WrkRun:
    """One wrk run against one endpoint: the load it put and what came back."""

    endpoint: str
    connections: int
    threads: int
    duration_s: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def find_wrk() -> str:
    """The path of wrk, installing Debian's package first if it is missing."""
    path = shutil.which("wrk")
    if path is None:
        _install_wrk()
        path = shutil.which("wrk")
    if path is None:
        raise BenchError("wrk is not on PATH even after installing it")
    return path


def _install_wrk() -> None:
    if os.geteuid() != 0:
        raise BenchError(
            "wrk is missing and installing it needs root: run `apt-get install -y wrk`"
        )
    if _apt_get("install", "-y", "wrk").returncode == 0:
        return
    _apt_get("update")
    done = _apt_get("install", "-y", "wrk")
    if done.returncode != 0:
        raise BenchError(
            "wrk is missing and `apt-get install -y wrk` failed:\n"
            + done.stderr[-2000:]
        )


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["apt-get", *args],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise BenchError(
            f"wrk is missing and `apt-get {' '.join(args)}` could not run: {err}"
        ) from err


def write_script(
    path: Path,
    headers: dict[str, str],
    method: str = "GET",
    json_body: str | None = None,
) -> Path:
    """Write a wrk Lua script sending `method` with `headers`, and a JSON body."""
    lines = [f'wrk.method = "{method}"']
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
    if json_body is not None:
        if "]==]" in json_body:
            raise BenchError("the request body cannot be quoted for Lua")
        lines += [
            'wrk.headers["Content-Type"] = "application/json"',
            f"wrk.body = [==[{json_body}]==]",
        ]
    path.write_text("\n".join(lines) + "\n" + _DONE)
    return path


def run_wrk(
    wrk: str,
    target: LoadTarget,
    connections: int,
    seconds: float,
    cpus: set[int] | None,
) -> WrkRun:
    """Load the target for `seconds` with `connections` open connections."""
    require_loopback(target.url)
    threads = min(connections, 2, len(cpus) if cpus else 2)
    argv = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "-s",
        str(target.script),
        target.url,
    ]
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=seconds + RUN_GRACE_S,
            preexec_fn=pinned_to(cpus),
        )
    except subprocess.TimeoutExpired as err:
        raise BenchError(f"wrk did not finish its run on {target.url}") from err
    if done.returncode != 0:
        raise BenchError(f"wrk failed on {target.url}: {done.stderr.strip()}")
    return _parse(done.stdout, target, connections, threads)


def _parse(output: str, target: LoadTarget, connections: int, threads: int) -> WrkRun:
    marked = [line for line in output.splitlines() if line.startswith(RESULT_MARK)]
    if not marked:
        raise BenchError(f"wrk printed no result for {target.url}:\n{output}")
    raw = json.loads(marked[-1].removeprefix(RESULT_MARK))
    duration_s = raw["duration_us"] / 1e6
    return WrkRun(
        endpoint=target.name,
        connections=connections,
        threads=threads,
        duration_s=round(duration_s, 3),
        requests=raw["requests"],
        requests_per_s=round(raw["requests"] / duration_s, 1),
        p50_ms=round(raw["p50_us"] / 1000, 3),
        p99_ms=round(raw["p99_us"] / 1000, 3),
        errors=raw["socket_errors"] + raw["status_errors"],
    )
