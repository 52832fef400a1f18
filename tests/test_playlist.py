"""Playlist titles that every player reads whole: as VLC parses them, and mpv itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from briefing.publish.outputs import playlist_title
from tests.conftest import Cli

ARTICLE = (" date 2024-01-02 More than 2,000 volunteers, and 1,250 officials, cleared the "
           "road. The count, said one, was 12,5 percent higher.\n\n"
           "More than 2,000 volunteers, many from Goris, clear a road on January 2.\n"
           "Ann Lee/AP\n\n"
           "Officials, in coats, count 1,250,000 drams.\nBo Park/AP\n")


def test_playlist_titles_have_no_comma() -> None:
    assert playlist_title("More than 2,000 volunteers") == "More than 2000 volunteers"
    assert playlist_title("1,234,567 people, 2,5 percent") == "1234567 people \u2013 2.5 percent"
    assert playlist_title("Bus, near Goris") == "Bus \u2013 near Goris"
    for text in ("a,b", ",,", " , x ,", "12,3456", "Ünï,cödé, 1,000,0"):
        title = playlist_title(text)
        assert "," not in title and title == title.strip() and title


@pytest.fixture
def built(ws: Path, cli: Cli, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = cli("build", article, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    return ws, result.json()["dates"][0]


def entries(playlist: Path) -> list[tuple[str, str]]:
    lines = playlist.read_text(encoding="utf-8").splitlines()
    return [(lines[i], lines[i + 1]) for i, line in enumerate(lines)
            if line.startswith("#EXTINF:")]


def test_vlc_reads_every_title_whole(built: tuple[Path, dict[str, Any]]) -> None:
    ws, day = built
    titles = [c["title"] for c in day["chapters"]]
    assert any(re.search(r"\d,\d{3}", t) for t in titles)  # the case that broke in VLC
    found = entries(ws / day["files"]["playlist"])
    assert len(found) == len(titles)
    for (extinf, _), title in zip(found, titles, strict=True):
        seconds, first = extinf.removeprefix("#EXTINF:").split(",", 1)
        assert re.fullmatch(r"\d+\.\d{3}", seconds)
        assert extinf.rsplit(",", 1)[1] == first  # VLC's reading is mpv's and foobar2000's
        assert re.findall(r"\w+", first) == re.findall(r"\w+", re.sub(r"(?<=\d),", "", title))


def mpv_playlist(playlist: Path, sock: Path) -> list[dict[str, Any]]:
    """mpv's own playlist entries, asked over its JSON IPC socket."""
    proc = subprocess.Popen(
        ["mpv", "--no-config", "--ao=null", "--vo=null", "--pause", "--idle=yes",
         f"--input-ipc-server={sock}", playlist.name],
        cwd=playlist.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not sock.exists():
            assert time.monotonic() < deadline, "mpv did not open its IPC socket"
            time.sleep(0.05)
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(os.fspath(sock))
            client.settimeout(20)
            buffer = b""
            for request in range(1, 400):
                # mpv first lists the playlist file itself, then the entries it read from it
                client.sendall(json.dumps({"command": ["get_property", "playlist"],
                                           "request_id": request}).encode() + b"\n")
                reply = None
                while reply is None:
                    chunk = client.recv(65536)
                    assert chunk, "mpv closed the socket"
                    buffer += chunk
                    *lines, buffer = buffer.split(b"\n")
                    for line in lines:
                        if line.strip() and json.loads(line).get("request_id") == request:
                            reply = json.loads(line)
                assert reply["error"] == "success"
                entries = list(reply["data"])
                if entries and entries[0]["filename"] != playlist.name:
                    return entries
                assert time.monotonic() < deadline, "mpv did not read the playlist"
                time.sleep(0.05)
            raise AssertionError("mpv did not read the playlist")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.skipif(shutil.which("mpv") is None, reason="mpv (Debian) is not installed")
def test_mpv_reads_every_title_whole(built: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    ws, day = built
    playlist = ws / day["files"]["playlist"]
    found = entries(playlist)
    listed = mpv_playlist(playlist, tmp_path / "mpv.sock")
    assert [e["filename"] for e in listed] == [path for _, path in found]
    assert [e["title"] for e in listed] == [x.rsplit(",", 1)[1] for x, _ in found]
