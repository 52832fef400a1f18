"""The workspace's trash: nothing of a producer's, and no output, is ever deleted outright.

A build that replaces a script with a merge, a removed date's script and audio, a resolved
conflict's files: each is moved (same file system: a rename) into one
``.briefing/trash/<timestamp>/`` folder per build, under its path in the workspace, so it can
be put back by hand.  ``briefing clean --trash`` empties the trash.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from briefing.build.workspace import Workspace
from briefing.fsutil import create_new_file

log = logging.getLogger(__name__)


class Trash:
    """The trash folder of one build, made when the first file goes in (a plain class: it
    holds that folder once made)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.folder: Path | None = None

    def _folder(self) -> Path:
        if self.folder is None:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            for n in itertools.count(1):
                candidate = self.ws.trash / (stamp if n == 1 else f"{stamp}-{n}")
                try:
                    candidate.mkdir(parents=True)
                except FileExistsError:
                    continue
                self.folder = candidate
                break
        assert self.folder is not None
        return self.folder

    def _target(self, path: Path) -> Path:
        try:
            relative = path.relative_to(self.ws.root)
        except ValueError:
            relative = Path(path.name)
        target = self._folder() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def move(self, path: Path) -> Path:
        """Move the file ``path`` (inside the workspace) into the trash; returns where."""
        target = self._target(path)
        shutil.move(path, target)
        log.info("moved %s to %s", path, target)
        return target

    def copy(self, path: Path, data: bytes) -> Path:
        """Put ``data`` (the bytes of ``path`` about to be replaced) into the trash."""
        target = self._target(path)
        create_new_file(target, data)
        return target


@dataclass(frozen=True)
class EmptiedTrash:
    """What :func:`empty_trash` removed."""

    files: int
    bytes_freed: int


def empty_trash(ws: Workspace, dry_run: bool = False) -> EmptiedTrash:
    """Delete everything in ``.briefing/trash/`` (``dry_run``: only count it)."""
    files = size = 0
    if ws.trash.is_symlink():
        raise FileExistsError(ws.trash)
    if not ws.trash.is_dir():
        return EmptiedTrash(0, 0)
    for path in ws.trash.rglob("*"):
        if path.is_file() and not path.is_symlink():
            files += 1
            size += path.stat().st_size
    if not dry_run:
        for child in list(ws.trash.iterdir()):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    return EmptiedTrash(files, size)
