"""What changed in the portfolio: between two revisions, and commit by commit for the site."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import PurePosixPath

from generator.cpr_scan import find_cpr_in_file_name
from generator.history import FileChange
from generator.portfolio import CheckedFile, Portfolio, cpr_exceptions
from generator.versions import VersionChecker
from schema.catalogue import rule_catalogue
from schema.checks import CheckContext
from schema.dates import danish_date
from schema.field_values import as_text, field_values
from schema.programme import Programme
from schema.project import Project, Status

JSON_SCHEMA_VERSION = 1
# The head of a diff against the files on disk rather than a revision.
WORKING_TREE = "arbejdskopien"

# A version with a CPR number (HP007) is never shown, not even its title: only this.
WITHHELD_NOTE = "En tidligere version af projektfilen er udeladt, fordi den indeholdt et CPR-nummer."
WITHHELD_BASE = "Den tidligere version er udeladt, fordi den indeholdt et CPR-nummer."
WITHHELD_HEAD = "Den nye version er udeladt, fordi den indeholder et CPR-nummer."
# Stands for a file whose very name had a CPR number; no project id has an underscore.
WITHHELD_NAME = "udeladt_filnavn_{number}"
WITHHELD_NAME_TITLE = "Projektfil med udeladt navn"


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
    withheld: list[tuple[str, str]] = field(default_factory=list)  # id, Danish note on the version left out
    # id, title, the dispensation in Danish: named first, so that the reviewers see every exception asked for
    dispensations: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when the two versions hold the same portfolio, as far as the diff reports."""
        return not (self.added or self.removed or self.renamed or self.changed)


def diff_portfolios(base: Portfolio, head: Portfolio, base_name: str, head_name: str) -> PortfolioDiff:
    """Compare two portfolios project by project; a renamed file counts as a rename, not remove + add.

    A version with a CPR number is compared by its rule codes alone, and noted as left out.
    """
    programme = head.programme or base.programme
    excused = cpr_exceptions(programme) if programme else ()
    old, old_withheld = _shown_by_id(base.project_files, excused)
    new, new_withheld = _shown_by_id(head.project_files, excused)
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
        title = project.title if project else _fallback_title(project_id)
        diff.added.append((project_id, title, project.status.label if project else "ukendt"))
    for project_id in gone:
        project = old[project_id].project
        diff.removed.append((project_id, project.title if project else _fallback_title(project_id)))
    for project_id in sorted(set(old) & set(new)):
        _add_if_changed(diff, project_id, old[project_id], new[project_id])
    renamed_from = {new_id: old_id for old_id, new_id in diff.renamed}
    for project_id in sorted(new):
        earlier = old.get(renamed_from.get(project_id, project_id))
        diff.dispensations += _new_dispensations(project_id, earlier, new[project_id])
    shown = {i for i, _, _ in diff.added} | {i for i, _ in diff.removed} | {c.id for c in diff.changed}
    shown |= {i for pair in diff.renamed for i in pair}
    for project_id in sorted(shown):
        if project_id in old_withheld:
            diff.withheld.append((project_id, WITHHELD_BASE))
        if project_id in new_withheld:
            diff.withheld.append((project_id, WITHHELD_HEAD))
    return diff


def _new_dispensations(project_id: str, old: CheckedFile | None, new: CheckedFile) -> list[tuple[str, str, str]]:
    if new.project is None:
        return []
    before = {d.model_dump_json() for d in old.project.dispensations} if old and old.project else set()
    found = []
    for dispensation in new.project.dispensations:
        if dispensation.model_dump_json() in before:
            continue
        rule = rule_catalogue().get(dispensation.rule)
        named = f"{dispensation.rule} {rule.title}" if rule else dispensation.rule
        text = (
            f"{named}: {dispensation.granted_by.label} {danish_date(dispensation.granted_on)}, "
            f"til og med {danish_date(dispensation.expires)}. Begrundelse: {dispensation.reason}"
        )
        found.append((project_id, new.project.title, text))
    return found


def _shown_by_id(files: Iterable[CheckedFile], excused: tuple[str, ...]) -> tuple[dict[str, CheckedFile], set[str]]:
    """The files by id, each with a CPR number stripped to its findings; and the ids so stripped."""
    shown: dict[str, CheckedFile] = {}
    withheld: set[str] = set()
    unnamed = 0
    for checked in files:
        project_id = checked.project_id
        if not project_id:
            continue
        if not _has_cpr(checked):
            shown[project_id] = checked
            continue
        if find_cpr_in_file_name(checked.path, excused):
            unnamed += 1
            project_id = WITHHELD_NAME.format(number=unnamed)
        shown[project_id] = CheckedFile(project_id, checked.findings, project_id)
        withheld.add(project_id)
    return shown, withheld


def _has_cpr(checked: CheckedFile) -> bool:
    return any(f.code == "HP007" for f in checked.findings)


def _fallback_title(project_id: str) -> str:
    """The title of a project whose version is not shown: its id, unless that is withheld too."""
    return WITHHELD_NAME_TITLE if project_id.startswith(WITHHELD_NAME.partition("{")[0]) else project_id


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
    title = new.project.title if new.project else (old.project.title if old.project else _fallback_title(project_id))
    change = ProjectDiff(project_id, title)
    # A rule broken under a dispensation is neither newly broken nor fixed: the dispensation is named instead.
    broken_before = {f.code for f in old.findings if f.waiver is None}
    broken_after = {f.code for f in new.findings if f.waiver is None}
    change.rules_broken = sorted(broken_after - broken_before)
    change.rules_fixed = sorted({f.code for f in old.findings} - {f.code for f in new.findings})
    if old.project is None or new.project is None:
        return change
    a, b = old.project, new.project
    if a.status != b.status:
        change.status_from, change.status_to = a.status.label, b.status.label
    for name, before, after in _compared_fields(a, b):
        if before != after:
            change.fields.append(FieldChange(name, before, after))
    return change


# Long texts are shown as their start: the diff says that they changed, the file says how.
_SHOWN_CHARACTERS = 120


def _compared_fields(a: Project, b: Project) -> list[tuple[str, str, str]]:
    """Every field but the status (reported as a transition), labelled by the model."""
    return [
        (before.label, as_text(before.value, limit=_SHOWN_CHARACTERS), as_text(after.value, limit=_SHOWN_CHARACTERS))
        for before, after in zip(field_values(a), field_values(b), strict=True)
        if before.path != "status"
    ]


def diff_as_markdown(diff: PortfolioDiff) -> str:
    """The diff in Danish Markdown, for a pull-request comment or the steering group."""
    lines = [f"## Ændringer i handleplanen ({_revision(diff.base)} → {_revision(diff.head)})", ""]
    if diff.is_empty:
        return "\n".join([*lines, "Ingen ændringer i projekterne.", ""])
    if diff.dispensations:
        lines += ["### Nye dispensationer", "", "Programgruppen eller styregruppen skal have givet dem:", ""]
        lines += [f"- **{_md(title)}** ({_code(pid)}): {_md(text)}" for pid, title, text in diff.dispensations]
        lines.append("")
    if diff.added:
        lines += ["### Nye projekter", ""]
        lines += [f"- **{_md(title)}** ({_code(pid)}), status: {status}" for pid, title, status in diff.added]
        lines.append("")
    if diff.removed:
        lines += ["### Fjernede projekter", ""]
        lines += [f"- **{_md(title)}** ({_code(pid)})" for pid, title in diff.removed]
        lines.append("")
    if diff.renamed:
        lines += ["### Omdøbte projektfiler", ""]
        lines += [f"- {_code(old)} → {_code(new)}" for old, new in diff.renamed]
        lines.append("")
    if diff.changed:
        lines += ["### Ændrede projekter", ""]
        for change in diff.changed:
            lines.append(f"- **{_md(change.title)}** ({_code(change.id)})")
            if change.status_to:
                lines.append(f"  - Status: {change.status_from} → {change.status_to}")
            for item in change.fields:
                lines.append(f"  - {item.field}: {_md(item.before)} → {_md(item.after)}")
            if change.rules_broken:
                lines.append(f"  - Nye regelbrud: {', '.join(change.rules_broken)}")
            if change.rules_fixed:
                lines.append(f"  - Rettet: {', '.join(change.rules_fixed)}")
        lines.append("")
    if diff.withheld:
        lines += ["### Udeladte versioner", ""]
        lines += [f"- {_code(pid)}: {note}" for pid, note in diff.withheld]
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
        "withheld": [{"id": i, "note": n} for i, n in diff.withheld],
        "dispensations": [{"id": i, "title": t, "dispensation": d} for i, t, d in diff.dispensations],
    }


def _md(text: str) -> str:
    """Text safe inside a Markdown list item of a pull-request comment: no markup, mention or link of its own."""
    escaped = "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in " ".join(text.split()))
    # A word joiner keeps GitHub from turning "@name" into a mention that notifies someone,
    # and "https://…" or "www.…" into a link.
    escaped = escaped.replace("@", "@\u2060")
    return _AUTOLINK.sub(lambda m: m.group()[:-1] + "\u2060" + m.group()[-1], escaped)


_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>|#!~()")
_AUTOLINK = re.compile(r"(?i):/|\bwww\.")


def _revision(name: str) -> str:
    """A revision as the user named it, as code; the working tree in plain words."""
    return name if name == WORKING_TREE else _code(name)


def _code(text: str) -> str:
    """Text as a Markdown code span, whatever backticks it holds (ids come from file names)."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{padding}{text}{padding}{fence}"


@dataclass(frozen=True)
class Event:
    """One change in the portfolio's history, as the site tells it."""

    date: dt.date
    commit: str
    project_id: str
    title: str
    kind: str  # "added", "removed", "status", "completed", "rules", "updated", "withheld"
    text: str


def history_events(
    changes: Iterable[FileChange],
    programme: Programme,
    known_ids: Iterable[str],
    checker: VersionChecker | None = None,
) -> list[Event]:
    """Events from the file changes along the first-parent line, oldest first.

    `checker` may hold versions read already (today's files, or the trend's).

    Each version is checked as of its commit's date, so a rule counts as broken
    when the commit broke it, not because time has passed since. A version with
    a CPR number is withheld: its event says only that, and the next version is
    compared with the last one shown. A file whose name had one is never named.
    """
    changes = list(changes)
    checker = checker or VersionChecker()
    ids = frozenset(known_ids) | {PurePosixPath(c.path).stem for c in changes}
    excused = cpr_exceptions(programme)
    previous: dict[str, CheckedFile] = {}  # the last version shown of each project
    withheld: set[str] = set()  # projects whose last version was withheld
    unnamed: dict[str, str] = {}
    events: list[Event] = []
    for change in changes:
        project_id = PurePosixPath(change.path).stem
        if find_cpr_in_file_name(change.path, excused):
            shown_id = unnamed.setdefault(project_id, WITHHELD_NAME.format(number=len(unnamed) + 1))
            events.append(Event(change.date, change.commit, shown_id, WITHHELD_NAME_TITLE, "withheld", WITHHELD_NOTE))
            continue
        context = CheckContext(programme, change.date, ids)
        before = previous.get(project_id)
        shown_title = before.project.title if before and before.project else project_id
        event = partial(Event, change.date, change.commit, project_id, shown_title)
        if change.content is None:
            events.append(event("removed", "Projektet er fjernet."))
            previous.pop(project_id, None)
            withheld.discard(project_id)
            continue
        after = checker.check(change.path, change.content, context, {})
        if _has_cpr(after):
            events.append(event("withheld", WITHHELD_NOTE))
            withheld.add(project_id)
            continue
        previous[project_id] = after
        events.extend(_events_for(change, project_id, before, after, follows_withheld=project_id in withheld))
        withheld.discard(project_id)
    return events


def _events_for(
    change: FileChange, project_id: str, before: CheckedFile | None, after: CheckedFile, *, follows_withheld: bool
) -> list[Event]:
    title = after.project.title if after.project else project_id

    def event(kind: str, text: str) -> Event:
        return Event(change.date, change.commit, project_id, title, kind, text)

    if before is None:
        status = after.project.status.label if after.project else "ukendt"
        if follows_withheld:  # the project is not new, but no earlier version of it is shown
            return [event("updated", f"Ny version uden CPR-nummer, status {status}.")]
        if after.project and after.project.status.is_closed:  # an earlier project written down afterwards
            return [event("added", f"Føjet til handleplanen som {status.lower()} projekt.")]
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
        fields = ", ".join(item.field for item in diff.fields) or "beskrivelse"
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
