"""Property-based tests: arbitrary text never crashes the parsers or escapes the workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import ArticleError, ScriptError
from briefing.speech.lexicon import Lexicon
from briefing.speech.spoken import spoken_text
from briefing.text.article import parse_text_article
from briefing.text.markup import escape_comment, plain
from briefing.text.script_read import Chapter, Paragraph, Pause, parse_script
from briefing.text.script_render import md_escape, render_script

LINES = st.sampled_from([
    " date 2023-09-27 A story begins here.", "date 2023-02-30 x", "date ../../etc/passwd x",
    "Alain Jocard/AFP/Getty Images", "Maxar Technologies", "## Heading?", "---", "",
    "A caption on Wednesday, September 27.", "<!-- note", "-->", "[pause 2s]", "[pause x]",
    "{{ 7 * 7 }}", "{% for x in y %}", "<script>alert(1)</script>", "\\", "# title",
    "Courtesy of the family", "   ", "\ufeff", "\r", "Ünïcödé ß 日本語",
    "[PAUSE 45s] on January 2.", "[Pause soon]", "[[h@'l@U]]", "1. item *x* _y_", "- a", "\x07",
    "![img](x) [a](b)", "## Injected chapter", "<!-- -->", "\\[pause 1s]",
])
TEXT = st.one_of(st.text(max_size=400), st.lists(LINES, max_size=30).map("\n".join))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(TEXT)
def test_article_parser_never_crashes(text: str) -> None:
    try:
        article = parse_text_article(text, Path("a.txt"))
    except ArticleError:
        return
    assert article.date.isoformat() in text  # the date is the one the text gives
    assert article.paragraphs
    for photo in article.photos:
        assert photo.caption.strip()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(TEXT)
def test_script_reader_never_crashes(text: str) -> None:
    for doc in (text, f"---\ndate: 2024-01-01\n---\n## A\n\n{text}\n"):
        try:
            script = parse_script(doc, Path("x.md"))
        except ScriptError:
            continue
        for chapter in script.chapters:
            assert chapter.title and chapter.sentences


MARKUP = st.sampled_from([
    "#", "##", "###", "## ", "# ", "-", "- ", "* ", "+ ", "1. ", "12) ", "٣. ", "---", "\\", "\\\\",
    "[", "]", "[[", "]]", "[pause 2s]", "[PAUSE 45s]", "[Pause soon]", "[ pause\t1s ]",
    "[pause  9ms]", "<!--", "-->", "<", "!", "*", "**", "_", "__", "`", "``", "(", ")", "[a](b)",
    "![img](x)", "\\[pause 1s]", "\\#", "<\\!--", "\n", "\n\n", "\r", "\x00", "\x1b",
    "\u2028", "\x85", "\ue000", "\ue05b", " ", "word", "snake_case", "2*3", "é", "日本",
])
HOSTILE = st.one_of(
    st.text(max_size=120),
    st.lists(st.one_of(MARKUP, st.text(max_size=6)), max_size=24).map("".join),
)


def _read_back(line: str) -> list[Chapter]:
    return list(parse_script(f"---\ndate: 2024-01-01\n---\n{line}\n", Path("x.md")).chapters)


@settings(max_examples=500, deadline=None)
@given(HOSTILE, st.sampled_from(["", "Story 1: ", "## "]), st.sampled_from(["", ".", " end"]))
def test_escaped_text_reads_back_as_itself_and_makes_no_markup(
        text: str, before: str, after: str) -> None:
    """Anything escaped reads back as exactly that text (whitespace folded, control characters
    dropped), wherever it stands on a line: no chapter, pause, comment, link or emphasis."""
    expected = plain(before.removeprefix("## ") + plain(text) + after)
    if not expected:
        return
    escaped = md_escape(text)
    assert "\n" not in escaped and "<!--" not in escaped
    if before == "## ":
        chapters = _read_back(f"## {escaped}{after}\n\nSpoken.")
        assert [c.title for c in chapters] == [expected]
        assert chapters[0].blocks == (Paragraph(("Spoken.",)),)
        return
    chapters = _read_back(f"## Chapter\n\n{before}{escaped}{after}")
    assert [c.title for c in chapters] == ["Chapter"]
    [block] = chapters[0].blocks  # one paragraph: no pause, list item or heading split it
    assert isinstance(block, Paragraph)
    assert " ".join(block.sentences) == expected


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_only_the_lexicon_sends_phonemes(text: str) -> None:
    """Whatever the text, the engine gets no ``[[`` from it; the lexicon's phonemes stay."""
    assert "[[" not in spoken_text(text)
    lexicon = Lexicon.from_entries({"Pashinyan": "[[paSIn'jan]]"})
    spoken = spoken_text(f"{text} Pashinyan", "en", lexicon)
    assert spoken.count("[[") == 1 and spoken.count("[[paSIn'jan]]") == 1


def test_file_names_stay_inside_their_comment() -> None:
    for name in ("x-->y.txt", "a--", "a-", "\x00-->",
                 "--> \n\n## Injected chapter\n\nSpoken! <!--"):
        text = f"<!-- from {escape_comment(name)}. -->\n## Only\n\nText.\n"
        assert [c.title for c in _read_back(text)] == ["Only"]


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(LINES, min_size=1, max_size=20).map("\n".join))
def test_generated_scripts_always_parse(text: str) -> None:
    try:
        article = parse_text_article(" date 2023-09-27 Start.\n\n" + text, Path("a.txt"))
    except ArticleError:
        return
    script = parse_script(render_script(article.date, [article], voice="default", rate=175),
                          Path("2023-09-27.md"))
    titles = [c.title for c in script.chapters]
    assert titles[0] == "Opening" and titles[-1] == "Closing"
    assert len(titles) == 3 + len(article.photos)
    # article text made no pause, and every paragraph is spoken as written
    assert not any(isinstance(b, Pause) for c in script.chapters for b in c.blocks)
    spoken = " ".join(s for c in script.chapters for s in c.sentences)
    assert all(plain(p) in spoken for p in article.paragraphs)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(LINES, min_size=1, max_size=12).map("\n".join))
def test_nothing_is_written_outside_the_workspace(
        tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    from typer.testing import CliRunner

    from briefing.cli import app

    root = tmp_path_factory.mktemp("prop")
    ws = root / "ws"
    (ws / "articles").mkdir(parents=True)
    (ws / "articles" / "a.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["script", "-w", str(ws)])
    # a script, or one clear refusal of the article: never a crash
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 2), result.output
    written = sorted((ws / "scripts").glob("*.md")) if result.exit_code == 0 else []
    assert (result.exit_code == 0) == bool(written), result.output
    outside = [p for p in root.rglob("*") if not p.is_relative_to(ws)]
    assert outside == []
    for path in ws.rglob("*"):
        assert path.resolve().is_relative_to(ws.resolve())
