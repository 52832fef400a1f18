"""What the pages and the feed share: site defaults, text and time formatting, templates.

Formatting is for people and for HTML/XML: durations as players show them, sizes in SI units,
text without the characters XML forbids.  Templates are rendered by the environment of
:mod:`briefing.templating` with autoescaping on, so article text is only ever a value.
"""

from __future__ import annotations

import email.utils
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import jinja2

from briefing.config import DEFAULT_FEED
from briefing.publish.publication import publication_time
from briefing.templating import environment
from briefing.values import hms as _hms
from briefing.values import short_duration as short_duration  # re-exported
from briefing.values import whole_seconds as whole_seconds  # re-exported

if TYPE_CHECKING:
    from briefing.publish.manifest_model import Manifest

DEFAULT_TITLE = DEFAULT_FEED.title
DEFAULT_DESCRIPTION = (
    "Chaptered audio news briefings with a spoken description of every photo, "
    "made for listeners who are blind or have low vision."
)
DEFAULT_AUTHOR = DEFAULT_FEED.author

PAGE_NAME = "index.html"
FEED_NAME = "feed.xml"


def make_web_environment(workspace: Path | None = None) -> jinja2.Environment:
    """The jinja2 environment for pages and the feed: autoescaping on, StrictUndefined."""
    return environment(workspace, autoescape=True)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without characters XML and HTML forbid (control characters, lone surrogates)."""
    return _XML_INVALID.sub("", text)


def clock(ms: int) -> str:
    """A position on the timeline: ``m:ss``, or ``h:mm:ss`` from an hour on."""
    total = max(0, ms) // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def spoken_duration(ms: int) -> str:
    """A duration for people: ``"1 min 14 s"``, ``"1 h 2 min"``, ``"9 s"``."""
    hours, minutes, seconds = _hms(ms)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    return f"{seconds} s"


def iso_duration(ms: int) -> str:
    """An ISO 8601 duration for ``<time datetime>``: ``"PT1M14S"``."""
    hours, minutes, seconds = _hms(ms)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return out + (f"{seconds}S" if seconds or out == "PT" else "")


def human_size(n: int) -> str:
    """A file size: ``"812 bytes"``, ``"596 kB"``, ``"1.2 MB"`` (SI units)."""
    if n < 1000:
        return f"{n} bytes" if n != 1 else "1 byte"
    if n < 999_500:
        return f"{n / 1000:.0f} kB"
    return f"{n / 1_000_000:.1f} MB"


def seconds_attr(ms: int) -> str:
    """Milliseconds as seconds for a ``data-start`` attribute: ``13819`` → ``"13.819"``."""
    return f"{ms / 1000:.3f}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def rfc822(day: str) -> str:
    """The RSS ``pubDate`` of a date: noon UTC (see
    :data:`briefing.publish.publication.PUBLISH_HOUR_UTC`)."""
    return email.utils.format_datetime(publication_time(day))


def href(rel: str) -> str:
    """A relative file name as a URL path (each part percent-encoded)."""
    return quote(rel, safe="/")



def site_lang(manifests: Sequence[Manifest]) -> str:
    """The language of the site: the most common of the dates'."""
    if not manifests:
        return "en"
    counts = Counter(m["lang"] for m in manifests)
    top = max(counts.values())
    # the most common language; ties go to the newest date's
    return next(m["lang"] for m in manifests if counts[m["lang"]] == top)

