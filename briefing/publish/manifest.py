"""The manifest of a date (``audio/<date>/briefing-<date>.json``): reading it, and checking it.

The build writes the manifest beside the audio (:mod:`briefing.publish.outputs`); the pages and
the feed are made from manifests alone.  Its layout is declared once, in
:mod:`briefing.publish.manifest_model`, whose pydantic declarations validate what is read back,
so an error names the field (``manifest.chapters[3].file is not a plain file name ...``).
Rules a type cannot say (a chapter ends after it starts, a cue's chapter exists, a level agrees
with its kind) are checked here too, and a manifest's date must be its folder's.

Within :func:`briefing.remembered.remembering` (a build), a manifest's text that passed once is
remembered, and so is the text of every manifest the build writes (made from its own checked
values: ``tests/test_manifest_remembered.py`` checks each one the build writes with the model),
so a build reading back the manifests of the dates it did not rebuild imports no pydantic.  A
changed or damaged file, or a changed rule, is checked again.

Older manifests are still read: format 1 (before chapter kinds) has its chapters' kinds and
stories inferred from the titles, as the pages did then; formats 1 and 2 (before levels) have
their chapters' levels derived from the kinds (:func:`briefing.chapters.chapter_levels`).  A
level is derived data, so one that disagrees with the kinds is an error.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.chapters import (
    ChapterKind,
    ChapterRole,
    PublishedChapter,
    chapter_levels,
    infer_roles,
)
from briefing.errors import BriefingError
from briefing.remembered import recall, remember

if TYPE_CHECKING:
    from briefing.publish.manifest_model import (
        Manifest,
        ManifestChapter,
    )

log = logging.getLogger(__name__)

MANIFEST_FORMAT = 3
"""Version of ``briefing-<date>.json``; bumped when its layout changes.

2: each chapter has its ``kind`` and ``story``; 3: and its ``level`` (1 or 2)."""

READABLE_FORMATS = (1, 2, MANIFEST_FORMAT)


class ManifestError(BriefingError, ValueError):
    """A manifest (``audio/<date>/briefing-<date>.json``) cannot be read or is malformed.

    Manifests are written by the build, so the remedy is to rebuild the date.
    """


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


_REBUILD = "; rebuild this date to rewrite its manifest"


def _fail(path: Path, message: str) -> ManifestError:
    return ManifestError(message + _REBUILD, path)


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


_RULES = ("briefing.publish.manifest", "briefing.publish.manifest_model",
          "briefing.publish.publication", "briefing.chapters", "briefing.text.dates",
          "briefing.values")
"""The modules whose rules decide a manifest's check (:mod:`briefing.remembered`)."""


def _checked(data: object, path: Path) -> Manifest:
    """``data`` checked against the layout and the rules a type cannot say (not the folder)."""
    from briefing.publish.manifest_model import LayoutError, validated

    if not isinstance(data, dict):
        raise _fail(path, "the manifest is not a JSON object")
    fmt = data.get("format")
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt not in READABLE_FORMATS:
        raise _fail(path, f"manifest format {fmt} is not supported (expected "
                          f"{MANIFEST_FORMAT})")
    if fmt in (1, 2):
        data = _upgrade(data, fmt)
    try:
        manifest = validated(data)
    except LayoutError as exc:
        raise _fail(path, str(exc)) from None
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


def _in_folder(manifest: Manifest, path: Path, folder_name: str | None) -> Manifest:
    if folder_name is not None and manifest["date"] != folder_name:
        raise _fail(path, f"manifest.date {manifest['date']} does not match its folder "
                          f"{folder_name}")
    return manifest


def check_manifest(data: object, path: Path, folder_name: str | None = None) -> Manifest:
    """Check that ``data`` (parsed JSON read from ``path``) is a usable :class:`Manifest`.

    Besides types, file names must stay inside the date folder (they become URLs), the date
    must be a real date (and the folder's name, when given), and ``lang`` a language tag.
    Raises :class:`ManifestError` naming ``path`` and the field.
    """
    return _in_folder(_checked(data, path), path, folder_name)


def _recalled(text: str) -> Manifest | None:
    """The checked manifest remembered for ``text`` (its kinds as
    :class:`~briefing.chapters.ChapterKind`), or ``None``: not remembered, or damaged."""
    doc = recall("manifest", _RULES, text)
    if not isinstance(doc, dict):
        return None
    try:
        chapters = [{**c, "kind": ChapterKind(c["kind"])} for c in doc["chapters"]]
        if not chapters or not isinstance(doc["date"], str) or not isinstance(doc["cues"],
                                                                              list):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    manifest: Manifest = {**doc, "chapters": chapters}  # type: ignore[typeddict-item]
    return manifest


def remember_written(text: str, manifest: Manifest) -> None:
    """Remember ``text``, the manifest the build has just written from its own values
    (``manifest``), as checked, so that reading it back (the site, the next build) does not
    check it again."""
    remember("manifest", _RULES, text, manifest)


def read_manifest(path: Path, folder_name: str | None = None) -> Manifest:
    """Read and check one manifest file (:class:`ManifestError` if unreadable or malformed):
    within :func:`~briefing.remembered.remembering`, a text that passed before (or that the
    build wrote) is not checked again, but its date must still be its folder's."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the manifest: {exc}", path) from exc
    known = _recalled(text)
    if known is not None:
        return _in_folder(known, path, folder_name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(path, f"the manifest is not valid JSON ({exc})") from exc
    manifest = _checked(data, path)
    remember("manifest", _RULES, text, manifest)  # a kind is a str: JSON as it is
    return _in_folder(manifest, path, folder_name)


def earlier_manifest(path: Path) -> Manifest | None:
    """The manifest an earlier build wrote at ``path``, checked (as :func:`read_manifest`: the
    text the last build wrote is remembered), whose records a rebuild carries over (the
    publication times, the WAV's and the books' entries); ``None`` when there is none, or when
    it is malformed (said in a warning: nothing of it is carried over, and nothing it lists is
    removed)."""
    if not path.is_file():
        return None
    try:
        return read_manifest(path, path.parent.name)
    except ManifestError as exc:
        log.warning("%s: %s: it is written anew, nothing of it carried over", path,
                    exc.message.removesuffix(_REBUILD))
        return None


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
