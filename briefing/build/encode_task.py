"""The worker task that assembles, normalises and encodes one chapter.

A module of its own so a worker process (or a Dask worker) imports just this and the audio
stage to run it; the pool itself is in :mod:`briefing.build.workers`.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.fsutil import TEMP_SUFFIX, is_own_temp, temp_file_beside, write_temp_beside

if TYPE_CHECKING:
    from briefing.audio.assemble import Gaps
    from briefing.audio.chapter import Previous
    from briefing.text.script_model import Chapter

def encode_chapter_task(chapter: Chapter, wavs: list[bytes | str], gaps: Gaps, last: bool,
                        bitrate_kbps: int, quality: int, loudness_lufs: float,
                        true_peak_dbtp: float, previous: Previous | None = None,
                        out: str | None = None, analyses_out: str | None = None,
                        ) -> tuple[bytes | str, list[list[Any]], dict[str, Any]]:
    """Assemble, normalise and encode one chapter in a worker (:mod:`briefing.audio.chapter`); each
    WAV is given as bytes or as the path of a cache file; ``previous``: an earlier encode of the
    chapter whose unchanged units are reused.  Returns the MP3, the timings and the units' memo.

    With ``out`` (the cache entry's path, for local workers) the MP3 is written to a temporary
    file beside it, whose path is returned for the build to rename into place: a long
    chapter's MP3 is then never sent to the build, nor held there, and its ``fsync`` is done
    here rather than in the build's loop.  Without it the MP3's bytes are returned.  With
    ``analyses_out`` (the path of the entry of the chapter's units' loudness analyses) they
    are written to a temporary file beside it, whose path the memo gives as
    ``analyses_file``.
    """
    from briefing.audio.chapter import render_chapter

    with contextlib.ExitStack() as stack:
        analyses, written = (stack.enter_context(temp_file_beside(Path(analyses_out)))
                             if analyses_out is not None else (None, None))
        mp3, timings, memo = render_chapter(chapter, wavs, gaps, last, bitrate_kbps, quality,
                                            loudness_lufs, true_peak_dbtp, previous, analyses)
    try:
        if written is not None and "analyses" in memo:  # none for a chapter made in one pass
            memo = {**memo, "analyses_file": str(written)}
            written = None  # the build's to rename into place now
        from briefing.build.chapter_scans import figures

        with contextlib.suppress(ValueError):  # else the build walks the file, and refuses it
            memo = {**memo, "scan": figures(mp3)}  # remembered by the build (not walking it)
        if out is None:
            return mp3, timings, memo
        path = str(write_temp_beside(Path(out), mp3))
    except BaseException:
        if "analyses_file" in memo:
            Path(memo["analyses_file"]).unlink(missing_ok=True)
        raise
    finally:
        if written is not None:
            written.unlink(missing_ok=True)
    del mp3
    release_heap()
    return path, timings, memo


def release_heap() -> None:
    """Give the chapter's freed buffers back to the system (glibc's ``malloc_trim``).

    A chapter's samples are tens of megabytes in many blocks; once freed, glibc keeps most of
    them mapped, so an idle worker would go on holding its largest chapter's memory.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: musl has no malloc_trim
        ctypes.CDLL(None).malloc_trim(0)



def remove_worker_temps(entries: Iterable[Path]) -> None:
    """Remove the temporary files that workers wrote beside these cache entries and that the
    build, stopped by an error, did not rename into the cache (the workers are stopped by
    then)."""
    for entry in entries:
        if not entry.parent.is_dir():
            continue
        for tmp in entry.parent.glob(f".{entry.name}.*{TEMP_SUFFIX}"):
            if is_own_temp(tmp.name) and not tmp.is_symlink():
                tmp.unlink(missing_ok=True)
