"""The pydantic model of ``briefing.toml``, also applied to the command line's overrides.

Kept apart from :mod:`briefing.config` (the frozen :class:`~briefing.config.Settings` and what
each setting invalidates) so that the settings' declarations stay short and cost no pydantic
import to read.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

from briefing.config import (
    CONFIG_NAME,
    DEFAULT_FEED,
    FORMATS,
    MAX_CONFIG_BYTES,
    MAX_JOBS,
    MAX_PAUSE_MS,
    MAX_RATE,
    MIN_RATE,
    FeedSettings,
    Settings,
    rate_words,
)
from briefing.errors import ConfigError
from briefing.readfile import decode_text, read_text_limited
from briefing.values import language_tag_problem, parse_duration, url_problem

_EMAIL = re.compile(r"^[^@\s<>\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")

# --------------------------------------------------------------------------------------------
# Validation: one pydantic model of briefing.toml, also applied to the command line's overrides.
#
# The model mirrors Settings field for field (a test says so; but command_line, which is not
# a setting) and holds every check, so the file and the command line are refused with the
# same words.  It is strict (a number is not
# text, ``true`` is not a number) and forbids unknown keys; each check raises ValueError with
# the problem alone, and _message adds the field's dotted name (``feed.email``).

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_DEFAULTS = Settings()


def _check(test: Callable[[Any], bool], problem: str) -> AfterValidator:
    """A check of a value: ``problem`` (formatted with ``{v}``, the value) when it fails."""
    def check(value: Any) -> Any:
        if not test(value):
            raise ValueError(problem.format(v=value))
        return value
    return AfterValidator(check)


def _plain_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(f"{value!r} contains a control character (such as a line break)")
    return value


def _language(value: str) -> str:
    problem = language_tag_problem(value)
    if problem is not None:
        raise ValueError(problem.removeprefix("language "))
    return value


def _url(value: str) -> str:
    problem = url_problem(value, "")
    if problem is not None:
        raise ValueError(problem.lstrip())
    return value


def _rate(value: object) -> object:
    """A preset name or a number written as text, as words per minute (other values as given)."""
    return rate_words(value) if isinstance(value, str) else value


Rate = Annotated[int, BeforeValidator(_rate), _check(
    lambda v: MIN_RATE <= v <= MAX_RATE,
    f"{{v}} must be words per minute between {MIN_RATE} and {MAX_RATE}")]


def _formats(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be a list of format names like [\"mp3\", \"m4b\"], not {value!r}")
    formats = tuple(dict.fromkeys(v.strip().lower() for v in value))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"{', '.join(map(repr, unknown))} is not one of {', '.join(FORMATS)}")
    if not formats:
        raise ValueError(f"must name at least one of {', '.join(FORMATS)}")
    return formats


def _feed_text(value: object) -> object:
    """Text of the ``[feed]`` table, stripped; not empty."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address like news@example.org")
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]


def _programme(value: str) -> str:
    """A programme name: one line of at most 80 characters with a letter or digit in it, and
    nothing a script would read as markup (it is spoken in the opening and the closing)."""
    value = " ".join(value.split())
    if not any(ch.isalnum() for ch in value):
        raise ValueError("must name the programme (for example \"Morning Briefing\")")
    if len(value) > 80:
        raise ValueError(f"{value[:40]!r}... is longer than 80 characters")
    return value


Programme = Annotated[str, AfterValidator(_plain_text), AfterValidator(_programme)]
Pause = Annotated[int, _check(lambda v: 0 <= v <= MAX_PAUSE_MS,
                              f"{{v}} must be 0 to {MAX_PAUSE_MS} milliseconds")]
FeedText = Annotated[str, BeforeValidator(_feed_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FeedModel(_Strict):
    """The ``[feed]`` table as written (the image is checked by :func:`load_settings`)."""

    title: FeedText = DEFAULT_FEED.title
    author: FeedText = DEFAULT_FEED.author
    owner: FeedText | None = None
    email: Annotated[FeedText, AfterValidator(_email)] | None = None
    copyright: FeedText | None = None
    image: FeedText | None = None


class SettingsModel(_Strict):
    """``briefing.toml`` as written: every key of :class:`Settings`, checked."""

    engine: PlainText = _DEFAULTS.engine
    voice: PlainText | None = None
    rate: Rate = _DEFAULTS.rate
    lang: Annotated[str, AfterValidator(_language)] = _DEFAULTS.lang
    programme: Programme | None = None
    photo_voice: PlainText | None = None
    photo_rate: Rate | None = None
    sentence_pause_ms: Pause = _DEFAULTS.sentence_pause_ms
    paragraph_pause_ms: Pause = _DEFAULTS.paragraph_pause_ms
    chapter_pause_ms: Pause = _DEFAULTS.chapter_pause_ms
    loudness_lufs: Annotated[float, _check(
        lambda v: -60 <= v <= -5, "{v} LUFS must be between -60 and -5")] = (
        _DEFAULTS.loudness_lufs)
    true_peak_dbtp: Annotated[float, _check(
        lambda v: -20 <= v <= 0, "{v} dBTP must be between -20 and 0")] = _DEFAULTS.true_peak_dbtp
    broadcast_loudness_lufs: Annotated[float, _check(
        lambda v: -60 <= v <= -5, "{v} LUFS must be between -60 and -5")] = (
        _DEFAULTS.broadcast_loudness_lufs)
    bitrate_kbps: Annotated[int, _check(
        lambda v: v in _BITRATES, f"{{v}} is not one of {', '.join(map(str, _BITRATES))}")] = (
        _DEFAULTS.bitrate_kbps)
    mp3_quality: Annotated[int, _check(lambda v: 0 <= v <= 9, "{v} must be 0 to 9")] = (
        _DEFAULTS.mp3_quality)
    artist: PlainText = _DEFAULTS.artist
    album: PlainText = _DEFAULTS.album
    max_article_bytes: Annotated[int, _check(lambda v: v > 0, "{v} must be positive")] = (
        _DEFAULTS.max_article_bytes)
    jobs: Annotated[int, _check(
        lambda v: 0 <= v <= MAX_JOBS,
        f"{{v}} must be 0 (one per core) to {MAX_JOBS}")] = _DEFAULTS.jobs
    base_url: Annotated[str, AfterValidator(_url)] | None = None
    executor: PlainText | None = None
    segment_timeout_s: Annotated[float, _check(
        lambda v: 0 < v <= 3600, "{v} must be more than 0 and at most 3600 seconds")] = (
        _DEFAULTS.segment_timeout_s)
    target_duration: Annotated[str, BeforeValidator(lambda v: f"{v}s" if type(v) is int else v),
                               AfterValidator(lambda v: (parse_duration(v), v)[1])] | None = None
    formats: Annotated[tuple[str, ...], BeforeValidator(_formats)] = _DEFAULTS.formats
    feed: FeedModel = FeedModel()

    def settings(self) -> Settings:
        """The frozen :class:`Settings` these values make."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values["feed"] = FeedSettings(**self.feed.model_dump())
        return Settings(**values)


_KINDS = {"int_type": "a whole number", "float_type": "a number", "string_type": "text",
          "model_type": "a table", "dict_type": "a table"}


def _message(errors: list[Any]) -> str:
    """One line for pydantic's ``errors``: the first problem, with its field's dotted name."""
    first = errors[0]
    loc = tuple(str(part) for part in first["loc"])
    where = ".".join(loc)
    more = len(errors) - 1
    if first["type"] == "extra_forbidden":
        unknown = [e for e in errors if e["type"] == "extra_forbidden"
                   and tuple(map(str, e["loc"][:-1])) == loc[:-1]]
        more -= len(unknown) - 1
        names = ", ".join(str(e["loc"][-1]) for e in unknown)
        table = f" in [{'.'.join(loc[:-1])}]" if len(loc) > 1 else ""
        known = f" (known: {', '.join(FeedModel.model_fields)})" if table else ""
        text = f"unknown setting(s){table}: {names}{known}"
    elif first["type"] in _KINDS:
        kind = _KINDS[first["type"]]
        if kind == "a table":
            kind = f"a table ([{where}])"
        text = f"{where} must be {kind}, not {first['input']!r}"
    elif first["type"] == "value_error":
        text = f"{where} {first['ctx']['error']}"
    else:
        text = f"{where}: {first['msg']}"
    return text + (f" (and {more} more problem(s))" if more > 0 else "")


def _validated(data: dict[str, Any], source: Path | None) -> Settings:
    try:
        return SettingsModel.model_validate(data).settings()
    except ValidationError as exc:
        raise ConfigError(_message(exc.errors()), source) from None


def validate_settings(settings: Settings, source: Path | None = None) -> Settings:
    """``settings`` checked (and normalised); raise :class:`ConfigError` naming the setting and
    the problem."""
    data = {f.name: getattr(settings, f.name) for f in dataclasses.fields(Settings)
            if f.name != "command_line"}
    data["feed"] = dataclasses.asdict(settings.feed)
    data["formats"] = list(settings.formats)
    return dataclasses.replace(_validated(data, source), command_line=settings.command_line)


def load_settings_file(workspace: Path, raw: bytes | None = None) -> Settings:
    """Defaults updated from ``<workspace>/briefing.toml``, which is there (without it,
    :func:`briefing.config.load_settings` gives the defaults and imports no model), or from
    ``raw``, its bytes as already read (so what is checked is what the caller remembers it
    by).  The feed's cover is checked by :func:`briefing.config.load_settings`, every time."""
    path = workspace / CONFIG_NAME
    text = (read_text_limited(path, MAX_CONFIG_BYTES, ConfigError, "settings file")
            if raw is None else decode_text(raw, path, ConfigError, "settings file"))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path) from None
    return _validated(data, path)
