"""What a build did (or, planning, would do), derived from its plan and its result.

States are enums, not strings: a date is added, changed, removed or unchanged; each stage of a
date is run (for how many of its items) or reused.  :func:`report_json` is the ``--json`` form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from briefing.build.script_status import ScriptResult, ScriptStatus
from briefing.build.stages import PIPELINE, Stage
from briefing.chapters import PublishedChapter
from briefing.errors import BriefingError

__all__ = [
    "CONFLICT_EXIT",
    "AudioStatus",
    "BuildReport",
    "DateReport",
    "DateState",
    "PublishedChapter",
    "StageAction",
    "StageWork",
    "report_json",
]


CONFLICT_EXIT = 3
"""The exit status of a command that finds an open conflict (and no worse error): a date whose
audio has the producer's wording while its articles say something new."""


class DateState(StrEnum):
    """How a date's inputs compare with its last build."""

    ADDED = "added"
    """Never built."""
    CHANGED = "changed"
    """Built, but a stage's key changed (or its files changed on disk)."""
    REMOVED = "removed"
    """Built from articles that are all gone; its unedited script, audio and page are moved
    to the trash (an edited script is kept and rendered: not removed)."""
    UNCHANGED = "unchanged"


class StageAction(StrEnum):
    """What a stage does for a date."""

    RUN = "run"
    """Some of its items are made (``StageWork.done`` of ``total``)."""
    REUSE = "reuse"
    """Everything it would make is cached or on disk."""


class AudioStatus(StrEnum):
    """The audio of a date, as the report says it (the ``audio`` field of ``--json``)."""

    BUILT = "built"
    UP_TO_DATE = "up to date"
    WOULD_BUILD = "would build"
    NONE = ""
    """No audio stage (a script-only build, a removed date)."""


@dataclass(frozen=True)
class StageWork:
    """One stage of one date: what it does, for how many of its items.

    Items are segments (synthesis), chapters (assembly, encoding) and the date's files
    (outputs).  A chapter counts as assembled when its assembly key is new (its sentences'
    timings are not cached under it).  The assembled PCM itself is not kept: encoding a chapter
    whose assembly is cached replays the assembly as the encoder's input stream, which costs
    time but makes nothing new.
    """

    action: StageAction
    done: int = 0
    total: int = 0

    @classmethod
    def of(cls, done: int, total: int) -> StageWork:
        """Run when anything is done, else reused."""
        return cls(StageAction.RUN if done else StageAction.REUSE, done, total)


@dataclass(frozen=True)
class DateReport:
    """What the build did (or would do) for one date."""

    date: str
    state: DateState = DateState.UNCHANGED
    stories: int = 0
    photos: int = 0
    script: str = ""
    script_status: str = ""
    chapters: tuple[PublishedChapter, ...] = ()
    segments_total: int = 0
    segments_synthesized: int = 0
    segments_reused: int = 0
    chapters_encoded: int = 0
    duration_ms: int = 0
    audio: AudioStatus = AudioStatus.NONE
    reason: str = ""
    """Why the audio is (or would be) rebuilt, in words."""
    changed: tuple[Stage, ...] = ()
    """The stages whose key changed since the last build."""
    stages: Mapping[Stage, StageWork] = field(default_factory=dict)
    files: Mapping[str, object] = field(default_factory=dict)
    written: tuple[str, ...] = ()
    """Output files whose bytes changed on disk."""
    stale: bool = False
    """An open conflict: the audio has the producer's wording, not the articles' new one."""
    estimated_ms: tuple[int, ...] = ()
    """Each chapter's duration estimated before synthesis (:mod:`briefing.build.estimate`);
    empty when not estimated."""

    @property
    def estimated_duration_ms(self) -> int:
        """The whole date's estimated duration (0: not estimated)."""
        return sum(self.estimated_ms)


_WRITTEN = frozenset({ScriptStatus.CREATED, ScriptStatus.UPDATED, ScriptStatus.FORCED})
"""Script outcomes that wrote the script file."""


@dataclass(frozen=True)
class BuildReport:
    """What a build did, date by date, and what went wrong."""

    dates: tuple[DateReport, ...] = ()
    site: tuple[str, ...] = ()
    """Web pages and feed files written."""
    errors: tuple[BriefingError, ...] = ()
    conflicts: tuple[ScriptResult, ...] = ()
    """Open conflicts (a stale date each); the command exits :data:`CONFLICT_EXIT`."""
    warnings: tuple[str, ...] = ()
    merged: tuple[ScriptResult, ...] = ()
    """Edited scripts merged with their regenerated text."""
    dry_run: bool = False
    """Only planned (``--dry-run``, ``status``): merges and ``.new.md`` files were not written."""
    notes: tuple[str, ...] = ()
    """What the reader should know: a command-line value that overrides a script's own."""
    input_warnings: tuple[str, ...] = ()
    """The warnings of reading the articles (the first of :attr:`warnings`), which a build
    that plans only edited scripts reports again without reading them
    (:mod:`briefing.build.partial`)."""

    def stage_totals(self) -> dict[Stage, int]:
        """Items each stage made over all dates (the script: scripts written; the site: files
        written)."""
        totals = dict.fromkeys(PIPELINE, 0)
        totals[Stage.SCRIPT] = sum(d.script_status in _WRITTEN for d in self.dates)
        for d in self.dates:
            for stage, work in d.stages.items():
                totals[stage] += work.done
        totals[Stage.SITE] = len(self.site)
        return totals


def _date_json(d: DateReport) -> dict[str, Any]:
    return {
        "date": d.date,
        "state": d.state.value,
        "stories": d.stories,
        "photos": d.photos,
        "script": d.script,
        "script_status": d.script_status,
        "audio": d.audio.value,
        "chapters": [c.to_dict() for c in d.chapters],
        "segments": {"total": d.segments_total, "synthesized": d.segments_synthesized,
                     "reused": d.segments_reused},
        "chapters_encoded": d.chapters_encoded,
        "reason": d.reason,
        "reasons": [s.value for s in d.changed],
        "stages": {s.value: {"action": w.action.value, "done": w.done, "total": w.total}
                   for s, w in d.stages.items()},
        "duration_ms": d.duration_ms,
        "files": dict(d.files),
        "written": list(d.written),
        "stale": d.stale,
        "estimated_duration_ms": d.estimated_duration_ms if d.estimated_ms else None,
        "estimated_chapters": [{"index": i, "estimated_duration_ms": ms}
                               for i, ms in enumerate(d.estimated_ms)],
    }


def report_json(report: BuildReport) -> dict[str, Any]:
    """The report as the JSON document ``--json`` prints."""
    return {
        "dates": [_date_json(d) for d in report.dates],
        "removed": [d.date for d in report.dates if d.state is DateState.REMOVED],
        "stages": {s.value: n for s, n in report.stage_totals().items()},
        "conflicts": [
            {"date": c.date.isoformat(), "script": str(c.path),
             "new": str(c.new_path) if c.new_path else None}
            for c in report.conflicts
        ],
        "merged": [
            {"date": m.date.isoformat(), "script": str(m.path),
             "previous": str(m.backup_path) if m.backup_path else None}
            for m in report.merged
        ],
        "site": list(report.site),
        "warnings": list(report.warnings),
        "notes": list(report.notes),
        "errors": [
            {"path": str(e.path) if e.path else None, "message": e.message}
            for e in report.errors
        ],
    }


def date_from_json(doc: Mapping[str, Any]) -> DateReport:
    """A date's report from its ``--json`` form (:func:`report_json`), for a report recorded
    to be given again (:mod:`briefing.build.noop`)."""
    from briefing.chapters import with_levels

    segments = doc["segments"]
    return DateReport(
        date=str(doc["date"]), state=DateState(doc["state"]), stories=int(doc["stories"]),
        photos=int(doc["photos"]), script=str(doc["script"]),
        script_status=str(doc["script_status"]),
        chapters=with_levels([PublishedChapter.from_dict(c) for c in doc["chapters"]]),
        segments_total=int(segments["total"]), segments_synthesized=int(segments["synthesized"]),
        segments_reused=int(segments["reused"]), chapters_encoded=int(doc["chapters_encoded"]),
        duration_ms=int(doc["duration_ms"]), audio=AudioStatus(doc["audio"]),
        reason=str(doc["reason"]), changed=tuple(Stage(s) for s in doc["reasons"]),
        stages={Stage(s): StageWork(StageAction(w["action"]), int(w["done"]), int(w["total"]))
                for s, w in doc["stages"].items()},
        files=dict(doc["files"]), written=tuple(str(w) for w in doc["written"]),
        stale=bool(doc["stale"]),
        estimated_ms=tuple(int(c["estimated_duration_ms"]) for c in doc["estimated_chapters"]))
