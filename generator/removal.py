"""Remove a replaced site in the background, so that a build need not wait for the disk.

Unlinking the old site's thousands of files takes as long as rendering the lists
(0.4 s at 1,000 projects, on the disks seen here), and nobody needs to wait for it:
the new site is in place by then. A separate, detached process removes the folder,
as `git gc --auto` detaches; a folder it leaves (it was killed) is a leftover the
next build's recovery removes in its turn. Only folders of the build's own, named
as its leftovers, are ever handed here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

# -I -S: no environment, no site packages: only the standard library, started at once.
_REMOVER = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
_running: list[subprocess.Popen[bytes]] = []


def remove_later(folder: Path) -> None:
    """Remove `folder` and everything in it, in a process of its own that this one does not wait for."""
    _running[:] = [process for process in _running if process.poll() is None]
    if not sys.executable:  # an embedded interpreter cannot start another: remove it now
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _REMOVER, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C meant for the build does not stop it half-way
        )
    except OSError:  # no processes left to start: remove it now
        shutil.rmtree(folder, ignore_errors=True)
        return
    _running.append(process)  # kept, so that it is reaped here, and for wait_for_removals


def wait_for_removals() -> None:
    """Wait until every removal this process started has finished (for tests and tools that list folders)."""
    while _running:
        _running.pop().wait()
