"""A build that plans only the dates whose scripts the producer edited.

The producer's loop is: edit a sentence of one date's script, build, listen.  Planning every
date reads, parses and normalises every script, renders every date's script from its articles
again and hashes every segment, all to find that the other dates are up to date.  The no-op
snapshot (:mod:`briefing.build.noop`) already records, after a clean build, the stat and the
bytes' hash of every file a build reads and what the next build reports for each date when
nothing changed.  When the only files whose bytes changed since then are scripts of dates
that build recorded (nothing added or removed, no article, setting, template, lexicon, sound,
output, code or installed package changed, the same command line and environment), the other
dates' plans are known: up to date, as recorded.  The build then plans just those dates, each
script merged with the text last generated for it, which is what rendering its unchanged
articles would give: no article is read and no template is loaded (the articles' warnings are
the ones the recorded build read, logged and reported again; :func:`edited_scripts`).  It
executes that plan (the site's index and feed are made from every date's recorded
outputs, as always) and reports the recorded entries of the other dates beside the new ones,
in the recorded order; the warnings of dates over the target duration are made from all of
them.  Anything else, and every date is planned,
as before.  A recorded report with notes (of scripts that override settings; not attributed to
a date) is not reused: such a build is planned in full.

Hand-written: the decision rests on this project's own snapshot and state formats.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.build import noop
from briefing.build.report import BuildReport, DateReport, DateState
from briefing.build.workspace import Workspace
from briefing.errors import InputError
from briefing.text.dates import parse_iso_date

if TYPE_CHECKING:
    from briefing.build.context import BuildContext
    from briefing.build.plan import ScriptPlan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """The dates to plan and the recorded report of the others."""

    days: frozenset[dt.date]
    recorded: BuildReport


def _script_names(ws: Workspace, recorded: BuildReport) -> dict[str, dt.date] | None:
    """The snapshot's name of each recorded date's script (relative to the workspace)."""
    names: dict[str, dt.date] = {}
    for entry in recorded.dates:
        if entry.state is DateState.REMOVED:
            return None
        try:
            day = parse_iso_date(entry.date)
        except ValueError:
            return None
        path = ws.script_path(day)
        if not path.absolute().is_relative_to(ws.root.absolute()):
            return None
        names[path.absolute().relative_to(ws.root.absolute()).as_posix()] = day
    return names


def scope(ws: Workspace, request: noop.Request,
          sources: Mapping[str, tuple[str, ...]]) -> Scope | None:
    """What to plan when only some dates' scripts changed since the recorded build of
    ``request`` (``sources``: the state's article files of each date); ``None``: plan every
    date.  Call under the workspace lock."""
    found = noop.changed_inputs(ws, request)
    if found is None:
        return None
    recorded, changed = found
    if not changed or recorded.notes:
        return None
    names = _script_names(ws, recorded)
    if names is None or not changed <= names.keys():
        log.debug("inputs other than scripts changed; planning every date")
        return None
    days = frozenset(names[name] for name in changed)
    if any(not sources.get(day.isoformat()) for day in days):
        return None  # a script no article makes: the full plan decides what becomes of it
    log.debug("only the scripts of %s changed; the other dates are up to date as recorded",
              ", ".join(sorted(d.isoformat() for d in days)))
    return Scope(days, recorded)


def edited_scripts(ctx: BuildContext, scope: Scope
                   ) -> tuple[list[ScriptPlan], tuple[str, ...]] | None:
    """The plans of the scripts of ``scope``'s dates, made without reading an article (their
    generated text is the one last generated, the merge base; their sources and counts the
    recorded ones), and the articles' warnings the recorded build read, logged again.
    ``None`` when a date has no trusted base or its script cannot be read: the articles are
    read then, and the plan says what is wrong."""
    from briefing.build.bases import base_text
    from briefing.build.plan import ScriptPlan
    from briefing.build.scripts import decide

    entries = {d.date: d for d in scope.recorded.dates}
    plans: list[ScriptPlan] = []
    for day in sorted(scope.days):
        text = base_text(ctx.ws, ctx.state, day)
        sources = ctx.state.sources.get(day.isoformat())
        entry = entries.get(day.isoformat())
        if text is None or not sources or entry is None:
            return None
        try:
            decision = decide(ctx.ws, day, text, ctx.state, False)
        except InputError:
            return None
        plans.append(ScriptPlan(day, text, decision.status, ctx.ws.script_path(day), sources,
                                entry.stories, entry.photos, decision.script,
                                decision.conflicts))
    for warning in scope.recorded.input_warnings:  # as reading the articles logs them
        log.warning("%s", warning)
    return plans, scope.recorded.input_warnings


def merged(entries: Sequence[DateReport], recorded: BuildReport) -> list[DateReport]:
    """``entries`` (of the planned dates) with the recorded entries of the others, in the
    recorded order (new dates last)."""
    new: dict[str, DateReport] = {d.date: d for d in entries}
    return [new.pop(d.date, d) for d in recorded.dates] + list(new.values())


__all__ = ["Scope", "edited_scripts", "merged", "scope"]
