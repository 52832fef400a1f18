"""Settings: every one says what it invalidates; briefing.toml is validated."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from briefing.config import Settings, invalidates, load_settings
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
                          ("bitrate_kbps = 65", "bitrate 65 kbps is not one of"),
                          ("loudness_lufs = 3", "must be between -60 and -5"),
                          ("rate = [", "invalid TOML")):
        (tmp_path / "briefing.toml").write_text(text + "\n")
        with pytest.raises(ConfigError, match=message) as info:
            load_settings(tmp_path)
        assert info.value.path == tmp_path / "briefing.toml"
