"""``briefing serve`` under hostile clients: huge numbers in ``Range``, bursts, idle connections.

Every test runs a server on 127.0.0.1 (ephemeral port) in a thread, is bounded in time and stops
the server itself.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from briefing.publish import serve
from briefing.publish.serve import (
    BoundedThreadingServer,
    BriefingRequestHandler,
    make_server,
    parse_range,
)

DATA = bytes(range(256)) * 40  # 10,240 bytes
HUGE = "9" * 5000


@pytest.fixture
def running(tmp_path: Path) -> Iterator[BoundedThreadingServer]:
    (tmp_path / "a.mp3").write_bytes(DATA)
    srv = make_server(tmp_path, "127.0.0.1", 0)
    assert isinstance(srv, BoundedThreadingServer)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(15)


def get(port: int, headers: dict[str, str], timeout: float = 10) -> tuple[int, dict[str, str],
                                                                           bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/a.mp3", headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize(("spec", "status", "body"), [
    (f"bytes={HUGE}-", 416, b""),                    # first byte past any end
    (f"bytes={HUGE}-{HUGE}", 416, b""),
    (f"bytes=0-{HUGE}", 206, DATA),                  # last byte clamped to the end
    (f"bytes=-{HUGE}", 206, DATA),                   # a suffix longer than the file: all of it
    (f"bytes={'0' * 5000}5-{'0' * 5000}9", 206, DATA[5:10]),  # leading zeros are just zeros
])
def test_range_with_thousands_of_digits_is_answered(running: BoundedThreadingServer, spec: str,
                                                    status: int, body: bytes) -> None:
    got, headers, data = get(running.server_port, {"Range": spec})
    assert got == status
    assert data == body
    if status == 416:
        assert headers["content-range"] == f"bytes */{len(DATA)}"


def test_parse_range_bounds_its_work() -> None:
    size = len(DATA)
    assert parse_range(f"bytes=-{HUGE}", size) == (0, size - 1)
    assert parse_range(f"bytes=3-{HUGE}", size) == (3, size - 1)
    with pytest.raises(serve.RangeNotSatisfiable):
        parse_range(f"bytes={HUGE}-", size)
    start = time.perf_counter()
    for _ in range(100):
        with pytest.raises(serve.RangeNotSatisfiable):
            parse_range(f"bytes={'1' * 60000}-", size)
    assert time.perf_counter() - start < 2


def test_a_burst_of_ranged_requests_is_answered(running: BoundedThreadingServer) -> None:
    assert running.request_queue_size >= 128

    def one(i: int) -> tuple[int, bytes]:
        status, _, body = get(running.server_port, {"Range": f"bytes={i}-{i + 9}"}, timeout=30)
        return status, body

    start = time.monotonic()
    with ThreadPoolExecutor(200) as pool:
        results = list(pool.map(one, range(200)))
    assert time.monotonic() - start < 30
    assert results == [(206, DATA[i:i + 10]) for i in range(200)]


def test_idle_connections_time_out_and_threads_are_bounded(
        running: BoundedThreadingServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BriefingRequestHandler, "timeout", 1.0)
    monkeypatch.setattr(running, "slot_wait_s", 8.0)
    before = threading.active_count()
    idle = []
    try:
        for _ in range(running.max_threads + 40):
            sock = socket.create_connection(("127.0.0.1", running.server_port), timeout=10)
            idle.append(sock)
        time.sleep(0.5)
        # one thread per busy slot at most, not one per connection
        assert threading.active_count() - before <= running.max_threads
        # a real request is still answered once idle connections have timed out
        status, _, body = get(running.server_port, {"Range": "bytes=0-3"}, timeout=20)
        assert (status, body) == (206, DATA[:4])
        # the server closed every idle connection (recv sees the end of the stream)
        closed = 0
        for sock in idle:
            sock.settimeout(10)
            with contextlib.suppress(ConnectionResetError, TimeoutError):
                closed += sock.recv(1) == b""
        assert closed == len(idle)
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 20
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert threading.active_count() <= before


def test_a_request_head_trickling_in_is_cut_off(
        running: BoundedThreadingServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BriefingRequestHandler, "timeout", 1.0)
    monkeypatch.setattr(BriefingRequestHandler, "head_deadline_s", 2.0)
    sock = socket.create_connection(("127.0.0.1", running.server_port), timeout=10)
    try:
        start = time.monotonic()
        sock.sendall(b"GET /a.mp3 HTTP/1.1\r\n")
        closed = False
        while time.monotonic() - start < 10:
            try:
                sock.sendall(b"X: y\r\n")  # a header every 0.3 s: never idle for 1 s
            except OSError:
                closed = True
                break
            sock.settimeout(0.3)
            try:
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
        assert closed
        assert time.monotonic() - start < 6
    finally:
        sock.close()
    # a normal request right after is answered as usual, body and all
    status, _, body = get(running.server_port, {})
    assert (status, body) == (200, DATA)
