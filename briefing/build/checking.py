"""``briefing check``: validate a workspace's articles and scripts without writing anything.

What a build would refuse, check refuses: every article is read, the script a build would
generate for each date is rendered and read back (unless the build would keep the script that
is there), every script in ``scripts/`` is read (with its sound inserts' files, decoded), and
so is ``pronunciations.toml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from briefing.build.inputs import group_by_date, read_articles, rel, script_dates
from briefing.build.inserts import resolve_inserts
from briefing.build.report import BuildReport, DateReport
from briefing.build.run import article_paths
from briefing.build.scripts import ScriptStatus, decide_script
from briefing.build.state import State
from briefing.build.workspace import Workspace
from briefing.chapters import ChapterKind
from briefing.config import Settings
from briefing.errors import BriefingError, InputError
from briefing.speech.lexicon import load_lexicon
from briefing.text.article import Article
from briefing.text.script_read import Script, parse_script, read_script, without_silent
from briefing.text.script_render import render_script


def _counts(script: Script) -> tuple[int, int]:
    kinds = [c.kind for c in script.chapters]
    return kinds.count(ChapterKind.STORY), kinds.count(ChapterKind.PHOTO)


def _check_date(ws: Workspace, settings: Settings, state: State, day: dt.date,
                group: Sequence[Article]) -> tuple[DateReport, BriefingError | None]:
    """The entry of one date: the script a build would use (the one there, if a build keeps
    it, else the one it would generate), its path, and its stories and photos as the script
    has them (a producer may have cut a photo), with the problem of a generated script."""
    # the script a build would generate must read back: what build refuses, check does
    text = render_script(day, group, voice=settings.voice or "default",
                         rate=settings.rate, lang=settings.lang, workspace=ws.root,
                         photo_voice=settings.photo_voice, photo_rate=settings.photo_rate,
                         programme=settings.programme)
    path = ws.script_path(day)
    where = rel(ws, path)
    articles = (len(group), sum(len(a.photos) for a in group))
    if not (path.exists() or path.is_symlink()):
        status = ScriptStatus.CREATED
    elif not path.is_file():
        status = ScriptStatus.KEPT  # a build refuses to write there; reported below
    else:
        status = decide_script(ws, day, text, state)
    if status not in (ScriptStatus.CREATED, ScriptStatus.UPDATED):
        try:  # a build keeps the script there; its own errors are reported with the scripts
            stories, photos = _counts(without_silent(read_script(path), path))
        except BriefingError:
            stories, photos = articles
        return DateReport(day.isoformat(), stories=stories, photos=photos, script=where,
                          script_status=status.value), None
    try:
        stories, photos = _counts(without_silent(parse_script(text, path), path))
    except BriefingError as exc:
        sources = ", ".join(a.source.name for a in group)
        return (DateReport(day.isoformat(), stories=articles[0], photos=articles[1],
                           script=where, script_status=f"would be {status.value}"),
                InputError(f"{exc.message} (in the script that would be generated from "
                           f"{sources})", path))
    return DateReport(day.isoformat(), stories=stories, photos=photos, script=where,
                      script_status=f"would be {status.value}"), None


def check_workspace(ws: Workspace, settings: Settings,
                    paths: Sequence[Path] | None = None) -> BuildReport:
    """The problems of the articles at ``paths`` (default: ``articles/``) and of the scripts,
    as a report with one entry per date."""
    read = read_articles(article_paths(ws, paths), settings)
    problems: list[BriefingError] = list(read.errors)
    dated: list[DateReport] = []
    state = State.load(ws.state_file)
    for day, group in group_by_date(read.articles).items():
        entry, problem = _check_date(ws, settings, state, day, group)
        dated.append(entry)
        if problem is not None:
            problems.append(problem)
    for day in script_dates(ws):
        path = ws.script_path(day)
        try:  # its sound inserts too: each file there, inside the workspace, decodable
            resolve_inserts(read_script(path), ws.root, path, lambda digest: None)
        except BriefingError as exc:
            problems.append(exc)
    try:
        load_lexicon(ws.lexicon)  # a build would refuse a broken one before any synthesis
    except BriefingError as exc:
        problems.append(exc)
    return BuildReport(tuple(dated), errors=tuple(problems), warnings=read.warnings)
