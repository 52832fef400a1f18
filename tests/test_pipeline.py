"""The build's pipeline: a date's outputs are written while the workers still synthesise the
next dates (not after every segment of every date), and the outputs are the same bytes as a
build with one worker makes."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATES = 6


def _workspace(ws: Path) -> None:
    """Six dates of the sample articles, each copy's sentences made distinct."""
    sources = sorted((REPO / "articles").glob("*.txt"))
    (ws / "articles").mkdir(parents=True)
    for day in range(1, DATES + 1):
        text = sources[day % len(sources)].read_text(encoding="utf-8")
        text = re.sub(r"date \d{4}-\d{2}-\d{2}", f"date 2025-01-{day:02d}", text, count=1)
        text = re.sub(r"\.(\s|$)", f" in edition {day}.\\1", text)
        (ws / "articles" / f"{day:02d}.txt").write_text(text, encoding="utf-8")


def _build(ws: Path, jobs: int) -> None:
    subprocess.run([sys.executable, "-m", "briefing", "build", "-w", str(ws), "--engine", "fake",
                    "-j", str(jobs), "-q"], cwd=REPO, check=True, capture_output=True,
                   stdin=subprocess.DEVNULL)


def _digests(ws: Path) -> dict[str, str]:
    return {p.relative_to(ws).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ws / "audio").rglob("*")) if p.is_file()}


def test_the_first_date_is_written_before_the_last_segments_are_synthesised(
        tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _workspace(ws)
    _build(ws, 2)
    first = (ws / "audio" / "2025-01-01" / "briefing-2025-01-01.mp3").stat().st_mtime_ns
    segments = sorted(p.stat().st_mtime_ns for p in (ws / ".briefing" / "segments").rglob("*")
                      if p.is_file())
    assert len(segments) > 8 * DATES
    # a build in three phases wrote every segment before any date's MP3
    assert first < segments[-1]
    assert sum(1 for mtime in segments if mtime > first) >= 5


def test_two_workers_and_one_give_the_same_bytes(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for ws, jobs in ((one, 1), (two, 2)):
        _workspace(ws)
        _build(ws, jobs)
    assert _digests(one) == _digests(two)
    assert len(_digests(one)) > 5 * DATES
    assert not list(two.rglob("*.briefing.tmp"))


def test_local_workers_hand_back_files_not_audio(tmp_path: Path) -> None:
    """A local worker writes each segment beside its cache entry and hands back the file's
    path, which the build renames in: no audio goes through the pool's pipes."""
    from unittest import mock

    import pytest

    from briefing.build import execute
    from tests.conftest import isolate, run_cli

    ws = tmp_path / "ws"
    _workspace(ws)
    handed: list[type] = []
    real = execute._put

    def spy(ctx: Any, job: Any, wav: bytes | str) -> None:
        handed.append(type(wav))
        real(ctx, job, wav)

    with pytest.MonkeyPatch.context() as monkeypatch, \
            mock.patch.object(execute, "_put", spy):
        isolate(monkeypatch, tmp_path / "home", tmp_path)
        result = run_cli("build", "-w", ws, "--engine", "fake", "-j", "2", "--json")
    assert result.exit_code == 0, result.stderr
    synthesised = sum(d["segments"]["synthesized"] for d in result.json()["dates"])
    assert synthesised > 8 * DATES and handed == [str] * synthesised
    wavs = list((ws / ".briefing" / "segments").rglob("*.wav"))
    assert len(wavs) == synthesised and all(p.read_bytes()[:4] == b"RIFF" for p in wavs)
    assert not [p for p in ws.rglob("*") if p.name.endswith(".tmp")]


def test_the_outputs_are_prepared_while_the_first_tasks_run_not_after_them() -> None:
    """``handed_out`` (what starts the outputs' preparation) is called once every first task
    is handed out and before any result comes back: here each task waits for it."""
    import concurrent.futures as cf
    import threading

    from briefing.build.workers import Task, Workers

    started = threading.Event()
    calls: list[int] = []

    def handed_out() -> None:
        calls.append(len(calls))
        started.set()

    tasks = [Task(f"task {n}", started.wait, (30.0,), n) for n in range(5)]
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        workers = Workers("fake", 2, executor=pool)
        results = list(workers.run(tasks, handed_out=handed_out))
    assert sorted(task.item for task, _ in results) == [0, 1, 2, 3, 4]  # type: ignore[type-var]
    assert all(waited is True for _, waited in results)  # none waited 30 s in vain
    assert calls == [0]


def test_the_builds_imports_are_frozen_once_per_process_and_no_more() -> None:
    """After its imports the build freezes what is alive (a full collection late in a build
    walked every module's objects); a second build in the same process (``briefing watch``)
    freezes nothing more, so what it makes stays collectable."""
    probe = (
        "import gc\n"
        "from briefing.build.date_outputs import prepare_outputs\n"
        "assert gc.get_freeze_count() == 0\n"
        "prepare_outputs()\n"
        "first = gc.get_freeze_count()\n"
        "assert first > 10000, first\n"
        "class Node:\n"
        "    pass\n"
        "cycle = [Node() for _ in range(1000)]\n"
        "for a, b in zip(cycle, cycle[1:] + cycle[:1]):\n"
        "    a.next = b\n"
        "prepare_outputs()\n"
        "assert gc.get_freeze_count() == first\n"
        "del cycle, a, b\n"
        "assert gc.collect() >= 1000\n"  # the second build's garbage is still collected
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_the_first_date_is_synthesised_before_the_last_date_is_planned(tmp_path: Path) -> None:
    """The dates are planned as the workers need more to do, not all before the first
    segment is synthesised (the events themselves, in the build's order)."""
    from unittest import mock

    import pytest

    from briefing.build import execute, plan
    from tests.conftest import isolate, run_cli

    ws = tmp_path / "ws"
    _workspace(ws)
    events: list[str] = []
    real_plan, real_put = plan.plan_date, execute._put

    def planned(ctx: Any, day: Any, *args: Any) -> Any:
        events.append(f"planned {day}")
        return real_plan(ctx, day, *args)

    def stored(ctx: Any, job: Any, wav: bytes | str) -> None:
        events.append(f"stored {job.label}")
        real_put(ctx, job, wav)

    with pytest.MonkeyPatch.context() as monkeypatch, \
            mock.patch.object(plan, "plan_date", planned), \
            mock.patch.object(execute, "_put", stored):
        isolate(monkeypatch, tmp_path / "home", tmp_path)
        result = run_cli("build", "-w", ws, "--engine", "fake", "-j", "2", "--json")
    assert result.exit_code == 0, result.stderr
    plans = [n for n, e in enumerate(events) if e.startswith("planned")]
    stores = [n for n, e in enumerate(events) if e.startswith("stored")]
    assert len(plans) == DATES and len(stores) > 8 * DATES
    assert events[stores[0]].startswith("stored 2025-01-01, chapter 1")
    assert stores[0] < plans[1] < plans[-1]  # date 1 synthesised before date 2 is planned
    assert all(d["audio"] == "built" for d in result.json()["dates"])


def test_a_date_planned_during_the_build_is_planned_as_the_build_began(tmp_path: Path) -> None:
    """Dates sharing chapters: the later date, planned once the first one's chapters are in
    the cache, still reports encoding them, as planning every date first did (what the
    report says does not depend on how far the workers got)."""
    import pytest

    from tests.conftest import isolate, run_cli

    ws = tmp_path / "ws"
    text = sorted((REPO / "articles").glob("*.txt"))[0].read_text(encoding="utf-8")
    (ws / "articles").mkdir(parents=True)
    for day in (1, 2, 3):  # the same story on three dates: its chapters are the same
        (ws / "articles" / f"{day:02d}.txt").write_text(
            re.sub(r"date \d{4}-\d{2}-\d{2}", f"date 2025-01-{day:02d}", text, count=1),
            encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, tmp_path / "home", tmp_path)
        dry = run_cli("build", "-w", ws, "--engine", "fake", "--dry-run", "--json")
        built = run_cli("build", "-w", ws, "--engine", "fake", "-j", "1", "--json")
    assert dry.exit_code == 0 and built.exit_code == 0, built.stderr
    would = {d["date"]: (d["chapters_encoded"], d["reason"]) for d in dry.json()["dates"]}
    did = {d["date"]: (d["chapters_encoded"], d["reason"]) for d in built.json()["dates"]}
    assert did == would and len(did) == 3
    chapters = sum(len(d["chapters"]) for d in built.json()["dates"])
    assert len(list((ws / ".briefing").rglob("*.mp3"))) < chapters  # some are shared
