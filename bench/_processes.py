"""Processes the benchmarks start: ports, CPUs, memory, and stopping them by PID."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_S = 10.0


class BenchError(Exception):
    """A benchmark could not run, or its sanity check failed; the message says why."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def split_cpus() -> tuple[set[int] | None, set[int] | None]:
    """CPUs for the server and for the load generator, or `None` to leave both free.

    The server is a single Python process, so it gets one CPU of its own; wrk gets
    the others. Kept apart, the load generator never steals the server's time.
    """
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[-1]}, set(cpus[:-1])


def pinned_to(cpus: set[int] | None) -> Callable[[], None] | None:
    """A pre-exec hook that pins the child to `cpus`, or `None` for no pinning."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def start(
    argv: Sequence[str],
    log_path: Path,
    env: dict[str, str] | None = None,
    cpus: set[int] | None = None,
) -> subprocess.Popen[bytes]:
    """Start a process in the repository root, its output going to `log_path`."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            list(argv),
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=pinned_to(cpus),
        )


@contextmanager
def serving(
    argv: Sequence[str],
    log_path: Path,
    env: dict[str, str] | None = None,
    cpus: set[int] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """A process started for the duration of a `with` block, then stopped."""
    process = start(argv, log_path, env, cpus)
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a process we started to stop, and kill it if it does not."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT_S)


def rss_mib(pid: int) -> float:
    """The resident memory of a process, VmRSS from /proc, in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"process {pid} reports no VmRSS")


def log_tail(path: Path, lines: int = 20) -> str:
    """The last lines of a process log, for an error message."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"
