"""Throughput of the `cameras` GraphQL query against a plain JSON route.

Both endpoints live in the same gateway process and read the same page of 20
cameras through the same service call; only the plain route skips GraphQL. wrk
loads them in turns (plain, GraphQL, plain, GraphQL) so drift in the machine
hits both alike.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench._cameras_app import CAMERA_COUNT, CAMERAS_QUERY, PLAIN_PATH
from bench._http import (
    bearer,
    get_json,
    local_url,
    log_in,
    post_json,
    wait_until_ok,
)
from bench._processes import (
    BenchError,
    free_port,
    log_tail,
    serving,
    split_cpus,
)
from bench._report import Target, ratio
from bench._wrk import LoadTarget, WrkRun, find_wrk, run_wrk, write_script

logger = logging.getLogger(__name__)

CONNECTIONS = (1, 32)
ROUNDS = 2
WARM_UP_S = 3.0
READY_TIMEOUT_S = 60.0
ONLINE_TIMEOUT_S = 30.0
# A health check may move `lastSeenAt` between the two reads of one comparison.
CHECK_ATTEMPTS = 3
RPS_TARGET = 0.5


@dataclass(frozen=True)
class EndpointSummary:
    """One endpoint at one number of connections, over all its runs."""

    requests_per_s: float
    p99_ms: float


@dataclass(frozen=True)
class LevelResult:
    """Both endpoints at one number of connections, and GraphQL over plain."""

    connections: int
    plain: EndpointSummary
    graphql: EndpointSummary
    rps_ratio: float
    p99_ratio: float


@dataclass(frozen=True)
class CamerasResult:
    """The whole cameras benchmark: summaries per level and every wrk run."""

    seconds_per_run: float
    rounds: int
    server_stdout: str
    server_log_lines: int
    server_cpus: list[int] | None
    wrk_cpus: list[int] | None
    levels: list[LevelResult]
    runs: list[WrkRun]

    def lines(self) -> list[str]:
        """The printed table."""
        lines = [
            f"cameras query, {CAMERA_COUNT} cameras: {self.rounds} runs of "
            f"{self.seconds_per_run:g} s per cell, alternating plain and graphql",
            f"gateway stdout to {self.server_stdout} ({self.server_log_lines} "
            f"lines); CPUs: server {self.server_cpus or 'any'}, "
            f"wrk {self.wrk_cpus or 'any'}",
            f"{'connections':>11}  {'endpoint':<8}  {'requests/s':>10}  {'p99 ms':>8}",
        ]
        for level in self.levels:
            for name, summary in (("plain", level.plain), ("graphql", level.graphql)):
                lines.append(
                    f"{level.connections:>11}  {name:<8}  "
                    f"{summary.requests_per_s:>10.1f}  {summary.p99_ms:>8.2f}"
                )
            lines.append(
                f"{level.connections:>11}  {'ratio':<8}  "
                f"{level.rps_ratio:>9.2f}x  {level.p99_ratio:>7.2f}x"
            )
        return lines

    def targets(self) -> list[Target]:
        """GraphQL keeps at least half the plain route's throughput under load."""
        busiest = max(self.levels, key=lambda level: level.connections)
        name = f"graphql/plain requests/s at {busiest.connections} connections"
        return [Target(name, busiest.rps_ratio, RPS_TARGET, is_upper_bound=False)]

    def as_json(self) -> dict[str, Any]:
        """Everything measured, for the results file."""
        return {**asdict(self), "query": CAMERAS_QUERY}


def run(seconds: float) -> CamerasResult:
    """Serve the gateway, check both endpoints agree, then load each in turn."""
    wrk = find_wrk()
    server_cpus, wrk_cpus = split_cpus()
    with tempfile.TemporaryDirectory(prefix="bench-cameras-") as folder:
        work = Path(folder)
        log_path = work / "gateway-stdout.log"
        port = free_port()
        argv = [
            *(sys.executable, "-m", "bench._cameras_app"),
            *("--port", str(port), "--state-dir", str(work / "state")),
        ]
        logger.info(
            "starting the gateway with %s cameras on port %s", CAMERA_COUNT, port
        )
        with serving(argv, log_path, cpus=server_cpus) as server:
            try:
                wait_until_ok(
                    local_url(port, "/readyz"),
                    READY_TIMEOUT_S,
                    lambda: server.poll() is None,
                )
                token = log_in(port, work / "state")
                _prepare(port, token)
                runs = _measure(wrk, _targets(port, work, token), seconds, wrk_cpus)
            except BenchError as err:
                raise BenchError(f"{err}\ngateway log:\n{log_tail(log_path)}") from err
        log_lines = len(log_path.read_text(errors="replace").splitlines())
    return _result(seconds, runs, log_lines, (server_cpus, wrk_cpus))


def _prepare(port: int, token: str) -> None:
    _wait_until_online(port, token)
    _check_same_data(port, token)
    logger.info("both endpoints answer the same %s cameras", CAMERA_COUNT)


def _wait_until_online(port: int, token: str) -> None:
    started = time.monotonic()
    while time.monotonic() - started < ONLINE_TIMEOUT_S:
        answer = get_json(local_url(port, PLAIN_PATH), token)
        edges = answer["data"]["cameras"]["edges"]
        statuses = {edge["node"]["status"] for edge in edges}
        if len(edges) == CAMERA_COUNT and statuses == {"ONLINE"}:
            return
        time.sleep(0.2)
    raise BenchError(
        f"the {CAMERA_COUNT} cameras were not all ONLINE within "
        f"{ONLINE_TIMEOUT_S:.0f} s"
    )


def _check_same_data(port: int, token: str) -> None:
    difference = "no comparison made"
    for _ in range(CHECK_ATTEMPTS):
        plain = get_json(local_url(port, PLAIN_PATH), token)
        graphql = post_json(
            local_url(port, "/graphql"), {"query": CAMERAS_QUERY}, token
        )
        if "errors" in graphql:
            raise BenchError(f"the cameras query failed: {graphql['errors']}")
        difference = _first_difference(plain, graphql, "")
        if not difference:
            return
        time.sleep(0.5)
    raise BenchError(f"the plain route and GraphQL answer differently: {difference}")


def _first_difference(plain: Any, graphql: Any, path: str) -> str:
    if isinstance(plain, dict) and isinstance(graphql, dict):
        if plain.keys() != graphql.keys():
            return f"{path or '/'}: keys {sorted(plain)} != {sorted(graphql)}"
        for key in plain:
            found = _first_difference(plain[key], graphql[key], f"{path}/{key}")
            if found:
                return found
        return ""
    if isinstance(plain, list) and isinstance(graphql, list):
        if len(plain) != len(graphql):
            return f"{path}: {len(plain)} items != {len(graphql)}"
        for index, (left, right) in enumerate(zip(plain, graphql, strict=True)):
            found = _first_difference(left, right, f"{path}/{index}")
            if found:
                return found
        return ""
    return "" if plain == graphql else f"{path}: plain {plain!r} != {graphql!r}"


def _targets(port: int, work: Path, token: str) -> tuple[LoadTarget, LoadTarget]:
    plain_script = write_script(work / "plain.lua", bearer(token))
    graphql_script = write_script(
        work / "graphql.lua",
        bearer(token),
        "POST",
        json.dumps({"query": CAMERAS_QUERY}),
    )
    return (
        LoadTarget("plain", local_url(port, PLAIN_PATH), plain_script),
        LoadTarget("graphql", local_url(port, "/graphql"), graphql_script),
    )


def _measure(
    wrk: str,
    targets: tuple[LoadTarget, ...],
    seconds: float,
    cpus: set[int] | None,
) -> list[WrkRun]:
    for target in targets:
        logger.info("warming up %s for %.0f s", target.name, min(seconds, WARM_UP_S))
        _checked(run_wrk(wrk, target, max(CONNECTIONS), min(seconds, WARM_UP_S), cpus))

    runs = []
    for connections in CONNECTIONS:
        for round_number in range(1, ROUNDS + 1):
            for target in targets:
                logger.info(
                    "%s at %s connections, round %s of %s",
                    target.name,
                    connections,
                    round_number,
                    ROUNDS,
                )
                runs.append(_checked(run_wrk(wrk, target, connections, seconds, cpus)))
    return runs


def _checked(run: WrkRun) -> WrkRun:
    # A refused or failed request is answered faster than a real one; counting it
    # would flatter the endpoint.
    if run.errors:
        raise BenchError(
            f"{run.endpoint} had {run.errors} failed requests or error statuses "
            f"at {run.connections} connections"
        )
    return run


def _result(
    seconds: float,
    runs: list[WrkRun],
    log_lines: int,
    cpus: tuple[set[int] | None, set[int] | None],
) -> CamerasResult:
    levels = []
    for connections in CONNECTIONS:
        plain = _summary(runs, "plain", connections)
        graphql = _summary(runs, "graphql", connections)
        levels.append(
            LevelResult(
                connections=connections,
                plain=plain,
                graphql=graphql,
                rps_ratio=ratio(graphql.requests_per_s, plain.requests_per_s),
                p99_ratio=ratio(graphql.p99_ms, plain.p99_ms),
            )
        )
    return CamerasResult(
        seconds_per_run=seconds,
        rounds=ROUNDS,
        server_stdout="a file in the run's temporary directory",
        server_log_lines=log_lines,
        server_cpus=sorted(cpus[0]) if cpus[0] else None,
        wrk_cpus=sorted(cpus[1]) if cpus[1] else None,
        levels=levels,
        runs=runs,
    )


def _summary(runs: list[WrkRun], endpoint: str, connections: int) -> EndpointSummary:
    """Requests over the runs' whole duration, and the worst run's p99."""
    mine = [r for r in runs if r.endpoint == endpoint and r.connections == connections]
    requests = sum(r.requests for r in mine)
    duration_s = sum(r.duration_s for r in mine)
    return EndpointSummary(
        requests_per_s=round(requests / duration_s, 1),
        p99_ms=max(r.p99_ms for r in mine),
    )
