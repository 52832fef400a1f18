"""``briefing proof``: what an offline recogniser hears in the built chapters (printing only)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.common import (
    app,
    errors,
    progress_bar,
    setup_logging,
)
from briefing.cli.options import (
    JsonOpt,
    VerboseOpt,
    WorkspaceOpt,
)
from briefing.errors import InputError

if TYPE_CHECKING:
    from briefing.proof.listen import DateProof
    from briefing.proof.recognizer import Recognizer

DatesArg = Annotated[list[str] | None, typer.Argument(
    help="Dates (YYYY-MM-DD) to proof. Default: every date with built audio.",
    show_default=False)]


def check_installed() -> None:
    """:func:`briefing.proof.recognizer.check_installed` (tests replace this)."""
    from briefing.proof.recognizer import check_installed as check

    check()


def make_recognizer() -> Recognizer:
    """The recogniser ``briefing proof`` uses (tests replace this)."""
    from briefing.proof.recognizer import WhisperRecognizer

    return WhisperRecognizer()


def _parse(values: list[str] | None) -> list[dt.date]:
    days = []
    for value in values or []:
        try:
            days.append(dt.date.fromisoformat(value))
        except ValueError:
            raise InputError(f"{value!r} is not a YYYY-MM-DD date") from None
    return days


def _print(results: list[DateProof]) -> None:
    for d in results:
        print(f"{d.date}: word error rate {d.wer:.1%} ({d.errors} of {d.words} words)")
        for c in d.chapters:
            print(f"  {c.index + 1:02d} {c.title}: {c.wer:.1%} ({c.errors} of {c.words})")
            for s in c.sentences:
                if not s.errors:
                    continue
                print(f"     script: {s.text}")
                print(f"     heard:  {s.heard}")
                for m in s.misheard:
                    said = m.expected or "(nothing)"
                    notes = [*m.lexicon_lines, *(f"{w} is in pronunciations.toml: adjust it"
                                                 for w in m.in_lexicon)]
                    note = f"  → {'; '.join(notes)}" if notes else ""
                    print(f"       {said!r} heard as {m.heard or '(nothing)'!r}{note}")
        if d.lexicon_lines:
            print("  lines for pronunciations.toml (respellings are a starting point: try "
                  "them with 'briefing say'):")
            for line in d.lexicon_lines:
                print(f"    {line}")


@app.command("proof")
def proof_cmd(
    dates: DatesArg = None,
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Listen to the built audio with an offline recogniser and list what it heard differently.

    Each chapter of audio/<date>/ is transcribed (Whisper base, needs pip install
    'briefing[proof]') and compared with the script: the sentences and words heard
    differently (likely mispronunciations), a line to paste into pronunciations.toml for
    each misheard name, and the word error rate per chapter and per date.
    """
    setup_logging(verbose, False)
    with errors():
        from briefing.build.workspace import Workspace
        from briefing.proof.listen import proof, proof_json

        ws = Workspace(workspace)
        days = _parse(dates)
        check_installed()
        recognizer = make_recognizer()
        with progress_bar(True, "listening to") as progress:
            results = proof(ws, days, recognizer, progress)
        if as_json:
            doc = proof_json(results, recognizer.name)
            sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            return
        _print(results)
