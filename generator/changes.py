"""What changed in the portfolio: between two revisions, and commit by commit for the site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

from generator.charts import format_dkk
from generator.history import FileChange
from generator.portfolio import CheckedFile, Portfolio, check_project_source
from schema.checks import SIGNOFF_ROLES, CheckContext
from schema.programme import Programme
from schema.project import Project, ProjectModelGovernance, Status

JSON_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class FieldChange:
    """One field of a project, before and after (as Danish display text)."""

    field: str
    before: str
    after: str


@dataclass
class ProjectDiff:
    """How one project differs between two versions of the portfolio."""

    id: str
    title: str
    status_from: str | None = None
    status_to: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    rules_broken: list[str] = field(default_factory=list)
    rules_fixed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when nothing the diff reports has changed."""
        return not (self.status_to or self.fields or self.rules_broken or self.rules_fixed)


@dataclass
class PortfolioDiff:
    """Every change between two versions of the portfolio."""

    base: str
    head: str
    added: list[tuple[str, str, str]] = field(default_factory=list)  # id, title, status label
    removed: list[tuple[str, str]] = field(default_factory=list)  # id, title
    renamed: list[tuple[str, str]] = field(default_factory=list)  # old id, new id
    changed: list[ProjectDiff] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when the two versions hold the same portfolio, as far as the diff reports."""
        return not (self.added or self.removed or self.renamed or self.changed)


def diff_portfolios(base: Portfolio, head: Portfolio, base_name: str, head_name: str) -> PortfolioDiff:
    """Compare two portfolios project by project; a renamed file counts as a rename, not remove + add."""
    old = _by_id(base.project_files)
    new = _by_id(head.project_files)
    diff = PortfolioDiff(base_name, head_name)
    gone = sorted(set(old) - set(new))
    arrived = sorted(set(new) - set(old))
    for old_id in list(gone):
        match = next((n for n in arrived if _same_project(old[old_id], new[n])), None)
        if match is not None:
            diff.renamed.append((old_id, match))
            gone.remove(old_id)
            arrived.remove(match)
            _add_if_changed(diff, match, old[old_id], new[match])
    for project_id in arrived:
        project = new[project_id].project
        title = project.title if project else project_id
        diff.added.append((project_id, title, project.status.label if project else "ukendt"))
    for project_id in gone:
        project = old[project_id].project
        diff.removed.append((project_id, project.title if project else project_id))
    for project_id in sorted(set(old) & set(new)):
        _add_if_changed(diff, project_id, old[project_id], new[project_id])
    return diff


def _by_id(files: Iterable[CheckedFile]) -> dict[str, CheckedFile]:
    return {f.project_id: f for f in files if f.project_id}


def _same_project(old: CheckedFile, new: CheckedFile) -> bool:
    if old.project is None or new.project is None:
        return False
    return old.project == new.project or old.project.title.casefold() == new.project.title.casefold()


def _add_if_changed(diff: PortfolioDiff, project_id: str, old: CheckedFile, new: CheckedFile) -> None:
    change = compare_project(project_id, old, new)
    if not change.is_empty:
        diff.changed.append(change)


def compare_project(project_id: str, old: CheckedFile, new: CheckedFile) -> ProjectDiff:
    """Status transition, field changes and rules newly broken or fixed for one project."""
    title = new.project.title if new.project else (old.project.title if old.project else project_id)
    change = ProjectDiff(project_id, title)
    before_codes = {f.code for f in old.findings}
    after_codes = {f.code for f in new.findings}
    change.rules_broken = sorted(after_codes - before_codes)
    change.rules_fixed = sorted(before_codes - after_codes)
    if old.project is None or new.project is None:
        return change
    a, b = old.project, new.project
    if a.status != b.status:
        change.status_from, change.status_to = a.status.label, b.status.label
    for name, before, after in _compared_fields(a, b):
        if before != after:
            change.fields.append(FieldChange(name, before, after))
    return change


def _compared_fields(a: Project, b: Project) -> list[tuple[str, str, str]]:
    fields = [
        ("Titel", a.title, b.title),
        ("Fokusområder", ", ".join(a.focus_areas), ", ".join(b.focus_areas)),
        ("Omfang", _scope(a), _scope(b)),
        ("Forankring", a.anchoring, b.anchoring),
        ("Projektleder", a.lead.name, b.lead.name),
        ("Start", _date(a.start), _date(b.start)),
        ("Slut", _date(a.end), _date(b.end)),
    ]
    for key, role in SIGNOFF_ROLES.items():
        fields.append((f"Godkendelse fra {role}", _signoff(a, key), _signoff(b, key)))
    fields.append(("Gevinster", _benefits(a), _benefits(b)))
    return fields


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "ikke angivet"


def _scope(project: Project) -> str:
    initiative = project.common_initiative
    return f"{project.scope.label}: {initiative.name}" if initiative else project.scope.label


def _signoff(project: Project, key: str) -> str:
    signoff = getattr(project.signoffs, key)
    return f"{signoff.name}, {signoff.date.isoformat()}" if signoff else "mangler"


def _benefits(project: Project) -> str:
    governance = project.governance
    if not isinstance(governance, ProjectModelGovernance) or governance.business_case is None:
        return "ingen businesscase"
    benefits = governance.business_case.benefits
    expected = sum(b.amount_dkk_per_year or 0 for b in benefits)
    realised = sum(b.realised_dkk_per_year or 0 for b in benefits)
    return f"{len(benefits)} gevinst(er), forventet {format_dkk(expected)}, realiseret {format_dkk(realised)} pr. år"


def diff_as_markdown(diff: PortfolioDiff) -> str:
    """The diff in Danish Markdown, for a pull-request comment or the steering group."""
    lines = [f"## Ændringer i handleplanen ({diff.base} → {diff.head})", ""]
    if diff.is_empty:
        return "\n".join([*lines, "Ingen ændringer i projekterne.", ""])
    if diff.added:
        lines += ["### Nye projekter", ""]
        lines += [f"- **{_md(title)}** (`{pid}`), status: {status}" for pid, title, status in diff.added]
        lines.append("")
    if diff.removed:
        lines += ["### Fjernede projekter", ""]
        lines += [f"- **{_md(title)}** (`{pid}`)" for pid, title in diff.removed]
        lines.append("")
    if diff.renamed:
        lines += ["### Omdøbte projektfiler", ""]
        lines += [f"- `{old}` → `{new}`" for old, new in diff.renamed]
        lines.append("")
    if diff.changed:
        lines += ["### Ændrede projekter", ""]
        for change in diff.changed:
            lines.append(f"- **{_md(change.title)}** (`{change.id}`)")
            if change.status_to:
                lines.append(f"  - Status: {change.status_from} → {change.status_to}")
            for item in change.fields:
                lines.append(f"  - {item.field}: {_md(item.before)} → {_md(item.after)}")
            if change.rules_broken:
                lines.append(f"  - Nye regelbrud: {', '.join(change.rules_broken)}")
            if change.rules_fixed:
                lines.append(f"  - Rettet: {', '.join(change.rules_fixed)}")
        lines.append("")
    return "\n".join(lines)


def diff_as_json(diff: PortfolioDiff) -> dict[str, object]:
    """The diff as plain data; its shape is versioned by `schema_version`."""
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "base": diff.base,
        "head": diff.head,
        "added": [{"id": i, "title": t, "status": s} for i, t, s in diff.added],
        "removed": [{"id": i, "title": t} for i, t in diff.removed],
        "renamed": [{"from": old, "to": new} for old, new in diff.renamed],
        "changed": [asdict(change) for change in diff.changed],
    }


def _md(text: str) -> str:
    """Text safe inside a Markdown list item of a pull-request comment."""
    return "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in " ".join(text.split()))


@dataclass(frozen=True)
class Event:
    """One change in the portfolio's history, as the site tells it."""

    date: dt.date
    commit: str
    project_id: str
    title: str
    kind: str  # "added", "removed", "status", "completed", "rules", "updated"
    text: str


def history_events(changes: Iterable[FileChange], programme: Programme, known_ids: Iterable[str]) -> list[Event]:
    """Events from the file changes along the first-parent line, oldest first.

    Each version is checked as of its commit's date, so a rule counts as broken
    when the commit broke it, not because time has passed since.
    """
    ids = frozenset(known_ids) | {PurePosixPath(c.path).stem for c in changes}
    previous: dict[str, CheckedFile] = {}
    events: list[Event] = []
    for change in changes:
        project_id = PurePosixPath(change.path).stem
        context = CheckContext(programme, change.date, ids)
        before = previous.get(project_id)
        if change.content is None:
            title = before.project.title if before and before.project else project_id
            events.append(Event(change.date, change.commit, project_id, title, "removed", "Projektet er fjernet."))
            previous.pop(project_id, None)
            continue
        after = check_project_source(change.path, change.content, context)
        previous[project_id] = after
        events.extend(_events_for(change, project_id, before, after))
    return events


def _events_for(change: FileChange, project_id: str, before: CheckedFile | None, after: CheckedFile) -> list[Event]:
    title = after.project.title if after.project else project_id

    def event(kind: str, text: str) -> Event:
        return Event(change.date, change.commit, project_id, title, kind, text)

    if before is None:
        status = after.project.status.label if after.project else "ukendt"
        return [event("added", f"Nyt projekt med status {status}.")]
    diff = compare_project(project_id, before, after)
    found = []
    if diff.status_to:
        kind = "completed" if after.project and after.project.status is Status.COMPLETED else "status"
        found.append(event(kind, f"Status: {diff.status_from} → {diff.status_to}."))
    if diff.rules_broken or diff.rules_fixed:
        parts = []
        if diff.rules_broken:
            parts.append(f"nye regelbrud {', '.join(diff.rules_broken)}")
        if diff.rules_fixed:
            parts.append(f"rettet {', '.join(diff.rules_fixed)}")
        found.append(event("rules", "Overholdelse: " + "; ".join(parts) + "."))
    if not found:
        fields = ", ".join(item.field.lower() for item in diff.fields) or "beskrivelse"
        found.append(event("updated", f"Opdateret: {fields}."))
    return found


def newest_events(events: Iterable[Event]) -> list[Event]:
    """Events newest first; events of one day in reverse commit order (`events` is oldest first)."""
    return sorted(reversed(list(events)), key=lambda e: e.date, reverse=True)


def events_by_month(events: Iterable[Event]) -> list[tuple[str, list[Event]]]:
    """Events grouped by month ('2026-11'), newest month and newest event first."""
    months: dict[str, list[Event]] = {}
    for event in newest_events(events):
        months.setdefault(event.date.strftime("%Y-%m"), []).append(event)
    return list(months.items())


def events_by_project(events: Iterable[Event]) -> Mapping[str, list[Event]]:
    """Each project's events, newest first."""
    grouped: dict[str, list[Event]] = {}
    for event in newest_events(events):
        grouped.setdefault(event.project_id, []).append(event)
    return grouped
