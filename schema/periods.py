"""Which programmes a project belongs to, and what the programme group should know about the periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from schema.dates import danish_date
from schema.programme import Programme, ProgrammeVersion
from schema.project import Project, Status


@dataclass(frozen=True)
class ProgrammeFact:
    """A Danish sentence about the programme as a whole, with the projects it concerns (ids), if any."""

    text: str
    project_ids: tuple[str, ...] = ()


def programmes_of(project: Project, programme: Programme) -> list[ProgrammeVersion]:
    """The adopted programmes whose periods the project's overlaps; an idea belongs to the current one."""
    if project.status is Status.IDEA:
        return [programme.current]
    adopted = (*reversed(programme.earlier), programme.current)
    return [version for version in adopted if version.overlaps(project.start, project.end)]


def areas_in(project: Project, version: ProgrammeVersion) -> list[str]:
    """The focus areas a project had in a programme: recorded on migration, or those of its own it names."""
    recorded = project.earlier_focus_areas.get(version.id)
    if recorded is not None:
        return [a for a in recorded if a in version.focus_areas_by_id]
    return [a for a in project.focus_areas if a in version.focus_areas_by_id]


def programme_facts(
    programme: Programme, projects: Iterable[tuple[str, Project]], today: dt.date
) -> list[ProgrammeFact]:
    """What is true of the programme periods today: an ended or not yet begun period, projects outside them all."""
    facts = []
    current = programme.current
    drafts = programme.drafts
    if today > current.period.end:
        text = f"Programperioden for {current.name} sluttede {danish_date(current.period.end)}."
        if drafts:
            text += (
                f" Et efterfølgende program er forberedt som kladde: {drafts[0].name}. Tilpas det i "
                "focus_areas.yaml, og kør 'handleplan migrate', som tager det i brug og flytter de aktive "
                "projekter over."
            )
        else:
            text += " Tilføj det efterfølgende program under successors i focus_areas.yaml."
        facts.append(ProgrammeFact(text))
    elif today < current.period.start:
        facts.append(ProgrammeFact(f"{current.name} begynder først {danish_date(current.period.start)}."))
    outside = sorted(
        project_id
        for project_id, project in projects
        if project.status is not Status.IDEA
        and (project.start or project.end)
        and not programmes_of(project, programme)
    )
    if outside:
        first, last = programme.programmes[0].period.start, current.period.end
        count = "1 projekt ligger" if len(outside) == 1 else f"{len(outside)} projekter ligger"
        facts.append(
            ProgrammeFact(
                f"{count} helt uden for programperioderne ({danish_date(first)} – {danish_date(last)})",
                tuple(outside),
            )
        )
    return facts
