"""The command line's options and arguments, shared by the commands (typer annotations)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

WorkspaceOpt = Annotated[Path, typer.Option(
    "--workspace", "-w", help="Workspace folder holding articles/, scripts/ and audio/.",
    file_okay=False)]
EngineOpt = Annotated[str | None, typer.Option(
    "--engine", help="Speech engine (see 'briefing engines'). Default: pyttsx3 (espeak-ng).")]
_ORDER = ("Order: this option, then the script's front matter, then briefing.toml, then the "
          "default; a note says when it overrides the script's value.")
_VOICE = "Voice id (see 'briefing voices'), e.g. gmw/en-us."
VoiceOpt = Annotated[str | None, typer.Option("--voice", help=_VOICE + " " + _ORDER)]
SayVoiceOpt = Annotated[str | None, typer.Option("--voice", help=_VOICE)]
_RATE = ("Speaking rate: words per minute (40-900) or slow (140), normal (175), fast (240), "
         "faster (300), fastest (380). Default 175.")
RateOpt = Annotated[str | None, typer.Option("--rate", help=_RATE + " " + _ORDER)]
SayRateOpt = Annotated[str | None, typer.Option("--rate", help=_RATE)]
"""``--rate`` (and ``--voice``, below) where no script is read (``briefing say``)."""
PhotoVoiceOpt = Annotated[str | None, typer.Option(
    "--photo-voice", help="Voice of photo descriptions (a second voice; see 'briefing "
                          "voices'). Default: photo_voice in briefing.toml, else --voice. "
                          + _ORDER)]
PhotoRateOpt = Annotated[str | None, typer.Option(
    "--photo-rate", help="Rate of photo descriptions, as --rate. Default: photo_rate in "
                         "briefing.toml, else the rate. " + _ORDER)]
SentencePauseOpt = Annotated[int | None, typer.Option(
    "--sentence-pause-ms", help="Silence between the sentences of a paragraph, in ms "
                                "(default 250). " + _ORDER, min=0, max=10_000)]
ParagraphPauseOpt = Annotated[int | None, typer.Option(
    "--paragraph-pause-ms", help="Silence between paragraphs, in ms (default 650). " + _ORDER,
    min=0, max=10_000)]
ChapterPauseOpt = Annotated[int | None, typer.Option(
    "--chapter-pause-ms", help="Silence at the end of each chapter, in ms (default 1200). "
                               + _ORDER, min=0, max=10_000)]
JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", "-j", help="Worker processes for synthesis (default: one per core).", min=1,
    max=256)]
ExecutorOpt = Annotated[str | None, typer.Option(
    "--executor", help="Run synthesis and encoding on a Dask cluster: the scheduler's address, "
                       "e.g. tcp://10.0.0.5:8786 (needs pip install 'briefing[dask]').")]
BaseUrlOpt = Annotated[str | None, typer.Option(
    "--base-url", help="Public URL of the audio/ folder, e.g. https://example.org/briefings/; "
                       "with it a podcast feed (audio/feed.xml) is written.")]
LoudnessOpt = Annotated[float | None, typer.Option(
    "--loudness", help="Integrated loudness of the MP3s (and M4B, books) in LUFS: -16 "
                       "(default, podcasts) or -23 (EBU R128), for this run only: the next "
                       "build or render without it re-encodes them at loudness_lufs of "
                       "briefing.toml, so set that to keep a level. The broadcast WAV has "
                       "its own, broadcast_loudness_lufs (default -23).", min=-60, max=-5)]
FormatOpt = Annotated[list[str] | None, typer.Option(
    "--format", help="Format of each date, repeatable: mp3 (always built), m4b (an AAC "
                     "audiobook with chapters and cover), daisy (a DAISY 2.02 talking book in "
                     "audio/<date>/daisy/), epub (an EPUB 3 with the text synchronised to the "
                     "audio) and wav (a 48 kHz broadcast WAV at broadcast_loudness_lufs with "
                     "chapter cue points, and its cue sheets). Default: formats in "
                     "briefing.toml, else mp3.",
    show_default=False, metavar="FORMAT")]
JsonOpt = Annotated[bool, typer.Option(
    "--json", help="Print one JSON document describing the result on stdout.")]
VerboseOpt = Annotated[int, typer.Option(
    "--verbose", "-v", count=True, help="Say more (-v: progress details, -vv: debug).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")]
PathsArg = Annotated[list[Path] | None, typer.Argument(
    help="Article files (.txt, .json, .yaml) or folders of them. Default: <workspace>/articles.",
    show_default=False)]
NoWaitOpt = Annotated[bool, typer.Option(
    "--no-wait", help="Fail at once if another build is using the workspace, instead of "
                      "waiting for it.")]
