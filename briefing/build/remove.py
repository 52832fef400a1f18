"""A date whose articles are all gone: its unedited script and its outputs go to the trash.

The script is the producer's source of truth, so an edited one is never touched (the plan
keeps rendering it, :class:`~briefing.build.removed_dates.RemovedDate`).  An unedited one was
only ever briefing's, and so are the files the state recorded as the date's outputs and page:
those are moved (never deleted) to the build's trash folder, the state forgets the date, and
the site written after this no longer lists it.  Files in ``audio/<date>/`` briefing did not
write stay.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from briefing.build.bases import forget
from briefing.build.context import BuildContext
from briefing.build.removed_dates import RemovedDate
from briefing.build.trash import Trash

log = logging.getLogger(__name__)


def _briefings_files(ctx: BuildContext, label: str) -> list[Path]:
    """The files of ``label`` briefing wrote: its outputs, its page, its script."""
    names: list[str] = []
    record = ctx.state.outputs.get(label)
    if record is not None:
        names.extend(record.stat)
    names.extend(page for page in ctx.state.pages if page.startswith(f"audio/{label}/"))
    paths = [ctx.ws.root / name for name in dict.fromkeys(names)]
    return [p for p in paths if p.is_file() and not p.is_symlink()]


def _remove_empty_folders(folder: Path) -> None:
    for sub in (folder / "chapters", folder):
        try:
            sub.rmdir()
        except OSError:  # not empty (a file briefing did not write), or gone
            continue


def remove_dates(ctx: BuildContext, removed: tuple[RemovedDate, ...],
                 trash: Trash) -> dict[dt.date, Path]:
    """Move the unedited scripts and the outputs of ``removed`` to ``trash``; returns the
    trash folder of each date moved."""
    done: dict[dt.date, Path] = {}
    for r in removed:
        if r.edited:
            continue
        label = r.day.isoformat()
        files = _briefings_files(ctx, label)
        script = ctx.ws.script_path(r.day)
        if script.is_file() and not script.is_symlink():
            files.append(script)
        for path in files:
            trash.move(path)
        _remove_empty_folders(ctx.ws.audio_dir(r.day))
        ctx.state.outputs.pop(label, None)
        ctx.state.sources.pop(label, None)
        for page in [p for p in ctx.state.pages if p.startswith(f"audio/{label}/")]:
            del ctx.state.pages[page]
        forget(ctx.ws, ctx.state, r.day)
        ctx.save()
        if trash.folder is not None:
            done[r.day] = trash.folder
        log.info("%s: its articles are gone; moved %d file(s) to %s", label, len(files),
                 trash.folder)
    return done
