"""Remove a replaced site in the background, so that a build need not wait for the disk.

Unlinking the old site's thousands of files takes as long as rendering the lists
(0.4 s at 1,000 projects, on the disks seen here), and nobody needs to wait for it:
the new site is in place by then. A separate, detached process removes the folder,
as `git gc --auto` detaches; a folder it leaves (it was killed) is a leftover the
next build's recovery removes in its turn. Only folders of the build's own, named
as its leftovers, are ever handed here.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# -I -S: no environment, no site packages: only the standard library, started at once.
_REMOVER = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
_running: list[int] = []  # the removers' process ids, reaped here


def remove_later(folder: Path) -> None:
    """Remove `folder` and everything in it, in a process of its own that this one does not wait for."""
    _reap(os.WNOHANG)
    spawn = getattr(os, "posix_spawn", None)
    if spawn is None or not sys.executable:  # Windows, or an interpreter that cannot start another
        shutil.rmtree(folder, ignore_errors=True)
        return
    quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
    try:
        # setsid: a Ctrl-C meant for the build does not stop it half-way. The build's own
        # descriptors (the lock, pipes) are close-on-exec: the remover holds none of them.
        pid = spawn(
            sys.executable, [sys.executable, "-I", "-S", "-c", _REMOVER, str(folder)], os.environ,
            file_actions=quiet, setsid=True,
        )  # fmt: skip
    except OSError:  # no process can be started: remove it now
        shutil.rmtree(folder, ignore_errors=True)
        return
    _running.append(pid)


def wait_for_removals() -> None:
    """Wait until every removal this process started has finished (for tests and tools that list folders)."""
    _reap(0)


def _reap(options: int) -> None:
    for pid in list(_running):
        try:
            done, _ = os.waitpid(pid, options)
        except ChildProcessError:  # reaped elsewhere
            done = pid
        if done:
            _running.remove(pid)
