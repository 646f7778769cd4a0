"""The model of `focus_areas.yaml`: the programme, its focus areas and departments, and its successors.

Programmes succeed each other: the file's top level is the first, `successors` the ones that
followed, each with a mapping from the previous programme's focus areas to its own. The last
one that is not a draft is the current programme: active projects name its focus areas, while
closed projects keep those of the programme they ran in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from schema.common import LongText, Slug, StrictModel, Text


class Period(StrictModel):
    """The years the programme runs."""

    start: dt.date = Field(title="Start", description="Programmets første dag.")
    end: dt.date = Field(title="Slut", description="Programmets sidste dag.")


class FocusArea(StrictModel):
    """One of the programme's focus areas."""

    id: Slug = Field(title="Id", description="Stabil kort nøgle, som projekterne henviser til.")
    number: int = Field(ge=1, le=99, title="Nummer", description="Fokusområdets nummer i programmet.")
    title: Text = Field(title="Titel", description="Fokusområdets navn.")
    description: LongText = Field(title="Beskrivelse", description="Hvad fokusområdet kræver af et projekt.")

    @property
    def name(self) -> str:
        """The area as people read it: "4. Klima og ressourcer"."""
        return f"{self.number}. {self.title}"


class Department(StrictModel):
    """A department (fagområde) a project can be anchored in."""

    id: Slug = Field(title="Id", description="Stabil kort nøgle, som projekterne henviser til.")
    name: Text = Field(title="Navn", description="Fagområdets navn.")


class CprException(StrictModel):
    """A text that has the form of a CPR number, reviewed and found to be none."""

    text: Text = Field(
        title="Tekst",
        description="Teksten præcis, som den står i projektfilerne, fx et kontonummer med ordet foran. "
        "Et tal inden i teksten meldes ikke som CPR-nummer; det samme tal andre steder gør.",
    )
    reviewed_by: Text = Field(
        title="Gennemgået af",
        description="Hvem der har kontrolleret, at teksten ikke er et CPR-nummer.",
    )
    reviewed_on: dt.date = Field(
        title="Gennemgået den",
        description="Hvornår teksten blev kontrolleret (ÅÅÅÅ-MM-DD).",
    )


class Successor(StrictModel):
    """A programme that follows the one before it, with the mapping from that one's focus areas."""

    id: Slug = Field(
        title="Id", description="Stabil kort nøgle; arkivet over programmet har adressen programmer/<id>/."
    )
    name: Text = Field(title="Navn", description="Programmets navn.")
    period: Period = Field(title="Periode", description="Programmets periode.")
    draft: bool = Field(
        default=False,
        title="Kladde",
        description="true: programmet er forberedt (eller et eksempel), men ikke taget i brug. 'handleplan migrate' "
        "tager det i brug og flytter de aktive projekter over.",
    )
    focus_areas: list[FocusArea] = Field(min_length=1, title="Fokusområder", description="Programmets fokusområder.")
    mapping: dict[Slug, list[Slug]] = Field(
        default_factory=dict,
        title="Fra det forrige programs fokusområder",
        description="For hvert af det forrige programs fokusområder: det eller de af dette programs fokusområder, det "
        "svarer til. Ét: 'handleplan migrate' skifter det ud. Flere: projektlederen vælger.",
        examples=[{"borger-teknologi-lokaldemokrati": ["brugervenlig"]}],
    )

    @model_validator(mode="after")
    def _maps_to_own_areas(self) -> Successor:
        # Here, not on the whole file, so that the message points at this programme.
        own = {area.id for area in self.focus_areas}
        for old, new in self.mapping.items():
            unknown = [n for n in new if n not in own]
            if unknown or not new:
                shown = ", ".join(unknown) if unknown else "ingen"
                raise ValueError(f"mapping: '{old}' peger på {shown}, ikke et af programmets fokusområder")
        return self


@dataclass(frozen=True, eq=False)  # compared by identity: one object per programme of the file
class ProgrammeVersion:
    """One programme of the succession, read the same way whether it is the file's top level or a successor."""

    id: str
    name: str
    period: Period
    focus_areas: tuple[FocusArea, ...]
    mapping: dict[str, list[str]]
    draft: bool = False

    @cached_property
    def focus_areas_by_id(self) -> dict[str, FocusArea]:
        """Focus areas keyed by id, in programme order."""
        return {area.id: area for area in sorted(self.focus_areas, key=lambda a: a.number)}

    @cached_property
    def focus_area_choices(self) -> dict[str, list[str]]:
        """Each focus area id with what a person may write for it: "4. Klima og ressourcer", its title."""
        return {a.id: [a.name, a.title] for a in self.focus_areas_by_id.values()}

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether a period (open where a date is missing) shares a day with the programme's."""
        return (start is None or start <= self.period.end) and (end is None or end >= self.period.start)


class Programme(StrictModel):
    """The digitalisation programme a portfolio is steered by."""

    id: Slug | None = Field(
        default=None,
        title="Id",
        description="Stabil kort nøgle for programmet, fx 'digitaliseringsprogram-2021-2025'. Påkrævet, når programmet "
        "har efterfølgere; arkivet over det har adressen programmer/<id>/.",
    )
    name: Text = Field(title="Navn", description="Programmets navn.")
    organisation: Text = Field(title="Organisation", description="Kommunens navn.")
    period: Period = Field(title="Periode", description="Programmets periode.")
    central_team: Department = Field(
        title="Centralt team",
        description="Det centrale digitaliseringsteam, som projekter også kan forankres i.",
    )
    focus_areas: list[FocusArea] = Field(min_length=1, title="Fokusområder", description="Programmets fokusområder.")
    departments: list[Department] = Field(min_length=1, title="Fagområder", description="Kommunens fagområder.")
    email_domain: Annotated[Text, StringConstraints(pattern=r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")] | None = Field(
        default=None,
        title="E-maildomæne",
        description="Domænet i medarbejdernes e-mailadresser, fx kommune.dk. Bruges i eksempler og forslag.",
        examples=["kommune.dk"],
    )
    stale_after_months: int = Field(
        default=6,
        ge=1,
        le=60,
        title="Forældet efter (måneder)",
        description="Et aktivt projekt, hvis fil ikke er ændret i så mange måneder, får en advarsel.",
    )
    cpr_exceptions: list[CprException] = Field(
        default_factory=list,
        title="Godkendte undtagelser fra CPR-tjekket",
        description="Tekster, der ligner et CPR-nummer (en dato og fire cifre), men som er gennemgået og ikke er "
        "et. Kun de præcise tekster undtages; tilføj kun en tekst, når det er kontrolleret.",
    )
    successors: list[Successor] = Field(
        default_factory=list,
        title="Efterfølgende programmer",
        description="Programmer, der afløser dette, i rækkefølge, hvert med sine fokusområder og med, hvad det forrige "
        "programs fokusområder svarer til. Det sidste, der ikke er en kladde, er det gældende program.",
    )

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Programme:
        # The focus areas and the period of every programme, this first one too, are checked by _check_succession.
        _raise_on_duplicates("forankrings-id", [self.central_team.id] + [d.id for d in self.departments])
        if self.successors and self.id is None:
            raise ValueError("et program med efterfølgere skal have et id (fx id: digitaliseringsprogram-2021-2025)")
        _check_succession(self.programmes)
        return self

    @cached_property
    def programmes(self) -> tuple[ProgrammeVersion, ...]:
        """Every programme of the succession, the first (the file's top level) first."""
        first = ProgrammeVersion(self.id or "program", self.name, self.period, tuple(self.focus_areas), {})
        rest = (
            ProgrammeVersion(s.id, s.name, s.period, tuple(s.focus_areas), s.mapping, s.draft) for s in self.successors
        )
        return (first, *rest)

    @cached_property
    def current(self) -> ProgrammeVersion:
        """The programme in force: the last one that is not a draft."""
        return [p for p in self.programmes if not p.draft][-1]

    @cached_property
    def earlier(self) -> tuple[ProgrammeVersion, ...]:
        """The programmes before the current one, the newest first: their dashboards are an archive."""
        index = self.programmes.index(self.current)
        return tuple(reversed(self.programmes[:index]))

    @cached_property
    def drafts(self) -> tuple[ProgrammeVersion, ...]:
        """Programmes prepared to follow the current one, not yet in force."""
        return tuple(p for p in self.programmes if p.draft)

    @cached_property
    def focus_areas_by_id(self) -> dict[str, FocusArea]:
        """The current programme's focus areas keyed by id, in programme order."""
        return self.current.focus_areas_by_id

    @cached_property
    def adopted_focus_areas(self) -> dict[str, tuple[ProgrammeVersion, FocusArea]]:
        """Every focus area of the current and the earlier programmes with its programme: the newest wins an id."""
        found: dict[str, tuple[ProgrammeVersion, FocusArea]] = {}
        for version in (*reversed(self.earlier), self.current):
            found |= {area_id: (version, area) for area_id, area in version.focus_areas_by_id.items()}
        return found

    def successors_of(self, area_id: str, target: ProgrammeVersion | None = None) -> list[str]:
        """The focus areas of `target` (the current programme) an earlier area maps to, along the succession.

        An area the mapping leaves out carries on where the next programme has an area of the same id.
        """
        target = target or self.current
        index = self.programmes.index(target)
        frontier = {area_id}
        for version in self.programmes[1 : index + 1]:
            mapped: set[str] = set()
            for area in frontier:
                mapped |= set(version.mapping.get(area, [area] if area in version.focus_areas_by_id else []))
            frontier = mapped
        order = list(target.focus_areas_by_id)
        return sorted((a for a in frontier if a in target.focus_areas_by_id), key=order.index)

    @cached_property
    def focus_area_choices(self) -> dict[str, list[str]]:
        """The current programme's focus areas with what a person may write for each."""
        return self.current.focus_area_choices

    @cached_property
    def area_names(self) -> dict[str, str]:
        """Every programme's focus areas by id, as people read them; a later programme wins an id."""
        return {a.id: a.name for version in self.programmes for a in version.focus_areas_by_id.values()}

    @cached_property
    def anchoring_choices(self) -> dict[str, list[str]]:
        """Each anchoring id with its Danish name."""
        return {key: [name] for key, name in self.anchorings.items()}

    @cached_property
    def names_by_field(self) -> dict[str, dict[str, str]]:
        """For the project fields that hold the programme's ids: each id's name, as people read it.

        Focus areas of earlier programmes are named too (after the current ones), for closed projects.
        """
        current = {a.id: a.name for a in self.focus_areas_by_id.values()}
        earlier = {
            i: f"{a.name} ({version.name})" for i, (version, a) in self.adopted_focus_areas.items() if i not in current
        }
        return {"focus_areas": current | earlier, "anchoring": dict(self.anchorings)}

    @property
    def example_email(self) -> str:
        """An e-mail address to show in examples, in the municipality's own domain when it is known."""
        return f"navn@{self.email_domain or 'kommune.dk'}"

    @cached_property
    def anchorings(self) -> dict[str, str]:
        """Every allowed anchoring id with its Danish name, the central team first."""
        return {self.central_team.id: self.central_team.name} | {d.id: d.name for d in self.departments}


def _check_succession(programmes: tuple[ProgrammeVersion, ...]) -> None:
    """Each programme's ids unique, its period after the previous one's start, its mapping from real areas.

    The first programme is the file's top level, named in no message; a successor is named. That a mapping
    points at the successor's own areas, its model checks (Successor).
    """
    seen: set[str] = set()
    for previous, version in zip((None, *programmes), programmes, strict=False):
        if version.id in seen:
            raise ValueError(f"program-id'et {version.id} forekommer flere gange")
        seen.add(version.id)
        where = "" if previous is None else f" i {version.name}"
        _raise_on_duplicates("fokusområde-id", [a.id for a in version.focus_areas], where)
        _raise_on_duplicates("fokusområde-nummer", [str(a.number) for a in version.focus_areas], where)
        if version.period.end < version.period.start:
            raise ValueError(f"periodens slut ligger før dens start{where}")
        if previous is None:
            continue
        if previous.draft and not version.draft:
            raise ValueError(f"{version.name} følger en kladde ({previous.name}); tag kladden i brug først")
        if version.period.start <= previous.period.start:
            raise ValueError(f"{version.name} skal begynde efter {previous.name}")
        for old in version.mapping:
            if old not in previous.focus_areas_by_id:
                raise ValueError(f"mapping i {version.name}: '{old}' er ikke et fokusområde i {previous.name}")


def _raise_on_duplicates(kind: str, ids: list[str], where: str = "") -> None:
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{kind} forekommer flere gange{where}: {', '.join(duplicates)}")
