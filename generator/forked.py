"""One forked worker process: the second core does part of the work while this process goes on.

The worker is forked, so it sees what this process had in memory at that moment
(the job) without pickling it; only its results come back. Without fork (Windows)
or a second core there is no worker, and the callers do the same work here, with
the same result.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

from generator.lock import close_inherited

T = TypeVar("T")
R = TypeVar("R")

# In the worker: what it works on, given at the fork (in its copy of memory, not pickled).
_job: Any = None
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
# A worker is waited for at least this long, and this many times as long as this process took for its part.
PATIENCE_SECONDS = 60.0
PATIENCE_FACTOR = 4.0


def can_fork() -> bool:
    """Whether a forked worker can run beside this process: two cores or more, and fork."""
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


class Worker:
    """One forked worker: called with a task, it submits it; `end` kills a worker whose answer is not wanted."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self._pool = pool
        self.tasks: list[Future[Any]] = []

    def __call__(self, task: Callable[[], Any]) -> Future[Any]:
        self.tasks.append(self._pool.submit(task))
        return self.tasks[-1]

    def end(self) -> None:
        """Kill the worker (one that hangs, say): its unfinished tasks fail, and leaving `forked` does not wait."""
        kill = getattr(self._pool, "kill_workers", None)  # Python 3.14; before it, only the private process table
        if kill is not None:
            kill()
            return
        for process in list(getattr(self._pool, "_processes", {}).values()):
            process.kill()


class SharedFlag:
    """A flag that this process and the workers it forks see alike, set, cleared and read with no lock.

    Not a multiprocessing Event: its lock, and its count of processes waiting, stay taken by a worker
    that ends inside it or while waiting, and the next one to set it waits for ever.

    Raises:
        OSError: no shared memory to be had.
    """

    def __init__(self) -> None:
        self._value = multiprocessing.get_context("fork").RawValue(ctypes.c_bool, False)

    def set(self) -> None:
        self._value.value = True

    def clear(self) -> None:
        self._value.value = False

    def is_set(self) -> bool:
        return bool(self._value.value)


@contextmanager
def forked(job: Any) -> Iterator[Worker | None]:
    """One forked worker that sees `job` (as job()), or None where forking cannot help.

    Tasks are functions of no arguments, module-level so that they pickle; they run in the
    order they are submitted. Leaving the block waits for them, unless the worker was ended.
    """
    if not can_fork():
        yield None
        return
    # The job goes with the fork as the initializer's argument, never through a global here: two
    # threads (the preview's watcher and MkDocs' builder) may each fork a worker at the same time.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_as_helper, initargs=(job, os.getpid())
    ) as pool:
        worker = Worker(pool)
        try:
            yield worker
        except BaseException:
            # Leaving on an error, its tasks' results are not wanted: one that hangs is not waited for.
            if wait(worker.tasks, timeout=PATIENCE_SECONDS).not_done:
                worker.end()
            raise


def job() -> Any:
    """In the worker: the job it was forked with."""
    assert _job is not None, "given at the fork"
    return _job


def map_shared(
    function: Callable[[T], R],
    items: Sequence[T],
    worker_share: float = 0.45,
    done: Callable[[int], None] | None = None,
) -> list[R]:
    """[function(item) for item in items], the last `worker_share` of them mapped by a forked worker.

    With a share that gives the worker nothing, no worker is forked: a fork is worth it only
    for work well above its cost. `done` hears, in this process, how many more items are
    mapped: 1 at a time, the worker's at once.
    """
    cut = len(items) - int(len(items) * worker_share)
    with forked((function, items[cut:])) if cut < len(items) else nullcontext() as worker:
        if worker is None:
            cut = len(items)
        tail = worker(_map_job) if worker is not None else None
        started = time.monotonic()
        results = []
        for item in items[:cut]:
            results.append(function(item))
            if done is not None:
                done(1)
        if worker is not None and tail is not None:
            results += result_or_here(
                worker, tail, time.monotonic() - started, lambda: [function(item) for item in items[cut:]]
            )
            if done is not None:
                done(len(items) - cut)
        return results


def patience(own_seconds: float) -> float:
    """How long to wait for a worker's share once this process has done its own in `own_seconds`.

    The shares cost about the same, so a worker this late is stuck, not slow: forked from the
    preview's threads, it could wait forever on a lock another thread held at the fork.
    """
    return max(PATIENCE_SECONDS, PATIENCE_FACTOR * own_seconds)


def result_or_here(worker: Worker, future: Future[R], own_seconds: float, here: Callable[[], R]) -> R:
    """The worker's result; or, if it died or is stuck (then it is ended), `here()`, the same work done here.

    An error the task raised reaches the caller as it is.
    """
    try:
        return future.result(patience(own_seconds))
    except (TimeoutError, BrokenProcessPool):
        worker.end()
        return here()


def _map_job() -> list[Any]:
    function, items = job()
    return [function(item) for item in items]


def die_with_parent() -> None:
    """Have Linux end this process when its parent ends (elsewhere nothing happens)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _as_helper(work: Any, parent: int) -> None:
    """In the forked worker: take the job, die with the parent, and hold none of its locks."""
    global _job
    _job = work
    close_inherited()
    # The worker holds copies of its own pipes, so it would never see the parent end if the parent were
    # killed: Linux ends it with its parent; on macOS a killed build can leave the idle worker behind.
    die_with_parent()
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the worker could ask to die with it
