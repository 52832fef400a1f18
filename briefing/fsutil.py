"""Atomic file writes: a reader never sees half a file, and nothing is overwritten by accident.

Every temporary file this tool creates has a name only it uses (:data:`TEMP_SUFFIX`, matched by
:func:`is_own_temp`), so the clean-up after a killed build removes its own files and never a
producer's ``.notes.tmp``.  :func:`create_new_file` writes a file that must not replace anything
(a backup): it is linked into place, which fails when the name exists.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

TEMP_SUFFIX = ".briefing.tmp"
"""How every temporary file of briefing's writes ends: ``.<target name>.<random>.briefing.tmp``."""

_OWN_TEMP = re.compile(r"\..*\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX), re.S)
_PREFIX_MAX = 120
"""Characters of the target's name kept in its temp file's name (file names hold 255 bytes)."""


def is_own_temp(name: str) -> bool:
    """Whether ``name`` is the name of one of briefing's temporary files."""
    return _OWN_TEMP.fullmatch(name) is not None


def create_new_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, which must not exist: :class:`FileExistsError` when it does.

    The bytes go to a temporary file first, which is then hard-linked to ``path`` (an exclusive
    create: it never replaces an existing file, even one created a moment ago by another
    process), so ``path`` is never seen half written.  Where hard links are not supported the
    file is created with ``O_EXCL`` and written in place.
    """
    fd, tmp = _mkstemp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            with path.open("xb") as out:  # no hard links here: exclusive create in place
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
    finally:
        tmp.unlink(missing_ok=True)


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
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:_PREFIX_MAX]}.",
                                        suffix=TEMP_SUFFIX, dir=path.parent)
    return fd, Path(tmp_name)


@contextlib.contextmanager
def atomic_path(path: Path, *, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is flushed to disk (unless not
    ``durable``: a cache entry checked whenever it is read) and renamed over ``path``.

    On any exception the temporary file is removed and ``path`` is left as it was; an
    ``OSError`` names ``path``, not the temporary file.
    """
    fd, tmp = _mkstemp(path)
    os.close(fd)
    try:
        with naming_target(path):
            yield tmp
            if durable:
                with tmp.open("rb+") as fh:
                    os.fsync(fh.fileno())
            tmp.chmod(0o644)
            tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_temp_beside(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` (named as briefing's temporary
    files are), flushed to disk unless not ``durable`` (a cache entry checked on every read),
    for another process to rename over ``path``."""
    fd, tmp = _mkstemp(path)
    try:
        with naming_target(path), os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.chmod(0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


@contextlib.contextmanager
def temp_file_beside(path: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A new temporary file beside ``path`` (named as briefing's temporary files are), open
    for writing and reading, and its path, for another process to rename over ``path``; not
    flushed to disk (for cache entries checked when read).  Removed when the block fails."""
    fd, tmp = _mkstemp(path)
    try:
        with os.fdopen(fd, "w+b") as fh:
            yield fh, tmp
        tmp.chmod(0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (temp file + rename; flushed to disk first unless
    not ``durable``)."""
    with atomic_path(path, durable=durable) as tmp:
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

    def write(fh: BinaryIO) -> None:
        for chunk in chunks:
            fh.write(chunk)

    return write_stream_if_changed(path, write)


def write_stream_if_changed(path: Path, write: Callable[[BinaryIO], None]) -> bool:
    """:func:`write_chunks_if_changed` for a writer given the open (seekable) temporary file:
    a ZIP streamed by ``zipfile``, which seeks back to complete each entry's header."""
    fd, tmp = _mkstemp(path)
    try:
        with naming_target(path):
            with os.fdopen(fd, "w+b") as fh:
                write(fh)
                fh.flush()
                if path.is_file() and filecmp.cmp(tmp, path, shallow=False):
                    tmp.unlink()  # the same bytes: nothing to make durable
                    return False
                os.fsync(fh.fileno())
            tmp.chmod(0o644)
            tmp.replace(path)
            return True
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_own_files(folder: Path, names: Iterable[object], own: re.Pattern[str],
                     why: str) -> None:
    """Remove the regular files of ``folder`` among ``names`` (what a previous manifest
    listed) that are named as briefing names them (``own``), saying ``why``; other names,
    symbolic links and folders are never touched."""
    for name in names:
        if not isinstance(name, str) or not own.fullmatch(name):
            continue
        path = folder / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            log.info("removed %s (%s)", path, why)


def still_current(entry: object, path: Path, key: str) -> bool:
    """Whether a previous manifest's ``entry`` (``file``, ``bytes``, ``key``) records ``path``
    made with ``key``, and the file is still on disk with its recorded size: it need not be
    made again."""
    return (isinstance(entry, dict) and entry.get("key") == key
            and entry.get("file") == path.name and path.is_file()
            and path.stat().st_size == entry.get("bytes"))
