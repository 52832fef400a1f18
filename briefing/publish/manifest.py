"""The manifest of a date (``audio/<date>/briefing-<date>.json``): its layout, and reading it.

The build writes the manifest beside the audio (:mod:`briefing.publish.outputs`); the pages and
the feed are made from manifests alone.  The layout is declared once, as the TypedDicts below,
and the same declarations validate what is read back (pydantic, unknown keys forbidden, nothing
coerced), so an error names the field (``manifest.chapters[3].file is not a plain file
name ...``).  Rules a type cannot say (file names stay inside the date folder, a chapter ends
after it starts, a cue's chapter exists) are checked here too.

Older manifests are still read: format 1 (before chapter kinds) has its chapters' kinds and
stories inferred from the titles, as the pages did then; formats 1 and 2 (before levels) have
their chapters' levels derived from the kinds (:func:`briefing.chapters.chapter_levels`).  A
level is derived data, so one that disagrees with the kinds is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import (
    Annotated,
    Any,
    NotRequired,  # pydantic reads these on 3.11
)

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError, with_config
from pydantic_core import ErrorDetails
from typing_extensions import TypedDict

from briefing.chapters import (
    ChapterKind,
    ChapterRole,
    PublishedChapter,
    chapter_levels,
    infer_roles,
)
from briefing.errors import BriefingError
from briefing.publish.publication import Published
from briefing.text.dates import parse_iso_date
from briefing.values import language_tag_problem

MANIFEST_FORMAT = 3
"""Version of ``briefing-<date>.json``; bumped when its layout changes.

2: each chapter has its ``kind`` and ``story``; 3: and its ``level`` (1 or 2)."""

READABLE_FORMATS = (1, 2, MANIFEST_FORMAT)


class ManifestError(BriefingError, ValueError):
    """A manifest (``audio/<date>/briefing-<date>.json``) cannot be read or is malformed.

    Manifests are written by the build, so the remedy is to rebuild the date.
    """


_REL_FILE = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _rel_file(value: str) -> str:
    if not _REL_FILE.match(value) or any(p in {".", ".."} for p in value.split("/")):
        raise ValueError(f"is not a plain file name inside the date folder: {value!r}")
    return value


def _count(value: int) -> int:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _sha256(value: str) -> str:
    if not _SHA256.match(value):
        raise ValueError("is not a SHA-256 in hex")
    return value


def _day(value: str) -> str:
    try:
        parse_iso_date(value)
    except ValueError:
        raise ValueError(f"is not a YYYY-MM-DD date: {value!r}") from None
    return value


def _lang(value: str) -> str:
    if language_tag_problem(value) is not None:
        raise ValueError(f"is not a language tag: {value!r}")
    return value


RelFile = Annotated[str, AfterValidator(_rel_file)]
Count = Annotated[int, AfterValidator(_count)]
_FORBID = ConfigDict(extra="forbid", strict=True)


@with_config(_FORBID)
class ManifestFile(TypedDict):
    """A file of the date, relative to its folder."""

    file: RelFile
    bytes: Count
    sha256: NotRequired[Annotated[str, AfterValidator(_sha256)]]
    """Of the file's bytes (the MP3's: its enclosure URL carries a version from it)."""


@with_config(_FORBID)
class ManifestM4b(TypedDict):
    """The M4B audiobook in the manifest, with the hash of what it was made from."""

    file: RelFile
    bytes: Count
    key: str


@with_config(_FORBID)
class ManifestChapter(TypedDict):
    """A chapter in the manifest: :class:`~briefing.chapters.PublishedChapter` and its file."""

    title: str
    kind: Annotated[ChapterKind, Field(strict=False)]
    story: int | None
    level: int
    start_ms: Count
    end_ms: Count
    file: RelFile
    bytes: Count


@with_config(_FORBID)
class ManifestWav(TypedDict):
    """The broadcast WAV in the manifest: its key (as the M4B's), format, measured loudness
    and its cue sheets."""

    file: RelFile
    bytes: Count
    key: str
    sample_rate: Count
    bits: Count
    samples: Count
    loudness_lufs: float | None
    """As measured (``None`` for silence)."""
    true_peak_dbtp: float | None
    cues_csv: RelFile
    cues_txt: RelFile


@with_config(_FORBID)
class ManifestCue(TypedDict):
    """A spoken sentence in the manifest."""

    start_ms: Count
    end_ms: Count
    text: str
    chapter: Count
    sound: NotRequired[bool]
    """Present (true) on a sound insert's cue (``[Sound: ident]``)."""


def _non_empty(chapters: list[ManifestChapter]) -> list[ManifestChapter]:
    if not chapters:
        raise ValueError("is empty")
    return chapters


@with_config(_FORBID)
class Manifest(TypedDict):
    """``audio/<date>/briefing-<date>.json``: everything pages and feeds need about a date."""

    format: int
    date: Annotated[str, AfterValidator(_day)]
    title: str
    lang: Annotated[str, AfterValidator(_lang)]
    duration_ms: Count
    mp3: ManifestFile
    playlist: RelFile
    vtt: RelFile
    srt: RelFile
    chapters_json: RelFile
    chapters: Annotated[list[ManifestChapter], AfterValidator(_non_empty)]
    cues: list[ManifestCue]
    published: NotRequired[Published]
    m4b: NotRequired[ManifestM4b]
    daisy: NotRequired[ManifestFile]
    """The DAISY 2.02 book: its NCC (``daisy/ncc.html``) and the bytes of all its files."""
    epub: NotRequired[ManifestFile]
    wav: NotRequired[ManifestWav]


_VALIDATOR: TypeAdapter[Manifest] = TypeAdapter(Manifest)


def published_chapters(manifest: Manifest) -> list[PublishedChapter]:
    """The chapters of a (checked) manifest as published values."""
    return [PublishedChapter(c["title"], c["kind"], c["story"], c["start_ms"], c["end_ms"],
                             c["level"])
            for c in manifest["chapters"]]


def manifest_chapter(chapter: PublishedChapter, file: str, size: int) -> ManifestChapter:
    """The manifest entry of ``chapter``, whose file (relative to the date folder) is
    ``file`` of ``size`` bytes."""
    return {"title": chapter.title, "kind": chapter.kind, "story": chapter.story,
            "level": chapter.level, "start_ms": chapter.start_ms, "end_ms": chapter.end_ms,
            "file": file, "bytes": size}


# --------------------------------------------------------------------------- reading

def manifest_path(folder: Path) -> Path:
    """``audio/<date>/briefing-<date>.json`` for the date folder ``folder``."""
    return folder / f"briefing-{folder.name}.json"


def _fail(path: Path, message: str) -> ManifestError:
    return ManifestError(f"{message}; rebuild this date to rewrite its manifest", path)


def _where(loc: Sequence[int | str]) -> str:
    return "manifest" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


_TYPES = {"int_type": "int", "string_type": "str", "dict_type": "dict", "list_type": "list",
          "bool_type": "bool"}


def _message(error: ErrorDetails) -> str:
    """One line for one validation error, naming the field."""
    loc, kind = error["loc"], error["type"]
    if kind == "missing":
        return f"{_where(loc[:-1])} has no {loc[-1]!r}"
    where = _where(loc)
    if kind == "extra_forbidden":
        return f"{where} is not a field of a manifest"
    if kind == "int_type" and isinstance(error["input"], bool):
        return f"{where} must be an integer"
    if kind in _TYPES:
        return f"{where} must be of type {_TYPES[kind]}"
    if kind == "enum":
        return f"{where} must be one of: {', '.join(k.value for k in ChapterKind)}"
    cause = error.get("ctx", {}).get("error")
    return f"{where} {cause}" if cause is not None else f"{where}: {error['msg']}"


def _upgrade(data: dict[str, Any], fmt: int) -> dict[str, Any]:
    """An older manifest in the current layout: a format 1 manifest's chapters with kinds and
    stories inferred from the titles, and those of formats 1 and 2 with their levels."""
    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not all(
            isinstance(c, dict) and isinstance(c.get("title"), str) for c in chapters):
        return data  # malformed: the validation says how
    if fmt == 1:
        roles: list[ChapterRole] = infer_roles([c["title"] for c in chapters])
        chapters = [{**c, "kind": c.get("kind", r.kind), "story": c.get("story", r.story)}
                    for c, r in zip(chapters, roles, strict=True)]
    try:
        levels = chapter_levels([ChapterRole(ChapterKind(c["kind"]), c["story"])
                                 for c in chapters])
    except (KeyError, ValueError, TypeError):
        return {**data, "chapters": chapters}  # the validation says what is wrong
    return {**data, "chapters": [{**c, "level": c.get("level", level)}
                                 for c, level in zip(chapters, levels, strict=True)]}


def _level_problem(manifest: Manifest) -> str | None:
    """Where a chapter's level disagrees with the level its kind and place give it."""
    chapters = manifest["chapters"]
    levels = chapter_levels([ChapterRole(c["kind"], c["story"]) for c in chapters])
    for i, (chapter, level) in enumerate(zip(chapters, levels, strict=True)):
        if chapter["level"] != level:
            return (f"manifest.chapters[{i}].level is {chapter['level']}, but a "
                    f"{chapter['kind'].value} chapter there is level {level}")
    return None


def check_manifest(data: object, path: Path, folder_name: str | None = None) -> Manifest:
    """Check that ``data`` (parsed JSON read from ``path``) is a usable :class:`Manifest`.

    Besides types, file names must stay inside the date folder (they become URLs), the date
    must be a real date (and the folder's name, when given), and ``lang`` a language tag.
    Raises :class:`ManifestError` naming ``path`` and the field.
    """
    if not isinstance(data, dict):
        raise _fail(path, "the manifest is not a JSON object")
    fmt = data.get("format")
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt not in READABLE_FORMATS:
        raise _fail(path, f"manifest format {fmt} is not supported (expected "
                          f"{MANIFEST_FORMAT})")
    if fmt in (1, 2):
        data = _upgrade(data, fmt)
    try:
        manifest = _VALIDATOR.validate_python(data)
    except ValidationError as exc:
        raise _fail(path, _message(exc.errors()[0])) from None
    if folder_name is not None and manifest["date"] != folder_name:
        raise _fail(path, f"manifest.date {manifest['date']} does not match its folder "
                          f"{folder_name}")
    for i, chapter in enumerate(manifest["chapters"]):
        if chapter["end_ms"] < chapter["start_ms"]:
            raise _fail(path, f"manifest.chapters[{i}] ends before it starts")
    level_problem = _level_problem(manifest)
    if level_problem is not None:
        raise _fail(path, level_problem)
    for i, cue in enumerate(manifest["cues"]):
        if cue["chapter"] >= len(manifest["chapters"]):
            raise _fail(path, f"manifest.cues[{i}].chapter {cue['chapter']} is not a chapter "
                              "of this date")
    return manifest


def read_manifest(path: Path, folder_name: str | None = None) -> Manifest:
    """Read and check one manifest file (:class:`ManifestError` if unreadable or malformed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the manifest: {exc}", path) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(path, f"the manifest is not valid JSON ({exc})") from exc
    return check_manifest(data, path, folder_name)


def load_manifests(audio_root: Path) -> list[Manifest]:
    """Every date's manifest under ``audio_root`` (``audio/``), newest date first.

    Folders without a manifest are skipped; a manifest that cannot be read or is malformed
    raises :class:`ManifestError` naming the file.
    """
    if not audio_root.is_dir():
        return []
    found: list[Manifest] = []
    for folder in audio_root.iterdir():
        if not folder.is_dir():
            continue
        path = manifest_path(folder)
        if not path.is_file():
            continue
        found.append(read_manifest(path, folder.name))
    found.sort(key=lambda m: m["date"], reverse=True)
    return found
