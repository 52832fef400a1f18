"""Worker processes that die: every way the pool can report it is one error, never a hang."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.build.workers import Task, Workers
from briefing.errors import EngineError
from tests import faulty
from tests.conftest import REPO
from tests.faulty import wait_for_group_to_end


def test_a_worker_killed_before_the_next_submit_is_an_engine_error() -> None:
    def tasks() -> Iterator[Task]:
        yield Task("first", faulty.kill_own_process, ())
        time.sleep(1.5)  # the pool's own thread notices the death and marks the pool broken
        yield Task("second", faulty.echo, (2,))
        yield Task("third", faulty.echo, (3,))

    workers = Workers("fake", jobs=1, timeout=30)
    start = time.monotonic()
    with pytest.raises(EngineError, match=r"^(first|second|third): a worker process died"), \
            workers:
        list(workers.run(tasks()))
    assert time.monotonic() - start < 30


def test_a_worker_killed_while_running_is_an_engine_error() -> None:
    tasks = [Task(f"task {n}", faulty.echo, (n,)) for n in range(4)]
    tasks.insert(2, Task("killer", faulty.kill_own_process, ()))
    workers = Workers("fake", jobs=2, timeout=30)
    with pytest.raises(EngineError, match="a worker process died"), workers:
        list(workers.run(iter(tasks)))


def full_disk_build(ws: Path, fsyncs: int) -> subprocess.CompletedProcess[str]:
    """``briefing build -j 2`` in its own process group, the disk full from the N-th fsync."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.faulty_run", "enospc", str(fsyncs), "build", "-w",
         str(ws), "--engine", "fake", "-j", "2", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"the build with a full disk (fsync {fsyncs}) never exited")
    wait_for_group_to_end(proc.pid)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


# the disk fills while scripts, segments, chapters, outputs or the state are being written;
# the middle ones (segments arriving from the workers) used to hang the exit about 1 run in 2
@pytest.mark.parametrize("fsyncs", [1, 3, 4, 4, 5, 5, 5, 6, 8, 11, 11, 20])
def test_full_disk_names_the_file_and_never_hangs(tmp_path: Path, fsyncs: int) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "articles", ws / "articles")
    result = full_disk_build(ws, fsyncs)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    match = re.fullmatch(r"error: (.+): No space left on device", errors[0])
    assert match, errors[0]
    assert Path(match.group(1)).is_relative_to(ws)
    assert list(ws.rglob("*.tmp")) == []


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


# a worker killed (out-of-memory killer, kill -9) at several moments of a build: the pool may
# notice while a result is awaited or only at the next submit; either is one line, exit 1
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("delay", [0.0, 0.2, 0.4, 0.6, 0.9, 1.2])
def test_a_killed_worker_is_one_line_and_exit_1(tmp_path: Path, delay: float) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "articles", ws / "articles")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.faulty_run", "engines", "0", "build", "-w", str(ws),
         "--engine", "slow", "-j", "2", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not children(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(delay)
        workers = children(proc.pid)
        if workers:
            os.kill(workers[0], signal.SIGKILL)
        _out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the build never exited after a worker was killed")
    wait_for_group_to_end(proc.pid)
    if proc.returncode == 0:
        pytest.skip("the build finished before the worker was killed")
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert re.fullmatch(r"error: 2024-05-1[45], chapter \d+(, sentence \d+)?: a worker process "
                        r"died \(.+\)", errors[0]), errors[0]
    assert list(ws.rglob("*.tmp")) == []
