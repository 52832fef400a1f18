"""Which optional outputs a build makes (M4B, talking books, broadcast WAV), with what options,
and what of those options goes into a date's outputs key.

Kept apart from the writers (:mod:`briefing.publish.m4b`, :mod:`~briefing.publish.books`,
:mod:`~briefing.publish.broadcast`) so that planning a build imports none of what they need
(PyAV, mutagen, Pillow, numpy): the planner only derives keys.  The cover, drawn or read with
Pillow, is looked up only when a format that carries it is on; a format dropped since the
last build has its files removed by its writer, imported only then (:func:`remove_dropped`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.config import Settings
from briefing.fsutil import sha256_hex

if TYPE_CHECKING:
    from briefing.artwork import Cover
    from briefing.publish.broadcast import Broadcast

M4B_VERSION = 1
"""Bumped when the M4B's making changes for the same inputs."""

BOOKS_VERSION = 1
"""Bumped when the books' making changes for the same inputs."""

WAV_VERSION = 1
"""Bumped when the broadcast WAV's making changes for the same inputs."""


@dataclass(frozen=True)
class M4bOptions:
    """How the M4B is made."""

    bitrate_kbps: int
    cover: Cover | None


@dataclass(frozen=True)
class BookOptions:
    """Which talking books a build makes, and the cover the EPUB carries."""

    daisy: bool
    epub: bool
    cover: Cover | None = None


@dataclass(frozen=True)
class BroadcastOptions:
    """How the broadcast master is made."""

    loudness_lufs: float
    true_peak_dbtp: float


def _cover(settings: Settings, workspace: Path) -> Cover:
    from briefing.publish.cover import workspace_cover

    return workspace_cover(workspace, settings.feed.image, settings.feed.title)


def m4b_options(settings: Settings, workspace: Path) -> M4bOptions | None:
    """The M4B options of a build, or ``None`` when ``m4b`` is not among its formats."""
    return FormatOptions.of(settings, workspace).m4b


def book_options(settings: Settings, workspace: Path) -> BookOptions | None:
    """The books of a build, or ``None`` when neither ``daisy`` nor ``epub`` is a format."""
    return FormatOptions.of(settings, workspace).books


def broadcast_options(settings: Settings) -> BroadcastOptions | None:
    """The broadcast master's options, or ``None`` when ``wav`` is not among the formats."""
    if "wav" not in settings.formats:
        return None
    return BroadcastOptions(settings.broadcast_loudness_lufs, settings.true_peak_dbtp)


def m4b_fingerprint(options: M4bOptions | None) -> dict[str, Any]:
    """What of ``options`` goes into a date's outputs key (nothing without an M4B, so builds
    without one keep their keys)."""
    if options is None:
        return {}
    cover = sha256_hex(options.cover.data) if options.cover else None
    return {"m4b": [M4B_VERSION, options.bitrate_kbps, cover]}


def book_fingerprint(options: BookOptions | None) -> dict[str, Any]:
    """What of ``options`` goes into a date's outputs key (nothing without books, so builds
    without them keep their keys)."""
    if options is None:
        return {}
    cover = sha256_hex(options.cover.data) if options.cover else None
    return {"books": [BOOKS_VERSION, options.daisy, options.epub, cover]}


def broadcast_fingerprint(options: BroadcastOptions | None) -> dict[str, Any]:
    """What of ``options`` goes into a date's outputs key (nothing without a WAV)."""
    if options is None:
        return {}
    return {"wav": [WAV_VERSION, options.loudness_lufs, options.true_peak_dbtp]}


@dataclass(frozen=True)
class FormatOptions:
    """The optional formats of one build, found once for all its dates (the cover, shared by
    the M4B and the EPUB, is read or drawn once)."""

    m4b: M4bOptions | None
    books: BookOptions | None
    broadcast: BroadcastOptions | None

    @staticmethod
    def of(settings: Settings, workspace: Path) -> FormatOptions:
        formats = settings.formats
        daisy, epub = "daisy" in formats, "epub" in formats
        cover = _cover(settings, workspace) if "m4b" in formats or epub else None
        return FormatOptions(
            M4bOptions(settings.bitrate_kbps, cover) if "m4b" in formats else None,
            BookOptions(daisy, epub, cover if epub else None) if daisy or epub else None,
            broadcast_options(settings))

    def fingerprint(self) -> dict[str, Any]:
        """The optional formats' share of every date's outputs key."""
        return {**m4b_fingerprint(self.m4b), **book_fingerprint(self.books),
                **broadcast_fingerprint(self.broadcast)}


def remove_dropped(folder: Path, day: str, earlier: Mapping[str, Any] | None,
                   m4b: Mapping[str, Any] | None, books: Mapping[str, Any],
                   master: Broadcast | None) -> None:
    """Remove the files of the formats the previous manifest lists and this build no longer
    makes (each writer's module is imported only when its format was there)."""
    old = earlier if isinstance(earlier, dict) else {}
    if "m4b" in old:
        from briefing.publish.m4b import remove_unlisted as remove_unlisted_m4b

        remove_unlisted_m4b(folder, earlier, m4b)
    if "epub" in old or "daisy" in old:
        from briefing.publish.books import remove_unlisted

        remove_unlisted(folder, day, earlier, books)
    if "wav" in old:
        from briefing.publish.broadcast import remove_unlisted as remove_unlisted_wav

        remove_unlisted_wav(folder, earlier, master)


__all__ = ["BOOKS_VERSION", "M4B_VERSION", "WAV_VERSION", "BookOptions", "BroadcastOptions",
           "FormatOptions", "M4bOptions", "book_fingerprint", "book_options",
           "broadcast_fingerprint", "broadcast_options", "m4b_fingerprint", "m4b_options",
           "remove_dropped"]
