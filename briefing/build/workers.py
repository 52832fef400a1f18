"""Where synthesis runs: worker processes, each with its own engine.

Every segment is synthesised in a worker process through a ``concurrent.futures.Executor``:
a local process pool by default, or any other executor with the same interface (a Dask
cluster's ``client.get_executor()``), so the local and distributed paths share one code path.
Audio comes back to the parent as bytes and the parent alone writes the cache.

Workers create their engine on first use, once per process (pyttsx3 must never be initialised
before a fork, and a model is loaded once per worker, not per segment).  A segment that makes no
progress for ``timeout`` seconds is reported as hung and the workers are killed, so a stuck
engine can never hang a build.

With a Dask cluster (``--executor tcp://HOST:PORT``), the scheduler's workers run the same
task functions: they need briefing (and the engine) installed, but no shared folder; inputs
and results travel as bytes and only the machine running ``briefing build`` reads and writes
the workspace.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from briefing.build.cache import check_wav
from briefing.build.pool_procs import dead_worker, kill_workers, wait_for_manager
from briefing.engines.base import Engine, VoiceSettings, set_thread_budget
from briefing.engines.registry import load_engine
from briefing.errors import BriefingError, ConfigError, EngineError
from briefing.fsutil import write_temp_beside

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 120.0
"""A segment that makes no progress for this long is reported as hung."""

_engines: dict[str, Engine] = {}
"""The engines of this (worker) process, by name."""


def _engine(name: str) -> Engine:
    if name not in _engines:
        _engines[name] = load_engine(name)
    return _engines[name]


def synthesize_task(engine: str, text: str, voice: str | None, rate: int,
                    out: str | None = None) -> bytes | str:
    """Synthesise one segment in a worker; returns a checked WAV.

    With ``out`` (the cache entry's path, for local workers) the WAV is written to a
    temporary file beside it, whose path is returned for the build to rename into place: the
    audio then never goes through the pool's pipes, nor the build's memory.  It is not flushed
    to disk: a segment is checked whenever it is read (:func:`check_wav`), so one cut short
    by a crash is synthesised again.
    """
    wav = _engine(engine).synthesize(text, VoiceSettings(voice, rate))
    if not check_wav(wav):
        raise EngineError(f"engine {engine!r} returned an empty or invalid WAV")
    if out is None:
        return wav
    return str(write_temp_beside(Path(out), wav, durable=False))


def warm_task() -> None:
    """Run by an idle worker while the build plans (:meth:`Workers.warm`): import and prime
    what the encoding task needs (numpy, the audio stage, the meter's filter responses:
    :func:`briefing.audio.chapter.prepare`), so that its first chapter does not wait for them.
    Never fails: a problem shows again, and is reported, in the task that needs it.
    """
    try:
        import briefing.build.encode_task  # noqa: F401 (imported to have it ready)
        from briefing.audio.chapter import prepare

        prepare()
    except ImportError as exc:  # reported by the real task
        log.debug("warming a worker up failed: %s", exc)


@dataclass(frozen=True)
class Job:
    """One segment to synthesise."""

    key: str
    """Its cache digest."""

    text: str
    """The text sent to the engine."""

    voice: VoiceSettings
    """Voice and rate."""

    label: str
    """Where it comes from, for messages (``2023-09-27, chapter 3, sentence 2``)."""

    source: str | None = None
    """A sound insert's file: decoded by the build, not sent to an engine."""


def default_jobs() -> int:
    """The number of worker processes by default: the machine's cores."""
    return max(1, os.cpu_count() or 1)


def _worker_threads(jobs: int) -> int | None:
    """Each worker's share of the cores (``None``, the engine's default, for one worker)."""
    return None if jobs <= 1 else max(1, (os.cpu_count() or 1) // jobs)


def _blas_on_one_thread() -> None:
    """numpy's BLAS on one thread in this worker, for good.

    The audio stage's matrix products are small.  A BLAS pool of several threads only spins
    (OpenBLAS's threads busy-wait for about 0.1 s after each call, and again each time a
    per-call limit is lifted): measured during a chapter's MP3 encode, the spinning thread took
    30-40 ms of a core, which the other worker and the build needed.  Set before numpy loads
    (a forked worker starts without it), or through threadpoolctl when it is loaded already.
    """
    if "numpy" not in sys.modules:
        for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = "1"
        return
    with contextlib.suppress(ImportError):
        importlib.import_module("threadpoolctl").threadpool_limits(limits=1, user_api="blas")


def _init_worker(parent: int, threads: int | None = None) -> None:
    """Pool initializer: leave Ctrl-C to the build, and end with it when it is killed; give
    the engine its share of the cores (``threads``,
    :func:`~briefing.engines.base.set_thread_budget`).

    Ctrl-C in a terminal reaches the whole process group; the build handles it (and stops the
    workers), so workers ignore SIGINT rather than print tracebacks.  SIGTERM ends a worker
    at once, as by default.

    A forked worker also holds the pool's pipes, so it would not notice its parent's death by
    itself; on Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG), elsewhere a thread
    watches the parent.
    """
    set_thread_budget(threads)
    _blas_on_one_thread()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the build's SIGTERM handler (briefing.cli.signals); the pool
    # stops workers with SIGTERM and they must simply end.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def dask_executor(address: str) -> tuple[cf.Executor, int]:
    """A ``concurrent.futures`` executor on a running Dask scheduler, and its thread count.
    Needs ``pip install 'briefing[dask]'`` here and briefing installed on every worker.
    """
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            f"--executor {address} needs Dask: pip install 'briefing[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    threads = sum(client.nthreads().values()) or 1
    log.info("using the Dask cluster at %s (%d worker threads)", address, threads)
    executor: cf.Executor = client.get_executor()
    return executor, threads


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class Workers:
    """A pool of worker processes (or any executor) for synthesis and encoding."""

    def __init__(self, engine: str, jobs: int | None = None,
                 executor: cf.Executor | None = None,
                 timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.engine = engine
        self.jobs = jobs or default_jobs()
        self.timeout = timeout
        self._executor = executor
        self._owned = executor is None

    @property
    def local(self) -> bool:
        """Whether the workers are this machine's processes, which can read the workspace."""
        return self._owned

    def _pool(self) -> cf.Executor:
        if self._executor is None:
            self._executor = cf.ProcessPoolExecutor(max_workers=self.jobs,
                                                    mp_context=_context(),
                                                    initializer=_init_worker,
                                                    initargs=(os.getpid(),
                                                              _worker_threads(self.jobs)))
        return self._executor

    def start(self) -> Workers:
        """Fork the local workers now, before the build imports planning and outputs: a forked
        worker starts with its parent's memory, then imports only what its tasks need, which
        it does at once (:meth:`warm`) while the build reads its settings and plans."""
        if self._owned:
            self.warm()  # a fork pool launches all its workers at the first task
        return self

    def warm(self) -> None:
        """Have idle local workers import the audio stage now (:func:`warm_task`), rather than
        when their first chapter comes: as many as there are cores beside the build's own, so
        the build, which plans meanwhile, is not slowed down (one on two cores)."""
        if self._owned:
            pool = self._pool()
            spare = max(1, min(self.jobs, (os.cpu_count() or 1) - 1))
            with contextlib.suppress(cf.BrokenExecutor, RuntimeError):  # a worker died: the
                for _ in range(spare):  # next real task reports it, naming the task
                    pool.submit(warm_task)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close(kill=exc is not None)

    def close(self, kill: bool = False) -> None:
        """Shut the pool down; ``kill`` stops running workers at once."""
        if self._executor is None or not self._owned:
            return
        executor, self._executor = self._executor, None
        manager = getattr(executor, "_executor_manager_thread", None)  # shutdown forgets it
        if kill:
            kill_workers(executor)
        executor.shutdown(wait=not kill, cancel_futures=True)
        if kill and isinstance(manager, threading.Thread):
            wait_for_manager(manager)

    def run(self, tasks: Iterable[Task],
            progress: Callable[[int, int], None] | None = None,
            total: int | None = None,
            handed_out: Callable[[], None] | None = None,
            ) -> Generator[tuple[Task, Any], None, None]:
        """Run ``tasks`` in the workers, yielding each with its result as it completes.

        At most ``2 * jobs`` tasks are in flight, so the inputs of a long briefing are never
        all in memory at once.  A task's :class:`BriefingError` is re-raised naming the task; a
        stall longer than ``timeout`` seconds, or a dead worker, stops the workers.
        ``handed_out`` is called once, when the first tasks are handed out and the wait for
        their results begins.
        """
        pending: dict[cf.Future[Any], Task] = {}
        queue = iter(tasks)
        window = 2 * self.jobs
        done_count = 0
        try:
            while True:
                while len(pending) < window:
                    task = next(queue, None)
                    if task is None:
                        break
                    pending[self._submit(task)] = task
                if not pending:
                    return
                if handed_out is not None:
                    handed_out()
                    handed_out = None
                done = self._wait(pending)
                for future in done:
                    task = pending.pop(future)
                    try:
                        result = future.result()
                    except BriefingError as exc:
                        raise type(exc)(f"{task.label}: {exc.message}") from exc
                    except cf.BrokenExecutor as exc:
                        raise _died(task, exc) from exc
                    done_count += 1
                    if progress is not None:
                        progress(done_count, total or done_count)
                    yield task, result
        except BaseException:
            self.close(kill=True)
            raise

    def _wait(self, pending: dict[cf.Future[Any], Task]) -> set[cf.Future[Any]]:
        """The futures of ``pending`` that completed, once one has.

        Raises :class:`EngineError` after ``timeout`` seconds without one, or as soon as one
        of our worker processes is found dead: the pool itself may never notice (a worker
        killed while sending a result leaves its manager thread waiting for the rest).
        """
        allowed = self.timeout + max(t.timeout for t in pending.values())
        deadline = time.monotonic() + allowed
        while True:
            left = deadline - time.monotonic()
            done, _ = cf.wait(pending, timeout=max(0.0, min(left, WATCH_INTERVAL_S)),
                              return_when=cf.FIRST_COMPLETED)
            if done:
                return done
            first = next(iter(pending.values()))
            dead = dead_worker(self._executor) if self._owned else None
            if dead is not None:
                raise EngineError(f"{first.label}: a worker process died ({dead})")
            if left <= 0:
                raise EngineError(f"{first.label}: the {self.engine} engine made no "
                                  f"progress for {allowed:g} s; stopped it")

    def _submit(self, task: Task) -> cf.Future[Any]:
        """Submit ``task``; a pool broken by a dead worker is an :class:`EngineError` here too
        (the pool notices a killed worker in its own thread, at any moment)."""
        try:
            return self._pool().submit(task.fn, *task.args)
        except cf.BrokenExecutor as exc:
            raise _died(task, exc) from exc

    def task(self, job: Job, out: str | None = None) -> Task:
        """The task that synthesises ``job`` (its item is the job); with ``out``, local workers
        write the WAV beside that cache entry and return the temporary file's path."""
        args = (self.engine, job.text, job.voice.voice, job.voice.rate)
        return Task(job.label, synthesize_task, (*args, out) if out is not None else args, job)

    def synthesize(self, jobs: Sequence[Job],
                   progress: Callable[[int, int], None] | None = None
                   ) -> Iterator[tuple[Job, bytes]]:
        """Synthesise ``jobs``, yielding each with its WAV as it completes."""
        tasks = (self.task(job) for job in jobs)
        for task, wav in self.run(tasks, progress, len(jobs)):
            assert isinstance(task.item, Job)
            yield task.item, wav


def _died(task: Task, exc: BaseException) -> EngineError:
    return EngineError(f"{task.label}: a worker process died ({exc})")


@dataclass(frozen=True)
class Task:
    """A function call to run in a worker."""
    label: str
    """Where it comes from, for messages."""

    fn: Callable[..., Any]
    """A module-level function (it is pickled to the worker)."""

    args: tuple[Any, ...]
    """Its arguments (picklable)."""

    item: object = None
    """What the caller wants back with the result."""

    timeout: float = 0.0
    """Seconds it may take beyond the workers' stall timeout (a long chapter's encoding)."""


WATCH_INTERVAL_S = 0.5
"""How often a wait for results checks that the worker processes are alive."""


