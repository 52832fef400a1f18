"""The dates a build finds removed: built before, and none of their articles gives them now.

Nothing of such a date is deleted here; :mod:`briefing.build.remove` moves an unedited one's
script and outputs to the trash, and an edited script is kept and rendered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from briefing.build.context import BuildContext
from briefing.build.inputs import Articles, rel
from briefing.fsutil import sha256_hex
from briefing.text.dates import parse_iso_date


@dataclass(frozen=True)
class RemovedDate:
    """A date built before whose articles are all gone; nothing of it is deleted."""

    day: dt.date
    script: str
    """Its script (relative to the workspace)."""
    edited: bool = False
    """The script was edited by hand: it is kept and rendered; otherwise the script and the
    date's outputs go to the trash."""


def removed_dates(ctx: BuildContext, read: Articles, generated: set[dt.date],
             default_sources: bool) -> list[RemovedDate]:
    """Dates generated before from articles none of which gives that date any more."""
    dates: dict[Path, dt.date] = {a.source.resolve(): a.date for a in read.articles}
    labels = set(ctx.state.sources) | (set(ctx.state.generated) if default_sources else set())
    removed = []
    for label in sorted(labels):
        try:
            day = parse_iso_date(label)
        except ValueError:
            continue
        if day in generated:
            continue
        root = ctx.ws.root.resolve()
        sources = [(root / p).resolve() for p in ctx.state.sources.get(label, ())]
        if all(not p.exists() or (p in dates and dates[p] != day) for p in sources) and \
                not any(p in read.unreadable for p in sources):
            removed.append(RemovedDate(day, rel(ctx.ws, ctx.ws.script_path(day)),
                                       _edited(ctx, day)))
    return removed


def _edited(ctx: BuildContext, day: dt.date) -> bool:
    """Whether ``day``'s script is there and differs from what briefing generated."""
    path = ctx.ws.script_path(day)
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return sha256_hex(data) != ctx.state.generated.get(day.isoformat())


__all__ = ["RemovedDate", "removed_dates"]
