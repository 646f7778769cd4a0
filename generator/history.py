"""What git knows about the project files: the one module that reads git."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class History:
    """When each project file last changed, and a Danish note on how complete that is."""

    last_changed: dict[str, dt.date] = field(default_factory=dict)
    note: str = ""


def _git(root: Path, *args: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=120
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout if completed.returncode == 0 else None


def read_history(root: Path, projects_dir: str = "projects") -> History:
    """The date of the last commit touching each project file, from one `git log`.

    Outside git, or where git is missing, there is no history and the note says so.
    """
    if _git(root, "rev-parse", "--is-inside-work-tree") is None:
        return History(note="Ingen historik: handleplanen er ikke bygget fra et git-repositorium.")
    log = _git(root, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", f"{projects_dir}/")
    if log is None:
        return History(note="Ingen historik: git-loggen kunne ikke læses.")
    last_changed: dict[str, dt.date] = {}
    for entry in log.split("\x00")[1:]:
        lines = entry.strip().splitlines()
        if not lines:
            continue
        date = dt.date.fromisoformat(lines[0])
        for name in lines[1:]:
            path = Path(name)
            if path.suffix == ".yaml":
                last_changed.setdefault(path.stem, date)
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    note = ""
    if shallow is not None and shallow.strip() == "true":
        note = "Historikken er ufuldstændig: sitet er bygget fra en overfladisk kopi (shallow clone) af repositoriet."
    elif not last_changed:
        note = "Ingen historik endnu: projektfilerne er ikke committet."
    return History(last_changed, note)
