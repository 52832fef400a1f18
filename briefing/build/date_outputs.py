"""A date's files written from its cached chapters, and what the writing needs imported first.

Split from :mod:`briefing.build.execute`: this is the part that runs in the build's writer
thread (:mod:`briefing.build.pipeline`), beside the storing of the workers' results, and
touches only the date's folder and its entry in the state.  The tags, transcripts, manifest
and pages modules are imported when the pipeline starts (:func:`prepare_outputs`, in that
thread, while the workers synthesise), not when the build is, so planning does not wait for
them and neither does the first date ready.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from briefing.audio.assemble import SegmentTiming
from briefing.audio.mp3file import Mp3File
from briefing.build.chapter_scans import scan_chapter
from briefing.build.context import BuildContext
from briefing.build.inputs import named, rel
from briefing.build.plan import ChapterPlan, DatePlan
from briefing.build.state import FileStat, OutputsRecord
from briefing.errors import EncoderError

if TYPE_CHECKING:
    from briefing.publish.outputs import EncodedChapter

log = logging.getLogger(__name__)


def _timing(row: Sequence[Any]) -> SegmentTiming:
    """A timing as cached: ``[text, start_ms, end_ms]``, ``true`` after an insert's."""
    return SegmentTiming(str(row[0]), float(row[1]), float(row[2]),
                         bool(len(row) > 3 and row[3]))


def _scanned(ctx: BuildContext, key: str) -> Mp3File | None:
    """The cached chapter MP3 of ``key`` (its figures remembered, else walked in blocks: never
    read whole); ``None`` when absent or damaged (a damaged one is removed)."""
    path = ctx.chapters.path(key)
    try:
        return scan_chapter(ctx.chapters, ctx.scans, key)
    except FileNotFoundError:
        return None
    except ValueError:
        log.warning("cache entry %s is damaged; it will be built again", path.name)
        path.unlink(missing_ok=True)
        return None
    except OSError as exc:
        raise EncoderError(f"{path}: the encoded chapter cannot be read "
                           f"({exc.strerror or exc})") from exc


def cached_chapter(ctx: BuildContext, chapter: ChapterPlan) -> EncodedChapter | None:
    """A chapter as the outputs take it, from the cache (its timings and MP3); ``None`` when
    either is missing or damaged."""
    timings = ctx.timings.get(chapter.assembly)
    scanned = _scanned(ctx, chapter.key) if timings is not None else None
    if timings is None or scanned is None:
        return None
    segments = tuple(map(_timing, json.loads(timings)))
    from briefing.publish.outputs import EncodedChapter

    return EncodedChapter(chapter.title, scanned, segments, chapter.kind, chapter.story)


def _files(ctx: BuildContext, plan: DatePlan, outputs: Any) -> dict[str, object]:
    label = plan.day.isoformat()
    folder = ctx.ws.audio_dir(plan.day)
    files: dict[str, object] = {
        "mp3": rel(ctx.ws, outputs.mp3),
        "chapters": [rel(ctx.ws, path) for path in outputs.chapter_files],
        "playlist": rel(ctx.ws, outputs.playlist),
        "vtt": rel(ctx.ws, folder / f"briefing-{label}.vtt"),
        "srt": rel(ctx.ws, folder / f"briefing-{label}.srt"),
        "chapters_json": rel(ctx.ws, folder / "chapters.json"),
        "manifest": rel(ctx.ws, folder / f"briefing-{label}.json"),
    }
    for name in ("m4b", "daisy", "epub", "wav"):
        path = getattr(outputs, name)
        if path is not None:
            files[name] = rel(ctx.ws, path)
    if outputs.wav is not None:
        files["cues_csv"] = rel(ctx.ws, folder / f"briefing-{label}.cues.csv")
        files["cues_txt"] = rel(ctx.ws, folder / f"briefing-{label}.cues.txt")
    return files


def write_outputs(ctx: BuildContext, plan: DatePlan,
                  encoded: Sequence[EncodedChapter]) -> tuple[OutputsRecord, tuple[str, ...]]:
    """Write a date's files from its cached chapters (:func:`gather_chapters`); records them
    in the state.  Returns the record and the files whose bytes changed.  Touches nothing but
    the date's folder and its entry in the state, so it may run beside the workers' results
    being stored."""
    from briefing.audio.id3 import TagInfo
    from briefing.publish.outputs import write_date_outputs

    label = plan.day.isoformat()
    info = TagInfo(title=plan.script.title, album=ctx.settings.album,
                   artist=ctx.settings.artist, date=plan.script.date.isoformat())
    folder = ctx.ws.audio_dir(plan.day)
    with named(folder):
        outputs = write_date_outputs(folder, label, info, encoded, plan.script.lang,
                                     ctx.formats.m4b, ctx.formats.books,
                                     ctx.formats.broadcast)
    record = OutputsRecord(
        key=plan.outputs_key,
        stat={rel(ctx.ws, p): FileStat.of(p) for p in outputs.paths},
        chapters=tuple(outputs.chapters),
        duration_ms=round(outputs.duration_ms),
        files=_files(ctx, plan, outputs),
        stages=plan.stages,
    )
    ctx.state.outputs[label] = record
    ctx.save()
    return record, tuple(rel(ctx.ws, p) for p in outputs.written)


def prepare_outputs() -> None:
    """Import what writing a date's outputs and the site needs (tags, transcripts, manifest,
    pages): run in the writer thread while the workers synthesise, it is no longer on the way
    of the first date's files (nor, for an edit, of the one date's).  Then the build's imports
    are done: :func:`_freeze_imported`."""
    import briefing.audio.id3
    import briefing.publish.outputs
    import briefing.publish.web  # noqa: F401 (the site's, written after the dates)

    _freeze_imported()


@functools.cache
def _freeze_imported() -> None:
    """Once per process, after the build's imports: move every object alive now (most of them
    made by the imports: modules, classes, functions, compiled patterns) out of the cyclic
    garbage collector's way (:func:`gc.freeze`).  A full collection that walked them all came
    once late in every one-sentence edit's build: 25 to 35 ms of it (issue 17).  Once only,
    because a frozen object is never collected: ``briefing watch`` freezes what its first
    build holds at that moment, and nothing of the builds after it."""
    gc.freeze()


__all__ = ["cached_chapter", "prepare_outputs", "write_outputs"]
