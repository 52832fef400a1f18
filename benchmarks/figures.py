"""The issue-17 figures as values: each with its goal, whether it is met, and how they are
printed, written as JSON and shown in the README's table (for benchmarks/performance.py).

Also the start-up measures, which need no workspace: ``briefing --version``'s wall time and
what its imports cost (``python -X importtime``).
"""

from __future__ import annotations

import operator
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_OPS: dict[str, Callable[[float, float], bool]] = {"<=": operator.le, ">=": operator.ge}

README_START = "<!-- performance:start -->"
README_END = "<!-- performance:end -->"


@dataclass(frozen=True)
class Figure:
    """One measured figure beside its goal (``goal`` is ``"<= 1.5"`` or ``">= 1.85"``)."""

    name: str
    value: float | None
    """``None``: not measured here (``skipped`` says why)."""
    unit: str
    goal: str
    label: str
    """What is measured, in words (the printed line and the README's table)."""
    details: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        op, target = self.goal.split()
        return _OPS[op](self.value, float(target))

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["met"] = self.met
        return doc

    def shown(self) -> str:
        """The value as printed: ``1.26x``, ``2.1%``, ``180 MB``, ``0.052 s``."""
        if self.value is None:
            return "skipped"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        if self.unit == "%":
            return f"{self.value:.1f}%"
        if self.unit == "s":
            return f"{self.value:.3f} s"
        return f"{self.value:.0f} {self.unit}"

    def goal_shown(self) -> str:
        op, target = self.goal.split()
        sign = {"<=": "≤", ">=": "≥"}[op]
        return f"{sign} {target}{'' if self.unit in ('x', '%') else ' '}{self.unit}"

    def line(self) -> str:
        verdict = {True: "met", False: "NOT MET", None: "skipped"}[self.met]
        why = f" ({self.skipped})" if self.skipped else ""
        return f"{self.label:62} {self.shown():>8}  goal {self.goal_shown():9} {verdict}{why}"


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def ratio_figure(name: str, label: str, goal: str, unit: str,
                 pairs: list[tuple[float, float]], scale: float = 1.0,
                 details: dict[str, Any] | None = None) -> Figure:
    """A figure from ``(numerator, denominator)`` pairs measured in one run: the median of the
    ratios (times ``scale``: 100 for a percentage)."""
    ratios = [a / b * scale for a, b in pairs if b > 0]
    info = {"ratios": [round(r, 4) for r in ratios],
            "pairs": [[round(a, 4), round(b, 4)] for a, b in pairs], **(details or {})}
    return Figure(name, round(median(ratios), 4) if ratios else None, unit, goal, label, info)


def version_seconds(runs: int = 15) -> tuple[float, list[float]]:
    """Median wall time of ``python -m briefing --version`` (and every run's)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "briefing", "--version"], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    return median(times), times


def interpreter_seconds(runs: int = 15) -> float:
    """Median wall time of ``python -c pass``: the floor under any command's start-up."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return median(times)


def import_breakdown(*args: str, top: int = 8) -> dict[str, Any]:
    """What ``briefing ARGS`` imports (``-X importtime``): the total and the costliest
    top-level imports, in milliseconds (cumulative, as ``-X importtime`` counts them)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefing", *args],
                          capture_output=True, text=True, check=False)
    tops: list[tuple[str, float]] = []
    count = 0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if not match:
            continue
        count += 1
        if not match.group(2):  # a top-level import (not nested in another)
            tops.append((match.group(3), int(match.group(1)) / 1000))
    tops.sort(key=lambda t: -t[1])
    return {"modules": count, "total_ms": round(sum(ms for _, ms in tops), 1),
            "top": {name: round(ms, 1) for name, ms in tops[:top]}}


def write_readme(readme: Path, figures: list[Figure], context: str) -> None:
    """Rewrite the README's table of the latest figures, between the markers."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        raise SystemExit(f"{readme} has no {README_START} ... {README_END} markers")
    rows = ["| figure | latest | goal | met |", "|---|---|---|---|"]
    for f in figures:
        verdict = {True: "yes", False: "**no**", None: f"skipped: {f.skipped}"}[f.met]
        rows.append(f"| {f.label} | {f.shown()} | {f.goal_shown()} | {verdict} |")
    table = "\n".join([README_START, context, "", *rows, README_END])
    head, rest = text.split(README_START, 1)
    tail = rest.split(README_END, 1)[1]
    readme.write_text(head + table + tail, encoding="utf-8")
