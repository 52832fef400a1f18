"""When a date's audio was first published and when it was last corrected.

Podcast apps download an episode once: when the file behind the same enclosure URL changes
(a producer corrected a name), nobody hears the correction.  So each date's manifest records the
SHA-256 of its MP3, the time its first version was built and the time its audio last changed;
the feed gives the enclosure a content version (``?v=<first 10 hex digits>``), which is a new
URL for every new version, keeps the item's guid (so apps replace the episode rather than add
one) and says in the description that it was updated, and when.

The manifest records the item's first publication time, which is the feed's ``pubDate`` (the
date at noon UTC, so two clean builds of the same content are byte for byte the same: no
clock time is written for a date that was never corrected), and the time its audio last
changed after that.  Both are carried over from the previous manifest while the MP3's bytes
stay the same, so rebuilding unchanged content changes nothing.  A change made before the
publication time (a briefing prepared the evening before) is no correction for listeners and
gets no note.  ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention), when set, is the
clock.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.publish.manifest_model import Published

VERSION_DIGITS = 10
"""Hex digits of the MP3's SHA-256 in the enclosure URL's ``v`` query."""

PUBLISH_HOUR_UTC = 12
"""Items are dated at noon UTC, so that the day shown is the briefing's date from UTC-11
to UTC+11 (midnight UTC would show as the day before in the Americas)."""


def now_utc() -> dt.datetime:
    """The current time in UTC to the second (``SOURCE_DATE_EPOCH`` when set)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(when: dt.datetime) -> str:
    """``2026-12-01T21:40:00Z``."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def publication_time(day: str) -> dt.datetime:
    """When the item of ``day`` (``YYYY-MM-DD``) is published: noon UTC of that day."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(PUBLISH_HOUR_UTC),
                               tzinfo=dt.UTC)


def next_published(previous: Mapping[str, Any] | None, day: str, sha256: str,
                   now: dt.datetime | None = None) -> Published:
    """The ``published`` record of ``day`` whose MP3 now hashes to ``sha256``.

    Unchanged audio keeps the previous record; audio changed after the publication time is
    ``updated`` now; a date never built before (or whose manifest predates these records) has
    no update.
    """
    first = publication_time(day)
    old = previous.get("published") if previous else None
    mp3 = previous.get("mp3") if previous else None
    old_sha = mp3.get("sha256") if isinstance(mp3, dict) else None
    updated = old.get("updated") if isinstance(old, dict) else None
    record: Published = {"first": iso(first),
                         "updated": updated if isinstance(updated, str) else None}
    if not isinstance(old_sha, str) or old_sha == sha256:
        return record
    when = now or now_utc()
    if when <= first:
        return record
    return {"first": iso(first), "updated": iso(when)}


def version_query(sha256: str | None) -> str:
    """``?v=<10 hex digits>`` for an enclosure URL (``""`` without a hash)."""
    return f"?v={sha256[:VERSION_DIGITS]}" if sha256 else ""


def parse_iso(text: str) -> dt.datetime:
    """An ISO 8601 time written by :func:`iso` (``ValueError`` otherwise)."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def update_note(published: Mapping[str, Any] | None) -> str:
    """``"Updated on 1 December 2026 at 21:40 UTC. "`` for a corrected date, else ``""``."""
    if not published or not isinstance(published.get("updated"), str):
        return ""
    when = parse_iso(published["updated"])
    return f"Updated on {when.day} {when:%B %Y} at {when:%H:%M} UTC. "
