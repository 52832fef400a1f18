"""The merge bases: the text briefing last generated for each script, kept as text.

A three-way merge needs the common ancestor of the producer's script and the regenerated one:
the generated text the producer started from.  The state records its hash; the text itself is
kept in ``.briefing/base/<date>.md`` (written atomically), and the generated text offered in
an open conflict in ``<date>.pending.md``.  A file is trusted only when its bytes hash to what
the state recorded, so a base from an interrupted build is never merged against.
"""

from __future__ import annotations

import datetime as dt
import logging

from briefing.build.state import State
from briefing.build.workspace import Workspace
from briefing.fsutil import sha256_hex, write_if_changed

log = logging.getLogger(__name__)


def _read(ws: Workspace, name: str, expected: str | None) -> str | None:
    if expected is None:
        return None
    path = ws.bases / name
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if sha256_hex(data) != expected:
        log.info("%s does not hold the text the state recorded; not used", path)
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def base_text(ws: Workspace, state: State, day: dt.date) -> str | None:
    """The text last generated for ``day``'s script (``None``: not kept, or not trusted)."""
    return _read(ws, f"{day.isoformat()}.md", state.generated.get(day.isoformat()))


def pending_text(ws: Workspace, state: State, day: dt.date) -> str | None:
    """The generated text offered in ``day``'s open conflict, if any."""
    return _read(ws, f"{day.isoformat()}.pending.md", state.conflicts.get(day.isoformat()))


def record_base(ws: Workspace, state: State, day: dt.date, text: str) -> None:
    """Record ``text`` as the generated text of ``day``'s script (the next merge's base);
    the file is written before the state names it."""
    data = text.encode("utf-8")
    write_if_changed(ws.bases / f"{day.isoformat()}.md", data)
    state.generated[day.isoformat()] = sha256_hex(data)


def record_pending(ws: Workspace, state: State, day: dt.date, text: str) -> None:
    """Record ``text`` as the generated text offered in ``day``'s conflict."""
    data = text.encode("utf-8")
    write_if_changed(ws.bases / f"{day.isoformat()}.pending.md", data)
    state.conflicts[day.isoformat()] = sha256_hex(data)


def clear_pending(ws: Workspace, state: State, day: dt.date) -> None:
    """``day`` has no open conflict any more."""
    state.conflicts.pop(day.isoformat(), None)
    (ws.bases / f"{day.isoformat()}.pending.md").unlink(missing_ok=True)


def forget(ws: Workspace, state: State, day: dt.date) -> None:
    """Drop everything kept of ``day``'s generated text (its date was removed)."""
    clear_pending(ws, state, day)
    state.generated.pop(day.isoformat(), None)
    (ws.bases / f"{day.isoformat()}.md").unlink(missing_ok=True)
