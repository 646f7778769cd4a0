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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

from generator.lock import close_inherited

T = TypeVar("T")
R = TypeVar("R")
Submit = Callable[[Callable[[], Any]], "Future[Any]"]

# In the worker: what it works on, given at the fork (in its copy of memory, not pickled).
_job: Any = None
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def can_fork() -> bool:
    """Whether a forked worker can run beside this process: two cores or more, and fork."""
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def forked(job: Any) -> Iterator[Submit | None]:
    """A submit function to one forked worker that sees `job` (as job()), or None where forking cannot help.

    Tasks are functions of no arguments, module-level so that they pickle; they run in the
    order they are submitted.
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
        yield pool.submit


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
    with forked((function, items[cut:])) if cut < len(items) else nullcontext() as submit:
        if submit is None:
            cut = len(items)
        tail = submit(_map_job) if submit is not None else None
        results = []
        for item in items[:cut]:
            results.append(function(item))
            if done is not None:
                done(1)
        if tail is not None:
            results += tail.result()
            if done is not None:
                done(len(items) - cut)
        return results


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
