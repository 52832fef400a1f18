"""Write generated scripts without ever destroying a producer's edit.

A script that nobody edited since briefing generated it (its hash is the one recorded in the
state) is replaced.  A script edited by hand is kept: the new version is written beside it as
``scripts/<date>.new.md`` and a conflict is reported; with ``force`` the edited script is backed
up first and then replaced.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from briefing.errors import ScriptError
from briefing.fsutil import sha256_hex, write_bytes_atomic, write_if_changed
from briefing.readfile import read_limited
from briefing.segments import MAX_SCRIPT_BYTES
from briefing.state import State
from briefing.workspace import Workspace

log = logging.getLogger(__name__)


class ScriptStatus(StrEnum):
    """What happened to a date's script."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    """Edited by hand, and the generator has nothing new: the edit stands."""
    CONFLICT = "conflict"
    """Edited by hand, and the generator has something new: offered beside it."""
    FORCED = "forced"


@dataclass(frozen=True)
class ScriptResult:
    """The outcome of writing one generated script."""

    date: dt.date
    status: ScriptStatus
    path: Path
    new_path: Path | None = None
    """Where the regenerated text was put when the script was edited by hand."""

    backup_path: Path | None = None
    """Where an edited script was backed up (``force``)."""


def new_path_for(script: Path) -> Path:
    """``scripts/<date>.new.md`` beside ``scripts/<date>.md``."""
    return script.with_name(script.stem + ".new.md")


def decide_script(ws: Workspace, day: dt.date, text: str, state: State,
                  force: bool = False) -> ScriptStatus:
    """What :func:`write_script` would do with ``text``, without writing anything.

    A script is only ever replaced when the generated text changed since briefing last wrote
    it; an edited script whose articles and templates did not change is simply kept.
    """
    path = ws.script_path(day)
    if not path.exists() and not path.is_symlink():
        return ScriptStatus.CREATED
    # bounded, and refusing FIFOs, devices and dangling or looping symlinks (ScriptError)
    current = read_limited(path, MAX_SCRIPT_BYTES, ScriptError, "script")
    data = text.encode("utf-8")
    if current == data:
        return ScriptStatus.UNCHANGED
    recorded = state.generated.get(day.isoformat())
    if sha256_hex(current) == recorded:
        return ScriptStatus.UPDATED
    if force:
        return ScriptStatus.FORCED
    if sha256_hex(data) == recorded:
        return ScriptStatus.KEPT  # edited by hand; nothing new was generated
    return ScriptStatus.CONFLICT


def write_script(ws: Workspace, day: dt.date, text: str, state: State,
                 force: bool = False) -> ScriptResult:
    """Write the generated ``text`` of ``day``'s script, protecting a producer's edit."""
    path = ws.script_path(day)
    data = text.encode("utf-8")
    key = day.isoformat()
    status = decide_script(ws, day, text, state, force)
    stale_new = new_path_for(path)
    if status is ScriptStatus.CONFLICT:
        write_if_changed(stale_new, data)
        log.warning("%s was edited by hand; kept it, new version in %s", path, stale_new.name)
        return ScriptResult(day, status, path, new_path=stale_new)
    backup = None
    if status is ScriptStatus.FORCED:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.name}.{stamp}.bak")
        write_bytes_atomic(backup, path.read_bytes())
        log.info("%s was edited; backed up to %s and regenerated", path, backup.name)
    if status is ScriptStatus.KEPT:
        stale_new.unlink(missing_ok=True)
        return ScriptResult(day, status, path)
    if status is not ScriptStatus.UNCHANGED:
        write_bytes_atomic(path, data)
    state.generated[key] = sha256_hex(data)
    stale_new.unlink(missing_ok=True)
    return ScriptResult(day, status, path, backup_path=backup)
