"""The "Nyt projekt" GitHub issue form, made from the programme and the project model.

The questions take their Danish labels, help texts and examples from the model's
field metadata, and their choices from focus_areas.yaml, so another municipality
gets its own form by editing data. `handleplan from-issue` reads the answers back
with the same `form_fields`, so a label changed here is a label read there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from generator.portfolio import usable_programme
from schema.programme import Programme
from schema.project import CommonInitiative, Considerations, Person, Project, Scope, Status

ISSUE_FORM_PATH = Path(".github") / "ISSUE_TEMPLATE" / "nyt-projekt.yml"
# The label the form puts on its issues; the from-issue workflow runs for it alone.
ISSUE_LABEL = "nyt projekt"

Kind = Literal["input", "textarea", "dropdown", "checkboxes"]


@dataclass(frozen=True)
class FormField:
    """One question of the form and where its answer goes in the project file."""

    id: str
    loc: tuple[str, ...]
    kind: Kind
    label: str
    description: str
    placeholder: str | None = None
    required: bool = False
    # For dropdowns and checkboxes: each option's text with the id it stands for.
    options: tuple[tuple[str, str], ...] = ()
    default: int | None = None

    @property
    def choices(self) -> dict[str, list[str]]:
        """The options as `schema.choices.match` reads them: id → its option text."""
        return {choice_id: [text] for text, choice_id in self.options}


# Help texts where the model's description speaks of ids and YAML, which the form hides.
_DESCRIPTIONS: dict[tuple[str, ...], str] = {
    ("status",): "Et nyt forslag er en idé. Andre statusser kræver godkendelser og styring, "
    "som formularen ikke spørger om.",
    ("focus_areas",): "Vælg mindst ét af programmets fokusområder.",
    ("scope",): "Lokalt: besluttet i kommunen. Fælleskommunalt: besluttet i fællesskab for alle kommuner.",
    ("anchoring",): "Hvor projektet er forankret: det centrale digitaliseringsteam eller et fagområde.",
    ("kle",): "KLE-numre, som projektets data opmærkes med (NN.NN.NN, evt. med handlingsfacet som G01). "
    "Adskil flere med komma.",
}
# Only for a part of a common-municipal project.
_INITIATIVE_NOTE = " Udfyldes kun for et fælleskommunalt projekt."
_INITIATIVE_NAME_LABEL = "navn"


def form_fields(programme: Programme) -> tuple[FormField, ...]:
    """The form's questions in order, with the programme's focus areas and anchorings as choices."""
    status_options = tuple((f"{s.label} ({s.value})", s.value) for s in Status)
    scope_options = tuple((f"{s.label} ({s.value})", s.value) for s in Scope)
    area_options = tuple((names[0], area_id) for area_id, names in programme.focus_area_choices.items())
    return (
        _field(Project, "title", "input", required=True),
        _field(Project, "summary", "textarea", required=True),
        _field(Project, "status", "dropdown", required=True, options=status_options, default=0),
        _field(Project, "focus_areas", "checkboxes", options=area_options),
        _field(Project, "scope", "dropdown", required=True, options=scope_options),
        *_part(Project, "common_initiative", CommonInitiative, ("name", "body", "url"), note=_INITIATIVE_NOTE),
        _field(Project, "anchoring", "dropdown", required=True, options=_anchoring_options(programme)),
        *_part(Project, "owner", Person, ("name", "email"), required=True, programme=programme),
        *_part(Project, "lead", Person, ("name", "email"), required=True, programme=programme),
        _field(Project, "start", "input", required=True),
        _field(Project, "end", "input"),
        *_part(Project, "considerations", Considerations, ("citizens", "coherence", "climate"), kind="textarea"),
        _field(Project, "kle", "input"),
    )


def _anchoring_options(programme: Programme) -> tuple[tuple[str, str], ...]:
    names = [names[0] for names in programme.anchoring_choices.values()]
    # GitHub refuses a dropdown with two equal options: a shared name gets its id added.
    return tuple(
        (name if names.count(name) == 1 else f"{name} ({anchoring_id})", anchoring_id)
        for anchoring_id, name in zip(programme.anchoring_choices, names, strict=True)
    )


def _field(
    model: type[BaseModel],
    name: str,
    kind: Kind,
    *,
    required: bool = False,
    options: tuple[tuple[str, str], ...] = (),
    default: int | None = None,
) -> FormField:
    info = model.model_fields[name]
    loc = (name,)
    return FormField(
        id=name,
        loc=loc,
        kind=kind,
        label=info.title or name,
        description=_DESCRIPTIONS.get(loc, info.description or ""),
        placeholder=_placeholder(info.examples) if kind in ("input", "textarea") else None,
        required=required,
        options=options,
        default=default,
    )


def _part(
    model: type[BaseModel],
    name: str,
    part: type[BaseModel],
    keys: tuple[str, ...],
    *,
    kind: Kind = "input",
    required: bool = False,
    note: str = "",
    programme: Programme | None = None,
) -> list[FormField]:
    """One question for each of `keys` in the nested model `part`, labelled "Projektejer: e-mail"."""
    parent = model.model_fields[name].title or name
    fields = []
    for key in keys:
        info = part.model_fields[key]
        title = _INITIATIVE_NAME_LABEL if part is CommonInitiative and key == "name" else (info.title or key)
        placeholder = _placeholder(info.examples)
        if programme is not None and programme.email_domain and placeholder and "@" in placeholder:
            placeholder = f"{placeholder.split('@')[0]}@{programme.email_domain}"
        fields.append(
            FormField(
                id=f"{name}_{key}",
                loc=(name, key),
                kind=kind,
                label=f"{parent}: {title[:1].lower()}{title[1:]}",
                description=(info.description or "") + note,
                placeholder=placeholder,
                required=required,
            )
        )
    return fields


def _placeholder(examples: list[Any] | None) -> str | None:
    if not examples:
        return None
    example = examples[0]
    if isinstance(example, list):
        return ", ".join(str(item) for item in example)
    return str(example)


def _intro(programme: Programme) -> str:
    return (
        f"Brug formularen til at foreslå et nyt projekt til {programme.current.name}. Når du opretter issuet, "
        "laver handleplanen projektfilen ud fra dine svar og åbner en pull request, som programgruppen "
        "gennemgår. Mangler der noget, står det i en kommentar på issuet: ret dine svar ved at redigere "
        "issuet, så prøver handleplanen igen.\n\n"
        "**Skriv ingen personoplysninger** ud over navn og arbejds-e-mail på projektejer og projektleder, "
        "fx ingen CPR-numre og intet om enkelte borgere. Issuet og projektfilen kan læses af alle, "
        "der har adgang til handleplanen."
    )


def _element(field: FormField) -> dict[str, Any]:
    attributes: dict[str, Any] = {"label": field.label}
    if field.description:
        attributes["description"] = field.description
    if field.kind == "checkboxes":
        attributes["options"] = [{"label": text} for text, _ in field.options]
    elif field.kind == "dropdown":
        attributes["options"] = [text for text, _ in field.options]
        if field.default is not None:
            attributes["default"] = field.default
    elif field.placeholder:
        attributes["placeholder"] = field.placeholder
    element: dict[str, Any] = {"type": field.kind, "id": field.id, "attributes": attributes}
    if field.required and field.kind != "checkboxes":
        element["validations"] = {"required": True}
    return element


def issue_form(programme: Programme) -> dict[str, Any]:
    """The issue form as data, in the shape GitHub reads."""
    return {
        "name": "Nyt projekt",
        "description": "Foreslå et nyt digitaliseringsprojekt til handleplanen.",
        "title": "Nyt projekt: ",
        "labels": [ISSUE_LABEL],
        "body": [
            {"type": "markdown", "attributes": {"value": _intro(programme)}},
            *(_element(field) for field in form_fields(programme)),
        ],
    }


_HEADER = (
    "# Generated from focus_areas.yaml and schema/project.py by generator/issue_form.py.\n"
    "# Do not edit by hand: change those and run 'handleplan schema'.\n"
)


class _FormDumper(yaml.SafeDumper):
    """Block lists indented under their key and multi-line texts as literal blocks, as people write YAML."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FormDumper.add_representer(str, _text)


def issue_form_text(programme: Programme) -> str:
    """The text of .github/ISSUE_TEMPLATE/nyt-projekt.yml for this programme."""
    body = yaml.dump(issue_form(programme), Dumper=_FormDumper, allow_unicode=True, sort_keys=False, width=100)
    return _HEADER + body


def expected_issue_forms(root: Path) -> dict[Path, str]:
    """The generated issue forms as focus_areas.yaml and the model make them now, by path.

    Raises:
        InvalidProgramme: focus_areas.yaml has errors.
    """
    programme = usable_programme(root)
    return {root / ISSUE_FORM_PATH: issue_form_text(programme)}
