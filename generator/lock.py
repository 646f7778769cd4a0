"""One writer at a time in a checkout's output folders: an exclusive OS lock on a file in its root.

Every build and every regeneration by `serve` holds it, so two runs never interleave
their files or their swaps. The OS ties the lock to the open file and drops it when
the process ends, however it ends: a killed build leaves no stale lock behind, and
the file itself is never deleted (deleting it would let two runs lock two files).
"""

from __future__ import annotations

import errno
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import OutputFolderBusy

LOCK_FILE = ".handleplan.lock"
# A 10,000-project build takes about two minutes; a wait longer than this is a hung run.
WAIT_SECONDS = 300.0
POLL_SECONDS = 0.1
WAITING = "Venter på, at en anden build i denne mappe bliver færdig …"

_held = threading.local()
# Every descriptor holding a lock in this process: a forked child closes its copies (close_inherited),
# so that a child left running by a killed build never keeps the lock.
_descriptors: set[int] = set()


@contextmanager
def output_lock(root: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of `root`'s output folders, waiting up to WAIT_SECONDS for another run.

    `on_wait` gets a Danish line once, if the lock is taken. Nested use in the same
    thread is a no-op, so a locked step may call other locked steps.

    Raises:
        OutputFolderBusy: another run held the lock for WAIT_SECONDS.
    """
    path = root.resolve() / LOCK_FILE
    held: set[Path] = _held.__dict__.setdefault("paths", set())
    if path in held:
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    _descriptors.add(descriptor)
    try:
        _acquire(descriptor, path, on_wait)
        held.add(path)
        try:
            yield
        finally:
            held.discard(path)
            _unlock(descriptor)
    finally:
        _descriptors.discard(descriptor)
        os.close(descriptor)


def close_inherited() -> None:
    """In a forked child: close the lock descriptors copied from the parent (the parent keeps its locks)."""
    for descriptor in list(_descriptors):
        os.close(descriptor)
    _descriptors.clear()


def _acquire(descriptor: int, path: Path, on_wait: Callable[[str], None] | None) -> None:
    # Polling rather than a blocking call: it can give up, and works the same on every OS.
    timeout = WAIT_SECONDS
    deadline = time.monotonic() + timeout
    told = False
    while not _try_lock(descriptor):
        if not told and on_wait is not None:
            on_wait(WAITING)
        told = True
        if time.monotonic() >= deadline:
            raise OutputFolderBusy(lock_file=path, seconds=timeout)
        time.sleep(POLL_SECONDS)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        os.lseek(descriptor, 0, os.SEEK_SET)  # msvcrt locks bytes from the current position
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise
        return True

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
