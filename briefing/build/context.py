"""What every step of a build shares: the workspace, the settings and their stage keys, the
caches, the state, the engine's description, the lexicon and the workers.

One :class:`BuildContext` is opened per build (:mod:`briefing.build.run`) and closed at its end:
closing saves the state and stops the workers it started.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from briefing.build.cache import (
    ContentStore,
    analyses_store,
    chapter_store,
    segment_store,
    timing_store,
)
from briefing.build.keys import StageKeys, stage_keys
from briefing.build.state import State
from briefing.build.workers import Workers, dask_executor
from briefing.build.workspace import Workspace
from briefing.config import Settings
from briefing.engines.base import Engine
from briefing.publish.formats import FormatOptions
from briefing.speech.lexicon import Lexicon, load_lexicon

ProgressFn = Callable[[str, int, int], None]
"""``progress(what, done, total)``: called as segments are synthesised (``what`` is
``"synthesising"``) and chapters encoded (``"encoding"``)."""


def make_workers(settings: Settings) -> Workers:
    """Local worker processes, or a Dask cluster's executor (``settings.executor``)."""
    if settings.executor:
        executor, threads = dask_executor(settings.executor)
        return Workers(settings.engine, settings.jobs or threads, executor,
                       timeout=settings.segment_timeout_s)
    return Workers(settings.engine, settings.jobs or None, timeout=settings.segment_timeout_s)


class BuildContext:
    """The shared pieces of one build of one workspace with one set of settings.

    The engine and the workers are made on first use, so planning a build that has nothing to
    synthesise starts no process.
    """

    def __init__(self, ws: Workspace, settings: Settings,
                 engine_factory: Callable[[str], Engine] | None = None,
                 progress: ProgressFn | None = None,
                 workers: Workers | None = None) -> None:
        self.ws = ws
        self.settings = settings
        self.keys: StageKeys = stage_keys(settings)
        self.progress = progress
        self.segments: ContentStore = segment_store(ws.segment_cache)
        self.chapters: ContentStore = chapter_store(ws.chapter_cache)
        self.timings: ContentStore = timing_store(ws.chapter_cache)
        self.memos: ContentStore = timing_store(ws.chapter_cache / "memo")
        self.scans: ContentStore = timing_store(ws.chapter_cache / "scan")
        """What each cached chapter MP3 holds (:mod:`briefing.build.chapter_scans`)."""
        self.analyses: ContentStore = analyses_store(ws.chapter_cache / "analyses")
        """The loudness of each cached chapter's units (:mod:`briefing.audio.unit_levels`)."""
        self.state = State.load(ws.state_file)
        self.stored: set[str] = set()
        """The keys this build put in the segment and chapter caches: a date planned while the
        build goes on takes them as absent (:func:`~briefing.build.plan.plan_date`)."""
        if engine_factory is None:
            from briefing.engines import load_engine

            engine_factory = load_engine
        self._engine_factory = engine_factory
        self._engine: Engine | None = None
        kept = workers is not None and workers.engine == settings.engine
        self._workers: Workers | None = workers if kept else None
        self._own_workers = not kept

    @property
    def engine(self) -> Engine:
        """The engine's description in this process (name, version, sample rate), for planning.

        Synthesis itself runs in the worker processes (:mod:`briefing.build.workers`).
        """
        if self._engine is None:
            self._engine = self._engine_factory(self.settings.engine)
        return self._engine

    @cached_property
    def formats(self) -> FormatOptions:
        """The build's optional formats (M4B, books, broadcast WAV): found once, not per date."""
        return FormatOptions.of(self.settings, self.ws.root)

    @cached_property
    def lexicon(self) -> Lexicon:
        """The workspace's pronunciation lexicon."""
        return load_lexicon(self.ws.lexicon)

    @property
    def workers(self) -> Workers:
        """The worker processes (started on first use unless given)."""
        if self._workers is None:
            self._workers = make_workers(self.settings)
        return self._workers

    def tick(self, what: str) -> Callable[[int, int], None]:
        """A ``(done, total)`` callback reporting progress as ``what``."""
        def tick(done: int, total: int) -> None:
            if self.progress is not None:
                self.progress(what, done, total)

        return tick

    def save(self) -> None:
        """Write the state."""
        self.state.save(self.ws.state_file)

    def release(self) -> None:
        """Stop the workers it started and release the engine, saving nothing."""
        if self._own_workers and self._workers is not None:
            self._workers.close()
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def close(self) -> None:
        """Save the state, stop the workers it started and release the engine."""
        self.save()
        self.release()
