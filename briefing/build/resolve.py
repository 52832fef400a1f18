"""Settle a conflict (``briefing resolve``) and show a producer's changes (``briefing diff``).

A conflict leaves the producer's script exactly as it was and the generated text it could not
merge recorded as pending (:mod:`briefing.build.bases`).  ``--ours`` keeps the script and makes
the pending text the merge base, so the same generated text is not offered again; ``--theirs``
puts the generated text in place of the script (whose previous version goes to the trash).
Either way the ``<date>.new.md`` files briefing wrote are removed, and one the producer edited
goes to the trash: nothing of the producer's is deleted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from dataclasses import dataclass
from pathlib import Path

from briefing.build.bases import base_text, clear_pending, pending_text, record_base
from briefing.build.scripts import is_offer_of, is_own_offer
from briefing.build.state import State
from briefing.build.trash import Trash
from briefing.build.workspace import Workspace
from briefing.errors import InputError
from briefing.fsutil import write_bytes_atomic
from briefing.readfile import read_text_limited
from briefing.text.script_read import MAX_SCRIPT_BYTES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve` did."""

    day: dt.date
    kept: str
    """``ours`` or ``theirs``."""
    script: Path
    removed: tuple[Path, ...]
    """The ``.new.md`` files removed (briefing's own, unchanged)."""
    trashed: tuple[Path, ...]
    """Where files were moved in the trash (a replaced script, an edited ``.new.md``)."""


def _offers(ws: Workspace, script: Path) -> list[Path]:
    if not ws.scripts.is_dir():
        return []
    return sorted(p for p in ws.scripts.iterdir() if is_offer_of(script, p.name))


def resolve(ws: Workspace, state: State, day: dt.date, theirs: bool) -> Resolution:
    """Settle ``day``'s conflict: keep the producer's script (``theirs=False``) or take the
    generated text; the caller holds the workspace lock and saves ``state``."""
    script = ws.script_path(day)
    pending = pending_text(ws, state, day)
    if pending is None:
        raise InputError(f"{day.isoformat()} has no conflict to resolve (a build records one "
                         "when the articles and your edits change the same paragraph)", script)
    trash = Trash(ws)
    trashed: list[Path] = []
    if theirs:
        if script.is_file() and not script.is_symlink():
            trashed.append(trash.copy(script, script.read_bytes()))
        write_bytes_atomic(script, pending.encode("utf-8"))
    record_base(ws, state, day, pending)
    clear_pending(ws, state, day)
    removed: list[Path] = []
    for offer in _offers(ws, script):
        if is_own_offer(offer, state):
            offer.unlink()
            removed.append(offer)
        else:  # the producer's own file now: kept, in the trash
            trashed.append(trash.move(offer))
        state.offered.pop(offer.name, None)
    log.info("%s: conflict resolved (%s)", day.isoformat(), "theirs" if theirs else "ours")
    return Resolution(day, "theirs" if theirs else "ours", script, tuple(removed),
                      tuple(trashed))


def diff(ws: Workspace, state: State, day: dt.date) -> str:
    """A unified diff from the text briefing generated for ``day`` to the producer's script
    (empty: not edited)."""
    script = ws.script_path(day)
    if not script.is_file():
        raise InputError("no such script", script)
    base = base_text(ws, state, day)
    if base is None:
        raise InputError(f"the text generated for {day.isoformat()} was not kept (built by an "
                         "older briefing); run 'briefing build' to record it", script)
    current = read_text_limited(script, MAX_SCRIPT_BYTES, InputError, "script")
    name = f"scripts/{script.name}"
    return "".join(difflib.unified_diff(
        base.splitlines(keepends=True), current.splitlines(keepends=True),
        fromfile=f"{name} (generated)", tofile=f"{name} (yours)"))
