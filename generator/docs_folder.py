"""The generated docs folder: written file by file, only what changed, each file atomically."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from pathlib import Path

from generator.errors import UnsafeOutputFolder
from generator.render import Page

DOCS_MARKER = ".handleplan-generated"


def sync_folder(folder: Path, pages: Iterable[Page], keep: str | None = None) -> tuple[int, int]:
    """Make `folder` hold exactly `pages`, writing only what changed; return (written, removed).

    Files under `keep` (a folder path ending in /) are left for the caller to write.

    Raises:
        UnsafeOutputFolder: the folder exists, is not empty and was not made by handleplan.
    """
    claim(folder)
    wanted, written = write_changed(folder, pages)
    return written, remove_unwanted(folder, wanted, keep)


def claim(folder: Path) -> None:
    """Create the folder with handleplan's marker, or check that the marker is there.

    Raises:
        UnsafeOutputFolder: the folder exists, is not empty and was not made by handleplan.
    """
    if folder.is_dir() and not (folder / DOCS_MARKER).is_file() and any(folder.iterdir()):
        raise UnsafeOutputFolder(folder=folder, reason="den indeholder filer, som handleplan ikke har lavet")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DOCS_MARKER).touch()


def write_changed(folder: Path, pages: Iterable[Page]) -> tuple[set[str], int]:
    """Write the pages whose files differ into a claimed `folder`; return (their paths, how many were written)."""
    wanted: set[str] = set()
    made: set[Path] = set()
    written = 0
    for page in pages:
        wanted.add(page.path)
        path = folder / page.path
        if path.is_file() and path.read_bytes() == page.data:
            continue
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        write_atomically(path, page.data)
        written += 1
    return wanted, written


def remove_unwanted(folder: Path, wanted: set[str], keep: str | None = None) -> int:
    """Remove every file of `folder` not in `wanted` (paths within it) nor under `keep`, and empty folders."""
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(folder).as_posix()
        kept = keep is not None and relative.startswith(keep)
        if path.is_file() and relative not in wanted and path.name != DOCS_MARKER and not kept:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def write_page(folder: Path, page: Page) -> None:
    """Write one page into `folder` (its subfolders made as needed), atomically."""
    path = folder / page.path
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, page.data)


def write_atomically(path: Path, content: bytes) -> None:
    """Write beside the target, then rename: readers never see half a file, a failure leaves the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(content)
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)  # a full disk leaves no half-written temporary behind
        # Named by the file the user asked for, not by our temporary beside it.
        raise OSError(error.errno, error.strerror, str(path)) from None


class NewFileWriter:
    """Writes pages whose files do not exist yet, in a thread of its own, while the caller renders more.

    Creating a file took up to a millisecond on the disks seen here, a second for a thousand
    new project pages on a first build (as in CI); the thread waits on the disk without
    holding the interpreter. A page whose file exists is refused (offer gives False): an
    existing file is changed only once every page has rendered, so a template error leaves
    the docs folder's files as they were.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written = 0
        self._pages: queue.SimpleQueue[Page | None] = queue.SimpleQueue()
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._write, name="handleplan-new-files", daemon=True)
        self._thread.start()

    def offer(self, page: Page) -> bool:
        """Take `page` to write if its file does not exist yet."""
        if (self.folder / page.path).exists():
            return False
        self._pages.put(page)
        self.written += 1
        return True

    def finish(self) -> None:
        """Wait until every page taken is written.

        Raises:
            OSError: a page could not be written.
        """
        self._pages.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _write(self) -> None:
        while (page := self._pages.get()) is not None:
            if self._error is None:
                try:
                    write_page(self.folder, page)
                except OSError as error:
                    self._error = error  # raised by finish, in the caller's thread
