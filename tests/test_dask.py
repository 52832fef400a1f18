"""Parallel and distributed builds equal a local one-worker build, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO, Cli


def _distributed() -> ModuleType:
    return pytest.importorskip("distributed", reason="the dask extra is not installed")


def outputs(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes()
            for folder in ("audio", "scripts") for p in sorted((ws / folder).rglob("*"))
            if p.is_file()}


def nine_dates(root: Path) -> Path:
    (root / "articles").mkdir(parents=True)
    base = (REPO / "articles" / "2024-05-14-river-cleanup.txt").read_text(encoding="utf-8")
    for day in range(1, 10):
        text = base.replace("2024-05-14", f"2024-06-{day:02d}").replace(
            "2,000 volunteers", f"{2000 + day} volunteers")
        (root / "articles" / f"{day}.txt").write_text(text, encoding="utf-8")
    (root / "briefing.toml").write_text('engine = "fake"\n')
    return root


def test_dask_build_equals_local_build(tmp_path: Path, cli: Cli) -> None:
    distributed = _distributed()
    local = nine_dates(tmp_path / "local")
    assert cli("build", "-w", local, "-j", "2").exit_code == 0
    remote = nine_dates(tmp_path / "remote")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        result = cli("build", "-w", remote, "--executor", cluster.scheduler_address, "--json")
        assert result.exit_code == 0, result.stderr
        with distributed.Client(cluster) as client:
            # the work really ran on the cluster's workers
            assert len(client.nthreads()) == 2
    assert sum(d["segments"]["synthesized"] for d in result.json()["dates"]) > 0
    assert outputs(remote) == outputs(local)


def test_unreachable_scheduler_is_one_line(tmp_path: Path, cli: Cli) -> None:
    _distributed()
    ws = nine_dates(tmp_path / "ws")
    shutil.rmtree(ws / "articles")
    (ws / "articles").mkdir()
    shutil.copy(REPO / "articles" / "2024-05-15-glacier-survey.txt", ws / "articles")
    result = cli("build", "-w", ws, "--executor", "tcp://127.0.0.1:9")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert result.stderr.count("\n") == 1


def test_output_is_identical_whatever_the_number_of_jobs(tmp_path: Path, cli: Cli) -> None:
    one = nine_dates(tmp_path / "one")
    two = nine_dates(tmp_path / "two")
    assert cli("build", "-w", one, "-j", "1").exit_code == 0
    assert cli("build", "-w", two, "-j", "3").exit_code == 0
    assert outputs(one) == outputs(two)
