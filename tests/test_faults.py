"""Fault injection: failing, hanging and empty engines, encoder failure, a full disk, locks."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import time
from importlib.metadata import EntryPoint
from pathlib import Path

import filelock
import pytest

import briefing.engines.registry as registry
from tests.conftest import DATA, REPO, Cli, assert_built


@pytest.fixture
def fault_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the faulty test engines next to the installed ones."""
    real = registry._entry_points

    def patched() -> dict[str, EntryPoint]:
        eps = dict(real())
        for name, cls in (("failing", "FailingEngine"), ("hanging", "HangingEngine"),
                          ("empty", "EmptyEngine")):
            eps[name] = EntryPoint(name, f"tests.faulty:{cls}", registry.GROUP)
        return eps

    monkeypatch.setattr(registry, "_entry_points", patched)


def workspace_with_article(ws: Path) -> Path:
    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles" / "lib.txt")
    return ws


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and "lock" not in p.name}


def assert_no_temp_files(root: Path) -> None:
    assert [p for p in root.rglob("*.tmp")] == []


@pytest.mark.parametrize(("engine", "message"), [
    ("failing", "the synthesiser crashed"),
    ("empty", "engine 'empty' returned an empty or invalid WAV"),
])
def test_engine_fault_is_one_line_and_leaves_no_audio(
        ws: Path, cli: Cli, fault_engines: None, engine: str, message: str) -> None:
    workspace_with_article(ws)
    result = cli("build", "-w", ws, "--engine", engine)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    # whichever segment a worker finished first is the one reported
    assert re.fullmatch(rf"error: 2024-03-08, chapter \d+, sentence \d+: {re.escape(message)}",
                        lines[0])
    assert "Traceback" not in result.stderr
    assert not (ws / "audio").exists()
    assert list((ws / ".briefing" / "segments").rglob("*.wav")) == []
    assert_no_temp_files(ws)
    # once the fault is gone, the same command succeeds
    assert cli("build", "-w", ws, "--engine", "fake").exit_code == 0
    assert_built(ws, "2024-03-08")


def test_hanging_engine_times_out(ws: Path, cli: Cli, fault_engines: None) -> None:
    workspace_with_article(ws)
    (ws / "briefing.toml").write_text("segment_timeout_s = 1\n")
    start = time.monotonic()
    result = cli("build", "-w", ws, "--engine", "hanging", "-j", "2")
    assert time.monotonic() - start < 30
    assert result.exit_code == 1
    assert "the hanging engine made no progress for 1 s; stopped it" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (ws / "audio").exists()


def test_encoder_failure(ws: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.audio import mp3encode as encode
    from briefing.errors import EncoderError

    def broken(*args: object) -> tuple[bytes, int]:
        raise EncoderError("MP3 encoding failed: out of memory")

    workspace_with_article(ws)
    monkeypatch.setattr(encode, "encode_raw", broken)  # what every encode goes through
    result = cli("build", "-w", ws, "--engine", "fake")
    assert result.exit_code == 1
    assert re.fullmatch(r"error: 2024-03-08, chapter \d+: MP3 encoding failed: out of memory\n",
                        result.stderr)
    assert not (ws / "audio").exists()
    monkeypatch.undo()
    assert cli("build", "-w", ws, "--engine", "fake").exit_code == 0


def test_full_disk_leaves_old_outputs_intact(
        ws: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing import fsutil

    workspace_with_article(ws)
    assert cli("build", "-w", ws, "--engine", "fake").exit_code == 0
    before = files(ws / "audio")
    script = ws / "scripts" / "2024-03-08.md"
    script.write_text(script.read_text().replace("12 librarians", "14 librarians"))
    real_fsync = os.fsync
    calls = {"n": 0}

    def full(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] >= 3:  # the disk fills up part-way through the build
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(fsutil.os, "fsync", full)
    result = cli("build", "-w", ws, "--engine", "fake")
    assert result.exit_code == 1
    assert result.stderr.endswith("No space left on device\n")
    assert result.stderr.count("\n") == 1
    assert_no_temp_files(ws)
    after = files(ws / "audio")
    # every file is either the old one or a complete new one; none is torn
    for name, data in after.items():
        if data != before.get(name):
            assert name.endswith((".mp3", ".m3u8"))
    monkeypatch.undo()
    result = cli("build", "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0
    assert "14 librarians" in script.read_text()


def test_busy_workspace_refused_with_no_wait(ws: Path, cli: Cli) -> None:
    workspace_with_article(ws)
    (ws / ".briefing").mkdir()
    lock = filelock.FileLock(str(ws / ".briefing" / "lock"))
    with lock:
        result = cli("build", "-w", ws, "--engine", "fake", "--no-wait")
    assert result.exit_code == 1
    assert result.stderr == (f"error: another build is using the workspace {ws}; "
                             "try again when it is done\n")
    assert not (ws / "scripts").exists()


def run(ws: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "briefing", *args, "-w", str(ws)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, cwd=REPO)


def test_second_build_waits_for_the_first(ws: Path) -> None:
    workspace_with_article(ws)
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    (ws / ".briefing").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import filelock, sys, time\n"
        f"lock = filelock.FileLock({str(ws / '.briefing' / 'lock')!r})\n"
        "lock.acquire()\nprint('held', flush=True)\ntime.sleep(2)\n")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    build = run(ws, "build")
    _out, err = build.communicate(timeout=120)
    holder.wait(timeout=30)
    assert build.returncode == 0, err
    assert f"waiting for another build of {ws} to finish..." in err


def test_two_concurrent_builds_do_not_corrupt(ws: Path, tmp_path: Path) -> None:
    workspace_with_article(ws)
    shutil.copy(DATA / "crlf_bom_accents_missing_credit.txt", ws / "articles" / "fire.txt")
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    first, second = run(ws, "build"), run(ws, "build")
    for proc in (first, second):
        _out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    clean = tmp_path / "clean"
    clean.mkdir()
    workspace_with_article(clean)
    shutil.copy(DATA / "crlf_bom_accents_missing_credit.txt", clean / "articles" / "fire.txt")
    (clean / "briefing.toml").write_text('engine = "fake"\n')
    assert run(clean, "build").wait(timeout=180) == 0
    assert files(ws / "audio") == files(clean / "audio")
    assert files(ws / "scripts") == files(clean / "scripts")
