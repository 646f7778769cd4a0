"""A project's fields as a person reads them, labelled with the model's Danish titles.

The diff, the export and the project page take their labels and values from
here, so a field added to the model appears in all of them without being named
again. Sections of a few plain fields (a person, a sign-off, the considerations)
are opened one level, so each of their fields is a value of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from schema.dates import danish_date
from schema.project import Benefit, Project, ProjectModelGovernance
from schema.typing_tools import flatten, is_model

# A value as it reads: text, a whole number of kroner or a date; None where nothing is given.
Value = str | int | dt.date | None


@dataclass(frozen=True)
class FieldValue:
    """One field: its key path in the file, its Danish label and its value."""

    path: str
    label: str
    value: Value


@cache
def field_title(path: str, model: type[BaseModel] = Project) -> str:
    """The Danish title of the field at a dotted key path, such as 'considerations.citizens'."""
    candidates: list[Any] = [model]
    title = path
    for part in path.split("."):
        infos = [c.model_fields[part] for c in candidates if is_model(c) and part in c.model_fields]
        if not infos:
            raise KeyError(path)
        title = infos[0].title or part
        candidates = [t for info in infos for t in flatten(info.annotation)]
        candidates = [a for t in candidates for a in (get_args(t) if get_origin(t) is list else (t,))]
    return title


@cache
def _layout() -> tuple[tuple[str, str, tuple[tuple[str, str], ...] | None], ...]:
    """For each field of Project: its name, its title, and for an opened section its fields' (name, label)."""
    layout = []
    for name, info in Project.model_fields.items():
        title = info.title or name
        section = _opened_section(info.annotation)
        sub_fields = (
            None
            if section is None
            else tuple((sub, f"{title} ({sub_info.title or sub})") for sub, sub_info in section.model_fields.items())
        )
        layout.append((name, title, sub_fields))
    return tuple(layout)


def field_labels() -> dict[str, str]:
    """Every path `field_values` gives, with its Danish label, in the model's order."""
    labels: dict[str, str] = {}
    for name, title, sub_fields in _layout():
        if sub_fields is None:
            labels[name] = title
        else:
            labels |= {f"{name}.{sub}": label for sub, label in sub_fields}
    return labels


# For fields holding ids: each id's name, by field (see Programme.names_by_field).
Names = Mapping[str, Mapping[str, str]]


def field_values(project: Project, names: Names | None = None) -> list[FieldValue]:
    """Every field of the project as it reads, in the model's order (absent ones as None).

    With `names`, ids are shown by name: "4. Klima og ressourcer", not "klima-ressourcer".
    """
    return list(_values(project, names or {}))


def _values(project: Project, names: Names) -> Iterator[FieldValue]:
    for name, title, sub_fields in _layout():
        value = getattr(project, name)
        if name in names and value is not None:
            named = [names[name].get(item, item) for item in (value if isinstance(value, list) else [value])]
            yield FieldValue(name, title, "; ".join(named) or None)
        elif sub_fields is None:
            yield FieldValue(name, title, as_value(value, name))
        else:
            for sub, label in sub_fields:
                path = f"{name}.{sub}"
                yield FieldValue(path, label, None if value is None else as_value(getattr(value, sub), path))


def _opened_section(annotation: Any) -> type[BaseModel] | None:
    """The model of a section whose fields are shown one by one: one model (not a choice) of a few fields."""
    models = [t for t in flatten(annotation) if t is not type(None)]
    if len(models) != 1 or not is_model(models[0]):
        return None
    model: type[BaseModel] = models[0]
    return model if len(model.model_fields) <= _OPENED_MAX_FIELDS else None


_OPENED_MAX_FIELDS = 4


def as_value(value: Any, path: str = "") -> Value:
    """A field's value as it reads: labels for choices, lists joined, sections in a line."""
    special = _SPECIAL.get(path)
    if special is not None and value is not None:
        return special(value)
    if isinstance(value, Enum):  # before str: the choices are str enums
        return str(getattr(value, "label", value.value))
    if value is None or isinstance(value, str | dt.date):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return value
    if isinstance(value, list):
        return "; ".join(_text(as_value(item)) for item in value) or None
    if isinstance(value, dict):  # "programme-id: a, b"
        return "; ".join(f"{key}: {_text(as_value(item)).replace('; ', ', ')}" for key, item in value.items()) or None
    if isinstance(value, BaseModel):
        parts = [_text(as_value(getattr(value, name))) for name in type(value).model_fields]
        return ", ".join(part for part in parts if part) or None
    return str(value)


def as_text(value: Value, *, limit: int | None = None) -> str:
    """A value as one line of Danish text ('ikke angivet' for none), cut at `limit` characters."""
    if value is None:
        return "ikke angivet"
    text = " ".join(_text(value).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return danish_date(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return value


def _governance(value: Any) -> Value:
    """The model, and for a business case its benefits summed: the detail is on the project page."""
    title = str(type(value).model_config.get("title", ""))
    if isinstance(value, ProjectModelGovernance):
        if value.business_case is None:
            return f"{title}, uden businesscase"
        benefits: list[Benefit] = value.business_case.benefits
        expected = sum(b.amount_dkk_per_year or 0 for b in benefits)
        realised = sum(b.realised_dkk_per_year or 0 for b in benefits)
        return (
            f"{title}: {len(benefits)} gevinst(er), forventet {_text(expected)} kr., "
            f"realiseret {_text(realised)} kr. pr. år"
        )
    return f"{title}: {value.reason}"


def _infrastructure(value: Any) -> Value:
    title = str(type(value).model_config.get("title", ""))
    detail = as_value(getattr(value, "components", None)) or getattr(value, "deviation", None)
    return f"{title}: {detail}" if detail else title


_SPECIAL: dict[str, Callable[[Any], Value]] = {
    "governance": _governance,
    "infrastructure": _infrastructure,
}
