"""The intelligibility benchmark's ``--jitter``: its pauses, its option and its median (no
recogniser: the aggregation is pure, the recognition is what the benchmark itself runs)."""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "intelligibility.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("intelligibility_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_one_run_is_the_default_pause_alone(bench: ModuleType) -> None:
    assert bench.jitter_pauses(1, 250) == [250]


def test_pauses_are_evenly_spread_around_the_default(bench: ModuleType) -> None:
    pauses = bench.jitter_pauses(5, 250)
    assert pauses[0] == 235 and pauses[-1] == 265 and 250 in pauses
    steps = {b - a for a, b in itertools.pairwise(pauses)}
    assert max(steps) - min(steps) <= 1
    assert bench.jitter_pauses(5, 250) == pauses  # deterministic
    assert bench.jitter_pauses(3, 400) == [385, 400, 415]


def test_zero_runs_are_refused(bench: ModuleType) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        bench.jitter_pauses(0, 250)
    for bad in ("0", "-2", "five"):
        with pytest.raises(argparse.ArgumentTypeError):
            bench._positive(bad)
    assert bench._positive("5") == 5


def test_the_base_pause_is_a_given_setting_else_the_default(bench: ModuleType) -> None:
    from briefing.config import Settings

    assert bench.base_pause(()) == Settings().sentence_pause_ms
    assert bench.base_pause(('voice = "gmw/en"', "sentence_pause_ms = 400")) == 400


def test_the_pause_replaces_a_given_one_and_keeps_the_other_settings(bench: ModuleType) -> None:
    out = bench.with_pause(('voice = "x"', "sentence_pause_ms=400"), 385)
    assert out == ('voice = "x"', "sentence_pause_ms = 385")


def _run(errors: int, misheard: list[str]) -> dict[str, Any]:
    return {"words": 100, "errors": errors, "wer": errors / 100, "misheard": misheard}


def test_the_median_run_is_reported_with_the_spread_and_pooled_misheard(
        bench: ModuleType) -> None:
    runs = [_run(30, ["2x three → free"]), _run(10, ["1x the → a"]),
            _run(20, ["3x three → free", "1x AP → AB"]), _run(50, []), _run(25, [])]
    out = bench.median_run(runs, [235, 242, 250, 258, 265])
    assert out["errors"] == 25 and out["wer"] == 0.25  # 10 20 [25] 30 50
    jitter = out["jitter"]
    assert jitter["errors"] == [30, 10, 20, 50, 25]
    assert (jitter["min"], jitter["max"]) == (10, 50)
    assert (jitter["wer_min"], jitter["wer_max"]) == (0.1, 0.5)
    assert jitter["misheard"][0] == "5x three → free"
    assert set(jitter["misheard"]) == {"5x three → free", "1x the → a", "1x AP → AB"}


def test_an_even_count_takes_the_lower_middle_and_one_run_has_no_spread(
        bench: ModuleType) -> None:
    assert bench.median_run([_run(40, []), _run(10, [])], [240, 260])["errors"] == 10
    one = bench.median_run([_run(7, ["1x a → b"])], [250])
    assert one["errors"] == 7 and "jitter" not in one
