"""Settings: defaults, ``briefing.toml`` in the workspace, and command-line overrides.

Every setting says what it invalidates when it changes (as sphinx's config values do):

* ``script``: the generated scripts are rendered again;
* ``synthesis``: segments are synthesised again (it is part of every segment's cache key);
* ``assembly``: chapters are assembled (pauses, loudness) and encoded again;
* ``encoding``: the chapters' MP3s are encoded again;
* ``outputs``: a date's files are written again (ID3 tags, playlists, the M4B), nothing encoded;
* ``site``: the web pages and the feed are written again;
* ``none``: nothing is rebuilt.

The values are checked by a pydantic model (:class:`briefing.config_model.SettingsModel`,
strict, unknown keys forbidden), as simonw/llm checks its files, rather than by hand: one model
for ``briefing.toml`` and the command line's overrides, so both are refused in the same words,
one line naming the file and the field (``feed.email``).  :class:`Settings` stays the frozen
dataclass the rest of briefing reads, whose fields carry what they invalidate.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import ConfigError

CONFIG_NAME = "briefing.toml"
MAX_CONFIG_BYTES = 1_000_000
"""A ``briefing.toml`` larger than this is refused (it holds a few settings)."""
MAX_JOBS = 256
"""The most worker processes ``jobs`` (and ``--jobs``) may ask for."""

RATE_PRESETS = {"slow": 140, "normal": 175, "fast": 240, "faster": 300, "fastest": 380}
"""Named speaking rates in words per minute; many blind listeners prefer fast speech."""
MIN_RATE, MAX_RATE = 40, 900
"""The slowest and fastest rates, in words per minute, a setting or a script may ask for."""


def rate_words(text: str) -> int:
    """Words per minute from ``text``: a number or a preset name (``fast``)."""
    name = text.strip().lower()
    if name in RATE_PRESETS:
        return RATE_PRESETS[name]
    try:
        return int(name)
    except ValueError:
        names = ", ".join(f"{k} ({v})" for k, v in RATE_PRESETS.items())
        raise ValueError(f"{text!r} is neither words per minute nor one of: {names}") from None


def parse_rate(value: str | int) -> int:
    """A rate in words per minute from a number or a preset name (``fast``)."""
    if isinstance(value, int):
        return value
    try:
        return rate_words(value)
    except ValueError as exc:
        raise ConfigError(f"rate {exc}") from None


PAUSES = ("sentence_pause_ms", "paragraph_pause_ms", "chapter_pause_ms")
"""The pause settings (milliseconds)."""
MAX_PAUSE_MS = 10_000
"""The longest pause a setting or a script's front matter may ask for."""

SCRIPT_LEVEL = ("voice", "rate", "photo_voice", "photo_rate", *PAUSES)
"""Settings a script's front matter can also give (``docs/script-format.md``)."""

PRECEDENCE = ("the command line", "the script's front matter", "briefing.toml", "the default")
"""Where a value of :data:`SCRIPT_LEVEL` comes from, first found wins (a chapter's own
``<!-- voice: ... rate: ... -->`` heading comment is above all of them, for its chapter)."""


@dataclass(frozen=True)
class Given:
    """A setting of :data:`SCRIPT_LEVEL` given on the command line."""

    name: str
    typed: str
    """As typed (``fast``), for the report."""
    configured: Any
    """Its value without the command line (briefing.toml's, else the default)."""


def _opt(default: Any, invalidates: str) -> Any:
    return field(default=default, metadata={"invalidates": invalidates})


FORMATS = ("mp3", "m4b", "daisy", "epub", "wav")
"""Formats a date can be built in: the chaptered MP3 (always), an M4B audiobook, a DAISY 2.02
talking book, an EPUB 3 with media overlays and a 48 kHz broadcast WAV with cue sheets."""



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

    programme: str | None = _opt(None, "script")
    """The programme's or station's name, said in the opening and the closing of new scripts
    ("This is Morning Briefing for ...", "That was Morning Briefing.") and put in their title
    (``None``: "This is your news briefing for ...").  Not the feed's title, which names the
    podcast and may change without every script being regenerated."""

    photo_voice: str | None = _opt(None, "script")
    """A second voice for photo descriptions (``None``: ``voice``); a script's front matter wins."""
    photo_rate: int | None = _opt(None, "script")
    """The rate of photo descriptions (``None``: ``rate``); a script's front matter wins."""

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

    broadcast_loudness_lufs: float = _opt(-23.0, "outputs")
    """Integrated loudness of the broadcast WAV (``wav`` format): −23 for EBU R 128 (−24 for
    ATSC A/85); the MP3 stays at ``loudness_lufs``."""

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
    """Public URL of the ``audio/`` folder; with it, ``audio/feed.xml`` (a podcast) is written."""

    executor: str | None = _opt(None, "none")
    """A Dask scheduler (``tcp://HOST:PORT``) for synthesis and encoding (``None``: local)."""

    segment_timeout_s: float = _opt(120.0, "none")
    """A segment whose synthesis makes no progress for this long stops the build."""

    target_duration: str | None = _opt(None, "none")
    """How long a date should run at most (``"3m"``, ``"90s"``; a number: seconds)."""

    formats: tuple[str, ...] = _opt(("mp3",), "outputs")
    """Audio formats of each date (``formats = ["mp3", "m4b"]``): the MP3 is always built;
    ``m4b`` adds an AAC audiobook with chapters (``audio/<date>/briefing-<date>.m4b``),
    ``daisy`` a DAISY 2.02 talking book (``audio/<date>/daisy/``), ``epub`` an EPUB 3 with
    media overlays (``audio/<date>/briefing-<date>.epub``), ``wav`` a 48 kHz broadcast WAV at
    ``broadcast_loudness_lufs`` with chapter cue points and cue sheets
    (``audio/<date>/briefing-<date>.wav``, ``.cues.csv``, ``.cues.txt``)."""

    feed: FeedSettings = field(default=DEFAULT_FEED, metadata={"invalidates": "site"})
    """The ``[feed]`` table: title, author, owner, email, copyright, image."""

    command_line: tuple[Given, ...] = field(default=(), metadata={"invalidates": "none"})
    """Not a setting (``briefing.toml`` cannot set it): the settings of :data:`SCRIPT_LEVEL`
    given on the command line.  They win over a script's front matter (:data:`PRECEDENCE`)
    for the run, and are not written into the scripts a build generates (:meth:`configured`)."""

    def given(self, name: str) -> bool:
        """Whether setting ``name`` was given on the command line."""
        return any(g.name == name for g in self.command_line)

    def configured(self) -> Settings:
        """These settings without the command line's :data:`SCRIPT_LEVEL` values: what
        briefing.toml (else the default) says, which a build writes into the scripts it
        generates (``briefing script --rate`` writes the command line's)."""
        return dataclasses.replace(self, command_line=(),
                                   **{g.name: g.configured for g in self.command_line})

    def overridden(self, **changes: Any) -> Settings:
        """A copy with the given settings changed (and checked); ``None`` values are ignored,
        and without a change this (checked) settings object is returned as it is."""
        real = {k: v for k, v in changes.items() if v is not None}
        if not real:
            return self
        return validate(dataclasses.replace(self, **real))


def invalidates(name: str) -> str:
    """What changing setting ``name`` invalidates."""
    for f in dataclasses.fields(Settings):
        if f.name == name:
            return str(f.metadata["invalidates"])
    raise KeyError(name)


_RULES = ("briefing.config", "briefing.config_model", "briefing.values", "briefing.readfile")
"""The modules whose rules decide a settings check (:mod:`briefing.remembered`)."""


def _as_json(settings: Settings) -> dict[str, Any]:
    return {**{f.name: getattr(settings, f.name) for f in dataclasses.fields(Settings)
               if f.name != "command_line"},
            "feed": dataclasses.asdict(settings.feed), "formats": list(settings.formats)}


def _recalled(text: str) -> Settings | None:
    """Settings remembered as the result of checking ``text`` (:mod:`briefing.remembered`)."""
    from briefing.remembered import recall

    doc = recall("settings", _RULES, text)
    try:
        return Settings(**{**doc, "feed": FeedSettings(**doc["feed"]),
                           "formats": tuple(doc["formats"])})
    except (TypeError, KeyError):  # none, or damaged: checked again
        return None


def _remembered(text: str, settings: Settings) -> Settings:
    from briefing.remembered import remember

    remember("settings", _RULES, text, _as_json(settings))
    return settings


def validate(settings: Settings, source: Path | None = None) -> Settings:
    """``settings`` checked (and normalised) by :class:`briefing.config_model.SettingsModel`;
    raise :class:`ConfigError` naming the setting and the problem.  Within
    :func:`briefing.remembered.remembering`, a check that passed is remembered."""
    try:
        text: str | None = json.dumps(["values", _as_json(settings)], sort_keys=True)
    except TypeError:  # a value of a type a file never gives: checked, not remembered
        text = None
    recalled = _recalled(text) if text is not None else None
    if recalled is None:
        from briefing.config_model import validate_settings

        recalled = validate_settings(settings, source)
        if text is not None:
            _remembered(text, recalled)
    return dataclasses.replace(recalled, command_line=settings.command_line)


def load_settings(workspace: Path) -> Settings:
    """Defaults updated from ``<workspace>/briefing.toml`` when it exists (the defaults need
    no checking: without the file, the settings model and pydantic are not imported; within
    :func:`briefing.remembered.remembering`, a file that passed once is not checked again)."""
    path = workspace / CONFIG_NAME
    if not path.exists() and not path.is_symlink():
        return Settings()
    from briefing.readfile import read_limited

    try:
        raw = read_limited(path, MAX_CONFIG_BYTES, ConfigError, "settings file")
    except ConfigError:
        raw = None  # the check below says why, in its words
    text = json.dumps(["file", raw.hex()]) if raw is not None else None
    settings = _recalled(text) if text is not None else None
    if settings is None:
        from briefing.config_model import load_settings_file

        settings = load_settings_file(workspace, raw)
        if text is not None:
            _remembered(text, settings)
    if settings.feed.image is not None:
        from briefing.artwork import check_cover

        check_cover(workspace / settings.feed.image, path, f"feed.image {settings.feed.image!r}")
    return settings
