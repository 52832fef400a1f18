"""Proof-listening: what an independent recogniser hears in each built chapter.

Producers cannot listen to every briefing.  For each built date this transcribes every chapter
file (``audio/<date>/chapters/*.mp3``) with an offline recogniser (:mod:`briefing.proof.recognizer`)
and aligns the words heard with the chapter's sentences from the date's manifest, each read
for the ear as the engine was asked to say it (:func:`briefing.speech.spoken.spoken_text`: numbers,
initialisms and quotations spoken).  The pronunciation lexicon is left out of that reference on
purpose: it changes how a word is said, not which word a listener should hear, so a name that
a respelling fixed counts as heard right.

The report lists the sentences heard differently, the words misheard (likely mispronunciations)
with a line to paste into ``pronunciations.toml``, and the word error rate per chapter and per
date (:mod:`briefing.proof.wer`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from briefing.build.workspace import Workspace
from briefing.errors import InputError
from briefing.proof.recognizer import Recognizer
from briefing.proof.wer import align, ear_words, error_rate, syllables
from briefing.speech.lexicon import load_lexicon
from briefing.speech.spoken import spoken_text

log = logging.getLogger(__name__)

ProofProgress = Callable[[str, int, int], None]
"""Called with (label, chapters done, chapters in all) as the proof goes on."""

_FUNCTION_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "he", "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "our", "she",
    "than", "that", "the", "their", "them", "they", "this", "to", "was", "we", "were", "which",
    "who", "will", "with", "you"))
"""Words never worth a lexicon entry: a function word misheard is a matter of phrasing."""


@dataclass(frozen=True)
class Misheard:
    """A run of script words heard differently (or not at all), or words heard in addition."""

    expected: str
    """The words the engine was asked to say (folded for comparison; empty: an insertion)."""

    heard: str
    """What the recogniser heard there (empty: nothing)."""

    names: tuple[str, ...]
    """The run's names, initialisms and foreign words as the script writes them (what a
    lexicon entry is for; common words misheard are a matter of phrasing)."""

    lexicon_lines: tuple[str, ...]
    """A line for ``pronunciations.toml`` per name not in it yet; the respelling, a rough
    syllable split, is a start."""

    in_lexicon: tuple[str, ...] = ()
    """The names that already have an entry in ``pronunciations.toml`` (it needs work)."""


@dataclass(frozen=True)
class SentenceProof:
    """One sentence of the script and what was heard for it."""

    text: str
    """The sentence as the script writes it."""

    spoken: str
    """What the engine was asked to say, without the lexicon (the reference)."""

    heard: str
    """The recognised words aligned with this sentence."""

    words: int
    errors: int
    misheard: tuple[Misheard, ...]


@dataclass(frozen=True)
class ChapterProof:
    """One chapter file: its sentences, the full transcript and its word error rate."""

    index: int
    title: str
    file: str
    transcript: str
    words: int
    errors: int
    sentences: tuple[SentenceProof, ...]

    @property
    def wer(self) -> float:
        return error_rate(self.errors, self.words)


@dataclass(frozen=True)
class DateProof:
    """One date's chapters."""

    date: str
    chapters: tuple[ChapterProof, ...]

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)

    @property
    def errors(self) -> int:
        return sum(c.errors for c in self.chapters)

    @property
    def wer(self) -> float:
        return error_rate(self.errors, self.words)

    @property
    def lexicon_lines(self) -> tuple[str, ...]:
        """Every suggested lexicon line of the date, once each, in order of appearance."""
        seen: dict[str, None] = {}
        for c in self.chapters:
            for s in c.sentences:
                for m in s.misheard:
                    for line in m.lexicon_lines:
                        seen.setdefault(line)
        return tuple(seen)


def _toml_key(word: str) -> str:
    return word if re.fullmatch(r"[A-Za-z0-9_-]+", word) else json.dumps(word, ensure_ascii=False)


def lexicon_line(word: str) -> str:
    """``Word = "Re-spel-ling"``: a line for pronunciations.toml to start from."""
    return f"{_toml_key(word)} = {json.dumps(_respell(word), ensure_ascii=False)}"


def _name_like(token: str, first: bool) -> bool:
    """A name, an initialism or a foreign word: what a lexicon entry is for."""
    letters = [c for c in token if c.isalpha()]
    if any(not c.isascii() for c in letters) or sum(c.isupper() for c in letters) > 1:
        return True
    return bool(letters) and letters[0].isupper() and not first


def _written_word(expected: str, text: str, lang: str) -> str | None:
    """The script word (as written) whose ear form is the word ``expected``, if it is a
    name-like word."""
    if expected in _FUNCTION_WORDS or expected.isdigit():
        return None
    for n, match in enumerate(re.finditer(r"\w[\w'’-]*", text)):
        token = match.group(0)
        for part in (token, *token.split("-")):
            word = re.sub(r"['’]s$|['’]$", "", part)
            if ear_words(word, lang) == [expected] and _name_like(word, n == 0 and word == token):
                return word
    return None  # from normalisation (a number, a date), or a common word


def _respell(word: str) -> str:
    """A first respelling: initialisms letter by letter, other words in folded syllables."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word)
                    if not unicodedata.combining(c))
    if plain.isupper() and (len(plain) <= 3 or not re.search("[AEIOUY]", plain)):
        return " ".join(plain)  # an initialism said letter by letter
    return syllables(plain)


def _runs(ops: list[tuple[str, str | None, str | None]]) -> list[tuple[list[str], list[str]]]:
    """Consecutive non-matching steps grouped as (expected words, heard words)."""
    runs: list[tuple[list[str], list[str]]] = []
    current: tuple[list[str], list[str]] | None = None
    for op, ref, hyp in ops:
        if op == "ok":
            current = None
            continue
        if current is None:
            current = ([], [])
            runs.append(current)
        if ref is not None:
            current[0].append(ref)
        if hyp is not None:
            current[1].append(hyp)
    return runs


def proof_chapter(index: int, title: str, file: str, sentences: Sequence[str], heard: str,
                  lang: str, known: frozenset[str] = frozenset()) -> ChapterProof:
    """Align ``heard`` (the recogniser's transcript of the chapter) with its ``sentences``.

    ``known`` are the words the workspace's lexicon already has (no new line is suggested).
    """
    spoken = [spoken_text(s, lang) for s in sentences]
    ref: list[str] = []
    owner: list[int] = []  # sentence of each reference word
    for n, text in enumerate(spoken):
        words = ear_words(text, lang)
        ref.extend(words)
        owner.extend([n] * len(words))
    hyp = ear_words(heard, lang)
    alignment = align(ref, hyp)
    per_sentence: list[list[tuple[str, str | None, str | None]]] = [[] for _ in sentences]
    last = 0
    for step in alignment.steps:
        if step.ref is not None:
            last = owner[step.ref]
        if per_sentence:
            per_sentence[last].append((step.op, None if step.ref is None else ref[step.ref],
                                       None if step.hyp is None else hyp[step.hyp]))
    proofs = []
    for text, said, ops in zip(sentences, spoken, per_sentence, strict=True):
        misheard = []
        for expected, got in _runs(ops):
            names = tuple(dict.fromkeys(
                w for w in (_written_word(e, text, lang) for e in expected) if w))
            misheard.append(Misheard(
                " ".join(expected), " ".join(got), names,
                tuple(lexicon_line(w) for w in names if w not in known and _respell(w) != w),
                tuple(w for w in names if w in known)))
        proofs.append(SentenceProof(
            text, said, " ".join(h for _, _, h in ops if h is not None),
            sum(1 for _, r, _ in ops if r is not None), sum(1 for op, _, _ in ops if op != "ok"),
            tuple(misheard)))
    errors = alignment.errors if not sentences else sum(p.errors for p in proofs)
    return ChapterProof(index, title, file, heard, len(ref), errors, tuple(proofs))


def built_dates(ws: Workspace) -> list[dt.date]:
    """Every date with built audio (a manifest) in the workspace, oldest first."""
    found = []
    for manifest in sorted(ws.audio.glob("*/briefing-*.json")):
        try:
            day = dt.date.fromisoformat(manifest.parent.name)
        except ValueError:
            continue
        if manifest.name == f"briefing-{day.isoformat()}.json":
            found.append(day)
    return found


def _manifest(ws: Workspace, day: dt.date) -> dict[str, Any]:
    path = ws.audio_dir(day) / f"briefing-{day.isoformat()}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no built audio for {day.isoformat()}; run 'briefing build' "
                         "first", path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot be read: {exc}", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        raise InputError("is not a briefing manifest", path)
    return data


def proof_date(ws: Workspace, day: dt.date, recognizer: Recognizer,
               progress: ProofProgress | None = None) -> DateProof:
    """Transcribe and check every chapter of ``day``'s built audio."""
    data = _manifest(ws, day)
    folder = ws.audio_dir(day)
    lang = str(data.get("lang") or "en")
    known = frozenset(k for k, _ in load_lexicon(ws.lexicon).entries)
    label = day.isoformat()
    chapters = []
    total = len(data["chapters"])
    for index, chapter in enumerate(data["chapters"]):
        audio = folder / chapter["file"]
        if not audio.is_file():
            raise InputError(f"chapter file {chapter['file']} is missing; run 'briefing build'",
                             folder)
        sentences = [c["text"] for c in data.get("cues", [])
                     if c.get("chapter") == index and not c.get("sound")]  # inserts: not speech
        heard = recognizer.transcribe(audio, lang)
        log.info("%s chapter %d heard: %s", label, index + 1, heard)
        chapters.append(proof_chapter(index, str(chapter["title"]), str(chapter["file"]),
                                      sentences, heard, lang, known))
        if progress is not None:
            progress(label, index + 1, total)
    return DateProof(label, tuple(chapters))


def proof(ws: Workspace, dates: Sequence[dt.date] | None, recognizer: Recognizer,
          progress: ProofProgress | None = None) -> list[DateProof]:
    """:func:`proof_date` for each of ``dates`` (default: every built date)."""
    days = list(dates) if dates else built_dates(ws)
    if not days:
        raise InputError(f"no built audio in {ws.audio}; run 'briefing build' first")
    for day in days:  # fail before the slow part when one date was never built
        _manifest(ws, day)
    return [proof_date(ws, day, recognizer, progress) for day in days]


def proof_json(results: Sequence[DateProof], recognizer: str) -> dict[str, Any]:
    """One JSON document for ``briefing proof --json``.

    Every chapter is listed with its transcript and figures; under ``sentences`` only the
    sentences heard differently from the script.
    """
    words = sum(d.words for d in results)
    errors = sum(d.errors for d in results)
    return {
        "recognizer": recognizer,
        "words": words,
        "errors": errors,
        "wer": error_rate(errors, words),
        "dates": [
            {"date": d.date, "words": d.words, "errors": d.errors, "wer": d.wer,
             "lexicon": list(d.lexicon_lines),
             "chapters": [
                 {"index": c.index, "title": c.title, "file": c.file, "words": c.words,
                  "errors": c.errors, "wer": c.wer, "transcript": c.transcript,
                  "sentences": [asdict(s) for s in c.sentences if s.errors]}
                 for c in d.chapters]}
            for d in results],
    }
