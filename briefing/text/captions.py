"""Split the blocks of a plain-text article into summary paragraphs and captioned photos.

The format's structure decides, not each line alone: summary paragraphs are separated by blank
lines, and the final block(s) hold captions and credits on consecutive lines, each caption
followed by its credit.  A block is read as a whole: every way of labelling its lines caption or
credit that keeps the alternation is scored with how much each line looks like a credit
(:func:`briefing.text.credit_lines.credit_likelihood`) or a caption (a sentence), and the best
labelling is kept.  A credit is never made a photo of its own; a caption may lack its credit.
Where the evidence is thin, a warning names the line.  Hand-written because the format is this
project's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from briefing.text.credit_lines import Likelihood, credit_likelihood


@dataclass(frozen=True)
class Line:
    """One non-blank line of an article, with its 1-based line number in the file."""

    number: int
    text: str


@dataclass(frozen=True)
class Block:
    """Consecutive non-blank lines (a paragraph, or captions and credits)."""

    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class CaptionedLines:
    """A caption and its credit line as found in the file."""

    caption: Line
    credit: Line | None


@dataclass(frozen=True)
class Layout:
    """What the blocks after the first one hold."""

    paragraphs: tuple[str, ...]
    photos: tuple[CaptionedLines, ...]
    warnings: tuple[str, ...]


def excerpt(text: str, limit: int = 60) -> str:
    """``text`` quoted for a warning: whole when short, else cut after the last whole word that
    fits in ``limit`` characters, with an ellipsis (a cut word reads as a typo)."""
    if len(text) <= limit:
        return repr(text)
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return repr(cut.rstrip(" ,;:") + "…")


def split_blocks(text: str) -> list[Block]:
    """The blank-line separated blocks of ``text`` (already ``\\n`` line ends), numbered."""
    blocks: list[Block] = []
    current: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            current.append(Line(number, raw.strip()))
        elif current:
            blocks.append(Block(tuple(current)))
            current = []
    if current:
        blocks.append(Block(tuple(current)))
    return blocks


# --------------------------------------------------------------------------- labelling

class Label(Enum):
    """What a line of a captions block is."""

    CAPTION = "caption"
    CREDIT = "credit"
    STRAY = "stray credit"
    """A credit with no caption before it: dropped, never made a photo."""


_IMPOSSIBLE = -1_000.0
_MISSING_CREDIT = -1.0
_CREDIT_SCORE = {Likelihood.FORM: 3.0, Likelihood.ORGANISATION: 2.0, Likelihood.NAME: 1.0,
                 Likelihood.UNLIKELY: -2.0, Likelihood.SENTENCE: -6.0}


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"”’)")[-1:] in (".", "!", "?")


def _credit_score(line: str, likelihood: Likelihood, before: str) -> float:
    """A credit's score; an unknown short phrase after a sentence is a credit by its shape."""
    if (likelihood is Likelihood.UNLIKELY and _ends_sentence(before) and not _ends_sentence(line)
            and len(line.split()) <= 8):
        return -0.5
    return _CREDIT_SCORE[likelihood]


def _caption_score(line: str, likelihood: Likelihood) -> float:
    if likelihood is Likelihood.FORM:
        return _IMPOSSIBLE
    words = len(line.split())
    score = 1.0 if words >= 4 else 0.0
    if _ends_sentence(line) and words >= 4:
        score += 1.0
    return score - {Likelihood.NAME: 1.0, Likelihood.ORGANISATION: 2.0}.get(likelihood, 0.0)


def label_lines(texts: Sequence[str]) -> tuple[list[Label], float]:
    """The best labelling of a block's lines as captions and credits, and its score.

    A credit may only follow a caption; a known credit form is never a caption (with no caption
    before it, it is a stray credit); a caption without a credit after it costs a little.
    """
    likes = [credit_likelihood(t) for t in texts]
    previous = ["", *texts[:-1]]
    # best[state] = (score, labels) with state = label of the previous line (None at start)
    best: dict[Label | None, tuple[float, list[Label]]] = {None: (0.0, [])}
    for text, like, before in zip(texts, likes, previous, strict=True):
        step: dict[Label | None, tuple[float, list[Label]]] = {}
        for prev, (score, labels) in best.items():
            missing = _MISSING_CREDIT if prev is Label.CAPTION else 0.0
            options = [(Label.CAPTION, missing + _caption_score(text, like))]
            if prev is Label.CAPTION:
                options.append((Label.CREDIT, _credit_score(text, like, before)))
            elif like is Likelihood.FORM:
                options.append((Label.STRAY, -3.0))
            for label, gain in options:
                total = score + gain
                if label not in step or total > step[label][0]:
                    step[label] = (total, [*labels, label])
        best = step
    finals = [(score + (_MISSING_CREDIT if prev is Label.CAPTION else 0.0), labels)
              for prev, (score, labels) in best.items()]
    score, labels = max(finals, key=lambda item: item[0])
    return labels, score


# --------------------------------------------------------------------------- blocks

def _is_captions(block: Block, labels: list[Label], is_last: bool) -> tuple[bool, str | None]:
    """Whether a block (not after a captions block) holds captions; a doubt, if any."""
    credits = [ln for ln, lab in zip(block.lines, labels, strict=True) if lab is Label.CREDIT]
    likes = [credit_likelihood(ln.text) for ln in credits]
    if any(like >= Likelihood.ORGANISATION for like in likes):
        return True, None
    # credits placed by their shape alone do not make a block of captions
    credits = [ln for ln, like in zip(credits, likes, strict=True) if like is Likelihood.NAME]
    if len(credits) >= 2:
        return True, None
    if credits:
        first = credits[0]
        before = block.lines[block.lines.index(first) - 1]
        wrapped = not _ends_sentence(before.text) or any(
            ln.text[:1].islower() for ln, lab in zip(block.lines, labels, strict=True)
            if lab is Label.CAPTION)
        if wrapped:  # a hard-wrapped paragraph with a line of names in it
            return False, None
        if is_last:
            return True, (f"line {first.number}: {first.text!r} read as a photo credit (it is "
                          "only a name; unsure)")
        return False, (f"line {first.number}: {first.text!r} could be a photo credit, but a "
                       "paragraph follows its block, so the block is read as a paragraph")
    if is_last and len(block.lines) >= 2 and all(_ends_sentence(ln.text) for ln in block.lines):
        return False, (f"line {block.lines[0].number}: the last block has "
                       f"{len(block.lines)} lines and no credit line; read as a paragraph "
                       "(if these are captions, give each its credit line)")
    return False, None


def analyse_blocks(blocks: Sequence[Block]) -> Layout:
    """Paragraphs and captioned photos of the blocks that follow an article's first paragraph."""
    paragraphs: list[str] = []
    photos: list[CaptionedLines] = []
    warnings: list[str] = []
    in_photos = False
    for index, block in enumerate(blocks):
        texts = [ln.text for ln in block.lines]
        labels, _score = label_lines(texts)
        if not in_photos:
            captions, doubt = _is_captions(block, labels, index == len(blocks) - 1)
            if doubt:
                warnings.append(doubt)
            if not captions:
                paragraphs.append(" ".join(" ".join(texts).split()))
                continue
            in_photos = True
        photos.extend(_photos_of(block, labels, len(photos), warnings))
    return Layout(tuple(paragraphs), tuple(photos), tuple(warnings))


def _photos_of(block: Block, labels: list[Label], before: int,
               warnings: list[str]) -> list[CaptionedLines]:
    found: list[CaptionedLines] = []
    caption: Line | None = None

    def close() -> None:
        nonlocal caption
        if caption is not None:
            warnings.append(f"line {caption.number}: photo {before + len(found) + 1} has no "
                            f"credit line: {excerpt(caption.text)}")
            found.append(CaptionedLines(caption, None))
            caption = None

    for line, label in zip(block.lines, labels, strict=True):
        like = credit_likelihood(line.text)
        if label is Label.CREDIT and caption is not None:
            if like <= Likelihood.UNLIKELY:
                warnings.append(f"line {line.number}: {line.text!r} read as the credit of "
                                f"photo {before + len(found) + 1} (it does not look like one; "
                                "unsure)")
            found.append(CaptionedLines(caption, line))
            caption = None
        elif label is Label.STRAY:
            close()
            warnings.append(f"line {line.number}: credit line with no caption before it, "
                            f"left out: {line.text!r}")
        else:
            close()
            if like in (Likelihood.NAME, Likelihood.ORGANISATION):
                warnings.append(f"line {line.number}: {line.text!r} read as a caption (it "
                                "looks like a name; unsure)")
            caption = line
    close()
    return found
