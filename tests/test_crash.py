"""Crash safety: a real `briefing build` killed with SIGKILL at several moments, then rebuilt."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from tests.conftest import REPO, as_from_a_terminal
from tests.faulty import wait_for_group_to_end

MOMENTS = (0.4, 0.7, 1.0, 1.3, 1.6, 2.0)


def make_ws(root: Path, engine: str) -> Path:
    shutil.copytree(REPO / "articles", root / "articles")
    (root / "briefing.toml").write_text(f'engine = "{engine}"\njobs = 2\n')
    return root


def build(ws: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing", "build", "-w", str(ws), "-q"],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def kill_after(ws: Path, seconds: float) -> None:
    """Start a build in its own process group, SIGKILL its main process after ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "build", "-w", str(ws), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    wait_for_group_to_end(proc.pid)


def outputs(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes()
            for folder in ("audio", "scripts") for p in sorted((ws / folder).rglob("*"))
            if p.is_file()}


def test_sigkill_at_any_moment_then_rebuild_equals_a_clean_build(tmp_path: Path) -> None:
    clean = make_ws(tmp_path / "clean", "fake")
    assert build(clean).returncode == 0
    expected = outputs(clean)
    ws = make_ws(tmp_path / "ws", "fake")
    for moment in MOMENTS:
        kill_after(ws, moment)
        # whatever is on disk now is complete: every MP3 present parses
        for path in (ws / "audio").rglob("*.mp3") if (ws / "audio").exists() else []:
            if not path.name.startswith("."):
                assert MP3(path).info.length > 0
        result = build(ws)
        assert result.returncode == 0, result.stderr
        assert outputs(ws) == expected, f"after a kill at {moment} s"
        assert list(ws.rglob("*.tmp")) == []
        shutil.rmtree(ws / "audio")
        shutil.rmtree(ws / ".briefing")
        shutil.rmtree(ws / "scripts")


@pytest.mark.real_engine
def test_sigkill_with_the_real_engine(tmp_path: Path) -> None:
    # espeak-ng's state is reset before every segment, so a rebuild after a kill (whose
    # segments were spread over the workers differently) is byte-identical to a clean build
    clean = make_ws(tmp_path / "clean", "pyttsx3")
    assert build(clean).returncode == 0
    expected = outputs(clean)
    ws = make_ws(tmp_path / "ws", "pyttsx3")
    for moment in (0.5, 1.2):
        kill_after(ws, moment)
        result = build(ws)
        assert result.returncode == 0, result.stderr
        assert outputs(ws) == expected, f"after a kill at {moment} s"
        for day in ("2024-05-14", "2024-05-15"):
            name = f"audio/{day}/briefing-{day}.mp3"
            assert MP3(ws / name).info.length > 0
        assert list(ws.rglob("*.tmp")) == []


def wait_until_started(ws: Path) -> None:
    """Wait until a build started in ``ws`` is writing (its imports are done), plus a moment."""
    deadline = time.monotonic() + 60
    while not (ws / "scripts").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)


def faulty_build(ws: Path, kind: str, count: int) -> int:
    """``briefing build`` with a fault from tests/faulty_run.py, in its own process group."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.faulty_run", kind, str(count), "build",
                             "-w", str(ws), "-q"], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    code = proc.wait(timeout=120)
    wait_for_group_to_end(proc.pid)
    return code


def pages(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes()
            for p in sorted((ws / "audio").rglob("*")) if p.name in {"index.html", "feed.xml"}}


# killed as the site starts (every date's outputs and state saved, no page written), and
# after one and two pages
@pytest.mark.parametrize("page", [0, 1, 2])
def test_sigkill_between_a_dates_outputs_and_its_page(tmp_path: Path, page: int) -> None:
    ws = make_ws(tmp_path / "ws", "fake")
    (ws / "briefing.toml").write_text('engine = "fake"\nbase_url = "https://example.org/b/"\n')
    assert build(ws).returncode == 0
    script = ws / "scripts" / "2024-05-14.md"
    script.write_text(script.read_text().replace("three times a week", "four times a week"))
    assert faulty_build(ws, "kill-site", page) == -signal.SIGKILL
    assert build(ws).returncode == 0
    after = pages(ws)
    assert "four times a week" in after["audio/2024-05-14/index.html"].decode()
    # the pages equal ones written from scratch
    for name in after:
        (ws / name).unlink()
    assert build(ws).returncode == 0
    assert pages(ws) == after
    assert list(ws.rglob("*.tmp")) == []


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "ws", "fake")
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "build", "-w", str(ws)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=as_from_a_terminal)
    wait_until_started(ws)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
    _out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:  # it finished before the signal arrived: nothing to check
        pytest.skip("the build finished before Ctrl-C")
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in err
    assert list(ws.rglob("*.tmp")) == []
    wait_for_group_to_end(proc.pid)
    assert build(ws).returncode == 0


@pytest.mark.parametrize(("sig", "group", "status"), [
    (signal.SIGTERM, False, 143), (signal.SIGTERM, True, 143), (signal.SIGHUP, False, 129)],
    ids=["sigterm-build", "sigterm-process-group", "sighup-build"])
def test_sigterm_stops_like_ctrl_c(tmp_path: Path, sig: signal.Signals, group: bool,
                                   status: int) -> None:
    clean = make_ws(tmp_path / "clean", "fake")
    assert build(clean).returncode == 0
    ws = make_ws(tmp_path / "ws", "fake")
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "build", "-w", str(ws)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    wait_until_started(ws)
    if group:  # as systemd or a container runtime does: every process of the build
        os.killpg(proc.pid, sig)
    else:  # as kill(1) or timeout(1) does
        proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    wait_for_group_to_end(proc.pid)
    if proc.returncode == 0:
        pytest.skip("the build finished before SIGTERM")
    assert proc.returncode == status, err
    assert err.strip().splitlines()[-1] == "terminated"
    assert "Traceback" not in err
    assert list(ws.rglob("*.tmp")) == []
    assert build(ws).returncode == 0
    assert outputs(ws) == outputs(clean)
