"""Settings: defaults, ``briefing.toml`` in the workspace, and command-line overrides.

Every setting says what it invalidates when it changes (as sphinx's config values do):

* ``script``: the generated scripts are rendered again;
* ``synthesis``: segments are synthesised again (it is part of every segment's cache key);
* ``assembly``: chapters are assembled (pauses, loudness) and encoded again;
* ``encoding``: the chapters' MP3s are encoded again;
* ``outputs``: a date's files are written again (ID3 tags, playlists, the M4B), nothing encoded;
* ``site``: the web pages and the feed are written again;
* ``none``: nothing is rebuilt.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import ConfigError
from briefing.readfile import read_text_limited
from briefing.values import language_tag_problem, url_problem

CONFIG_NAME = "briefing.toml"
MAX_CONFIG_BYTES = 1_000_000
"""A ``briefing.toml`` larger than this is refused (it holds a few settings)."""

RATE_PRESETS = {"slow": 140, "normal": 175, "fast": 240, "faster": 300, "fastest": 380}
"""Named speaking rates in words per minute; many blind listeners prefer fast speech."""


def parse_rate(value: str | int) -> int:
    """A rate in words per minute from a number or a preset name (``fast``)."""
    if isinstance(value, int):
        return value
    text = value.strip().lower()
    if text in RATE_PRESETS:
        return RATE_PRESETS[text]
    try:
        return int(text)
    except ValueError:
        names = ", ".join(f"{k} ({v})" for k, v in RATE_PRESETS.items())
        raise ConfigError(f"rate {value!r} is neither words per minute nor one of: {names}")\
            from None


def _opt(default: Any, invalidates: str) -> Any:
    return field(default=default, metadata={"invalidates": invalidates})


FORMATS = ("mp3", "m4b")
"""Audio formats a date can be built in: the chaptered MP3 (always), an M4B audiobook."""

_EMAIL = re.compile(r"^[^@\s<>\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


@dataclass(frozen=True)
class FeedSettings:
    """The ``[feed]`` table of ``briefing.toml``: what podcast directories ask of a feed
    (Apple Podcasts requires artwork, an owner e-mail and a copyright notice).  All of it
    invalidates ``site`` (and the M4B's tags and cover)."""

    title: str = "Audio news briefings"
    """The podcast's title (``<title>``, and the default cover's text)."""

    author: str = "briefing"
    """``<itunes:author>``: who makes the briefings."""

    owner: str | None = None
    """``<itunes:owner>``'s name (default: the author)."""

    email: str | None = None
    """``<itunes:owner>``'s e-mail: where directories write to the owner."""

    copyright: str | None = None
    """``<copyright>`` (default: ``© <years of the briefings> <author>``)."""

    image: str | None = None
    """Cover artwork, a path relative to the workspace: a square PNG or JPEG of 1400 to 3000
    pixels.  Without it a plain cover with the title is generated."""


FEED_KEYS = tuple(f.name for f in dataclasses.fields(FeedSettings))
DEFAULT_FEED = FeedSettings()


@dataclass(frozen=True)
class Settings:
    """All settings of a build."""

    engine: str = _opt("pyttsx3", "synthesis")
    """Speech engine (``briefing voices`` lists what it offers)."""

    voice: str | None = _opt(None, "script")
    """Voice written into new scripts (``None``: the engine's default). A script's own
    ``voice`` front matter decides what that date is synthesised with."""

    rate: int = _opt(175, "script")
    """Speaking rate in words per minute written into new scripts (or a preset name in
    briefing.toml: slow 140, normal 175, fast 240, faster 300, fastest 380)."""

    lang: str = _opt("en", "script")
    """Language code written into new scripts."""

    sentence_pause_ms: int = _opt(250, "assembly")
    """Silence between sentences of a paragraph."""

    paragraph_pause_ms: int = _opt(650, "assembly")
    """Silence between paragraphs."""

    chapter_pause_ms: int = _opt(1200, "assembly")
    """Silence at the end of each chapter, before the next one starts."""

    loudness_lufs: float = _opt(-16.0, "assembly")
    """Integrated loudness of every output (−16 for podcasts; −23 for EBU R128 broadcast)."""

    true_peak_dbtp: float = _opt(-1.0, "assembly")
    """Highest true peak of every output, in dBTP."""

    bitrate_kbps: int = _opt(64, "encoding")
    """MP3 bitrate (constant bitrate, mono)."""

    mp3_quality: int = _opt(5, "encoding")
    """LAME quality from 0 (best, slowest) to 9 (fastest)."""

    artist: str = _opt("briefing", "outputs")
    """ID3 artist (TPE1) of every MP3."""

    album: str = _opt("News briefings", "outputs")
    """ID3 album (TALB) of every MP3."""

    max_article_bytes: int = _opt(1_000_000, "none")
    """Articles larger than this are refused."""

    jobs: int = _opt(0, "none")
    """Worker processes that synthesise segments (0: one per core)."""

    base_url: str | None = _opt(None, "site")
    """Public URL of the ``audio/`` folder; with it, ``audio/feed.xml`` (a podcast feed) is
    written."""

    executor: str | None = _opt(None, "none")
    """A Dask scheduler address (``tcp://HOST:PORT``) to run synthesis and encoding on;
    ``None``: local worker processes."""

    segment_timeout_s: float = _opt(120.0, "none")
    """A segment whose synthesis makes no progress for this long stops the build."""

    formats: tuple[str, ...] = _opt(("mp3",), "outputs")
    """Audio formats of each date (``formats = ["mp3", "m4b"]``): the MP3 is always built;
    ``m4b`` adds an AAC audiobook with chapters (``audio/<date>/briefing-<date>.m4b``)."""

    feed: FeedSettings = field(default=DEFAULT_FEED, metadata={"invalidates": "site"})
    """The ``[feed]`` table: title, author, owner, email, copyright, image."""

    def overridden(self, **changes: Any) -> Settings:
        """A copy with the given settings changed; ``None`` values are ignored."""
        real = {k: v for k, v in changes.items() if v is not None}
        return validate(dataclasses.replace(self, **real))


def invalidates(name: str) -> str:
    """What changing setting ``name`` invalidates."""
    for f in dataclasses.fields(Settings):
        if f.name == name:
            return str(f.metadata["invalidates"])
    raise KeyError(name)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)


def validate(settings: Settings, source: Path | None = None) -> Settings:
    """Check every value; raise :class:`ConfigError` naming the setting and the problem."""
    def bad(message: str) -> ConfigError:
        return ConfigError(message, source)

    if not 40 <= settings.rate <= 900:
        raise bad(f"rate {settings.rate} must be words per minute between 40 and 900")
    if settings.bitrate_kbps not in _BITRATES:
        raise bad(f"bitrate {settings.bitrate_kbps} kbps is not one of "
                  f"{', '.join(map(str, _BITRATES))}")
    if not -60 <= settings.loudness_lufs <= -5:
        raise bad(f"loudness {settings.loudness_lufs} LUFS must be between -60 and -5")
    if not -20 <= settings.true_peak_dbtp <= 0:
        raise bad(f"true peak {settings.true_peak_dbtp} dBTP must be between -20 and 0")
    if not 0 <= settings.mp3_quality <= 9:
        raise bad(f"mp3_quality {settings.mp3_quality} must be 0 to 9")
    for name in ("sentence_pause_ms", "paragraph_pause_ms", "chapter_pause_ms"):
        value = getattr(settings, name)
        if not 0 <= value <= 10_000:
            raise bad(f"{name} {value} must be 0 to 10000 milliseconds")
    if settings.max_article_bytes <= 0:
        raise bad("max_article_bytes must be positive")
    if not 0 <= settings.jobs <= 256:
        raise bad(f"jobs {settings.jobs} must be 0 (one per core) to 256")
    if not 0 < settings.segment_timeout_s <= 3600:
        raise bad(f"segment_timeout_s {settings.segment_timeout_s} must be 0 to 3600 seconds")
    problem = language_tag_problem(settings.lang)
    if problem is not None:
        raise bad(f"lang: {problem}")
    if settings.base_url is not None:
        problem = url_problem(settings.base_url)
        if problem is not None:
            raise bad(problem)
    for name in ("voice", "artist", "album", "engine", "executor"):
        value = getattr(settings, name)
        if isinstance(value, str) and _CONTROL.search(value):
            raise bad(f"{name} {value!r} contains a control character (such as a line break)")
    unknown = [f for f in settings.formats if f not in FORMATS]
    if unknown or not settings.formats:
        raise bad(f"formats {list(settings.formats)!r}: each must be one of "
                  f"{', '.join(FORMATS)}")
    feed = settings.feed
    for name in ("title", "author", "owner", "copyright"):
        value = getattr(feed, name)
        if value is not None and not value.strip():
            raise bad(f"feed.{name} must not be empty")
    if feed.email is not None and not _EMAIL.match(feed.email):
        raise bad(f"feed.email {feed.email!r} is not an e-mail address like "
                  "news@example.org")
    return settings


def load_settings(workspace: Path) -> Settings:
    """Defaults updated from ``<workspace>/briefing.toml`` when it exists."""
    path = workspace / CONFIG_NAME
    if not path.exists() and not path.is_symlink():
        return Settings()
    text = read_text_limited(path, MAX_CONFIG_BYTES, ConfigError, "settings file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path) from None
    known = {f.name: f for f in dataclasses.fields(Settings)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}", path)
    if isinstance(data.get("rate"), str):
        try:
            data["rate"] = parse_rate(data["rate"])
        except ConfigError as exc:
            raise ConfigError(exc.message, path) from None
    if "feed" in data:
        data["feed"] = _feed_table(data["feed"], workspace, path)
    if "formats" in data:
        data["formats"] = _formats(data["formats"], path)
    for name, value in data.items():
        if name in ("feed", "formats"):
            continue
        expected: type = type(getattr(Settings(), name))
        if name in ("voice", "executor", "base_url"):
            expected = str
        if expected is float and isinstance(value, int):
            value = data[name] = float(value)
        if not isinstance(value, expected) or isinstance(value, bool):
            kind = {int: "a whole number", float: "a number", str: "text"}.get(
                expected, expected.__name__)
            raise ConfigError(f"{name} must be {kind}, not {value!r}", path)
    return validate(dataclasses.replace(Settings(), **data), path)


def _formats(value: object, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"formats must be a list of format names like [\"mp3\", \"m4b\"], "
                          f"not {value!r}", path)
    formats = tuple(dict.fromkeys(v.strip().lower() for v in value))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ConfigError(f"formats: {', '.join(unknown) or 'empty'} is not one of "
                          f"{', '.join(FORMATS)}", path)
    return formats


def _feed_table(value: object, workspace: Path, path: Path) -> FeedSettings:
    """The ``[feed]`` table checked: known keys, text values, e-mail shape, the image."""
    if not isinstance(value, dict):
        raise ConfigError(f"feed must be a table ([feed]), not {value!r}", path)
    unknown = sorted(set(value) - set(FEED_KEYS))
    if unknown:
        raise ConfigError(f"unknown setting(s) in [feed]: {', '.join(unknown)} (known: "
                          f"{', '.join(FEED_KEYS)})", path)
    for key, item in value.items():
        if not isinstance(item, str):
            raise ConfigError(f"feed.{key} must be text, not {item!r}", path)
    feed = FeedSettings(**{k: v.strip() for k, v in value.items()})
    if feed.image is not None:
        from briefing.publish.cover import check_cover

        check_cover(workspace / feed.image, path, f"feed.image {feed.image!r}")
    return validate(dataclasses.replace(Settings(), feed=feed), path).feed
