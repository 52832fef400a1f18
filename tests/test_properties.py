"""Property-based tests: arbitrary text never crashes the parsers or escapes the workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.article import parse_text_article
from briefing.errors import ArticleError, ScriptError
from briefing.script import md_escape, render_script
from briefing.segments import parse_script

LINES = st.sampled_from([
    " date 2023-09-27 A story begins here.", "date 2023-02-30 x", "date ../../etc/passwd x",
    "Alain Jocard/AFP/Getty Images", "Maxar Technologies", "## Heading?", "---", "",
    "A caption on Wednesday, September 27.", "<!-- note", "-->", "[pause 2s]", "[pause x]",
    "{{ 7 * 7 }}", "{% for x in y %}", "<script>alert(1)</script>", "\\", "# title",
    "Courtesy of the family", "   ", "\ufeff", "\r", "Ünïcödé ß 日本語",
])
TEXT = st.one_of(st.text(max_size=400), st.lists(LINES, max_size=30).map("\n".join))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(TEXT)
def test_article_parser_never_crashes(text: str) -> None:
    try:
        article = parse_text_article(text, Path("a.txt"))
    except ArticleError:
        return
    assert isinstance(article.date, dt.date)
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


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=200).filter(lambda t: t.split()))
def test_escaped_article_text_reads_back_as_itself(text: str) -> None:
    doc = f"---\ndate: 2024-01-01\n---\n## Chapter\n\n{md_escape(text)}\n"
    [chapter] = parse_script(doc, Path("x.md")).chapters
    spoken = " ".join(chapter.sentences)

    def words(value: str) -> str:  # emphasis markers aside, whitespace folded
        return " ".join(value.replace("*", " ").replace("_", " ").replace("`", " ").split())

    # the words survive, and nothing became structure
    assert words(spoken) == words(text)


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


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(LINES, min_size=1, max_size=12).map("\n".join))
def test_nothing_is_written_outside_the_workspace(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from briefing.cli import app

    root = tmp_path_factory.mktemp("prop")
    ws = root / "ws"
    (ws / "articles").mkdir(parents=True)
    (ws / "articles" / "a.txt").write_text(text, encoding="utf-8")
    CliRunner().invoke(app, ["script", "-w", str(ws)])
    outside = [p for p in root.rglob("*") if not p.is_relative_to(ws)]
    assert outside == []
    for path in ws.rglob("*"):
        assert path.resolve().is_relative_to(ws.resolve())
