"""The site stage of a build: the pages of the dates whose outputs changed, the index and the
feed (:mod:`briefing.publish.web`).

Each page's key (the outputs it shows and the site key: the web templates, the settings tagged
``site``) and its size and mtime are recorded once it is written; a page whose record does not
match (a build killed before writing it, a template changed, the file edited or removed) is
written again.
"""

from __future__ import annotations

from collections.abc import Set

from briefing.build.context import BuildContext
from briefing.build.inputs import named, rel
from briefing.build.keys import site_key
from briefing.build.state import FileStat, PageRecord
from briefing.fsutil import sha256_hex
from briefing.hashing import canonical_hash
from briefing.publish.cover import site_fingerprint


def _page_current(ctx: BuildContext, page: str, key: str) -> bool:
    recorded = ctx.state.pages.get(page)
    if recorded is None or recorded.key != key:
        return False
    try:
        return FileStat.of(ctx.ws.root / page) == recorded.stat
    except OSError:
        return False


def _record_page(ctx: BuildContext, page: str, key: str) -> None:
    try:
        ctx.state.pages[page] = PageRecord(key, FileStat.of(ctx.ws.root / page))
    except OSError:
        ctx.state.pages.pop(page, None)


def write_site(ctx: BuildContext, changed: Set[str]) -> tuple[str, ...]:
    """Write what of the site is out of date; ``changed`` are the dates whose outputs were
    just written.  Returns the files written (relative to the workspace)."""
    from briefing.publish import web

    ws, settings = ctx.ws, ctx.settings
    ws.ensure_real_folder(ws.audio)
    key = site_key(ctx.keys, [sha256_hex(path.read_bytes())
                              for path in web.template_files(ws.root)],
                   site_fingerprint(settings.feed, ws.root))
    keys: dict[str, tuple[str, str]] = {}  # page → (date, key)
    for label, recorded in sorted(ctx.state.outputs.items()):
        folder = ws.audio / label
        if web.manifest_path(folder).is_file():
            keys[rel(ws, folder / web.PAGE_NAME)] = (label, canonical_hash([recorded.key, key]))
    index = rel(ws, ws.audio / web.PAGE_NAME)
    index_key = canonical_hash([sorted(keys.items()), key])
    stale = {label for page, (label, k) in keys.items() if not _page_current(ctx, page, k)}
    stale |= set(changed)
    if not stale and _page_current(ctx, index, index_key):
        return ()
    with named(ws.audio):
        written = web.write_site(ws.audio, settings.base_url, ws.root, stale, settings.feed)
    for page, (label, k) in keys.items():
        if label in stale:
            _record_page(ctx, page, k)
    _record_page(ctx, index, index_key)
    ctx.state.site_key = key
    ctx.save()
    return tuple(rel(ws, p) for p in written)
