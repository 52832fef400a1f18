"""Hostile narration scripts: one line naming the script and line, exit 2, nothing half-written
(issue 12, item 8, and the script-date item)."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest

from briefing.errors import ScriptError
from briefing.text.script_read import (
    MAX_CHAPTERS,
    Pause,
    parse_script,
    read_script,
    without_silent,
)
from tests.conftest import DATA, Cli, assert_built

FRONT = "---\ndate: 2024-03-08\n---\n"


def script(body: str, front: str = FRONT) -> str:
    return front + body


def chapters(n: int) -> str:
    return "".join(f"## Chapter {i}\n\nSentence {i}.\n\n" for i in range(1, n + 1))


@pytest.mark.parametrize(("spec", "message"), [
    ("9" * 400 + "s", "is longer than 60 s"),
    ("9" * 400 + "ms", "is longer than 60 s"),
    ("1" + "0" * 30 + "s", "is longer than 60 s"),
    ("9" * 5000 + "." + "9" * 5000 + "s", "is longer than 60 s"),
    ("60.001s", "60001 ms is longer than 60 s"),
    ("٥s", "is not a length"),  # Arabic-Indic digit five
    ("1e9s", "is not a length"),
    ("inf s", "is not a length"),
    ("-1s", "is not a length"),
])
def test_hostile_pauses(spec: str, message: str) -> None:
    text = script(f"## A\n\nSay this.\n\n[pause {spec}]\n")
    with pytest.raises(ScriptError, match=re.escape(message)) as info:
        parse_script(text, Path("s.md"))
    assert str(info.value).startswith("s.md: line 8: ")


@pytest.mark.parametrize(("spec", "ms"), [("0000000000001s", 1000), ("1.99999999999999s", 2000),
                                         ("60s", 60_000), ("0.5S", 500), ("250 ms", 250)])
def test_pauses_that_are_fine(spec: str, ms: int) -> None:
    [chapter] = parse_script(script(f"## A\n\nSay.\n\n[pause {spec}]\n"), Path("s.md")).chapters
    pause = chapter.blocks[-1]
    assert isinstance(pause, Pause) and pause.ms == ms


@pytest.mark.parametrize(("front", "message"), [
    ("title: " + "[" * 20_000 + "]" * 20_000, "nested more than"),
    ("title:\n" + "".join("  " * i + "- \n" for i in range(1, 40)), "nested more than"),
    ("a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\ntitle: *b",
     "aliases"),
    ("rate: " + "9" * 5000, "longer than 100 digits"),
    ('title: "\\ud800"', "lone surrogate"),
])
def test_hostile_front_matter(front: str, message: str) -> None:
    text = f"---\ndate: 2024-03-08\n{front}\n---\n## A\n\nx\n"
    with pytest.raises(ScriptError, match=message) as info:
        parse_script(text, Path("s.md"))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("line", "message"), [
    ("lang: en_US", "line 3: front matter lang: language 'en_US' is not a language tag"),
    ("lang: [en]", "line 3: front matter lang must be a single value, not a list"),
    ("lang: 12", "line 3: front matter lang: language 12 must be text"),
    ('lang: "en\\nvoice: x"', "line 3: front matter lang 'en\\nvoice: x' contains a control"),
    ('title: "a\\u2028b"', "line 3: front matter title 'a\\u2028b' contains a control"),
    ("voice: {a: 1}", "line 3: front matter voice must be a single value, not a mapping"),
    ("date: 20240308", "line 2: front matter date"),
])
def test_front_matter_values_are_validated(line: str, message: str) -> None:
    front = f"---\ndate: 2024-03-08\n{line}\n---\n"
    if line.startswith("date:"):
        front = f"---\n{line}\n\n---\n"
    with pytest.raises(ScriptError) as info:
        parse_script(script("## A\n\nx\n", front), Path("s.md"))
    assert str(info.value).startswith(f"s.md: {message}"), str(info.value)


@pytest.mark.parametrize("value", ["20240308", "2024-W10-5", "2024-068", "٢٠٢٤-03-08",
                                   "2024-03-08T00:00", "2024-3-8", "2024-03-08 "])
def test_script_dates_must_be_strict(value: str) -> None:
    front = f"---\ndate: '{value}'\n---\n"
    with pytest.raises(ScriptError, match="not a YYYY-MM-DD date"):
        parse_script(script("## A\n\nx\n", front), Path("s.md"))


def test_at_most_255_chapters() -> None:
    assert len(parse_script(script(chapters(MAX_CHAPTERS)), Path("s.md")).chapters) == 255
    with pytest.raises(ScriptError) as info:
        parse_script(script(chapters(MAX_CHAPTERS + 1)), Path("s.md"))
    line = 4 + 4 * MAX_CHAPTERS  # the 256th heading
    assert str(info.value) == (f"s.md: line {line}: more than 255 chapters; an MP3's chapter "
                               "table holds at most 255")


def test_silent_sentences_are_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    text = script("## A\n\nSay this.\n\n---\n\n...\n\n\u200b\n\n— … ‽\n\nAnd this.\n\n"
                  ". . .\n\nToo.\n")
    parsed = parse_script(text, Path("s.md"))
    with caplog.at_level(logging.WARNING, logger="briefing"):
        kept = without_silent(parsed, Path("s.md"))
    assert kept.chapters[0].sentences == ("Say this.", "And this.", "Too.")
    lines = [r.getMessage() for r in caplog.records]
    assert [m.split(":")[1].strip() for m in lines] == [
        "line 8", "line 10", "line 12", "line 14", "line 18"]
    assert all(m.startswith("s.md: line ") and "not spoken" in m for m in lines)


def test_a_chapter_of_silence_names_its_heading() -> None:
    parsed = parse_script(script("## A\n\nSay.\n\n## Quiet\n\n---\n\n\u200b\n"), Path("s.md"))
    with pytest.raises(ScriptError, match=r"^s\.md: line 8: chapter 'Quiet' has nothing to say"):
        without_silent(parsed, Path("s.md"))


# --------------------------------------------------------------------------- through the CLI

def built_workspace(ws: Path, cli: Cli) -> Path:
    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles")
    assert cli("build", "-w", ws, "--engine", "fake").exit_code == 0
    return ws / "scripts" / "2024-03-08.md"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("body", [
    chapters(MAX_CHAPTERS + 1),
    "## A\n\nx [pause " + "9" * 400 + "s]\n",
    "## A\n\nx\n\n## B\n\n---\n",
])
def test_bad_script_leaves_the_outputs_alone(ws: Path, cli: Cli,
                                             body: str) -> None:
    path = built_workspace(ws, cli)
    before = snapshot(ws / "audio")
    path.write_text(script(body), encoding="utf-8")
    result = cli("render", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(rf"error: {re.escape(str(path))}: line \d+: ", lines[0])
    assert snapshot(ws / "audio") == before


def test_silent_paragraph_builds_with_a_warning(ws: Path, cli: Cli) -> None:
    path = built_workspace(ws, cli)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    closing = next(n for n, line in enumerate(lines) if line.startswith("## Closing"))
    where = closing + 2  # the 1-based line of the paragraph added below
    lines.insert(where - 1, "---\n")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("render", "-w", ws, "--engine", "fake")
    assert result.exit_code == 0, result.stderr
    assert f"warning: {path}: line {where}: nothing to say in '---'" in result.stderr


def test_lexicon_that_leaves_nothing_to_say(ws: Path, cli: Cli) -> None:
    path = built_workspace(ws, cli)
    (ws / "pronunciations.toml").write_text('librarians = "---"\n')
    text = path.read_text(encoding="utf-8").replace(
        "The budget adds 12 librarians", "librarians.\n\nThe budget adds 12 librarians")
    path.write_text(text, encoding="utf-8")
    number = text.splitlines().index("librarians.") + 1
    result = cli("render", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}: line {number}: 'librarians.' leaves nothing to "
                             "say once the lexicon and number reading are applied\n")


@pytest.mark.parametrize("value", ["20240308", "2024-W10-5", "٢٠٢٤-03-08"])
def test_render_refuses_loose_dates(ws: Path, cli: Cli, value: str) -> None:
    built_workspace(ws, cli)
    result = cli("render", value, "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    assert result.stderr == f"error: {value!r} is not a YYYY-MM-DD date\n"


def test_script_that_is_a_fifo_or_utf16(ws: Path, cli: Cli) -> None:
    import os

    path = built_workspace(ws, cli)
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(ScriptError, match="is UTF-16 text; save it as UTF-8"):
        read_script(path)
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(ScriptError, match="is a FIFO"):
        read_script(path)


@pytest.mark.parametrize("kind", ["fifo", "dev zero", "dangling", "loop"])
def test_build_over_a_script_that_is_not_a_file(ws: Path, cli: Cli,
                                                kind: str) -> None:
    import os
    import time

    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles")
    (ws / "articles" / "other.txt").write_text(" date 2024-03-09 Another day, another story.\n")
    (ws / "scripts").mkdir()
    path = ws / "scripts" / "2024-03-08.md"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev zero":
        path.symlink_to("/dev/zero")
    elif kind == "dangling":
        path.symlink_to(ws / "nowhere.md")
    else:
        path.symlink_to(path)
    start = time.monotonic()
    result = cli("build", "-w", ws, "--engine", "fake")
    assert time.monotonic() - start < 60
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: is a ")
    assert path.is_symlink() or kind == "fifo"  # left as it was
    assert_built(ws, "2024-03-09")
    assert not (ws / "audio" / "2024-03-08").exists()
