"""One build at a time per workspace: a lock file, and clean-up of what a killed build left."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import filelock

from briefing.build.workspace import Workspace
from briefing.errors import BriefingError
from briefing.fsutil import is_own_temp

log = logging.getLogger(__name__)


class WorkspaceBusyError(BriefingError):
    """Another build holds the workspace and we were told not to wait."""


@contextlib.contextmanager
def workspace_lock(ws: Workspace, *, wait: bool = True,
                   on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the workspace's lock (``.briefing/lock``) for the duration of the block.

    When another process holds it: call ``on_wait`` and wait for it (``wait``), or raise
    :class:`WorkspaceBusyError`.  The lock is an OS file lock, released even when the holder is
    killed.  Once held, temporary files a killed build left behind are removed.
    """
    ws.state_dir.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(ws.state_dir / "lock"))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        if not wait:
            raise WorkspaceBusyError(
                f"another build is using the workspace {ws.root}; try again when it is done"
            ) from None
        if on_wait is not None:
            on_wait()
        lock.acquire()
    try:
        remove_stale_temp_files(ws)
        yield
    finally:
        lock.release()


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
