"""The model of `focus_areas.yaml`: the programme, its focus areas and departments."""

from __future__ import annotations

import datetime as dt
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


class Programme(StrictModel):
    """The digitalisation programme a portfolio is steered by."""

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

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Programme:
        for kind, ids in (
            ("fokusområde-id", [area.id for area in self.focus_areas]),
            ("fokusområde-nummer", [str(area.number) for area in self.focus_areas]),
            ("forankrings-id", [self.central_team.id] + [d.id for d in self.departments]),
        ):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                raise ValueError(f"{kind} forekommer flere gange: {', '.join(duplicates)}")
        if self.period.end < self.period.start:
            raise ValueError("periodens slut ligger før dens start")
        return self

    @cached_property
    def focus_areas_by_id(self) -> dict[str, FocusArea]:
        """Focus areas keyed by id, in programme order."""
        return {area.id: area for area in sorted(self.focus_areas, key=lambda a: a.number)}

    @cached_property
    def focus_area_choices(self) -> dict[str, list[str]]:
        """Each focus area id with what a person may write for it: "4. Klima og ressourcer", its title."""
        return {a.id: [f"{a.number}. {a.title}", a.title] for a in self.focus_areas_by_id.values()}

    @cached_property
    def anchoring_choices(self) -> dict[str, list[str]]:
        """Each anchoring id with its Danish name."""
        return {key: [name] for key, name in self.anchorings.items()}

    @cached_property
    def names_by_field(self) -> dict[str, dict[str, str]]:
        """For the project fields that hold the programme's ids: each id's name, as people read it."""
        return {
            "focus_areas": {a.id: f"{a.number}. {a.title}" for a in self.focus_areas_by_id.values()},
            "anchoring": dict(self.anchorings),
        }

    @property
    def example_email(self) -> str:
        """An e-mail address to show in examples, in the municipality's own domain when it is known."""
        return f"navn@{self.email_domain or 'kommune.dk'}"

    @cached_property
    def anchorings(self) -> dict[str, str]:
        """Every allowed anchoring id with its Danish name, the central team first."""
        return {self.central_team.id: self.central_team.name} | {d.id: d.name for d in self.departments}
