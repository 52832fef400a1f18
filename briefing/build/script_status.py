"""What happened to a date's script, as the report says it: kept apart from
:mod:`briefing.build.scripts` (which merges and writes, and reads scripts back) so that a report
can be made and printed without importing the text stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class ScriptStatus(StrEnum):
    """What happened to a date's script."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    """Edited by hand, and the generator has nothing new: the edit stands."""
    CONFLICT = "conflict"
    """Edited by hand, and the generator changed a paragraph the producer changed too: the
    merge, with conflict markers, is offered beside it; the audio keeps the producer's
    wording (the date is stale until resolved)."""
    FORCED = "forced"
    MERGED = "merged"
    """Edited by hand, and the generator changed other paragraphs: both merged."""
    KEPT_NO_ARTICLES = "kept: no articles"
    """Edited by hand and its articles are all gone: kept and rendered (the script is the
    source of truth)."""


@dataclass(frozen=True)
class ScriptResult:
    """The outcome of writing one generated script."""

    date: dt.date
    status: ScriptStatus
    path: Path
    new_path: Path | None = None
    """Where the regenerated text was put when the script was edited by hand."""

    backup_path: Path | None = None
    """Where an edited script was backed up (``force``), or put before a merge replaced it."""

    conflicts: int = 0
    """How many regions of a conflict both sides changed."""
