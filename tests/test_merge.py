"""The paragraph merge: blocks changed on one side are taken, the same block changed on both
is a conflict with both wordings between markers; a script with a marker is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.build.merge import join_blocks, merge_scripts, split_blocks
from briefing.errors import ScriptError
from briefing.text.script_read import parse_script

BASE = [f"Paragraph {n} as generated." for n in range(6)]


def _text(blocks: list[str]) -> str:
    return join_blocks(blocks)


@given(st.sets(st.integers(0, 5)), st.sets(st.integers(0, 5)))
def test_changes_to_different_paragraphs_always_merge(mine: set[int], wire: set[int]) -> None:
    wire -= mine
    ours = [f"Paragraph {n}, the producer's." if n in mine else b for n, b in enumerate(BASE)]
    theirs = [f"Paragraph {n}, updated." if n in wire else b for n, b in enumerate(BASE)]
    result = merge_scripts(_text(BASE), _text(ours), _text(theirs))
    assert result.conflicts == 0
    expected = [ours[n] if n in mine else theirs[n] for n in range(len(BASE))]
    assert split_blocks(result.text) == expected
    assert result.from_generated == len(wire)


def test_an_added_paragraph_next_to_an_updated_one_merges() -> None:
    ours = [*BASE, "The producer's sign-off."]
    theirs = [*BASE[:5], "Paragraph 5, updated."]
    result = merge_scripts(_text(BASE), _text(ours), _text(theirs))
    assert result.conflicts == 0
    assert split_blocks(result.text) == [*BASE[:5], "Paragraph 5, updated.",
                                         "The producer's sign-off."]


@pytest.mark.parametrize("n", [0, 3, 5])
def test_the_same_paragraph_changed_on_both_sides_is_a_conflict(n: int) -> None:
    ours, theirs = list(BASE), list(BASE)
    ours[n], theirs[n] = "The producer's wording.", "The wire's wording."
    theirs[(n + 2) % 6] = "Elsewhere, updated."
    result = merge_scripts(_text(BASE), _text(ours), _text(theirs))
    assert result.conflicts == 1
    lines = result.text.splitlines()
    start = lines.index("<<<<<<< yours")
    assert lines[start:start + 5] == ["<<<<<<< yours", "The producer's wording.", "=======",
                                      "The wire's wording.", ">>>>>>> generated"]
    assert "Elsewhere, updated." in lines  # the clean part is merged around the conflict


def test_blocks_keep_their_lines_and_line_endings_are_normalised() -> None:
    text = "---\r\ndate: 2024-05-15\r\n---\r\n\r\n\r\n## A\r\n\r\nOne.\r\nTwo.\r\n"
    assert split_blocks(text) == ["---\ndate: 2024-05-15\n---", "## A", "One.\nTwo."]


@pytest.mark.parametrize("marker", ["<<<<<<< yours", "=======", ">>>>>>> generated",
                                    "<<<<<<<", ">>>>>>>"])
def test_a_script_with_a_conflict_marker_is_refused_naming_the_line(marker: str) -> None:
    text = f"---\ndate: 2024-05-15\n---\n\n## A\n\nOne.\n\n{marker}\n\nTwo.\n"
    with pytest.raises(ScriptError) as caught:
        parse_script(text, Path("scripts/2024-05-15.md"))
    assert caught.value.message.startswith(f"line 9: merge conflict marker {marker[:7]!r}")
    assert caught.value.path == Path("scripts/2024-05-15.md")


@pytest.mark.parametrize("line", ["<<<<<< six", "======== eight", "a <<<<<<< b", "==="])
def test_lines_that_only_look_like_markers_are_spoken(line: str) -> None:
    script = parse_script(f"---\ndate: 2024-05-15\n---\n\n## A\n\n{line}\n",
                          Path("scripts/2024-05-15.md"))
    assert script.chapters[0].blocks
