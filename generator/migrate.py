"""Move the active projects to the newest programme's focus areas, as a change a person reviews.

The mapping in focus_areas.yaml says what each earlier focus area corresponds to. One
area: it is swapped. Several: nothing is guessed; a TODO comment in the file lists the
candidates for the project lead. The areas a project had are kept under
`earlier_focus_areas`, so the earlier programme's dashboards keep showing it. A programme
prepared as a draft is taken into use by removing its `draft: true` line. Only those lines
of a file change; comments and everything else stay as the lead wrote them.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.docs_folder import write_atomically
from generator.errors import NothingToMigrate
from generator.portfolio import PROGRAMME_FILE, Portfolio
from schema.programme import Programme, ProgrammeVersion

TODO = "TODO (handleplan migrate):"
_COMMENT_WIDTH = 88


@dataclass
class ProjectMigration:
    """How one project file changes: its focus areas before and after, and what the lead must choose."""

    path: str
    title: str
    before: list[str]
    after: list[str]
    earlier: dict[str, list[str]]  # programme id → the areas the project had there
    todo: list[str] = field(default_factory=list)  # Danish, one per area the mapping cannot settle
    text: str = ""


@dataclass
class Migration:
    """Everything `migrate` would change."""

    target: ProgrammeVersion
    adopts_draft: bool
    programme_text: str | None  # focus_areas.yaml without the target's `draft: true`, when it is a draft
    projects: list[ProjectMigration]
    unreadable: list[str]  # project files with errors that keep them from being read


def plan_migration(portfolio: Portfolio) -> Migration:
    """What moving the active projects to the newest programme would change; writes nothing.

    Raises:
        NothingToMigrate: focus_areas.yaml describes one programme only.
    """
    programme = portfolio.programme
    assert programme is not None, "validate the programme before migrating"
    if not programme.successors:
        raise NothingToMigrate
    target = programme.programmes[-1]
    programme_text = None
    if target.draft:
        source = portfolio.programme_file.source
        assert source is not None, "the programme was read"
        # Decoded from the bytes: read as text, Windows line endings would become "\n" and every line change.
        programme_text = _without_draft_line(source.decode("utf-8"), len(programme.successors) - 1)
    moves, unreadable = [], []
    for checked in portfolio.project_files:
        project = checked.project
        if project is None:
            unreadable.append(checked.path)
            continue
        if project.status.is_closed:
            continue  # closed projects keep the areas of the programme they ran in
        move = _move(programme, target, checked.path, project.title, project.focus_areas, project.earlier_focus_areas)
        if move is None:
            continue
        assert checked.source is not None, "a project that was read has its bytes"
        move.text = _rewritten(checked.source.decode("utf-8"), move)
        moves.append(move)
    return Migration(target, target.draft, programme_text, moves, unreadable)


def migration_lines(migration: Migration) -> list[str]:
    """What the migration does, in Danish, a line each: for `migrate` to print before writing."""
    target = migration.target
    count = len(migration.projects)
    lines = [f"Flytter {count} aktive {'projekt' if count == 1 else 'projekter'} til {target.name}:"]
    if not count:
        lines = [f"Alle aktive projekter bruger allerede fokusområderne i {target.name}."]
    if migration.adopts_draft:
        lines.insert(0, f"Tager {target.name} i brug: fjerner 'draft: true' i {PROGRAMME_FILE}.")
    for move in migration.projects:
        lines.append(f"  {move.path}: {', '.join(move.before) or 'ingen'} → {', '.join(move.after) or 'ingen'}")
        lines += [f"    Skal vælges: {note}" for note in move.todo]
    for path in migration.unreadable:
        lines.append(f"  {path}: kan ikke læses og er ikke flyttet; ret fejlene, og kør migrate igen.")
    return lines


def apply_migration(root: Path, migration: Migration) -> list[str]:
    """Write the migrated files (each atomically); returns their paths, focus_areas.yaml first when it changed."""
    written = []
    if migration.programme_text is not None:
        write_atomically(root / PROGRAMME_FILE, migration.programme_text.encode("utf-8"))
        written.append(PROGRAMME_FILE)
    for move in migration.projects:
        write_atomically(root / move.path, move.text.encode("utf-8"))
        written.append(move.path)
    return written


def _move(
    programme: Programme,
    target: ProgrammeVersion,
    path: str,
    title: str,
    areas: list[str],
    earlier: dict[str, list[str]],
) -> ProjectMigration | None:
    names = programme.area_names
    after: list[str] = []
    todo: list[str] = []
    recorded = {key: list(value) for key, value in earlier.items()}
    for area in areas:
        if area in target.focus_areas_by_id:
            after.append(area)
            continue
        version = _programme_of(programme, area, target)
        if version is None:
            after.append(area)  # unknown everywhere: HP102 names it; not migrate's to guess
            continue
        recorded.setdefault(version.id, [])
        if area not in recorded[version.id]:
            recorded[version.id].append(area)
        candidates = programme.successors_of(area, target)
        if len(candidates) == 1:
            after.append(candidates[0])
        elif candidates:
            listed = " eller ".join(f"'{c}' ({names.get(c, c)})" for c in candidates)
            todo.append(
                f"'{area}' ({names.get(area, area)}) fra {version.name} svarer til {listed}. "
                "Tilføj dem, der passer, under focus_areas, og slet så denne kommentar."
            )
        else:
            todo.append(
                f"'{area}' ({names.get(area, area)}) fra {version.name} har intet tilsvarende fokusområde i "
                f"{target.name}. Vælg et under focus_areas, og slet så denne kommentar."
            )
    after = list(dict.fromkeys(after))
    if after == areas and recorded == earlier and not todo:
        return None
    return ProjectMigration(path, title, list(areas), after, recorded, todo)


def _programme_of(programme: Programme, area: str, target: ProgrammeVersion) -> ProgrammeVersion | None:
    """The newest programme before `target` that has the area."""
    before = programme.programmes[: programme.programmes.index(target)]
    return next((v for v in reversed(before) if area in v.focus_areas_by_id), None)


def _rewritten(text: str, move: ProjectMigration) -> str:
    """The file with its focus_areas (and earlier_focus_areas) block replaced, every other line as it was."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    spans = _top_level_spans(text)
    indent = spans.get("focus_areas", (0, 0, 2))[2]
    block = _focus_area_lines(move, indent)
    replaced = sorted((spans[key] for key in ("focus_areas", "earlier_focus_areas") if key in spans), reverse=True)
    first = min(start for start, _, _ in replaced)
    for start, end, _ in replaced:
        del lines[start:end]
    lines[first:first] = [line + newline for line in block]
    return "".join(lines)


def _focus_area_lines(move: ProjectMigration, indent: int) -> list[str]:
    pad = " " * indent
    # An empty list until the lead chooses: the file stays readable, and HP101 says what is missing.
    block = ["focus_areas:" if move.after else "focus_areas: []"]
    block += [f"{pad}- {area}" for area in move.after]
    for note in move.todo:
        wrapped = textwrap.wrap(f"{TODO} {note}", _COMMENT_WIDTH - indent - 2, break_on_hyphens=False)
        block += [f"{pad}# {wrapped[0]}", *(f"{pad}#   {rest}" for rest in wrapped[1:])]
    if move.earlier:
        block.append("earlier_focus_areas:")
        for programme_id, areas in move.earlier.items():
            block.append(f"  {programme_id}:")
            block += [f"  {pad}- {area}" for area in areas]
    return block


def _top_level_spans(text: str) -> dict[str, tuple[int, int, int]]:
    """For each top-level key: its first line, the line after its value, and its list items' indentation."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    spans: dict[str, tuple[int, int, int]] = {}
    if not isinstance(root, yaml.MappingNode):
        return spans
    lines = text.splitlines()
    for key, value in root.value:
        end = value.end_mark.line + (1 if value.end_mark.column > 0 else 0)
        # Comment and blank lines before the next key belong to it, not to this value.
        while end > key.start_mark.line + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        indent = 2
        if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
            indent = max(0, value.value[0].start_mark.column - 2)
        spans[str(key.value)] = (key.start_mark.line, end, indent)
    return spans


def _without_draft_line(text: str, successor_index: int) -> str:
    """focus_areas.yaml with the `draft: true` line of one successor removed."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(root, yaml.MappingNode), "the programme was read before"
    successors = next(v for k, v in root.value if k.value == "successors")
    entry = successors.value[successor_index]
    key = next(k for k, _ in entry.value if k.value == "draft")
    lines = text.splitlines(keepends=True)
    del lines[key.start_mark.line]
    return "".join(lines)
