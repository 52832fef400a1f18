"""Three-way merge of a producer's script with a regenerated one, paragraph by paragraph.

A script is a sequence of blank-line separated blocks (the front matter, a heading, a comment,
a paragraph, a pause); a producer edits whole paragraphs, and so does the generator when an
article or a template changes.  Merging line by line would treat a reworded paragraph as a
mass of unrelated line changes; merging blocks gives the answer a producer expects: changes
to different paragraphs both stand, changes to the same paragraph are a conflict.  The merge
itself is the maintained ``merge3`` library (the algorithm of ``bzr`` and ``git merge-file``),
run over blocks instead of lines; only the splitting into blocks and the markers are ours.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from merge3 import Merge3

from briefing.text.script_read import CONFLICT_END, CONFLICT_MID, CONFLICT_START

OURS_LABEL = "yours"
"""The producer's side of a conflict, after ``<<<<<<<``."""

THEIRS_LABEL = "generated"
"""The regenerated side of a conflict, after ``>>>>>>>``."""


@dataclass(frozen=True)
class MergeResult:
    """A merged script: its text, with conflict markers around each region both changed."""

    text: str
    conflicts: int
    """How many regions both sides changed differently (0: a clean merge)."""

    from_generated: int
    """How many blocks came from the generated side only (the articles' changes taken)."""


def split_blocks(text: str) -> list[str]:
    """The blank-line separated blocks of ``text`` (line endings normalised, each block's
    lines joined by ``\\n``, trailing spaces kept)."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def join_blocks(blocks: list[str]) -> str:
    """The text of ``blocks``: separated by one blank line, ending with a newline."""
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _conflict_block(ours: list[str], theirs: list[str]) -> str:
    """One region both sides changed: the producer's blocks, then the generated ones."""
    yours = ["\n\n".join(ours)] if ours else []
    generated = ["\n\n".join(theirs)] if theirs else []
    return "\n".join([f"{CONFLICT_START} {OURS_LABEL}", *yours, CONFLICT_MID, *generated,
                      f"{CONFLICT_END} {THEIRS_LABEL}"])


Edit = tuple[int, int, tuple[str, ...]]
"""A change of one side: base blocks ``[i, j)`` replaced by the given blocks."""


def _edits(base: Sequence[str], side: Sequence[str]) -> list[Edit]:
    matcher = difflib.SequenceMatcher(None, list(base), list(side), autojunk=False)
    return [(i1, i2, tuple(side[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _apart(first: Edit, second: Edit) -> bool:
    """Whether two edits (sorted) touch different base blocks (two insertions at the same
    place do not: their order is unknown)."""
    if first[1] > second[0]:
        return False
    return not (first[0] == first[1] == second[0] == second[1])


def split_conflict(base: Sequence[str], ours: Sequence[str],
                   theirs: Sequence[str]) -> list[str] | None:
    """The blocks of a region ``merge3`` calls a conflict when the two sides in fact changed
    different blocks of it (``None`` when they changed the same one).

    Like ``diff3`` with lines, ``merge3`` calls changes to *adjacent* units a conflict; for
    paragraphs that is too strict (a producer rewording one paragraph and the wire updating
    the next are separate changes), so the region is aligned again, side by side.
    """
    edits = sorted(set(_edits(base, ours)) | set(_edits(base, theirs)),
                   key=lambda e: (e[0], e[1]))
    if any(not _apart(a, b) for a, b in itertools.pairwise(edits)):
        return None
    out: list[str] = []
    pos = 0
    for i1, i2, blocks in edits:
        out.extend(base[pos:i1])
        out.extend(blocks)
        pos = i2
    out.extend(base[pos:])
    return out


def merge_scripts(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge the changes ``base`` → ``ours`` (the producer's) and ``base`` → ``theirs`` (the
    regenerated text), block by block."""
    merger = Merge3(split_blocks(base), split_blocks(ours), split_blocks(theirs))
    out: list[str] = []
    conflicts = taken = 0
    for group in merger.merge_groups():
        if group[0] == "conflict":
            _, z, a, b = group
            split = split_conflict(z, a, b)
            if split is not None:
                taken += sum(1 for block in split if block not in a)
                out.extend(split)
                continue
            out.append(_conflict_block(list(a), list(b)))
            conflicts += 1
            continue
        if group[0] == "b":
            taken += len(group[1])
        out.extend(group[1])
    return MergeResult(join_blocks(out), conflicts, taken)
