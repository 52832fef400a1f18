"""``briefing check``: validate a workspace's articles and scripts without writing anything.

What a build would refuse, check refuses: every article is read, the script a build would
generate for each date is rendered and read back (unless the build would keep the script that
is there), every script in ``scripts/`` is read, and so is ``pronunciations.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from briefing.build.inputs import group_by_date, read_articles, script_dates
from briefing.build.report import BuildReport, DateReport
from briefing.build.run import article_paths
from briefing.build.scripts import ScriptStatus, decide_script
from briefing.build.state import State
from briefing.build.workspace import Workspace
from briefing.config import Settings
from briefing.errors import BriefingError, InputError
from briefing.speech.lexicon import load_lexicon
from briefing.text.script_read import parse_script, read_script, without_silent
from briefing.text.script_render import render_script


def check_workspace(ws: Workspace, settings: Settings,
                    paths: Sequence[Path] | None = None) -> BuildReport:
    """The problems of the articles at ``paths`` (default: ``articles/``) and of the scripts,
    as a report with one entry per date."""
    read = read_articles(article_paths(ws, paths), settings)
    problems: list[BriefingError] = list(read.errors)
    dated: list[DateReport] = []
    state = State.load(ws.state_file)
    for day, group in group_by_date(read.articles).items():
        dated.append(DateReport(day.isoformat(), stories=len(group),
                                photos=sum(len(a.photos) for a in group)))
        # the script a build would generate must read back: what build refuses, check does
        text = render_script(day, group, voice=settings.voice or "default",
                             rate=settings.rate, lang=settings.lang, workspace=ws.root,
                             photo_voice=settings.photo_voice, photo_rate=settings.photo_rate)
        path = ws.script_path(day)
        if (path.exists() or path.is_symlink()) and (not path.is_file() or decide_script(
                ws, day, text, state) not in (ScriptStatus.CREATED, ScriptStatus.UPDATED)):
            continue  # a build keeps the script there, which is read back below
        try:
            without_silent(parse_script(text, path), path)
        except BriefingError as exc:
            sources = ", ".join(a.source.name for a in group)
            problems.append(InputError(
                f"{exc.message} (in the script that would be generated from {sources})",
                path))
    for day in script_dates(ws):
        try:
            read_script(ws.script_path(day))
        except BriefingError as exc:
            problems.append(exc)
    try:
        load_lexicon(ws.lexicon)  # a build would refuse a broken one before any synthesis
    except BriefingError as exc:
        problems.append(exc)
    return BuildReport(tuple(dated), errors=tuple(problems), warnings=read.warnings)
