"""Cover artwork a workspace gives (``image`` in ``[feed]``): read and checked once.

Shared by the settings (which refuse a bad image when ``briefing.toml`` is read, before any
work is done) and by publishing (the feed's ``itunes:image`` and the M4B's ``covr``); the
default cover, drawn when none is given, is :mod:`briefing.publish.cover`'s.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import ConfigError

MIN_PX = 1400
MAX_PX = 3000
"""Apple Podcasts' artwork bounds (square, in pixels)."""

_MIME = {"PNG": "image/png", "JPEG": "image/jpeg"}
_EXT = {"PNG": "png", "JPEG": "jpg"}


@dataclass(frozen=True)
class Cover:
    """Cover artwork: its bytes and kind."""

    data: bytes
    kind: str
    """``"PNG"`` or ``"JPEG"``."""
    size: int
    """Width (= height) in pixels."""

    @property
    def mime(self) -> str:
        """Its media type (``image/png``)."""
        return _MIME[self.kind]

    @property
    def name(self) -> str:
        """Its file name in ``audio/``: ``cover.png`` or ``cover.jpg``."""
        return f"cover.{_EXT[self.kind]}"


def check_cover(path: Path, source: Path | None = None, what: str = "the cover") -> Cover:
    """Read ``path`` as cover artwork: a square PNG or JPEG of 1400 to 3000 pixels.

    Raises :class:`ConfigError` (naming ``source``, e.g. briefing.toml) saying what is wrong.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{what}: {path} does not exist", source) from None
    except OSError as exc:
        raise ConfigError(f"{what}: {path} cannot be read ({exc.strerror or exc})",
                          source) from None
    from PIL import Image, UnidentifiedImageError  # only when a cover is checked

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = str(image.format), image.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise ConfigError(f"{what}: {path} is not a PNG or JPEG image", source) from None
    if kind not in _MIME:
        raise ConfigError(f"{what}: {path} is {kind}; podcast directories take PNG or JPEG",
                          source)
    if width != height:
        raise ConfigError(f"{what}: {path} is {width}x{height} pixels; cover art must be square",
                          source)
    if not MIN_PX <= width <= MAX_PX:
        raise ConfigError(f"{what}: {path} is {width}x{height} pixels; cover art must be "
                          f"{MIN_PX} to {MAX_PX} pixels square", source)
    return Cover(data, kind, width)
