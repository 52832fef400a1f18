"""Workers forked before the build imports its planning and output modules stay small.

A forked worker's resident memory starts as its parent's, and the issue's memory goal counts
every process's: ``briefing build`` forks its workers right after reading the settings
(:mod:`briefing.build.early`), and a worker's tasks import only the engine
and the audio stage.  These run in fresh interpreters, since this one has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from briefing.build.early import adopted, early_jobs, early_workers
from briefing.build.workers import default_jobs
from briefing.config import Settings
from tests.conftest import REPO

HEAVY = ("pydantic", "jinja2", "yaml", "PIL", "mutagen", "briefing.build.plan")
"""Modules the build's process needs and a worker does not."""

PROBE = textwrap.dedent(f"""
    import json, os, sys
    from pathlib import Path
    import briefing.build.workers as workers

    original = workers.synthesize_task
    OUT = Path(sys.argv.pop(1))

    def probe(*args):
        held = [m for m in {HEAVY!r} if m in sys.modules]
        (OUT / f"{{os.getpid()}}.json").write_text(json.dumps(held))
        return original(*args)

    workers.synthesize_task = probe  # looked up as each task is made; forked workers see it
    from briefing.__main__ import main
    sys.argv[0] = "briefing"
    main()
""")


def test_a_builds_workers_hold_none_of_the_planning_and_output_modules(
        tmp_path: Path, seed_path: Path) -> None:
    ws, seen = tmp_path / "ws", tmp_path / "seen"
    (ws / "articles").mkdir(parents=True)
    seen.mkdir()
    (ws / "articles" / seed_path.name).write_bytes(seed_path.read_bytes())
    run = subprocess.run([sys.executable, "-c", PROBE, str(seen), "build", "-w", str(ws),
                          "--engine", "fake", "--jobs", "2", "-q"],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    reports = [json.loads(p.read_text()) for p in seen.glob("*.json")]
    assert reports, "no segment was synthesised in a worker"
    assert all(held == [] for held in reports), reports
    assert list((ws / "audio").rglob("*.mp3"))


def test_workers_started_early_do_not_see_later_imports() -> None:
    script = textwrap.dedent(f"""
        import sys
        from briefing.build.workers import Task, Workers

        def held():
            return [m for m in {HEAVY!r} if m in sys.modules]

        with Workers("fake", jobs=2, timeout=30).start() as early, \\
                Workers("fake", jobs=2, timeout=30) as late:
            import briefing.build.run, jinja2, PIL.Image, mutagen, pydantic, yaml  # the build's
            print([r for _, r in early.run([Task("early", held, ())])][0])
            print([r for _, r in late.run([Task("late", held, ())])][0])
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    early, late = run.stdout.splitlines()
    assert early == "[]"
    assert set(HEAVY) <= set(eval(late))  # the control: a pool forked later holds them all


def test_the_audio_and_engine_tasks_import_no_validation_or_templates() -> None:
    script = textwrap.dedent(f"""
        import sys
        import briefing.build.workers, briefing.build.encode_task, briefing.audio.chapter
        import briefing.audio.loudness
        from briefing.engines.registry import load_engine
        load_engine("fake")
        print([m for m in {HEAVY!r} if m in sys.modules])
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_worker_count_is_read_from_the_command_line_or_the_settings_file(
        tmp_path: Path) -> None:
    assert early_jobs(tmp_path, None, None) == 0  # no file: the default
    assert early_jobs(tmp_path, 3, None) == 3
    (tmp_path / "briefing.toml").write_text('engine = "fake"\njobs = 5\n')
    assert early_jobs(tmp_path, None, None) == 5
    assert early_jobs(tmp_path, 1, None) == 1  # --jobs wins
    assert early_jobs(tmp_path, 1, "tcp://127.0.0.1:1") is None  # Dask: no local workers
    assert early_jobs(tmp_path, 999, None) is None  # refused by the settings' checks


@pytest.mark.parametrize("text", ['jobs = "two"\n', "jobs = -1\n", "jobs = 300\n", "jobs = [\n",
                                  'executor = "tcp://127.0.0.1:1"\n', "jobs = true\n"])
def test_a_file_that_does_not_say_simply_forks_no_worker_early(tmp_path: Path,
                                                                text: str) -> None:
    (tmp_path / "briefing.toml").write_text(text)
    assert early_jobs(tmp_path, None, None) is None
    with early_workers(None) as workers:
        assert workers is None


def test_early_workers_take_the_settings_engine_only_when_the_count_matches() -> None:
    settings = Settings(engine="fake", jobs=2, segment_timeout_s=7.0)
    with early_workers(2) as workers:
        assert adopted(workers, settings) is workers
        assert workers is not None
        assert (workers.engine, workers.timeout) == ("fake", 7.0)
        assert adopted(workers, Settings(engine="fake", jobs=3)) is None
        assert adopted(workers, Settings(engine="fake", jobs=2,
                                         executor="tcp://127.0.0.1:1")) is None
    with early_workers(0) as workers:
        assert workers is not None and workers.jobs == default_jobs()


def test_early_workers_are_killed_when_the_build_fails() -> None:
    with pytest.raises(RuntimeError), early_workers(1) as workers:
        assert workers is not None
        processes = list(workers._pool()._processes.values())  # type: ignore[attr-defined]
        assert processes and all(p.is_alive() for p in processes)  # forked at once
        raise RuntimeError("the build failed")
    assert not any(p.is_alive() for p in processes)
