"""One build at a time per workspace: a lock file, and clean-up of what a killed build left."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

import filelock

from briefing.errors import BriefingError
from briefing.workspace import Workspace

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

    Only called with the lock held, so no other build's temporary files can be in flight.
    """
    removed = 0
    for folder in (ws.scripts, ws.audio, ws.state_dir):
        if not folder.is_dir():
            continue
        for path in folder.rglob(".*.tmp"):
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted build", removed)
    return removed
