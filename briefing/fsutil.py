"""Atomic file writes: a reader never sees half a file."""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


@contextlib.contextmanager
def naming_target(path: Path) -> Iterator[None]:
    """Re-raise an ``OSError`` about a temporary file beside ``path`` as one about ``path``.

    "Permission denied: .2024-05-14.md.k3j9.tmp" tells a user nothing; the file they know
    (and can fix the folder of) is the one being written.
    """
    try:
        yield
    except OSError as exc:
        named = str(exc.filename or "")
        if named.endswith(".tmp") and Path(named).parent == path.parent:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        if named == str(path.parent) or not named:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def _mkstemp(path: Path) -> tuple[int, Path]:
    with naming_target(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                        dir=path.parent)
    return fd, Path(tmp_name)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed over ``path``.

    On any exception the temporary file is removed and ``path`` is left as it was; an
    ``OSError`` names ``path``, not the temporary file.
    """
    fd, tmp = _mkstemp(path)
    os.close(fd)
    try:
        with naming_target(path):
            yield tmp
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            tmp.chmod(0o644)
            tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + rename)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically, with ``\\n`` line ends."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly these bytes.

    Returns whether the file was written.  An unchanged file keeps its mtime.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_bytes_atomic(path, data)
    return True


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def write_chunks_if_changed(path: Path, chunks: Iterable[bytes]) -> bool:
    """Write ``chunks`` to ``path`` atomically unless it already holds exactly these bytes.

    The chunks go to a temporary file beside ``path`` (never all in memory at once), which is
    compared with ``path`` and then renamed over it, or removed when they are the same.
    Returns whether the file was written.
    """
    fd, tmp = _mkstemp(path)
    try:
        with naming_target(path):
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if path.is_file() and filecmp.cmp(tmp, path, shallow=False):
                tmp.unlink()
                return False
            tmp.chmod(0o644)
            tmp.replace(path)
            return True
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
