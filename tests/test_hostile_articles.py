"""Hostile article files: each gives one line naming the file, exit 2, within seconds, and the
good article beside it is still built (issue 12, items 7 and 9, and the UTF-16 item)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from briefing.errors import ArticleError
from briefing.text.article import read_article
from tests.conftest import DATA, Cli, assert_built

GOOD = {"date": "2024-03-08", "paragraphs": ["The library opens on Sunday."]}


def deep_json(depth: int, shape: str) -> bytes:
    if shape == "arrays":
        body = "[" * depth + "]" * depth
    elif shape == "objects":
        body = '{"a":' * depth + "1" + "}" * depth
    else:  # nested inside a real field, with strings holding brackets to mislead a scanner
        body = '{"a": "[[[{{", "b":' * depth + '"x"' + "}" * depth
    return json.dumps({**GOOD, "photos": [{"caption": "c", "kind": "K"}]}).replace(
        '"K"', body).encode()


def deep_yaml(depth: int, shape: str) -> bytes:
    if shape == "flow":
        nested = "[" * depth + "]" * depth
        return f"date: 2024-03-08\nparagraphs: {nested}\n".encode()
    # compact nested block sequences: "- - - x" is three lists deep
    return b"date: 2024-03-08\nparagraphs: [x]\nphotos:\n  " + b"- " * depth + b"x\n"


def alias_bomb(levels: int, merge: bool) -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    if merge:
        lines = ["base: &base {date: 2024-03-08}", "<<: *base", *lines]
    lines.append(f"paragraphs: *a{levels - 1}")
    return ("\n".join(lines) + "\n").encode()


HOSTILE: dict[str, tuple[str, bytes, str]] = {
    "json 100,000 deep arrays": (".json", deep_json(100_000, "arrays"), "nested more than"),
    "json 5,000 deep objects": (".json", deep_json(5_000, "objects"), "nested more than"),
    "json deep with bracket strings": (".json", deep_json(3_000, "strings"), "nested more than"),
    "json unclosed string of escaped quotes": (".json", b'"' + b'\\"' * 300_000,
                                               "Unterminated string"),
    "json top-level 100,000 deep": (".json", b"[" * 100_000 + b"]" * 100_000,
                                    "nested more than"),
    "yaml 20,000 deep flow": (".yaml", deep_yaml(20_000, "flow"), "nested more than"),
    "yaml 2,000 deep block": (".yml", deep_yaml(2_000, "block"), "nested more than"),
    "json 5,000-digit integer": (".json", json.dumps({**GOOD, "photos": [
        {"caption": "c", "kind": 0}]}).replace("0}", "9" * 5000 + "}").encode(),
        "longer than 100 digits"),
    "json 5,000-digit date": (".json", b'{"date": ' + b"2" * 5000 + b', "paragraphs": ["x"]}',
                              "longer than 100 digits"),
    "yaml 5,000-digit integer": (".yaml", b"date: 2024-03-08\nparagraphs: [" + b"7" * 5000
                                 + b"]\n", "longer than 100 digits"),
    "yaml 5,000-digit hex integer": (".yaml", b"date: 2024-03-08\nparagraphs: [0x" + b"f" * 5000
                                     + b"]\n", "longer than 100 digits"),
    "json lone surrogate in a paragraph": (".json", json.dumps(
        {**GOOD, "paragraphs": ["hello \ud800 there"]}).encode(), "lone surrogate"),
    "json lone low surrogate in a caption": (".json", json.dumps(
        {**GOOD, "photos": [{"caption": "a \udfff b"}]}).encode(), "lone surrogate"),
    "json lone surrogate in a field name": (".json", json.dumps(
        {**GOOD, "\ud834": 1}).encode(), "field name holds a lone surrogate"),
    "yaml lone surrogate in the headline": (".yaml", b'date: 2024-03-08\nheadline: "x\\ud800"\n'
                                            b"paragraphs: [x]\n", "lone surrogate"),
    "yaml photo with an integer key": (".yaml", b"date: 2024-03-08\nparagraphs: [x]\nphotos:\n"
                                       b"  - {caption: a, 1: b}\n", "must be text"),
    "yaml photo with a null key": (".yaml", b"date: 2024-03-08\nparagraphs: [x]\nphotos:\n"
                                   b"  - caption: a\n    ~: b\n", "must be text"),
    "yaml article with a list key": (".yaml", b"date: 2024-03-08\nparagraphs: [x]\n? [a, b]\n"
                                     b": c\n", "invalid YAML"),
    "yaml photo that is a number": (".yaml", b"date: 2024-03-08\nparagraphs: [x]\nphotos: [3]\n",
                                    "photo 1 must be a mapping"),
    "yaml caption that is a list": (".yaml", b"date: 2024-03-08\nparagraphs: [x]\nphotos:\n"
                                    b"  - caption: [a, b]\n", "must be text"),
    "yaml 400-byte alias bomb": (".yaml", alias_bomb(9, merge=False), "aliases"),
    "yaml alias bomb through a merge key": (".yaml", alias_bomb(6, merge=True), "aliases"),
    "json NaN": (".json", b'{"date": "2024-03-08", "paragraphs": [NaN]}', "NaN"),
    "json duplicate field": (".json", b'{"date": "2024-03-08", "paragraphs": ["x"], '
                             b'"date": "2024-03-09"}', "given twice"),
    "json date as a number": (".json", b'{"date": 20240308, "paragraphs": ["x"]}',
                              "YYYY-MM-DD"),
    "json compact date": (".json", b'{"date": "20240308", "paragraphs": ["x"]}', "YYYY-MM-DD"),
    "utf-16 le with bom": (".txt", " date 2024-03-08 Hello there.\n".encode("utf-16"),
                           "is UTF-16 text; save it as UTF-8"),
    "utf-16 be without bom": (".txt", " date 2024-03-08 Hello there.\n".encode("utf-16-be"),
                              "is UTF-16 text; save it as UTF-8"),
    "utf-16 le json without bom": (".json", json.dumps(GOOD).encode("utf-16-le"),
                                   "is UTF-16 text"),
    "utf-32 with bom": (".txt", " date 2024-03-08 Hello.\n".encode("utf-32"), "is UTF-32 text"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_article_is_refused_in_one_line(tmp_path: Path, name: str) -> None:
    suffix, content, message = HOSTILE[name]
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    start = time.monotonic()
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert time.monotonic() - start < 5
    assert info.value.path == path
    assert message in info.value.message
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", [
    "json 100,000 deep arrays", "yaml 20,000 deep flow", "json 5,000-digit integer",
    "json lone surrogate in a paragraph", "yaml photo with an integer key",
    "yaml 400-byte alias bomb", "utf-16 le with bom"])
@pytest.mark.parametrize("command", ["check", "build"])
def test_hostile_article_beside_a_good_one(ws: Path, cli: Cli, name: str,
                                           command: str) -> None:
    suffix, content, message = HOSTILE[name]
    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles" / "good.txt")
    bad = ws / "articles" / f"bad{suffix}"
    bad.write_bytes(content)
    args = [command, "-w", ws] + (["--engine", "fake"] if command == "build" else [])
    result = cli(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: ") and message in lines[0]
    assert result.exception is None
    if command == "build":
        assert_built(ws, "2024-03-08")
        assert not list(ws.rglob("*.tmp"))


def test_surrogate_escape_that_is_a_real_pair_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"date": "2024-03-08", "paragraphs": ["clef \\ud834\\udd1e here"]}')
    assert read_article(path).paragraphs == ("clef \U0001d11e here",)


def test_shallow_nesting_and_long_text_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("date: 2024-03-08\nparagraphs:\n  - " + "word " * 20_000 + "\n"
                    "photos:\n  - caption: Seen on March 7.\n    credit: Ann Lee/AP\n")
    article = read_article(path)
    assert len(article.paragraphs[0].split()) == 20_000
    assert article.photos[0].credit is not None


@pytest.mark.parametrize("kind", ["fifo", "dev zero", "dev null", "folder"])
def test_non_regular_files_are_refused_without_reading(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "pipe.txt"
        os.mkfifo(path)
        expected = r"is a FIFO \(named pipe\), not a regular file"
    elif kind == "folder":
        path = tmp_path / "dir.txt"
        path.mkdir()
        expected = "is a folder"
    else:
        path = Path("/dev/zero" if kind == "dev zero" else "/dev/null")
        expected = "is a character device, not a regular file"
    start = time.monotonic()
    with pytest.raises(ArticleError, match=expected) as info:
        read_article(path)
    assert time.monotonic() - start < 5
    assert info.value.path == path


def test_fifo_and_dev_zero_on_the_command_line(ws: Path, tmp_path: Path,
                                               cli: Cli) -> None:
    fifo = tmp_path / "a.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        start = time.monotonic()
        result = cli("check", path, DATA / "no_photos.txt", "-w", ws)
        assert time.monotonic() - start < 10
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: {path}: is a ")
        assert result.stderr.count("\n") == 1
        assert "2024-03-08 — 1 story" in result.stdout


def test_a_file_that_grows_past_the_limit_is_refused(tmp_path: Path) -> None:
    # /proc files report st_size 0 however much they hold: the read itself is bounded
    path = Path("/proc/self/maps")
    if not path.exists():
        pytest.skip("no /proc")
    from briefing.readfile import read_limited

    with pytest.raises(ArticleError, match="larger than the 10-byte limit"):
        read_limited(path, 10, ArticleError, "article")


@pytest.mark.parametrize("photos", [253, 300])
def test_check_refuses_what_build_would_refuse(ws: Path, cli: Cli,
                                              photos: int) -> None:
    """253 photos make 256 chapters (opening, story, photos, closing): more than an MP3's
    chapter table holds.  check must say so as build does, and write nothing."""
    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles" / "good.txt")
    many = {"date": "2024-04-01", "paragraphs": ["A parade."],
            "photos": [{"caption": f"Float {i} of the parade.", "credit": "Ann Lee/AP"}
                       for i in range(photos)]}
    (ws / "articles" / "many.json").write_text(json.dumps(many))
    before = sorted(ws.rglob("*"))
    result = cli("check", "-w", ws)
    assert sorted(ws.rglob("*")) == before
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    script = ws / "scripts" / "2024-04-01.md"
    assert len(lines) == 1 and lines[0].startswith(f"error: {script}: line ")
    assert "more than 255 chapters" in lines[0] and "many.json" in lines[0]
    result = cli("build", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    assert "more than 255 chapters" in result.stderr
    assert_built(ws, "2024-03-08")
    assert not (ws / "audio" / "2024-04-01").exists()


def test_check_accepts_252_photos(ws: Path, cli: Cli) -> None:
    (ws / "articles").mkdir()
    many = {"date": "2024-04-01", "paragraphs": ["A parade."],
            "photos": [{"caption": f"Float {i} of the parade.", "credit": "Ann Lee/AP"}
                       for i in range(252)]}
    (ws / "articles" / "many.json").write_text(json.dumps(many))
    result = cli("check", "-w", ws)
    assert result.exit_code == 0, result.stderr
