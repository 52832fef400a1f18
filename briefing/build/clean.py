"""Remove cache entries that no script refers to any more."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from briefing.build.cache import ContentStore
from briefing.build.context import BuildContext
from briefing.build.inputs import script_dates
from briefing.build.keys import memo_key
from briefing.build.plan import plan_date
from briefing.remembered import forget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanReport:
    """What :func:`clean_cache` removed and kept."""

    segments_removed: int
    chapters_removed: int
    segments_kept: int
    chapters_kept: int
    bytes_freed: int


def _sweep(store: ContentStore, keep: set[str], dry_run: bool) -> tuple[int, int, int]:
    removed = kept = freed = 0
    for digest in list(store.digests()):
        if digest in keep:
            kept += 1
            continue
        removed += 1
        if dry_run:
            freed += store.path(digest).stat().st_size
        else:
            freed += store.remove(digest)
    return removed, kept, freed


def clean_cache(ctx: BuildContext, dry_run: bool = False) -> CleanReport:
    """Delete segments and chapters no script of the workspace uses with the current settings.

    Every script is planned first; a script that cannot be read stops the clean (raising its
    error), so nothing it still needs is deleted.
    """
    segments: set[str] = set()
    chapters: set[str] = set()
    memos: set[str] = set()
    for day in script_dates(ctx.ws):
        plan = plan_date(ctx, day)
        segments.update(p.digest for p in plan.segments)
        chapters.update(c.key for c in plan.chapters)
        memos.update(memo_key(ctx.keys, day.isoformat(), c.index) for c in plan.chapters)
    seg_removed, seg_kept, seg_freed = _sweep(ctx.segments, segments, dry_run)
    ch_removed, ch_kept, ch_freed = _sweep(ctx.chapters, chapters, dry_run)
    ch_freed += _sweep(ctx.memos, memos, dry_run)[2]  # the memos of chapters gone with them
    ch_freed += _sweep(ctx.scans, chapters, dry_run)[2]  # and their remembered scans
    ch_freed += _sweep(ctx.analyses, chapters, dry_run)[2]  # and their units' loudness
    log.info("removed %d segment(s) and %d chapter(s)", seg_removed, ch_removed)
    ch_freed += forget(ctx.ws.checked, dry_run)  # the remembered checks of users' files
    return CleanReport(seg_removed, ch_removed, seg_kept, ch_kept, seg_freed + ch_freed)

