"""The build: articles → scripts → segments → audio → outputs.

Each stage lives in its own module; this one only runs them in order, decides what is out of
date, and reports what happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefing.article import Article, find_articles, read_article
from briefing.assemble import Gaps, assemble
from briefing.cache import SegmentCache
from briefing.config import Settings
from briefing.engines.base import Engine, VoiceSettings
from briefing.errors import ArticleError, BriefingError, InputError
from briefing.generate import ScriptResult, ScriptStatus, write_script
from briefing.outputs import write_date_outputs
from briefing.script import render_script
from briefing.segments import Script, read_script
from briefing.state import State
from briefing.synth import plan_segments, synthesize_missing
from briefing.tags import TagInfo
from briefing.workspace import Workspace

log = logging.getLogger(__name__)

ASSEMBLY_VERSION = 1
"""Bumped when assembly, encoding or tagging changes the outputs for the same segments."""

ProgressFn = Callable[[str, int, int], None]
"""``progress(label, done, total)``: called as segments are synthesised."""


@dataclass(frozen=True)
class ChapterInfo:
    """A chapter as reported."""

    title: str
    start_ms: int
    end_ms: int


@dataclass
class DateReport:
    """What the build did for one date."""

    date: str
    stories: int = 0
    photos: int = 0
    script: str = ""
    script_status: str = ""
    chapters: list[ChapterInfo] = field(default_factory=list)
    segments_total: int = 0
    segments_synthesized: int = 0
    segments_reused: int = 0
    duration_ms: int = 0
    audio: str = ""
    """``built``, ``up to date`` or ``""`` (no audio stage)."""
    files: dict[str, object] = field(default_factory=dict)


@dataclass
class BuildReport:
    """What a build did, date by date, and what went wrong."""

    dates: list[DateReport] = field(default_factory=list)
    errors: list[BriefingError] = field(default_factory=list)
    conflicts: list[ScriptResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether everything asked for was built."""
        return not self.errors


# --------------------------------------------------------------------------- articles

def load_articles(paths: Sequence[Path], settings: Settings,
                  report: BuildReport) -> list[Article]:
    """Read every article under ``paths``; bad ones are reported and skipped."""
    files = find_articles(list(paths))
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise InputError(f"no article files (*.txt, *.json, *.yaml) in {where}")
    articles: list[Article] = []
    for path in files:
        try:
            article = read_article(path, settings.max_article_bytes)
        except ArticleError as exc:
            report.errors.append(exc)
            continue
        articles.append(article)
        report.warnings.extend(f"{path}: {w}" for w in article.warnings)
    return articles


def group_by_date(articles: Sequence[Article]) -> dict[dt.date, list[Article]]:
    """Articles of each date, ordered by file name."""
    groups: dict[dt.date, list[Article]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: (a.source.name, str(a.source))):
        groups[article.date].append(article)
    return dict(sorted(groups.items()))


# --------------------------------------------------------------------------- builder

class Builder:
    """Runs the stages for one workspace with one set of settings."""

    def __init__(self, ws: Workspace, settings: Settings,
                 engine_factory: Callable[[str], Engine],
                 progress: ProgressFn | None = None) -> None:
        self.ws = ws
        self.settings = settings
        self._engine_factory = engine_factory
        self._engine: Engine | None = None
        self.progress = progress
        self.cache = SegmentCache(ws.cache)
        self.state = State.load(ws.state_file)

    @property
    def engine(self) -> Engine:
        """The engine, created on first use."""
        if self._engine is None:
            self._engine = self._engine_factory(self.settings.engine)
        return self._engine

    def close(self) -> None:
        """Save the state and release the engine."""
        self.state.save(self.ws.state_file)
        if self._engine is not None:
            self._engine.close()

    def rel(self, path: Path) -> str:
        """``path`` relative to the workspace when inside it."""
        try:
            return path.relative_to(self.ws.root).as_posix()
        except ValueError:
            return str(path)

    # ----------------------------------------------------------------- scripts

    def write_scripts(self, paths: Sequence[Path], report: BuildReport,
                      force: bool = False) -> list[dt.date]:
        """Articles → scripts; returns the dates whose scripts exist afterwards."""
        articles = load_articles(paths, self.settings, report)
        dates: list[dt.date] = []
        for day, group in group_by_date(articles).items():
            text = render_script(day, group, voice=self.settings.voice or "default",
                                 rate=self.settings.rate, lang=self.settings.lang,
                                 workspace=self.ws.root)
            result = write_script(self.ws, day, text, self.state, force=force)
            if result.status is ScriptStatus.CONFLICT:
                report.conflicts.append(result)
            entry = self._date_report(report, day)
            entry.stories = len(group)
            entry.photos = sum(len(a.photos) for a in group)
            entry.script = self.rel(result.path)
            entry.script_status = result.status.value
            dates.append(day)
        self.state.save(self.ws.state_file)
        return dates

    def _date_report(self, report: BuildReport, day: dt.date) -> DateReport:
        for entry in report.dates:
            if entry.date == day.isoformat():
                return entry
        entry = DateReport(day.isoformat())
        report.dates.append(entry)
        return entry

    # ----------------------------------------------------------------- audio

    def voice_settings(self, script: Script) -> VoiceSettings:
        """Voice and rate for a script: its front matter, else the settings."""
        return VoiceSettings(voice=script.voice if script.voice is not None
                             else self.settings.voice,
                             rate=script.rate or self.settings.rate)

    def _assembly_key(self, script: Script, digests: list[str]) -> str:
        s = self.settings
        payload = {
            "assembly_version": ASSEMBLY_VERSION,
            "segments": digests,
            "chapters": [[c.title, [repr(b) for b in c.blocks]] for c in script.chapters],
            "title": script.title,
            "gaps": [s.sentence_pause_ms, s.paragraph_pause_ms, s.chapter_pause_ms],
            "encoding": [s.bitrate_kbps, s.mp3_quality, s.artist, s.album],
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def _outputs_intact(self, key: str, day: str) -> bool:
        recorded = self.state.outputs.get(day)
        if not recorded or recorded.get("key") != key:
            return False
        return all((self.ws.root / f).is_file() for f in recorded.get("files", []))

    def render_date(self, day: dt.date, report: BuildReport) -> None:
        """Script → segments → audio → outputs for one date."""
        path = self.ws.script_path(day)
        script = read_script(path)
        if script.date != day:
            raise InputError(f"front matter date {script.date} does not match the file name",
                             path)
        entry = self._date_report(report, day)
        entry.script = entry.script or self.rel(path)
        voice = self.voice_settings(script)
        planned = plan_segments(script, self.engine, voice)
        label = day.isoformat()

        def tick(done: int, total: int) -> None:
            if self.progress is not None:
                self.progress(label, done, total)

        synthesized, reused = synthesize_missing(planned, self.cache, self.engine, voice, tick)
        entry.segments_total = len(planned)
        entry.segments_synthesized = synthesized
        entry.segments_reused = reused
        key = self._assembly_key(script, [p.digest for p in planned])
        recorded = self.state.outputs.get(label, {})
        if self._outputs_intact(key, label):
            entry.audio = "up to date"
            entry.chapters = [ChapterInfo(**c) for c in recorded["chapters"]]
            entry.duration_ms = int(recorded["duration_ms"])
            entry.files = dict(recorded["report_files"])
            return
        by_position = {(p.chapter, p.number): p.digest for p in planned}

        def segment_wav(chapter: int, number: int) -> bytes:
            wav = self.cache.get(by_position[(chapter, number)])
            if wav is None:  # removed behind our back: synthesise again
                seg = next(p for p in planned if (p.chapter, p.number) == (chapter, number))
                wav = self.engine.synthesize(seg.spoken, voice)
                self.cache.put(seg.digest, wav)
            return wav

        s = self.settings
        gaps = Gaps(s.sentence_pause_ms, s.paragraph_pause_ms, s.chapter_pause_ms)
        info = TagInfo(title=script.title, album=s.album, artist=s.artist, date=label)
        outputs = write_date_outputs(self.ws.audio_dir(day), label,
                                     info, assemble(script.chapters, segment_wav, gaps),
                                     s.bitrate_kbps, s.mp3_quality)
        entry.audio = "built"
        entry.chapters = [ChapterInfo(c.title, round(c.start_ms), round(c.end_ms))
                          for c in outputs.chapters]
        entry.duration_ms = round(outputs.duration_ms)
        entry.files = {
            "mp3": self.rel(outputs.mp3),
            "chapters": [self.rel(c.path) for c in outputs.chapters],
            "playlist": self.rel(outputs.playlist),
        }
        self.state.outputs[label] = {
            "key": key,
            "files": [self.rel(outputs.mp3), self.rel(outputs.playlist),
                      *(self.rel(c.path) for c in outputs.chapters)],
            "chapters": [c.__dict__ for c in entry.chapters],
            "duration_ms": entry.duration_ms,
            "report_files": entry.files,
        }
        self.state.save(self.ws.state_file)

    def render_dates(self, dates: Sequence[dt.date], report: BuildReport) -> None:
        """Render each date; an input error in one script is reported, the others go on."""
        for day in dates:
            try:
                self.render_date(day, report)
            except InputError as exc:
                report.errors.append(exc)


def script_dates(ws: Workspace) -> list[dt.date]:
    """Dates that have a script in the workspace."""
    dates = []
    for path in sorted(ws.scripts.glob("*.md")):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", path.stem):
            continue
        try:
            dates.append(dt.date.fromisoformat(path.stem))
        except ValueError:
            continue
    return dates
