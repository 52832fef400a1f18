"""Content-addressed caches: synthesised segments and encoded chapters.

Each entry is a WAV file named by a canonical hash of everything that changes its sound: the
text actually spoken, the engine's name and version, the voice, the rate, the sample rate and
the cache format version.  Nothing is keyed by file name or position, so an edited sentence
never keeps stale audio and an inserted one shifts nothing.  Entries are written atomically and
checked on read: a truncated or corrupt WAV is never reused.
"""

from __future__ import annotations

import io
import json
import logging
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from briefing.audio.mp3frames import read_stream
from briefing.fsutil import write_bytes_atomic
from briefing.hashing import canonical_hash

log = logging.getLogger(__name__)

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

    stage: str = ""
    """The synthesis stage's key (:func:`briefing.build.keys.stage_keys`)."""

    def digest(self) -> str:
        """The canonical hash: sorted-key JSON of every field."""
        payload = {
            "stage": self.stage,
            "text": self.text,
            "engine": self.engine,
            "engine_version": self.engine_version,
            "voice": self.voice,
            "rate": self.rate,
            "sample_rate": self.sample_rate,
        }
        return canonical_hash(payload)


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


def check_mp3(data: bytes) -> bool:
    """Whether ``data`` is a complete MP3 with a LAME Info frame (as the encoder writes)."""
    try:
        read_stream(data)
    except ValueError:
        return False
    return True


class ContentStore:
    """Files named by their key's digest under ``<root>/<first two hex digits>/``.

    Entries are written atomically and checked on read; a damaged entry is removed and reported
    as absent, so it is rebuilt.
    """

    def __init__(self, root: Path, suffix: str, check: Callable[[bytes], bool]) -> None:
        self.root = root
        self.suffix = suffix
        self._check = check

    def path(self, digest: str) -> Path:
        """Where the entry for ``digest`` lives."""
        return self.root / digest[:2] / f"{digest}{self.suffix}"

    def get(self, digest: str) -> bytes | None:
        """The entry, or ``None`` when absent or damaged (a damaged entry is removed)."""
        path = self.path(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if self._check(data):
            return data
        log.warning("cache entry %s is damaged; it will be built again", path.name)
        path.unlink(missing_ok=True)
        return None

    def has(self, digest: str) -> bool:
        """Whether an entry exists (cheap: not read; :meth:`get` checks it)."""
        return self.path(digest).is_file()

    def cached_path(self, digest: str) -> Path | None:
        """The entry's file if it exists (not read), else ``None``."""
        path = self.path(digest)
        return path if path.is_file() else None

    def put(self, digest: str, data: bytes) -> None:
        """Store an entry atomically.  It is not flushed to disk: every entry is checked
        when it is read, so one that a crash cut short is built again."""
        write_bytes_atomic(self.path(digest), data, durable=False)

    def adopt(self, digest: str, written: Path) -> None:
        """Make ``written`` (a complete temporary file beside the entry, e.g. a worker's) the
        entry, atomically."""
        written.replace(self.path(digest))

    def digests(self) -> Iterator[str]:
        """Every stored digest."""
        if not self.root.is_dir():
            return
        for path in self.root.glob(f"??/*{self.suffix}"):
            yield path.name.removesuffix(self.suffix)

    def remove(self, digest: str) -> int:
        """Delete an entry; returns the bytes freed."""
        path = self.path(digest)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return 0
        return size


def segment_store(root: Path) -> ContentStore:
    """Synthesised segments (WAV), keyed by :meth:`SegmentKey.digest`."""
    return ContentStore(root, ".wav", check_wav)


def check_json(data: bytes) -> bool:
    """Whether ``data`` is complete JSON."""
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def timing_store(root: Path) -> ContentStore:
    """Sentence timings of encoded chapters (JSON), keyed like the chapters."""
    return ContentStore(root, ".json", check_json)


def chapter_store(root: Path) -> ContentStore:
    """Encoded chapters (untagged MP3 with an Info frame), keyed by their assembly hash."""
    return ContentStore(root, ".mp3", check_mp3)


def check_analyses(data: bytes) -> bool:
    """Whether ``data`` starts as a file of units' loudness analyses does (its memo's SHA-256
    checks the rest, :class:`~briefing.audio.unit_levels.PreviousAnalyses`)."""
    return data.startswith(b"BRK1")


def analyses_store(root: Path) -> ContentStore:
    """The units' loudness analyses of encoded chapters, keyed like the chapters."""
    return ContentStore(root, ".knots", check_analyses)
