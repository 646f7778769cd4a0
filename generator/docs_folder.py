"""The generated docs folder: written file by file, only what changed, each file atomically."""

from __future__ import annotations

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
