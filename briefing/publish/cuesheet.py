"""The broadcast master's cue sheet: each chapter's in, out and duration, as CSV and as text.

A playout operator or a scheduling system reads the chapters of a programme from a cue sheet:
the CSV (RFC 4180, one row per chapter) for software, the plain text for a person.  Times are
given both as ``HH:MM:SS.mmm`` and as samples of the 48 kHz WAV, so they match its cue points
exactly (a time in milliseconds alone is rounded).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from briefing.chapters import PublishedChapter
from briefing.text.markup import plain

COLUMNS = ("index", "title", "kind", "level", "in", "out", "duration", "in_samples",
           "out_samples", "duration_samples")


def clock(samples: int, rate: int) -> str:
    """``samples`` at ``rate`` as ``HH:MM:SS.mmm`` (to the nearest millisecond)."""
    ms = (samples * 1000 + rate // 2) // rate
    seconds, ms = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"


def _rows(chapters: Sequence[PublishedChapter], bounds: Sequence[tuple[int, int]],
          rate: int) -> list[tuple[str, ...]]:
    return [(str(i + 1), plain(c.title), str(c.kind), str(c.level), clock(start, rate),
             clock(end, rate), clock(end - start, rate), str(start), str(end), str(end - start))
            for i, (c, (start, end)) in enumerate(zip(chapters, bounds, strict=True))]


def cue_csv(chapters: Sequence[PublishedChapter], bounds: Sequence[tuple[int, int]],
            rate: int) -> str:
    """The CSV cue sheet: a header row, then one row per chapter."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_rows(chapters, bounds, rate))
    return out.getvalue()


def cue_text(title: str, wav: str, chapters: Sequence[PublishedChapter],
             bounds: Sequence[tuple[int, int]], rate: int, loudness_lufs: float | None) -> str:
    """The plain-text cue sheet, for a person: a heading and one aligned line per chapter
    (a photo under its story is indented)."""
    total = bounds[-1][1] if bounds else 0
    level = "silent" if loudness_lufs is None else f"{loudness_lufs:.1f} LUFS"
    lines = [plain(title), f"{wav}: {rate} Hz, 16-bit mono PCM, {level}, "
                           f"{clock(total, rate)} ({total} samples)", "",
             f"{'#':>3}  {'In':<12}  {'Out':<12}  {'Duration':<12}  Title"]
    for row, chapter in zip(_rows(chapters, bounds, rate), chapters, strict=True):
        indent = "  " * (chapter.level - 1)
        lines.append(f"{row[0]:>3}  {row[4]}  {row[5]}  {row[6]}  {indent}{row[1]} "
                     f"({row[2]})")
    return "\n".join(lines) + "\n"
