"""Typos that would put a note on air are refused, by ``check`` and by the build, with the line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefing.errors import ScriptError
from briefing.text.markup import escape
from briefing.text.script_read import Paragraph, parse_script
from tests.conftest import Cli

FRONT = "---\ndate: 2024-05-14\nvoice: en\nrate: 175\nlang: en\n---\n\n# Briefing\n\n## Opening\n\n"
LINE = FRONT.count("\n") + 1
REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("text", "message"), [
    ("Hello [puase 2s] there.", r"unknown tag '\[puase 2s\]'"),
    ("Hello [clip ident.wav] there.", r"unknown tag '\[clip ident.wav\]'"),
    ("Now [ PAUSE-LONG ] please.", r"unknown tag"),
    ("A note <!- check this -> in the text.", r"'<!' does not open a comment"),
    ("Another <!note> here.", r"'<!' does not open a comment"),
])
def test_typos_are_refused_with_their_line(text: str, message: str) -> None:
    with pytest.raises(ScriptError, match=message) as caught:
        parse_script(FRONT + text + "\n", Path("s.md"))
    assert f"line {LINE}:" in str(caught.value)


@pytest.mark.parametrize("text", [
    "A pause [pause 1.5s] and [PAUSE 500ms].",
    "A link [the ministry](https://example.org) is read as its text.",
    "Brackets that are text: \\[sic\\] and \\[Applause\\].",
    "Phonemes [[k@m'pju:t@]] stay plain text.",
    "Arrows --> and 5 > 3 and <b> are text.",
    "A real note <!-- not spoken --> in the middle.",
])
def test_real_markup_and_text_still_read(text: str) -> None:
    script = parse_script(FRONT + text + "\n", Path("s.md"))
    assert script.chapters


@pytest.mark.parametrize("article_text", [
    "[puase 2s]", "[Applause] rang out", "<!- not a note ->", "[clip ident.wav]", "[[x]] and [y]",
])
def test_article_text_that_looks_like_a_typo_is_escaped_not_refused(article_text: str) -> None:
    script = parse_script(FRONT + escape(article_text) + "\n", Path("s.md"))
    [paragraph] = [b for b in script.chapters[0].blocks if isinstance(b, Paragraph)]
    spoken = " ".join(paragraph.sentences)
    assert re.sub(r"\s+", " ", spoken).strip() == article_text


def test_check_refuses_a_typo_and_a_broken_lexicon(tmp_path: Path, cli: Cli) -> None:
    ws = tmp_path / "ws"
    (ws / "scripts").mkdir(parents=True)
    (ws / "articles").mkdir()
    shutil.copy(REPO / "articles" / "2024-05-14-night-trains.txt", ws / "articles")
    script = ws / "scripts" / "2024-05-14.md"
    script.write_text(FRONT + "Hello [puase 2s] there.\n", encoding="utf-8")
    result = cli("check", "-w", ws)
    assert result.exit_code == 2
    assert f"line {LINE}: unknown tag '[puase 2s]'" in result.stderr
    script.write_text(FRONT + "Hello [pause 2s] there.\n", encoding="utf-8")
    assert cli("check", "-w", ws).exit_code == 0
    (ws / "pronunciations.toml").write_text('Xinhua = ""\n', encoding="utf-8")
    result = cli("check", "-w", ws)
    assert result.exit_code == 2
    assert "pronunciations.toml" in result.stderr and "Xinhua" in result.stderr


@pytest.mark.parametrize(("text", "message"), [
    ("Say [[k@m'pju:t@ now.", r"'\[\[' is never closed"),
    ("Say [[a]] and [[b now.", r"'\[\[' is never closed"),
    ("Say k@m'pju:t@]] now.", r"'\]\]' closes no '\[\['"),
    ("Say ]] [[ now.", r"never closed|closes no"),
])
def test_unbalanced_phoneme_brackets_are_refused_with_their_line(text: str, message: str) -> None:
    with pytest.raises(ScriptError, match=message) as caught:
        parse_script(FRONT + text + "\n", Path("s.md"))
    assert f"line {LINE}:" in str(caught.value)


def test_unbalanced_brackets_in_a_heading_are_refused() -> None:
    with pytest.raises(ScriptError, match=r"line \d+: '\[\[' is never closed"):
        parse_script(FRONT + "Hello.\n\n## Story [[x\n\nText.\n", Path("s.md"))


@pytest.mark.parametrize("article_text", ["x]] y", "a ]]] b", "[[open", "close]]", "]]"])
def test_article_brackets_are_escaped_so_they_read_back(article_text: str) -> None:
    script = parse_script(FRONT + escape(article_text) + "\n", Path("s.md"))
    assert " ".join(script.chapters[0].sentences) == article_text


@pytest.mark.parametrize(("entry", "message"), [
    ("Pashinyan = \"[[paSIn'jan\"", r"line 2: the pronunciation of 'Pashinyan' has '\[\['"),
    ("\"New York\" = \"nu jOrk]]\"", r"line 2: the pronunciation of 'New York' has '\]\]'"),
    ("Kyiv = \"[[kiiv]] [[x\"", r"line 2: .*'Kyiv' has '\[\['"),
])
def test_check_refuses_an_unclosed_phoneme_entry_in_the_lexicon(
        tmp_path: Path, cli: Cli, entry: str, message: str) -> None:
    ws = tmp_path / "ws"
    (ws / "scripts").mkdir(parents=True)
    (ws / "articles").mkdir()
    shutil.copy(REPO / "articles" / "2024-05-14-night-trains.txt", ws / "articles")
    (ws / "scripts" / "2024-05-14.md").write_text(FRONT + "Hello.\n", encoding="utf-8")
    (ws / "pronunciations.toml").write_text(f'Kornidzor = "Kor-nid-zor"\n{entry}\n',
                                            encoding="utf-8")
    result = cli("check", "-w", ws)
    assert result.exit_code == 2
    assert "pronunciations.toml" in result.stderr
    assert re.search(message, result.stderr), result.stderr
