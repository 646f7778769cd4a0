"""Write a new, valid project file from a few answers, with comments on what to fill in next."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import NewProjectInvalid, ProjectExists
from generator.portfolio import PROJECT_SUFFIX, PROJECTS_DIR, check_project_source, load_programme
from schema.catalogue import Severity
from schema.checks import CheckContext

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def project_id_from_title(title: str) -> str:
    """A file-name id from a Danish title: 'Skærmbesøg i ældreplejen' → 'skaermbesoeg-i-aeldreplejen'."""
    ascii_text = unicodedata.normalize("NFKD", title.translate(_DANISH)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "projekt"


@dataclass(frozen=True)
class Person:
    """A name and an e-mail address."""

    name: str
    email: str


@dataclass(frozen=True)
class Signoff:
    """Who approved, and when."""

    name: str
    date: dt.date


@dataclass
class NewProject:
    """The answers `handleplan new` collects."""

    title: str
    summary: str
    status: str
    focus_areas: list[str]
    scope: str
    anchoring: str
    owner: Person
    lead: Person
    start: dt.date | None = None
    end: dt.date | None = None
    initiative: tuple[str, str, str] | None = None  # name, body, url
    signoffs: dict[str, Signoff] = field(default_factory=dict)
    small_project_reason: str | None = None
    business_case: tuple[str, str, int | None, str, dt.date] | None = None  # reference, benefit, amount, owner, date
    infrastructure_components: list[str] | None = None
    infrastructure_deviation: str | None = None


def _text(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: no quoting rules to get wrong.
    return json.dumps(value, ensure_ascii=False)


def project_yaml(new: NewProject) -> str:
    """The project file's text: the answers, and commented hints where the lead should add more."""
    lines = [
        "# yaml-language-server: $schema=../schema/project.schema.json",
        "# Oprettet med 'handleplan new'. Udfyld det, der står som TODO, og se vejledningen på intranettet.",
        f"title: {_text(new.title)}",
        f"summary: {_text(new.summary)}",
        "# TODO: uddyb resuméet: formål, indhold og målgruppe (Markdown er tilladt).",
        f"status: {new.status}",
        "focus_areas:",
        *[f"  - {area}" for area in new.focus_areas],
        f"scope: {new.scope}",
    ]
    if new.initiative:
        name, body, url = new.initiative
        lines += ["common_initiative:", f"  name: {_text(name)}", f"  body: {_text(body)}", f"  url: {_text(url)}"]
    lines += [
        f"anchoring: {new.anchoring}",
        "owner:",
        f"  name: {_text(new.owner.name)}",
        f"  email: {_text(new.owner.email)}",
        "lead:",
        f"  name: {_text(new.lead.name)}",
        f"  email: {_text(new.lead.email)}",
    ]
    if new.start:
        lines.append(f"start: {new.start.isoformat()}")
    if new.end:
        lines.append(f"end: {new.end.isoformat()}")
    lines += [
        "# TODO: tilføj milepæle, fx:",
        "# milestones:",
        "#   - title: Første version i drift",
        "#     date: 2026-06-30",
    ]
    if new.signoffs:
        lines.append("signoffs:")
        for key, signoff in new.signoffs.items():
            lines += [f"  {key}:", f"    name: {_text(signoff.name)}", f"    date: {signoff.date.isoformat()}"]
        lines.append("# TODO: tilføj evt. reference under hver godkendelse (DPIA, risikovurdering, sagsnummer).")
    else:
        lines.append("# Før opstart: tilføj signoffs for dpo, security og it (navn og dato).")
    lines += _governance_lines(new) + _infrastructure_lines(new)
    lines += [
        "# TODO: beskriv overvejelserne; mangler de, giver handleplanen en advarsel:",
        "# considerations:",
        "#   citizens: Hvordan borgerne er tænkt ind tidligt, og om projektet kan samskabes med dem.",
        "#   coherence: Hvordan løsningen hænger sammen med andre digitale løsninger.",
        "#   climate: Projektets betydning for klima og ressourcer.",
        "# TODO: tilføj KLE-numre for projektets data, fx:",
        "# kle:",
        "#   - 27.24.00",
    ]
    return "\n".join(lines) + "\n"


def _governance_lines(new: NewProject) -> list[str]:
    if new.small_project_reason:
        return ["governance:", "  model: small_project", f"  reason: {_text(new.small_project_reason)}"]
    if new.business_case:
        reference, benefit, amount, owner, date = new.business_case
        lines = [
            "governance:",
            "  model: project_model",
            "  business_case:",
            f"    reference: {_text(reference)}",
            "    benefits:",
            f"      - description: {_text(benefit)}",
        ]
        if amount is not None:
            lines.append(f"        amount_dkk_per_year: {amount}")
        return [*lines, f"        owner: {_text(owner)}", f"        realisation_date: {date.isoformat()}"]
    return ["# Før opstart: tilføj governance (businesscase med gevinster, eller et lille projekt med begrundelse)."]


def _infrastructure_lines(new: NewProject) -> list[str]:
    if new.infrastructure_deviation:
        return ["infrastructure:", "  follows: false", f"  deviation: {_text(new.infrastructure_deviation)}"]
    if new.infrastructure_components is not None:
        lines = ["infrastructure:", "  follows: true"]
        if new.infrastructure_components:
            lines += ["  components:", *[f"    - {c}" for c in new.infrastructure_components]]
        return lines
    return ["# Før opstart: tag stilling til den fælleskommunale infrastruktur (infrastructure)."]


def create_project(root: Path, project_id: str, new: NewProject, today: dt.date) -> Path:
    """Check the new file and write it to projects/<id>.yaml; never overwrites.

    Raises:
        ProjectExists: the file is already there.
        NewProjectInvalid: the answers would give a file with errors (the messages say which).
        NotAPortfolio, InvalidProgramme: the repository or its programme is not usable.
    """
    path = root / PROJECTS_DIR / f"{project_id}{PROJECT_SUFFIX}"
    if path.exists():
        raise ProjectExists(path=path)
    programme_file, programme = load_programme(root)
    text = project_yaml(new)
    ids = frozenset(p.stem for p in (root / PROJECTS_DIR).glob(f"*{PROJECT_SUFFIX}")) | {project_id}
    context = CheckContext(programme, today, ids) if programme else None
    checked = check_project_source(f"{PROJECTS_DIR}/{project_id}{PROJECT_SUFFIX}", text.encode("utf-8"), context)
    errors = [f for f in checked.findings if f.severity is Severity.ERROR] + list(programme_file.errors)
    if errors:
        raise NewProjectInvalid(messages=[f"{f.code} {f.message}" for f in errors])
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite, even in a race
        handle.write(text)
    return path
