"""A content-addressed cache of synthesised segments.

Each entry is a WAV file named by a canonical hash of everything that changes its sound: the
text actually spoken, the engine's name and version, the voice, the rate, the sample rate and
the cache format version.  Nothing is keyed by file name or position, so an edited sentence
never keeps stale audio and an inserted one shifts nothing.  Entries are written atomically and
checked on read: a truncated or corrupt WAV is never reused.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import wave
from dataclasses import dataclass
from pathlib import Path

from briefing.fsutil import write_bytes_atomic

log = logging.getLogger(__name__)

CACHE_VERSION = 1
"""Bumped when the key layout or the entry format changes."""


@dataclass(frozen=True)
class SegmentKey:
    """Everything that decides how a segment sounds."""

    text: str
    """The text sent to the engine (after normalisation)."""

    engine: str
    """Engine name."""

    engine_version: str
    """Engine version."""

    voice: str | None
    """Voice identifier (``None``: engine default)."""

    rate: int
    """Words per minute."""

    sample_rate: int
    """Sample rate of the engine's output."""

    def digest(self) -> str:
        """The canonical hash: sorted-key JSON of every field plus :data:`CACHE_VERSION`."""
        payload = {
            "cache_version": CACHE_VERSION,
            "text": self.text,
            "engine": self.engine,
            "engine_version": self.engine_version,
            "voice": self.voice,
            "rate": self.rate,
            "sample_rate": self.sample_rate,
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_wav(data: bytes) -> bool:
    """Whether ``data`` is a complete, non-empty mono 16-bit WAV file."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getnframes() == 0:
                return False
            frames = w.readframes(w.getnframes())
            return len(frames) == w.getnframes() * 2
    except (wave.Error, EOFError):
        return False


class SegmentCache:
    """WAV files under ``<root>/<first two hex digits>/<digest>.wav``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        """Where the entry for ``digest`` lives."""
        return self.root / digest[:2] / f"{digest}.wav"

    def get(self, digest: str) -> bytes | None:
        """The cached WAV, or ``None`` when absent or damaged (a damaged entry is removed)."""
        path = self.path(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if check_wav(data):
            return data
        log.warning("cache entry %s is damaged; it will be synthesised again", path.name)
        path.unlink(missing_ok=True)
        return None

    def has(self, digest: str) -> bool:
        """Whether a valid entry exists (reads and checks it)."""
        return self.get(digest) is not None

    def put(self, digest: str, data: bytes) -> None:
        """Store a WAV atomically."""
        write_bytes_atomic(self.path(digest), data)
