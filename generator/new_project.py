"""Write a new project file: checked as `handleplan validate` would check it, and never over another."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.errors import NewProjectInvalid, ProjectExists
from generator.portfolio import PROJECT_SUFFIX, PROJECTS_DIR, check_project_source, usable_programme
from generator.project_yaml import project_text
from schema.catalogue import Finding, Severity
from schema.checks import CheckContext

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def project_id_from_title(title: str) -> str:
    """A file-name id from a Danish title: 'Skærmbesøg i ældreplejen' → 'skaermbesoeg-i-aeldreplejen'."""
    ascii_text = unicodedata.normalize("NFKD", title.translate(_DANISH)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "projekt"


def write_new_project(root: Path, project_id: str, data: Mapping[str, Any], today: dt.date) -> Path:
    """Write `data` as projects/<id>.yaml after checking it as `handleplan validate` would; never overwrites.

    Raises:
        ProjectExists: the file is already there.
        NewProjectInvalid: the file would have errors (its Danish findings say which).
        NotAPortfolio, InvalidProgramme: the repository or its programme is not usable.
    """
    path = root / PROJECTS_DIR / f"{project_id}{PROJECT_SUFFIX}"
    if path.exists() or path.is_symlink():
        raise ProjectExists(path=path)
    programme = usable_programme(root)
    text = project_text(data)
    ids = frozenset(p.stem for p in (root / PROJECTS_DIR).glob(f"*{PROJECT_SUFFIX}")) | {project_id}
    shown = f"{PROJECTS_DIR}/{project_id}{PROJECT_SUFFIX}"
    checked = check_project_source(shown, text.encode("utf-8"), CheckContext(programme, today, ids))
    errors = [f for f in checked.findings if f.severity is Severity.ERROR]
    if errors:
        raise NewProjectInvalid(messages=[_described(f) for f in errors])
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite, even in a race
        handle.write(text)
    return path


def _described(found: Finding) -> str:
    """A finding as validate words it, with the fix where it adds something."""
    fix = f" Sådan retter du det: {found.fix}" if found.fix else ""
    return f"{found.code} {found.message}{fix}"
