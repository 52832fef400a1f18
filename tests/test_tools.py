"""The commands around the build: preview, say, watch."""

from __future__ import annotations

import io
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path
from typing import Any

import pytest

from briefing.engines.fake import fake_duration_ms
from tests.conftest import DATA, Cli, as_from_a_terminal, found


def test_say_applies_the_lexicon_and_writes_a_wav(ws: Path, cli: Cli, tmp_path: Path) -> None:
    (ws / "pronunciations.toml").write_text('Kornidzor = "Kor nid zor"\n', encoding="utf-8")
    out = tmp_path / "say.wav"
    result = cli("say", "in Kornidzor today", "-w", ws, "--engine", "fake", "--rate", "120",
                 "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "in Kor nid zor today\n"
    with wave.open(io.BytesIO(out.read_bytes())) as w:
        ms = w.getnframes() * 1000 / w.getframerate()
    assert abs(ms - fake_duration_ms("in Kor nid zor today", 120)) < 0.1


def test_bad_lexicon_is_one_line(ws: Path, cli: Cli) -> None:
    (ws / "pronunciations.toml").write_text('Kornidzor = 3\n', encoding="utf-8")
    result = cli("say", "x", "-w", ws, "--engine", "fake", "-o", ws / "x.wav")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {ws / 'pronunciations.toml'}: line 1: the pronunciation of "
                             "'Kornidzor' must be text such as \"Kor-nid-zor\" or "
                             "\"[[paSIn'jan]]\", not a number\n")


def test_preview_marks_new_and_cached_segments(ws: Path, cli: Cli) -> None:
    assert cli("script", DATA / "no_photos.txt", "-w", ws).exit_code == 0
    before = cli("preview", "2024-03-08", "-w", ws, "--engine", "fake", "--json").json()
    assert before and not any(s["cached"] for s in before)
    assert cli("render", "-w", ws, "--engine", "fake").exit_code == 0
    after = cli("preview", "2024-03-08", "-w", ws, "--engine", "fake")
    lines = after.stdout.splitlines()
    assert lines[0] == "## Opening"
    assert all(line.startswith(("## ", "  cached ")) for line in lines)
    expected = "  cached The budget adds twelve librarians and longer opening hours on weekends."
    assert expected in lines


class Output:
    """Collects a child's stdout and stderr lines from reader threads."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen = ""
        for stream in (proc.stdout, proc.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, needle: str, timeout: float) -> str:
        """Everything seen since the last call, once ``needle`` is among it."""
        start = len(self.seen)
        deadline = time.monotonic() + timeout
        while needle not in self.seen[start:]:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out waiting for {needle!r}; got:\n{self.seen[start:]}"
            try:
                self.seen += self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
        return self.seen[start:]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_watch_rebuilds_after_an_edit_and_stops_on_ctrl_c(ws: Path, stop: signal.Signals
                                                          ) -> None:
    articles = ws / "articles"
    articles.mkdir()
    shutil.copy(DATA / "no_photos.txt", articles / "lib.txt")
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "watch", "-w", str(ws)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=as_from_a_terminal,
                            stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        output = Output(proc)
        output.wait_for("watching", 60)
        time.sleep(1.5)  # let the watcher start before the edit
        mp3 = ws / "audio" / "2024-03-08" / "briefing-2024-03-08.mp3"
        first = mp3.read_bytes()
        script = ws / "scripts" / "2024-03-08.md"
        script.write_text(script.read_text().replace("12 librarians", "14 librarians"))
        seen = output.wait_for("1 of 5 segments synthesised", 60)
        assert "changed:" in seen and "2024-03-08.md" in seen
        assert mp3.read_bytes() != first
        proc.send_signal(stop)
        proc.wait(timeout=30)
        rest = output.wait_for("stopped watching", 10)
        assert proc.returncode == 0, rest
        assert "Traceback" not in output.seen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_previews_with_ranges_and_stops_on_ctrl_c(ws: Path, cli: Cli, stop: signal.Signals
                                                        ) -> None:
    import urllib.request

    assert cli("build", DATA / "no_photos.txt", "-w", ws, "--engine", "fake").exit_code == 0
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "serve", "-w", str(ws), "-p", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=as_from_a_terminal,
                            stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        output = Output(proc)
        line = output.wait_for("serving", 30)
        url = found(r"http://127\.0\.0\.1:\d+/", line).group(0)
        request = urllib.request.Request(url + "2024-03-08/briefing-2024-03-08.mp3",
                                         headers={"Range": "bytes=0-9"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 206
            assert response.read() == (ws / "audio" / "2024-03-08" /
                                       "briefing-2024-03-08.mp3").read_bytes()[:10]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "2024-03-08" in response.read().decode("utf-8")
        proc.send_signal(stop)
        proc.wait(timeout=30)
        output.wait_for("stopped", 10)
        assert proc.returncode == 0
        assert "Traceback" not in output.seen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_port_in_use_is_one_line(ws: Path, cli: Cli) -> None:
    import socket

    (ws / "audio").mkdir()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", "-w", ws, "-p", str(port))
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
