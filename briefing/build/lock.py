"""One build at a time per workspace: a lock file, and clean-up of what a killed build left.

The lock is an ``flock`` on ``.briefing/lock``, taken here with :mod:`fcntl` where there is one
and through filelock elsewhere: the same lock filelock takes on POSIX systems, without its
import (about 10 ms, a fiftieth of a one-sentence edit's build; issue 17).

Finding what a killed build left means walking the workspace (15 ms for nine dates, more for a
long archive), so it is done only when the last build did not end cleanly: a build that ends
without an exception leaves ``.briefing/clean`` as it lets go of the lock, and the next one
removes that mark as it takes the lock.  A build killed (or failing) after that finds no mark,
and its successor walks the workspace.  The mark's removal is not flushed to disk: a journaling
file system commits it before any file this build creates, so after a crash no temporary file
survives while the mark does.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from briefing.build.workspace import Workspace
from briefing.errors import BriefingError
from briefing.fsutil import is_own_temp

log = logging.getLogger(__name__)

LOCK_NAME = "lock"
"""In ``.briefing/``: the file whose ``flock`` is the workspace lock."""

CLEAN_MARK = "clean"
"""In ``.briefing/``: the last build that held the lock ended cleanly (no temporary file left)."""


class WorkspaceBusyError(BriefingError):
    """Another build holds the workspace and we were told not to wait."""


@contextlib.contextmanager
def _flock(ws: Workspace, wait: bool, on_wait: Callable[[], None] | None) -> Iterator[None]:
    """Hold an ``flock`` on the workspace's lock file (created if missing);
    :class:`WorkspaceBusyError` when it is held and ``wait`` is false."""
    path = ws.state_dir / LOCK_NAME
    try:
        import fcntl
    except ImportError:  # no flock here: filelock's own lock for this system
        with _filelock(ws, wait, on_wait):
            yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _busy(ws, wait, on_wait)
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _filelock(ws: Workspace, wait: bool, on_wait: Callable[[], None] | None) -> Iterator[None]:
    import filelock

    lock = filelock.FileLock(str(ws.state_dir / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        _busy(ws, wait, on_wait)
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _busy(ws: Workspace, wait: bool, on_wait: Callable[[], None] | None) -> None:
    """Another build holds the lock: say so and go on to wait for it, or refuse."""
    if not wait:
        raise WorkspaceBusyError(f"another build is using the workspace {ws.root}; try again "
                                 "when it is done")
    if on_wait is not None:
        on_wait()


@contextlib.contextmanager
def workspace_lock(ws: Workspace, *, wait: bool = True,
                   on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the workspace's lock (``.briefing/lock``) for the duration of the block.

    When another process holds it: call ``on_wait`` and wait for it (``wait``), or raise
    :class:`WorkspaceBusyError`.  The lock is an OS file lock, released even when the holder is
    killed.  Once held, temporary files a killed build left behind are removed (when the last
    build did not end cleanly: the module docstring says how that is known).
    """
    ws.state_dir.mkdir(parents=True, exist_ok=True)
    with _flock(ws, wait, on_wait), tidied(ws):
        yield


@contextlib.contextmanager
def lock_if_free(ws: Workspace) -> Iterator[bool]:
    """Hold the workspace lock for the block when no build holds it (``True``); ``False`` when
    it is held, or cannot be taken here without filelock (the no-op check,
    :mod:`briefing.build.noop`: the build then waits for it as always).  Not tidied (a no-op
    build leaves every file as it was): what the block writes goes in :func:`unmarked`."""
    try:
        import fcntl
    except ImportError:
        yield False
        return
    try:
        fd = os.open(ws.state_dir / LOCK_NAME, os.O_RDWR)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another build holds it (or the file system has no flock)
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def unmarked(ws: Workspace) -> Iterator[None]:
    """With the lock held by :func:`lock_if_free`, for a write: the clean mark is taken away
    for the block, so a kill inside it leaves none (and the next build walks the workspace)."""
    mark = ws.state_dir / CLEAN_MARK
    try:
        mark.unlink()
    except FileNotFoundError:  # not there: nothing to put back (the last build did not end
        yield  # cleanly, and the next one walks the workspace anyway)
        return
    yield
    with contextlib.suppress(OSError):
        mark.touch()


@contextlib.contextmanager
def tidied(ws: Workspace) -> Iterator[None]:
    """With the workspace lock held: first remove the temporary files a killed build left, if
    the last holder did not end cleanly; leave the clean mark when the block ends without an
    exception (the module docstring)."""
    mark = ws.state_dir / CLEAN_MARK
    try:
        mark.unlink()
    except OSError:  # no mark (or not one we can remove): the last holder may have been killed
        remove_stale_temp_files(ws)
    yield
    with contextlib.suppress(OSError):  # without it the next build walks the workspace
        mark.touch()


def remove_stale_temp_files(ws: Workspace) -> int:
    """Delete the temporary files of writes that never finished (a build killed mid-write).

    Only briefing's own temporary files (:func:`~briefing.fsutil.is_own_temp`) are removed, so
    a producer's ``scripts/.notes.tmp`` stays.  Symbolic links are never followed: a linked
    ``scripts/``, ``audio/`` or sub-folder is not searched, and a link is never removed.
    Only called with the lock held, so no other build's temporary files can be in flight.
    """
    removed = 0
    for folder in (ws.scripts, ws.audio, ws.state_dir):
        if folder.is_symlink() or not folder.is_dir():
            continue
        for parent, _dirs, files in os.walk(folder, followlinks=False):
            for name in files:
                path = Path(parent) / name
                if is_own_temp(name) and not path.is_symlink() and path.is_file():
                    path.unlink(missing_ok=True)
                    removed += 1
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted build", removed)
    return removed
