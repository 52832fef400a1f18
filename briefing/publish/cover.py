"""Cover artwork for the podcast feed and the M4B audiobook.

Apple Podcasts refuses a feed without artwork (a square JPEG or PNG of 1400 to 3000 pixels),
and audiobook players show a blank square without one.  A workspace may give its own image
(``image`` in the ``[feed]`` table of ``briefing.toml``, checked here); otherwise a plain,
legible cover is drawn with Pillow: the title and "audio news briefings", white on near-black
in Pillow's own scalable font (no system font is needed).  The drawing is deterministic, so
the same title always gives the same bytes, and ``audio/cover.png`` is rewritten only when
they change.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.artwork import Cover, check_cover
from briefing.errors import EncoderError
from briefing.fsutil import sha256_hex, write_if_changed

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

    from briefing.config import FeedSettings

log = logging.getLogger(__name__)

DEFAULT_SIZE = 1400
COVER_VERSION = 1
"""Bumped when the default cover's drawing changes."""

SUBTITLE = "audio news briefings"
BACKGROUND = (17, 20, 24)
FOREGROUND = (255, 255, 255)
ACCENT = (255, 196, 0)

def _font(points: int) -> ImageFont.FreeTypeFont:
    """Pillow's own scalable font (Pillow 10.1 and later, built with FreeType)."""
    from PIL import ImageFont
    font = ImageFont.load_default(size=points)
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise EncoderError("this Pillow has no FreeType support, so the default cover cannot "
                           "be drawn; give feed.image in briefing.toml")
    return font


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
          width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _fitting_title(draw: ImageDraw.ImageDraw, title: str, size: int
                   ) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (up to a tenth of the cover) whose wrapped title fits in 4 lines."""
    width = size * 0.84
    points = size // 10
    while True:
        font = _font(points)
        lines = _wrap(draw, title, font, width)
        widest = max(draw.textlength(line, font=font) for line in lines)
        if (len(lines) <= 4 and widest <= width) or points <= size // 40:
            return font, lines
        points = int(points * 0.9)


@functools.lru_cache(maxsize=4)
def default_cover(title: str, size: int = DEFAULT_SIZE) -> Cover:
    """A plain cover: ``title`` large and ``"audio news briefings"`` below it, white on
    near-black, as a PNG of ``size`` pixels square (deterministic bytes)."""
    from PIL import Image, ImageDraw  # imported only when a cover is drawn

    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = round(size * 0.08)
    font, lines = _fitting_title(draw, " ".join(title.split()) or "Briefings", size)
    line_height = round(font.size * 1.18)
    top = round(size * 0.30)
    for i, line in enumerate(lines):
        draw.text((margin, top + i * line_height), line, font=font, fill=FOREGROUND)
    bar_top = top + len(lines) * line_height + round(size * 0.04)
    draw.rectangle((margin, bar_top, margin + round(size * 0.2), bar_top + round(size * 0.012)),
                   fill=ACCENT)
    small = _font(round(size * 0.055))
    if title.casefold().split() != SUBTITLE.split():  # not said twice
        draw.text((margin, bar_top + round(size * 0.05)), SUBTITLE, font=small,
                  fill=FOREGROUND)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return Cover(out.getvalue(), "PNG", size)


def workspace_cover(workspace: Path, image: str | None, title: str) -> Cover:
    """The cover of a workspace: its configured ``image`` (relative to the workspace,
    checked), else the default cover drawn for ``title``."""
    if image is not None:
        return check_cover(workspace / image, workspace / "briefing.toml",
                           f"feed.image {image!r}")
    return default_cover(title)


def write_cover(audio_root: Path, cover: Cover) -> Path | None:
    """Write ``cover`` to ``audio/cover.png`` (or ``.jpg``) when its bytes changed; returns
    the path when written."""
    path = audio_root / cover.name
    if write_if_changed(path, cover.data):
        log.info("wrote %s", path)
        return path
    return None


def site_fingerprint(feed: FeedSettings, workspace: Path) -> dict[str, Any]:
    """What of the ``[feed]`` table goes into the pages' and feed's key (nothing for the
    defaults, so workspaces without a ``[feed]`` table keep their key)."""
    from briefing.config import DEFAULT_FEED

    if feed == DEFAULT_FEED:
        return {}
    cover = workspace_cover(workspace, feed.image, feed.title) if feed.image else None
    return {"feed": [dataclasses.astuple(feed), sha256_hex(cover.data) if cover else None]}
