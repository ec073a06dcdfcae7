"""Targets, verdicts and the JSON file each benchmark run leaves in bench/results."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench._processes import REPO_ROOT

RESULTS_DIR = REPO_ROOT / "bench" / "results"


@dataclass(frozen=True)
class Target:
    """A goal a measured ratio is held to: at least, or at most, `bound`."""

    name: str
    value: float
    bound: float
    is_upper_bound: bool

    @property
    def is_met(self) -> bool:
        """Whether the measured value is on the right side of the bound."""
        if self.is_upper_bound:
            return self.value <= self.bound
        return self.value >= self.bound

    def line(self) -> str:
        """One line of the printed report: the goal, the value, the verdict."""
        sign = "<=" if self.is_upper_bound else ">="
        verdict = "PASS" if self.is_met else "BELOW TARGET"
        return f"target {self.name} {sign} {self.bound}x: {self.value:.2f}x  {verdict}"

    def as_json(self) -> dict[str, Any]:
        """The target and its verdict for the results file."""
        return {
            "name": self.name,
            "value": self.value,
            "bound": self.bound,
            "is_upper_bound": self.is_upper_bound,
            "is_met": self.is_met,
        }


def ratio(value: float, baseline: float) -> float:
    """`value` over `baseline`, rounded for reports."""
    return round(value / baseline, 3) if baseline else float("nan")


def host_info() -> dict[str, Any]:
    """What the numbers were measured on, so runs can be compared fairly."""
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": len(os.sched_getaffinity(0)),
        "commit": _commit(),
    }


def write_results(report: dict[str, Any]) -> Path:
    """Write one run's results as JSON, named by its start time; the file's path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"bench-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None
