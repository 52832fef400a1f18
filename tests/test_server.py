"""The preview server (``briefing.publish.serve``) over the built pages: whole files, byte
ranges, content types, folders, and nothing outside its root."""

from __future__ import annotations

import http.client
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.publish.serve import make_server, parse_range
from briefing.publish.web import write_site

BASE = "https://example.org/briefings/"


# --------------------------------------------------------------------------- server

@pytest.fixture(scope="module")
def server(site_workspace: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, int, Path]]:
    """A server on 127.0.0.1 (ephemeral port) for a copy of the built audio/ with its pages."""
    audio = tmp_path_factory.mktemp("served") / "audio"
    shutil.copytree(site_workspace / "audio", audio)
    write_site(audio, BASE, None)
    srv = make_server(audio, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", srv.server_port, audio
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def fetch(server: tuple[str, int, Path], path: str, method: str = "GET",
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port, _ = server
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


MP3 = "/2024-05-15/briefing-2024-05-15.mp3"


def test_server_sends_whole_files_with_accept_ranges(server: tuple[str, int, Path]) -> None:
    data = (server[2] / MP3.lstrip("/")).read_bytes()
    status, headers, body = fetch(server, MP3)
    assert status == 200 and body == data
    assert headers["accept-ranges"] == "bytes"
    assert headers["content-type"] == "audio/mpeg"
    assert int(headers["content-length"]) == len(data)
    status, headers, body = fetch(server, MP3, "HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) == len(data)


@pytest.mark.parametrize(("spec", "first", "last"), [
    ("bytes=0-99", 0, 99),
    ("bytes=1000-", 1000, None),
    ("bytes=-500", -500, None),
    ("bytes=100-99999999", 100, None),
    ("bytes=0-0", 0, 0),
])
def test_server_answers_byte_ranges(server: tuple[str, int, Path], spec: str, first: int,
                                    last: int | None) -> None:
    data = (server[2] / MP3.lstrip("/")).read_bytes()
    size = len(data)
    status, headers, body = fetch(server, MP3, headers={"Range": spec})
    start = first if first >= 0 else size + first
    end = (last if last is not None else size - 1)
    assert status == 206
    assert headers["content-range"] == f"bytes {start}-{end}/{size}"
    assert body == data[start:end + 1]
    assert int(headers["content-length"]) == len(body)
    assert headers["accept-ranges"] == "bytes"


@pytest.mark.parametrize("spec", ["bytes=999999999-", "bytes=50-10", "bytes=-0", "bytes=x-y",
                                  "bytes=-"])
def test_server_refuses_unsatisfiable_ranges(server: tuple[str, int, Path], spec: str) -> None:
    size = (server[2] / MP3.lstrip("/")).stat().st_size
    status, headers, body = fetch(server, MP3, headers={"Range": spec})
    assert status == 416
    assert headers["content-range"] == f"bytes */{size}"
    assert body == b""


def test_server_ignores_ranges_it_need_not_honour(server: tuple[str, int, Path]) -> None:
    size = (server[2] / MP3.lstrip("/")).stat().st_size
    for spec in ("bytes=0-1,5-6", "lines=1-2"):
        status, headers, _ = fetch(server, MP3, headers={"Range": spec})
        assert status == 200 and int(headers["content-length"]) == size
    _, headers, _ = fetch(server, MP3)
    status, _, _ = fetch(server, MP3, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert status == 200
    status, _, body = fetch(server, MP3, headers={"Range": "bytes=0-9",
                                                  "If-Range": headers["etag"]})
    assert status == 206 and len(body) == 10
    status, _, body = fetch(server, MP3, headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""


def test_parse_range() -> None:
    assert parse_range("bytes=0-", 10) == (0, 9)
    assert parse_range("bytes=-20", 10) == (0, 9)
    assert parse_range("Bytes = 2 - 3", 10) == (2, 3)
    assert parse_range("bytes=0-1, 3-4", 10) is None


@pytest.mark.parametrize(("path", "kind"), [
    ("/2024-05-15/briefing-2024-05-15.vtt", "text/vtt; charset=utf-8"),
    ("/2024-05-15/briefing-2024-05-15.srt", "application/x-subrip; charset=utf-8"),
    ("/2024-05-15/briefing-2024-05-15.json", "application/json"),
    ("/2024-05-15/chapters.json", "application/json"),
    ("/2024-05-15/briefing-2024-05-15.m3u8", "audio/x-mpegurl; charset=utf-8"),
    ("/2024-05-15/index.html", "text/html; charset=utf-8"),
    ("/index.html", "text/html; charset=utf-8"),
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
])
def test_server_content_types(server: tuple[str, int, Path], path: str, kind: str) -> None:
    status, headers, body = fetch(server, path)
    assert status == 200 and headers["content-type"] == kind
    assert body == (server[2] / path.lstrip("/")).read_bytes()


def test_server_folders_serve_their_index(server: tuple[str, int, Path]) -> None:
    status, headers, _ = fetch(server, "/2024-05-15")
    assert status == 301 and headers["location"] == "/2024-05-15/"
    status, headers, body = fetch(server, "/2024-05-15/")
    assert status == 200 and b"<audio" in body
    status, _, body = fetch(server, "/")
    assert status == 200 and b"Briefings, newest first" in body
    status, _, _ = fetch(server, "/2024-05-15/chapters/")  # no index: no listing
    assert status == 404


def test_server_stays_inside_its_root(server: tuple[str, int, Path]) -> None:
    secret = server[2].parent / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    link = server[2] / "link.txt"
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/2024-05-15/../../secret.txt",
                 "/2024-05-15/%2E%2E%2F%2E%2E%2Fsecret.txt", "/link.txt", "/..%5csecret.txt",
                 "/%00", "/missing.mp3", "/%ff"):
        status, _, body = fetch(server, path)
        assert status == 404, path
        assert b"secret" not in body


def test_server_listens_on_loopback_by_default(site_workspace: Path) -> None:
    audio = site_workspace / "audio"
    srv = make_server(audio, port=0)
    try:
        assert srv.server_address[0] == "127.0.0.1"
    finally:
        srv.server_close()
    with pytest.raises(FileNotFoundError):
        make_server(audio / "nowhere", port=0)
