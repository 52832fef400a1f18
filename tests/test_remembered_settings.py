"""Settings checks that passed are remembered: no pydantic the next time, errors every time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefing.build.workspace import Workspace
from briefing.cli.common import resolve_settings
from briefing.errors import ConfigError

READ = """
import sys
from pathlib import Path
from briefing.build.workspace import Workspace
from briefing.cli.common import resolve_settings
s = resolve_settings(Workspace(Path({root!r})), None, None, None, jobs={jobs!r}, remember=True)
print(s.rate, s.jobs, s.bitrate_kbps, s.feed.title, "pydantic" in sys.modules)
"""


def _settings_in_new_process(root: Path, jobs: int | None = None) -> str:
    code = READ.format(root=str(root), jobs=jobs)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_checked_file_and_override_are_remembered(tmp_path: Path) -> None:
    (tmp_path / ".briefing").mkdir()  # a workspace built before (a first run remembers nothing)
    (tmp_path / "briefing.toml").write_text('rate = "slow"\nbitrate_kbps = 96\n'
                                            '[feed]\ntitle = "Morning desk"\n',
                                            encoding="utf-8")
    assert _settings_in_new_process(tmp_path) == "140 0 96 Morning desk True"
    assert _settings_in_new_process(tmp_path) == "140 0 96 Morning desk False"
    # a command-line override is checked once too
    assert _settings_in_new_process(tmp_path, 2) == "140 2 96 Morning desk True"
    assert _settings_in_new_process(tmp_path, 2) == "140 2 96 Morning desk False"
    # an edited file is checked again
    (tmp_path / "briefing.toml").write_text("bitrate_kbps = 128\n", encoding="utf-8")
    assert _settings_in_new_process(tmp_path) == "175 0 128 Audio news briefings True"


def test_a_bad_file_is_refused_every_time(tmp_path: Path) -> None:
    (tmp_path / "briefing.toml").write_text("bitrate_kbps = 7\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError, match="bitrate_kbps"):
            resolve_settings(Workspace(tmp_path), None, None, None, remember=True)
    assert not list((tmp_path / ".briefing").rglob("*.json"))


def test_a_damaged_entry_is_checked_again(tmp_path: Path) -> None:
    (tmp_path / ".briefing").mkdir()
    (tmp_path / "briefing.toml").write_text("bitrate_kbps = 96\n", encoding="utf-8")
    ws = Workspace(tmp_path)
    first = resolve_settings(ws, None, None, None, remember=True)
    assert list((tmp_path / ".briefing" / "checked" / "settings").rglob("*.json"))
    for entry in (tmp_path / ".briefing" / "checked" / "settings").rglob("*.json"):
        entry.write_text('{"bitrate_kbps": 8, "unknown": 1}', encoding="utf-8")
    assert resolve_settings(ws, None, None, None, remember=True) == first


def test_the_cover_is_checked_every_time(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1400, 1400), "navy").save(tmp_path / "cover.png")
    (tmp_path / "briefing.toml").write_text('[feed]\nimage = "cover.png"\n', encoding="utf-8")
    ws = Workspace(tmp_path)
    assert resolve_settings(ws, None, None, None, remember=True).feed.image == "cover.png"
    (tmp_path / "cover.png").unlink()
    with pytest.raises(ConfigError, match=r"cover\.png"):
        resolve_settings(ws, None, None, None, remember=True)
