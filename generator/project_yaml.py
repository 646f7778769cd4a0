"""Write a project file from plain data: keys in the model's order, text safely quoted, hints as comments.

Used wherever handleplan writes a project for a lead (`new`, `from-issue`, the
guide's example). Text is written as JSON strings, which are valid YAML
double-quoted scalars, so no value can change meaning (a KLE number stays text,
"nej" stays text, a colon or a '#' is harmless). Fields left out get a
commented hint taken from the model's own title, description and example.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from schema.project import Project
from schema.reference import ALWAYS, NOT_REQUIRED, requirement
from schema.typing_tools import flatten, is_model

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/project.schema.json"
_INDENT = "  "


def project_text(data: Mapping[str, Any], *, hints: bool = True) -> str:
    """The text of `projects/<id>.yaml` for `data`, as the Project model reads it.

    With `hints`, each optional top-level field that is left out gets a
    commented TODO with the model's description and example.
    """
    lines = [SCHEMA_LINE]
    lines += _mapping(data, Project, 0, hints=hints)
    return "\n".join(lines) + "\n"


def _mapping(data: Mapping[str, Any], model: type[BaseModel] | None, depth: int, *, hints: bool) -> list[str]:
    lines: list[str] = []
    indent = _INDENT * depth
    for key in _ordered_keys(data, model):
        value = data[key]
        info = model.model_fields.get(key) if model else None
        if value is None:
            continue
        sub_model = _model_for(info, value) if info else None
        if isinstance(value, Mapping):
            lines.append(f"{indent}{key}:")
            lines += _mapping(value, sub_model, depth + 1, hints=False)
        elif isinstance(value, list) and value:
            lines.append(f"{indent}{key}:")
            lines += _sequence(value, sub_model, depth + 1)
        elif isinstance(value, list):
            lines.append(f"{indent}{key}: []")
        else:
            lines.append(f"{indent}{key}: {scalar(value)}")
    if hints and model is not None:
        lines += [line for key, info in model.model_fields.items() if key not in data for line in _hint(key, info)]
    return lines


def _sequence(items: list[Any], model: type[BaseModel] | None, depth: int) -> list[str]:
    lines: list[str] = []
    indent = _INDENT * depth
    for item in items:
        if isinstance(item, Mapping):
            inner = _mapping(item, model, depth + 1, hints=False)
            if inner:
                first = inner[0].strip()
                lines.append(f"{indent}- {first}")
                lines += inner[1:]
            else:
                lines.append(f"{indent}- {{}}")
        else:
            lines.append(f"{indent}- {scalar(item)}")
    return lines


def scalar(value: Any) -> str:
    """One value as YAML: ids plain, other text as a JSON string, dates as ÅÅÅÅ-MM-DD, numbers plain."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN_ID.fullmatch(text) and text not in _YAML_WORDS:
        return text  # an id such as `execution` or `borger-teknologi-lokaldemokrati` reads as it is
    return json.dumps(text, ensure_ascii=False)


# Lower-case words that YAML reads as themselves; anything starting with a digit stays quoted.
_PLAIN_ID = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _ordered_keys(data: Mapping[str, Any], model: type[BaseModel] | None) -> list[str]:
    """The model's keys in its order (a choosing key such as `model:` first), then any others."""
    if model is None:
        return list(data)
    order = list(model.model_fields)
    choosing = [k for k, info in model.model_fields.items() if get_origin(info.annotation) is Literal]
    order = choosing + [k for k in order if k not in choosing]
    return [k for k in order if k in data] + [k for k in data if k not in model.model_fields]


def _model_for(info: FieldInfo, value: Any) -> type[BaseModel] | None:
    """The model a section or list item is read as; for alternatives, the one its choosing key names."""
    kinds = flatten(info.annotation)
    kinds += [t for kind in kinds if get_origin(kind) is list for t in flatten(get_args(kind)[0])]
    models = [t for t in kinds if is_model(t)]
    sample = value[0] if isinstance(value, list) and value else value
    for model in models:
        for key, field in model.model_fields.items():
            literal = get_origin(field.annotation) is Literal
            if literal and isinstance(sample, Mapping) and sample.get(key) == get_args(field.annotation)[0]:
                return model
    first: type[BaseModel] | None = models[0] if models else None
    return first


def _example_scalar(value: Any) -> str:
    """An example in a comment: a date example (kept as text in the model) is shown as a date."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    return scalar(value)


def _hint(key: str, info: FieldInfo) -> list[str]:
    """A commented TODO for a field left out: what it is, and its example written as YAML."""
    if info.is_required():
        return []
    title = info.title or key
    when = requirement(key, info)
    title = f"{title} ({when.lower()})" if when not in (NOT_REQUIRED, ALWAYS) else title
    lines = [f"# TODO: {title}: {info.description}" if info.description else f"# TODO: {title}"]
    example = info.examples[0] if info.examples else None
    sub_model = next((t for t in flatten(info.annotation) if is_model(t)), None)
    if example is not None:
        shown = (
            [f"# {key}:", *(f"#   - {_example_scalar(item)}" for item in example)]
            if isinstance(example, list)
            else [f"# {key}: {_example_scalar(example)}"]
        )
        return lines + shown
    if sub_model is not None:
        fields = [
            f"#   {name}: {_example_scalar(field.examples[0])}"
            for name, field in sub_model.model_fields.items()
            if field.examples and not isinstance(field.examples[0], list)
        ]
        return [*lines, f"# {key}:", *fields] if fields else lines
    return lines
