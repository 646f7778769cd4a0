"""What git knows about the portfolio: the one module that runs git.

Everything else works on Portfolios and plain values, so history is testable
without git, and a checkout without git (or without history) still builds.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.errors import GitFailed
from generator.portfolio import PROGRAMME_FILE, PROJECTS_DIR, is_project_path

_TIMEOUT = 300


@dataclass(frozen=True)
class FileChange:
    """One project file added, modified or deleted by one commit on the first-parent line."""

    commit: str
    date: dt.date
    subject: str
    path: str
    kind: str  # "A", "M" or "D"
    content: bytes | None  # the file after the commit; None when deleted


@dataclass(frozen=True)
class History:
    """When each project file last changed, its changes, and a Danish note on how complete that is."""

    last_changed: dict[str, dt.date] = field(default_factory=dict)
    changes: list[FileChange] = field(default_factory=list)
    note: str = ""
    available: bool = False
    failed: bool = False  # git was there but could not be read: said on the site and by validate


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """What git printed.

    Raises:
        GitFailed: git is missing, timed out or failed; the detail is git's own first line.
    """
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False, timeout=_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise GitFailed(detail=f"'git {args[0]}' svarede ikke inden for {_TIMEOUT} sekunder") from None
    except OSError as error:
        raise GitFailed(detail=f"git kunne ikke startes ({error.strerror or error})") from None
    if completed.returncode != 0:
        said = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(detail=f"'git {args[0]}' fejlede" + (f": {said[0]}" if said else ""))
    return completed.stdout


def _git_or_none(root: Path, *args: str) -> bytes | None:
    """For questions whose "no" is an answer (is this a repository?), not a failure."""
    try:
        return _git(root, *args)
    except GitFailed:
        return None


def is_repository(root: Path) -> bool:
    """True inside a git work tree with git on PATH."""
    return _git_or_none(root, "rev-parse", "--is-inside-work-tree") is not None


def is_shallow(root: Path) -> bool:
    """True for a shallow clone, whose history is cut off."""
    output = _git_or_none(root, "rev-parse", "--is-shallow-repository")
    return output is not None and output.strip() == b"true"


def _has_commits(root: Path) -> bool:
    return _git_or_none(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") is not None


def resolve_revision(root: Path, revision: str) -> str:
    """The commit a revision names.

    Raises:
        GitFailed: not a git repository, or the revision is unknown.
    """
    if not is_repository(root):
        raise GitFailed(detail=f"{root} er ikke et git-repositorium")
    output = _git_or_none(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if output is None:
        hint = " (historikken er afkortet i denne kopi)" if is_shallow(root) else ""
        raise GitFailed(detail=f"revisionen '{revision}' findes ikke{hint}")
    return output.decode().strip()


def files_at(root: Path, revision: str) -> dict[str, bytes]:
    """focus_areas.yaml and every project file as they are at a revision, read from git objects.

    Raises:
        GitFailed: the revision is unknown.
    """
    commit = resolve_revision(root, revision)
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", commit, "--", PROGRAMME_FILE, f"{PROJECTS_DIR}/")
    paths = [p for p in listing.decode("utf-8", "replace").split("\0") if p == PROGRAMME_FILE or is_project_path(p)]
    # "./": relative to --root, which may be a folder inside the repository.
    return dict(zip(paths, _read_blobs(root, [f"{commit}:./{path}" for path in paths]), strict=True))


def _read_blobs(root: Path, objects: list[str]) -> list[bytes]:
    """Contents of many objects through one `git cat-file --batch`."""
    if not objects:
        return []
    output = _git(root, "cat-file", "--batch", stdin="".join(f"{name}\n" for name in objects).encode())
    contents, position = [], 0
    for _ in objects:
        newline = output.index(b"\n", position)
        header = output[position:newline].split()
        if len(header) < 3 or header[1] == b"missing":
            contents.append(b"")
            position = newline + 1
            continue
        size = int(header[2])
        contents.append(output[newline + 1 : newline + 1 + size])
        position = newline + 1 + size + 1
    return contents


def read_history(root: Path, *, with_changes: bool = False) -> History:
    """Project files' last-change dates (and, if asked, every change) along the first-parent line.

    Outside git, or where git is missing, there is no history and the note says so.
    """
    if not is_repository(root):
        return History(note="Ingen historik: handleplanen er ikke bygget fra et git-repositorium.")
    if not _has_commits(root):
        return History(note="Ingen historik endnu: der er ingen commits.")
    try:
        return _read_history(root, with_changes)
    except GitFailed as error:
        # Never silently: without history the stale-project rule (HP205) cannot run.
        return History(note=f"{HISTORY_FAILED} ({error})", failed=True)


HISTORY_FAILED = (
    "Historikken kunne ikke læses fra git, så ændringer og reglen om projekter uden ændringer (HP205) "
    "mangler i denne kørsel"
)


def _read_history(root: Path, with_changes: bool) -> History:
    log = _git(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--no-renames",
        "--relative",  # paths relative to --root, which may be a folder inside the repository
        "--format=%x00%H%x1f%cs%x1f%s",
        "--name-status",
        "--",
        f"{PROJECTS_DIR}/",
    )
    entries: list[tuple[str, dt.date, str, str, str]] = []
    for block in log.decode("utf-8", "replace").split("\0")[1:]:
        lines = block.strip("\n").split("\n")
        commit, committed, subject = [*lines[0].split("\x1f"), "", ""][:3]
        for line in lines[1:]:
            kind, _, path = line.partition("\t")
            if is_project_path(path) and kind[:1] in ("A", "M", "D"):
                entries.append((commit, dt.date.fromisoformat(committed), subject, path, kind[:1]))
    last_changed: dict[str, dt.date] = {}
    for _, day, _, path, _ in entries:  # newest first
        last_changed.setdefault(PurePosixPath(path).stem, day)
    changes: list[FileChange] = []
    if with_changes:
        wanted = [(c, p) for c, _, _, p, kind in entries if kind != "D"]
        blobs = dict(zip(wanted, _read_blobs(root, [f"{c}:./{p}" for c, p in wanted]), strict=True))
        changes = [
            FileChange(commit, date, subject, path, kind, blobs.get((commit, path)))
            for commit, date, subject, path, kind in reversed(entries)
        ]
    note = ""
    if is_shallow(root):
        note = "Historikken er ufuldstændig: sitet er bygget fra en afkortet kopi (shallow clone) af repositoriet."
    elif not last_changed:
        note = "Ingen historik endnu: projektfilerne er ikke committet."
    return History(last_changed, changes, note, available=True)
