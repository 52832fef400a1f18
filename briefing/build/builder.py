"""The build: articles → scripts → segments → audio → outputs.

Each stage lives in its own module; this one decides what is out of date (:meth:`Builder.plan`,
one function that says what would be rebuilt and why), runs the stages that are, and reports
what happened.  The cheap checks come first: a date whose outputs' recorded key, sizes and
mtimes all match is not even read back.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.chapters import ChapterKind, PublishedChapter
from briefing.text.article import Article, find_articles, read_article
from briefing.audio.assemble import SAMPLE_RATE, Gaps, SegmentTiming
from briefing.build.cache import canonical_hash, chapter_store, segment_store, timing_store
from briefing.config import Settings
from briefing.publish.cover import site_fingerprint
from briefing.text.dates import parse_iso_date
from briefing.engines.base import Engine, VoiceSettings
from briefing.errors import ArticleError, BriefingError, EncoderError, EngineError, InputError
from briefing.fsutil import sha256_hex
from briefing.build.scripts import (
    ScriptResult,
    ScriptStatus,
    decide_script,
    new_path_for,
    write_script,
)
from briefing.speech.lexicon import Lexicon, load_lexicon
from briefing.audio.m4b import fingerprint, options_for
from briefing.publish.outputs import EncodedChapter, write_date_outputs
from briefing.text.script_render import render_script
from briefing.text.script_read import (
    Chapter,
    Pause,
    Script,
    parse_script,
    read_script,
    without_silent,
)
from briefing.build.state import State
from briefing.build.segment_plan import PlannedSegment, missing_segments, plan_segments
from briefing.audio.id3 import TagInfo
from briefing.build.versions import LOUDNESS_VERSION, OUTPUTS_VERSION
from briefing.build.workers import Job, Task, Workers, encode_chapter_task
from briefing.build.workspace import Workspace

log = logging.getLogger(__name__)

ASSEMBLY_VERSION = 4
"""Bumped when assembly, encoding or tagging changes the outputs for the same segments."""

ProgressFn = Callable[[str, int, int], None]
"""``progress(label, done, total)``: called as segments are synthesised."""


# --------------------------------------------------------------------------- reports

@dataclass
class DateReport:
    """What the build did (or, planning, would do) for one date."""

    date: str
    stories: int = 0
    photos: int = 0
    script: str = ""
    script_status: str = ""
    chapters: list[PublishedChapter] = field(default_factory=list)
    segments_total: int = 0
    segments_synthesized: int = 0
    segments_reused: int = 0
    chapters_encoded: int = 0
    duration_ms: int = 0
    audio: str = ""
    """``built``, ``up to date``, ``would build`` or ``""`` (no audio stage)."""
    reason: str = ""
    """Why the audio is (or would be) rebuilt."""
    files: dict[str, object] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    """Output files whose bytes changed on disk."""


@dataclass
class BuildReport:
    """What a build did, date by date, and what went wrong."""

    dates: list[DateReport] = field(default_factory=list)
    site: list[str] = field(default_factory=list)
    """Web pages and feed files written."""
    errors: list[BriefingError] = field(default_factory=list)
    conflicts: list[ScriptResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def date(self, day: dt.date) -> DateReport:
        """The entry of ``day``, created on first use."""
        for entry in self.dates:
            if entry.date == day.isoformat():
                return entry
        entry = DateReport(day.isoformat())
        self.dates.append(entry)
        return entry


@contextmanager
def named(path: Path) -> Iterator[None]:
    """An :class:`OSError` raised inside names ``path`` when it names no file itself.

    A full disk fails a write or ``fsync`` with a bare "No space left on device"; the message
    must say where.  ``path`` is the file (or the folder of files) being written.
    """
    try:
        yield
    except OSError as exc:
        if exc.filename is not None or exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


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


def script_dates(ws: Workspace) -> list[dt.date]:
    """Dates that have a script in the workspace."""
    dates = []
    for path in sorted(ws.scripts.glob("*.md")):
        try:
            dates.append(parse_iso_date(path.stem))
        except ValueError:
            continue
    return dates


# --------------------------------------------------------------------------- plans

@dataclass(frozen=True)
class ChapterPlan:
    """One chapter: its segments and the key of its encoded audio."""

    index: int
    title: str
    key: str
    segments: tuple[PlannedSegment, ...]
    cached: bool
    kind: ChapterKind = ChapterKind.OTHER
    story: int | None = None


@dataclass(frozen=True)
class DatePlan:
    """What building one date's audio takes."""

    day: dt.date
    script_path: Path
    script: Script
    voice: VoiceSettings
    segments: tuple[PlannedSegment, ...]
    to_synthesize: tuple[PlannedSegment, ...]
    chapters: tuple[ChapterPlan, ...]
    outputs_key: str
    outputs_current: bool
    reason: str

    @property
    def to_encode(self) -> tuple[ChapterPlan, ...]:
        """Chapters whose encoded audio is not cached."""
        return tuple(c for c in self.chapters if not c.cached)


ENCODE_SECONDS_PER_SENTENCE = 0.5
"""Time a chapter's encoding may take per sentence (about 20 times what it takes), beyond the
workers' stall timeout: a long chapter is not a hung engine."""


def _chapter_shape(chapter: Chapter) -> list[Any]:
    return [["pause", b.ms] if isinstance(b, Pause) else ["para", len(b.sentences)]
            for b in chapter.blocks]


class Builder:
    """Runs the stages for one workspace with one set of settings."""

    def __init__(self, ws: Workspace, settings: Settings,
                 engine_factory: Callable[[str], Engine],
                 progress: ProgressFn | None = None,
                 workers: Workers | None = None, own_workers: bool = True) -> None:
        self.ws = ws
        self.settings = settings
        self._engine_factory = engine_factory
        self._engine: Engine | None = None
        self.progress = progress
        self.workers = workers or Workers(settings.engine)
        self._own_workers = own_workers or workers is None
        self.segments = segment_store(ws.segment_cache)
        self.chapters = chapter_store(ws.chapter_cache)
        self.timings = timing_store(ws.chapter_cache)
        self.state = State.load(ws.state_file)
        self._lexicon: Lexicon | None = None

    @property
    def engine(self) -> Engine:
        """The engine's description in this process (name, version, sample rate), for planning.

        Synthesis itself runs in the worker processes (:mod:`briefing.build.workers`).
        """
        if self._engine is None:
            self._engine = self._engine_factory(self.settings.engine)
        return self._engine

    @property
    def lexicon(self) -> Lexicon:
        """The workspace's pronunciation lexicon."""
        if self._lexicon is None:
            self._lexicon = load_lexicon(self.ws.lexicon)
        return self._lexicon

    def close(self) -> None:
        """Save the state, stop the workers and release the engine."""
        self.state.save(self.ws.state_file)
        if self._own_workers:
            self.workers.close()
        if self._engine is not None:
            self._engine.close()

    def rel(self, path: Path) -> str:
        """``path`` relative to the workspace when inside it."""
        try:
            return path.relative_to(self.ws.root).as_posix()
        except ValueError:
            return str(path)

    # ----------------------------------------------------------------- scripts

    def generated_scripts(self, paths: Sequence[Path],
                          report: BuildReport) -> dict[dt.date, str]:
        """Articles → the text of each date's generated script (nothing written)."""
        articles = load_articles(paths, self.settings, report)
        texts: dict[dt.date, str] = {}
        for day, group in group_by_date(articles).items():
            texts[day] = render_script(day, group, voice=self.settings.voice or "default",
                                       rate=self.settings.rate, lang=self.settings.lang,
                                       workspace=self.ws.root)
            entry = report.date(day)
            entry.stories = len(group)
            entry.photos = sum(len(a.photos) for a in group)
            entry.script = self.rel(self.ws.script_path(day))
        return texts

    def write_scripts(self, paths: Sequence[Path], report: BuildReport,
                      force: bool = False) -> list[dt.date]:
        """Articles → scripts; returns the dates whose scripts exist afterwards."""
        texts = self.generated_scripts(paths, report)
        if texts:
            self.ws.ensure_real_folder(self.ws.scripts)
        written: list[dt.date] = []
        for day, text in texts.items():
            try:
                with named(self.ws.script_path(day)):
                    result = write_script(self.ws, day, text, self.state, force=force)
            except InputError as exc:  # the script there is not a file we can read
                report.errors.append(exc)
                continue
            written.append(day)
            if result.status is ScriptStatus.CONFLICT:
                report.conflicts.append(result)
            report.date(day).script_status = result.status.value
        self.state.save(self.ws.state_file)
        return written

    # ----------------------------------------------------------------- audio plan

    def voice_settings(self, script: Script) -> VoiceSettings:
        """Voice and rate for a script: its front matter, else the settings."""
        return VoiceSettings(voice=script.voice if script.voice is not None
                             else self.settings.voice,
                             rate=script.rate or self.settings.rate)

    def _tag_info(self, script: Script) -> TagInfo:
        return TagInfo(title=script.title, album=self.settings.album,
                       artist=self.settings.artist, date=script.date.isoformat())

    def _outputs_recorded(self, label: str, key: str) -> bool:
        recorded = self.state.outputs.get(label)
        if not recorded or recorded.get("key") != key:
            return False
        for rel, (size, mtime_ns) in recorded.get("stat", {}).items():
            try:
                st = (self.ws.root / rel).stat()
            except FileNotFoundError:
                return False
            if (st.st_size, st.st_mtime_ns) != (size, mtime_ns):
                return False
        return True

    def plan(self, day: dt.date, text: str | None = None) -> DatePlan:
        """What building ``day``'s audio takes, and why; ``text`` overrides the script file."""
        path = self.ws.script_path(day)
        script = without_silent(parse_script(text, path) if text is not None
                                else read_script(path), path)
        if script.date != day:
            raise InputError(f"front matter date {script.date} does not match the file name",
                             path)
        voice = self.voice_settings(script)
        segments = plan_segments(script, self.engine, voice, self.lexicon, path)
        missing = missing_segments(segments, self.segments)
        s = self.settings
        chapters: list[ChapterPlan] = []
        for index, chapter in enumerate(script.chapters):
            own = tuple(p for p in segments if p.chapter == index)
            key = canonical_hash({
                "assembly_version": ASSEMBLY_VERSION,
                "sample_rate": SAMPLE_RATE,
                "segments": [p.digest for p in own],
                "shape": _chapter_shape(chapter),
                "last": index == len(script.chapters) - 1,
                "gaps": [s.sentence_pause_ms, s.paragraph_pause_ms, s.chapter_pause_ms],
                "encoding": [s.bitrate_kbps, s.mp3_quality],
                "loudness": [LOUDNESS_VERSION, s.loudness_lufs, s.true_peak_dbtp],
            })
            cached = self.chapters.has(key) and self.timings.has(key)
            chapters.append(ChapterPlan(index, chapter.title, key, own, cached, chapter.kind,
                                        chapter.story))
        info = self._tag_info(script)
        outputs_key = canonical_hash({
            "assembly_version": ASSEMBLY_VERSION,
            "outputs_version": OUTPUTS_VERSION,
            "chapters": [[c.key, c.title, c.kind, c.story] for c in chapters],
            "tags": [info.title, info.album, info.artist, info.date],
            **fingerprint(options_for(s, self.ws.root)),
        })
        label = day.isoformat()
        current = self._outputs_recorded(label, outputs_key)
        to_encode = sum(1 for c in chapters if not c.cached)
        if current:
            reason = "up to date"
        elif label not in self.state.outputs:
            reason = f"{self.rel(path)}: not built yet"
        elif self.state.outputs[label].get("key") == outputs_key:
            reason = f"{self.rel(path)}: outputs missing or modified on disk"
        else:
            reason = (f"{self.rel(path)} changed: {len(missing)} segment(s) to synthesise, "
                      f"{to_encode} chapter(s) to encode")
        log.info("%s: %s", label, reason)
        return DatePlan(day, path, script, voice, tuple(segments), tuple(missing),
                        tuple(chapters), outputs_key, current, reason)

    # ----------------------------------------------------------------- audio build

    def _synthesize(self, jobs: list[Job]) -> None:
        """Synthesise ``jobs`` in the workers and store them in the cache."""

        def tick(done: int, total: int) -> None:
            if self.progress is not None:
                self.progress("synthesising", done, total)

        for job, wav in self.workers.synthesize(jobs, tick):
            with named(self.segments.path(job.key)):
                self.segments.put(job.key, wav)

    def _job(self, plan: DatePlan, seg: PlannedSegment) -> Job:
        return Job(seg.digest, seg.spoken, plan.voice,
                   f"{plan.day.isoformat()}, chapter {seg.chapter + 1}, sentence {seg.number + 1}")

    def _chapter_wavs(self, plan: DatePlan, chapter: ChapterPlan,
                      entry: DateReport) -> list[bytes | str]:
        """The cached WAVs of a chapter's sentences; a damaged one is synthesised again.

        Local workers get the paths of the checked cache files, so a long chapter's audio is
        never held whole; remote ones (Dask) get the bytes.
        """
        wavs: list[bytes | str] = []
        for seg in chapter.segments:
            wav = self.segments.get(seg.digest)
            if wav is None:  # damaged or removed since planning: synthesise again
                self._synthesize([self._job(plan, seg)])
                wav = self.segments.get(seg.digest)
                if wav is None:
                    raise EngineError(f"{self._job(plan, seg).label}: the audio could not be "
                                      "stored in the cache")
                entry.segments_synthesized += 1
            wavs.append(str(self.segments.path(seg.digest)) if self.workers.local else wav)
        return wavs

    def _encode_task(self, plan: DatePlan, chapter: ChapterPlan, entry: DateReport) -> Task:
        s = self.settings
        gaps = Gaps(s.sentence_pause_ms, s.paragraph_pause_ms, s.chapter_pause_ms)
        args = (plan.script.chapters[chapter.index], self._chapter_wavs(plan, chapter, entry),
                gaps, chapter.index == len(plan.chapters) - 1, s.bitrate_kbps, s.mp3_quality,
                s.loudness_lufs, s.true_peak_dbtp)
        return Task(f"{plan.day.isoformat()}, chapter {chapter.index + 1}", encode_chapter_task,
                    args, (plan, chapter), timeout=ENCODE_SECONDS_PER_SENTENCE * len(args[1]))

    def _store_chapter(self, chapter: ChapterPlan, mp3: bytes,
                       timings: list[list[Any]]) -> EncodedChapter:
        with named(self.chapters.path(chapter.key)):
            self.chapters.put(chapter.key, mp3)
        with named(self.timings.path(chapter.key)):
            self.timings.put(chapter.key,
                             json.dumps(timings, ensure_ascii=False).encode("utf-8"))
        return EncodedChapter(chapter.title, self._loader(chapter.key), tuple(
            SegmentTiming(str(t), float(a), float(b)) for t, a, b in timings),
            chapter.kind, chapter.story)

    def _loader(self, key: str) -> Callable[[], bytes]:
        def load() -> bytes:
            mp3 = self.chapters.get(key)
            if mp3 is None:
                raise EncoderError(f"the encoded chapter {key[:12]} vanished from the cache; "
                                   "build again")
            return mp3

        return load

    def _encode_chapters(self, plans: Sequence[DatePlan], report: BuildReport) -> None:
        """Assemble and encode, in the workers, every chapter the caches lack."""
        todo = [(plan, chapter) for plan in plans if not plan.outputs_current
                for chapter in plan.to_encode]
        tasks = (self._encode_task(plan, chapter, report.date(plan.day))
                 for plan, chapter in todo)

        def tick(done: int, total: int) -> None:
            if self.progress is not None:
                self.progress("encoding", done, total)

        for task, (mp3, timings) in self.workers.run(tasks, tick, len(todo)):
            done: tuple[DatePlan, ChapterPlan] = task.item  # type: ignore[assignment]
            self._store_chapter(done[1], mp3, timings)
            report.date(done[0].day).chapters_encoded += 1

    def _cached_chapter(self, chapter: ChapterPlan) -> EncodedChapter | None:
        timings = self.timings.get(chapter.key)
        if timings is None or self.chapters.get(chapter.key) is None:  # checks the MP3 too
            return None
        segments = tuple(SegmentTiming(str(t), float(a), float(b))
                         for t, a, b in json.loads(timings))
        return EncodedChapter(chapter.title, self._loader(chapter.key), segments, chapter.kind,
                              chapter.story)

    def execute(self, plan: DatePlan, report: BuildReport, synthesized: int = 0) -> None:
        """Build ``plan``'s date from cached segments: encode changed chapters, write files.

        ``synthesized`` is how many of its segments were synthesised for it beforehand.
        """
        label = plan.day.isoformat()
        entry = report.date(plan.day)
        entry.script = entry.script or self.rel(plan.script_path)
        entry.segments_total = len(plan.segments)
        entry.reason = plan.reason
        if plan.outputs_current:
            recorded = self.state.outputs[label]
            entry.audio = "up to date"
            entry.segments_reused = len(plan.segments)
            entry.chapters = [PublishedChapter.from_dict(c) for c in recorded["chapters"]]
            entry.duration_ms = int(recorded["duration_ms"])
            entry.files = dict(recorded["report_files"])
            return

        # (damaged cache entries found while encoding were already counted)
        entry.segments_synthesized += synthesized
        entry.segments_reused = len(plan.segments) - entry.segments_synthesized
        encoded: list[EncodedChapter] = []
        for chapter in plan.chapters:
            cached = self._cached_chapter(chapter)
            if cached is None:  # not encoded beforehand (or damaged since): encode it here
                task = self._encode_task(plan, chapter, entry)
                cached = self._store_chapter(chapter, *task.fn(*task.args))
                entry.chapters_encoded += 1
            encoded.append(cached)
        entry.segments_reused = len(plan.segments) - entry.segments_synthesized
        with named(self.ws.audio_dir(plan.day)):
            outputs = write_date_outputs(self.ws.audio_dir(plan.day), label,
                                         self._tag_info(plan.script), encoded, plan.script.lang,
                                         options_for(self.settings, self.ws.root))
        entry.written = [self.rel(p) for p in outputs.written]
        entry.audio = "built"
        entry.chapters = list(outputs.chapters)
        entry.duration_ms = round(outputs.duration_ms)
        folder = self.ws.audio_dir(plan.day)
        entry.files = {
            "mp3": self.rel(outputs.mp3),
            "chapters": [self.rel(path) for path in outputs.chapter_files],
            "playlist": self.rel(outputs.playlist),
            "vtt": self.rel(folder / f"briefing-{label}.vtt"),
            "srt": self.rel(folder / f"briefing-{label}.srt"),
            "chapters_json": self.rel(folder / "chapters.json"),
            "manifest": self.rel(folder / f"briefing-{label}.json"),
        }
        if outputs.m4b is not None:
            entry.files["m4b"] = self.rel(outputs.m4b)
        stat = {}
        for path in outputs.paths:
            st = path.stat()
            stat[self.rel(path)] = [st.st_size, st.st_mtime_ns]
        self.state.outputs[label] = {
            "key": plan.outputs_key,
            "stat": stat,
            "chapters": [c.__dict__ for c in entry.chapters],
            "duration_ms": entry.duration_ms,
            "report_files": entry.files,
        }
        self.state.save(self.ws.state_file)
        log.info("%s: synthesised %d segment(s), encoded %d chapter(s), wrote %d file(s)",
                 label, entry.segments_synthesized, entry.chapters_encoded, len(entry.written))

    def render_dates(self, dates: Sequence[dt.date], report: BuildReport) -> None:
        """Build each date's audio; an input error in one script is reported, others go on.

        Every date is planned first, then all their missing segments are synthesised together
        (so the workers stay busy across dates), then each date is assembled.
        """
        plans: list[DatePlan] = []
        for day in dates:
            try:
                self.ws.ensure_real_folder(self.ws.audio_dir(day) / "chapters")
                plans.append(self.plan(day))
            except InputError as exc:
                report.errors.append(exc)
        jobs: dict[str, Job] = {}
        owner: dict[str, dt.date] = {}
        for plan in plans:
            if plan.outputs_current:
                continue
            for seg in plan.to_synthesize:
                if seg.digest not in jobs:
                    jobs[seg.digest] = self._job(plan, seg)
                    owner[seg.digest] = plan.day
        self._synthesize(list(jobs.values()))
        self._encode_chapters(plans, report)
        for plan in plans:
            count = sum(1 for day in owner.values() if day == plan.day)
            self.execute(plan, report, synthesized=count)
        self.write_site(report)

    def write_site(self, report: BuildReport) -> None:
        """Pages of the dates whose outputs changed, the index and the feed (:mod:`web`).

        Each page's key (the outputs it shows, the web templates and the base URL) and its
        size and mtime are recorded once it is written; a page whose record does not match
        (a build killed before writing it, a template changed, the file edited or removed) is
        written again.
        """
        from briefing.publish import web

        self.ws.ensure_real_folder(self.ws.audio)
        site_key = canonical_hash({
            "templates": [sha256_hex(path.read_bytes()) for path in web.template_files(
                self.ws.root)],
            "base_url": self.settings.base_url,
            **site_fingerprint(self.settings.feed, self.ws.root),
        })
        keys: dict[str, tuple[str, str]] = {}  # page → (date, key)
        for label, recorded in sorted(self.state.outputs.items()):
            folder = self.ws.audio / label
            if web.manifest_path(folder).is_file():
                keys[self.rel(folder / web.PAGE_NAME)] = (label, canonical_hash(
                    [recorded.get("key"), site_key]))
        index = self.rel(self.ws.audio / web.PAGE_NAME)
        index_key = canonical_hash([sorted(keys.items()), site_key])
        stale = {label for page, (label, key) in keys.items()
                 if not self._page_current(page, key)}
        stale |= {d.date for d in report.dates if d.written}
        if not stale and self._page_current(index, index_key):
            return
        with named(self.ws.audio):
            written = web.write_site(self.ws.audio, self.settings.base_url, self.ws.root,
                                     stale, self.settings.feed)
        for page, (label, key) in keys.items():
            if label in stale:
                self._record_page(page, key)
        self._record_page(index, index_key)
        self.state.site_key = site_key
        self.state.save(self.ws.state_file)
        report.site = [self.rel(p) for p in written]

    def _page_current(self, page: str, key: str) -> bool:
        recorded = self.state.pages.get(page)
        if not isinstance(recorded, dict) or recorded.get("key") != key:
            return False
        try:
            st = (self.ws.root / page).stat()
        except OSError:
            return False
        return [st.st_size, st.st_mtime_ns] == recorded.get("stat")

    def _record_page(self, page: str, key: str) -> None:
        try:
            st = (self.ws.root / page).stat()
        except OSError:
            self.state.pages.pop(page, None)
            return
        self.state.pages[page] = {"key": key, "stat": [st.st_size, st.st_mtime_ns]}

    # ----------------------------------------------------------------- status

    def status(self, paths: Sequence[Path] | None, report: BuildReport,
               force: bool = False) -> None:
        """Fill ``report`` with what a build (``paths`` given) or a render would do.

        Nothing is written: the scripts a build would regenerate are planned from their new
        text, the others from the files.
        """
        if paths is None:
            generated: dict[dt.date, str | None] = dict.fromkeys(script_dates(self.ws))
        else:
            generated = dict(self.generated_scripts(paths, report))
        for day, text in generated.items():
            entry = report.date(day)
            override = None
            if text is not None:
                decision = decide_script(self.ws, day, text, self.state, force)
                entry.script_status = decision.value
                if decision in (ScriptStatus.CREATED, ScriptStatus.UPDATED,
                                ScriptStatus.FORCED):
                    entry.script_status = f"would be {decision.value}"
                    override = text
                elif decision is ScriptStatus.CONFLICT:
                    path = self.ws.script_path(day)
                    report.conflicts.append(ScriptResult(day, decision, path,
                                                         new_path=new_path_for(path)))
            try:
                plan = self.plan(day, override)
            except InputError as exc:
                report.errors.append(exc)
                continue
            entry.script = entry.script or self.rel(plan.script_path)
            entry.segments_total = len(plan.segments)
            entry.segments_synthesized = len(plan.to_synthesize)
            entry.segments_reused = len(plan.segments) - len(plan.to_synthesize)
            entry.chapters_encoded = len(plan.to_encode)
            entry.audio = "up to date" if plan.outputs_current else "would build"
            entry.reason = plan.reason
