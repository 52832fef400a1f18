"""The ``[feed]`` table and ``formats`` of briefing.toml, and the cover artwork."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from briefing.config import FeedSettings, Settings, invalidates, load_settings
from briefing.errors import ConfigError
from briefing.publish.cover import BACKGROUND, default_cover, workspace_cover
from tests.conftest import Cli


def write_image(path: Path, size: tuple[int, int], kind: str = "PNG") -> None:
    Image.new("RGB", size, (200, 30, 30)).save(path, format=kind)


def toml(ws: Path, text: str) -> Path:
    (ws / "briefing.toml").write_text(text, encoding="utf-8")
    return ws / "briefing.toml"


def test_feed_table_and_formats_are_read(tmp_path: Path) -> None:
    write_image(tmp_path / "art.jpg", (1600, 1600), "JPEG")
    toml(tmp_path, 'formats = ["mp3", "m4b"]\n[feed]\nowner = "Jane"\nemail = "j@example.org"\n'
                   'copyright = "© 2024 Gazette"\nimage = "art.jpg"\nauthor = "Newsroom"\n')
    settings = load_settings(tmp_path)
    assert settings.formats == ("mp3", "m4b")
    assert settings.feed == FeedSettings(owner="Jane", email="j@example.org",
                                         copyright="© 2024 Gazette", image="art.jpg",
                                         author="Newsroom")
    assert invalidates("feed") == "site" and invalidates("formats") == "outputs"
    cover = workspace_cover(tmp_path, "art.jpg", "x")
    assert (cover.kind, cover.size, cover.name) == ("JPEG", 1600, "cover.jpg")
    assert Settings().formats == ("mp3",)


@pytest.mark.parametrize(("text", "message"), [
    ('[feed]\nemail = "not an address"\n', "feed.email 'not an address' is not an e-mail"),
    ('[feed]\nemail = "a@b"\n', "feed.email 'a@b' is not an e-mail"),
    ('[feed]\nowner = 3\n', "feed.owner must be text"),
    ('[feed]\nowner = "  "\n', "feed.owner must not be empty"),
    ('[feed]\nartist = "x"\n', r"unknown setting\(s\) in \[feed\]: artist"),
    ('feed = "x"\n', r"feed must be a table \(\[feed\]\)"),
    ('[feed]\nimage = "missing.png"\n', "feed.image 'missing.png': .*missing.png does not exist"),
    ('[feed]\nimage = "wide.png"\n', "1600x1400 pixels; cover art must be square"),
    ('[feed]\nimage = "small.png"\n', "must be 1400 to 3000 pixels square"),
    ('[feed]\nimage = "huge.png"\n', "must be 1400 to 3000 pixels square"),
    ('[feed]\nimage = "art.gif"\n', "is GIF; podcast directories take PNG or JPEG"),
    ('[feed]\nimage = "notes.png"\n', "is not a PNG or JPEG image"),
    ('formats = ["mp3", "ogg"]\n', "formats 'ogg' is not one of mp3, m4b"),
    ("formats = 3\n", "formats must be a list"),
])
def test_bad_feed_settings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    write_image(tmp_path / "wide.png", (1600, 1400))
    write_image(tmp_path / "small.png", (1000, 1000))
    write_image(tmp_path / "huge.png", (3200, 3200))
    write_image(tmp_path / "art.gif", (1400, 1400), "GIF")
    (tmp_path / "notes.png").write_text("not an image", encoding="utf-8")
    path = toml(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(tmp_path)
    assert info.value.path == path
    assert "\n" not in str(info.value) and "briefing.toml" in str(info.value)


def test_format_on_the_command_line(ws: Path, cli: Cli) -> None:
    result = cli("build", "-w", ws, "--format", "flac", "--engine", "fake")
    assert result.exit_code == 2
    assert "flac" in result.stderr and "mp3, m4b" in result.stderr


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("title", [
    "Audio news briefings",
    "The Example Gazette's very long morning briefing for the Caucasus and Central Asia region",
    "Ünïcødé Zeitung — Morgen",
])
def test_default_cover_is_square_legible_and_deterministic(title: str) -> None:
    cover = default_cover(title)
    assert cover.data == default_cover.__wrapped__(title).data  # the same bytes every time
    with Image.open(io.BytesIO(cover.data)) as image:
        assert (image.format, image.size) == ("PNG", (1400, 1400))
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
    # mostly background, and white text on it: contrast far above WCAG's 7:1
    most = max(colours)[1]
    assert most == BACKGROUND
    text = [c for n, c in colours if _luminance(c) > 0.9]
    assert sum(n for n, c in colours if c in text) > 1400 * 1400 * 0.01
    ratio = (_luminance((255, 255, 255)) + 0.05) / (_luminance(BACKGROUND) + 0.05)
    assert ratio > 15
    # nothing is drawn in the side margins (the title is wrapped, not cut off)
    margin = rgb.crop((0, 0, 60, 1400)).getcolors() or []
    assert margin == [(60 * 1400, BACKGROUND)]
    right = rgb.crop((1340, 0, 1400, 1400)).getcolors() or []
    assert right == [(60 * 1400, BACKGROUND)]
