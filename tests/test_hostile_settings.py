"""Hostile settings: briefing.toml and command-line values are refused in one line naming the
file, exit 2, before anything is written (issue 12, item 10 and the settings items)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from briefing.config import load_settings
from briefing.errors import ConfigError
from tests.conftest import DATA, Cli

CONTROL_URLS = [
    "https://example.org/\x01briefings/", "https://example.org/brief\nings/",
    "https://exa\tmple.org/", "https://example.org/\x7f/", "https://example.org/\x85/",
    "https://example.org/a b/", "https://example.org/\"/", "https://example.org/<x>/",
    "https://example.org/\x00/", "javascript:alert(1)", "https:///no-host/",
    "https://example.org:port/", "file:///etc/", "example.org/briefings",
]


def toml_string(value: str) -> str:
    """A TOML basic string holding ``value`` exactly (control characters escaped)."""
    out = []
    for ch in value:
        if ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@pytest.mark.parametrize("url", CONTROL_URLS)
def test_bad_base_url_in_toml_names_the_file(tmp_path: Path, url: str) -> None:
    (tmp_path / "briefing.toml").write_text(f"base_url = {toml_string(url)}\n")
    with pytest.raises(ConfigError, match="base_url") as info:
        load_settings(tmp_path)
    assert info.value.path == tmp_path / "briefing.toml"
    assert "\n" not in str(info.value).replace(repr(url), "")


@pytest.mark.parametrize("url", ["https://example.org/briefings/", "http://127.0.0.1:8000",
                                 "https://example.org/br%C3%BCfings/",
                                 "https://example.org/~user/audio/"])
def test_good_base_urls_are_accepted(tmp_path: Path, url: str) -> None:
    (tmp_path / "briefing.toml").write_text(f"base_url = {toml_string(url)}\n")
    assert load_settings(tmp_path).base_url == url


@pytest.mark.parametrize("url", ["https://example.org/\x01/", "https://example.org/a\nb"])
def test_bad_base_url_on_the_command_line(ws: Path, cli: Cli,
                                          url: str) -> None:
    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles")
    result = cli("build", "-w", ws, "--engine", "fake", "--base-url", url)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: base_url ")
    assert result.stderr.count("\n") == 1
    assert not (ws / "audio").exists() and not (ws / "scripts").exists()


@pytest.mark.parametrize("lang", ["en_US", "en\ninjected: 1", "e", "english!", "en-", "123",
                                  "en-US\n---\n## Injected", "ŋŋ", ""])
def test_bad_lang_setting_is_refused(ws: Path, cli: Cli, lang: str) -> None:
    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles")
    (ws / "briefing.toml").write_text(f"lang = {toml_string(lang)}\n")
    result = cli("build", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {ws / 'briefing.toml'}: lang")
    assert not (ws / "scripts").exists()


@pytest.mark.parametrize("lang", ["en", "en-GB", "pt-BR", "zh-Hans-CN", "de"])
def test_good_lang_settings(tmp_path: Path, lang: str) -> None:
    (tmp_path / "briefing.toml").write_text(f'lang = "{lang}"\n')
    assert load_settings(tmp_path).lang == lang


@pytest.mark.parametrize("rate", ["superfast", "", "fast!", "9" * 400])
def test_bad_rate_name_names_the_file(tmp_path: Path, rate: str) -> None:
    (tmp_path / "briefing.toml").write_text(f'rate = "{rate}"\n')
    with pytest.raises(ConfigError, match="rate") as info:
        load_settings(tmp_path)
    assert info.value.path == tmp_path / "briefing.toml"


@pytest.mark.parametrize("name", ["voice", "artist", "album"])
def test_control_characters_in_text_settings(tmp_path: Path, name: str) -> None:
    (tmp_path / "briefing.toml").write_text(f'{name} = "a\\nb: c"\n')
    with pytest.raises(ConfigError, match=name):
        load_settings(tmp_path)


def test_bom_in_briefing_toml_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "briefing.toml").write_bytes(b"\xef\xbb\xbfrate = 200\n")
    assert load_settings(tmp_path).rate == 200


@pytest.mark.parametrize("content", ["rate = 200\n".encode("utf-16"), b"rate = \xff\n"])
def test_badly_encoded_briefing_toml(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "briefing.toml").write_bytes(content)
    with pytest.raises(ConfigError, match="UTF") as info:
        load_settings(tmp_path)
    assert info.value.path == tmp_path / "briefing.toml"


@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling"])
def test_briefing_toml_that_is_not_a_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "briefing.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ConfigError) as info:  # and no hang on the FIFO
        load_settings(tmp_path)
    assert info.value.path == path
