"""A small local web server for ``audio/``: the pages, the feed and the audio, with seeking.

Browsers seek in audio by asking for byte ranges, so the server answers ``Range`` requests
(``206 Partial Content`` with ``Content-Range``; ``416`` when no byte of the range exists) and
says ``Accept-Ranges: bytes``.  It serves only files under its root (no directory listings, no
path or symlink leading outside), with the right media types for briefing's outputs, and logs
through :mod:`logging`.  It listens on 127.0.0.1 unless another address is asked for.

It stays answerable under hostile or careless clients: any ``Range`` header is parsed with
bounded work (a position of thousands of digits is past any end, never ``int()``-ed), the
listen backlog holds bursts, handler threads are bounded, and idle or trickling connections
are cut off (:class:`BoundedThreadingServer`, :class:`BriefingRequestHandler`).
"""

from __future__ import annotations

import email.utils
import io
import ipaddress
import logging
import os
import socket
import threading
import time
import urllib.parse
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

from briefing.publish.httprange import RangeNotSatisfiable, parse_range

__all__ = ["RangeNotSatisfiable", "make_server", "parse_range", "serve"]

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

CONTENT_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".m4b": "audio/mp4",
    ".epub": "application/epub+zip",
    ".smil": "application/smil; charset=utf-8",
    ".m3u8": "audio/x-mpegurl; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}
"""Media types by file suffix; anything else is ``application/octet-stream``."""

SPECIAL_TYPES: dict[str, str] = {
    "feed.xml": "application/rss+xml; charset=utf-8",
}
"""Media types by file name, before :data:`CONTENT_TYPES`."""

_CHUNK = 64 * 1024

REQUEST_QUEUE_SIZE = 128
"""The listen backlog: connections the kernel holds while every handler thread is busy."""

MAX_THREADS = 64
"""Connections handled at once; more wait in the backlog (then get ``503``)."""

SLOT_WAIT_S = 10.0
"""How long a connection waits for a free handler thread before it is answered ``503``."""

IDLE_TIMEOUT_S = 15.0
"""A connection that sends nothing for this long is closed (idle keep-alive, slow clients)."""

HEAD_DEADLINE_S = 30.0
"""A request line and headers must arrive within this long, however slowly they trickle in
(a client sending one byte every few seconds would otherwise hold a thread for ever)."""


class _DeadlineReader(io.RawIOBase):
    """The connection's input, read through the handler's time limits."""

    def __init__(self, handler: BriefingRequestHandler) -> None:
        self._handler = handler

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._handler.recv_into(buffer)


class BriefingRequestHandler(SimpleHTTPRequestHandler):
    """Serves files under ``directory`` with byte ranges; GET and HEAD only."""

    server_version = "briefing"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S  # socketserver sets it on each connection's socket
    _remaining = 0

    head_deadline_s = HEAD_DEADLINE_S
    _deadline: float | None = None

    def __init__(self, *args: Any, directory: str, **kwargs: Any) -> None:
        self.root = Path(directory).resolve()
        super().__init__(*args, directory=str(self.root), **kwargs)

    # ------------------------------------------------------------------ time limits

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self.rfile = io.BufferedReader(_DeadlineReader(self))

    def handle_one_request(self) -> None:
        self._deadline = time.monotonic() + self.head_deadline_s
        try:
            super().handle_one_request()
        except TimeoutError:
            self.log_error("request timed out")
            self.close_connection = True

    def parse_request(self) -> bool:
        parsed = super().parse_request()  # reads the headers, within the deadline
        self._deadline = None  # the head has arrived: only the idle timeout applies now
        self.connection.settimeout(self.timeout)
        return parsed

    def recv_into(self, buffer: Any) -> int:
        """Read from the connection within the idle timeout and the head's deadline."""
        wait = self.timeout or IDLE_TIMEOUT_S
        if self._deadline is not None:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request head took too long")
            wait = min(wait, left)
        self.connection.settimeout(wait)
        return int(self.connection.recv_into(buffer))

    # ------------------------------------------------------------------ logging

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def log_error(self, format: str, *args: Any) -> None:
        log.warning("%s %s", self.address_string(), format % args)

    # ------------------------------------------------------------------ files

    def _resolve(self) -> Path | None:
        """The file the request path names, inside the root, or None."""
        raw = urllib.parse.urlsplit(self.path).path
        text = urllib.parse.unquote(raw, errors="strict")
        if "\x00" in text or "\\" in text:
            return None
        parts = [p for p in text.split("/") if p not in {"", "."}]
        if any(p == ".." for p in parts):
            return None
        candidate = self.root.joinpath(*parts)
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.root):
            return None
        return resolved

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        name = Path(path).name
        if name in SPECIAL_TYPES:
            return SPECIAL_TYPES[name]
        return CONTENT_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")

    def _empty(self, status: HTTPStatus, headers: tuple[tuple[str, str], ...] = ()) -> None:
        """Send a response without a body: ``status``, ``headers``, ``Content-Length: 0``."""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _file_target(self) -> Path | None:
        """The file the request names (a folder's ``index.html``); None when a redirect or an
        error was sent instead."""
        try:
            target = self._resolve()
        except UnicodeDecodeError:
            target = None
        if target is not None and target.is_dir():
            parts = urllib.parse.urlsplit(self.path)
            if not parts.path.endswith("/"):
                location = urllib.parse.urlunsplit(
                    (parts[0], parts[1], parts[2] + "/", parts[3], parts[4]))
                self._empty(HTTPStatus.MOVED_PERMANENTLY, (("Location", location),))
                return None
            index = target / "index.html"
            target = index if index.is_file() else None
        if target is None or not target.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return target

    def _byte_range(self, size: int, etag: str, last_modified: str) -> tuple[int, int] | None:
        """The range asked for (``If-Range`` permitting); :class:`RangeNotSatisfiable`."""
        range_header = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if range_header and (if_range is None or if_range in {etag, last_modified}):
            return parse_range(range_header, size)
        return None

    def send_head(self) -> BinaryIO | None:
        """Send the status and headers; return the open file positioned at the first byte
        to send (``self._remaining`` bytes), or None when no body follows."""
        self._remaining = 0
        target = self._file_target()
        if target is None:
            return None
        try:
            fh = target.open("rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        try:
            return self._send_file_head(fh, target)
        except BaseException:
            fh.close()
            raise

    def _send_file_head(self, fh: BinaryIO, target: Path) -> BinaryIO | None:
        stat = os.fstat(fh.fileno())
        size = stat.st_size
        etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
        last_modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self._empty(HTTPStatus.NOT_MODIFIED, (("ETag", etag),))
            fh.close()
            return None
        try:
            byte_range = self._byte_range(size, etag, last_modified)
        except RangeNotSatisfiable:
            fh.close()
            self._empty(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        (("Content-Range", f"bytes */{size}"), ("Accept-Ranges", "bytes")))
            return None
        if byte_range is None:
            self.send_response(HTTPStatus.OK)
            first, length = 0, size
        else:
            first, last = byte_range
            length = last - first + 1
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Type", self.guess_type(target))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        fh.seek(first)
        self._remaining = length
        return fh

    def do_GET(self) -> None:
        fh = self.send_head()
        if fh is None:
            return
        try:
            remaining = self._remaining
            while remaining > 0:
                chunk = fh.read(min(_CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client closed the connection during %s", self.path)
            self.close_connection = True
        finally:
            fh.close()

    def do_HEAD(self) -> None:
        fh = self.send_head()
        if fh is not None:
            fh.close()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None


def make_server(root: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
                ) -> ThreadingHTTPServer:
    """A threading HTTP server for the files under ``root`` (usually the workspace's
    ``audio/``), bound to ``host``:``port`` (port 0: any free port; see ``server_address``).

    Call ``serve_forever()`` on it (or use :func:`serve`) and ``server_close()`` after.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    if not _is_loopback(host):
        log.warning("listening on %s: anyone who can reach this address can fetch the files",
                    host)
    handler = partial(BriefingRequestHandler, directory=str(root.resolve()))
    server_class = _BoundedServerV6 if ":" in host else BoundedThreadingServer
    return server_class((host, port), handler)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BoundedThreadingServer(ThreadingHTTPServer):
    """A threading HTTP server with a listen backlog of :data:`REQUEST_QUEUE_SIZE` and at most
    :data:`MAX_THREADS` handler threads.

    The standard server starts one thread per connection without limit (500 idle connections
    held 501 threads) and listens with a backlog of 5.  Here a connection waits up to
    :data:`SLOT_WAIT_S` for a free thread, else it is answered ``503`` and closed; every
    connection's socket times out after :data:`IDLE_TIMEOUT_S` of silence
    (:attr:`BriefingRequestHandler.timeout`), so idle ones free their thread.
    """

    request_queue_size = REQUEST_QUEUE_SIZE
    daemon_threads = True
    block_on_close = False
    max_threads = MAX_THREADS
    slot_wait_s = SLOT_WAIT_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._slots = threading.BoundedSemaphore(self.max_threads)
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(timeout=self.slot_wait_s):
            log.warning("%s: every handler thread is busy; answered 503", client_address[0])
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: Any) -> None:
        try:
            request.settimeout(1.0)
            request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                            b"Retry-After: 1\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        finally:
            self.shutdown_request(request)


class _BoundedServerV6(BoundedThreadingServer):
    address_family = socket.AF_INET6


def serve(root: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve ``root`` until interrupted (Ctrl-C), logging the address to open."""
    server = make_server(root, host, port)
    shown = f"[{host}]" if ":" in host else host
    log.info("serving %s at http://%s:%d/ (Ctrl-C to stop)", root, shown, server.server_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        server.server_close()
