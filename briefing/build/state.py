"""The workspace's small state file: what was generated and what was built.

Kept in ``.briefing/state.json``, never inside the producer's text.  The state is a mutable
container (a build updates it as it goes) of frozen, typed records; its JSON form carries a
format version.  A file of version 1 (untyped records, no article sources) is read and
converted; one of an unknown version, or unreadable, gives an empty state (everything is
rebuilt, and scripts are compared with what is on disk).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.chapters import PublishedChapter, with_levels
from briefing.fsutil import write_if_changed

log = logging.getLogger(__name__)

STATE_VERSION = 2
"""2: typed records, the stage keys of each date's outputs, each date's article sources."""

READABLE_VERSIONS = (1, 2)


@dataclass(frozen=True)
class FileStat:
    """Size and modification time of a file when it was written."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStat:
        """The stat of ``path`` now."""
        st = path.stat()
        return cls(st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class OutputsRecord:
    """The last audio build of one date."""

    key: str
    """The outputs key it was built with."""

    stat: Mapping[str, FileStat]
    """Each output file (relative to the workspace) as written."""

    chapters: tuple[PublishedChapter, ...]
    duration_ms: int
    files: Mapping[str, Any]
    """The report's ``files`` of the build (paths relative to the workspace)."""

    stages: Mapping[str, str] = field(default_factory=dict)
    """Stage name → the date's key of that stage (:mod:`briefing.build.plan`), to say which
    stage a later change touches; empty for records of state version 1."""


@dataclass(frozen=True)
class PageRecord:
    """A web page as last written: the key of what it shows, its size and mtime then."""

    key: str
    stat: FileStat


@dataclass
class State:
    """Build state, loaded at the start of a build and saved as it goes."""

    generated: dict[str, str] = field(default_factory=dict)
    """Date → SHA-256 of the script text briefing last generated for it."""

    outputs: dict[str, OutputsRecord] = field(default_factory=dict)
    """Date → the last audio build."""

    offered: dict[str, str] = field(default_factory=dict)
    """File name in ``scripts/`` → SHA-256 of the regenerated text briefing wrote there (the
    ``<date>.new.md`` of a conflict): a file whose bytes still hash to this is briefing's to
    replace or remove; any other (edited by the producer) is never touched."""

    site_key: str | None = None
    """Hash of the web templates and settings the pages were last written with."""

    pages: dict[str, PageRecord] = field(default_factory=dict)
    """Web page (path relative to the workspace) → its record.  Recorded only after the page is
    written, so a build killed between a date's outputs and its page leaves that page out of
    date, not recorded as current."""

    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Date → the article files its script was last generated from (so a date whose articles
    are all gone can be reported as removed)."""

    conflicts: dict[str, str] = field(default_factory=dict)
    """Date → SHA-256 of the generated text offered in an open conflict (its text is in
    ``.briefing/base/<date>.pending.md``): the date's audio has the producer's wording, not
    the articles'.  Cleared by ``briefing resolve``, or when the producer deletes the
    ``<date>.new.md`` (merged by hand: the offered text becomes the merge base)."""

    @classmethod
    def load(cls, path: Path) -> State:
        """Read the state; a missing, unreadable or unknown file gives an empty state."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("%s is unreadable (%s); starting from an empty state", path, exc)
            return cls()
        if not isinstance(data, dict) or data.get("version") not in READABLE_VERSIONS:
            log.info("%s has another format version; starting from an empty state", path)
            return cls()
        try:
            return _from_json(data)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            log.warning("%s is damaged (%s); starting from an empty state", path, exc)
            return cls()

    def to_json(self) -> dict[str, Any]:
        """The JSON form (current version)."""
        return {
            "version": STATE_VERSION,
            "generated": self.generated,
            "outputs": {k: _outputs_json(r) for k, r in self.outputs.items()},
            "offered": self.offered,
            "site_key": self.site_key,
            "pages": {k: {"key": r.key, "stat": [r.stat.size, r.stat.mtime_ns]}
                      for k, r in self.pages.items()},
            "sources": {k: list(v) for k, v in self.sources.items()},
            "conflicts": self.conflicts,
        }

    def save(self, path: Path) -> None:
        """Write the state atomically (only when it changed)."""
        text = json.dumps(self.to_json(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        try:
            write_if_changed(path, text.encode("utf-8"))
        except OSError as exc:  # a full disk's bare "No space left on device" names no file
            if exc.filename is not None or exc.errno is None:
                raise
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def _outputs_json(record: OutputsRecord) -> dict[str, Any]:
    return {
        "key": record.key,
        "stat": {k: [s.size, s.mtime_ns] for k, s in record.stat.items()},
        "chapters": [c.to_dict() for c in record.chapters],
        "duration_ms": record.duration_ms,
        "report_files": dict(record.files),
        "stages": dict(record.stages),
    }


def _stat(value: Any) -> FileStat:
    size, mtime_ns = value
    return FileStat(int(size), int(mtime_ns))


def _outputs(value: Any) -> OutputsRecord:
    return OutputsRecord(
        key=str(value["key"]),
        stat={str(k): _stat(v) for k, v in dict(value.get("stat", {})).items()},
        chapters=with_levels([PublishedChapter.from_dict(c) for c in value.get("chapters", [])]),
        duration_ms=int(value.get("duration_ms", 0)),
        files=dict(value.get("report_files", {})),
        stages={str(k): str(v) for k, v in dict(value.get("stages", {})).items()},
    )


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _from_json(data: dict[str, Any]) -> State:
    """A state from its JSON form of version 1 or 2 (a damaged record is dropped)."""
    outputs = {}
    for day, value in _dict(data.get("outputs")).items():
        try:
            outputs[str(day)] = _outputs(value)
        except (TypeError, ValueError, KeyError, AttributeError):
            log.info("the state's record of %s is damaged; it will be built again", day)
    pages = {}
    for page, value in _dict(data.get("pages")).items():
        if isinstance(value, dict) and isinstance(value.get("key"), str):
            try:
                pages[str(page)] = PageRecord(value["key"], _stat(value.get("stat")))
            except (TypeError, ValueError):
                continue
    site_key = data.get("site_key")
    return State(
        generated={str(k): str(v) for k, v in _dict(data.get("generated")).items()},
        outputs=outputs,
        offered={str(k): str(v) for k, v in _dict(data.get("offered")).items()},
        site_key=site_key if isinstance(site_key, str) else None,
        pages=pages,
        sources={str(k): tuple(str(p) for p in v)
                 for k, v in _dict(data.get("sources")).items() if isinstance(v, list)},
        conflicts={str(k): str(v) for k, v in _dict(data.get("conflicts")).items()},
    )
