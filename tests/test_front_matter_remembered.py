"""A front matter once checked is remembered by its text (no YAML, no pydantic the next time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefing.errors import ScriptError
from briefing.remembered import remembering
from briefing.text.front_matter import read_front_matter

SCRIPT = ["---", "date: 2024-05-14", "title: River clean-up", "rate: fast", "lang: en-GB",
          "sentence_pause_ms: 300", "---", "", "# Story", "", "Text."]

READ = """
import sys
from pathlib import Path
from briefing.remembered import remembering
from briefing.text.front_matter import read_front_matter
lines = {lines!r}
with remembering(Path({folder!r})):
    front, start = read_front_matter(lines, Path("s.md"))
print(front.full_title, front.rate, front.lang, front.sentence_pause_ms, start,
      "pydantic" in sys.modules, "yaml" in sys.modules)
"""


def _read_in_new_process(folder: Path, lines: list[str]) -> str:
    code = READ.format(lines=lines, folder=str(folder))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split("\n")[0]


def test_second_process_reads_it_without_yaml_or_pydantic(tmp_path: Path) -> None:
    first = _read_in_new_process(tmp_path, SCRIPT)
    second = _read_in_new_process(tmp_path, SCRIPT)
    assert first == "River clean-up 240 en-GB 300 7 True True"
    assert second == "River clean-up 240 en-GB 300 7 False False"
    # An edit of the body keeps the front matter remembered; of the front matter, not.
    edited_body = [*SCRIPT[:-1], "Other text."]
    assert _read_in_new_process(tmp_path, edited_body).endswith("False False")
    retitled = [SCRIPT[0], SCRIPT[1], "title: Trains", *SCRIPT[3:]]
    assert _read_in_new_process(tmp_path, retitled) == "Trains 240 en-GB 300 7 True True"


def test_same_values_remembered_or_checked(tmp_path: Path) -> None:
    checked, start = read_front_matter(SCRIPT, Path("s.md"))  # outside: nothing remembered
    assert not any(tmp_path.iterdir())
    with remembering(tmp_path):
        assert read_front_matter(SCRIPT, Path("s.md")) == (checked, start)
        assert read_front_matter(SCRIPT, Path("s.md")) == (checked, start)
    assert len(list(tmp_path.glob("front-matter/??/*.json"))) == 1


def test_a_damaged_entry_is_checked_again(tmp_path: Path) -> None:
    with remembering(tmp_path):
        good = read_front_matter(SCRIPT, Path("s.md"))
        (entry,) = tmp_path.glob("front-matter/??/*.json")
        for damage in (b"{not json", b'{"date": "2024-05-14", "surprise": 1}', b"[]"):
            entry.write_bytes(damage)
            assert read_front_matter(SCRIPT, Path("s.md")) == good


def test_a_bad_front_matter_is_refused_every_time_and_never_remembered(tmp_path: Path) -> None:
    bad = [SCRIPT[0], SCRIPT[1], "rate: 9", *SCRIPT[4:]]
    with remembering(tmp_path):
        for _ in range(2):
            with pytest.raises(ScriptError, match="line 3: front matter rate 9 must be words"):
                read_front_matter(bad, Path("s.md"))
    assert not list(tmp_path.glob("front-matter/??/*.json"))
