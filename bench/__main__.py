"""`python -m bench [cameras|memory|all] [--seconds N]`: run benchmarks and report.

Targets are reported, not enforced: the exit status is 0 whatever the ratios, and
1 only when a benchmark could not run or its sanity check failed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from bench import cameras, memory
from bench._processes import BenchError
from bench._report import Target, host_info, write_results

logger = logging.getLogger("bench")

SECONDS_ENV = "BENCH_SECONDS"
DEFAULT_SECONDS = 10.0


class Result(Protocol):
    """What every benchmark hands back."""

    def lines(self) -> list[str]:
        """The printed table."""

    def targets(self) -> list[Target]:
        """The targets, measured."""

    def as_json(self) -> dict[str, Any]:
        """Everything measured, for the results file."""


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; returns the process exit status."""
    args = _parser().parse_args(argv)
    _log_progress_to_stderr()
    runners: dict[str, Callable[[], Result]] = {
        "cameras": lambda: cameras.run(args.seconds),
        "memory": memory.run,
    }
    names = list(runners) if args.benchmark == "all" else [args.benchmark]

    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": host_info(),
        "benchmarks": {},
    }
    failed = [name for name in names if not _run_one(name, runners[name], report)]

    path = write_results(report)
    print(f"\nresults written to {path}")
    return 1 if failed else 0


def _run_one(name: str, runner: Callable[[], Result], report: dict[str, Any]) -> bool:
    try:
        result = runner()
    except BenchError as err:
        logger.error("the %s benchmark did not complete: %s", name, err)
        report["benchmarks"][name] = {"error": str(err)}
        return False

    targets = result.targets()
    print("\n" + "\n".join([*result.lines(), *(t.line() for t in targets)]))
    report["benchmarks"][name] = {
        **result.as_json(),
        "targets": [t.as_json() for t in targets],
    }
    return True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmarks of the edge gateway."
    )
    parser.add_argument(
        "benchmark", nargs="?", default="all", choices=["cameras", "memory", "all"]
    )
    parser.add_argument(
        "--seconds",
        type=_positive_seconds,
        default=os.environ.get(SECONDS_ENV, str(DEFAULT_SECONDS)),
        help=f"length of each wrk run (default {DEFAULT_SECONDS:g}, or ${SECONDS_ENV})",
    )
    return parser


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= seconds <= 600:
        raise argparse.ArgumentTypeError("must be between 1 and 600 seconds")
    return seconds


def _log_progress_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


if __name__ == "__main__":
    sys.exit(main())
