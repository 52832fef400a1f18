"""Settings: every one says what it invalidates; briefing.toml is validated."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from briefing.config import FeedSettings, Settings, invalidates, load_settings, validate
from briefing.config_model import FeedModel, SettingsModel
from briefing.errors import ConfigError

KINDS = {"script", "synthesis", "assembly", "encoding", "outputs", "site", "none"}


def test_every_setting_says_what_it_invalidates() -> None:
    for field in dataclasses.fields(Settings):
        assert invalidates(field.name) in KINDS, field.name
    assert invalidates("bitrate_kbps") == "encoding"
    assert invalidates("rate") == "script"
    assert invalidates("loudness_lufs") == "assembly"
    with pytest.raises(KeyError):
        invalidates("nope")


def test_toml_values_are_checked(tmp_path: Path) -> None:
    (tmp_path / "briefing.toml").write_text('rate = "fast"\nloudness_lufs = -23\njobs = 2\n')
    settings = load_settings(tmp_path)
    assert (settings.rate, settings.loudness_lufs, settings.jobs) == (240, -23.0, 2)
    for text, message in (("jobs = 'two'", "jobs must be a whole number, not 'two'"),
                          ("bitrate_kbps = 65", "bitrate_kbps 65 is not one of 32, 40"),
                          ("loudness_lufs = 3", "must be between -60 and -5"),
                          ("rate = [", "invalid TOML")):
        (tmp_path / "briefing.toml").write_text(text + "\n")
        with pytest.raises(ConfigError, match=message) as info:
            load_settings(tmp_path)
        assert info.value.path == tmp_path / "briefing.toml"


def test_the_model_mirrors_the_settings() -> None:
    assert list(SettingsModel.model_fields) == [f.name for f in dataclasses.fields(Settings)
                                                if f.name != "command_line"]
    assert list(FeedModel.model_fields) == [f.name for f in dataclasses.fields(FeedSettings)]
    assert SettingsModel().settings() == Settings() == validate(Settings())


@pytest.mark.parametrize(("text", "message"), [
    ("rate = 30", "rate 30 must be words per minute between 40 and 900"),
    ("rate = 200.0", "rate must be a whole number, not 200.0"),
    ("rate = true", "rate must be a whole number, not True"),
    ("rate = 'fastish'", "rate 'fastish' is neither words per minute nor one of: slow"),
    ("loudness_lufs = nan", "loudness_lufs nan LUFS must be between -60 and -5"),
    ("loudness_lufs = '-16'", "loudness_lufs must be a number, not '-16'"),
    ("true_peak_dbtp = 1", "true_peak_dbtp 1.0 dBTP must be between -20 and 0"),
    ("mp3_quality = 10", "mp3_quality 10 must be 0 to 9"),
    ("chapter_pause_ms = -1", "chapter_pause_ms -1 must be 0 to 10000 milliseconds"),
    ("max_article_bytes = 0", "max_article_bytes 0 must be positive"),
    ("jobs = 300", "jobs 300 must be 0 \\(one per core\\) to 256"),
    ("segment_timeout_s = 0", "segment_timeout_s 0.0 must be more than 0"),
    ("artist = 3", "artist must be text, not 3"),
    ('voice = "a\\u0085b"', "voice 'a\\\\x85b' contains a control character"),
    ("lang = 'en_US'", "lang 'en_US' is not a language tag .*did you mean 'en-US'"),
    ("base_url = 'ftp://example.org/'", "base_url 'ftp://example.org/' must be an http"),
    ("colour = 'red'\nsize = 3", "unknown setting\\(s\\): colour, size$"),
    ("jobs = 'x'\nrate = 1", "^[^:]*: rate 1 must be words .* \\(and 1 more problem\\(s\\)\\)$"),
    ("[feed]\ntitle = ''", "feed.title must not be empty"),
    ("[feed]\nauthor = 'a'\n[feed.x]\ny = 1", "unknown setting\\(s\\) in \\[feed\\]: x"),
])
def test_every_bad_value_is_one_line_naming_file_and_field(tmp_path: Path, text: str,
                                                           message: str) -> None:
    path = tmp_path / "briefing.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(tmp_path)
    assert info.value.path == path
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


def test_command_line_values_are_checked_by_the_same_model() -> None:
    with pytest.raises(ConfigError, match=r"^jobs 300 must be 0") as info:
        Settings().overridden(jobs=300)
    assert info.value.path is None
    with pytest.raises(ConfigError, match=r"^formats 'flac' is not one of mp3, m4b"):
        Settings().overridden(formats=("mp3", "flac"))
    assert Settings().overridden(rate=300, formats=("mp3", "m4b")).formats == ("mp3", "m4b")


def test_strict_types_and_whitespace(tmp_path: Path) -> None:
    (tmp_path / "briefing.toml").write_text(
        'loudness_lufs = -20\nformats = "M4B"\n[feed]\ntitle = "  Gazette  "\n',
        encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.loudness_lufs == -20.0 and isinstance(settings.loudness_lufs, float)
    assert settings.formats == ("m4b",) and settings.feed.title == "Gazette"
    assert dataclasses.replace(settings, loudness_lufs=-16.0, formats=("mp3",),
                               feed=FeedSettings()) == Settings()
