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
from functools import cache
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from schema.catalogue import rule_catalogue
from schema.project import Project
from schema.reference import ALWAYS, NOT_REQUIRED, requirement
from schema.typing_tools import flatten, is_model

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/project.schema.json"
# Marks what a lead may add later; Danish, as the lead reads it.
HINT_MARK = "UDFYLD:"
_INDENT = "  "


def project_text(data: Mapping[str, Any], *, hints: bool = True) -> str:
    """The text of `projects/<id>.yaml` for `data`, as the Project model reads it.

    With `hints`, each optional top-level field that is left out gets a
    commented hint (UDFYLD) with the model's description and example.
    """
    lines = [SCHEMA_LINE]
    lines += _mapping(data, Project, 0, hints=hints)
    return "\n".join(lines) + "\n"


def _mapping(data: Mapping[str, Any], model: type[BaseModel] | None, depth: int, *, hints: bool) -> list[str]:
    lines: list[str] = []
    indent = _INDENT * depth
    # With hints, every field of the model has its place: a value, or a hint where it is left out.
    keys = _ordered_keys({**dict.fromkeys(model.model_fields), **data} if hints and model else data, model)
    for key in keys:
        value = data.get(key)
        info = model.model_fields.get(key) if model else None
        if value is None:
            if hints and info is not None:
                lines += _hint(key, info)
            continue
        sub_model = _model_for(info, value) if info else None
        if isinstance(value, Mapping):
            lines.append(f"{indent}{scalar(key)}:")
            lines += _mapping(value, sub_model, depth + 1, hints=False)
        elif isinstance(value, list) and value:
            lines.append(f"{indent}{scalar(key)}:")
            lines += _sequence(value, sub_model, depth + 1)
        elif isinstance(value, list):
            lines.append(f"{indent}{scalar(key)}: []")
        else:
            lines.append(f"{indent}{scalar(key)}: {scalar(value)}")
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
    return _NOT_YAML_TEXT.sub(_escape, json.dumps(text, ensure_ascii=False))


# Lower-case words that YAML reads as themselves; anything starting with a digit stays quoted.
_PLAIN_ID = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# What JSON leaves raw but YAML may not hold raw: characters outside YAML's printable set,
# and the line breaks YAML knows and JSON does not (NEL would be folded into a space).
_NOT_YAML_TEXT = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


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
    models: list[type[BaseModel]] = [t for t in kinds if is_model(t)]
    sample = value[0] if isinstance(value, list) and value else value
    for model in models:
        for key, field in model.model_fields.items():
            literal = get_origin(field.annotation) is Literal
            if literal and isinstance(sample, Mapping) and sample.get(key) == get_args(field.annotation)[0]:
                return model
    first: type[BaseModel] | None = models[0] if models else None
    return first


@cache
def _conditional_fields() -> frozenset[str]:
    return frozenset(path for rule in rule_catalogue().values() if rule.when for path in rule.requires)


def _hint(key: str, info: FieldInfo) -> list[str]:
    """A commented hint for a field left out: what it is, and an example written as YAML."""
    if info.is_required() or key in _conditional_fields():
        return []  # a field required only under a condition (common_initiative) would invite an error
    title = info.title or key
    when = requirement(key, info)
    title = f"{title} ({when.lower()})" if when not in (NOT_REQUIRED, ALWAYS) else title
    lines = [f"# {HINT_MARK} {title}: {info.description}" if info.description else f"# {HINT_MARK} {title}"]
    example = _example(key, info)
    if example is None or example == [] or example == {}:
        return lines
    return lines + ["# " + line for line in _mapping({key: example}, Project, 0, hints=False)]


def _example(path: str, info: FieldInfo) -> Any:
    """The field's own example, else one built from its section's examples; None if there is none."""
    if info.examples:
        return _typed(info.examples[0], info)
    kinds = flatten(info.annotation)
    literals = [get_args(kind)[0] for kind in kinds if get_origin(kind) is Literal]
    if literals:
        return literals[0]
    for kind in kinds:
        if is_model(kind):
            return _model_example(path, kind)
        if get_origin(kind) is list:
            item = next((t for t in flatten(get_args(kind)[0]) if is_model(t)), None)
            return [_model_example(path, item)] if item is not None else None
    return None


def _model_example(path: str, model: type[BaseModel]) -> dict[str, Any]:
    """An example of a section: the fields a lead must or should fill in, each with its example."""
    example = {}
    for key in _ordered_keys(model.model_fields, model):
        info = model.model_fields[key]
        wanted = info.is_required() or info.examples or requirement(f"{path}.{key}", info) != NOT_REQUIRED
        value = _example(f"{path}.{key}", info) if wanted else None
        if value is not None:
            example[key] = value
    return example


def _typed(example: Any, info: FieldInfo) -> Any:
    """An example as the field holds it: date examples are text in the model, shown as dates."""
    if isinstance(example, str) and dt.date in flatten(info.annotation):
        try:
            return dt.date.fromisoformat(example)
        except ValueError:
            return example
    return example
